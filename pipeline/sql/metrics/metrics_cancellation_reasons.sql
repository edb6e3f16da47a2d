-- Metrics: closed orders that carry a cancel reason, per period, scope and reason: count,
-- share of that period's and scope's total, whether the reason is the seller's fault (★), and
-- the raw text the platform (or the buyer) gave most often for it; by count, then code.
with

facts as (select * from metrics_window_facts),

periods as (select * from metrics_periods where not is_comparison),

fault_reasons as (select code from vocab_code where kind = 'cancel_reason' and seller_fault),

-- Counted per raw text first, then per reason: mode() would do the same, but DuckDB rewrites
-- it into a plan that no longer hands "closed" to the table scan (twice as slow).
per_raw_text as (
    select period_start, scope_key, cancel_reason as reason, cancel_reason_raw as raw_text, count(*) as count
    from facts
    -- "closed" reaches the table scan; the reason alone would be tested on every order.
    where closed and cancel_reason is not null
    group by all
),

per_reason as (
    select
        period_start,
        scope_key,
        reason,
        sum(count)::bigint as count,
        -- The commonest raw text; a tie goes to the alphabetically first.
        first(raw_text order by count desc, raw_text) filter (where raw_text is not null)
            as raw_text
    from per_raw_text
    group by period_start, scope_key, reason
),

final as (
    select
        periods.period_from,
        periods.period_to,
        per_reason.scope_key,
        per_reason.reason,
        per_reason.count,
        per_reason.count / sum(per_reason.count) over (
            partition by per_reason.period_start, per_reason.scope_key
        ) as share,
        per_reason.reason in (select code from fault_reasons) as seller_fault,
        per_reason.raw_text
    from per_reason
    join periods using (period_start)
    order by periods.period_from, per_reason.scope_key, per_reason.count desc, per_reason.reason
)

select * from final
