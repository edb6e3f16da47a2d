-- History: whether the store of the export being ingested holds long order ids (16 digits or
-- more) that no rounding made, i.e. with a non-zero digit past the 15th. Its platform's ids
-- are then known to be long, and an export whose long ids all end in zeros was rounded.
with

context as (select * from ingest_context),

final as (
    select exists (
        select 1
        from orders_current, context
        where orders_current.platform = context.platform
          and orders_current.store = context.store
          and regexp_full_match(orders_current.order_id, '[0-9]{16,}')
          and not regexp_full_match(orders_current.order_id[16:], '0+')
    ) as found
)

select * from final
