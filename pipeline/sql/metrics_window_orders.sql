-- Metrics: the orders a metric window covers — created (by order date, inclusive calendar
-- days) between metrics_params.date_from and date_to, in the selected stores — each with the
-- period (metrics_periods) and scope (metrics_scopes) it counts in. Orders of the comparison
-- period before the first one come along only to give that period its previous rates.
with

orders as (select * from orders_current),

params as (select * from metrics_params),

stores as (select * from metrics_stores),

bounds as (
    select
        min(period_start) filter (where is_comparison) as comparison_start,
        min(period_start) filter (where not is_comparison) as first_start
    from metrics_periods
),

chosen as (
    select orders.*
    from orders
    semi join stores using (store)
    where (
        orders.created_at >= (select date_from from params)
        and orders.created_at < (select date_to from params) + interval 1 day
    ) or (
        orders.created_at >= (select comparison_start from bounds)
        and orders.created_at < (select first_start from bounds)
    )
),

final as (
    select
        chosen.*,
        case (select period from params)
            when 'week' then date_trunc('week', chosen.created_at)
            when 'month' then date_trunc('month', chosen.created_at)
            else (select date_from from params)
        end::date as period_start,
        case (select per from params)
            when 'store' then chosen.store
            when 'platform' then chosen.platform
            else '*'
        end as scope_key
    from chosen
)

select * from final
