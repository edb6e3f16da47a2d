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

touched as (select platform, store, order_id from int_export_orders),

snapshots as (
    select order_snapshots.*
    from order_snapshots
    semi join touched using (platform, store, order_id)
),

fault_reasons as (
    select code from vocab_code where kind = 'cancel_reason' and seller_fault
),

fault_causes as (
    select code from vocab_code where kind = 'close_cause' and seller_fault
),

latest as (
    select
        platform,
        store,
        order_id,
        arg_max(status, last_seen_key) as status,
        arg_max(status_raw, last_seen_key) filter (where status_raw is not null) as status_raw,
        arg_max(created_at, last_seen_key) as created_at,
        arg_max(paid_at, last_seen_key) filter (where paid_at is not null) as paid_at,
        arg_max(shipped_at, last_seen_key) filter (where shipped_at is not null) as shipped_at,
        arg_max(received_at, last_seen_key) filter (where received_at is not null) as received_at,
        arg_max(closed_at, last_seen_key) filter (where closed_at is not null) as closed_at,
        arg_max(ship_deadline, last_seen_key) filter (where ship_deadline is not null)
            as ship_deadline,
        arg_max(currency, last_seen_key) filter (where currency is not null) as currency,
        arg_max(product_amount, last_seen_key) filter (where product_amount is not null)
            as product_amount,
        arg_max(shipping_fee, last_seen_key) filter (where shipping_fee is not null)
            as shipping_fee,
        arg_max(discount, last_seen_key) filter (where discount is not null) as discount,
        arg_max(order_amount, last_seen_key) filter (where order_amount is not null)
            as order_amount,
        arg_max(buyer_hash, last_seen_key) filter (where buyer_hash is not null) as buyer_hash,
        arg_max(buyer_country, last_seen_key) filter (where buyer_country is not null)
            as buyer_country,
        arg_max(shipping_method, last_seen_key) filter (where shipping_method is not null)
            as shipping_method,
        arg_max(carrier, last_seen_key) filter (where carrier is not null) as carrier,
        arg_max(tracking_number, last_seen_key) filter (where tracking_number is not null)
            as tracking_number,
        arg_max(item_count, last_seen_key) filter (where item_count is not null) as item_count,
        arg_max(quantity, last_seen_key) filter (where quantity is not null) as quantity,
        arg_max(product_info, last_seen_key) filter (where product_info is not null)
            as product_info,
        arg_max(remark, last_seen_key) filter (where remark is not null) as remark,
        arg_max(close_reason_raw, last_seen_key) filter (where close_reason_raw is not null)
            as close_reason_raw,
        arg_max(cancel_reason_raw, last_seen_key) filter (where cancel_reason_raw is not null)
            as cancel_reason_raw,
        arg_max(close_cause, last_seen_key) filter (where close_cause is not null)
            as reported_close_cause,
        arg_max(cancel_reason, last_seen_key) filter (where cancel_reason is not null)
            as cancel_reason,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        min(first_seen_at) filter (where status = 'closed') as first_seen_closed_at,
        count(*) as states_seen,
        arg_max(last_file_id, last_seen_key) as last_file_id
    from snapshots
    group by platform, store, order_id
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
        close_cause, cancel_reason, cause_inferred,
        coalesce(
            status = 'closed' and paid_at is not null and shipped_at is null
            and (close_cause in (select code from fault_causes)
                 or cancel_reason in (select code from fault_reasons)),
            false
        ) as seller_fault,
        first_seen_at, last_seen_at, first_seen_closed_at,
        cast(states_seen as integer) as states_seen,
        last_file_id,
        md5(cast(row(
            status, status_raw, created_at, paid_at, shipped_at, received_at, closed_at,
            ship_deadline, currency, product_amount, shipping_fee, discount, order_amount,
            buyer_hash, buyer_country, shipping_method, carrier, tracking_number, item_count,
            quantity, product_info, remark, close_reason_raw, cancel_reason_raw, close_cause,
            cancel_reason
        ) as varchar)) as current_hash
    from with_cause
)

select * from final
