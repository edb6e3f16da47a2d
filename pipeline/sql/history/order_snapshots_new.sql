-- History: add the states this export shows for the first time.
insert into order_snapshots
with

export_orders as (select * from int_export_orders),

context as (select * from ingest_context),

known as (
    select order_id, state_hash
    from order_snapshots
    where platform = (select platform from context) and store = (select store from context)
),

final as (
    select
        export_orders.platform,
        export_orders.store,
        export_orders.order_id,
        export_orders.state_hash,
        export_orders.status,
        export_orders.status_raw,
        export_orders.created_at,
        export_orders.paid_at,
        export_orders.shipped_at,
        export_orders.received_at,
        export_orders.closed_at,
        export_orders.ship_deadline,
        export_orders.currency,
        export_orders.product_amount,
        export_orders.shipping_fee,
        export_orders.discount,
        export_orders.order_amount,
        export_orders.buyer_hash,
        export_orders.buyer_country,
        export_orders.shipping_method,
        export_orders.carrier,
        export_orders.tracking_number,
        export_orders.item_count,
        export_orders.quantity,
        export_orders.product_info,
        export_orders.remark,
        export_orders.close_reason_raw,
        export_orders.cancel_reason_raw,
        export_orders.close_cause,
        export_orders.cancel_reason,
        context.file_id as first_file_id,
        context.exported_at as first_seen_at,
        context.file_id as last_file_id,
        context.exported_at as last_seen_at,
        context.seen_key as last_seen_key,
        export_orders.refunded_amount,
        export_orders.fulfillment_status_raw,
        export_orders.payment_method,
        export_orders.lines_text,
        true as interpretable
    from export_orders
    cross join context
    anti join known using (order_id, state_hash)
)

select * from final
