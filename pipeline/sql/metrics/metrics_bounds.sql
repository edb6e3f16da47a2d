-- Metrics: the created_at bounds of the orders a window reads, as variables the table scan can
-- use: from the comparison period's start (or the window's first day) to the end of its last
-- day, less the days between the first period's start and the window's first day (a window
-- that starts mid-week compares with the whole week before, not with its own first days);
-- and what the window's orders are grouped by.
set variable metrics_lower = (select min(period_start)::timestamp from metrics_periods);
set variable metrics_upper = (select date_to::timestamp + interval 1 day from metrics_params);
set variable metrics_gap_from = (
    select min(period_start)::timestamp from metrics_periods where not is_comparison
);
set variable metrics_gap_to = (select date_from::timestamp from metrics_params);
set variable metrics_has_gap = coalesce(
    getvariable('metrics_gap_from') < getvariable('metrics_gap_to'), false
);
set variable metrics_period = (select period from metrics_params);
set variable metrics_per = (select per from metrics_params);
set variable metrics_all_stores = (
    select count(*) = (select count(distinct store) from ingested_files) from metrics_stores
);
set variable metrics_store_list = (select list(store) from metrics_stores);
-- The vocabulary's [seller_side] close causes, for metrics_window_facts.
set variable metrics_seller_side_causes = (
    select coalesce(list(code), []) from vocab_code where kind = 'close_cause' and seller_side
);
