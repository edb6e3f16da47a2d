-- History (merge): each order of the export beside its current row before this export, if it
-- has one: the hashes that tell a new, a changed and an unchanged order apart.
with

export_orders as (select * from int_export_orders),

current_orders as (select * from orders_current),

final as (
    select
        export_orders.order_id,
        export_orders.state_hash as export_state_hash,
        current_orders.current_hash,
        current_orders.state_hash as current_state_hash,
        current_orders.last_seen_key
    from export_orders
    left join current_orders
        on current_orders.platform = export_orders.platform
        and current_orders.store = export_orders.store
        and current_orders.order_id = export_orders.order_id
)

select * from final
