-- History: before a file is read again, an order whose states only this file showed but that
-- the file no longer yields (its row is rejected now): reading it again would leave the order
-- without a state, so the reprocess stops and names it.
with snapshots as (
    select * from order_snapshots
),

context as (
    select * from ingest_context
),

final as (
    select snapshots.order_id
    from snapshots, context
    where snapshots.platform = context.platform
      and snapshots.store = context.store
      and snapshots.first_file_id = context.file_id
      and snapshots.last_file_id = context.file_id
      and snapshots.order_id not in (select order_id from int_export_orders)
    order by 1
    limit 1
)

select * from final
