-- Staging: the distinct shapes of one export's amount cells (every digit written as 9, so a
-- 300,000-row export has a few dozen), each with the decimal mark it proves (',' for 99,99 or
-- 9.999,99; '.' for 99.99 or 9,999.99; '?' for 9,999 or 9.999, which could be either) and the
-- first cell that shows it, and the file's convention that follows.
-- Distinct values first: hashing a cell is cheaper than rewriting it, so only the few
-- thousand distinct amounts are turned into shapes (0.1 s on 300,000 rows, not 0.3 s).
with

raw_rows as (select * from raw_export),

-- every amount column the export has, one cell a row (unpivot leaves empty cells out)
amount_cells as (
    unpivot (
        select
            source_sheet_no::bigint * 10000000000 + source_row as row_key,
            columns('^(product_amount|shipping_fee|discount|order_amount|line_amount|refunded_amount)$')
        from raw_rows
    )
    on columns('^(product_amount|shipping_fee|discount|order_amount|line_amount|refunded_amount)$')
    into name field value cell
),

amount_values as (
    select cell, count(*) as cells, min(row_key) as first_row_key
    from amount_cells
    group by cell
),

shapes as (
    select
        translate(cell, '0123456789', '9999999999') as shape,
        sum(cells) as cells,
        min(first_row_key) as first_row_key,
        arg_min(cell, first_row_key) as example_value
    from amount_values
    group by 1
),

marked as (
    select
        shape,
        cells,
        amount_mark(amount_number(shape)) as decimal_mark,
        first_row_key,
        first_row_key % 10000000000 as example_row,
        example_value
    from shapes
),

-- The file's decimal mark: ',' or '.' when its values say so, 'mixed' when they say both,
-- 'none' when none says. ingest.py hands it to stg_export_rows as a variable, a constant
-- there, so that a file's amounts take one branch of amount_in without a test per cell.
final as (
    select
        marked.*,
        case
            when bool_or(decimal_mark = ',') over () and bool_or(decimal_mark = '.') over () then 'mixed'
            when bool_or(decimal_mark = ',') over () then ','
            when bool_or(decimal_mark = '.') over () then '.'
            else 'none'
        end as file_decimal_mark,
        -- some amounts could be read either way and nothing in the file says which
        bool_or(decimal_mark = '?') over ()
            and not (bool_or(decimal_mark = ',') over () <> bool_or(decimal_mark = '.') over ())
            as file_ambiguous_amounts
    from marked
)

select * from final
