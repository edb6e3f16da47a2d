-- Staging: the distinct shapes of one export's amount cells (every digit written as 9, so a
-- 300,000-row export has a few dozen), each with the decimal mark it proves (',' for 99,99 or
-- 9.999,99; '.' for 99.99 or 9,999.99; '?' for 9,999 or 9.999, which could be either) and the
-- first cell that shows it. stg_export_rows reads the file's convention from it.
with

raw_rows as (select * from raw_export),

-- every amount column the export has, one cell a row (unpivot leaves empty cells out)
amount_cells as (
    unpivot (
        select
            source_sheet,
            source_sheet_no,
            source_row,
            columns('^(product_amount|shipping_fee|discount|order_amount|line_amount|refunded_amount)$')
        from raw_rows
    )
    on columns('^(product_amount|shipping_fee|discount|order_amount|line_amount|refunded_amount)$')
    into name field value cell
),

cells_keyed as (
    select
        translate(cell, '0123456789', '9999999999') as shape,
        cell,
        source_sheet,
        source_row,
        source_sheet_no::bigint * 10000000000 + source_row as row_key
    from amount_cells
    where cell is not null
),

shapes as (
    select
        shape,
        count(*) as cells,
        amount_mark(amount_number(shape)) as decimal_mark,
        arg_min(source_sheet, row_key) as example_sheet,
        arg_min(source_row, row_key) as example_row,
        arg_min(cell, row_key) as example_value
    from cells_keyed
    group by shape
),

final as (select * from shapes)

select * from final
