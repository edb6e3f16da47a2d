-- History: the export time of this ingest (the parameter), and the key that orders sightings
-- of the same moment by file: a later export, or the same moment from another file.
update ingest_context
set exported_at = $exported_at,
    seen_key = strftime($exported_at::timestamp, '%Y%m%d%H%M%S') || '|' || sha256
