-- Metrics: each selected store against its platform's policies (vocab_policy: pipeline/policies.toml
-- with the seller's own policies.toml beside the database applied) as of metrics_params.date_to,
-- over each policy's own window: the rate (numerator / base, the metric_summary definitions),
-- the standing (ok, warning, breach; "no data" with no base), the margin left to the breach
-- limit, and how many more seller-fault orders at the same volume would cross it. Reads
-- metrics_policy_rates: metrics_summary per store for each window length.
-- A policy row with a store applies to that store only, and replaces there the every-store row
-- (store null) of the same key, whatever platforms either names; set_in is the seller's file
-- for a policy they set (null: as shipped).
with

policies as (select * from vocab_policy),

rates as (select * from metrics_policy_rates),

stores as (select * from metrics_stores),

store_platforms as (
    select files.store, arg_max(files.platform, files.ingested_at) as platform
    from ingested_files as files
    semi join stores using (store)
    group by files.store
),

-- Every row that may judge a store: its own (policies.store) and the every-store ones.
candidates as (
    select
        store_platforms.store,
        store_platforms.platform as store_platform,
        policies.* exclude (store),
        policies.store is not null as own,
        bool_or(policies.store is not null) over (
            partition by store_platforms.store, policies.key
        ) as has_own
    from store_platforms
    join policies on policies.store is null or policies.store = store_platforms.store
),

applicable as (
    select candidates.* exclude (store_platform, platform, own, has_own),
        candidates.store_platform as platform
    from candidates
    where candidates.own = candidates.has_own
      and candidates.platform in (candidates.store_platform, '*')
    -- a policy naming both the platform and "*" judges the store once
    qualify row_number() over (
        partition by candidates.store, candidates.key order by candidates.platform
    ) = 1
),

measured as (
    select rates.window_days, rates.scope_key as store, measure.*
    from rates
    cross join lateral (
        values
            ('sold_not_shipped', rates.sold_not_shipped, rates.paid_orders),
            ('pre_fulfilment_cancel', rates.pre_fulfilment_cancellations, rates.orders),
            ('late_shipment', rates.late_shipments, rates.shipped_with_deadline)
    ) as measure(metric, numerator, base)
),

windowed as (
    select
        applicable.*,
        main.numerator as main_numerator,
        main.base as main_base,
        fallback.numerator as fallback_numerator,
        fallback.base as fallback_base,
        applicable.fallback_window_days is not null and main.base < applicable.min_base
            as use_fallback
    from applicable
    join measured as main
        on main.store = applicable.store
        and main.metric = applicable.metric
        and main.window_days = applicable.window_days
    left join measured as fallback
        on fallback.store = applicable.store
        and fallback.metric = applicable.metric
        and fallback.window_days = applicable.fallback_window_days
),

chosen as (
    select
        *,
        case when use_fallback then fallback_window_days else window_days end as evaluated_days,
        case when use_fallback then fallback_numerator else main_numerator end as numerator,
        case when use_fallback then fallback_base else main_base end as base
    from windowed
),

judged as (
    select
        *,
        numerator / nullif(base, 0) as rate,
        case
            when base = 0 then null
            when limit_kind = 'at_most' then greatest(floor(breach * base)::bigint + 1 - numerator, 0)
            else greatest(ceil(breach * base)::bigint - numerator, 0)
        end as orders_to_cross
    from chosen
),

final as (
    select
        store,
        platform,
        key as policy,
        label,
        metric,
        (select date_to from metrics_params) - (evaluated_days - 1)::integer as window_from,
        (select date_to from metrics_params) as window_to,
        evaluated_days as window_days,
        numerator,
        base,
        rate,
        warning::double as warning,
        breach::double as breach,
        limit_kind,
        case
            when base = 0 then 'no data'
            when orders_to_cross = 0 then 'breach'
            when limit_kind = 'at_most' and numerator > warning * base then 'warning'
            when limit_kind = 'below' and numerator >= warning * base then 'warning'
            else 'ok'
        end as standing,
        breach::double - rate as margin,
        orders_to_cross,
        source,
        set_in
    from judged
    order by store, key
)

select * from final
