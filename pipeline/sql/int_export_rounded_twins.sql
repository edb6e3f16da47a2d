-- Intermediate: an order id of one export that looks rounded (zeros after its 15th digit)
-- and is new to the store's history, while the history holds another order with the same
-- first 15 digits: that is the order itself, its number rounded by Excel, and landing it
-- would count the order twice. (A genuine new id that happens to end in zero rarely shares
-- its first 15 digits with one of the store's orders.) Only the few zero-ended ids are
-- looked up, so a large history costs little.
with

export_rows as (
    select order_id, source_sheet, source_row
    from int_export_rows
    where order_id is not null
),

context as (select * from ingest_context),

zero_ended as (
    select order_id, min(source_sheet) as source_sheet, min(source_row) as source_row,
           order_id[1:15] as prefix
    from export_rows
    where regexp_full_match(order_id, '[0-9]{15}0+')
    group by order_id
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
