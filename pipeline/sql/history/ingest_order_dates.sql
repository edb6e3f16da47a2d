-- History: the range of order dates a file covers, for its record and the coverage checks.
with export_orders as (
    select * from int_export_orders
),

final as (
    select min(created_at)::date as first_order_date, max(created_at)::date as last_order_date
    from export_orders
)

select * from final
