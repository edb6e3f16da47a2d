-- Metrics: closed orders of the window that carry a cancel reason, per reason: count, share
-- of that total, and whether the reason is the seller's fault (★); by count, then code.
with

window_orders as (select * from metrics_window_orders),

fault_reasons as (select code from vocab_code where kind = 'cancel_reason' and seller_fault),

per_reason as (
    select cancel_reason as reason, count(*) as count
    from window_orders
    where status = 'closed' and cancel_reason is not null
    group by cancel_reason
),

final as (
    select
        reason,
        count,
        count / sum(count) over () as share,
        reason in (select code from fault_reasons) as seller_fault
    from per_reason
    order by count desc, reason
)

select * from final
