-- History: the export time of a file that does not say when it was exported: its latest event
-- (an order cannot have changed after the export that shows it).
with export_orders as (
    select * from int_export_orders
),

final as (
    select max(greatest(
        created_at,
        coalesce(paid_at, created_at),
        coalesce(shipped_at, created_at),
        coalesce(received_at, created_at),
        coalesce(closed_at, created_at)
    )) as exported_at
    from export_orders
)

select * from final
