-- Metrics: the periods a breakdown reports on. With metrics_params.period = 'window' there is
-- one period, the whole window; with 'week' (ISO weeks, Monday first) or 'month' one per
-- calendar period the window touches, cut to the window at its ends. One more period, the one
-- before the first (is_comparison), is there only to give the first period its previous rates.
with

params as (select * from metrics_params),

unit as (
    select
        case period when 'week' then interval 7 day when 'month' then interval 1 month end as step,
        case period
            when 'week' then date_trunc('week', date_from)
            when 'month' then date_trunc('month', date_from)
        end::date as first_start
    from params
),

calendar_periods as (
    select
        generate_series::date as period_start,
        (generate_series + (select step from unit) - interval 1 day)::date as period_end
    from generate_series(
        (select first_start - step from unit)::timestamp,
        (select date_to from params)::timestamp,
        (select step from unit)
    )
    where (select period from params) <> 'window'
),

window_period as (
    select date_from as period_start, date_to as period_end
    from params
    where period = 'window'
),

final as (
    select
        period_start,
        greatest(period_start, (select date_from from params)) as period_from,
        least(period_end, (select date_to from params)) as period_to,
        period_start < (select first_start from unit) as is_comparison
    from calendar_periods
    union all
    select period_start, period_start as period_from, period_end as period_to, false as is_comparison
    from window_period
)

select * from final
