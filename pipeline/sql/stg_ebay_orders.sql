-- Staging: eBay Orders report rows, one per line item. The report has no status column: the
-- Cancel Status, the shipping date and the payment date decide it. The Cancel Reason gives the
-- cancel reason, and through the vocabulary the close cause.
with

export_rows as (select * from stg_export_rows),

value_keys as (select * from stg_raw_value_keys),

cancel_status_aliases as (
    select value_keys.raw, vocab_alias.code
    from value_keys
    join vocab_alias using (raw_key)
    where vocab_alias.kind = 'status' and vocab_alias.platform = 'ebay'
),

cause_aliases as (
    select value_keys.raw, vocab_alias.code
    from value_keys
    join vocab_alias using (raw_key)
    where vocab_alias.kind = 'close_cause' and vocab_alias.platform = 'ebay'
),

cause_default as (
    select code from vocab_alias
    where kind = 'close_cause' and platform = 'ebay' and raw_key = '*'
),

reason_aliases as (
    select value_keys.raw, vocab_alias.code
    from value_keys
    join vocab_alias using (raw_key)
    where vocab_alias.kind = 'cancel_reason' and vocab_alias.platform = 'any'
),

with_status as (
    select
        export_rows.* replace (export_rows.cancel_status_raw as status_raw),
        coalesce(
            cancel_status_aliases.code,
            case when shipped_at is not null then 'shipped'
                 when paid_at is not null then 'awaiting_shipment'
                 else 'awaiting_payment' end
        ) as status_code,
        cause_aliases.code as cause_alias,
        reason_aliases.code as reason_alias
    from export_rows
    left join cancel_status_aliases
        on export_rows.cancel_status_raw = cancel_status_aliases.raw
    left join cause_aliases on export_rows.cancel_reason_raw = cause_aliases.raw
    left join reason_aliases on export_rows.cancel_reason_raw = reason_aliases.raw
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
