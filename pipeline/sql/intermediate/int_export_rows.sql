-- Intermediate: every row of one export with its canonical status and close cause resolved,
-- and the reason it is rejected, if it is.
--   finished (AliExpress 订单结束): closed when the close reason ended the sale, completed when
--   it says received, else completed if shipped or received and closed if never shipped.
--   buyer_cancelled: buyer_cancelled_paid when paid, else buyer_cancelled_unpaid.
with

platform_rows as (select * from stg_platform_orders),

resolved_status as (
    select
        platform_rows.*,
        case
            when status_code = 'finished' and cause_code = 'not_closed' then 'completed'
            when status_code = 'finished' and cause_code is not null then 'closed'
            when status_code = 'finished' and (received_at is not null or shipped_at is not null)
                then 'completed'
            when status_code = 'finished' then 'closed'
            else status_code
        end as status
    from platform_rows
),

final as (
    select
        * exclude (status_code, cause_code, parse_problem),
        case
            when status <> 'closed' or cause_code is null or cause_code = 'not_closed' then null
            when cause_code = 'buyer_cancelled' and paid_at is not null then 'buyer_cancelled_paid'
            when cause_code = 'buyer_cancelled' then 'buyer_cancelled_unpaid'
            else cause_code
        end as close_cause,
        coalesce(
            parse_problem,
            case when status is null and order_id is not null
                 then 'unknown order status ' || coalesce('"' || status_raw || '"', '(empty)')
                      -- a generic source's statuses are its mapping file's to name
                      || case when (select platform from ingest_context) = 'generic'
                              then ' (not in the [status] table of the mapping file)' else '' end
            end
        ) as reject_reason
    from resolved_status
)

select * from final
