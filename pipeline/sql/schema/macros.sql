-- Value parsers shared by the staging models. Temporary, so read-only connections have them too.

-- A cleaned date or amount cell, null when it is a placeholder dash or "N/A".
create or replace temp macro clean_value(s) as
    case when nullif(trim(s), '') in ('-', '--', '—', 'N/A', 'n/a', 'null', 'NULL', 'None') then null
         else nullif(trim(s), '') end;

-- Times as real exports write them: 2024.03.05 14:22, 2024-03-05 14:22:10, Mar-05-24, ...
-- The common shapes go straight to one format: a list of formats is tried one by one, and
-- that is ten times slower on a 300,000-row export. A time before 1990 is no order's: it is an
-- empty or zero cell that Excel formatted as a date (serial 0 is 1899-12-31), and reads as none
-- (so that the row says its date is not a date). greatest() ignores a null, and nullif() then
-- blanks the floor itself: one evaluation of the parse.
create or replace temp macro parse_time(s) as nullif(greatest(timestamp '1989-12-31 23:59:59',
    case
        when s is null then null
        when s like '____.__.__ __:__' then try_strptime(s, '%Y.%m.%d %H:%M')
        when s like '____-__-__ __:__:__' then try_strptime(s, '%Y-%m-%d %H:%M:%S')
        -- Shopify's shop-local time with its UTC offset (2024-03-14 11:48:22 -0400): the clock
        -- time as written, which DuckDB's cast gives in 2.0 and refuses in 1.5
        when s like '____-__-__ __:__:__ _____' and substr(s, 21, 1) in ('+', '-')
            then try_strptime(left(s, 19), '%Y-%m-%d %H:%M:%S')
        when s like '____-__-__' then try_strptime(s, '%Y-%m-%d')
        when s like '___-__-__' then try_strptime(s, '%b-%d-%y')
        -- eBay's dates with a time (Sep-14-26 01:39:56)
        when s like '___-__-__ __:__:__' then try_strptime(s, '%b-%d-%y %H:%M:%S')
        else coalesce(
            try_cast(translate(s, './', '--') as timestamp),
            try_strptime(s, [
                '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S.%f', '%b-%d-%y', '%b-%d-%Y',
                '%b %d, %Y', '%d %b %Y', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M',
                '%Y年%m月%d日', '%Y%m%d'
            ])
        )
    end), timestamp '1989-12-31 23:59:59');

-- A time in the store's local time zone `tz` (stores.toml's timezone, ingest --timezone). A
-- cell that names its UTC offset (2024-03-05T06:22:10Z, 2024-03-05 14:22:10 -0500) is converted
-- to that zone; without a zone every time is the clock time as written, offset or not (a
-- Shopify export writes the shop's own offset, so its clock times are the shop's already).
create or replace temp macro parse_local_time(s, tz) as
    case
        when tz is null or not regexp_matches(s, '[0-9]:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*(Z|[+-][0-9]{2}:?[0-9]{2})$')
            then parse_time(s)
        else nullif(greatest(timestamp '1989-12-31 23:59:59', timezone(tz, try_cast(
            regexp_replace(s, '\s*([+-][0-9]{2}):?([0-9]{2})$', '\1:\2') as timestamptz))),
            timestamp '1989-12-31 23:59:59')
    end;

-- Amounts such as $12.34, US $12.34, ¥1,280.00, 128.50. The common shapes skip the regex.
create or replace temp macro parse_amount(s) as
    case
        when s like 'US $%' then try_cast(trim(replace(s[5:], ',', '')) as decimal(18, 2))
        when s like '$%' then try_cast(trim(replace(s[2:], ',', '')) as decimal(18, 2))
        else coalesce(
            try_cast(s as decimal(18, 2)),
            -- one number in the cell, among currency signs or codes ("EUR 12.50", "12.50 元");
            -- a cell with two numbers ("1 x 12.34") is no amount at all
            try_cast(replace(nullif(regexp_extract(
                s, '^[^0-9.-]*(-?[0-9][0-9,]*(\.[0-9]+)?)[^0-9]*$', 1), ''), ',', '') as decimal(18, 2))
        )
    end;

-- Amounts in either decimal convention: 12.50 and 1,234.56, or 12,50 and 1.234,56 (eBay.de,
-- .fr, .it and many ERPs). A file's convention is decided once, over the distinct shapes of its
-- amount cells (stg_export_amount_shapes), and passed in as `mark`: '.' or ',', 'none' when no
-- value says which (then a 1,234 or 1.234 is left empty: guessing reads it 1000 times wrong),
-- 'mixed' when values say both (then each value is read as its own shape says).

-- The one number in an amount cell, signed, its separators as written: '-1.234,56' from
-- '(€1.234,56)'; '' or '-' when the cell holds no number or two ("1 x 12.34"). A space, NBSP or
-- apostrophe between digit groups ("1 234,56 EUR", "1'234.50") is a thousands separator.
create or replace temp macro amount_number(s) as
    case when s like '%-%' or (s like '%(%' and s like '%)%') then '-' else '' end
    || translate(regexp_extract(s,
        '^(?:[^0-9]*[^0-9.,]|[^0-9]*[A-Za-z][.,])?([0-9](?:[0-9., \x{00A0}\x{202F}''\x{2019}]*[0-9])?)[^0-9]*$', 1),
        '   ''’', '');

-- Which decimal mark a number (as amount_number gives it) proves: ',' or '.', '?' when it
-- could be either (one separator followed by three digits: 1,234 or 1.234), null when it has
-- no separator at all.
create or replace temp macro amount_mark(n) as
    case
        when n is null or (n not like '%.%' and n not like '%,%') then null  -- also '' and '-'
        when n like '%.%' and n like '%,%' then
            case when regexp_matches(n, ',[0-9]*$') then ',' else '.' end
        when n like '%,%,%' then '.'
        when n like '%.%.%' then ','
        when regexp_full_match(n, '-?[1-9][0-9]{0,2}[.,][0-9]{3}') then '?'
        when n like '%,%' then ','
        else '.'
    end;

-- A number read with the given decimal mark; '?' reads as null.
create or replace temp macro amount_read(n, mark) as
    case
        when mark = ',' then try_cast(replace(replace(n, '.', ''), ',', '.') as decimal(18, 2))
        when mark = '?' then null
        else try_cast(replace(n, ',', '') as decimal(18, 2))
    end;

-- The common shapes of each convention without a regex ($12.34, US $12.34, 128.50; 12,50,
-- €12,50, 1.234,56); null for any other shape.
create or replace temp macro amount_fast_dot(s) as
    case
        when s like 'US $%' then try_cast(trim(replace(s[5:], ',', '')) as decimal(18, 2))
        when s like '$%' then try_cast(trim(replace(s[2:], ',', '')) as decimal(18, 2))
        else try_cast(replace(s, ',', '') as decimal(18, 2))
    end;

create or replace temp macro amount_fast_comma(s) as
    case
        when s like '€%' then try_cast(trim(replace(replace(s[2:], '.', ''), ',', '.')) as decimal(18, 2))
        else try_cast(replace(replace(s, '.', ''), ',', '.') as decimal(18, 2))
    end;

-- An amount cell read in its file's convention `mark` (a constant: the branch is chosen once).
-- A CASE, not coalesce(): coalesce computes its every argument, the regex for every cell.
create or replace temp macro amount_in(s, mark) as
    case
        when mark = '.' then
            case when amount_fast_dot(s) is not null then amount_fast_dot(s)
                 else amount_read(amount_number(s), '.') end
        when mark = ',' then
            case when amount_fast_comma(s) is not null then amount_fast_comma(s)
                 else amount_read(amount_number(s), ',') end
        -- the number once (a macro argument is computed again wherever it is used)
        when s not like '%,%' and s not like '%.%' then try_cast(s as decimal(18, 2))
        else list_transform([amount_number(s)], lambda n: amount_read(n, amount_mark(n)))[1]
    end;

-- An amount cell left empty for want of a decimal convention: a 1,234 or 1.234 in a file
-- whose other values do not say which mark is the decimal one.
create or replace temp macro amount_ambiguous(s, mark) as
    s is not null and mark not in ('.', ',')
    and coalesce(amount_mark(list_transform([amount_number(s)], lambda n: n)[1]) = '?', false);

-- The currency an amount is written in, when it says so.
create or replace temp macro amount_currency(s) as
    case
        when s is null then null
        when s ilike '%R$%' or s ilike '%BRL%' then 'BRL'
        when s ilike '%AU $%' or s ilike '%AU$%' or s ilike '%AUD%' then 'AUD'
        when s ilike '%C $%' or s ilike '%CA$%' or s ilike '%CAD%' then 'CAD'
        when s like '%$%' or s ilike '%USD%' then 'USD'
        when s like '%¥%' or s like '%￥%' or s like '%元%' or s ilike '%CNY%' or s ilike '%RMB%'
            then 'CNY'
        when s like '%€%' or s ilike '%EUR%' then 'EUR'
        when s like '%£%' or s ilike '%GBP%' then 'GBP'
        else null
    end;

-- Quantities written in a multi-line AliExpress product cell: (产品数量: 2), Quantity: 2.
create or replace temp macro product_quantity(s) as
    list_sum(list_transform(
        regexp_extract_all(s, '(?i)(?:产品数量|数量|quantity|qty)\s*[:：]\s*(\d+)', 1),
        lambda q: q::bigint
    ));

-- Products in such a cell: one 【n】 block each.
create or replace temp macro product_count(s) as
    case when s is null then null
         else greatest(length(s) - length(replace(s, '【', '')), 1) end;

-- The key a raw status or reason is looked up by: full-width characters folded to half-width
-- (as the vocabulary's keys are), trimmed, lower-cased.
create or replace temp macro value_key(s) as
    lower(trim(translate(s,
        '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　',
        '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ')));

-- Metrics: the first day of the period a day counts in (metrics_bounds sets the variables):
-- its ISO week, its month, or the window's first day when the window is one period.
create or replace temp macro metrics_period_of(day) as
    case getvariable('metrics_period')
        when 'week' then date_trunc('week', day)
        when 'month' then date_trunc('month', day)
        else getvariable('metrics_lower')
    end::date;

-- The hash of an order's state (int_export_orders, and pipeline/reinterpret.py when the
-- vocabulary changes its codes): every field as text, nulls as chr(30) so that the hash is
-- stable and shifts cannot collide, joined by chr(31). A field added later joins only when it
-- has a value, so that the hash of an order without it is what it always was.
create or replace temp macro order_state_hash(fields, refunded, fulfillment, payment) as
    md5(array_to_string(list_transform(fields, lambda f: coalesce(f, chr(30))), chr(31))
        || coalesce(chr(31) || 'refunded:' || refunded::varchar, '')
        || coalesce(chr(31) || 'fulfillment:' || fulfillment, '')
        || coalesce(chr(31) || 'payment:' || payment, ''));

-- The fields order_state_hash reads, in its order, as text (item lines: their key and quantity).
create or replace temp macro order_state_fields(status, status_raw, created_at, paid_at,
        shipped_at, received_at, closed_at, ship_deadline, currency, product_amount, shipping_fee,
        discount, order_amount, buyer_hash, buyer_country, shipping_method, carrier,
        tracking_number, remark, close_reason_raw, cancel_reason_raw, close_cause, cancel_reason,
        item_count, quantity, product_info, lines_text) as
    [status::varchar, status_raw::varchar, created_at::varchar, paid_at::varchar,
     shipped_at::varchar, received_at::varchar, closed_at::varchar, ship_deadline::varchar,
     currency::varchar, product_amount::varchar, shipping_fee::varchar, discount::varchar,
     order_amount::varchar, buyer_hash::varchar, buyer_country::varchar,
     shipping_method::varchar, carrier::varchar, tracking_number::varchar, remark::varchar,
     close_reason_raw::varchar, cancel_reason_raw::varchar, close_cause::varchar,
     cancel_reason::varchar, item_count::varchar, quantity::varchar, product_info::varchar,
     lines_text::varchar];
