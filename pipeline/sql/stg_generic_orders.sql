-- Staging: rows of any other source, with status, cause and reason from its mapping file.
-- A mapped status may carry its own cause and reason (Olist `unavailable` is a closed,
-- seller-cancelled, out-of-stock order).
with

export_rows as (select * from stg_export_rows),

codes as (select * from stg_raw_value_codes),

final as (
    select
        export_rows.*,
        status_codes.status_code,
        coalesce(cause_codes.cause_code, status_codes.status_cause_code) as cause_code,
        coalesce(
            case when export_rows.cancel_reason_raw is not null
                 then coalesce(reason_codes.reason_code, 'other') end,
            status_codes.status_reason_code
        ) as cancel_reason,
        lpad(cast(export_rows.line_no as varchar), 6, '0') as line_key
    from export_rows
    left join codes as status_codes on export_rows.status_raw = status_codes.raw
    left join codes as cause_codes on export_rows.close_reason_raw = cause_codes.raw
    left join codes as reason_codes on export_rows.cancel_reason_raw = reason_codes.raw
)

select * from final
