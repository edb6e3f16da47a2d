-- History: record that this export saw states already in the history, widening their
-- first/last sighting. Together with order_snapshots_new this is order-independent: the same
-- files in any order give the same snapshots.
update order_snapshots as snapshots
set
    first_file_id = case when context.exported_at < snapshots.first_seen_at
                         then context.file_id else snapshots.first_file_id end,
    first_seen_at = least(snapshots.first_seen_at, context.exported_at),
    last_file_id = case when context.seen_key > snapshots.last_seen_key
                        then context.file_id else snapshots.last_file_id end,
    last_seen_at = case when context.seen_key > snapshots.last_seen_key
                        then context.exported_at else snapshots.last_seen_at end,
    last_seen_key = greatest(snapshots.last_seen_key, context.seen_key)
from int_export_orders as export_orders, ingest_context as context
where snapshots.platform = export_orders.platform
  and snapshots.store = export_orders.store
  and snapshots.order_id = export_orders.order_id
  and snapshots.state_hash = export_orders.state_hash
