-- Metrics: the orders a metric window covers — created (by order date, inclusive calendar
-- days) between metrics_params.date_from and date_to, in the selected stores — each with the
-- period (metrics_periods; macro metrics_period_of) and scope (metrics_scopes) it counts in.
-- Orders of the comparison period before the first one come along only to give that period
-- its previous rates.
with

orders as (select * from orders_current),

-- The bounds are variables (set by metrics_bounds), not subqueries, so that DuckDB compares
-- them while it reads the table and skips the row groups outside the window.
chosen as (
    select orders.*
    from orders
    where (getvariable('metrics_all_stores')
           or list_contains(getvariable('metrics_store_list'), orders.store))
      and orders.created_at >= getvariable('metrics_lower')
      and orders.created_at < getvariable('metrics_upper')
      -- Written so that it folds to true, and costs nothing per row, when there is no gap.
      and (
          not getvariable('metrics_has_gap')
          or orders.created_at < getvariable('metrics_gap_from')
          or orders.created_at >= getvariable('metrics_gap_to')
      )
),

final as (
    select
        chosen.*,
        -- What the order's period is worked out from: its creation day, or a constant when
        -- the window is one period (so the summary groups days, not orders, by period).
        case getvariable('metrics_period')
            when 'window' then getvariable('metrics_lower')::date
            else chosen.created_at::date
        end as period_day,
        metrics_period_of(period_day) as period_start,
        case getvariable('metrics_per')
            when 'store' then chosen.store
            when 'platform' then chosen.platform
            else '*'
        end as scope_key
    from chosen
)

select * from final
