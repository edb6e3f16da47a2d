-- Metrics: closed orders per period, scope and close cause: count, share of the closed
-- orders, how many had the cause inferred, and the median and 90th-percentile hours from
-- order creation to close (orders with a close time); by count, then code.
with

window_orders as (select * from metrics_window_orders),

periods as (select * from metrics_periods where not is_comparison),

per_cause as (
    select
        period_start,
        scope_key,
        close_cause as cause,
        count(*) as count,
        count(*) filter (where cause_inferred) as inferred,
        quantile_cont(epoch(closed_at - created_at) / 3600, 0.5) as median_hours_to_close,
        quantile_cont(epoch(closed_at - created_at) / 3600, 0.9) as p90_hours_to_close,
        count(closed_at) as with_close_time
    from window_orders
    where status = 'closed'
    group by period_start, scope_key, close_cause
),

final as (
    select
        periods.period_from,
        periods.period_to,
        per_cause.scope_key,
        per_cause.cause,
        per_cause.count,
        per_cause.count / sum(per_cause.count) over (
            partition by per_cause.period_start, per_cause.scope_key
        ) as share,
        per_cause.inferred,
        round(per_cause.median_hours_to_close, 1) as median_hours_to_close,
        round(per_cause.p90_hours_to_close, 1) as p90_hours_to_close,
        per_cause.with_close_time
    from per_cause
    join periods using (period_start)
    order by periods.period_from, per_cause.scope_key, per_cause.count desc, per_cause.cause
)

select * from final
