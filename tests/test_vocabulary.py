"""The canonical vocabulary (SPEC section 2): the alias data itself, every alias through a real
ingest, and every branch of the seller-fault and close-cause rules."""

from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.text import value_keys
from tests.builders import ali_row, write_ali, write_rows
from tests.conftest import REPO

VOCABULARY = tomllib.loads((REPO / "pipeline" / "vocabulary.toml").read_text(encoding="utf-8"))
CODES = VOCABULARY["codes"]
# Markers the SQL resolves later (documented in vocabulary.toml): not canonical codes themselves.
MARKERS = {"status": {"finished"}, "close_cause": {"buyer_cancelled", "not_closed"}, "cancel_reason": set()}
STARRED = {"seller_raised_price", "seller_no_response", "cannot_use_selected_shipping", "out_of_stock"}

CREATED, PAID = "2024.03.01 10:00", "2024.03.01 10:05"
SHIPPED, RECEIVED = "2024.03.03 09:00", "2024.03.10 09:00"


def aliases(kind: str, platform: str) -> list[tuple[str, str]]:
    return list(VOCABULARY[kind][platform].items())


# --- the data ---------------------------------------------------------------------------------------


def test_the_codes_are_the_spec_vocabulary() -> None:
    assert CODES == {
        "status": ["awaiting_payment", "awaiting_shipment", "partially_shipped", "shipped", "completed",
                   "cancel_requested", "in_dispute", "on_hold", "closed"],
        "close_cause": ["payment_timeout", "buyer_cancelled_unpaid", "buyer_cancelled_paid",
                        "seller_cancelled", "seller_ship_timeout", "risk_control", "dispute_refund",
                        "other"],
        "cancel_reason": ["buyer_changed_mind", "processing_time_too_long", "seller_raised_price",
                          "seller_no_response", "cannot_use_selected_shipping", "out_of_stock",
                          "ordered_by_mistake", "duplicate_order", "found_cheaper_price",
                          "address_issue", "buyer_asked", "other"],
    }  # fmt: skip
    assert set(VOCABULARY["seller_fault"]["cancel_reasons"]) == STARRED
    assert VOCABULARY["seller_fault"]["close_causes"] == ["seller_ship_timeout"]


@pytest.mark.parametrize("kind", ["status", "close_cause", "cancel_reason"])
def test_every_alias_maps_to_a_canonical_code_or_a_documented_marker(kind: str) -> None:
    allowed = set(CODES[kind]) | MARKERS[kind]
    tables = VOCABULARY[kind]
    assert tables, kind
    for platform, table in tables.items():
        assert table, (kind, platform)
        wrong = {raw: code for raw, code in table.items() if code not in allowed}
        assert wrong == {}, (kind, platform)


@pytest.mark.parametrize("kind", ["status", "close_cause", "cancel_reason"])
def test_no_two_spellings_of_one_table_collide_on_a_lookup_key(kind: str) -> None:
    for platform, table in VOCABULARY[kind].items():
        seen: dict[str, tuple[str, str]] = {}
        for raw, code in table.items():
            for key in value_keys(raw):
                if key in seen:
                    assert seen[key][1] == code, f"[{kind}.{platform}] {seen[key][0]!r} and {raw!r}"
                seen[key] = (raw, code)


# --- one real history holding every alias and every rule branch --------------------------------------

EBAY_HEADERS = ["Sales Record Number", "Order Number", "Buyer Username", "Quantity", "Total Price",
                "Sale Date", "Paid On Date", "Shipped On Date", "Cancel Status", "Cancel Reason"]  # fmt: skip
HEADERS_1688 = ["订单编号", "买家会员名", "实付款(元)", "订单状态", "订单创建时间", "订单付款时间",
                "发货时间",
                "确认收货时间", "关闭原因"]  # fmt: skip

# order id -> (cells, (status, close_cause, cause_inferred, cancel_reason, seller_fault)), by hand.
BRANCHES: dict[str, tuple[dict[str, str], tuple]] = {
    # seller_fault: closed, paid, never shipped, and a ★ reason or the seller-ship-timeout cause.
    "F-raised-price": (dict(status="订单关闭", paid=PAID, cancel_reason="您上涨订单价格"),
                       ("closed", "buyer_cancelled_paid", True, "seller_raised_price", True)),
    "F-no-response": (dict(status="订单关闭", paid=PAID,
                           cancel_reason="Seller did not respond to my question"),
                      ("closed", "buyer_cancelled_paid", True, "seller_no_response", True)),
    "F-shipping": (dict(status="订单关闭", paid=PAID, cancel_reason="您无法使用买家选择物流方式发货"),
                   ("closed", "buyer_cancelled_paid", True, "cannot_use_selected_shipping", True)),
    "F-out-of-stock": (dict(status="订单关闭", paid=PAID, cancel_reason="Products out of stock"),
                       ("closed", "buyer_cancelled_paid", True, "out_of_stock", True)),
    "F-not-starred": (dict(status="订单关闭", paid=PAID, cancel_reason="不想买了"),
                      ("closed", "buyer_cancelled_paid", True, "buyer_changed_mind", False)),
    "F-shipped": (dict(status="订单关闭", paid=PAID, shipped=SHIPPED, cancel_reason="商品缺货"),
                  ("closed", "dispute_refund", True, "out_of_stock", False)),
    "F-unpaid": (dict(status="订单关闭", cancel_reason="商品缺货"),
                 ("closed", "payment_timeout", True, "out_of_stock", False)),
    "F-ship-timeout": (dict(status="订单关闭", paid=PAID, close_reason="卖家发货超时"),
                       ("closed", "seller_ship_timeout", False, None, True)),
    "F-open": (dict(status="等待您发货", paid=PAID, cancel_reason="商品缺货"),
               ("awaiting_shipment", None, False, "out_of_stock", False)),
    # close cause inferred when no export gave one.
    "I-unpaid": (dict(status="订单关闭", closed="2024.03.02 10:00"),
                 ("closed", "payment_timeout", True, None, False)),
    "I-after-deadline": (dict(status="订单关闭", paid=PAID, deadline="2024-03-05", closed="2024.03.06 00:00"),
                         ("closed", "seller_ship_timeout", True, None, True)),
    "I-before-deadline": (dict(status="订单关闭", paid=PAID, deadline="2024-03-05",
                               closed="2024.03.05 23:59"),
                          ("closed", "buyer_cancelled_paid", True, None, False)),
    "I-shipped": (dict(status="订单关闭", paid=PAID, shipped=SHIPPED, closed="2024.03.12 10:00"),
                  ("closed", "dispute_refund", True, None, False)),
    "I-reported": (dict(status="订单关闭", paid=PAID, deadline="2024-03-05", closed="2024.03.08 10:00",
                        close_reason="风控关闭"),
                   ("closed", "risk_control", False, None, False)),
    "I-open": (dict(status="等待买家收货", paid=PAID, shipped=SHIPPED),
               ("shipped", None, False, None, False)),
    # AliExpress 订单结束: completed when received, closed when its reason ended the sale.
    "X-accepted": (dict(status="订单结束", paid=PAID, shipped=SHIPPED, received=RECEIVED,
                        close_reason="buyer_accept_goods"),
                   ("completed", None, False, None, False)),
    "X-accept-timeout": (dict(status="订单结束", paid=PAID, shipped=SHIPPED, close_reason="确认收货超时"),
                         ("completed", None, False, None, False)),
    "X-pay-timeout": (dict(status="订单结束", close_reason="buyer_pay_timeout"),
                      ("closed", "payment_timeout", False, None, False)),
    "X-risk": (dict(status="FINISH", paid=PAID, close_reason="risk_reject_closed"),
               ("closed", "risk_control", False, None, False)),
    "X-received": (dict(status="订单结束", paid=PAID, shipped=SHIPPED, received=RECEIVED),
                   ("completed", None, False, None, False)),
    "X-never-shipped": (dict(status="订单结束", paid=PAID),
                        ("closed", "buyer_cancelled_paid", True, None, False)),
    # 买家取消订单 as the close reason: paid or not decides the cause; as the cancel reason: buyer_asked.
    "B-paid": (dict(status="订单关闭", paid=PAID, close_reason="买家取消订单"),
               ("closed", "buyer_cancelled_paid", False, None, False)),
    "B-unpaid": (dict(status="订单关闭", close_reason="买家取消订单"),
                 ("closed", "buyer_cancelled_unpaid", False, None, False)),
    "B-reason": (dict(status="订单关闭", paid=PAID, close_reason="买家取消订单",
                      cancel_reason="买家取消订单"),
                 ("closed", "buyer_cancelled_paid", False, "buyer_asked", False)),
}  # fmt: skip


def _ali_alias_rows() -> list[list[str]]:
    rows = []
    for n, (raw, code) in enumerate(aliases("status", "aliexpress")):
        extra = dict(shipped=SHIPPED, received=RECEIVED) if code == "finished" else {}
        rows.append(ali_row(id=f"S-{n:02d}", status=raw, created=CREATED, paid=PAID, **extra))
    for n, (raw, code) in enumerate(aliases("close_cause", "aliexpress")):
        if code == "not_closed":
            cells = dict(status="订单结束", paid=PAID, shipped=SHIPPED, received=RECEIVED)
        else:
            cells = dict(status="订单关闭", paid=PAID)
        rows.append(ali_row(id=f"C-{n:02d}", created=CREATED, close_reason=raw, **cells))
    for n, (raw, _code) in enumerate(aliases("cancel_reason", "any")):
        rows.append(
            ali_row(id=f"R-{n:02d}", status="订单关闭", created=CREATED, paid=PAID, cancel_reason=raw)
        )
    for order_id, (cells, _expected) in BRANCHES.items():
        rows.append(ali_row(id=order_id, created=CREATED, **cells))
    # Raw values as people type them: other case, surrounding spaces, full-width digits.
    rows.append(ali_row(id="M-case", status="  wait_seller_send_goods ", created=CREATED, paid=PAID))
    rows.append(ali_row(id="M-reason-case", status="订单关闭", created=CREATED, paid=PAID,
                        cancel_reason="PRODUCTS OUT OF STOCK "))  # fmt: skip
    rows.append(ali_row(id="M-width", status="订单处于风控２４小时中", created=CREATED, paid=PAID))
    return rows


def _ebay_rows() -> list[list[str]]:
    rows = []

    def row(order_id: str, **cells: str) -> list[str]:
        values = {"Sales Record Number": order_id, "Order Number": order_id, "Buyer Username": "b1",
                  "Quantity": "1", "Total Price": "$10.00", "Sale Date": "Mar-01-24",
                  "Paid On Date": "Mar-01-24", **cells}  # fmt: skip
        return [values.get(h, "") for h in EBAY_HEADERS]

    for n, (raw, _code) in enumerate(aliases("status", "ebay")):
        rows.append(row(f"ES-{n:02d}", **{"Cancel Status": raw, "Cancel Reason": "BuyerCancelOrder"}))
    for n, (raw, _code) in enumerate(aliases("close_cause", "ebay")):
        reason = "SomeBrandNewReason" if raw == "*" else raw
        rows.append(
            row(f"EC-{n:02d}", **{"Cancel Status": "CANCEL_CLOSED_WITH_REFUND", "Cancel Reason": reason})
        )
    return rows


def _rows_1688() -> list[list[str]]:
    rows = []

    def row(order_id: str, **cells: str) -> list[str]:
        values = {"订单编号": order_id, "买家会员名": "yiwu_trade", "实付款(元)": "100.00",
                  "订单创建时间": "2024-03-01 10:00:00", "订单付款时间": "2024-03-01 10:05:00",
                  **cells}  # fmt: skip
        return [values.get(h, "") for h in HEADERS_1688]

    for n, (raw, code) in enumerate(aliases("status", "1688")):
        extra = {"发货时间": "2024-03-03 09:00:00"} if code in ("shipped", "completed") else {}
        rows.append(row(f"TS-{n:02d}", **{"订单状态": raw, **extra}))
    for n, (raw, _code) in enumerate(aliases("close_cause", "1688")):
        rows.append(row(f"TC-{n:02d}", **{"订单状态": "交易关闭", "关闭原因": raw}))
    return rows


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """One history holding an AliExpress, an eBay and a 1688 export; a read-only query runner."""
    root = tmp_path_factory.mktemp("vocabulary")
    files = [
        write_ali(root / "aliexpress.xlsx", _ali_alias_rows()),
        write_rows(root / "ebay.csv", EBAY_HEADERS, _ebay_rows(), leading_blank=True),
        write_rows(root / "1688.xls", HEADERS_1688, _rows_1688()),
    ]
    db = root / "history.duckdb"
    result = CliRunner().invoke(app, ["ingest", *map(str, files), "--store", "s1", "--db", str(db)])
    assert result.exit_code == 0, result.output

    def run(sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    return run


def test_orders_current_holds_only_canonical_codes(history) -> None:
    assert history("select count(*), count(distinct platform) from orders_current")[0][1] == 3
    for kind in ("status", "close_cause", "cancel_reason"):
        values = {
            v for (v,) in history(f"select distinct {kind} from orders_current where {kind} is not null")
        }
        assert values and values <= set(CODES[kind]), kind


def _by_raw(history, prefix: str, platform: str, raws: list[str], columns: str) -> dict[str, tuple]:
    rows = history(
        f"select order_id, {columns} from orders_current where platform = ? and order_id like ? order by 1",
        [platform, prefix + "%"],
    )
    found = {order_id: values for order_id, *values in rows}
    return {raw: tuple(found.get(f"{prefix}{n:02d}", ["not ingested"])) for n, raw in enumerate(raws)}


def test_every_aliexpress_status_alias_resolves(history) -> None:
    table = aliases("status", "aliexpress")
    got = _by_raw(history, "S-", "aliexpress", [raw for raw, _ in table], "status")
    assert got == {raw: ("completed" if code == "finished" else code,) for raw, code in table}


def test_every_aliexpress_close_reason_alias_resolves(history) -> None:
    table = aliases("close_cause", "aliexpress")
    got = _by_raw(
        history, "C-", "aliexpress", [raw for raw, _ in table], "status, close_cause, cause_inferred"
    )
    expected = {}
    for raw, code in table:
        if code == "not_closed":
            expected[raw] = ("completed", None, False)
        else:
            expected[raw] = ("closed", "buyer_cancelled_paid" if code == "buyer_cancelled" else code, False)
    assert got == expected


def test_every_cancel_reason_alias_resolves_with_its_seller_fault(history) -> None:
    table = aliases("cancel_reason", "any")
    got = _by_raw(history, "R-", "aliexpress", [raw for raw, _ in table], "cancel_reason, seller_fault")
    assert got == {raw: (code, code in STARRED) for raw, code in table}


def test_every_ebay_cancel_status_and_reason_alias_resolves(history) -> None:
    statuses = aliases("status", "ebay")
    assert _by_raw(history, "ES-", "ebay", [raw for raw, _ in statuses], "status") == {
        raw: (code,) for raw, code in statuses
    }
    causes = aliases("close_cause", "ebay")
    got = _by_raw(history, "EC-", "ebay", [raw for raw, _ in causes], "status, close_cause")
    assert got == {
        raw: ("closed", "buyer_cancelled_paid" if code == "buyer_cancelled" else code) for raw, code in causes
    }


def test_every_1688_status_and_close_reason_alias_resolves(history) -> None:
    statuses = aliases("status", "1688")
    assert _by_raw(history, "TS-", "1688", [raw for raw, _ in statuses], "status") == {
        raw: (code,) for raw, code in statuses
    }
    causes = aliases("close_cause", "1688")
    got = _by_raw(history, "TC-", "1688", [raw for raw, _ in causes], "status, close_cause")
    assert got == {
        raw: ("closed", "buyer_cancelled_paid" if code == "buyer_cancelled" else code) for raw, code in causes
    }


@pytest.mark.parametrize("order_id", list(BRANCHES))
def test_rule_branch(history, order_id: str) -> None:
    assert history(
        "select status, close_cause, cause_inferred, cancel_reason, seller_fault "
        "from orders_current where order_id = ?",
        [order_id],
    ) == [BRANCHES[order_id][1]]


@pytest.mark.parametrize(
    ("order_id", "expected"),
    [("M-case", ("awaiting_shipment", None)), ("M-reason-case", ("closed", "out_of_stock")),
     ("M-width", ("on_hold", None))],
)  # fmt: skip
def test_raw_values_match_whatever_their_case_spaces_and_width(
    history, order_id: str, expected: tuple
) -> None:
    # vocabulary.toml: keys are matched after trimming, lower-casing and folding full-width
    # characters to half-width.
    assert history("select status, cancel_reason from orders_current where order_id = ?", [order_id]) == [
        expected
    ]


@pytest.mark.parametrize(
    ("exported_at", "cause"),
    [("2024-03-06T08:00", "seller_ship_timeout"), ("2024-03-05T18:00", "buyer_cancelled_paid")],
)
def test_without_a_close_time_the_first_export_showing_the_order_closed_decides_the_deadline(
    tmp_path: Path, cli, query, exported_at: str, cause: str
) -> None:
    path = write_ali(
        tmp_path / "orders.xlsx",
        [
            ali_row(
                id="8100000000000001", status="订单关闭", created=CREATED, paid=PAID, deadline="2024-03-05"
            )
        ],
    )
    result = cli("ingest", path, "--store", "s1", "--exported-at", exported_at)
    assert result.exit_code == 0, result.output

    assert query("select close_cause, cause_inferred, seller_fault from orders_current") == [
        (cause, True, cause == "seller_ship_timeout")
    ]
