-- Intermediate: for each order an export touched whose current state may change, the latest
-- value of every field. Orders seen before: from all their snapshots, each field from the
-- latest export that has a value for it. Orders new to the history: straight from the export
-- (their one snapshot), which gives the same values without the aggregation.
with

to_rebuild as (select * from orders_to_rebuild),

new_orders as (select * from orders_new),

export_orders as (select * from int_export_orders),

context as (select * from ingest_context),

snapshots as (
    select order_snapshots.*
    from order_snapshots
    semi join to_rebuild using (platform, store, order_id)
),

from_snapshots as (
    select
        platform,
        store,
        order_id,
        arg_max(status, last_seen_key) as status,
        arg_max(status_raw, last_seen_key) filter (where status_raw is not null) as status_raw,
        arg_max(created_at, last_seen_key) as created_at,
        arg_max(paid_at, last_seen_key) filter (where paid_at is not null) as paid_at,
        arg_max(shipped_at, last_seen_key) filter (where shipped_at is not null) as shipped_at,
        arg_max(received_at, last_seen_key) filter (where received_at is not null) as received_at,
        arg_max(closed_at, last_seen_key) filter (where closed_at is not null) as closed_at,
        arg_max(ship_deadline, last_seen_key) filter (where ship_deadline is not null)
            as ship_deadline,
        arg_max(currency, last_seen_key) filter (where currency is not null) as currency,
        arg_max(product_amount, last_seen_key) filter (where product_amount is not null)
            as product_amount,
        arg_max(shipping_fee, last_seen_key) filter (where shipping_fee is not null)
            as shipping_fee,
        arg_max(discount, last_seen_key) filter (where discount is not null) as discount,
        arg_max(order_amount, last_seen_key) filter (where order_amount is not null)
            as order_amount,
        arg_max(buyer_hash, last_seen_key) filter (where buyer_hash is not null) as buyer_hash,
        arg_max(buyer_country, last_seen_key) filter (where buyer_country is not null)
            as buyer_country,
        arg_max(shipping_method, last_seen_key) filter (where shipping_method is not null)
            as shipping_method,
        arg_max(carrier, last_seen_key) filter (where carrier is not null) as carrier,
        arg_max(tracking_number, last_seen_key) filter (where tracking_number is not null)
            as tracking_number,
        arg_max(item_count, last_seen_key) filter (where item_count is not null) as item_count,
        arg_max(quantity, last_seen_key) filter (where quantity is not null) as quantity,
        arg_max(product_info, last_seen_key) filter (where product_info is not null)
            as product_info,
        arg_max(remark, last_seen_key) filter (where remark is not null) as remark,
        arg_max(close_reason_raw, last_seen_key) filter (where close_reason_raw is not null)
            as close_reason_raw,
        arg_max(cancel_reason_raw, last_seen_key) filter (where cancel_reason_raw is not null)
            as cancel_reason_raw,
        arg_max(close_cause, last_seen_key) filter (where close_cause is not null)
            as reported_close_cause,
        arg_max(cancel_reason, last_seen_key) filter (where cancel_reason is not null)
            as cancel_reason,
        arg_max(refunded_amount, last_seen_key) filter (where refunded_amount is not null)
            as refunded_amount,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        min(first_seen_at) filter (where status = 'closed') as first_seen_closed_at,
        count(*) as states_seen,
        arg_max(last_file_id, last_seen_key) as last_file_id,
        max(last_seen_key) as last_seen_key,
        arg_max(state_hash, last_seen_key) as state_hash
    from snapshots
    group by platform, store, order_id
),

from_export as (
    select
        export_orders.* exclude (close_cause, state_hash),
        export_orders.close_cause as reported_close_cause,
        context.exported_at as first_seen_at,
        context.exported_at as last_seen_at,
        case when export_orders.status = 'closed' then context.exported_at end
            as first_seen_closed_at,
        1 as states_seen,
        context.file_id as last_file_id,
        context.seen_key as last_seen_key,
        export_orders.state_hash
    from export_orders
    semi join new_orders using (order_id)
    cross join context
),

final as (
    select * from from_snapshots
    union all by name
    select * from from_export
)

select * from final
