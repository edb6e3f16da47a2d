-- History: the rows of this file that could not be read, with the reason.
insert into rejected_rows
select
    (select file_id from ingest_context),
    sheet,
    row_number,
    order_id,
    reason
from export_rejects
