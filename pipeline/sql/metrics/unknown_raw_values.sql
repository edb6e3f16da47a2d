-- Status: raw statuses and reasons the vocabulary in force does not know, by store, with how
-- often they were seen and one order that shows each. Unknown reasons count as `other`; unknown
-- statuses reject their rows. `storehealth vocabulary add` maps them (vocabulary.toml beside
-- the history database).
with

orders as (select * from orders_current),

files as (select * from ingested_files),

rejects as (select * from rejected_rows),

known as (select distinct kind, platform, raw_key from vocab_alias),

unknown_reasons as (
    select
        store, platform, 'cancel_reason' as kind, cancel_reason_raw as raw_value,
        count(*) as orders, min(order_id) as example_order
    from orders
    where cancel_reason_raw is not null and platform <> 'generic'
      and value_key(cancel_reason_raw) not in (
          select raw_key from known where kind = 'cancel_reason')
    group by all
    union all
    select store, platform, 'close_reason', close_reason_raw, count(*), min(order_id)
    from orders
    where close_reason_raw is not null and platform <> 'generic'
      and value_key(close_reason_raw) not in (
          select raw_key from known
          where kind = 'close_cause' and known.platform = orders.platform)
    group by all
),

unknown_statuses as (
    select
        files.store,
        files.platform,
        'status' as kind,
        regexp_extract(rejects.reason, 'unknown order status "(.*)"', 1) as raw_value,
        count(*) as orders,
        min(rejects.order_id) as example_order
    from rejects
    join files using (file_id)
    where rejects.reason like 'unknown order status%'
    group by all
),

final as (
    select * from unknown_reasons
    union all
    select * from unknown_statuses
    order by store, kind, orders desc, raw_value
)

select * from final
