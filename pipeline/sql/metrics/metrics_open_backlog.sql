-- Metrics: orders awaiting shipment now (as of metrics_params.as_of), with the hours left to
-- the end of their ship-deadline day, and the flags that put them first (attention_first):
-- express shipping (the method names an express carrier), wholesale (quantity or amount at the
-- vocabulary's threshold), a buyer remark, or a deadline day that ends within the vocabulary's
-- due-soon hours or has passed (overdue). Sorted by deadline, soonest first; no deadline last,
-- oldest order first; ship_first_rank orders them as a seller works through them: those needing
-- attention first, then the same order.
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

flagged as (
    select
        *,
        round(
            epoch(date_trunc('day', ship_deadline) + interval 1 day - (select as_of from params))
            / 3600, 1
        ) as hours_left,
        -- a variable (set with vocab_priority): a constant, so the regex is compiled once
        coalesce(regexp_matches(shipping_method, getvariable('express_pattern')), false) as express,
        coalesce(quantity >= (select wholesale_quantity from priority), false)
            or coalesce(order_amount >= (select wholesale_amount from priority), false)
            as wholesale,
        remark is not null as has_remark
    from awaiting
),

timed as (
    select
        *,
        coalesce(hours_left < 0, false) as overdue,
        coalesce(hours_left <= (select due_soon_hours from priority), false) as due_soon
    from flagged
),

with_attention as (
    select *, express or wholesale or has_remark or due_soon as attention_first
    from timed
),

final as (
    select
        store,
        platform,
        order_id,
        created_at,
        paid_at,
        ship_deadline,
        hours_left,
        shipping_method,
        express,
        wholesale,
        has_remark,
        overdue,
        due_soon,
        attention_first,
        row_number() over (
            order by not attention_first, ship_deadline nulls last, created_at, store, order_id
        ) as ship_first_rank,
        remark,
        quantity,
        order_amount,
        currency
    from with_attention
    order by ship_deadline nulls last, created_at, store, order_id
)

select * from final
