"""History semantics (SPEC section 3): one rule per test, real files, expected values by hand."""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.builders import ALI_HEADERS, ali_row, table_contents, write_ali, write_rows
from tests.builders import ali_row as ali_order
from tests.conftest import BACKENDS, history_on

# Order ids as AliExpress writes them.
A1, A2, A3, A4, A5, A6, A7 = (f"810000000000000{n}" for n in range(1, 8))

# The buyer personal data of tests/builders.py defaults, and of a second buyer.
PERSONAL_DATA = [
    "Maria Gonzalez", "Gonzalez", "maria.g@example.com", "maria.g", "Calle Mayor", "Madrid",
    "+34 600 123 456", "600 123 456", "+34 600 654 321", "600 654 321",
    "Li Wei", "li.wei@example.cn", "建国路88号", "北京市朝阳区", "138 0013 8000", "139 0013 9000",
]  # fmt: skip


def flat(text: str) -> str:
    """CLI output with rich's line wrapping undone."""
    return " ".join(text.split())


def ingest(cli, *paths: Path, store: str = "s1", extra: tuple[str, ...] = (), db: Path | None = None):
    result = cli("ingest", *paths, "--store", store, *extra, db=db)
    assert result.exit_code == 0, result.output
    return result


def status_json(cli, *args: str) -> dict:
    result = cli("status", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def store_of(report: dict, name: str) -> dict:
    (found,) = [s for s in report["stores"] if s["store"] == name]
    return found


def contents(query, table: str, exclude: tuple[str, ...] = ()) -> list[tuple]:
    """Every row of a table, sorted, without the columns named in `exclude`."""
    skip = f" exclude ({', '.join(exclude)})" if exclude else ""
    return query(f'select *{skip} from "{table}" order by all')


def whole_database(query) -> dict[str, list[tuple]]:
    tables = query("select table_name from information_schema.tables where table_schema = 'main' order by 1")
    return {t: contents(query, t) for (t,) in tables}


def reader(db: Path):
    def run(sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    return run


def write_ali_without(path: Path, rows: list[list[str]], drop: set[str]) -> Path:
    """An AliExpress export lacking some columns (older exports have no reason columns)."""
    keep = [i for i, h in enumerate(ALI_HEADERS) if h not in drop]
    return write_rows(path, [ALI_HEADERS[i] for i in keep], [[r[i] for i in keep] for r in rows])


@pytest.fixture(params=BACKENDS)
def db_path(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch) -> Path | str:
    """Every history rule holds on each backend: the file, and a lake on either catalog."""
    return history_on(request.param, request, tmp_path, monkeypatch)


# --- re-ingesting -------------------------------------------------------------------------------


def test_reingesting_the_same_file_changes_nothing_and_says_so(tmp_path: Path, cli, query) -> None:
    path = write_ali(
        tmp_path / "orders.xlsx",
        [
            ali_row(id=A1, status="等待您发货", created="2024.03.05 14:22", paid="2024.03.05 14:30"),
            ali_row(id=A2, status="订单关闭", created="2024.03.06 10:00", paid="2024.03.06 10:05",
                    cancel_reason="商品缺货"),
            ali_row(id=A3, status="等待您发货", created="not a date"),
        ],
    )  # fmt: skip
    ingest(cli, path)
    before = whole_database(query)
    assert len(before["orders_current"]) == 2 and len(before["rejected_rows"]) == 1

    again = ingest(cli, path)

    assert "already ingested" in flat(again.output)
    assert whole_database(query) == before


def test_a_renamed_copy_is_recognised_by_its_sha256(tmp_path: Path, cli, query) -> None:
    path = write_ali(
        tmp_path / "orders.xls",
        [ali_row(id=A1, status="等待您发货", created="2024.03.05 14:22", paid="2024.03.05 14:30")],
    )
    ingest(cli, path)
    before = whole_database(query)
    copy = tmp_path / "elsewhere" / "ali-main 2024-03 (1).xls"
    copy.parent.mkdir()
    shutil.copyfile(path, copy)

    again = ingest(cli, copy)

    assert "already ingested" in flat(again.output)
    assert whole_database(query) == before
    assert query("select path from ingested_files") == [(str(path.resolve()),)]


# --- overlapping and rolling exports ------------------------------------------------------------


def test_overlapping_exports_deduplicate(tmp_path: Path, cli, query) -> None:
    shared = [
        ali_row(id=A2, status="等待您发货", created="2024.03.02 09:00", paid="2024.03.02 09:05"),
        ali_row(id=A3, status="等待买家付款", created="2024.03.03 09:00"),
    ]
    first = write_ali(
        tmp_path / "march-1.xlsx",
        [ali_row(id=A1, status="等待您发货", created="2024.03.01 09:00", paid="2024.03.01 09:05"), *shared],
    )
    second = write_ali(
        tmp_path / "march-2.xlsx",
        [
            *shared,
            ali_row(id=A4, status="等待买家付款", created="2024.03.04 09:00"),
            ali_row(id=A5, status="等待买家付款", created="2024.03.05 09:00"),
        ],
    )
    ingest(cli, first, second)

    assert query("select count(*), count(distinct order_id) from orders_current") == [(5, 5)]
    # The two orders both exports hold in the same state are one snapshot each.
    assert query("select count(*) from order_snapshots") == [(5,)]


def test_an_order_absent_from_a_later_export_is_kept_unchanged(tmp_path: Path, cli, query) -> None:
    january = write_ali(
        tmp_path / "january.xls",
        [
            ali_row(id=A1, status="订单结束", created="2024.01.03 09:00", paid="2024.01.03 09:10",
                    shipped="2024.01.05 15:00", received="2024.01.20 11:00", tracking="Cainiao:LP001"),
            ali_row(id=A2, status="等待您发货", created="2024.01.25 09:00", paid="2024.01.25 09:10"),
        ],
    )  # fmt: skip
    april = write_ali(
        tmp_path / "april.xls",
        [
            ali_row(id=A2, status="等待买家收货", created="2024.01.25 09:00", paid="2024.01.25 09:10",
                    shipped="2024.01.27 10:00"),
            ali_row(id=A3, status="等待您发货", created="2024.04.20 09:00", paid="2024.04.20 09:10"),
        ],
    )  # fmt: skip
    ingest(cli, january)
    first = query(f"select * from orders_current where order_id = '{A1}'")
    ingest(cli, april)

    assert query(f"select * from orders_current where order_id = '{A1}'") == first
    assert query("select order_id, status from orders_current order by 1") == [
        (A1, "completed"), (A2, "shipped"), (A3, "awaiting_shipment"),
    ]  # fmt: skip


@pytest.mark.parametrize("ingest_order", ["chronological", "reversed"])
def test_the_latest_export_wins(tmp_path: Path, cli, query, ingest_order: str) -> None:
    earlier = write_ali(
        tmp_path / "earlier.xlsx",
        [ali_row(id=A1, status="等待您发货", created="2024.03.05 14:22", paid="2024.03.05 14:30",
                 deadline="2024-03-12")],
    )  # fmt: skip
    later = write_ali(
        tmp_path / "later.xlsx",
        [ali_row(id=A1, status="等待买家收货", created="2024.03.05 14:22", paid="2024.03.05 14:30",
                 deadline="2024-03-12", shipped="2024.03.08 09:00", tracking="Cainiao:LP00123456789")],
    )  # fmt: skip
    files = [earlier, later] if ingest_order == "chronological" else [later, earlier]
    for path in files:
        ingest(cli, path)

    assert query("select status, shipped_at, carrier, tracking_number, states_seen from orders_current") == [
        ("shipped", datetime(2024, 3, 8, 9, 0), "Cainiao", "LP00123456789", 2)
    ]


def _three_exports(tmp_path: Path) -> list[Path]:
    """Three weekly exports of one store, orders moving on between them. No buyer: each
    database salts the buyer hash with its own random salt."""

    def ali_row(**values: str) -> list[str]:
        return ali_order(buyer="", email="", **values)

    # A7: the buyer asks to cancel in week 2, the seller refuses: week 3 shows week 1's state again.
    awaiting_a7 = ali_row(id=A7, status="等待您发货", created="2024.03.04 11:00", paid="2024.03.04 11:05",
                          deadline="2024-03-11")  # fmt: skip
    week1 = write_ali(
        tmp_path / "week1.xlsx",
        [
            ali_row(id=A1, status="等待买家付款", created="2024.03.01 10:00"),
            ali_row(id=A2, status="等待您发货", created="2024.03.02 10:00", paid="2024.03.02 10:05",
                    deadline="2024-03-09"),
            ali_row(id=A3, status="等待您发货", created="2024.03.03 10:00", paid="2024.03.03 10:05",
                    deadline="2024-03-10", remark="please gift wrap"),
            ali_row(id=A4, status="订单关闭", created="2024.03.04 10:00", close_reason="买家付款超时",
                    closed="2024.03.05 10:00"),
            awaiting_a7,
        ],
    )  # fmt: skip
    week2 = write_ali(
        tmp_path / "week2.xls",
        [
            ali_row(id=A1, status="订单关闭", created="2024.03.01 10:00", closed="2024.03.06 10:00"),
            ali_row(id=A2, status="等待买家收货", created="2024.03.02 10:00", paid="2024.03.02 10:05",
                    deadline="2024-03-09", shipped="2024.03.08 12:00", tracking="Cainiao:LP0001"),
            ali_row(id=A3, status="订单关闭", created="2024.03.03 10:00", paid="2024.03.03 10:05",
                    deadline="2024-03-10", close_reason="卖家发货超时", closed="2024.03.11 10:00"),
            ali_row(id=A5, status="等待您发货", created="2024.03.11 10:00", paid="2024.03.11 10:05",
                    deadline="2024-03-18"),
            ali_row(id=A7, status="买家申请取消", created="2024.03.04 11:00", paid="2024.03.04 11:05",
                    deadline="2024-03-11"),
        ],
    )  # fmt: skip
    week3 = write_ali(
        tmp_path / "week3.csv",
        [
            ali_row(id=A2, status="订单结束", created="2024.03.02 10:00", paid="2024.03.02 10:05",
                    deadline="2024-03-09", shipped="2024.03.08 12:00", tracking="Cainiao:LP0001",
                    received="2024.03.18 09:00", close_reason="buyer_accept_goods"),
            ali_row(id=A3, status="订单关闭", created="2024.03.03 10:00", paid="2024.03.03 10:05",
                    deadline="2024-03-10", cancel_reason="您无法使用买家选择物流方式发货"),
            ali_row(id=A5, status="等待买家收货", created="2024.03.11 10:00", paid="2024.03.11 10:05",
                    deadline="2024-03-18", shipped="2024.03.20 10:00", tracking="YANWEN:UG1"),
            ali_row(id=A6, status="等待买家付款", created="2024.03.19 10:00"),
            awaiting_a7,
        ],
        encoding="gbk",
    )  # fmt: skip
    return [week1, week2, week3]


def test_any_ingest_order_gives_the_same_history(tmp_path: Path, cli) -> None:
    exports = _three_exports(tmp_path)
    histories = []
    for n, permutation in enumerate(itertools.permutations(exports)):
        db = tmp_path / f"history-{n}.duckdb"
        ingest(cli, *permutation, db=db)
        read = reader(db)
        histories.append(
            (
                contents(read, "orders_current", exclude=("last_file_id",)),
                contents(read, "order_snapshots", exclude=("first_file_id", "last_file_id")),
            )
        )
        if n == 0:
            assert read(
                "select order_id, status, close_cause, cause_inferred, cancel_reason, seller_fault, "
                "remark from orders_current order by 1"
            ) == [
                (A1, "closed", "payment_timeout", True, None, False, None),
                (A2, "completed", None, False, None, False, None),
                (A3, "closed", "seller_ship_timeout", False, "cannot_use_selected_shipping", True,
                 "please gift wrap"),
                (A4, "closed", "payment_timeout", False, None, False, None),
                (A5, "shipped", None, False, None, False, None),
                (A6, "awaiting_payment", None, False, None, False, None),
                (A7, "awaiting_shipment", None, False, None, False, None),
            ]  # fmt: skip
    assert len(histories) == 6
    for other in histories[1:]:
        assert other[0] == histories[0][0]
        assert other[1] == histories[0][1]


# --- a later export lacking a value ---------------------------------------------------------------


def _closed_with_reasons(**extra: str) -> list[str]:
    return ali_row(id=A1, status="订单关闭", created="2024.03.01 10:00", paid="2024.03.01 10:05",
                   remark="gift, no invoice", **extra)  # fmt: skip


@pytest.mark.parametrize("ingest_order", ["chronological", "reversed"])
def test_an_empty_cell_in_a_later_export_keeps_the_earlier_value(
    tmp_path: Path, cli, query, ingest_order: str
) -> None:
    earlier = write_ali(
        tmp_path / "earlier.xlsx",
        [
            _closed_with_reasons(
                close_reason="卖家取消订单", cancel_reason="商品缺货", closed="2024.03.03 08:00"
            )
        ],
    )
    later = write_ali(
        tmp_path / "later.xlsx",
        [ali_row(id=A1, status="订单关闭", created="2024.03.01 10:00", paid="2024.03.01 10:05")],
    )
    runs = [(earlier, "2024-03-10"), (later, "2024-03-20")]
    for path, exported in runs if ingest_order == "chronological" else runs[::-1]:
        ingest(cli, path, extra=("--exported-at", exported))

    assert query(
        "select status, close_cause, cause_inferred, cancel_reason, close_reason_raw, "
        "cancel_reason_raw, closed_at, remark, seller_fault from orders_current"
    ) == [
        ("closed", "seller_cancelled", False, "out_of_stock", "卖家取消订单", "商品缺货",
         datetime(2024, 3, 3, 8, 0), "gift, no invoice", True),
    ]  # fmt: skip


def test_a_column_absent_from_a_later_export_keeps_the_earlier_value(tmp_path: Path, cli, query) -> None:
    earlier = write_ali(
        tmp_path / "with-reasons.xlsx",
        [
            _closed_with_reasons(
                close_reason="卖家取消订单", cancel_reason="商品缺货", closed="2024.03.03 08:00"
            )
        ],
    )
    later = write_ali_without(
        tmp_path / "older-layout.xls",
        [_closed_with_reasons()],
        drop={"订单关闭原因", "取消原因", "关闭时间", "订单备注"},
    )
    ingest(cli, earlier, extra=("--exported-at", "2024-03-10"))
    ingest(cli, later, extra=("--exported-at", "2024-03-20"))

    assert query(
        "select status, close_cause, cause_inferred, cancel_reason, close_reason_raw, "
        "cancel_reason_raw, closed_at, remark, seller_fault, last_seen_at from orders_current"
    ) == [
        ("closed", "seller_cancelled", False, "out_of_stock", "卖家取消订单", "商品缺货",
         datetime(2024, 3, 3, 8, 0), "gift, no invoice", True, datetime(2024, 3, 20)),
    ]  # fmt: skip


# --- export time -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [("2024-03-20T09:15", datetime(2024, 3, 20, 9, 15)), ("2024-03-21", datetime(2024, 3, 21, 0, 0))],
)
def test_exported_at_is_the_given_time(tmp_path: Path, cli, query, given: str, expected: datetime) -> None:
    path = write_ali(
        tmp_path / "orders.xlsx",
        [ali_row(id=A1, status="等待您发货", created="2024.03.05 14:22", paid="2024.03.05 14:30")],
    )
    ingest(cli, path, extra=("--exported-at", given))

    assert query("select exported_at, exported_at_source from ingested_files") == [(expected, "given")]
    assert query("select first_seen_at, last_seen_at from order_snapshots") == [(expected, expected)]


@pytest.mark.parametrize("latest", ["created", "paid", "shipped", "received", "closed"])
def test_exported_at_defaults_to_the_latest_event_time(tmp_path: Path, cli, query, latest: str) -> None:
    # The other order's ship deadline lies later still: deadlines do not count.
    events = {"created": "2024.03.02 08:00", "paid": "2024.03.02 08:10", "shipped": "2024.03.04 09:00",
              "received": "2024.03.09 10:00", "closed": "2024.03.10 11:00"}  # fmt: skip
    events[latest] = "2024.03.15 16:45"
    status = "订单关闭" if latest == "closed" else "订单结束"
    if latest == "closed":
        events.pop("received")
    path = write_ali(
        tmp_path / "orders.xlsx",
        [
            ali_row(id=A1, status="等待您发货", created="2024.03.01 10:00", paid="2024.03.01 10:05",
                    deadline="2024-04-30"),
            ali_row(id=A2, status=status, **events),
        ],
    )  # fmt: skip
    ingest(cli, path)

    assert query("select exported_at, exported_at_source from ingested_files") == [
        (datetime(2024, 3, 15, 16, 45), "latest event in file")
    ]


# --- one file, one transaction ---------------------------------------------------------------------


def test_the_same_order_twice_with_identical_content_counts_once(tmp_path: Path, cli, query) -> None:
    row = ali_row(id=A1, status="等待您发货", created="2024.03.05 14:22", paid="2024.03.05 14:30")
    path = write_ali(
        tmp_path / "orders.xlsx",
        [row, ali_row(id=A2, status="等待买家付款", created="2024.03.06 09:00"), list(row)],
    )
    ingest(cli, path)

    assert query("select count(*) from orders_current") == [(2,)]
    assert query("select count(*) from order_snapshots") == [(2,)]
    assert query(
        "select rows_read, orders_in_file, rows_new, rows_updated, rows_unchanged, rows_rejected "
        "from ingested_files"
    ) == [(3, 2, 2, 0, 0, 0)]


def test_the_same_order_twice_with_different_states_refuses_the_file(tmp_path: Path, cli, query) -> None:
    path = write_ali(
        tmp_path / "orders.xlsx",
        [
            ali_row(id=A1, status="等待您发货", created="2024.03.05 14:22", paid="2024.03.05 14:30"),
            ali_row(id=A2, status="等待买家付款", created="2024.03.06 09:00"),
            ali_row(id=A1, status="等待买家收货", created="2024.03.05 14:22", paid="2024.03.05 14:30",
                    shipped="2024.03.07 10:00"),
        ],
    )  # fmt: skip
    result = cli("ingest", path, "--store", "s1")

    assert result.exit_code == 1
    message = flat(result.output)
    assert A1 in message and "row 2" in message and "row 4" in message
    assert query("select count(*) from orders_current") == [(0,)]
    assert query("select count(*) from ingested_files") == [(0,)]


@pytest.mark.parametrize(("suffix", "encoding"), [(".xls", "utf-8-sig"), (".csv", "gbk")])
def test_unreadable_rows_are_kept_with_row_number_and_reason(
    tmp_path: Path, cli, query, suffix: str, encoding: str
) -> None:
    path = write_ali(
        tmp_path / f"orders{suffix}",
        [
            ali_row(id=A1, status="等待您发货", created="2024.03.05 14:22", paid="2024.03.05 14:30"),
            ali_row(id=A2, status="等待您发货", created="2024.13.45 10:00"),
            ali_row(id=A3, status="等待您发货", created="2024.03.06 10:00", amount="US $abc"),
            ali_row(id="", status="等待您发货", created="2024.03.06 11:00"),
            ali_row(id=A5, status="等待买家付款", created="2024.03.07 10:00"),
        ],
        encoding=encoding,
    )
    result = ingest(cli, path)

    assert query("select order_id from orders_current order by 1") == [(A1,), (A5,)]
    rejected = query(
        "select f.path, r.row_number, r.order_id, r.reason from rejected_rows r "
        "join ingested_files f using (file_id) order by r.row_number"
    )
    assert [(p, n, o) for p, n, o, _ in rejected] == [
        (str(path.resolve()), 3, A2), (str(path.resolve()), 4, A3), (str(path.resolve()), 5, None),
    ]  # fmt: skip
    reasons = [r for *_, r in rejected]
    assert "2024.13.45 10:00" in reasons[0] and "date" in reasons[0]
    assert "US $abc" in reasons[1] and "amount" in reasons[1]
    assert "order id" in reasons[2]
    assert query("select rows_read, rows_new, rows_rejected from ingested_files") == [(5, 2, 3)]
    output = flat(result.output)
    assert "row 3" in output and "row 4" in output and "row 5" in output


def test_strict_refuses_a_file_with_an_unreadable_row_and_leaves_the_history_unchanged(
    tmp_path: Path, cli, query
) -> None:
    good = write_ali(
        tmp_path / "good.xlsx",
        [ali_row(id=A1, status="等待您发货", created="2024.03.05 14:22", paid="2024.03.05 14:30")],
    )
    ingest(cli, good)
    before = whole_database(query)
    bad = write_ali(
        tmp_path / "bad.xlsx",
        [
            ali_row(id=A1, status="等待买家收货", created="2024.03.05 14:22", paid="2024.03.05 14:30",
                    shipped="2024.03.07 10:00"),
            ali_row(id=A2, status="等待您发货", created="yesterday"),
        ],
    )  # fmt: skip
    result = cli("ingest", bad, "--store", "s1", "--strict")

    assert result.exit_code == 1
    assert "row 3" in flat(result.output)
    assert whole_database(query) == before


# --- what is recorded ---------------------------------------------------------------------------------


def test_ingested_files_records_the_file(tmp_path: Path, cli, query) -> None:
    path = write_ali(
        tmp_path / "orders.xls",
        [
            ali_row(id=A1, status="等待买家付款", created="2024.03.01 09:00"),
            ali_row(id=A2, status="等待您发货", created="2024.03.03 10:00", paid="2024.03.03 10:05"),
            ali_row(id=A3, status="等待买家收货", created="2024.03.07 10:00", paid="2024.03.07 10:05",
                    shipped="2024.03.08 17:30"),
            ali_row(id=A4, status="等待您发货", created="2024.02.30 10:00"),
        ],
    )  # fmt: skip
    ingest(cli, path, store="ali-main")

    assert query(
        "select path, sha256, platform, store, rows_read, orders_in_file, rows_new, rows_updated, "
        "rows_unchanged, rows_rejected, first_order_date, last_order_date, exported_at, "
        "exported_at_source, ingested_at is not null from ingested_files"
    ) == [
        (str(path.resolve()), hashlib.sha256(path.read_bytes()).hexdigest(), "aliexpress", "ali-main",
         4, 3, 3, 0, 0, 1, date(2024, 3, 1), date(2024, 3, 7), datetime(2024, 3, 8, 17, 30),
         "latest event in file", True),
    ]  # fmt: skip


def test_new_updated_and_unchanged_counts_across_two_exports(tmp_path: Path, cli, query) -> None:
    first = write_ali(
        tmp_path / "first.xlsx",
        [
            ali_row(id=A1, status="等待买家付款", created="2024.03.01 09:00"),
            ali_row(id=A2, status="等待您发货", created="2024.03.02 09:00", paid="2024.03.02 09:05"),
            ali_row(id=A3, status="等待您发货", created="2024.03.03 09:00", paid="2024.03.03 09:05"),
        ],
    )
    second = write_ali(
        tmp_path / "second.xlsx",
        [
            ali_row(id=A2, status="等待您发货", created="2024.03.02 09:00", paid="2024.03.02 09:05"),
            ali_row(id=A3, status="等待买家收货", created="2024.03.03 09:00", paid="2024.03.03 09:05",
                    shipped="2024.03.05 12:00"),
            ali_row(id=A4, status="等待买家付款", created="2024.03.06 09:00"),
        ],
    )  # fmt: skip
    ingest(cli, first)
    result = ingest(cli, second)

    assert query(
        "select rows_read, orders_in_file, rows_new, rows_updated, rows_unchanged, rows_rejected "
        "from ingested_files order by file_id"
    ) == [(3, 3, 3, 0, 0, 0), (3, 3, 1, 1, 1, 0)]
    assert "1 new, 1 updated, 1 unchanged" in flat(result.output)
    assert query("select count(*) from orders_current") == [(4,)]


# --- buyer personal data -------------------------------------------------------------------------------


def _ebay_export_with_personal_data(path: Path) -> Path:
    headers = ["Sales Record Number", "Order Number", "Buyer Username", "Buyer Name", "Buyer Email",
               "Buyer Address 1", "Ship To Name", "Ship To Phone", "Ship To Address 1", "Ship To City",
               "Ship To Country", "Item Number", "Item Title", "Quantity", "Sold For", "Total Price",
               "Sale Date", "Paid On Date"]  # fmt: skip
    row = ["101", "12-11111-22222", "mariag_es", "Maria Gonzalez", "maria.g@example.com",
           "Calle Mayor 5, Madrid", "Maria Gonzalez", "+34 600 123 456", "Calle Mayor 5, Madrid",
           "Madrid", "Spain", "3344556677", "Phone case", "1", "$9.99", "$9.99", "Mar-05-24",
           "Mar-05-24"]  # fmt: skip
    return write_rows(path, headers, [row], leading_blank=True,
                      trailer=["", "1 record(s) downloaded", "Seller ID: acme_store"])  # fmt: skip


def test_buyer_personal_data_is_never_stored(tmp_path: Path, cli, query) -> None:
    li_wei = dict(buyer="Li Wei", email="li.wei@example.cn", receiver="Li Wei", country="China",
                  address="北京市朝阳区建国路88号", phone="138 0013 8000",
                  mobile="139 0013 9000")  # fmt: skip
    files = [
        write_ali(tmp_path / "a.xlsx", [
            ali_row(id=A1, status="等待您发货", created="2024.03.05 14:22", paid="2024.03.05 14:30"),
            ali_row(id=A2, status="等待您发货", created="2024.03.05 15:00", paid="2024.03.05 15:10",
                    **li_wei),
        ]),
        write_ali(tmp_path / "b.csv", [
            ali_row(id=A3, status="等待买家付款", created="2024.03.09 10:00"),
        ], encoding="gbk"),
        write_ali(tmp_path / "c.xls", [
            ali_row(id=A4, status="等待买家付款", created="2024.03.10 10:00", **li_wei),
        ]),
        _ebay_export_with_personal_data(tmp_path / "ebay.csv"),
    ]  # fmt: skip
    ingest(cli, *files)

    text_columns = query(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'main' and data_type = 'VARCHAR' order by 1, 2"
    )
    assert ("orders_current", "buyer_hash") in text_columns and len(text_columns) > 20
    every_text = " union all ".join(
        f"select '{t}' as tbl, '{c}' as col, \"{c}\" as v from \"{t}\"" for t, c in text_columns
    )
    hits = query(
        f"select tbl, col, needle from ({every_text}) as cells, unnest(?::varchar[]) as n(needle) "
        "where contains(lower(v), lower(needle))",
        [[*PERSONAL_DATA, "Spain"]],
    )
    # "Spain" is the control: the country is kept, so the scan does find stored text.
    assert sorted({(t, c, n) for t, c, n in hits}) == [
        ("order_snapshots", "buyer_country", "Spain"), ("orders_current", "buyer_country", "Spain"),
    ]  # fmt: skip

    rows = query("select order_id, buyer_country, buyer_hash from orders_current order by 1")
    assert [(o, c) for o, c, _ in rows] == [
        ("12-11111-22222", "Spain"), (A1, "Spain"), (A2, "China"), (A3, "Spain"), (A4, "China"),
    ]  # fmt: skip
    hashes = {o: h for o, _, h in rows}
    assert all(len(h) == 64 and set(h) <= set("0123456789abcdef") for h in hashes.values())
    assert hashes[A1] == hashes[A3]  # Maria, in the .xlsx and in the GBK .csv
    assert hashes[A2] == hashes[A4]  # Li Wei, in the .xlsx and in the .xls
    assert hashes[A1] != hashes[A2]


# --- storehealth status --------------------------------------------------------------------------------


def test_status_shows_the_coverage_of_each_store(tmp_path: Path, cli) -> None:
    winter = write_ali(tmp_path / "winter.xlsx", [
        ali_row(id=A1, status="等待买家付款", created="2024.01.05 09:00"),
        ali_row(id=A2, status="等待买家付款", created="2024.02.10 09:00"),
    ])  # fmt: skip
    spring = write_ali(tmp_path / "spring.xlsx", [
        ali_row(id=A3, status="等待买家付款", created="2024.02.01 09:00"),
        ali_row(id=A4, status="等待买家付款", created="2024.03.20 09:00"),
    ])  # fmt: skip
    ingest(cli, winter, spring)

    s1 = store_of(status_json(cli), "s1")
    assert (s1["files"], s1["orders"], s1["first_order_date"], s1["last_order_date"]) == (
        2,
        4,
        "2024-01-05",
        "2024-03-20",
    )
    assert s1["gaps"] == []


def test_status_shows_a_gap_between_exports_that_do_not_overlap(tmp_path: Path, cli) -> None:
    january = write_ali(tmp_path / "january.xlsx", [
        ali_row(id=A1, status="等待买家付款", created="2024.01.02 09:00"),
        ali_row(id=A2, status="等待买家付款", created="2024.01.10 09:00"),
    ])  # fmt: skip
    february = write_ali(tmp_path / "february.xlsx", [
        ali_row(id=A3, status="等待买家付款", created="2024.02.01 09:00"),
        ali_row(id=A4, status="等待买家付款", created="2024.02.20 09:00"),
    ])  # fmt: skip
    # Ingested out of order: the gap is between the exports' dates, not the ingest runs.
    ingest(cli, february, extra=("--exported-at", "2024-02-21"))
    ingest(cli, january, extra=("--exported-at", "2024-01-12"))
    # Another store whose exports touch (one ends the day before the next starts): no gap.
    touching = [
        write_ali(tmp_path / "b1.xlsx", [ali_row(id=A5, status="等待买家付款", created="2024.01.02 09:00")]),
        write_ali(tmp_path / "b2.xlsx", [ali_row(id=A6, status="等待买家付款", created="2024.02.01 09:00")]),
    ]
    ingest(cli, touching[0], store="s2", extra=("--exported-at", "2024-01-31"))
    ingest(cli, touching[1], store="s2", extra=("--exported-at", "2024-02-21"))

    report = status_json(cli)
    s1 = store_of(report, "s1")
    assert s1["gaps"] == [{"gap_from": "2024-01-13", "gap_to": "2024-01-31", "gap_days": 19}]
    assert any("2024-01-13" in w and "2024-01-31" in w for w in s1["warnings"])
    assert store_of(report, "s2")["gaps"] == []


def test_status_warns_when_the_latest_export_is_more_than_four_weeks_old(tmp_path: Path, cli) -> None:
    today = date.today()

    def export(name: str, order_id: str, created_days_ago: int) -> Path:
        created = (today - timedelta(days=created_days_ago)).strftime("%Y.%m.%d 10:00")
        return write_ali(tmp_path / name, [ali_row(id=order_id, status="等待买家付款", created=created)])

    ingest(cli, export("fresh.xlsx", A1, 30), store="fresh",
           extra=("--exported-at", (today - timedelta(days=28)).isoformat()))  # fmt: skip
    ingest(cli, export("stale.xlsx", A2, 35), store="stale",
           extra=("--exported-at", (today - timedelta(days=29)).isoformat()))  # fmt: skip

    report = status_json(cli)
    fresh, stale = store_of(report, "fresh"), store_of(report, "stale")
    assert (fresh["latest_export_age_days"], fresh["warnings"]) == (28, [])
    assert stale["latest_export_age_days"] == 29
    assert len(stale["warnings"]) == 1 and "29 days old" in stale["warnings"][0]


def test_status_lists_unknown_reasons_counted_as_other(tmp_path: Path, cli, query) -> None:
    path = write_ali(tmp_path / "orders.xlsx", [
        ali_row(id=A1, status="订单关闭", created="2024.03.01 09:00", paid="2024.03.01 09:05",
                cancel_reason="Buyer found a better deal"),
        ali_row(id=A2, status="订单关闭", created="2024.03.02 09:00", paid="2024.03.02 09:05",
                cancel_reason="Buyer found a better deal"),
        ali_row(id=A3, status="订单关闭", created="2024.03.03 09:00", paid="2024.03.03 09:05",
                close_reason="mystery_close_code"),
        ali_row(id=A4, status="订单关闭", created="2024.03.04 09:00", paid="2024.03.04 09:05",
                cancel_reason="商品缺货", close_reason="卖家取消订单"),
    ])  # fmt: skip
    ingest(cli, path)

    assert query(
        "select order_id, close_cause, cancel_reason, cancel_reason_raw from orders_current order by 1"
    ) == [
        (A1, "buyer_cancelled_paid", "other", "Buyer found a better deal"),
        (A2, "buyer_cancelled_paid", "other", "Buyer found a better deal"),
        (A3, "other", None, None),
        (A4, "seller_cancelled", "out_of_stock", "商品缺货"),
    ]
    unknown = store_of(status_json(cli), "s1")["unknown_values"]
    assert sorted(unknown, key=lambda u: u["kind"]) == [
        {"kind": "cancel_reason", "raw_value": "Buyer found a better deal", "orders": 2},
        {"kind": "close_reason", "raw_value": "mystery_close_code", "orders": 1},
    ]


def test_status_lists_unknown_statuses_whose_rows_are_rejected(tmp_path: Path, cli, query) -> None:
    path = write_ali(tmp_path / "orders.xlsx", [
        ali_row(id=A1, status="等待平台审核", created="2024.03.01 09:00"),
        ali_row(id=A2, status="等待买家付款", created="2024.03.02 09:00"),
    ])  # fmt: skip
    ingest(cli, path)

    assert query("select order_id from orders_current") == [(A2,)]
    s1 = store_of(status_json(cli), "s1")
    assert s1["unknown_values"] == [{"kind": "status", "raw_value": "等待平台审核", "orders": 1}]
    assert s1["rejected_rows"] == 1
    (example,) = s1["rejected_examples"]
    assert (example["row_number"], example["order_id"]) == (2, A1)
    assert "等待平台审核" in example["reason"]
    # the readable status says the rows were rejected, not counted as other
    readable = cli("status", "--store", "s1")
    assert "unknown order status '等待平台审核': 1 rows rejected" in readable.stdout
    # with the command that maps it (the rows then land by themselves)
    assert "storehealth vocabulary add status '等待平台审核' CODE --platform aliexpress" in readable.stdout
    assert "counted as other" not in readable.stdout


def _vocabulary_knowing(monkeypatch, raw_status: str, code: str) -> None:
    """vocabulary.toml as if a seller had added one AliExpress status alias."""
    import copy

    from pipeline import vocabulary

    learnt = copy.deepcopy(vocabulary.vocabulary())
    learnt["status"]["aliexpress"][raw_status] = code
    monkeypatch.setattr(vocabulary, "vocabulary", lambda: learnt)


def _export_with_an_unknown_status(tmp_path: Path) -> Path:
    """A1 in a status the vocabulary does not know (its row is rejected), A2 awaiting payment."""
    return write_ali(tmp_path / "orders.xlsx", [
        ali_row(id=A1, status="等待平台审核", created="2024.03.01 09:00"),
        ali_row(id=A2, status="等待买家付款", created="2024.03.02 09:00"),
    ])  # fmt: skip


def test_reprocess_lands_rows_rejected_for_a_status_the_vocabulary_learnt_since(
    tmp_path: Path, cli, query, db_path: Path, monkeypatch
) -> None:
    path = _export_with_an_unknown_status(tmp_path)
    ingest(cli, path)
    again = ingest(cli, path)
    assert "already ingested" in again.stderr and "--reprocess" in again.stderr
    [(file_id, exported_at)] = query("select file_id, exported_at from ingested_files")
    _vocabulary_knowing(monkeypatch, "等待平台审核", "on_hold")

    result = ingest(cli, path, extra=("--reprocess",))
    assert "read again" in result.stderr
    assert query("select order_id, status from orders_current order by 1") == [
        (A1, "on_hold"), (A2, "awaiting_payment")
    ]
    # the same file, the same export time: one record, each state once, nothing rejected
    record = query("select file_id, exported_at, rows_rejected from ingested_files")
    assert record == [(file_id, exported_at, 0)]
    assert query("select order_id, first_file_id, last_file_id from order_snapshots order by 1") == [
        (A1, file_id, file_id), (A2, file_id, file_id)
    ]
    assert query("select count(*) from rejected_rows") == [(0,)]
    # reading it yet again changes nothing but the time it was read
    before = table_contents(db_path, skip=("ingested_files",))
    ingest(cli, path, extra=("--reprocess",))
    assert table_contents(db_path, skip=("ingested_files",)) == before


def test_reprocess_refuses_to_drop_an_order_that_landed_from_the_file(
    tmp_path: Path, cli, query, db_path: Path, monkeypatch
) -> None:
    path = _export_with_an_unknown_status(tmp_path)
    with monkeypatch.context() as learnt:
        _vocabulary_knowing(learnt, "等待平台审核", "on_hold")
        ingest(cli, path)
    before = table_contents(db_path, skip=("settings",))
    result = cli("ingest", path, "--store", "s1", "--reprocess")
    assert result.exit_code == 1
    assert f"order {A1} landed from this file before but is rejected now" in flat(result.output)
    # the history notes the vocabulary it is now read by (settings); its orders keep their status
    assert table_contents(db_path, skip=("settings",)) == before


def test_several_stores_in_one_history_stay_separate(tmp_path: Path, cli, query) -> None:
    store_a = write_ali(tmp_path / "a.xlsx", [
        ali_row(id=A1, status="等待您发货", created="2024.03.01 09:00", paid="2024.03.01 09:05"),
        ali_row(id=A2, status="等待买家付款", created="2024.03.02 09:00"),
    ])  # fmt: skip
    store_b = write_ali(tmp_path / "b.xlsx", [
        ali_row(id=A1, status="订单关闭", created="2024.02.01 09:00", paid="2024.02.01 09:05",
                cancel_reason="商品缺货"),
    ])  # fmt: skip
    ingest(cli, store_a, store="shop-a")
    ingest(cli, store_b, store="shop-b")

    assert query("select store, order_id, status, seller_fault from orders_current order by 1, 2") == [
        ("shop-a", A1, "awaiting_shipment", False),
        ("shop-a", A2, "awaiting_payment", False),
        ("shop-b", A1, "closed", True),
    ]
    report = status_json(cli)
    a, b = store_of(report, "shop-a"), store_of(report, "shop-b")
    assert (a["orders"], a["open_orders"], a["closed_orders"], a["first_order_date"]) == (
        2,
        2,
        0,
        "2024-03-01",
    )
    assert (b["orders"], b["open_orders"], b["closed_orders"], b["first_order_date"]) == (
        1,
        0,
        1,
        "2024-02-01",
    )
    # of shop-a's two open orders, one awaits shipment, the other payment
    assert (a["to_ship_orders"], b["to_ship_orders"]) == (1, 0)
    assert a["gaps"] == [] and b["gaps"] == []
    only_b = status_json(cli, "--store", "shop-b")
    assert [s["store"] for s in only_b["stores"]] == ["shop-b"]
