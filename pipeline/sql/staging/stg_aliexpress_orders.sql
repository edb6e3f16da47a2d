-- Staging: AliExpress rows with their raw status, close reason (订单关闭原因) and cancel reason
-- (取消原因) looked up in the vocabulary. Status `finished` and cause `buyer_cancelled` are
-- resolved later, once payment and receipt are known. Unknown reasons count as `other`.
with

export_rows as (select * from stg_export_rows),

codes as (select * from stg_raw_value_codes),

final as (
    select
        export_rows.*,
        status_codes.status_code,
        case when export_rows.close_reason_raw is not null
             then coalesce(cause_codes.cause_code, 'other') end as cause_code,
        case when export_rows.cancel_reason_raw is not null
             then coalesce(reason_codes.reason_code, 'other') end as cancel_reason,
        cast(null as varchar) as line_key
    from export_rows
    left join codes as status_codes on export_rows.status_raw = status_codes.raw
    left join codes as cause_codes on export_rows.close_reason_raw = cause_codes.raw
    left join codes as reason_codes on export_rows.cancel_reason_raw = reason_codes.raw
)

select * from final
