-- History: before a file is read again, drop the states that only this file showed; the merge
-- adds them back as the file reads now, so that a state read differently this time does not
-- stand beside the old one at the same export time.
delete from order_snapshots using ingest_context as context
where order_snapshots.platform = context.platform
  and order_snapshots.store = context.store
  and order_snapshots.first_file_id = context.file_id
  and order_snapshots.last_file_id = context.file_id
