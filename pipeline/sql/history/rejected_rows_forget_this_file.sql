-- History: a file read again: its rejected rows are those of this reading.
delete from rejected_rows
where file_id = (select file_id from ingest_context)
