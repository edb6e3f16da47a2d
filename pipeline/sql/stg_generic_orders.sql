-- Staging: rows of any other source, with status, cause and reason from its mapping file.
-- A mapped status may carry its own cause and reason (Olist `unavailable` is a closed,
-- seller-cancelled, out-of-stock order).
with

export_rows as (select * from stg_export_rows),

status_map as (
    select raw_key, status, close_cause, cancel_reason from mapping_alias where kind = 'status'
),

cause_map as (
    select raw_key, close_cause from mapping_alias where kind = 'close_cause'
),

reason_map as (
    select raw_key, cancel_reason from mapping_alias where kind = 'cancel_reason'
),

reason_aliases as (
    select raw_key, code from vocab_alias where kind = 'cancel_reason' and platform = 'any'
),

final as (
    select
        export_rows.*,
        status_map.status as status_code,
        coalesce(cause_map.close_cause, status_map.close_cause) as cause_code,
        coalesce(
            reason_map.cancel_reason,
            case when export_rows.cancel_reason_raw is not null
                 then coalesce(reason_aliases.code, 'other') end,
            status_map.cancel_reason
        ) as cancel_reason,
        cast(null as varchar) as line_key
    from export_rows
    left join status_map on value_key(export_rows.status_raw) = status_map.raw_key
    left join cause_map on value_key(export_rows.close_reason_raw) = cause_map.raw_key
    left join reason_map on value_key(export_rows.cancel_reason_raw) = reason_map.raw_key
    left join reason_aliases on value_key(export_rows.cancel_reason_raw) = reason_aliases.raw_key
)

select * from final
