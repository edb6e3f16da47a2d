"""Metrics speed over a large history (SPEC section 6): `storehealth metrics` at 1 M to 10 M orders.

    .venv/bin/python benchmarks/bench_metrics.py               # 1 M, 5 M, 10 M orders, 5 runs each
    .venv/bin/python benchmarks/bench_metrics.py --sizes 1000000 --runs 3
    .venv/bin/python benchmarks/bench_metrics.py --rebuild     # regenerate the cached databases

Each history holds N orders of 50 stores (AliExpress, eBay, 1688) created over two years up to
Sunday 2024-06-02 (more of them lately; in the table roughly in order of creation, as
ingests append them), with the status, close-cause and cancel-reason shares of real stores, the
vocabulary's seller_fault rule, timestamps consistent with each status and a few late
shipments. It is generated in DuckDB SQL straight into `orders_current` (the ingest path would
take hours at 10 M) and cached as /tmp/storehealth-bench/metrics-<N>.duckdb, keyed by a version
string and the schema, so later runs skip generation.

Timed, as subprocesses of the real command line, wall time and peak RSS (/usr/bin/time):
  * `storehealth metrics --all --from <first day> --to <last day> --json`,
  * the same for one store (the largest),
  * `storehealth metrics --all --from <monday 52 weeks back> --to <sunday> --by week --json`
    ("not available" while the CLI refuses --by with exit 2),
  * `storehealth --help`: the start-up (Python imports) every command pays.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.database import connect, sql_text  # noqa: E402
from pipeline.migrations import SCHEMA_VERSION  # noqa: E402
from pipeline.vocabulary import canonical_codes  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "storehealth-bench"
CLI = ROOT / ".venv" / "bin" / "storehealth"
TIME = Path("/usr/bin/time")
# Bump when the generator changes: cached databases of another version are rebuilt.
GENERATOR_VERSION = "metrics-history-v3"

STORES = 50
DAYS = 730
LAST_DAY = date(2024, 6, 2)  # a Sunday, the day before the demo's "today"
FIRST_DAY = LAST_DAY - timedelta(days=DAYS - 1)
# Rows lie in the table roughly in order of creation, as the ingest appends them export by
# export (new and changed orders at the end): creation times drift by up to +-30 days.
JITTER_DAYS = 60
WEEK_FROM = LAST_DAY - timedelta(days=52 * 7 - 1)  # the Monday 52 weeks back
END = f"timestamp '{LAST_DAY.isoformat()} 23:59:00'"
START = f"timestamp '{FIRST_DAY.isoformat()} 00:00:00'"

# ----------------------------------------------------------------------------------------------
# Shares, as (value, weight). Close causes and cancel reasons use the codes of vocabulary.toml.
# ----------------------------------------------------------------------------------------------
CLOSED_SHARE = {"aliexpress": 0.22, "ebay": 0.07, "1688": 0.10}
LATE_SHARE = {"aliexpress": 0.02, "ebay": 0.03, "1688": 0.04}
CLOSE_CAUSES = {
    "aliexpress": [("payment_timeout", 40), ("buyer_cancelled_unpaid", 9), ("buyer_cancelled_paid", 32),
                   ("seller_ship_timeout", 4), ("risk_control", 5), ("dispute_refund", 8),
                   ("seller_cancelled", 1), ("other", 1)],
    "ebay": [("buyer_cancelled_paid", 45), ("buyer_cancelled_unpaid", 25), ("seller_cancelled", 30)],
    "1688": [("buyer_cancelled_unpaid", 40), ("buyer_cancelled_paid", 30), ("seller_cancelled", 20),
             ("other", 10)],
}
ALI_BUYER_REASONS = [
    ("buyer_changed_mind", 30), ("processing_time_too_long", 17), ("cannot_use_selected_shipping", 10),
    ("out_of_stock", 15), ("seller_raised_price", 7), ("seller_no_response", 4),
    ("ordered_by_mistake", 5), ("duplicate_order", 5), ("other", 7),
]
EBAY_BUYER_REASONS = [("buyer_asked", 40), ("found_cheaper_price", 25), ("ordered_by_mistake", 35)]
EBAY_SELLER_REASONS = [("out_of_stock", 60), ("address_issue", 40)]
# Raw spellings, as the exports write them (keys of vocabulary.toml).
ALI_STATUS_RAW = {
    "awaiting_payment": "等待买家付款", "awaiting_shipment": "等待您发货", "shipped": "等待买家收货",
    "completed": "订单结束", "cancel_requested": "买家申请取消", "in_dispute": "含纠纷的订单",
    "on_hold": "订单处于风控24小时中", "closed": "订单关闭",
}
STATUS_RAW_1688 = {
    "awaiting_payment": "等待买家付款", "awaiting_shipment": "等待卖家发货",
    "shipped": "等待买家确认收货", "completed": "交易成功", "closed": "交易关闭",
}
ALI_CLOSE_RAW = {
    "payment_timeout": "buyer_pay_timeout", "buyer_cancelled_unpaid": "buyer_cancel_notpay_order",
    "buyer_cancelled_paid": "buyer_cancel_order", "seller_ship_timeout": "seller_send_goods_timeout",
    "risk_control": "risk_reject_closed", "dispute_refund": "seller_accept_issue_no_goods_return",
    "seller_cancelled": "卖家取消订单", "other": "other",
}
CLOSE_RAW_1688 = {"buyer_cancelled_unpaid": "buyerCancel", "buyer_cancelled_paid": "buyerCancel",
                  "seller_cancelled": "sellerGoodsLack", "other": "other"}
CANCEL_RAW = {
    "buyer_changed_mind": "I do not want this order", "processing_time_too_long":
    "Processing time is out of my expectation", "seller_raised_price": "Seller raised price of this order",
    "seller_no_response": "Seller did not respond to my question", "cannot_use_selected_shipping":
    "Seller is unable to ship my order by selected shipping method", "out_of_stock": "Products out of stock",
    "ordered_by_mistake": "买家下错单", "duplicate_order": "买家重复下单", "other": "other reasons",
}
CANCEL_RAW_EBAY = {"buyer_asked": "BuyerCancelOrder", "found_cheaper_price": "FoundCheaperPrice",
                   "ordered_by_mistake": "OrderPlacedByMistake", "out_of_stock": "OutOfStock",
                   "address_issue": "AddressIssues"}
SHIPPING = {
    "aliexpress": [("AliExpress Standard Shipping", 45), ("Cainiao Super Economy", 25),
                   ("YANWEN Economic Air Mail", 15), ("DHL", 5), ("FedEx IE", 4), ("UPS Express Saver", 3),
                   ("EMS", 3)],
    "ebay": [("USPS Ground Advantage", 40), ("Economy Shipping from China", 30),
             ("eBay SpeedPAK Standard", 25), ("DHL Express", 5)],
    "1688": [("中通快递", 40), ("圆通速递", 30), ("顺丰速运", 20), ("德邦物流", 10)],
}
COUNTRIES = [("United States", 25), ("France", 10), ("Spain", 10), ("Brazil", 10), ("Poland", 8),
             ("Germany", 8), ("United Kingdom", 8), ("Korea", 6), ("Israel", 5), ("Mexico", 5),
             ("Netherlands", 5)]
PRODUCTS = ["Shower Head High Pressure Filter", "925 Sterling Silver Hoop Earrings",
            "Magnetic Phone Holder for Car Dashboard", "USB C Fast Charging Cable 2m",
            "LED Strip Lights 5m RGB", "Silicone Kitchen Utensil Set", "Wireless Earbuds Bluetooth 5.3",
            "Stainless Steel Water Bottle 750ml", "Cat Scratching Post Sisal", "Yoga Mat Non Slip 6mm",
            "Mechanical Keyboard Keycaps PBT", "Baby Bib Waterproof Silicone", "Bike Phone Mount Aluminium",
            "Hair Clips Claw Large", "Car Seat Gap Filler Organizer", "Portable Blender Rechargeable"]
COLORS = ["Black", "White", "Red", "Blue", "Green", "Pink", "Grey", "Gold"]
REMARKS = ["Please ship as soon as possible, it is a gift.",
           "Please pack it well, last time the box was broken.",
           "No invoice in the parcel please.", "Can you send the blue one instead?", "请尽快发货"]


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def pick(
    u: str, choices: list[tuple[str, float]] | dict[str, str] | list[str], key: str | None = None
) -> str:
    """A CASE expression choosing among weighted values with the uniform [0, 1) expression `u`;
    with a dict and `key`, a lookup of the SQL expression `key`."""
    if isinstance(choices, dict):
        whens = " ".join(f"when {sql_str(k)} then {sql_str(v)}" for k, v in choices.items())
        return f"(case {key} {whens} end)"
    if choices and isinstance(choices[0], str):
        choices = [(c, 1) for c in choices]
    total = sum(w for _, w in choices)
    whens, acc = [], 0.0
    for value, weight in choices[:-1]:
        acc += weight / total
        whens.append(f"when {u} < {acc:.6f} then {sql_str(value)}")
    return f"(case {' '.join(whens)} else {sql_str(choices[-1][0])} end)"


def by_platform(mapping: dict[str, str]) -> str:
    whens = " ".join(f"when {sql_str(p)} then {expr}" for p, expr in mapping.items())
    return f"(case platform {whens} end)"


def generator_sql(n: int) -> str:
    """`insert into orders_current` of n pseudo-random orders: every column from hash(i, k)."""
    def u(k: int) -> str:
        return f"u{k}"

    uniforms = ",\n        ".join(f"(hash(i, {k}) % 1000003) / 1000003.0 as u{k}" for k in range(1, 22))
    closed_share = by_platform({p: str(s) for p, s in CLOSED_SHARE.items()})
    late_share = by_platform({p: str(s) for p, s in LATE_SHARE.items()})
    cause = by_platform({p: pick(u(4), c) for p, c in CLOSE_CAUSES.items()})
    reason = f"""case
        when status <> 'closed' then null
        when platform = 'aliexpress' and close_cause in ('buyer_cancelled_paid', 'buyer_cancelled_unpaid')
            then {pick(u(5), ALI_BUYER_REASONS)}
        when platform = 'aliexpress' and close_cause = 'seller_cancelled'
            then {pick(u(5), [("out_of_stock", 70), ("other", 30)])}
        when platform = 'ebay' and close_cause = 'seller_cancelled' then {pick(u(5), EBAY_SELLER_REASONS)}
        when platform = 'ebay' then {pick(u(5), EBAY_BUYER_REASONS)}
        when platform = '1688' and close_cause = 'seller_cancelled' then 'out_of_stock'
        when platform = '1688' and close_cause = 'other' then 'other'
        when platform = '1688' then 'buyer_asked'
        end"""
    open_status = f"""case
        when age_days < 0.5 then case when {u(3)} < 0.3 then 'awaiting_payment' else 'awaiting_shipment' end
        when age_days < 5 then case
            when {u(3)} < 0.03 then 'awaiting_payment'
            when {u(3)} < 0.05 and platform = 'aliexpress' then 'on_hold'
            when {u(3)} < 0.55 then 'awaiting_shipment'
            else 'shipped' end
        when age_days < 45 then case
            when {u(3)} < 0.010 and platform = 'aliexpress' then 'in_dispute'
            when {u(3)} < 0.015 and platform <> '1688' then 'cancel_requested'
            when {u(3)} < 0.900 or platform = 'ebay' then 'shipped'
            else 'completed' end
        when {u(3)} < 0.001 and platform = 'aliexpress' then 'in_dispute'
        when platform = 'ebay' then 'shipped'
        else 'completed' end"""
    deadline_days = by_platform({"aliexpress": f"5 + floor({u(7)} * 3)::int",
                                 "ebay": f"1 + floor({u(7)} * 3)::int", "1688": "3"})
    shipping = by_platform({p: pick(u(12), s) for p, s in SHIPPING.items()})
    product = pick(u(13), PRODUCTS)
    ali_info = (f"'【1】 ' || {product} || '\n(产品属性: Color: ' || {pick(u(14), COLORS)} "
                "|| ')\n(商家编码: SKU-' || (hash(i, 30) % 5000) || ')\n(产品数量: ' || quantity "
                "|| ')\n(单价: $' || product_amount || ')'")
    fault_causes = "(select code from vocab_code where kind = 'close_cause' and seller_fault)"
    fault_reasons = "(select code from vocab_code where kind = 'cancel_reason' and seller_fault)"
    return f"""
insert into orders_current by name
with
base as (
    select
        i,
        {uniforms}
    from range({n}) t(i)
),
stored as (
    select base.*, s.store, s.platform, s.file_sha, s.store_idx + 1 as file_id,
        {START} + to_minutes(least({DAYS * 1440 - 1}, greatest(0,
            floor(pow((i + u2) / {n}, 0.8) * {DAYS * 1440} + (u21 - 0.5) * {JITTER_DAYS * 1440})))::bigint)
            as created_at
    from base
    join bench_stores s on s.store_idx = least({STORES - 1}, floor({STORES} * pow(u1, 1.6))::int)
),
aged as (
    select *, epoch({END} - created_at) / 86400 as age_days from stored
),
statused as (
    select *,
        case when u6 < {closed_share} then 'closed' else {open_status} end as status,
        {cause} as drawn_cause
    from aged
),
caused as (
    select * exclude (drawn_cause),
        case when status = 'closed' then drawn_cause end as close_cause,
        status not in ('awaiting_payment')
            and not (status = 'closed' and drawn_cause in ('payment_timeout', 'buyer_cancelled_unpaid'))
            as paid
    from statused
),
timed as (
    select *,
        case when paid then least({END}, created_at + to_minutes((1 + 600 * pow(u8, 3))::bigint)) end
            as paid_at
    from caused
),
deadlined as (
    select *,
        case when paid then date_trunc('day', paid_at) + to_days({deadline_days}) end as ship_deadline,
        status in ('shipped', 'completed', 'in_dispute')
            or (status = 'closed' and close_cause = 'dispute_refund') as shipped
    from timed
),
shipped as (
    select *,
        case when shipped then least({END},
            case when u9 < {late_share}
                 then ship_deadline + interval 1 day + to_minutes((u10 * 3 * 1440)::bigint)
                 else paid_at + to_minutes(
                     (u10 * 0.95 * epoch(ship_deadline + interval 1 day - paid_at) / 60)::bigint)
            end) end as shipped_at
    from deadlined
),
closed as (
    select *,
        case when status = 'completed' then least({END}, shipped_at + to_days(7 + floor(u11 * 23)::int)) end
            as received_at,
        case when status <> 'closed' then null
             else least({END}, case close_cause
                when 'payment_timeout' then created_at + to_minutes((1440 + u11 * 2880)::bigint)
                when 'buyer_cancelled_unpaid' then created_at + to_minutes((u11 * 1440)::bigint)
                when 'seller_ship_timeout'
                    then ship_deadline + interval 1 day + to_minutes((u11 * 600)::bigint)
                when 'dispute_refund' then shipped_at + to_days(15 + floor(u11 * 30)::int)
                when 'risk_control' then paid_at + to_minutes((u11 * 1440)::bigint)
                else paid_at + to_minutes((u11 * 4320)::bigint) end)
        end as closed_at,
        {reason} as cancel_reason,
        status = 'closed' and (
            (close_cause = 'payment_timeout' and u15 < 0.05)
            or (close_cause = 'seller_ship_timeout' and u15 < 0.10)) as cause_inferred
    from shipped
),
priced as (
    select *,
        case when platform = '1688' and u16 < 0.3 then 10 + floor(u17 * 190)::int
             else 1 + (u17 < 0.2)::int + (u17 < 0.05)::int end as quantity,
        case when u17 < 0.2 then 2 else 1 end as item_count,
        round((2 + 150 * pow(u16, 2)) * case platform when '1688' then 7 else 1 end, 2)::decimal(18, 2)
            as product_amount,
        case when u18 < 0.7 then 0 else round(1 + 10 * u18, 2) end::decimal(18, 2) as shipping_fee,
        {shipping} as shipping_method
    from closed
),
final as (
    select
        platform,
        store,
        case platform
            when 'aliexpress' then (8180000000000000 + i)::varchar
            when 'ebay'
                then printf('%02d-%05d-%05d', i // 10000000000 % 100, i // 100000 % 100000, i % 100000)
            else (3700000000000000000 + i)::varchar
        end as order_id,
        status,
        case platform
            when 'aliexpress' then {pick('0', ALI_STATUS_RAW, 'status')}
            when 'ebay' then case
                when status = 'closed' and paid then 'CANCEL_CLOSED_WITH_REFUND'
                when status = 'closed' then 'CANCEL_CLOSED_NO_REFUND'
                when status = 'cancel_requested' then 'CANCEL_REQUESTED' end
            else {pick('0', STATUS_RAW_1688, 'status')}
        end as status_raw,
        created_at, paid_at, shipped_at, received_at, closed_at, ship_deadline,
        case platform when 'aliexpress' then 'USD' when '1688' then 'CNY'
            else {pick(u(19), [("USD", 60), ("EUR", 20), ("GBP", 20)])} end as currency,
        product_amount,
        shipping_fee,
        case when u19 < 0.05 then round(product_amount * 0.1, 2) end as discount,
        product_amount + shipping_fee as order_amount,
        sha256('buyer-' || (hash(i, 20) % {max(n // 3, 1)})) as buyer_hash,
        {pick(u(20), COUNTRIES)} as buyer_country,
        shipping_method,
        case when shipped then split_part(shipping_method, ' ', 1) end as carrier,
        case when shipped then 'LP00' || lpad((hash(i, 31) % 1000000000)::varchar, 9, '0') end
            as tracking_number,
        item_count,
        quantity,
        case platform when 'aliexpress' then {ali_info} else {product} end as product_info,
        case when u14 < 0.12 then {pick(u(13), REMARKS)} end as remark,
        case platform
            when 'aliexpress' then {pick('0', ALI_CLOSE_RAW, 'close_cause')}
            when '1688' then {pick('0', CLOSE_RAW_1688, 'close_cause')}
        end as close_reason_raw,
        case platform when 'ebay' then {pick('0', CANCEL_RAW_EBAY, 'cancel_reason')}
                      when '1688' then {pick('0', CLOSE_RAW_1688, 'close_cause')}
                      else {pick('0', CANCEL_RAW, 'cancel_reason')} end as cancel_reason_raw,
        close_cause,
        cancel_reason,
        cause_inferred,
        coalesce(status = 'closed' and paid_at is not null and shipped_at is null
            and (close_cause in {fault_causes} or cancel_reason in {fault_reasons}), false) as seller_fault,
        least({END}, created_at + to_minutes((u15 * 28 * 1440)::bigint)) as first_seen_at,
        least({END}, created_at + interval 60 day) as last_seen_at,
        case when status = 'closed' then least({END}, greatest(closed_at, created_at + interval 3 day)) end
            as first_seen_closed_at,
        1 + floor(u18 * 3)::int as states_seen,
        file_id as last_file_id,
        strftime(least({END}, created_at + interval 60 day), '%Y%m%d%H%M%S') || '|' || file_sha
            as last_seen_key,
        md5('s' || i) as state_hash,
        md5('c' || i) as current_hash
    from priced
)
select * from final
"""


SHORT_NAME = {"aliexpress": "ali", "ebay": "ebay", "1688": "1688"}


def store_rows() -> list[tuple[int, str, str, str]]:
    """50 stores: 30 AliExpress, 10 eBay, 10 1688; lower indexes draw more orders."""
    rows = []
    for idx in range(STORES):
        platform = ("aliexpress", "aliexpress", "aliexpress", "ebay", "1688")[idx % 5]
        store = f"{SHORT_NAME[platform]}-{idx:02d}"
        rows.append((idx, store, platform, hashlib.sha256(store.encode()).hexdigest()))
    return rows


def version_key() -> str:
    """The generator version, the schema (and its version) and the generated SQL: any change
    rebuilds."""
    text = GENERATOR_VERSION + str(SCHEMA_VERSION) + sql_text("schema") + generator_sql(1)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_codes() -> None:
    codes = canonical_codes()
    used = {c for cs in CLOSE_CAUSES.values() for c, _ in cs}
    assert used <= set(codes["close_cause"]), used - set(codes["close_cause"])
    reasons = {r for r, _ in ALI_BUYER_REASONS + EBAY_BUYER_REASONS + EBAY_SELLER_REASONS}
    reasons |= {"out_of_stock", "other", "buyer_asked"}
    assert reasons <= set(codes["cancel_reason"]), reasons - set(codes["cancel_reason"])


def build_history(n: int, rebuild: bool) -> Path:
    """The cached database of n orders, generated when missing, stale or --rebuild."""
    CACHE.mkdir(exist_ok=True)
    db, stamp = CACHE / f"metrics-{n}.duckdb", CACHE / f"metrics-{n}.version"
    key = version_key()
    if not rebuild and db.exists() and stamp.exists() and stamp.read_text().strip() == key:
        return db
    check_codes()
    tmp = db.with_suffix(".building.duckdb")
    # The database and what lives beside it (.wal, the buyer-hash .salt file, ...).
    for path in [*CACHE.glob(f"{tmp.name}*"), *CACHE.glob(f"{db.name}*"), stamp]:
        path.unlink(missing_ok=True)
    started = time.perf_counter()
    print(f"generating {n:,} orders into {db} ...", end=" ", flush=True)
    con = connect(tmp)
    con.execute("set memory_limit = '4GB'")
    con.execute("set enable_progress_bar = false")
    con.execute(
        "create temp table bench_stores (store_idx int, store varchar, platform varchar, file_sha varchar)"
    )
    con.executemany("insert into bench_stores values (?, ?, ?, ?)", store_rows())
    con.execute(generator_sql(n))
    # the stores' files took ids 1..STORES: the next real ingest must get the one after
    con.execute(f"select nextval('ingested_file_ids') from range({STORES})").fetchall()
    con.execute(f"""
        insert into ingested_files by name
        select s.store_idx + 1 as file_id, '/bench/' || s.store || '/orders.xlsx' as path,
               s.file_sha as sha256, s.platform, s.store, count(*) as rows_read,
               count(*) as orders_in_file, count(*) as rows_new, 0 as rows_updated,
               0 as rows_unchanged, 0 as rows_rejected, min(o.created_at)::date as first_order_date,
               max(o.created_at)::date as last_order_date, {END} as exported_at,
               'bench generator' as exported_at_source, now() as ingested_at
        from bench_stores s join orders_current o using (store)
        group by all""")
    con.execute("checkpoint")
    con.close()
    for path in CACHE.glob(f"{tmp.name}*"):
        path.rename(CACHE / (db.name + path.name[len(tmp.name):]))
    stamp.write_text(key + "\n")
    print(f"{time.perf_counter() - started:.0f} s, {db.stat().st_size / 2**20:,.0f} MiB", flush=True)
    return db


def describe(db: Path) -> tuple[str, str]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        orders, closed, fault, late, weeks = con.execute(f"""
            select count(*), avg((status = 'closed')::int), avg(seller_fault::int),
                   count(*) filter (where shipped_at >= date_trunc('day', ship_deadline) + interval 1 day)
                       / count(shipped_at),
                   count(distinct date_trunc('week', created_at))
                       filter (where created_at >= date '{WEEK_FROM}')
            from orders_current""").fetchone()
        stores = con.execute("select count(*) from ingested_files").fetchone()[0]
        biggest = con.execute(
            "select store from orders_current group by store order by count(*) desc limit 1").fetchone()[0]
    finally:
        con.close()
    return (f"{orders:,} orders, {stores} stores, {closed:.1%} closed, {fault:.2%} seller's fault, "
            f"{late:.1%} of shipments late, {weeks} weeks with orders in the last 52"), biggest


def run_cli(args: list[str]) -> dict:
    """One run of the command line: exit status, wall seconds, peak RSS (MiB) of that child.

    Peak RSS comes from /usr/bin/time: Linux starts a child's ru_maxrss at its parent's RSS
    (fork and exec keep the high-water mark), so os.wait4 here would report this script's
    own size once it has generated a database. Without /usr/bin/time, wait4 is the fallback.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        command = [str(CLI), *args]
        if TIME.exists():
            command = [str(TIME), "-q", "-f", "%M", "-o", rss.name, *command]
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_kib = usage.ru_maxrss
        if TIME.exists():
            lines = rss.read().split()
            peak_kib = int(lines[-1]) if lines and lines[-1].isdigit() else peak_kib
        out.seek(0)
        err.seek(0)
        return {"rc": proc.returncode, "seconds": seconds, "peak_mib": peak_kib / 1024,
                "stdout": out.read().decode(), "stderr": err.read().decode()}


def median_runs(runs: int, args: list[str], *, allow_usage_error: bool = False) -> dict | None:
    results = []
    for _ in range(runs):
        res = run_cli(args)
        if res["rc"] == 2 and allow_usage_error:
            return None
        if res["rc"] != 0:
            raise SystemExit(f"storehealth {' '.join(args)} exited {res['rc']}:\n{res['stderr']}")
        results.append(res)
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_mib": max(r["peak_mib"] for r in results),
        "best": min(r["seconds"] for r in results),
        "all": [round(r["seconds"], 2) for r in results],
        "stdout": results[0]["stdout"],
    }


def timing(res: dict) -> str:
    return (f"median {res['seconds']:.2f} s (best {res['best']:.2f}), peak {res['peak_mib']:.0f} MiB, "
            f"runs {res['all']}")


def label(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 100_000 else f"{n:,}"


def fmt(res: dict | None, key: str, spec: str) -> str:
    return "n/a" if res is None else format(res[key], spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,5000000,10000000",
                        help="comma-separated order counts (default: 1 M, 5 M, 10 M)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached databases")
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())

    dbs = {}
    for n in sizes:
        dbs[n] = build_history(n, args.rebuild)
    print(f"{STORES} stores, orders created {FIRST_DAY} to {LAST_DAY}; medians of {args.runs} runs "
          "(on a shared 2-core machine other work adds noise: compare the best runs too)", flush=True)

    startup = median_runs(args.runs, ["--help"])
    print(f"start-up alone (storehealth --help): {timing(startup)}", flush=True)

    rows = []
    for n in sizes:
        db = str(dbs[n])
        summary, biggest = describe(dbs[n])
        print(f"\n{n:,}: {summary}", flush=True)
        window = ["--from", FIRST_DAY.isoformat(), "--to", LAST_DAY.isoformat(), "--json", "--db", db]
        all_stores = median_runs(args.runs, ["metrics", "--all", *window])
        figures = json.loads(all_stores["stdout"])
        print(f"  metrics --all, {FIRST_DAY} to {LAST_DAY}: {timing(all_stores)}", flush=True)
        print(f"    (orders {figures['orders']:,}, sold-not-shipped rate "
              f"{figures['sold_not_shipped']['rate']:.4f}, late-shipment rate "
              f"{figures['late_shipment']['rate']:.4f})", flush=True)
        one = median_runs(args.runs, ["metrics", "--store", biggest, *window])
        print(f"  metrics --store {biggest} (the largest), same range: {timing(one)}", flush=True)
        weeks = ["metrics", "--all", "--from", WEEK_FROM.isoformat(), "--to", LAST_DAY.isoformat(),
                 "--by", "week", "--json", "--db", db]
        weekly = median_runs(args.runs, weeks, allow_usage_error=True)
        if weekly is None:
            print("  by week: not available (the CLI refuses --by: exit 2)", flush=True)
        else:
            objects = json.loads(weekly["stdout"])
            print(f"  metrics --all --by week, {WEEK_FROM} to {LAST_DAY} ({len(objects)} weeks): "
                  f"{timing(weekly)}", flush=True)
        rows.append((n, all_stores, one, weekly))

    print(f"\n{'orders':>12}{'metrics s':>11}{'one store s':>13}{'by week s':>11}{'peak MiB':>10}"
          f"{'by week MiB':>13}")
    for n, all_stores, one, weekly in rows:
        peak = max(all_stores["peak_mib"], one["peak_mib"])
        print(f"{n:>12,}{all_stores['seconds']:>11.2f}{one['seconds']:>13.2f}"
              f"{fmt(weekly, 'seconds', '.2f'):>11}{peak:>10.0f}{fmt(weekly, 'peak_mib', '.0f'):>13}")
    print(f"(start-up alone, storehealth --help: {startup['seconds']:.2f} s of each figure above)")
    if len(rows) > 1:
        (n0, a0, o0, w0), (n1, a1, o1, w1) = rows[0], rows[-1]
        print(f"growth {label(n1)}/{label(n0)}: metrics {a1['seconds'] / a0['seconds']:.1f}x, "
              f"one store {o1['seconds'] / o0['seconds']:.1f}x"
              + (f", by week {w1['seconds'] / w0['seconds']:.1f}x" if w0 and w1 else ", by week n/a")
              + f" (linear growth would be {n1 / n0:.0f}x)")
    n, all_stores, one, weekly = rows[-1]
    peak = max(all_stores["peak_mib"], one["peak_mib"], weekly["peak_mib"] if weekly else 0)
    print(f"at {n:,} orders: metrics --json {all_stores['seconds']:.2f} s (target < 1 s), "
          f"by week {fmt(weekly, 'seconds', '.2f')} s (target < 1 s), "
          f"peak {peak:.0f} MiB (target < 2048)")


if __name__ == "__main__":
    main()
