-- Intermediate: for an export too short to prove its rounding by itself (int_export_damaged_ids
-- wants the odds of chance below 1 in 1,000), an order id that looks rounded (zeros after its
-- 15th digit), is new to the store's history, while the history holds another order with the
-- same first 15 digits: that is the order itself, its number rounded by Excel, and landing it
-- would count the order twice. Excel rounds a whole column, so an export with any long id
-- that does not end in zeros is not rounded, and is not looked at.
with

export_rows as (
    select order_id, source_sheet, source_row
    from int_export_rows
    where order_id is not null
),

context as (select * from ingest_context),

long_ids as (
    select
        order_id,
        min(source_sheet) as source_sheet,
        min(source_row) as source_row,
        regexp_full_match(order_id, '[0-9]{15}0+') as zero_ended
    from export_rows
    where regexp_full_match(order_id, '[0-9]{16,}')
    group by order_id
),

zero_ended as (
    select order_id, source_sheet, source_row, order_id[1:15] as prefix
    from long_ids
    where zero_ended and (select bool_and(zero_ended) from long_ids)
),

store_orders as (
    select orders_current.order_id
    from orders_current, context
    where orders_current.platform = context.platform
      and orders_current.store = context.store
),

twins as (
    select zero_ended.order_id, zero_ended.source_sheet, zero_ended.source_row,
           min(store_orders.order_id) as twin
    from zero_ended
    join store_orders on store_orders.order_id[1:15] = zero_ended.prefix
        and length(store_orders.order_id) = length(zero_ended.order_id)
        and store_orders.order_id <> zero_ended.order_id
    where zero_ended.order_id not in (select order_id from store_orders)
    group by all
),

final as (
    select * from twins
    order by source_sheet, source_row
    limit 1
)

select * from final
