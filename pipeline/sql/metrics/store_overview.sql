-- Status: per store, what the history holds and how fresh its latest export is.
with

files as (select * from ingested_files),

orders as (select * from orders_current),

rejects as (select * from rejected_rows),

file_summary as (
    select
        store,
        string_agg(distinct platform, ', ' order by platform) as platforms,
        count(*) as files,
        min(first_order_date) as first_order_date,
        max(last_order_date) as last_order_date,
        max(exported_at) as latest_export_at
    from files
    group by store
),

order_summary as (
    select
        store,
        count(*) as orders,
        count(*) filter (where status not in ('completed', 'closed')) as open_orders,
        -- of those, the ones the seller still has to ship (an eBay report never says an order
        -- was received, so its shipped orders stay open for good)
        count(*) filter (where status in ('awaiting_shipment', 'partially_shipped')) as to_ship_orders,
        count(*) filter (where status = 'closed') as closed_orders
    from orders
    group by store
),

reject_summary as (
    select files.store, count(*) as rejected_rows
    from rejects
    join files using (file_id)
    group by files.store
),

final as (
    select
        file_summary.store,
        file_summary.platforms,
        file_summary.files,
        coalesce(order_summary.orders, 0) as orders,
        coalesce(order_summary.open_orders, 0) as open_orders,
        coalesce(order_summary.to_ship_orders, 0) as to_ship_orders,
        coalesce(order_summary.closed_orders, 0) as closed_orders,
        file_summary.first_order_date,
        file_summary.last_order_date,
        file_summary.latest_export_at,
        coalesce(reject_summary.rejected_rows, 0) as rejected_rows
    from file_summary
    left join order_summary using (store)
    left join reject_summary using (store)
    order by file_summary.store
)

select * from final
