"""Exports in the layouts sellers really download (tests/fixtures/real_layouts/SOURCES.md says
where each layout comes from and holds the hand counts asserted here)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import xlsxwriter

from tests.builders import write_rows
from tests.test_bad_input import assert_refused, no_traceback, storehealth

LAYOUTS = Path(__file__).parent / "fixtures" / "real_layouts"


def ingest(db: Path, path: Path, store: str, *extra: str):
    result = storehealth("ingest", path, "--store", store, *extra, db=db)
    no_traceback(result)
    return result


def orders(query, store: str) -> dict[str, dict]:
    rows = query(
        "select order_id, status, item_count, quantity, order_amount::double, currency, close_cause, "
        "cause_inferred, cancel_reason, refunded_amount::double, paid_at is not null, "
        "shipped_at is not null from orders_current where store = ? order by order_id",
        [store],
    )
    keys = ("status", "items", "quantity", "amount", "currency", "cause", "inferred", "reason",
            "refunded", "paid", "shipped")  # fmt: skip
    return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in rows}


# --- 1688: an order's item rows below its first row ------------------------------------------

# SOURCES.md section 1: (status, items, total 数量, 实付款)
ALI1688 = {
    "2389104857162538817": ("completed", 3, 350, 623.00),
    "2391556620347718920": ("cancel_requested", 2, 50, 267.00),
    "2393310078452269641": ("closed", 1, 10, 99.00),
    "2394471120985530117": ("awaiting_shipment", 1, 60, 96.00),
    "2395008813476620453": ("shipped", 3, 190, 297.00),
    "2396120045587712390": ("awaiting_payment", 2, 70, 108.00),
}


@pytest.mark.parametrize("name", ["1688_multi_item.xlsx", "1688_multi_item.csv"])
def test_1688_item_rows_are_items_of_their_order(db_path: Path, query, name: str) -> None:
    result = ingest(db_path, LAYOUTS / name, "b2b", "--strict")
    assert result.returncode == 0, result.stderr
    assert "1688, 12 rows read, 6 orders: 6 new" in result.stderr
    assert "0 rows rejected" in result.stderr
    got = orders(query, "b2b")
    assert {k: (v["status"], v["items"], v["quantity"], v["amount"]) for k, v in got.items()} == ALI1688
    assert sum(v["quantity"] for v in got.values()) == 730
    assert {v["currency"] for v in got.values()} == {"CNY"}
    # the unpaid 交易关闭 order has no close reason column in a real export: its cause is inferred
    assert got["2393310078452269641"]["cause"] == "payment_timeout"
    assert got["2393310078452269641"]["inferred"] is True
    assert query("select count(*) from rejected_rows") == [(0,)]


def _write_1688(path: Path, rows: list[list[str]]) -> Path:
    headers = ["订单编号", "买家会员名", "实付款(元)", "订单状态", "订单创建时间", "订单付款时间", "货品标题",
               "单价(元)", "数量", "单位", "货号", "买家留言"]  # fmt: skip
    return write_rows(path, headers, rows, encoding="gbk")


def test_1688_rows_that_belong_to_no_order_are_rejected_with_the_reason(db_path: Path, query) -> None:
    path = _write_1688(Path(db_path.parent / "orphans.csv"), [
        ["", "", "", "", "", "", "杯子X", "5.00", "2", "个", "X1", ""],  # above the first order
        ["2389104857162538817", "buyer_a", "35.00", "等待卖家发货", "2024-03-05 14:22:10",
         "2024-03-05 14:25:41", "杯子A", "10.00", "2", "个", "A1", ""],
        ["", "", "", "", "", "", "杯子B", "5.00", "3", "个", "B1", ""],
        ["", "", "", "", "", "", "", "", "", "", "", "请尽快发货"],  # no item cell at all
    ])  # fmt: skip
    result = ingest(db_path, path, "b2b")
    assert result.returncode == 0, result.stderr
    assert "4 rows read, 1 orders: 1 new" in result.stderr and "2 rows rejected" in result.stderr
    assert query("select order_id, item_count, quantity from orders_current") == [
        ("2389104857162538817", 2, 5)
    ]
    reasons = query("select row_number, reason from rejected_rows order by row_number")
    assert [r for r, _ in reasons] == [2, 5]
    assert "above the first order row" in reasons[0][1]
    assert "no order number and no item cells" in reasons[1][1]


def test_1688_statuses_of_the_seller_back_end(db_path: Path, query) -> None:
    statuses = {"退款中": "cancel_requested", "已发货": "shipped", "已收货": "completed",
                "等待买家签收": "shipped", "交易取消": "closed", "部分发货": "partially_shipped"}
    rows = [[f"23891048571625388{k:02d}", "buyer", "10.00", raw, "2024-03-05 14:22:10",
             "2024-03-05 14:25:41", "杯子", "10.00", "1", "个", "A1", ""]
            for k, raw in enumerate(statuses)]  # fmt: skip
    result = ingest(db_path, _write_1688(db_path.parent / "statuses.csv", rows), "b2b", "--strict")
    assert result.returncode == 0, result.stderr
    got = query("select status_raw, status from orders_current order by order_id")
    assert dict(got) == statuses


# --- Shopify orders_export.csv ----------------------------------------------------------------

# SOURCES.md section 2: (status, items, quantity, Total, Refunded Amount)
SHOPIFY = {
    "#1001": ("shipped", 2, 3, 49.40, 0.0),
    "#1002": ("awaiting_shipment", 1, 1, 15.00, 0.0),  # pending, cash on delivery
    "#1003": ("closed", 1, 1, 35.00, 35.0),  # refunded in full after fulfilment
    "#1004": ("closed", 1, 1, 21.20, 0.0),  # voided, Cancelled at
    "#1005": ("shipped", 3, 4, 83.30, 12.0),  # partially refunded
    "#1006": ("partially_shipped", 2, 5, 63.26, 0.0),
}


def test_shopify_orders_export_needs_no_mapping(db_path: Path, query) -> None:
    result = ingest(db_path, LAYOUTS / "shopify_orders_export.csv", "my-shop", "--strict")
    assert result.returncode == 0, result.stderr
    assert "shopify, 10 rows read, 6 orders: 6 new" in result.stderr
    got = orders(query, "my-shop")
    assert {k: (v["status"], v["items"], v["quantity"], v["amount"], v["refunded"])
            for k, v in got.items()} == SHOPIFY  # fmt: skip
    assert {v["currency"] for v in got.values()} == {"USD"}
    # a refund after shipping closed the sale: a return, not a cancellation before shipment
    assert got["#1003"]["cause"] == "dispute_refund" and got["#1003"]["shipped"]
    assert got["#1004"]["cause"] == "payment_timeout" and got["#1004"]["inferred"]
    # Fulfilled at is the ship time, Cancelled at the close time, both as the shop's local time
    assert query("select shipped_at::varchar from orders_current where order_id = '#1001'") == [
        ("2024-03-06 09:10:00",)
    ]
    assert query("select closed_at::varchar from orders_current where order_id = '#1004'") == [
        ("2024-03-08 09:00:00",)
    ]


def test_shopify_old_export_without_payment_method(db_path: Path, query) -> None:
    result = ingest(db_path, LAYOUTS / "shopify_orders_export_old.csv", "my-shop", "--strict")
    assert result.returncode == 0, result.stderr
    got = orders(query, "my-shop")
    # no Payment Method column: a pending order is simply unpaid
    assert got["#1002"]["status"] == "awaiting_payment"
    assert {k: v["quantity"] for k, v in got.items()} == {k: v[2] for k, v in SHOPIFY.items()}
    assert all(v["refunded"] is None for v in got.values())


# --- Taobao / Tmall 订单报表 -------------------------------------------------------------------


def test_taobao_order_report_is_its_own_platform(db_path: Path, query) -> None:
    result = ingest(db_path, LAYOUTS / "taobao_order_report.csv", "tmall", "--strict")
    assert result.returncode == 0, result.stderr
    assert "taobao, 6 rows read, 6 orders: 6 new" in result.stderr
    got = orders(query, "tmall")
    # ids written ="2046..." are the ids themselves
    assert {k: (v["status"], v["items"], v["quantity"], v["cause"], v["reason"]) for k, v in got.items()} == {
        "2046118233571902438": ("completed", 2, 3, None, None),
        "2046223876401553219": ("awaiting_shipment", 1, 2, None, None),
        "2046330012987765432": ("shipped", 1, 1, None, None),
        "2046441209876543210": ("awaiting_payment", 1, 1, None, None),
        "2046552398765432109": ("closed", 1, 1, "payment_timeout", None),  # 买家未付款
        "2046663487654321098": ("closed", 1, 1, "buyer_cancelled_paid", None),  # 退款
    }  # fmt: skip
    assert {v["currency"] for v in got.values()} == {"CNY"}
    assert got["2046663487654321098"]["refunded"] == 199.0


def test_taobao_is_never_detected_as_1688(tmp_path: Path) -> None:
    from pipeline.adapters import detect_platform
    from pipeline.text import normalize_header

    with (LAYOUTS / "taobao_order_report.csv").open(encoding="gbk") as fh:
        headers = [normalize_header(h) for h in next(csv.reader(fh))]
    assert detect_platform(headers) == "taobao"
    # the columns 1688 needs are all there, but 宝贝标题 is Taobao's alone
    assert detect_platform([h for h in headers if h != "买家支付宝账号"]) == "taobao"


# --- eBay Orders report framing ---------------------------------------------------------------


def test_ebay_report_with_trailer_over_cells_and_times(db_path: Path, query) -> None:
    result = ingest(db_path, LAYOUTS / "ebay_orders_report.csv", "ebay-us", "--strict")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr  # the trailer is no order row
    got = orders(query, "ebay-us")
    assert {k: (v["status"], v["items"], v["quantity"], v["amount"]) for k, v in got.items()} == {
        "04-11111-00001": ("shipped", 1, 1, 31.94),
        "11-22222-00002": ("shipped", 2, 3, 55.42),  # summary row + 2 item rows
        "17-33333-00003": ("awaiting_shipment", 1, 1, 10.28),
        "20-44444-00004": ("awaiting_payment", 1, 1, 40.00),
    }
    assert query("select paid_at::varchar from orders_current where order_id = '04-11111-00001'") == [
        ("2026-09-14 01:40:12",)
    ]


def test_ebay_report_with_one_cell_trailer(db_path: Path, query) -> None:
    result = ingest(db_path, LAYOUTS / "ebay_orders_report_one_cell_trailer.csv", "ebay-us", "--strict")
    assert result.returncode == 0, result.stderr
    got = orders(query, "ebay-us")
    assert {k: (v["status"], v["items"], v["quantity"]) for k, v in got.items()} == {
        "02-06000-00001": ("shipped", 1, 2),
        "05-06000-00002": ("awaiting_shipment", 2, 2),
    }


def test_ebay_report_missing_a_column_says_where_to_switch_it_on(tmp_path: Path, db_path: Path) -> None:
    with (LAYOUTS / "ebay_orders_report_one_cell_trailer.csv").open(encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    drop = lines[1].index("Sale Date")
    cut = [[c for k, c in enumerate(row) if k != drop] for row in lines]
    path = tmp_path / "customised.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(cut)
    message = assert_refused(ingest(db_path, path, "ebay-us"), "Sale Date", "Customize", "row 2")
    assert "back on" in message


# --- reports that are not an order export -----------------------------------------------------


def test_ebay_transaction_report_is_named(db_path: Path) -> None:
    message = assert_refused(ingest(db_path, LAYOUTS / "ebay_transaction_report.csv", "ebay-us"),
                             "Transaction report", "Orders report", "row 12")  # fmt: skip
    assert "--" not in message  # the dash preamble is not shown as headers


def test_taobao_item_report_is_named(tmp_path: Path, db_path: Path) -> None:
    path = write_rows(
        tmp_path / "ExportOrderDetailList.csv",
        ["订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注", "订单状态",
         "商家编码"],
        [['="2046118233571902438"', "保温杯", "64.50", "2", "", "颜色:白", "", "", "交易成功", "BW-01"]],
        encoding="gbk",
    )
    assert_refused(ingest(db_path, path, "tmall"), "宝贝报表", "订单报表")


def test_unknown_headers_show_the_best_candidate_row(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "erp.csv"
    path.write_text("Report of orders\n----,----,----\n\nRef,Placed,State,Buyer\n"
                    "A-1,2024-03-05,open,x\n", encoding="utf-8")  # fmt: skip
    message = assert_refused(ingest(db_path, path, "erp"), "row 4", "Ref, Placed, State, Buyer")
    assert "----" not in message


# --- ids that Excel rounded -------------------------------------------------------------------


@pytest.mark.parametrize(("name", "shown"), [
    ("aliexpress_excel_rounded.csv", "8.18E+15"),
    ("1688_excel_rounded.csv", "2.38910E+18"),
])  # fmt: skip
def test_ids_in_scientific_notation_refuse_the_file(db_path: Path, query, name: str, shown: str) -> None:
    message = assert_refused(ingest(db_path, LAYOUTS / name, "s1"), shown, "Excel", "Text")
    assert "row 2" in message
    assert not Path(db_path).exists() or query("select count(*) from orders_current") == [(0,)]


ALI_HEADERS_SHORT = ["订单号", "订单状态", "下单时间", "付款时间", "订单金额", "买家选择物流"]


def _ali(path: Path, ids: list[str]) -> Path:
    rows = [[i, "等待您发货", f"2024-03-0{k + 1} 10:00:00", f"2024-03-0{k + 1} 10:05:00", "US $9.99",
             "Cainiao"] for k, i in enumerate(ids)]  # fmt: skip
    return write_rows(path, ALI_HEADERS_SHORT, rows)


def test_ids_cut_to_15_digits_refuse_the_file(tmp_path: Path, db_path: Path, query) -> None:
    # four 16-digit ids all ending in 0: one chance in 10,000 for genuine ids
    rounded = ["8180005001753700", "8180005001753710", "8180005001753720", "8180005001753730"]
    assert_refused(ingest(db_path, _ali(tmp_path / "rounded.csv", rounded), "s1"), "8180005001753700",
                   "15 digits")  # fmt: skip
    # genuine ids, some of which end in 0, land
    genuine = ["8180005001753712", "8180005001753720", "8180005001753734", "8180005001753740"]
    assert ingest(db_path, _ali(tmp_path / "genuine.csv", genuine), "s1").returncode == 0
    # one rounded id, of an order the store has: it would count that order twice
    message = assert_refused(ingest(db_path, _ali(tmp_path / "one.csv", ["8180005001753730"]), "s1"),
                             "8180005001753730", "8180005001753734")  # fmt: skip
    assert "same first 15 digits" in message
    assert query("select count(*) from orders_current") == [(4,)]
    # a genuine new id that ends in zero, with no order of the same first 15 digits, lands
    assert ingest(db_path, _ali(tmp_path / "new.csv", ["8180005001759990"]), "s1").returncode == 0
    assert query("select count(*) from orders_current") == [(5,)]


def test_long_ids_stored_as_numbers_in_an_xlsx_refuse_the_file(tmp_path: Path, db_path: Path, query) -> None:
    path = tmp_path / "floats.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ALI_HEADERS_SHORT)
    # 18-digit ids as numbers: a float keeps ~16 digits, and the two orders become one
    for row, order_id in enumerate([123456789012345678, 123456789012345679, 223456789012345678], 1):
        sheet.write_number(row, 0, order_id)
        sheet.write_row(row, 1, ["等待您发货", f"2024-03-0{row} 10:00:00", "", "US $9.99", "Cainiao"])
    book.close()
    assert_refused(ingest(db_path, path, "s1"), "Excel")
    assert not Path(db_path).exists() or query("select count(*) from orders_current") == [(0,)]


# --- generic sources --------------------------------------------------------------------------


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_generic_without_status_column_follows_the_times(tmp_path: Path, db_path: Path, query) -> None:
    # an ERP export with a row per line item, the order cells repeated on every row
    path = write_rows(tmp_path / "tmall_orders.csv",
                      ["order", "sku", "qty", "created", "paid", "shipped", "received", "closed"], [
        ["T1", "A", "2", "2024-03-01 10:00:00", "", "", "", ""],
        ["T2", "A", "1", "2024-03-01 11:00:00", "2024-03-01 11:05:00", "", "", ""],
        ["T2", "A", "1", "2024-03-01 11:00:00", "2024-03-01 11:05:00", "", "", ""],  # the same row again
        ["T2", "B", "4", "2024-03-01 11:00:00", "2024-03-01 11:05:00", "", "", ""],
        ["T3", "A", "1", "2024-03-01 12:00:00", "2024-03-01 12:05:00", "2024-03-02 09:00:00", "", ""],
        ["", "C", "2", "", "", "", "", ""],
        ["T4", "A", "1", "2024-03-01 13:00:00", "2024-03-01 13:05:00", "2024-03-02 09:00:00",
         "2024-03-09 09:00:00", ""],
        ["T5", "A", "1", "2024-03-01 14:00:00", "", "", "", "2024-03-02 14:00:00"],
    ])  # fmt: skip
    mapping = _mapping(tmp_path, '[columns]\norder_id = "order"\nitem_id = "sku"\nquantity = "qty"\n'
                       'created_at = "created"\npaid_at = "paid"\nshipped_at = "shipped"\n'
                       'received_at = "received"\nclosed_at = "closed"\n')  # fmt: skip
    result = ingest(db_path, path, "erp", "--platform", "generic", "--mapping", mapping, "--strict")
    assert result.returncode == 0, result.stderr
    assert "8 rows read, 5 orders" in result.stderr
    assert query("select order_id, status, item_count, quantity from orders_current order by 1") == [
        ("T1", "awaiting_payment", 1, 2), ("T2", "awaiting_shipment", 2, 5), ("T3", "shipped", 2, 3),
        ("T4", "completed", 1, 1), ("T5", "closed", 1, 1),
    ]  # fmt: skip


def test_generic_status_contradicted_by_times_warns(tmp_path: Path, db_path: Path) -> None:
    path = write_rows(tmp_path / "erp.csv", ["order", "state", "created", "shipped"], [
        ["E1", "processing", "2024-03-01 10:00:00", "2024-03-02 10:00:00"],
        ["E2", "processing", "2024-03-01 11:00:00", ""],
        ["E3", "mystery", "2024-03-01 12:00:00", ""],
    ])  # fmt: skip
    mapping = _mapping(tmp_path, '[columns]\norder_id = "order"\nstatus = "state"\ncreated_at = "created"\n'
                       'shipped_at = "shipped"\n[status]\nprocessing = "awaiting_shipment"\n')  # fmt: skip
    result = ingest(db_path, path, "erp", "--platform", "generic", "--mapping", mapping)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stderr.split())
    assert "1 orders have a ship time but a status that says otherwise (e.g. order E1" in text
    assert "[status] table of mapping.toml" in text
    # an unknown status of a generic source points at its mapping file, not vocabulary.toml
    assert "not in the [status] table of the mapping file" in text


def test_generic_status_table_without_status_column_is_refused(tmp_path: Path, db_path: Path) -> None:
    path = write_rows(tmp_path / "erp.csv", ["order", "created"], [["E1", "2024-03-01 10:00:00"]])
    mapping = _mapping(tmp_path, '[columns]\norder_id = "order"\ncreated_at = "created"\n'
                       '[status]\nprocessing = "awaiting_shipment"\n')  # fmt: skip
    assert_refused(ingest(db_path, path, "erp", "--platform", "generic", "--mapping", mapping),
                   "names no status column")  # fmt: skip


def test_excel_serial_zero_is_no_date(tmp_path: Path, db_path: Path, query) -> None:
    """An empty cell Excel formatted as a date reads 1899-12-31 (serial 0) or 1899-12-30 (-1)."""
    path = tmp_path / "serials.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, ALI_HEADERS_SHORT)
    for row, (order_id, created, paid) in enumerate(
        [("8180005001753712", 45356.6, 45356.7), ("8180005001753713", 0, 45356.7),
         ("8180005001753714", 45356.6, -1)], 1
    ):
        sheet.write_string(row, 0, order_id)
        sheet.write_string(row, 1, "等待您发货")
        sheet.write_number(row, 2, created, when)
        sheet.write_number(row, 3, paid, when)
    book.close()
    result = ingest(db_path, path, "s1")
    assert result.returncode == 0, result.stderr
    assert "2 rows rejected" in result.stderr
    reasons = query("select row_number, reason from rejected_rows order by 1")
    assert [r for r, _ in reasons] == [3, 4]
    assert all("is not a date" in reason for _, reason in reasons)
    # a serial -1 in a payment cell is no payment either: the row is rejected, not read as paid
    assert query("select order_id, paid_at::date::varchar from orders_current") == [
        ("8180005001753712", "2024-03-05")
    ]


def test_a_file_with_genuine_long_ids_is_never_judged_rounded(tmp_path: Path, db_path: Path, query) -> None:
    # sequential ids: 8180005001753700 has neighbours with the same first 15 digits, but the
    # file's other ids keep their last digit, so Excel did not round this column
    first = ["8180005001753701", "8180005001753702"]
    assert ingest(db_path, _ali(tmp_path / "a.csv", first), "s1").returncode == 0
    more = ["8180005001753700", "8180005001753703", "8180005001753710"]
    result = ingest(db_path, _ali(tmp_path / "b.csv", more), "s1")
    assert result.returncode == 0, result.stderr
    assert query("select count(*) from orders_current") == [(5,)]


def test_times_with_an_offset_follow_the_store_time_zone(tmp_path: Path, db_path: Path, query) -> None:
    path = write_rows(tmp_path / "erp.csv", ["order", "created", "paid"], [
        ["Z1", "2024-03-05T20:22:10Z", "2024-03-05T20:30:00Z"],   # UTC: the next morning in Shanghai
        ["Z2", "2024-03-05 14:22:10 -0500", ""],                  # New York's afternoon
        ["Z3", "2024-03-06 09:00:00", ""],                        # no zone: the store's clock
    ])  # fmt: skip
    mapping = _mapping(tmp_path, '[columns]\norder_id = "order"\ncreated_at = "created"\npaid_at = "paid"\n')
    args = ("--platform", "generic", "--mapping", mapping)
    plain = ingest(db_path, path, "erp", *args)
    assert plain.returncode == 0, plain.stderr
    assert "order times are written in UTC (e.g. '2024-03-05T20:22:10Z')" in " ".join(plain.stderr.split())
    assert query("select order_id, created_at::varchar from orders_current order by 1") == [
        ("Z1", "2024-03-05 20:22:10"), ("Z2", "2024-03-05 14:22:10"), ("Z3", "2024-03-06 09:00:00"),
    ]  # fmt: skip
    zoned_db = tmp_path / "zoned.duckdb"
    zoned = ingest(zoned_db, path, "erp", *args, "--timezone", "Asia/Shanghai")
    assert zoned.returncode == 0, zoned.stderr
    assert "UTC" not in zoned.stderr
    import duckdb

    con = duckdb.connect(str(zoned_db), read_only=True)
    try:
        got = con.execute("select order_id, created_at::varchar, paid_at::varchar from orders_current "
                          "order by 1").fetchall()  # fmt: skip
    finally:
        con.close()
    assert got == [("Z1", "2024-03-06 04:22:10", "2024-03-06 04:30:00"),
                   ("Z2", "2024-03-06 03:22:10", None), ("Z3", "2024-03-06 09:00:00", None)]  # fmt: skip
    bad = storehealth("ingest", path, "--store", "erp", *args, "--timezone", "Mars/Base", db=db_path)
    assert bad.returncode == 2 and "--timezone 'Mars/Base'" in bad.stderr


def test_stores_toml_takes_a_time_zone(tmp_path: Path) -> None:
    from pipeline.stores import load_stores

    path = tmp_path / "stores.toml"
    path.write_text('[shop]\ntimezone = "America/New_York"\n[ali]\ntimezone = "Mars/Base"\n',
                    encoding="utf-8")
    stores, problems = load_stores(path)
    assert stores["shop"].timezone == "America/New_York"
    assert "ali" in problems and "'Mars/Base' is not a time zone name" in problems["ali"].message
