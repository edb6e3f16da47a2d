-- Staging: each distinct raw status / reason text of one export with the canonical codes the
-- vocabulary gives it on this export's platform (a mapping file's codes for `generic`).
-- Folding and looking up the few distinct values, not every row, keeps a 300,000-row export
-- cheap.
with

export_rows as (select * from stg_export_rows),

context as (select * from ingest_context),

aliases as (
    select * from vocab_alias
    where platform = (select platform from context) or platform = 'any'
),

raw_values as (
    select status_raw as raw from export_rows
    union
    select close_reason_raw from export_rows
    union
    select cancel_reason_raw from export_rows
    union
    select cancel_status_raw from export_rows
),

value_keys as (
    select raw, value_key(raw) as raw_key
    from raw_values
    where raw is not null
),

final as (
    select
        value_keys.raw,
        max(code) filter (where kind = 'status' and platform <> 'any') as status_code,
        max(code) filter (where kind = 'close_cause' and platform <> 'any') as cause_code,
        coalesce(
            max(code) filter (where kind = 'cancel_reason' and platform <> 'any'),
            max(code) filter (where kind = 'cancel_reason' and platform = 'any')
        ) as reason_code,
        -- a generic mapping's status may imply a close cause and a cancel reason
        max(code) filter (where kind = 'status_close_cause') as status_cause_code,
        max(code) filter (where kind = 'status_cancel_reason') as status_reason_code
    from value_keys
    left join aliases using (raw_key)
    group by value_keys.raw
)

select * from final
