-- History: the landed files with rows rejected for a status the vocabulary in force knows on
-- their platform (a generic file: its store's mapping), and how many such rows each has.
with

rejects as (select * from rejected_rows),

files as (select * from ingested_files),

known as (
    select platform, raw_key, cast(null as varchar) as store from vocab_alias where kind = 'status'
    union all
    select 'generic', raw_key, store from mapping_aliases where kind = 'status'
),

unknown_statuses as (
    select
        rejects.file_id,
        value_key(regexp_extract(rejects.reason, '^unknown order status "(.*)"', 1)) as raw_key
    from rejects
    where rejects.reason like 'unknown order status "%'
),

final as (
    select
        files.file_id, files.path, files.sha256, files.store, files.platform, files.timezone,
        count(*) as rows
    from unknown_statuses
    join files using (file_id)
    where exists (
        select 1 from known
        where known.raw_key = unknown_statuses.raw_key
          and known.platform = files.platform
          and (known.store is null or known.store = files.store)
    )
    group by all
    order by files.file_id
)

select * from final
