-- Intermediate: one row per order of one export, line items summed, with the hash of its
-- state. Only built once int_export_conflicts is empty.
with

order_lines as (select * from int_export_order_lines),

context as (select * from ingest_context),

orders as (
    select
        order_id,
        any_value(status) as status,
        any_value(status_raw) as status_raw,
        any_value(created_at) as created_at,
        any_value(paid_at) as paid_at,
        any_value(shipped_at) as shipped_at,
        any_value(received_at) as received_at,
        any_value(closed_at) as closed_at,
        any_value(ship_deadline) as ship_deadline,
        any_value(currency) as currency,
        any_value(product_amount) as product_amount,
        any_value(shipping_fee) as shipping_fee,
        any_value(discount) as discount,
        any_value(order_amount) as order_amount,
        any_value(buyer_hash) as buyer_hash,
        any_value(buyer_country) as buyer_country,
        any_value(shipping_method) as shipping_method,
        any_value(carrier) as carrier,
        any_value(tracking_number) as tracking_number,
        cast(case when count(*) > 1 then count(*) else any_value(item_count) end as integer)
            as item_count,
        cast(sum(quantity) as integer) as quantity,
        string_agg(product_info, chr(10) order by line_key) as product_info,
        any_value(remark) as remark,
        any_value(close_reason_raw) as close_reason_raw,
        any_value(cancel_reason_raw) as cancel_reason_raw,
        any_value(close_cause) as close_cause,
        any_value(cancel_reason) as cancel_reason
    from order_lines
    group by order_id
),

final as (
    select
        context.platform,
        context.store,
        orders.*,
        md5(cast(orders as varchar)) as state_hash
    from orders, context
)

select * from final
