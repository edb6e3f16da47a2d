-- How a lake lays out its data files (DuckLake only; the embedded file keeps zone maps of its
-- own). orders_current is written sorted by creation time: at insert (an ingest, a migrate),
-- at compaction (storehealth maintain) and when inlined rows are flushed. Every metrics window
-- filters on created_at, and with sorted files each Parquet row group's min/max statistics
-- let the scan skip what lies outside the window. Unsorted, a 10 M-order lake read every row
-- group for a 52-week window: 1.2 s against 0.9 s for `metrics --by week` (an A/B by hand,
-- the same lake copied with and without the sort).
alter table orders_current set sorted by (created_at asc);
