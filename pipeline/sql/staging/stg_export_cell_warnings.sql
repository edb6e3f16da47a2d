-- Staging: the cells of one export that were left empty rather than read wrong: a time later
-- than the file can have been exported (it would make every later export look older), an
-- amount such as 1,234 that reads 1000 times too large or too small when nothing in the file
-- says which mark is the decimal one. Only the rows stg_export_rows marked are read again, so
-- the 300,000-row model carries one boolean, not the cells' text.
with

marked as (
    select row_key, source_sheet, source_row, order_id
    from stg_export_rows
    where blanked_cells
),

context as (select * from ingest_context),

cells as (
    unpivot (
        select
            marked.row_key,
            marked.source_sheet,
            marked.source_row,
            marked.order_id,
            clean_value(raw_export.paid_at) as paid_at,
            clean_value(raw_export.shipped_at) as shipped_at,
            clean_value(raw_export.received_at) as received_at,
            clean_value(raw_export.closed_at) as closed_at,
            clean_value(raw_export.product_amount) as product_amount,
            clean_value(raw_export.shipping_fee) as shipping_fee,
            clean_value(raw_export.discount) as discount,
            clean_value(coalesce(raw_export.order_amount, raw_export.line_amount)) as order_amount,
            clean_value(raw_export.refunded_amount) as refunded_amount
        from raw_export
        join marked
            on marked.row_key = raw_export.source_sheet_no::bigint * 10000000000 + raw_export.source_row
    )
    on paid_at, shipped_at, received_at, closed_at, product_amount, shipping_fee, discount,
        order_amount, refunded_amount
    into name field value value
),

final as (
    select source_sheet, source_row, order_id, field, value
    from cells, context
    where case
        when field like '%\_at' escape '\' then parse_time(value) > context.latest_plausible_at
        else amount_ambiguous(value, getvariable('export_decimal_mark'))
    end
    order by row_key, field
)

select * from final
