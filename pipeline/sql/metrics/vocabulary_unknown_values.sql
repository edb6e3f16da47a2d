-- Vocabulary: the raw values the vocabulary in force does not know (unknown_raw_values), over
-- all stores, by the vocabulary table that would map them: a close reason maps in close_cause.
with

unknown as (select * from unknown_raw_values),

final as (
    select
        case when kind = 'close_reason' then 'close_cause' else kind end as kind,
        platform,
        raw_value,
        sum(orders)::bigint as orders,
        min(example_order) as example_order,
        list(distinct store order by store) as stores
    from unknown
    group by all
    order by orders desc, kind, platform, raw_value
)

select * from final
