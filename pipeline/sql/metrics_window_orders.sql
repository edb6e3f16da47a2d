-- Metrics: the orders a metric window covers — created (by order date, inclusive calendar
-- days) between metrics_params.date_from and date_to, in the selected stores — each with the
-- period (metrics_periods) and scope (metrics_scopes) it counts in. Orders of the comparison
-- period before the first one come along only to give that period its previous rates.
with

orders as (select * from orders_current),

stores as (select * from metrics_stores),

-- The bounds are variables (set by metrics_bounds), not subqueries, so that DuckDB compares
-- them while it reads the table and skips the row groups outside the window.
chosen as (
    select orders.*
    from orders
    where (getvariable('metrics_all_stores') or orders.store in (select store from stores))
      and orders.created_at >= getvariable('metrics_lower')
      and orders.created_at < getvariable('metrics_upper')
      and not coalesce(
          orders.created_at >= getvariable('metrics_gap_from')
          and orders.created_at < getvariable('metrics_gap_to'),
          false
      )
),

final as (
    select
        chosen.*,
        case getvariable('metrics_period')
            when 'week' then date_trunc('week', chosen.created_at)
            when 'month' then date_trunc('month', chosen.created_at)
            else getvariable('metrics_lower')
        end::date as period_start,
        case getvariable('metrics_per')
            when 'store' then chosen.store
            when 'platform' then chosen.platform
            else '*'
        end as scope_key
    from chosen
)

select * from final
