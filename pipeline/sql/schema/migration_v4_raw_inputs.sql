-- Schema version 4: the raw values an interpretation needs, added last (schema.sql). Rows
-- already stored by a Shopify source lack Fulfillment Status and Payment Method, and a generic
-- source's rows lack their mapping: they keep the codes they were stored with.
alter table order_snapshots add column if not exists fulfillment_status_raw varchar;
alter table order_snapshots add column if not exists payment_method varchar;
alter table order_snapshots add column if not exists lines_text varchar;
alter table order_snapshots add column if not exists interpretable boolean default true;
update order_snapshots set interpretable = platform not in ('shopify', 'generic');
alter table ingested_files add column if not exists timezone varchar;
