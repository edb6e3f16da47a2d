-- Value parsers shared by the staging models. Temporary, so read-only connections have them too.

-- A cell's text, or null when it is empty or a placeholder dash.
create or replace temp macro clean_text(s) as
    case
        when trim(s, ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(12288))
            in ('', '-', '--', '—', 'N/A', 'n/a', 'null', 'NULL', 'None')
            then null
        else trim(s, ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(12288))
    end;

-- Times as real exports write them: 2024.03.05 14:22, 2024-03-05 14:22:10, Mar-05-24, ...
create or replace temp macro parse_time(s) as
    try_strptime(s, [
        '%Y.%m.%d %H:%M', '%Y.%m.%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M',
        '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M',
        '%Y-%m-%d', '%Y.%m.%d', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y/%m/%d',
        '%b-%d-%y', '%b-%d-%Y', '%b %d, %Y', '%d %b %Y', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日'
    ]);

-- Amounts such as $12.34, US $12.34, ¥1,280.00, 128.50.
create or replace temp macro parse_amount(s) as
    try_cast(replace(regexp_replace(s, '[^0-9.,-]', '', 'g'), ',', '') as decimal(18, 2));

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
         else greatest(len(regexp_extract_all(s, '【\s*\d+\s*】')), 1) end;
