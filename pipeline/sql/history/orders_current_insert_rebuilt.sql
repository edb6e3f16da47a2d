-- History: the rebuilt current rows (orders_current_rebuilt) of the orders taken out by
-- orders_current_remove_rebuilt, and of the orders new to the history.
insert into orders_current by name
select * from orders_current_rebuilt
