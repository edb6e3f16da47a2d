-- History: the current orders a re-interpretation can change: those with a state read anew
-- (reinterpret_changes), and every closed one of the stores in scope, whose seller_fault and
-- inferred cause follow the vocabulary's rules.
with

changes as (select * from reinterpret_changes),

current_orders as (select * from orders_current),

scope as (select * from reinterpret_scope),

final as (
    select platform, store, order_id from changes
    union
    select platform, store, order_id
    from current_orders
    semi join scope using (platform, store)
    where current_orders.status = 'closed'
)

select * from final
