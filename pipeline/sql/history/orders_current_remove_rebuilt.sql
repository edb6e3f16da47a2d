-- History: take out the current rows of the orders about to be rebuilt (orders_to_rebuild);
-- orders_current_insert_rebuilt puts them back from their snapshots.
delete from orders_current
using orders_to_rebuild as rebuilt
where orders_current.platform = rebuilt.platform
  and orders_current.store = rebuilt.store
  and orders_current.order_id = rebuilt.order_id
