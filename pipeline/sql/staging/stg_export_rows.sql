-- Staging: one export's rows typed (the adapter has already trimmed cells and nulled empty
-- ones); a cell that cannot be read becomes a
-- reject reason. Buyer identity leaves this model only as a salted hash.
with

raw_rows as (select * from raw_export),

context as (select * from ingest_context),

cleaned as (
    select
        source_sheet,
        source_sheet_no,
        source_row,
        line_no,
        order_id as order_id,
        status as status_raw,
        coalesce(buyer_id, buyer_email) as buyer_key,
        buyer_country as buyer_country,
        clean_value(created_at) as created_raw,
        clean_value(paid_at) as paid_raw,
        clean_value(shipped_at) as shipped_raw,
        clean_value(received_at) as received_raw,
        clean_value(closed_at) as closed_raw,
        clean_value(ship_deadline) as deadline_raw,
        clean_value(product_amount) as product_amount_raw,
        clean_value(shipping_fee) as shipping_fee_raw,
        clean_value(discount) as discount_raw,
        clean_value(order_amount) as order_amount_raw,
        clean_value(line_amount) as line_amount_raw,
        product_info as product_info,
        clean_value(quantity) as quantity_raw,
        item_id as item_id,
        remark as remark,
        shipping_method as shipping_method,
        replace(tracking, '：', ':') as tracking,
        carrier as carrier_raw,
        tracking_number as tracking_number_raw,
        close_reason as close_reason_raw,
        cancel_reason as cancel_reason_raw,
        cancel_status as cancel_status_raw,
        upper(currency) as currency_cell,
        fulfillment_status as fulfillment_status_raw,
        payment_method as payment_method,
        clean_value(refunded_amount) as refunded_amount_raw,
        clean_value(item_count) as item_count_raw
    from raw_rows
),

typed as (
    select
        cleaned.*,
        parse_local_time(created_raw, context.timezone) as created_at,
        parse_local_time(paid_raw, context.timezone) as paid_at,
        parse_local_time(shipped_raw, context.timezone) as shipped_at,
        parse_local_time(received_raw, context.timezone) as received_at,
        parse_local_time(closed_raw, context.timezone) as closed_at,
        parse_local_time(deadline_raw, context.timezone) as ship_deadline,
        -- the file's decimal mark (stg_export_amount_shapes), a constant: '.', ',', 'none', 'mixed'
        getvariable('export_decimal_mark') as decimal_mark,
        amount_in(product_amount_raw, getvariable('export_decimal_mark')) as product_amount,
        amount_in(shipping_fee_raw, getvariable('export_decimal_mark')) as shipping_fee,
        amount_in(discount_raw, getvariable('export_decimal_mark')) as discount,
        amount_in(coalesce(order_amount_raw, line_amount_raw), getvariable('export_decimal_mark'))
            as order_amount,
        try_cast(parse_amount(quantity_raw) as integer) as quantity_cell,
        coalesce(
            currency_cell,
            amount_currency(coalesce(order_amount_raw, line_amount_raw, product_amount_raw)),
            context.default_currency
        ) as currency,
        amount_in(refunded_amount_raw, getvariable('export_decimal_mark')) as refunded_amount,
        coalesce(
            carrier_raw,
            case when tracking like '%:%' then nullif(trim(split_part(tracking, ':', 1)), '') end
        ) as carrier,
        coalesce(
            tracking_number_raw,
            case when tracking like '%:%'
                 then nullif(trim(tracking[strpos(tracking, ':') + 1:]), '')
                 else tracking end
        ) as tracking_number,
        case when buyer_key is not null
             then sha256(context.buyer_salt || '|' || context.platform || '|' || lower(buyer_key))
        end as buyer_hash
    from cleaned, context
),

-- A time later than the file can have been exported (its save time or now, whichever is
-- later, plus a day for time zones) is impossible: left empty, so that it cannot make the
-- file's export time years ahead and every later export look older. An order date there
-- rejects its row. Ship deadlines lie ahead legitimately and are not checked. A row with a
-- cell left empty (here, or an amount left empty by amount_in) is marked blanked_cells;
-- stg_export_cell_warnings names the cells.
plausible as (
    select
        typed.* replace (
            case when paid_at > context.latest_plausible_at then null else paid_at end as paid_at,
            case when shipped_at > context.latest_plausible_at then null else shipped_at end as shipped_at,
            case when received_at > context.latest_plausible_at then null else received_at end
                as received_at,
            case when closed_at > context.latest_plausible_at then null else closed_at end as closed_at,
            case when paid_at > context.latest_plausible_at then null else paid_raw end as paid_raw,
            case when shipped_at > context.latest_plausible_at then null else shipped_raw end
                as shipped_raw,
            case when received_at > context.latest_plausible_at then null else received_raw end
                as received_raw,
            case when closed_at > context.latest_plausible_at then null else closed_raw end as closed_raw
        ),
        coalesce(created_at > context.latest_plausible_at, false) as created_in_future,
        -- a cell of the row may have been left empty: stg_export_cell_warnings says which
        coalesce(greatest(paid_at, shipped_at, received_at, closed_at) > context.latest_plausible_at, false)
            or getvariable('export_ambiguous_amounts') as blanked_cells
    from typed, context
),

checked as (
    select
        plausible.*,
        nullif(concat_ws('; ',
            case when order_id is null then 'no order id' end,
            case when created_raw is null then 'no order date'
                 when created_at is null then 'order date ' || created_raw || ' is not a date'
                 when created_in_future then 'order date ' || created_raw
                      || ' lies after the file was exported: a wrong date or clock' end,
            case when paid_raw is not null and paid_at is null
                 then 'payment time ' || paid_raw || ' is not a date' end,
            case when shipped_raw is not null and shipped_at is null
                 then 'shipping time ' || shipped_raw || ' is not a date' end,
            case when received_raw is not null and received_at is null
                 then 'receipt time ' || received_raw || ' is not a date' end,
            case when closed_raw is not null and closed_at is null
                 then 'close time ' || closed_raw || ' is not a date' end,
            case when deadline_raw is not null and ship_deadline is null
                 then 'ship deadline ' || deadline_raw || ' is not a date' end,
            case when product_amount_raw is not null and product_amount is null
                      and not amount_ambiguous(product_amount_raw, decimal_mark)
                 then 'product amount ' || product_amount_raw || ' is not an amount' end,
            case when shipping_fee_raw is not null and shipping_fee is null
                      and not amount_ambiguous(shipping_fee_raw, decimal_mark)
                 then 'shipping fee ' || shipping_fee_raw || ' is not an amount' end,
            case when coalesce(order_amount_raw, line_amount_raw) is not null and order_amount is null
                      and not amount_ambiguous(coalesce(order_amount_raw, line_amount_raw), decimal_mark)
                 then 'order amount ' || coalesce(order_amount_raw, line_amount_raw)
                      || ' is not an amount' end,
            case when quantity_raw is not null and quantity_cell is null
                 then 'quantity ' || quantity_raw || ' is not a number' end
        ), '') as parse_problem
    from plausible
),

final as (
    select
        source_sheet,
        source_row,
        -- the row's place in the file, as one sortable number
        source_sheet_no::bigint * 10000000000 + source_row as row_key,
        -- the row's place among its order's item rows (1688, Shopify, generic), else null
        line_no,
        order_id,
        status_raw,
        created_at,
        paid_at,
        shipped_at,
        received_at,
        closed_at,
        ship_deadline,
        currency,
        product_amount,
        shipping_fee,
        discount,
        order_amount,
        buyer_hash,
        buyer_country,
        shipping_method,
        carrier,
        tracking_number,
        item_id,
        coalesce(quantity_cell, product_quantity(product_info)) as quantity,
        coalesce(try_cast(item_count_raw as integer), product_count(product_info)) as item_count,
        product_info,
        remark,
        close_reason_raw,
        cancel_reason_raw,
        cancel_status_raw,
        fulfillment_status_raw,
        payment_method,
        refunded_amount,
        blanked_cells,
        parse_problem
    from checked
)

select * from final
