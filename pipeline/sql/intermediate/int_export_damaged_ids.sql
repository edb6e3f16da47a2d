-- Intermediate: an order id of one export that Excel damaged, if any, with the damage.
-- A CSV opened and saved in Excel carries long ids as numbers: shown in scientific notation
-- (8.18E+15) or kept to 15 significant digits (8180005001753712 -> 8180005001753700); an
-- .xlsx may hold an 18-digit id as a floating-point number (it keeps about 16 digits). Such
-- ids are no longer the platform's order numbers, and two orders can become one.
--   scientific: any id in scientific notation.
--   rounded: every id longer than 15 digits ends as a rounded number would (zeros after the
--   15th digit, or a value a float holds exactly), and that is no chance: the odds that
--   genuine ids all look so are below 1 in 1,000.
--   maybe_rounded: every long id looks rounded, but too few of them to tell by themselves:
--   int_export_rounded_twins compares them with the store's history.
with

export_rows as (
    select order_id, source_sheet, source_row, line_no, created_at, status_raw
    from int_export_rows
    where order_id is not null
),

scientific as (
    select order_id, source_sheet, source_row, 'scientific' as damage
    from export_rows
    where (order_id like '%E+%' or order_id like '%e+%' or order_id like '%E1%' or order_id like '%e1%')
      and regexp_full_match(order_id, '[0-9]([.,][0-9]+)?[eE][+]?[0-9]+')
    order by source_sheet, source_row
    limit 1
),

-- One row per distinct order row: two orders that rounding made one differ in their times or
-- statuses and are each evidence of their own; the same row twice (or an order's item rows,
-- which repeat its id) is one.
long_ids as (
    select
        order_id,
        min(source_sheet) as source_sheet,
        min(source_row) as source_row,
        -- log10 of how unlikely a genuine id is to look rounded: ten to one per zero digit
        -- past the 15th, and for a float-exact id the float's spacing at that size
        greatest(
            case when regexp_full_match(order_id[16:], '0+') then length(order_id) - 15 else 0 end,
            -- (up to 38 digits: a longer run of digits is no number a float ever held)
            case when length(order_id) between 17 and 38
                      and try_cast(try_cast(try_cast(order_id as hugeint) as double) as hugeint)
                          = try_cast(order_id as hugeint)
                 then greatest(0, floor(log2(cast(order_id as double))) - 52) * log10(2) else 0 end
        ) as rounded_weight
    from export_rows
    where length(order_id) >= 16 and regexp_full_match(order_id, '[0-9]{16,}')
      and coalesce(line_no, 1) = 1
    group by order_id, created_at, status_raw
),

evidence as (
    select
        count(*) as long_count,
        count(*) filter (where rounded_weight > 0) as rounded_count,
        coalesce(sum(rounded_weight), 0) as weight
    from long_ids
),

rounded as (
    select
        long_ids.order_id,
        long_ids.source_sheet,
        long_ids.source_row,
        -- too few to tell by themselves: int_export_rounded_twins asks the store's history
        case when evidence.weight >= 3 then 'rounded' else 'maybe_rounded' end as damage
    from long_ids, evidence
    where evidence.long_count > 0
      and evidence.rounded_count = evidence.long_count
    order by long_ids.source_sheet, long_ids.source_row
    limit 1
),

final as (
    select * from scientific
    union all
    select * from rounded
)

select * from final
limit 1
