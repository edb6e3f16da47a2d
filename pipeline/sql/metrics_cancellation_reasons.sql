-- Metrics: closed orders that carry a cancel reason, per period, scope and reason: count,
-- share of that period's and scope's total, whether the reason is the seller's fault (★), and
-- the raw text the platform (or the buyer) gave most often for it; by count, then code.
with

facts as (select * from metrics_window_facts),

periods as (select * from metrics_periods where not is_comparison),

fault_reasons as (select code from vocab_code where kind = 'cancel_reason' and seller_fault),

per_reason as (
    select
        period_start,
        scope_key,
        cancel_reason as reason,
        count(*) as count,
        mode(cancel_reason_raw) as raw_text
    from facts
    where cancel_reason is not null
    group by period_start, scope_key, cancel_reason
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
