-- Status: per store, the date ranges no export covered. An export covers its orders' dates
-- from its first order to the day it was exported; a gap between the covered ranges means
-- orders created then may be lost for good.
with

files as (select * from ingested_files),

coverage as (
    select
        store,
        first_order_date as covered_from,
        greatest(last_order_date, exported_at::date) as covered_to
    from files
    where first_order_date is not null
),

running as (
    select
        store,
        covered_from,
        max(covered_to) over (
            partition by store order by covered_from, covered_to
            rows between unbounded preceding and 1 preceding
        ) as covered_before
    from coverage
),

final as (
    select
        store,
        covered_before + 1 as gap_from,
        covered_from - 1 as gap_to,
        datediff('day', covered_before, covered_from) - 1 as gap_days
    from running
    where covered_before is not null and covered_from > covered_before + 1
    order by store, gap_from
)

select * from final
