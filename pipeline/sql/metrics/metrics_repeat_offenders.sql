-- Metrics: the products behind the seller's-fault closures of the window ("repeat offenders"):
-- per product (each 【n】 block's title in an AliExpress product cell, else the cell's first
-- line) and scope, the orders it was in, how many of them closed by the seller's fault, that
-- share, and the commonest reason; most seller-fault closures first.
with

window_orders as (
    select *
    from metrics_window_orders
    where period_start in (select period_start from metrics_periods where not is_comparison)
),

order_products as (
    select
        scope_key,
        store || '|' || order_id as order_key,
        status = 'closed' and seller_fault as seller_fault_closure,
        coalesce(cancel_reason, close_cause) as reason,
        unnest(
            case
                when len(regexp_extract_all(product_info, '【\d+】\s*([^\n]+)', 1)) > 0
                    then regexp_extract_all(product_info, '【\d+】\s*([^\n]+)', 1)
                else [split_part(product_info, chr(10), 1)]
            end
        ) as product
    from window_orders
    where product_info is not null
),

per_product as (
    select
        scope_key,
        trim(product) as product,
        count(distinct order_key) as orders,
        count(distinct order_key) filter (where seller_fault_closure) as seller_fault_closures,
        mode(reason) filter (where seller_fault_closure) as top_reason
    from order_products
    where trim(product) <> ''
    group by scope_key, trim(product)
),

final as (
    select
        scope_key,
        product,
        seller_fault_closures,
        orders,
        seller_fault_closures / orders as seller_fault_share,
        top_reason
    from per_product
    where seller_fault_closures > 0
    order by scope_key, seller_fault_closures desc, orders desc, product
)

select * from final
