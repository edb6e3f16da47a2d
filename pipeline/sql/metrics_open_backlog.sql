-- Metrics: orders awaiting shipment now (as of metrics_params.as_of), with the hours left to
-- the end of their ship-deadline day, and the flags that put them first: express shipping
-- (the method names an express carrier), wholesale (quantity or amount at the vocabulary's
-- threshold), a buyer remark. Sorted by deadline, soonest first; no deadline last.
with

orders as (select * from orders_current),

stores as (select * from metrics_stores),

params as (select * from metrics_params),

priority as (select * from vocab_priority),

awaiting as (
    select orders.*
    from orders
    semi join stores using (store)
    where orders.status = 'awaiting_shipment'
),

final as (
    select
        store,
        platform,
        order_id,
        created_at,
        paid_at,
        ship_deadline,
        round(
            epoch(date_trunc('day', ship_deadline) + interval 1 day - (select as_of from params))
            / 3600, 1
        ) as hours_left,
        shipping_method,
        coalesce(regexp_matches(shipping_method, (select express_pattern from priority)), false)
            as express,
        coalesce(quantity >= (select wholesale_quantity from priority), false)
            or coalesce(order_amount >= (select wholesale_amount from priority), false)
            as wholesale,
        remark is not null as has_remark,
        remark,
        quantity,
        order_amount,
        currency
    from awaiting
    order by ship_deadline nulls last, store, order_id
)

select * from final
