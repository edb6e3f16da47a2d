-- The persistent tables of the history. Models (stg_*, int_*, orders_current_*) build on them.

create sequence if not exists ingested_file_ids start 1;

create table if not exists schema_version (
    version integer not null,
    applied_at timestamp not null
);

-- Installation settings (key, value). The buyer-hash salt lives in a file beside the database.
create table if not exists settings (
    key varchar primary key,
    value varchar not null
);

-- Every file that landed, with what it brought.
create table if not exists ingested_files (
    file_id bigint primary key,
    path varchar not null,
    sha256 varchar not null unique,
    platform varchar not null,
    store varchar not null,
    rows_read bigint not null,
    orders_in_file bigint not null,
    rows_new bigint not null,
    rows_updated bigint not null,
    rows_unchanged bigint not null,
    rows_rejected bigint not null,
    first_order_date date,
    last_order_date date,
    exported_at timestamp not null,
    exported_at_source varchar not null,
    ingested_at timestamp not null,
    -- added in schema version 4: the time zone the file was read in (ingest --timezone,
    -- stores.toml), so that it is read the same way when read again
    timezone varchar
);

-- Every distinct state an order was seen in, with the first and last export that showed it.
create table if not exists order_snapshots (
    platform varchar not null,
    store varchar not null,
    order_id varchar not null,
    state_hash varchar not null,
    status varchar not null,
    status_raw varchar,
    created_at timestamp not null,
    paid_at timestamp,
    shipped_at timestamp,
    received_at timestamp,
    closed_at timestamp,
    ship_deadline timestamp,
    currency varchar,
    product_amount decimal(18, 2),
    shipping_fee decimal(18, 2),
    discount decimal(18, 2),
    order_amount decimal(18, 2),
    buyer_hash varchar,
    buyer_country varchar,
    shipping_method varchar,
    carrier varchar,
    tracking_number varchar,
    item_count integer,
    quantity integer,
    product_info varchar,
    remark varchar,
    close_reason_raw varchar,
    cancel_reason_raw varchar,
    close_cause varchar,
    cancel_reason varchar,
    first_file_id bigint not null,
    first_seen_at timestamp not null,
    last_file_id bigint not null,
    last_seen_at timestamp not null,
    last_seen_key varchar not null,
    -- added in schema version 3 (Shopify's Refunded Amount, Taobao's 退款金额): last, so that a
    -- history upgraded by `alter table ... add column` has the columns in the same order
    refunded_amount decimal(18, 2),
    -- added in schema version 4, so that status, cause and reason can be derived again from the
    -- raw values whenever the vocabulary or a mapping changes (pipeline/reinterpret.py):
    -- Shopify's Fulfillment Status and Payment Method, the order's item lines as hashed, and
    -- whether the row holds every raw value its interpretation needs (false for rows stored
    -- before version 4 by a Shopify or generic source, which keep their stored codes)
    fulfillment_status_raw varchar,
    payment_method varchar,
    lines_text varchar,
    interpretable boolean default true
);

-- One row per order: its state from the latest export that holds it; fields a later export
-- lacks keep what an earlier export said.
create table if not exists orders_current (
    platform varchar not null,
    store varchar not null,
    order_id varchar not null,
    status varchar not null,
    status_raw varchar,
    created_at timestamp not null,
    paid_at timestamp,
    shipped_at timestamp,
    received_at timestamp,
    closed_at timestamp,
    ship_deadline timestamp,
    currency varchar,
    product_amount decimal(18, 2),
    shipping_fee decimal(18, 2),
    discount decimal(18, 2),
    order_amount decimal(18, 2),
    buyer_hash varchar,
    buyer_country varchar,
    shipping_method varchar,
    carrier varchar,
    tracking_number varchar,
    item_count integer,
    quantity integer,
    product_info varchar,
    remark varchar,
    close_reason_raw varchar,
    cancel_reason_raw varchar,
    close_cause varchar,
    cancel_reason varchar,
    cause_inferred boolean not null,
    seller_fault boolean not null,
    first_seen_at timestamp not null,
    last_seen_at timestamp not null,
    first_seen_closed_at timestamp,
    states_seen integer not null,
    last_file_id bigint not null,
    last_seen_key varchar not null,
    state_hash varchar not null,
    current_hash varchar not null,
    refunded_amount decimal(18, 2)
);

-- The status and reason tables of each generic store's mapping file, as its latest ingest gave
-- them: the history is interpreted again with them when the vocabulary changes.
create table if not exists mapping_aliases (
    store varchar not null,
    kind varchar not null,
    raw_key varchar not null,
    code varchar not null
);

-- Rows of landed files that could not be read, with the reason.
create table if not exists rejected_rows (
    file_id bigint not null,
    sheet varchar,
    row_number bigint not null,
    order_id varchar,
    reason varchar not null
);
