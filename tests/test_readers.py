"""Reading real exports: encodings, workbooks with several sheets, header spellings, the eBay and
1688 formats, values as the platforms write them, and platform detection."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tests.builders import ALI_HEADERS, EBAY_HEADERS, ali_row, ebay_row, table, write_ali, write_rows

A1, A2, A3, A4, A5, A6, A7 = (f"810000000000000{n}" for n in range(1, 8))


def flat(text: str) -> str:
    """CLI output with rich's line wrapping undone."""
    return " ".join(text.split())


def ingest(cli, *paths: Path, store: str = "s1", extra: tuple[str, ...] = ()):
    result = cli("ingest", *paths, "--store", store, *extra)
    assert result.exit_code == 0, result.output
    return result


# --- encodings ----------------------------------------------------------------------------------

ENCODED_ROWS = [
    ali_row(id=A1, status="等待您发货", created="2024.03.05 14:22", paid="2024.03.05 14:30",
            deadline="2024-03-12", remark="请尽快发货，谢谢！",
            product="【1】手机壳 黑色\n(产品数量: 2)"),
    ali_row(id=A2, status="订单关闭", created="2024.03.06 10:00", paid="2024.03.06 10:05",
            close_reason="卖家取消订单", cancel_reason="商品缺货"),
    ali_row(id=A3, status="等待买家收货", created="2024.03.07 09:00", paid="2024.03.07 09:01",
            shipped="2024.03.08 16:00", tracking="菜鸟：LP00123456789"),
]  # fmt: skip


def test_every_text_encoding_gives_the_same_orders(tmp_path: Path, cli, query) -> None:
    city = ALI_HEADERS.index("城市")
    encodings = ["utf-8-sig", "utf-8", "gbk", "gb18030", "utf-16", "utf-16-le"]
    for encoding in encodings:
        rows = [list(r) for r in ENCODED_ROWS]
        for row in rows:
            # 𠮷 is outside GBK: a GB18030 file that GBK cannot decode (the city is not stored).
            row[city] = "深圳𠮷" if encoding == "gb18030" else "深圳"
        path = write_ali(tmp_path / f"orders-{encoding}.csv", rows, encoding=encoding)
        ingest(cli, path, store=encoding)

    # Everything but the store and what names the file the state came from.
    names = {c for (c,) in query("select column_name from information_schema.columns "
                                 "where table_name = 'orders_current'")}  # fmt: skip
    skip = ", ".join(sorted(names & {"store", "last_file_id", "last_seen_key"}))
    per_store = {
        encoding: query(
            f"select * exclude ({skip}) from orders_current where store = ? order by order_id", [encoding]
        )
        for encoding in encodings
    }
    for encoding in encodings[1:]:
        assert per_store[encoding] == per_store["utf-8-sig"], encoding
    assert query(
        "select order_id, status, remark, quantity, product_info, close_cause, cancel_reason, "
        "cancel_reason_raw, carrier, tracking_number from orders_current where store = 'gbk' order by 1"
    ) == [
        (A1, "awaiting_shipment", "请尽快发货，谢谢！", 2, "【1】手机壳 黑色\n(产品数量: 2)", None, None,
         None, None, None),
        (A2, "closed", None, None, None, "seller_cancelled", "out_of_stock", "商品缺货", None, None),
        (A3, "shipped", None, None, None, None, None, None, "菜鸟", "LP00123456789"),
    ]  # fmt: skip


# --- workbooks ----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xls", ".xlsx"])
def test_a_workbook_split_over_several_sheets_is_read_whole(tmp_path: Path, cli, query, suffix: str) -> None:
    rows = [
        ali_row(id=f"82000000000000{n:02d}", status="等待您发货", created=f"2024.03.{n:02d} 10:00",
                paid=f"2024.03.{n:02d} 10:05")
        for n in range(1, 8)
    ]  # fmt: skip
    rows[4] = ali_row(id="8200000000000005", status="等待您发货", created="2024.03.05 25:99")
    path = write_ali(tmp_path / f"big{suffix}", rows, sheet_rows=3)  # sheets of 3, 3 and 1 rows

    ingest(cli, path)

    assert query("select order_id from orders_current order by 1") == [
        (f"82000000000000{n:02d}",) for n in (1, 2, 3, 4, 6, 7)
    ]
    assert query("select sheet, row_number, order_id from rejected_rows") == [
        ("Sheet2", 3, "8200000000000005")
    ]
    assert query("select rows_read, rows_new, rows_rejected from ingested_files") == [(7, 6, 1)]


def test_an_xls_with_more_rows_than_one_sheet_holds_ingests_every_order(tmp_path: Path, cli, query) -> None:
    headers = ["订单号", "订单状态", "下单时间", "付款时间", "订单金额"]
    total = 66_000  # the first sheet full (65,536 rows with its header), the rest on a second
    rows = [
        [f"83{n:014d}", "等待您发货", f"2024.03.{n % 28 + 1:02d} 10:00", "", "US $12.34"]
        for n in range(total)
    ]
    started = time.monotonic()
    path = write_rows(tmp_path / "full.xls", headers, rows, sheet_rows=65_535)

    ingest(cli, path)

    assert query(
        "select count(*), count(distinct order_id), min(order_id), max(order_id) from orders_current"
    ) == [(total, total, "8300000000000000", f"83{total - 1:014d}")]
    assert query("select rows_read, orders_in_file, rows_rejected from ingested_files") == [(total, total, 0)]
    assert time.monotonic() - started < 30


# --- headers ------------------------------------------------------------------------------------


def test_chinese_headers_match_whatever_their_spaces_width_and_line_breaks(
    tmp_path: Path, cli, query
) -> None:
    headers = [" 订单号 ", "订单状态\n(Order Status)", "负责人（业务员）", "下单时间  ", "付款时间\n北京时间",
               "订单金额", "产品信息 \n（双击单元格展开所有产品信息！）", "买家选择物流", "发货期限",
               "实际发货物流：运单号", "发货时间", "订单关闭原因 ", " 取消原因"]  # fmt: skip
    rows = [
        [A1, "等待买家收货", "Lin", "2024.03.05 14:22", "2024.03.05 14:30", "US $12.34",
         "【1】Phone case\n(产品数量: 3)", "AliExpress Standard Shipping", "2024-03-12",
         "Cainiao:LP00123456789", "2024.03.06 10:00", "", ""],
        [A2, "订单关闭", "Lin", "2024.03.06 10:00", "2024.03.06 10:05", "US $5.00", "", "", "", "", "",
         "卖家取消订单", "商品缺货"],
    ]  # fmt: skip
    path = write_rows(tmp_path / "orders.xlsx", headers, rows)
    ingest(cli, path)

    assert query(
        "select order_id, status, created_at, paid_at, order_amount, quantity, shipping_method, "
        "ship_deadline, carrier, tracking_number, shipped_at, close_cause, cancel_reason "
        "from orders_current order by 1"
    ) == [
        (A1, "shipped", datetime(2024, 3, 5, 14, 22), datetime(2024, 3, 5, 14, 30), Decimal("12.34"), 3,
         "AliExpress Standard Shipping", datetime(2024, 3, 12), "Cainiao", "LP00123456789",
         datetime(2024, 3, 6, 10, 0), None, None),
        (A2, "closed", datetime(2024, 3, 6, 10, 0), datetime(2024, 3, 6, 10, 5), Decimal("5.00"), None,
         None, None, None, None, None, "seller_cancelled", "out_of_stock"),
    ]  # fmt: skip


def test_the_product_header_as_the_spec_spells_it(tmp_path: Path, cli, query) -> None:
    # SPEC section 1 lists the column as 产品信息（双击单元格展开所有产品信息！）, on one line.
    headers = ["订单号", "订单状态", "下单时间", "产品信息（双击单元格展开所有产品信息！）"]
    rows = [
        [A1, "等待您发货", "2024.03.05 14:22", "【1】Phone case\n(产品数量: 2)\n【2】Cable\n(产品数量: 1)"]
    ]
    ingest(cli, write_rows(tmp_path / "orders.xlsx", headers, rows))

    assert query("select item_count, quantity, product_info from orders_current") == [
        (2, 3, "【1】Phone case\n(产品数量: 2)\n【2】Cable\n(产品数量: 1)")
    ]


def test_english_headers_match_whatever_their_case(tmp_path: Path, cli, query) -> None:
    headers = ["ORDER ID", "order status", "  Order Date  ", "PAYMENT DATE", "order amount",
               "Shipping Deadline\n(GMT-7)", "shipping time", "CLOSE REASON", "cancel reason"]  # fmt: skip
    rows = [
        [A1, "WAIT_BUYER_ACCEPT_GOODS", "2024-03-05 14:22:10", "2024-03-05 14:30:00", "$12.34",
         "2024-03-12", "2024-03-06 10:00:00", "", ""],
        [A2, "FINISH", "2024-03-06 10:00:00", "2024-03-06 10:05:00", "$5.00", "2024-03-13", "",
         "seller_send_goods_timeout", "Products out of stock"],
    ]  # fmt: skip
    ingest(cli, write_rows(tmp_path / "orders.csv", headers, rows))

    assert query(
        "select order_id, status, created_at, paid_at, order_amount, ship_deadline, shipped_at, "
        "close_cause, cancel_reason from orders_current order by 1"
    ) == [
        (A1, "shipped", datetime(2024, 3, 5, 14, 22, 10), datetime(2024, 3, 5, 14, 30), Decimal("12.34"),
         datetime(2024, 3, 12), datetime(2024, 3, 6, 10, 0), None, None),
        (A2, "closed", datetime(2024, 3, 6, 10, 0), datetime(2024, 3, 6, 10, 5), Decimal("5.00"),
         datetime(2024, 3, 13), None, "seller_ship_timeout", "out_of_stock"),
    ]  # fmt: skip


ALI_ENGLISH = ["Order ID", "Order Status", "Order Date", "Payment Date", "Order Amount",
               "Shipping Deadline", "Shipping Time", "Close Reason", "Cancel Reason"]  # fmt: skip


def test_english_aliexpress_export_with_english_status_codes(tmp_path: Path, cli, query) -> None:
    def row(order_id: str, status: str, **cells: str) -> dict[str, str]:
        return {"Order ID": order_id, "Order Status": status, "Order Date": "2024-03-05 10:00:00",
                "Order Amount": "US $20.00", **cells}  # fmt: skip

    paid = {"Payment Date": "2024-03-05 10:10:00", "Shipping Deadline": "2024-03-12"}
    shipped = {**paid, "Shipping Time": "2024-03-07 08:00:00"}
    rows = [
        row("E1", "PLACE_ORDER_SUCCESS"),
        row("E2", "WAIT_SELLER_SEND_GOODS", **paid),
        row("E3", "SELLER_PART_SEND_GOODS", **shipped),
        row("E4", "WAIT_BUYER_ACCEPT_GOODS", **shipped),
        row("E5", "IN_CANCEL", **paid),
        row("E6", "IN_ISSUE", **shipped),
        row("E7", "RISK_CONTROL", **paid),
        row("E8", "FINISH", **shipped, **{"Close Reason": "buyer_accept_goods"}),
        row("E9", "FINISH", **paid, **{"Close Reason": "seller_send_goods_timeout",
                                       "Cancel Reason": "Seller did not respond to my question"}),
        row("EA", "FINISH", **{"Close Reason": "buyer_pay_timeout"}),
    ]  # fmt: skip
    path = write_rows(tmp_path / "orders.xlsx", ALI_ENGLISH, table(ALI_ENGLISH, rows))
    ingest(cli, path)

    assert query("select platform from ingested_files") == [("aliexpress",)]
    assert query(
        "select order_id, status, close_cause, cancel_reason, seller_fault, currency, order_amount "
        "from orders_current order by 1"
    ) == [
        ("E1", "awaiting_payment", None, None, False, "USD", Decimal("20.00")),
        ("E2", "awaiting_shipment", None, None, False, "USD", Decimal("20.00")),
        ("E3", "partially_shipped", None, None, False, "USD", Decimal("20.00")),
        ("E4", "shipped", None, None, False, "USD", Decimal("20.00")),
        ("E5", "cancel_requested", None, None, False, "USD", Decimal("20.00")),
        ("E6", "in_dispute", None, None, False, "USD", Decimal("20.00")),
        ("E7", "on_hold", None, None, False, "USD", Decimal("20.00")),
        ("E8", "completed", None, None, False, "USD", Decimal("20.00")),
        ("E9", "closed", "seller_ship_timeout", "seller_no_response", True, "USD", Decimal("20.00")),
        ("EA", "closed", "payment_timeout", None, False, "USD", Decimal("20.00")),
    ]


# --- eBay -----------------------------------------------------------------------------------------

def test_ebay_seller_hub_orders_report(tmp_path: Path, cli, query) -> None:
    paid = {"Paid On Date": "Mar-05-24"}
    cancelled = {**paid, "Cancel Status": "CANCEL_CLOSED_WITH_REFUND"}
    rows = [
        ebay_row("1001", "12-10001-00001", item="1111", title="Phone case", quantity="2", sold_for="$5.00",
                 total="$22.00", **paid, **{"Shipped On Date": "Mar-07-24", "Tracking Number": "9400111"}),
        ebay_row("1001", "12-10001-00001", item="2222", title="USB-C cable", quantity="3", sold_for="$4.00",
                 total="$22.00", **paid, **{"Shipped On Date": "Mar-07-24", "Tracking Number": "9400111"}),
        ebay_row("1002", "12-10001-00002", **paid),
        ebay_row("1003", "12-10001-00003"),
        ebay_row("1004", "12-10001-00004", **cancelled, **{"Cancel Reason": "OutOfStock"}),
        ebay_row("1005", "12-10001-00005", **cancelled, **{"Cancel Reason": "BuyerCancelOrder"}),
        ebay_row("1006", "12-10001-00006", **{"Cancel Status": "CANCEL_CLOSED_NO_REFUND",
                                              "Cancel Reason": "OrderPlacedByMistake"}),
        ebay_row("1007", "12-10001-00007", **cancelled, **{"Cancel Reason": "AddressIssues"}),
        ebay_row("1008", "12-10001-00008", **paid, **{"Cancel Status": "CANCEL_REQUESTED",
                                                      "Cancel Reason": "FoundCheaperPrice"}),
    ]  # fmt: skip
    path = write_rows(
        tmp_path / "eBay-OrdersReport-Mar-08-2024.csv",
        EBAY_HEADERS,
        table(EBAY_HEADERS, rows),
        leading_blank=True,
        trailer=["", '"9 record(s) downloaded, from Mar-05-24 to Mar-07-24",,,,', "Seller ID: acme_store"],
    )
    ingest(cli, path)

    assert query(
        "select platform, rows_read, orders_in_file, rows_rejected, first_order_date from ingested_files"
    ) == [("ebay", 9, 8, 0, datetime(2024, 3, 5).date())]
    assert query(
        "select order_id, status, created_at, paid_at, shipped_at, close_cause, cancel_reason, "
        "seller_fault from orders_current order by 1"
    ) == [
        ("12-10001-00001", "shipped", datetime(2024, 3, 5), datetime(2024, 3, 5), datetime(2024, 3, 7),
         None, None, False),
        ("12-10001-00002", "awaiting_shipment", datetime(2024, 3, 5), datetime(2024, 3, 5), None,
         None, None, False),
        ("12-10001-00003", "awaiting_payment", datetime(2024, 3, 5), None, None, None, None, False),
        ("12-10001-00004", "closed", datetime(2024, 3, 5), datetime(2024, 3, 5), None,
         "seller_cancelled", "out_of_stock", True),
        ("12-10001-00005", "closed", datetime(2024, 3, 5), datetime(2024, 3, 5), None,
         "buyer_cancelled_paid", "buyer_asked", False),
        ("12-10001-00006", "closed", datetime(2024, 3, 5), None, None,
         "buyer_cancelled_unpaid", "ordered_by_mistake", False),
        ("12-10001-00007", "closed", datetime(2024, 3, 5), datetime(2024, 3, 5), None,
         "seller_cancelled", "address_issue", False),
        ("12-10001-00008", "cancel_requested", datetime(2024, 3, 5), datetime(2024, 3, 5), None,
         None, "found_cheaper_price", False),
    ]  # fmt: skip
    assert query(
        "select item_count, quantity, order_amount, currency, tracking_number, ship_deadline "
        "from orders_current where order_id = '12-10001-00001'"
    ) == [(2, 5, Decimal("22.00"), "USD", "9400111", datetime(2024, 3, 8))]


def test_ebay_row_numbers_count_the_blank_first_line(tmp_path: Path, cli, query) -> None:
    rows = [
        ebay_row("1001", "12-10001-00001", **{"Paid On Date": "Mar-05-24"}),
        ebay_row("1002", "12-10001-00002", **{"Sale Date": "Mar-32-24"}),
    ]
    path = write_rows(tmp_path / "ebay.csv", EBAY_HEADERS, table(EBAY_HEADERS, rows), leading_blank=True,
                      trailer=["1 record(s) downloaded", "Seller ID: acme_store"])  # fmt: skip
    ingest(cli, path)

    # Line 1 is blank, line 2 the header: the bad order is on line 4, as a spreadsheet shows it.
    assert query("select row_number, order_id from rejected_rows") == [(4, "12-10001-00002")]
    assert query("select rows_read from ingested_files") == [(2,)]


# --- 1688 -------------------------------------------------------------------------------------------

HEADERS_1688 = [
    "订单编号", "买家公司名", "买家会员名", "货品总价(元)", "运费(元)", "实付款（元）", "订单状态",
    "订单创建时间", "订单付款时间", "发货时间", "确认收货时间", "收货人姓名", "收货地址", "联系手机",
    "货品标题", "数量", "物流公司", "运单号", "买家留言", "关闭原因",
]  # fmt: skip


def test_1688_export(tmp_path: Path, cli, query) -> None:
    def row(order_id: str, status: str, **cells: str) -> dict[str, str]:
        return {"订单编号": order_id, "买家公司名": "义乌市某某贸易有限公司", "买家会员名": "yiwu_trade",
                "实付款（元）": "128.50", "订单状态": status, "订单创建时间": "2024-03-05 14:22:10",
                "收货人姓名": "王芳", "收货地址": "浙江省金华市义乌市稠州北路1号", "联系手机": "13800138000",
                "货品标题": "手机壳", "数量": "10", **cells}  # fmt: skip

    paid = {"订单付款时间": "2024-03-05 14:30:00"}
    rows = [
        row("1688-01", "等待买家付款"),
        row("1688-02", "等待卖家发货", **paid),
        row("1688-03", "等待买家确认收货", **paid, **{"发货时间": "2024-03-06 09:00:00",
                                                  "物流公司": "中通快递", "运单号": "ZT7788990011"}),
        row("1688-04", "交易成功", **paid, **{"发货时间": "2024-03-06 09:00:00",
                                          "确认收货时间": "2024-03-10 09:00:00"}),
        row("1688-05", "交易关闭", **paid, **{"关闭原因": "sellerGoodsLack"}),
        row("1688-06", "交易关闭", **{"关闭原因": "buyerCancel"}),
        row("1688-07", "交易关闭", **paid, **{"关闭原因": "买家取消订单"}),
        row("1688-08", "交易关闭", **paid, **{"关闭原因": "卖家库存不足"}),
        row("1688-09", "交易关闭", **paid, **{"关闭原因": "其它"}),
        row("1688-10", "交易关闭"),
    ]  # fmt: skip
    ingest(cli, write_rows(tmp_path / "1688-orders.xls", HEADERS_1688, table(HEADERS_1688, rows)))

    assert query("select platform from ingested_files") == [("1688",)]
    assert query(
        "select order_id, status, close_cause, cause_inferred, cancel_reason, seller_fault "
        "from orders_current order by 1"
    ) == [
        ("1688-01", "awaiting_payment", None, False, None, False),
        ("1688-02", "awaiting_shipment", None, False, None, False),
        ("1688-03", "shipped", None, False, None, False),
        ("1688-04", "completed", None, False, None, False),
        ("1688-05", "closed", "seller_cancelled", False, "out_of_stock", True),
        ("1688-06", "closed", "buyer_cancelled_unpaid", False, "buyer_asked", False),
        ("1688-07", "closed", "buyer_cancelled_paid", False, "buyer_asked", False),
        ("1688-08", "closed", "seller_cancelled", False, "out_of_stock", True),
        ("1688-09", "closed", "other", False, "other", False),
        ("1688-10", "closed", "payment_timeout", True, None, False),
    ]
    assert query(
        "select order_amount, currency, quantity, carrier, tracking_number from orders_current "
        "where order_id = '1688-03'"
    ) == [(Decimal("128.50"), "CNY", 10, "中通快递", "ZT7788990011")]


# --- values -------------------------------------------------------------------------------------------


def test_values_as_the_platforms_write_them(tmp_path: Path, cli, query) -> None:
    product = (
        "【1】Phone case for iPhone 15, black\n(产品属性: Color: Black)\n(产品数量: 2)\n(商家编码: PC-15-B)\n"
        "【2】USB-C cable 1m\n(产品属性: Length: 1m)\n(产品数量: 3)"
    )
    rows = [
        ali_row(id=A1, status="等待买家收货", created="2024.03.05 14:22", paid="2024-03-05 14:22:10",
                amount="US $12.34", product=product, deadline="2024-03-12",
                tracking="Cainiao:LP00123456789", shipped="2024.03.06 09:00"),
        ali_row(id=A2, status="等待买家收货", created="2024.03.05 15:00", paid="2024.03.05 15:01",
                amount="$7.50", product="【1】Sticker\n(产品数量: 1)", tracking="YANWEN：UG123456789CN",
                shipped="2024-03-06 10:00:00"),
    ]  # fmt: skip
    ingest(cli, write_ali(tmp_path / "orders.csv", rows, encoding="gbk"))

    assert query(
        "select order_id, created_at, paid_at, shipped_at, ship_deadline, order_amount, currency, "
        "carrier, tracking_number, item_count, quantity from orders_current order by 1"
    ) == [
        (A1, datetime(2024, 3, 5, 14, 22), datetime(2024, 3, 5, 14, 22, 10), datetime(2024, 3, 6, 9, 0),
         datetime(2024, 3, 12), Decimal("12.34"), "USD", "Cainiao", "LP00123456789", 2, 5),
        (A2, datetime(2024, 3, 5, 15, 0), datetime(2024, 3, 5, 15, 1), datetime(2024, 3, 6, 10, 0),
         None, Decimal("7.50"), "USD", "YANWEN", "UG123456789CN", 1, 1),
    ]  # fmt: skip


# --- platform detection -----------------------------------------------------------------------------


def test_the_platform_is_detected_from_the_headers(tmp_path: Path, cli, query) -> None:
    ali = write_ali(tmp_path / "a.xlsx", [ali_row(id=A1, status="等待买家付款", created="2024.03.05 14:22")])
    ebay = write_rows(tmp_path / "b.csv", EBAY_HEADERS, table(EBAY_HEADERS, [ebay_row("1", "12-1-1")]),
                      leading_blank=True)  # fmt: skip
    t1688 = write_rows(tmp_path / "c.xls", HEADERS_1688, table(HEADERS_1688, [
        {"订单编号": "1688-1", "订单状态": "等待买家付款", "订单创建时间": "2024-03-05 14:22:10"},
    ]))  # fmt: skip
    ingest(cli, ali, ebay, t1688)

    assert query("select platform from ingested_files order by file_id") == [
        ("aliexpress",),
        ("ebay",),
        ("1688",),
    ]
    assert query("select platform, order_id, status from orders_current order by 1") == [
        ("1688", "1688-1", "awaiting_payment"),
        ("aliexpress", A1, "awaiting_payment"),
        ("ebay", "12-1-1", "awaiting_payment"),
    ]


def test_platform_option_reads_a_file_detection_cannot_place(tmp_path: Path, cli, query) -> None:
    # An ERP's AliExpress order list: known AliExpress spellings, but none of the telling columns.
    headers = ["Order Number", "Order Status", "Order Time", "Order Total"]
    path = write_rows(
        tmp_path / "erp.csv", headers, [[A1, "WAIT_SELLER_SEND_GOODS", "2024-03-05 14:22:10", "$9.00"]]
    )

    refused = cli("ingest", path, "--store", "s1")
    assert refused.exit_code == 1
    assert "--platform" in flat(refused.output)
    assert query("select count(*) from ingested_files") == [(0,)]

    ingest(cli, path, extra=("--platform", "aliexpress"))
    assert query("select platform from ingested_files") == [("aliexpress",)]
    assert query("select order_id, status, order_amount from orders_current") == [
        (A1, "awaiting_shipment", Decimal("9.00"))
    ]


def test_platform_option_that_does_not_fit_the_file_is_refused(tmp_path: Path, cli, query) -> None:
    path = write_ali(tmp_path / "a.xlsx", [ali_row(id=A1, status="等待买家付款", created="2024.03.05 14:22")])

    wrong = cli("ingest", path, "--store", "s1", "--platform", "1688")
    assert wrong.exit_code == 1
    assert "订单编号" in flat(wrong.output)
    assert query("select count(*) from orders_current") == [(0,)]

    unknown = cli("ingest", path, "--store", "s1", "--platform", "amazon")
    assert unknown.exit_code == 2


@pytest.mark.parametrize(("cell", "amount"), [
    ("US $1,234.50", Decimal("1234.50")), ("$9.99", Decimal("9.99")), ("12.50", Decimal("12.50")),
    ("EUR 12.50", Decimal("12.50")), ("12.50 元", Decimal("12.50")), ("-3.00", Decimal("-3.00")),
    ("1 x 12.34", None), ("12abc34", None), ("", None), ("free", None),
])  # fmt: skip
def test_an_amount_cell_holds_one_number_or_none(tmp_path: Path, cell: str, amount: Decimal | None) -> None:
    from pipeline.database import connect

    con = connect(tmp_path / "h.duckdb")
    try:
        assert con.execute("select parse_amount(?)", [cell]).fetchone()[0] == amount
    finally:
        con.close()
