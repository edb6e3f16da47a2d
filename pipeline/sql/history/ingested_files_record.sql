-- History: the record of a file that landed, with what it brought (parameters from the ingest:
-- its path and hash, and the counts of the merge).
insert into ingested_files
select
    context.file_id,
    $path,
    $sha256,
    context.platform,
    context.store,
    $rows_read,
    $orders_in_file,
    $rows_new,
    $rows_updated,
    $rows_unchanged,
    $rows_rejected,
    $first_order_date,
    $last_order_date,
    context.exported_at,
    $exported_at_source,
    $ingested_at,
    context.timezone
from ingest_context as context
