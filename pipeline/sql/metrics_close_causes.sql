-- Metrics: closed orders of the window per close cause: count, share of closed orders, and
-- how many of them had the cause inferred; by count, then code.
with

window_orders as (select * from metrics_window_orders),

per_cause as (
    select
        close_cause as cause,
        count(*) as count,
        count(*) filter (where cause_inferred) as inferred
    from window_orders
    where status = 'closed'
    group by close_cause
),

final as (
    select cause, count, count / sum(count) over () as share, inferred
    from per_cause
    order by count desc, cause
)

select * from final
