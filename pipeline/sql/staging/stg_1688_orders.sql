-- Staging: 1688 rows. Its 关闭原因 gives both the close cause and the cancel reason
-- (sellerGoodsLack: seller_cancelled, out_of_stock).
with

export_rows as (select * from stg_export_rows),

codes as (select * from stg_raw_value_codes),

final as (
    select
        export_rows.*,
        status_codes.status_code,
        case when export_rows.close_reason_raw is not null
             then coalesce(close_codes.cause_code, 'other') end as cause_code,
        case when export_rows.close_reason_raw is not null
             then coalesce(close_codes.reason_code, 'other') end as cancel_reason,
        lpad(cast(export_rows.line_no as varchar), 6, '0') as line_key
    from export_rows
    left join codes as status_codes on export_rows.status_raw = status_codes.raw
    left join codes as close_codes on export_rows.close_reason_raw = close_codes.raw
)

select * from final
