-- History (merge): what the export did to the history: its orders, how many were new, and how
-- many changed their current row (the rest are unchanged).
with

before as (select * from merge_current_before),

context as (select * from ingest_context),

current_orders as (select * from orders_current),

final as (
    select
        count(*) as orders,
        count(*) filter (where before.current_hash is null) as new,
        count(*) filter (where before.current_hash <> current_orders.current_hash) as updated
    from before
    cross join context
    join current_orders
        on current_orders.platform = context.platform
        and current_orders.store = context.store
        and current_orders.order_id = before.order_id
)

select * from final
