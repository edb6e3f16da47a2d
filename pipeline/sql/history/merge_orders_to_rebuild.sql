-- History (merge): the export's orders already in the history whose current row can change:
-- a state other than their latest, or an export older than their latest sighting (a field it
-- fills may be older news). An order seen again unchanged and in order only moves last_seen
-- (orders_current_seen_again).
with

export_orders as (select * from int_export_orders),

before as (select * from merge_current_before),

context as (select * from ingest_context),

can_change as (
    select before.order_id
    from before, context
    where before.current_hash is not null
      and not (before.export_state_hash = before.current_state_hash
               and context.seen_key >= before.last_seen_key)
),

final as (
    select export_orders.platform, export_orders.store, export_orders.order_id
    from export_orders
    semi join can_change using (order_id)
)

select * from final
