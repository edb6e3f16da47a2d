-- Staging: 1688 rows. Its 关闭原因 gives both the close cause and the cancel reason.
with

export_rows as (select * from stg_export_rows),

status_aliases as (
    select raw_key, code from vocab_alias where kind = 'status' and platform = '1688'
),

cause_aliases as (
    select raw_key, code from vocab_alias where kind = 'close_cause' and platform = '1688'
),

reason_aliases as (
    select raw_key, code from vocab_alias where kind = 'cancel_reason' and platform = 'any'
),

final as (
    select
        export_rows.*,
        status_aliases.code as status_code,
        case when export_rows.close_reason_raw is not null
             then coalesce(cause_aliases.code, 'other') end as cause_code,
        case when export_rows.close_reason_raw is not null
             then coalesce(reason_aliases.code, 'other') end as cancel_reason,
        cast(null as varchar) as line_key
    from export_rows
    left join status_aliases on value_key(export_rows.status_raw) = status_aliases.raw_key
    left join cause_aliases on value_key(export_rows.close_reason_raw) = cause_aliases.raw_key
    left join reason_aliases on value_key(export_rows.close_reason_raw) = reason_aliases.raw_key
)

select * from final
