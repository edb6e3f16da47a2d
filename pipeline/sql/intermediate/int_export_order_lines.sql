-- Intermediate: the accepted rows of one export with a hash of the order-level state and of
-- the line-level content (eBay has one row per line item), to find duplicates and conflicts.
with

export_rows as (select * from int_export_rows where reject_reason is null),

hashed as (
    -- hash() is fast but not stable across DuckDB versions: fine for comparing rows of one
    -- file; the persisted state_hash (int_export_orders) uses md5.
    select
        *,
        hash(
            status, status_raw, created_at, paid_at, shipped_at, received_at, closed_at,
            ship_deadline, currency, product_amount, shipping_fee, discount, order_amount,
            buyer_hash, buyer_country, shipping_method, carrier, tracking_number, remark,
            close_reason_raw, cancel_reason_raw, close_cause, cancel_reason
        ) as order_hash,
        hash(item_count, quantity, product_info) as line_hash
    from export_rows
),

final as (select * from hashed)

select * from final
