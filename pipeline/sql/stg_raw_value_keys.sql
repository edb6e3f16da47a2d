-- Staging: each distinct raw status / reason text of one export with its lookup key (folded
-- to half-width, trimmed, lower-cased). Folding the few distinct values instead of every row
-- keeps the vocabulary joins cheap on a 300,000-row export.
with

export_rows as (select * from stg_export_rows),

raw_values as (
    select status_raw as raw from export_rows
    union
    select close_reason_raw from export_rows
    union
    select cancel_reason_raw from export_rows
    union
    select cancel_status_raw from export_rows
),

final as (
    select raw, value_key(raw) as raw_key
    from raw_values
    where raw is not null
)

select * from final
