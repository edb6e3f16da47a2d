-- History: the stored states to interpret again (the stores in reinterpret_scope), one row
-- each, with the raw values under the names the staging models read from stg_export_rows, and
-- the codes they were stored with. A row stored before schema version 4 by a Shopify or a
-- generic source lacks raw values its interpretation needs and keeps its codes.
with

snapshots as (select * from order_snapshots),

scope as (select * from reinterpret_scope),

final as (
    select
        snapshots.platform as snapshot_platform,
        snapshots.store as snapshot_store,
        snapshots.state_hash as snapshot_hash,
        snapshots.status as stored_status,
        snapshots.close_cause as stored_close_cause,
        snapshots.cancel_reason as stored_cancel_reason,
        snapshots.lines_text,
        row_number() over () as row_key,
        cast(null as varchar) as source_sheet,
        cast(null as bigint) as source_row,
        cast(null as bigint) as line_no,
        snapshots.order_id,
        snapshots.status_raw,
        snapshots.created_at,
        snapshots.paid_at,
        snapshots.shipped_at,
        snapshots.received_at,
        snapshots.closed_at,
        snapshots.ship_deadline,
        snapshots.currency,
        snapshots.product_amount,
        snapshots.shipping_fee,
        snapshots.discount,
        snapshots.order_amount,
        snapshots.buyer_hash,
        snapshots.buyer_country,
        snapshots.shipping_method,
        snapshots.carrier,
        snapshots.tracking_number,
        cast(null as varchar) as item_id,
        snapshots.quantity,
        snapshots.item_count,
        snapshots.product_info,
        snapshots.remark,
        snapshots.close_reason_raw,
        snapshots.cancel_reason_raw,
        -- eBay's status column is its Cancel Status (stg_ebay_orders stores it as status_raw)
        case when snapshots.platform = 'ebay' then snapshots.status_raw end as cancel_status_raw,
        snapshots.fulfillment_status_raw,
        snapshots.payment_method,
        snapshots.refunded_amount,
        false as blanked_cells,
        cast(null as varchar) as parse_problem
    from snapshots
    semi join scope using (platform, store)
    where snapshots.interpretable
)

select * from final
