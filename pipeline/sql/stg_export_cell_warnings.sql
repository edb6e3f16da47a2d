-- Staging: the cells of one export that were left empty rather than read wrong (see
-- stg_export_rows.blanked_cells): a time later than the file can have been exported, which
-- would make every later export look older; an amount such as 1,234 that reads 1000 times
-- too large or too small when nothing in the file says which mark is the decimal one.
with

export_rows as (select * from stg_export_rows where blanked_cells is not null),

cells as (
    select
        source_sheet,
        source_row,
        order_id,
        unnest(string_split(blanked_cells, chr(30))) as cell
    from export_rows
),

final as (
    select
        source_sheet,
        source_row,
        order_id,
        split_part(cell, chr(31), 1) as field,
        split_part(cell, chr(31), 2) as value
    from cells
    order by source_sheet, source_row
)

select * from final
