-- Metrics: closed orders per period, scope and close cause: count, share of the closed
-- orders, how many had the cause inferred, and the median and 90th-percentile hours from
-- order creation to close (orders with a close time); by count, then code.
with

facts as (select * from metrics_window_facts),

periods as (select * from metrics_periods where not is_comparison),

per_cause as (
    select
        period_start,
        scope_key,
        close_cause as cause,
        count(*) as count,
        count(*) filter (where cause_inferred) as inferred,
        quantile_cont(hours_to_close, [0.5, 0.9]) as hours_quantiles,
        count(hours_to_close) as with_close_time
    from facts
    where closed
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
        round(per_cause.hours_quantiles[1], 1) as median_hours_to_close,
        round(per_cause.hours_quantiles[2], 1) as p90_hours_to_close,
        per_cause.with_close_time
    from per_cause
    join periods using (period_start)
    order by periods.period_from, per_cause.scope_key, per_cause.count desc, per_cause.cause
)

select * from final
