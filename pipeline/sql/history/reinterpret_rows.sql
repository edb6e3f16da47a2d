-- Staging, for the interpretation again: the stored states of one platform (one store for a
-- generic source, whose mapping is its own) in the shape of stg_export_rows, so that the very
-- staging models an ingest runs derive their codes.
with

source as (select * from reinterpret_source),

context as (select * from ingest_context),

final as (
    select source.* exclude (
        snapshot_platform, snapshot_store, snapshot_hash, stored_status, stored_close_cause,
        stored_cancel_reason, lines_text
    )
    from source, context
    where source.snapshot_platform = context.platform
      and (context.platform <> 'generic' or source.snapshot_store = context.store)
)

select * from final
