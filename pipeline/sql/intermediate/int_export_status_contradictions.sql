-- Intermediate: orders of one generic export whose mapped status contradicts their times: a
-- close time on an order the mapping says is open, or a ship time on one it says has not
-- shipped. The mapping's [status] table is then likely wrong; each kind is counted, with the
-- first order as an example.
with

export_orders as (select * from int_export_orders),

contradictions as (
    select
        order_id,
        status_raw,
        status,
        case
            when closed_at is not null and status not in ('closed', 'completed') then 'closed_at'
            when shipped_at is not null and status in ('awaiting_payment', 'awaiting_shipment')
                then 'shipped_at'
        end as field
    from export_orders
),

final as (
    select
        field,
        count(*) as orders,
        arg_min(order_id, order_id) as example_order,
        arg_min(status_raw, order_id) as example_raw,
        arg_min(status, order_id) as example_status
    from contradictions
    where field is not null
    group by field
    order by field
)

select * from final
