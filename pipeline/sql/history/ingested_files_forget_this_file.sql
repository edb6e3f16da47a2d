-- History: a file read again replaces its own record (the rejected rows go first).
delete from ingested_files
where file_id = (select file_id from ingest_context)
