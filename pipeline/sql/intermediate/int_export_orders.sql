-- Intermediate: one row per order of one export, line items summed, with the hash of its
-- state. Only built once int_export_conflicts is empty, so an order's rows differ at most in
-- their line items.
with

order_lines as (select * from int_export_order_lines),

context as (select * from ingest_context),

order_totals as (
    select
        order_id,
        min(row_key) as first_row_key,
        -- two distinct line keys or more (cheaper than count(distinct ...) per order)
        min(coalesce(line_key, '')) <> max(coalesce(line_key, '')) as several_lines
    from order_lines
    group by order_id
),

-- Orders with several line items: each distinct line counted once. A line with no item of
-- its own (eBay's summary row above a multi-item order's item rows) is the order, not an item.
distinct_lines as (
    select
        order_id,
        coalesce(line_key, '') as line_key,
        any_value(quantity) as quantity,
        any_value(product_info) as product_info
    from order_lines
    semi join (select order_id from order_totals where several_lines) using (order_id)
    where coalesce(line_key, '') <> ''
    group by order_id, coalesce(line_key, '')
),

multi_line_totals as (
    select
        order_id,
        cast(count(*) as integer) as item_count,
        cast(sum(quantity) as integer) as quantity,
        string_agg(product_info, chr(10) order by line_key) as product_info,
        string_agg(line_key || ':' || coalesce(quantity::varchar, ''), '|' order by line_key)
            as lines_text
    from distinct_lines
    group by order_id
),

-- The order-level fields from the order's first row (all its rows agree on them).
first_lines as (
    select order_lines.*
    from order_lines
    join order_totals
        on order_lines.order_id = order_totals.order_id
        and order_lines.row_key = order_totals.first_row_key
),

final as (
    select
        context.platform,
        context.store,
        first_lines.order_id,
        first_lines.status,
        first_lines.status_raw,
        first_lines.created_at,
        first_lines.paid_at,
        first_lines.shipped_at,
        first_lines.received_at,
        first_lines.closed_at,
        first_lines.ship_deadline,
        first_lines.currency,
        first_lines.product_amount,
        first_lines.shipping_fee,
        first_lines.discount,
        first_lines.order_amount,
        first_lines.buyer_hash,
        first_lines.buyer_country,
        first_lines.shipping_method,
        first_lines.carrier,
        first_lines.tracking_number,
        -- an order of one item row is one item, whatever its cells say of products
        coalesce(
            multi_line_totals.item_count,
            first_lines.item_count,
            case when first_lines.line_key <> '' then 1 end
        ) as item_count,
        coalesce(multi_line_totals.quantity, first_lines.quantity) as quantity,
        coalesce(multi_line_totals.product_info, first_lines.product_info) as product_info,
        first_lines.remark,
        first_lines.close_reason_raw,
        first_lines.cancel_reason_raw,
        first_lines.close_cause,
        first_lines.cancel_reason,
        first_lines.refunded_amount,
        first_lines.fulfillment_status_raw,
        first_lines.payment_method,
        multi_line_totals.lines_text,
        order_state_hash(
            order_state_fields(
                first_lines.status, first_lines.status_raw, first_lines.created_at,
                first_lines.paid_at, first_lines.shipped_at, first_lines.received_at,
                first_lines.closed_at, first_lines.ship_deadline, first_lines.currency,
                first_lines.product_amount, first_lines.shipping_fee, first_lines.discount,
                first_lines.order_amount, first_lines.buyer_hash, first_lines.buyer_country,
                first_lines.shipping_method, first_lines.carrier, first_lines.tracking_number,
                first_lines.remark, first_lines.close_reason_raw, first_lines.cancel_reason_raw,
                first_lines.close_cause, first_lines.cancel_reason,
                -- as hashed since version 1: the items' count and quantity without the
                -- one-item default the item_count column takes above
                coalesce(multi_line_totals.item_count, first_lines.item_count),
                coalesce(multi_line_totals.quantity, first_lines.quantity),
                coalesce(multi_line_totals.product_info, first_lines.product_info),
                multi_line_totals.lines_text
            ),
            first_lines.refunded_amount,
            first_lines.fulfillment_status_raw,
            first_lines.payment_method
        ) as state_hash
    from first_lines
    cross join context
    left join multi_line_totals using (order_id)
)

select * from final
