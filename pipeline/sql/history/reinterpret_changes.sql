-- History: the stored states whose codes the vocabulary in force reads differently, with the
-- codes and the state hash they take. A state whose status the vocabulary no longer knows
-- keeps what it had (reinterpret_kept counts them). The hash is that of int_export_orders with
-- the new codes, so that the next export showing the same state finds it; it is recomputed
-- only where the stored hash can be reproduced from the stored fields (the item count is hashed
-- as exported, before the one-item default), else the hash stays.
with

source as (select * from reinterpret_source),

codes as (select * from reinterpret_codes where reject_reason is null),

joined as (
    select
        source.*,
        codes.status as new_status,
        codes.close_cause as new_close_cause,
        codes.cancel_reason as new_cancel_reason
    from source
    join codes using (row_key)
    where codes.status is distinct from source.stored_status
       or codes.close_cause is distinct from source.stored_close_cause
       or codes.cancel_reason is distinct from source.stored_cancel_reason
),

hashed as (
    select
        joined.*,
        list_value(item_count, case when item_count = 1 then null else item_count end) as counts,
        list_transform(counts, lambda n: order_state_hash(
            order_state_fields(
                stored_status, status_raw, created_at, paid_at, shipped_at, received_at,
                closed_at, ship_deadline, currency, product_amount, shipping_fee, discount,
                order_amount, buyer_hash, buyer_country, shipping_method, carrier,
                tracking_number, remark, close_reason_raw, cancel_reason_raw,
                stored_close_cause, stored_cancel_reason, n, quantity, product_info, lines_text
            ),
            refunded_amount, fulfillment_status_raw, payment_method
        )) as old_hashes,
        list_position(old_hashes, snapshot_hash) as hashed_count
    from joined
),

final as (
    select
        snapshot_platform as platform,
        snapshot_store as store,
        order_id,
        snapshot_hash as state_hash,
        new_status,
        new_close_cause,
        new_cancel_reason,
        case when hashed_count is null then snapshot_hash
             else order_state_hash(
                 order_state_fields(
                     new_status, status_raw, created_at, paid_at, shipped_at, received_at,
                     closed_at, ship_deadline, currency, product_amount, shipping_fee, discount,
                     order_amount, buyer_hash, buyer_country, shipping_method, carrier,
                     tracking_number, remark, close_reason_raw, cancel_reason_raw,
                     new_close_cause, new_cancel_reason, counts[hashed_count], quantity,
                     product_info, lines_text
                 ),
                 refunded_amount, fulfillment_status_raw, payment_method
             )
        end as new_state_hash
    from hashed
)

select * from final
