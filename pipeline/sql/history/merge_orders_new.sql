-- History (merge): the export's orders the history has never seen; their current row comes
-- straight from the export (int_order_latest_values).
with

export_orders as (select * from int_export_orders),

before as (select * from merge_current_before),

final as (
    select export_orders.platform, export_orders.store, export_orders.order_id
    from export_orders
    semi join before
        on before.order_id = export_orders.order_id and before.current_hash is null
)

select * from final
