-- History: the current state of the orders an export touched, rebuilt from all their snapshots.
-- Each field comes from the latest export that has a value for it (an empty cell or a missing
-- column never erases what an earlier export said). A closed order without any close reason
-- gets an inferred cause (cause_inferred):
--   unpaid -> payment_timeout; paid, never shipped, ship deadline passed when it closed (its
--   close time, else the first export that showed it closed) -> seller_ship_timeout; paid,
--   never shipped, otherwise -> buyer_cancelled_paid; shipped -> dispute_refund.
-- seller_fault: closed, paid, never shipped, and the cause is seller_ship_timeout or the cancel
-- reason is one the platform counts against the seller (vocabulary seller_fault).
with

latest as (select * from int_order_latest_values),

fault_reasons as (
    select code from vocab_code where kind = 'cancel_reason' and seller_fault
),

fault_causes as (
    select code from vocab_code where kind = 'close_cause' and seller_fault
),

with_cause as (
    select
        latest.* exclude (reported_close_cause),
        case
            when status <> 'closed' then null
            when reported_close_cause is not null then reported_close_cause
            when paid_at is null then 'payment_timeout'
            when shipped_at is null and ship_deadline is not null
                 and coalesce(closed_at, first_seen_closed_at)
                     >= date_trunc('day', ship_deadline) + interval 1 day
                then 'seller_ship_timeout'
            when shipped_at is null then 'buyer_cancelled_paid'
            else 'dispute_refund'
        end as close_cause,
        status = 'closed' and reported_close_cause is null as cause_inferred
    from latest
),

final as (
    select
        platform, store, order_id, status, status_raw, created_at, paid_at, shipped_at,
        received_at, closed_at, ship_deadline, currency, product_amount, shipping_fee, discount,
        order_amount, buyer_hash, buyer_country, shipping_method, carrier, tracking_number,
        item_count, quantity, product_info, remark, close_reason_raw, cancel_reason_raw,
        close_cause, cancel_reason, cause_inferred, refunded_amount,
        coalesce(
            status = 'closed' and paid_at is not null and shipped_at is null
            and (close_cause in (select code from fault_causes)
                 or cancel_reason in (select code from fault_reasons)),
            false
        ) as seller_fault,
        first_seen_at, last_seen_at, first_seen_closed_at,
        cast(states_seen as integer) as states_seen,
        last_file_id,
        last_seen_key,
        state_hash,
        md5(cast(row(
            status, status_raw, created_at, paid_at, shipped_at, received_at, closed_at,
            ship_deadline, currency, product_amount, shipping_fee, discount, order_amount,
            buyer_hash, buyer_country, shipping_method, carrier, tracking_number, item_count,
            quantity, product_info, remark, close_reason_raw, cancel_reason_raw, close_cause,
            cancel_reason
        ) as varchar) || coalesce('|refunded:' || refunded_amount::varchar, '')) as current_hash
    from with_cause
)

select * from final
