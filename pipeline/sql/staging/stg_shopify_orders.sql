-- Staging: Shopify orders_export.csv rows, one per line item (the item rows already carry their
-- order's cells). The status follows Financial Status, Fulfillment Status and Cancelled at:
-- cancelled, voided, refunded in full or expired -> closed (a refund after shipping is a return:
-- its cause is inferred as dispute_refund); fulfilled ->
-- shipped; partial -> partially_shipped; else the payment's status (paid -> awaiting_shipment,
-- pending -> awaiting_payment, except cash on delivery, which awaits shipment unpaid).
-- The export names no cancel reason: a closed order's cause is inferred in the history.
with

export_rows as (select * from stg_export_rows),

codes as (select * from stg_raw_value_codes),

fulfillment_codes as (
    select raw_key, code from vocab_alias
    where kind = 'status' and platform = 'shopify_fulfillment'
),

cash_on_delivery as (
    select raw_key from vocab_alias where kind = 'payment' and platform = 'shopify'
),

coded as (
    select
        export_rows.*,
        financial.status_code as financial_code,
        fulfillment.code as fulfillment_code,
        exists (
            select 1 from cash_on_delivery
            where contains(value_key(export_rows.payment_method), cash_on_delivery.raw_key)
        ) as pays_on_delivery
    from export_rows
    left join codes as financial on export_rows.status_raw = financial.raw
    left join fulfillment_codes as fulfillment
        on value_key(export_rows.fulfillment_status_raw) = fulfillment.raw_key
),

final as (
    select
        coded.* exclude (financial_code, fulfillment_code, pays_on_delivery),
        case
            when financial_code is null then null
            when closed_at is not null then 'closed'
            when financial_code = 'closed' then 'closed'
            when fulfillment_code in ('shipped', 'partially_shipped', 'closed') then fulfillment_code
            when financial_code = 'awaiting_payment' and pays_on_delivery then 'awaiting_shipment'
            else financial_code
        end as status_code,
        cast(null as varchar) as cause_code,
        cast(null as varchar) as cancel_reason,
        lpad(cast(coded.line_no as varchar), 6, '0') as line_key
    from coded
)

select * from final
