-- Metrics: the orders a metric window covers — created (by order date, inclusive calendar
-- days) between metrics_params.date_from and date_to, in the selected stores.
with

orders as (select * from orders_current),

params as (select * from metrics_params),

stores as (select * from metrics_stores),

final as (
    select orders.*
    from orders
    semi join stores using (store)
    where orders.created_at >= (select date_from from params)
      and orders.created_at < (select date_to from params) + interval 1 day
)

select * from final
