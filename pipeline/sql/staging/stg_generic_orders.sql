-- Staging: rows of any other source, with status, cause and reason from its mapping file.
-- A mapped status may carry its own cause and reason (Olist `unavailable` is a closed,
-- seller-cancelled, out-of-stock order). A mapping without a status column (and so without a
-- [status] table) lets each order's status follow its times: closed_at -> closed,
-- received_at -> completed, shipped_at -> shipped, paid_at -> awaiting_shipment, else
-- awaiting_payment.
with

export_rows as (select * from stg_export_rows),

codes as (select * from stg_raw_value_codes),

status_mapped as (
    select exists (
        select 1 from vocab_alias where platform = 'generic' and kind = 'status'
    ) as mapped
),

final as (
    select
        export_rows.*,
        case
            when status_mapped.mapped then status_codes.status_code
            when export_rows.closed_at is not null then 'closed'
            when export_rows.received_at is not null then 'completed'
            when export_rows.shipped_at is not null then 'shipped'
            when export_rows.paid_at is not null then 'awaiting_shipment'
            else 'awaiting_payment'
        end as status_code,
        coalesce(cause_codes.cause_code, status_codes.status_cause_code) as cause_code,
        coalesce(
            case when export_rows.cancel_reason_raw is not null
                 then coalesce(reason_codes.reason_code, 'other') end,
            status_codes.status_reason_code
        ) as cancel_reason,
        lpad(cast(export_rows.line_no as varchar), 6, '0') as line_key
    from export_rows
    cross join status_mapped
    left join codes as status_codes on export_rows.status_raw = status_codes.raw
    left join codes as cause_codes on export_rows.close_reason_raw = cause_codes.raw
    left join codes as reason_codes on export_rows.cancel_reason_raw = reason_codes.raw
)

select * from final
