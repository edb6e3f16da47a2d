-- Staging: Taobao / Tmall 订单报表 rows, one per order. Its 订单关闭原因 gives the close cause and
-- the cancel reason at once, as 1688's 关闭原因 does; 订单未关闭 says the order is not closed.
with

export_rows as (select * from stg_export_rows),

codes as (select * from stg_raw_value_codes),

coded as (
    select
        export_rows.*,
        status_codes.status_code,
        close_codes.cause_code as close_cause_alias,
        close_codes.reason_code as reason_alias
    from export_rows
    left join codes as status_codes on export_rows.status_raw = status_codes.raw
    left join codes as close_codes on export_rows.close_reason_raw = close_codes.raw
),

final as (
    select
        coded.* exclude (close_cause_alias, reason_alias),
        case when close_reason_raw is not null
             then coalesce(close_cause_alias, 'other') end as cause_code,
        -- a known close reason that names no cancel reason (买家未付款, 退款) gives none;
        -- an unknown one counts as `other` and is listed by `storehealth status`
        case when close_reason_raw is null or close_cause_alias = 'not_closed' then null
             when close_cause_alias is null then 'other'
             else reason_alias end as cancel_reason,
        cast(null as varchar) as line_key
    from coded
)

select * from final
