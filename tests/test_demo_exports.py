"""The export simulator writes files shaped like the real marketplace exports, reproducibly.

Every other test and benchmark builds on these files, so they are read back here with the same
readers the ingest uses (python_calamine for Excel, the csv module for text).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pipeline import demo as de
from tests import demo_oracle as oracle
from tests.conftest import REPO

START = datetime(2024, 1, 1)
END = datetime(2024, 5, 31, 12, 0)
AS_OF = datetime(2024, 5, 20, 10, 30)

STATUSES = {
    "awaiting_payment", "awaiting_shipment", "partially_shipped", "shipped", "completed",
    "cancel_requested", "in_dispute", "on_hold", "closed",
}  # fmt: skip
CAUSES = {
    "payment_timeout", "buyer_cancelled_unpaid", "buyer_cancelled_paid", "seller_cancelled",
    "seller_ship_timeout", "risk_control", "dispute_refund", "other",
}  # fmt: skip


@pytest.fixture(scope="module")
def ali() -> list[de.SimOrder]:
    return de.simulate_orders("aliexpress", 3000, START, END, seed=11, store="s1")


@pytest.fixture(scope="module")
def ebay() -> list[de.SimOrder]:
    return de.simulate_orders("ebay", 1500, START, END, seed=11, store="e1")


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path]]:
    return de.write_demo_exports(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def b2b() -> list[de.SimOrder]:
    return de.simulate_orders("1688", 800, START, END, seed=11, store="b1")


def read_excel(path: Path) -> dict[str, list[list[str]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def read_csv(path: Path, encoding: str) -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.reader(f))


# -- simulation ------------------------------------------------------------------------------


def test_same_seed_same_orders_and_other_seed_other_orders(ali: list[de.SimOrder]) -> None:
    again = de.simulate_orders("aliexpress", 3000, START, END, seed=11, store="s1")
    assert again == ali
    other = de.simulate_orders("aliexpress", 3000, START, END, seed=12, store="s1")
    assert [o.order_id for o in other] != [o.order_id for o in ali]


def test_orders_are_created_in_range_with_unique_ids(ali: list[de.SimOrder]) -> None:
    assert all(START <= o.created_at <= END for o in ali)
    assert len({o.order_id for o in ali}) == len(ali)
    shifted = de.simulate_orders("aliexpress", 50, START, END, seed=11, store="s1", id_offset=3000)
    assert not {o.order_id for o in shifted} & {o.order_id for o in ali}


def test_lifecycle_rates_are_realistic(ali: list[de.SimOrder]) -> None:
    paid = [o for o in ali if o.paid_at is not None]
    assert 0.84 < len(paid) / len(ali) < 0.92
    seller_side = [o for o in paid if o.cancel_reason in oracle.SELLER_FAULT_REASONS]
    assert 0.015 < len(seller_side) / len(paid) < 0.05
    causes = Counter(o.close_cause for o in ali if o.status == "closed")
    assert set(causes) <= CAUSES
    for cause in ("payment_timeout", "buyer_cancelled_unpaid", "buyer_cancelled_paid",
                  "seller_ship_timeout", "risk_control", "dispute_refund"):  # fmt: skip
        assert causes[cause] > 0, cause
    # unpaid orders close within about 3 days; ship timeouts close after the deadline day
    for o in ali:
        if o.close_cause == "payment_timeout":
            assert o.closed_at - o.created_at <= timedelta(days=3)
        if o.close_cause == "seller_ship_timeout":
            assert o.closed_at.date() > o.ship_deadline and o.shipped_at is None
    assert any(o.quantity >= 10 for o in ali)  # wholesale
    assert any(o.remark for o in ali)
    assert any(o.shipping_method == "DHL" for o in ali)
    assert len({i.title for o in ali for i in o.items}) <= 40  # products recur


def test_state_as_of_never_shows_an_event_after_the_export(ali: list[de.SimOrder]) -> None:
    for when in (datetime(2024, 2, 1), datetime(2024, 3, 15, 13, 5), AS_OF, END):
        for o in ali:
            s = de.state_as_of(o, when)
            if o.created_at > when:
                assert s is None
                continue
            assert s is not None and s.status in STATUSES
            assert all(t <= when for t in s.events().values()), (o.order_id, when)
            assert (s.tracking != "") == (s.shipped_at is not None)
            assert (s.status == "closed") == (s.closed_at is not None)
            assert s.close_cause is None or s.status == "closed"


def test_state_as_of_shows_open_orders_before_they_close(ali: list[de.SimOrder]) -> None:
    timeout = next(o for o in ali if o.close_cause == "seller_ship_timeout")
    before = de.state_as_of(timeout, timeout.closed_at - timedelta(hours=2))
    assert before is not None and before.status == "awaiting_shipment"
    assert before.close_cause is None and before.end_code == ""
    received = next(o for o in ali if o.received_at is not None)
    shipped = de.state_as_of(received, received.received_at - timedelta(seconds=1))
    assert shipped is not None and shipped.status in ("shipped", "in_dispute")
    held = next(o for o in ali if o.hold_until is not None)
    assert de.state_as_of(held, held.paid_at).status == "on_hold"  # type: ignore[union-attr]


# -- export tables -------------------------------------------------------------------------


def test_rolling_export_holds_exactly_its_90_day_window(ali: list[de.SimOrder]) -> None:
    headers, rows = de.export_table(ali, "aliexpress", AS_OF)
    assert headers == de.ALI_HEADERS_ZH + de.ALI_REASON_HEADERS_ZH
    lo = AS_OF - timedelta(days=90)
    expected = {o.order_id for o in ali if lo <= o.created_at <= AS_OF}
    assert [r[0] for r in rows if r[0] not in expected] == []
    assert len(rows) == len(expected)
    col = headers.index("下单时间")
    created = [datetime.strptime(r[col], "%Y.%m.%d %H:%M") for r in rows]
    assert min(created) >= lo.replace(second=0) and max(created) <= AS_OF
    assert created == sorted(created, reverse=True)  # newest first, as the back end lists


def test_aliexpress_cells_look_like_the_back_end(ali: list[de.SimOrder]) -> None:
    headers, rows = de.export_table(ali, "aliexpress", AS_OF)
    table = [dict(zip(headers, r, strict=True)) for r in rows]
    statuses = Counter(r["订单状态"] for r in table)
    assert {"等待您发货", "等待买家收货", "订单关闭"} <= set(statuses)
    assert set(statuses) <= {"等待买家付款", "等待您发货", "等待买家收货", "订单关闭", "订单结束",
                             "交易完成", "买家申请取消", "含纠纷的订单", "订单处于风控24小时中"}  # fmt: skip
    info = table[0][de.ALI_PRODUCT_INFO_HEADER]
    assert re.match(r"【1】 .+\n", info) and re.search(r"\(产品数量: \d+\)", info)
    for r in table:
        assert re.fullmatch(r"US \$\d+\.\d\d", r["订单金额"])
        lines = re.findall(r"\(产品数量: (\d+)\)\n\(单价: \$([\d.]+)\)", r[de.ALI_PRODUCT_INFO_HEADER])
        total = sum(int(q) * round(float(p) * 100) for q, p in lines)
        assert f"US ${total / 100:.2f}" == r["产品总金额"]
        if r["实际发货物流:运单号"]:
            assert re.fullmatch(r"[A-Za-z ]+:[0-9A-Z]+", r["实际发货物流:运单号"])
        if r["发货期限"]:
            datetime.strptime(r["发货期限"], "%Y-%m-%d")
    codes = {r["订单关闭原因"] for r in table} - {""}
    assert {"buyer_pay_timeout", "buyer_accept_goods"} <= codes
    reasons = {r["取消原因"] for r in table} - {""}
    assert "商品缺货" in reasons or "您无法使用买家选择物流方式发货" in reasons
    assert any(r["买家邮箱"] and r["联系电话"] for r in table)  # personal data is present


def test_aliexpress_variants_english_labels_and_dash_times(ali: list[de.SimOrder]) -> None:
    headers, rows = de.export_table(ali, "aliexpress", AS_OF, english=True)
    assert headers == de.ALI_HEADERS_EN + de.ALI_REASON_HEADERS_EN
    assert {r[1] for r in rows} <= {"PLACE_ORDER_SUCCESS", "WAIT_SELLER_SEND_GOODS",
                                    "WAIT_BUYER_ACCEPT_GOODS", "FINISH", "IN_CANCEL", "IN_ISSUE",
                                    "RISK_CONTROL"}  # fmt: skip
    english = {"I do not want this order", "Products out of stock",
               "Processing time is out of my expectation"}  # fmt: skip
    assert {r[-2] for r in rows} & english
    headers, rows = de.export_table(ali, "aliexpress", AS_OF, with_reasons=False,
                                    time_style="dash")  # fmt: skip
    assert headers == de.ALI_HEADERS_ZH
    datetime.strptime(rows[0][headers.index("下单时间")], "%Y-%m-%d %H:%M:%S")
    _, rows = de.export_table(ali, "aliexpress", AS_OF, reason_style="label")
    assert {"买家付款超时", "卖家发货超时"} <= {r[-3] for r in rows}


def test_ebay_rows_are_line_items_with_cancel_columns(ebay: list[de.SimOrder]) -> None:
    headers, rows = de.export_table(ebay, "ebay", AS_OF)
    assert headers[:3] == ["Sales Record Number", "Order Number", "Buyer Username"]
    assert headers[-2:] == ["Cancel Status", "Cancel Reason"]
    col = {h: k for k, h in enumerate(headers)}
    per_order = Counter(r[col["Order Number"]] for r in rows)
    multi = next(n for n, c in per_order.items() if c > 1)
    lines = [r for r in rows if r[col["Order Number"]] == multi]
    assert len({r[col["Item Number"]] for r in lines}) == len(lines)
    assert len({r[col["Total Price"]] for r in lines}) == 1  # order level repeated
    assert re.fullmatch(r"[A-Z][a-z]{2}-\d\d-\d\d", rows[0][col["Sale Date"]])
    assert re.fullmatch(r"\$\d+\.\d\d", rows[0][col["Sold For"]])
    assert {r[col["Cancel Status"]] for r in rows} >= {"", "CANCEL_CLOSED_WITH_REFUND"}
    assert {r[col["Cancel Reason"]] for r in rows} - {""} <= {
        "OutOfStock", "OutOfStockOrCannotFulfill", "BuyerCancelOrder", "AddressIssues",
        "OrderPlacedByMistake", "FoundCheaperPrice"}  # fmt: skip


def test_1688_export_vocabulary(b2b: list[de.SimOrder]) -> None:
    headers, rows = de.export_table(b2b, "1688", AS_OF)
    assert headers == de.HEADERS_1688 + ["关闭原因"]
    assert {r[6] for r in rows} <= {"等待买家付款", "等待卖家发货", "等待买家确认收货", "交易成功",
                                    "交易关闭"}  # fmt: skip
    assert {r[-1] for r in rows} - {""} <= {"buyerCancel", "sellerGoodsLack", "other"}
    assert re.fullmatch(r"\d+\.\d\d", rows[0][5])
    datetime.strptime(rows[0][7], "%Y-%m-%d %H:%M:%S")
    _, rows = de.export_table(b2b, "1688", AS_OF, reason_style="label")
    assert {r[-1] for r in rows} - {""} <= {"买家取消订单", "卖家库存不足", "其它"}


# -- files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030", "utf-16"])
def test_csv_round_trips_in_every_encoding(
    tmp_path: Path, ali: list[de.SimOrder], encoding: str
) -> None:
    headers, rows = de.export_table(ali[-400:], "aliexpress", AS_OF)
    path = de.write_export(tmp_path / "a.csv", headers, rows, platform="aliexpress",
                           encoding=encoding)  # fmt: skip
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert raw.startswith((b"\xff\xfe", b"\xfe\xff")) == (encoding == "utf-16")
    back = read_csv(path, "utf-8-sig" if encoding == "utf-8" else encoding)
    assert back[0] == headers  # the multi-line 产品信息 header survives quoting

    def lossy(cell: str) -> str:  # what Excel on Chinese Windows would have saved
        return cell.encode(encoding, "replace").decode(encoding)

    assert back[1:] == [[lossy(c) for c in r] for r in rows]


def test_ebay_csv_has_blank_first_line_and_trailer(tmp_path: Path, ebay: list[de.SimOrder]) -> None:
    headers, rows = de.export_table(ebay, "ebay", AS_OF)
    path = de.write_export(tmp_path / "e.csv", headers, rows, platform="ebay",
                           seller_id="demo_shop")  # fmt: skip
    assert path.read_bytes().startswith(b"\xef\xbb\xbf\r\n")
    lines = read_csv(path, "utf-8-sig")
    assert lines[0] == [] and lines[1] == headers
    assert lines[2:-3] == rows
    assert lines[-3] == []
    assert re.fullmatch(rf"{len(rows)} record\(s\) downloaded, from \w{{3}}-\d\d-\d\d to "
                        r"\w{3}-\d\d-\d\d", lines[-2][0])  # fmt: skip
    assert lines[-1] == ["Seller ID: demo_shop"]


@pytest.mark.parametrize("suffix", [".xls", ".xlsx"])
def test_excel_round_trips_as_strings(tmp_path: Path, ali: list[de.SimOrder], suffix: str) -> None:
    headers, rows = de.export_table(ali[-300:], "aliexpress", AS_OF)
    path = de.write_export(tmp_path / f"a{suffix}", headers, rows, platform="aliexpress")
    sheets = read_excel(path)
    assert list(sheets) == ["Sheet1"]
    table = sheets["Sheet1"]
    assert table[0] == headers
    assert "产品信息\n（双击单元格展开所有产品信息！）" in table[0]
    assert table[1:] == rows  # every cell a string, amounts and ids included


def test_xls_splits_large_exports_over_sheets(tmp_path: Path) -> None:
    n = de.XLS_MAX_ROWS + 10
    rows = [[str(k)] for k in range(n)]
    path = de.write_export(tmp_path / "big.xls", ["订单号"], rows, platform="aliexpress")
    sheets = read_excel(path)
    assert list(sheets) == ["Sheet1", "Sheet2"]
    assert len(sheets["Sheet1"]) == de.XLS_MAX_ROWS
    assert sheets["Sheet1"][0] == sheets["Sheet2"][0] == ["订单号"]
    back = [r[0] for name in sheets for r in sheets[name][1:]]
    assert back == [r[0] for r in rows]


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        de.write_export(tmp_path / "a.json", ["x"], [], platform="aliexpress")


# -- the demo and ground truth ----------------------------------------------------------------


def test_demo_exports_are_complete_overlapping_and_reproducible(
    tmp_path: Path, demo_files: list[tuple[str, Path]]
) -> None:
    written = demo_files
    assert [s for s, _ in written] == (["ali-main"] * 4 + ["ali-outlet"] * 4 + ["ebay-us"] * 4
                                       + ["shop-dtc"] * 4)  # fmt: skip
    suffixes = Counter((s, p.suffix) for s, p in written)
    assert suffixes[("ali-main", ".xls")] == 4 and suffixes[("ebay-us", ".csv")] == 4
    assert suffixes[("shop-dtc", ".csv")] == 4
    assert suffixes[("ali-outlet", ".xlsx")] == 3 and suffixes[("ali-outlet", ".csv")] == 1
    assert all(p.parent.name == s for s, p in written)
    assert written[3][1].name < "orders_2024-06-03" and written[3][1].name > "orders_2024-05-28"

    def digest(paths: list[tuple[str, Path]]) -> list[str]:
        return [hashlib.sha256(p.read_bytes()).hexdigest() for _, p in paths]

    assert digest(de.write_demo_exports(tmp_path / "b")) == digest(written)

    for demo in de.demo_stores():
        times = [t for t, _, _ in demo.exports]
        gaps = [(b - a).days for a, b in zip(times, times[1:], strict=False)]
        assert all(20 <= g <= 36 for g in gaps)
        assert 1500 <= len(demo.orders) <= 3000
        history = oracle.expected_history_states(demo.orders, times)
        assert len(history) == len(demo.orders)  # every order reached some export
        first, last = oracle.true_final_states(demo.orders, times[1]), history
        changed = [k for k in first if first[k]["status"] != last[k]["status"]]
        assert len(changed) > (50 if demo.platform == "aliexpress" else 5)  # orders move on


def test_outlet_has_one_english_and_one_gbk_file(demo_files: list[tuple[str, Path]]) -> None:
    written = {p.name: p for s, p in demo_files if s == "ali-outlet"}
    csv_path = next(p for n, p in written.items() if n.endswith(".csv"))
    assert read_csv(csv_path, "gbk")[0][0] == "订单号"
    firsts = [read_excel(p)["Sheet1"][0][0] for n, p in sorted(written.items())
              if n.endswith(".xlsx")]  # fmt: skip
    assert sorted(firsts) == ["Order ID", "订单号", "订单号"]


def test_true_states_use_the_canonical_vocabulary(ali: list[de.SimOrder],
                                                  ebay: list[de.SimOrder]) -> None:  # fmt: skip
    for orders in (ali, ebay):
        truth = oracle.true_final_states(orders, AS_OF)
        assert len(truth) == sum(o.created_at <= AS_OF for o in orders)
        for t in truth.values():
            assert t["status"] in STATUSES
            assert (t["close_cause"] is not None) == (t["status"] == "closed")
            if t["seller_fault"]:
                assert t["paid_at"] and not t["shipped_at"] and t["status"] == "closed"
                assert (t["close_cause"] == "seller_ship_timeout"
                        or t["cancel_reason"] in oracle.SELLER_FAULT_REASONS)  # fmt: skip
        assert any(t["seller_fault"] for t in truth.values())


def test_history_keeps_a_reason_seen_once_and_infers_the_rest(ali: list[de.SimOrder]) -> None:
    t1, t2 = datetime(2024, 3, 1), datetime(2024, 4, 15)
    orders = [o for o in ali if o.created_at <= t1 - timedelta(days=20)]
    kept = oracle.expected_history_states(orders, [(t1, True), (t2, False)])
    full = oracle.expected_history_states(orders, [t1, t2])
    assert kept.keys() == full.keys()
    for k, d in kept.items():
        if d["status"] == "closed" and full[k]["closed_at"] <= t1:  # seen closed with reasons
            assert d["close_cause"] == full[k]["close_cause"] and not d["cause_inferred"]
    blind = oracle.expected_history_states(orders, [(t1, False), (t2, False)])
    closed = [d for d in blind.values() if d["status"] == "closed"]
    assert closed and all(d["cause_inferred"] and d["cancel_reason"] is None for d in closed)
    # paid, never shipped, first seen closed weeks later: past the deadline -> ship timeout
    assert {d["close_cause"] for d in closed if d["paid_at"] and not d["shipped_at"]} == {
        "seller_ship_timeout"}  # fmt: skip
    assert {d["close_cause"] for d in closed if not d["paid_at"]} == {"payment_timeout"}


def test_demo_store_truth_matches_its_files(demo_files: list[tuple[str, Path]]) -> None:
    demo = next(d for d in de.demo_stores() if d.store == "ali-main")
    truth = oracle.expected_demo_history(demo)
    assert len(truth) == len(demo.orders)
    last = next(p for s, p in reversed(demo_files) if s == "ali-main")
    table = read_excel(last)["Sheet1"]
    col = {h: k for k, h in enumerate(table[0])}
    labels = {"订单关闭": "closed", "等待您发货": "awaiting_shipment", "等待买家收货": "shipped",
              "买家申请取消": "cancel_requested", "含纠纷的订单": "in_dispute",
              "订单处于风控24小时中": "on_hold", "等待买家付款": "awaiting_payment"}  # fmt: skip
    for row in table[1:]:
        t = truth[row[col["订单号"]]]
        status = row[col["订单状态"]]
        if status in labels:
            assert labels[status] == t["status"]
        else:  # 订单结束 / 交易完成: the end reason decides
            assert t["status"] in ("closed", "completed")
            assert (t["status"] == "completed") == bool(row[col["确认收货时间"]])


# -- the Shopify store ---------------------------------------------------------------------------

# Checked against the real layout, not against the simulator's own constants: the header of the
# real-layout sample (tests/fixtures/real_layouts/SOURCES.md section 2) and the cells that
# section verified to repeat on an order's later line-item rows.
REAL_SHOPIFY = REPO / "tests" / "fixtures" / "real_layouts" / "shopify_orders_export.csv"
SHOPIFY_REPEATED = {
    "Name", "Email", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
    "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping", "Lineitem taxable",
    "Lineitem fulfillment status", "Vendor", "Lineitem discount", "Phone",
}  # fmt: skip
SHOPIFY_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [-+]\d{4}")


def shopify_files(demo_files: list[tuple[str, Path]]) -> list[Path]:
    return sorted(p for s, p in demo_files if s == "shop-dtc")


def shopify_orders(path: Path) -> dict[str, list[dict[str, str]]]:
    """Name -> its rows (dicts by header), read with the csv module."""
    with path.open(encoding="utf-8", newline="") as f:
        orders: dict[str, list[dict[str, str]]] = {}
        for row in csv.DictReader(f):
            orders.setdefault(row["Name"], []).append(row)
    return orders


def test_shopify_demo_files_have_the_real_orders_export_layout(
    demo_files: list[tuple[str, Path]],
) -> None:
    files = shopify_files(demo_files)
    assert [p.name[:14] for p in files] == ["orders_export_"] * 4
    real_header = read_csv(REAL_SHOPIFY, "utf-8")[0]
    assert len(real_header) == 79
    financial_seen: Counter[str] = Counter()
    for path in files:
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw  # UTF-8, no BOM, LF
        assert b',"",' in raw  # explicitly empty cells written as "" as Shopify does
        lines = read_csv(path, "utf-8")
        assert lines[0] == real_header
        assert all(len(r) == 79 for r in lines)
        orders = shopify_orders(path)
        for name, rows in orders.items():
            first, *items = rows
            assert re.fullmatch(r"#\d{4}", name)
            assert first["Financial Status"] in {"paid", "pending", "refunded",
                                                 "partially_refunded", "voided", "authorized"}
            assert first["Fulfillment Status"] in {"fulfilled", "unfulfilled", "partial"}
            assert SHOPIFY_TIME.fullmatch(first["Created at"])
            for cell in ("Paid at", "Fulfilled at", "Cancelled at"):
                assert first[cell] == "" or SHOPIFY_TIME.fullmatch(first[cell])
            assert first["Email"].endswith("@example.com")  # made-up buyers only
            assert first["Currency"] == "USD" and first["Total"]
            financial_seen[first["Financial Status"]] += 1
            if first["Cancelled at"]:
                assert first["Financial Status"] in ("voided", "refunded")
                assert first["Fulfillment Status"] == "unfulfilled"
            if first["Financial Status"] == "voided":
                assert first["Cancelled at"] and first["Refunded Amount"] == "0.00"
            for item in items:  # one row per further line item: order cells blank
                assert item["Financial Status"] == ""
                for header in ("Name", "Email", "Created at"):
                    assert item[header] == first[header]
                assert {h for h, v in item.items() if v} <= SHOPIFY_REPEATED
                assert item["Lineitem name"] and item["Lineitem quantity"].isdigit()
        assert sum(len(rows) > 1 for rows in orders.values()) > 50  # multi-item orders
    assert {"paid", "pending", "refunded", "partially_refunded", "voided",
            "authorized"} <= set(financial_seen)  # fmt: skip
    assert financial_seen["paid"] > 0.7 * sum(financial_seen.values())  # mostly paid


def test_shopify_demo_exports_overlap_and_orders_move_on(
    demo_files: list[tuple[str, Path]],
) -> None:
    exports = [shopify_orders(p) for p in shopify_files(demo_files)]
    for older, newer in zip(exports, exports[1:], strict=False):
        both = older.keys() & newer.keys()
        assert len(both) > len(older) / 2  # rolling windows overlap
        moved = [n for n in both if (older[n][0]["Financial Status"],
                                     older[n][0]["Fulfillment Status"])
                 != (newer[n][0]["Financial Status"], newer[n][0]["Fulfillment Status"])]
        assert len(moved) > 5  # e.g. unfulfilled -> fulfilled, paid -> refunded


def _shopify_status(first: dict[str, str]) -> str:
    """SPEC section 1's reading of a Shopify order, written out here from the spec."""
    financial, fulfilment = first["Financial Status"], first["Fulfillment Status"]
    if first["Cancelled at"] or financial in ("voided", "refunded"):
        return "closed"
    if fulfilment == "fulfilled":
        return "shipped"
    if fulfilment == "partial":
        return "partially_shipped"
    if financial == "pending":
        cod = "cash on delivery" in first["Payment Method"].lower()
        return "awaiting_shipment" if cod else "awaiting_payment"
    return "awaiting_shipment"


def test_shopify_demo_store_ingests_to_the_figures_of_its_csv_files(
    demo_files: list[tuple[str, Path]], cli, query
) -> None:
    latest: dict[str, list[dict[str, str]]] = {}
    for path in shopify_files(demo_files):  # oldest export first: the latest state wins
        latest.update(shopify_orders(path))
        result = cli("ingest", path, "--store", "shop-dtc")
        assert result.exit_code == 0, result.output
    firsts = {n: rows[0] for n, rows in latest.items()}
    expected = Counter(_shopify_status(f) for f in firsts.values())
    assert len(expected) >= 5, expected  # several statuses, all in the demo
    got = dict(query("select status, count(*) from orders_current where store = 'shop-dtc' "
                     "and platform = 'shopify' group by status"))  # fmt: skip
    assert got == dict(expected)
    # the pending cash-on-delivery orders await shipment, unpaid
    cod = {n for n, f in firsts.items() if f["Financial Status"] == "pending"
           and "(COD)" in f["Payment Method"] and f["Fulfillment Status"] == "unfulfilled"}
    assert cod
    assert query("select distinct status from orders_current where store = 'shop-dtc' and "
                 "order_id in (select unnest(?))", [sorted(cod)]) == [("awaiting_shipment",)]
    # voided and cancelled orders closed, with their Cancelled at
    cancelled = {n: f["Cancelled at"][:19] for n, f in firsts.items() if f["Cancelled at"]}
    assert len(cancelled) > 10
    rows = query("select order_id, strftime(closed_at, '%Y-%m-%d %H:%M:%S') from orders_current "
                 "where store = 'shop-dtc' and closed_at is not null")  # fmt: skip
    assert dict(rows) == cancelled
    # line items: counted and summed per order, over all orders
    items = sum(len(rows) for rows in latest.values())
    units = sum(int(r["Lineitem quantity"]) for rows in latest.values() for r in rows)
    refunded = sum(round(float(f["Refunded Amount"]) * 100) for f in firsts.values())
    total = sum(round(float(f["Total"]) * 100) for f in firsts.values())
    [(n, got_items, got_units, got_refunded, got_total)] = query(
        "select count(*), sum(item_count), sum(quantity), sum(refunded_amount) * 100, "
        "sum(order_amount) * 100 from orders_current where store = 'shop-dtc'"
    )
    assert (n, got_items, got_units) == (len(latest), items, units)
    assert (got_refunded, got_total) == (refunded, total)
