-- Status: raw statuses and reasons the vocabulary does not know, by store, with how often
-- they were seen. Unknown reasons count as `other`; unknown statuses reject their rows. Add
-- them to pipeline/vocabulary.toml to classify them.
with

orders as (select * from orders_current),

files as (select * from ingested_files),

rejects as (select * from rejected_rows),

known as (select distinct kind, raw_key from vocab_alias),

unknown_reasons as (
    select store, 'cancel_reason' as kind, cancel_reason_raw as raw_value, count(*) as orders
    from orders
    where cancel_reason_raw is not null and platform <> 'generic'
      and value_key(cancel_reason_raw) not in (
          select raw_key from known where kind = 'cancel_reason')
    group by all
    union all
    select store, 'close_reason', close_reason_raw, count(*)
    from orders
    where close_reason_raw is not null and platform <> 'generic'
      and value_key(close_reason_raw) not in (select raw_key from known where kind = 'close_cause')
    group by all
),

unknown_statuses as (
    select
        files.store,
        'status' as kind,
        regexp_extract(rejects.reason, 'unknown order status "(.*)"', 1) as raw_value,
        count(*) as orders
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
