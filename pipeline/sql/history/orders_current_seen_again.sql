-- History: an order this export shows in its latest state, and no older than its latest
-- sighting, only moves its last sighting to this export.
update orders_current
set
    last_seen_at = context.exported_at,
    last_file_id = context.file_id,
    last_seen_key = context.seen_key
from merge_current_before as before, ingest_context as context
where orders_current.platform = context.platform
  and orders_current.store = context.store
  and orders_current.order_id = before.order_id
  and before.current_hash is not null
  and before.export_state_hash = before.current_state_hash
  and context.seen_key >= before.last_seen_key
