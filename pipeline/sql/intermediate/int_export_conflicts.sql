-- Intermediate: orders that one export lists twice with different content. Such a file
-- contradicts itself and is refused whole.
with

order_lines as (select * from int_export_order_lines),

line_conflicts as (
    select order_id
    from order_lines
    group by order_id, coalesce(line_key, '')
    having count(distinct line_hash) > 1
),

order_conflicts as (
    select order_id
    from order_lines
    group by order_id
    having count(distinct order_hash) > 1
),

conflicting as (
    select order_id from line_conflicts
    union
    select order_id from order_conflicts
),

final as (
    select
        order_lines.order_id,
        list(source_sheet order by source_sheet, source_row) as sheets,
        list(source_row order by source_sheet, source_row) as source_rows,
        list(coalesce(status_raw, status) order by source_sheet, source_row) as statuses
    from order_lines
    join conflicting using (order_id)
    group by order_lines.order_id
    order by min(source_sheet), min(source_row)
)

select * from final
