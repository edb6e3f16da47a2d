-- Staging: eBay Orders report rows, one per line item. The report has no status column: the
-- Cancel Status, the shipping date and the payment date decide it. The Cancel Reason gives the
-- cancel reason, and through the vocabulary the close cause (default: the `*` alias).
with

export_rows as (select * from stg_export_rows),

codes as (select * from stg_raw_value_codes),

cause_default as (
    select code from vocab_alias
    where kind = 'close_cause' and platform = 'ebay' and raw_key = '*'
),

with_status as (
    select
        export_rows.* replace (export_rows.cancel_status_raw as status_raw),
        coalesce(
            status_codes.status_code,
            case when export_rows.shipped_at is not null then 'shipped'
                 when export_rows.paid_at is not null then 'awaiting_shipment'
                 else 'awaiting_payment' end
        ) as status_code,
        reason_codes.cause_code as cause_alias,
        reason_codes.reason_code as reason_alias
    from export_rows
    left join codes as status_codes on export_rows.cancel_status_raw = status_codes.raw
    left join codes as reason_codes on export_rows.cancel_reason_raw = reason_codes.raw
),

final as (
    select
        with_status.* exclude (cause_alias, reason_alias),
        case when status_code = 'closed' and cancel_reason_raw is not null
             then coalesce(cause_alias, (select code from cause_default)) end as cause_code,
        case when cancel_reason_raw is not null
             then coalesce(reason_alias, 'other') end as cancel_reason,
        coalesce(item_id, product_info, '') as line_key
    from with_status
)

select * from final
