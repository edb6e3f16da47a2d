-- Staging: AliExpress rows with their raw status, close reason (订单关闭原因) and cancel reason
-- (取消原因) looked up in the vocabulary. Status `finished` and cause `buyer_cancelled` are
-- resolved later, once payment and receipt are known.
with

export_rows as (select * from stg_export_rows),

value_keys as (select * from stg_raw_value_keys),

status_aliases as (
    select value_keys.raw, vocab_alias.code
    from value_keys
    join vocab_alias using (raw_key)
    where vocab_alias.kind = 'status' and vocab_alias.platform = 'aliexpress'
),

cause_aliases as (
    select value_keys.raw, vocab_alias.code
    from value_keys
    join vocab_alias using (raw_key)
    where vocab_alias.kind = 'close_cause' and vocab_alias.platform = 'aliexpress'
),

reason_aliases as (
    select value_keys.raw, vocab_alias.code
    from value_keys
    join vocab_alias using (raw_key)
    where vocab_alias.kind = 'cancel_reason' and vocab_alias.platform = 'any'
),

final as (
    select
        export_rows.*,
        status_aliases.code as status_code,
        case when export_rows.close_reason_raw is not null
             then coalesce(cause_aliases.code, 'other') end as cause_code,
        case when export_rows.cancel_reason_raw is not null
             then coalesce(reason_aliases.code, 'other') end as cancel_reason,
        cast(null as varchar) as line_key
    from export_rows
    left join status_aliases on export_rows.status_raw = status_aliases.raw
    left join cause_aliases on export_rows.close_reason_raw = cause_aliases.raw
    left join reason_aliases on export_rows.cancel_reason_raw = reason_aliases.raw
)

select * from final
