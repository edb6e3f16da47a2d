-- Metrics: the window's headline figures.
--   orders: created in the window; paid_orders: of those, with a payment time;
--   closed_orders: of those, with status closed;
--   sold_not_shipped: paid, never shipped, closed, seller's fault; rate over paid_orders;
--   late_shipment: shipped orders with a deadline, shipped after the deadline day ended;
--   rate over shipped orders with a deadline. Rates are null when their base is 0.
with

window_orders as (select * from metrics_window_orders),

counts as (
    select
        count(*) as orders,
        count(*) filter (where paid_at is not null) as paid_orders,
        count(*) filter (where status = 'closed') as closed_orders,
        count(*) filter (
            where paid_at is not null and shipped_at is null and status = 'closed' and seller_fault
        ) as sold_not_shipped,
        count(*) filter (where shipped_at is not null and ship_deadline is not null)
            as shipped_with_deadline,
        count(*) filter (
            where shipped_at is not null and ship_deadline is not null
              and shipped_at >= date_trunc('day', ship_deadline) + interval 1 day
        ) as late_shipments
    from window_orders
),

final as (
    select
        orders,
        paid_orders,
        closed_orders,
        sold_not_shipped,
        sold_not_shipped / nullif(paid_orders, 0) as sold_not_shipped_rate,
        late_shipments,
        late_shipments / nullif(shipped_with_deadline, 0) as late_shipment_rate
    from counts
)

select * from final
