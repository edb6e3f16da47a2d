-- Metrics: what a breakdown groups by (metrics_params.per): the whole selection ('cluster', one
-- scope '*'), each selected store ('store') or each platform among them ('platform').
with

params as (select * from metrics_params),

stores as (select * from metrics_stores),

store_platforms as (
    select distinct files.store, files.platform
    from ingested_files as files
    semi join stores using (store)
),

final as (
    select '*' as scope_key from params where per = 'cluster'
    union all
    select store from stores where (select per from params) = 'store'
    union all
    select distinct platform from store_platforms where (select per from params) = 'platform'
)

select * from final
