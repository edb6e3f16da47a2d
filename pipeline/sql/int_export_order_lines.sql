-- Intermediate: the accepted rows of one export, identical rows counted once, with a hash of
-- the order-level state and of the line-level content (eBay has one row per line item).
with

export_rows as (select * from int_export_rows where reject_reason is null),

hashed as (
    select
        *,
        md5(cast(row(
            status, status_raw, created_at, paid_at, shipped_at, received_at, closed_at,
            ship_deadline, currency, product_amount, shipping_fee, discount, order_amount,
            buyer_hash, buyer_country, shipping_method, carrier, tracking_number, remark,
            close_reason_raw, cancel_reason_raw, close_cause, cancel_reason
        ) as varchar)) as order_hash,
        md5(cast(row(item_count, quantity, product_info) as varchar)) as line_hash
    from export_rows
),

final as (
    select
        * exclude (source_sheet, source_row),
        min(source_sheet) as source_sheet,
        min(source_row) as source_row
    from hashed
    group by all
)

select * from final
