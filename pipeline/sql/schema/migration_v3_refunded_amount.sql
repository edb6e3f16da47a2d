-- Schema version 3: the amount refunded on an order, added last in both tables (schema.sql).
alter table order_snapshots add column if not exists refunded_amount decimal(18, 2);
alter table orders_current add column if not exists refunded_amount decimal(18, 2);
