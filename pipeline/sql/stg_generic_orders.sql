-- Staging: rows of any other source, with status, cause and reason from its mapping file.
-- A mapped status may carry its own cause and reason (Olist `unavailable` is a closed,
-- seller-cancelled, out-of-stock order).
with

export_rows as (select * from stg_export_rows),

value_keys as (select * from stg_raw_value_keys),

status_map as (
    select value_keys.raw, mapping_alias.status, mapping_alias.close_cause, mapping_alias.cancel_reason
    from value_keys
    join mapping_alias using (raw_key)
    where mapping_alias.kind = 'status'
),

cause_map as (
    select value_keys.raw, mapping_alias.close_cause
    from value_keys
    join mapping_alias using (raw_key)
    where mapping_alias.kind = 'close_cause'
),

reason_map as (
    select value_keys.raw, mapping_alias.cancel_reason
    from value_keys
    join mapping_alias using (raw_key)
    where mapping_alias.kind = 'cancel_reason'
),

reason_aliases as (
    select value_keys.raw, vocab_alias.code
    from value_keys
    join vocab_alias using (raw_key)
    where vocab_alias.kind = 'cancel_reason' and vocab_alias.platform = 'any'
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
    left join status_map on export_rows.status_raw = status_map.raw
    left join cause_map on export_rows.close_reason_raw = cause_map.raw
    left join reason_map on export_rows.cancel_reason_raw = reason_map.raw
    left join reason_aliases on export_rows.cancel_reason_raw = reason_aliases.raw
)

select * from final
