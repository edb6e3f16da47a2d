"""`storehealth metrics`: SPEC section 4 figures on a small fixture, expected values by hand."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.builders import ali_row, write_ali

T = "2024.03.05 10:00"


@pytest.fixture
def history(tmp_path: Path, cli) -> None:
    rows = [
        # open, paid
        ali_row(id="1001", status="等待您发货", created=T, paid=T, deadline="2024-03-12"),
        # paid, never shipped, closed: out of stock (★), no close reason: cause inferred
        ali_row(id="1002", status="订单关闭", created=T, paid=T, cancel_reason="商品缺货"),
        # paid, never shipped, closed by ship timeout (seller's fault)
        ali_row(id="1003", status="订单关闭", created=T, paid=T, close_reason="seller_send_goods_timeout"),
        # unpaid, closed by payment timeout
        ali_row(id="1004", status="订单关闭", created=T, close_reason="buyer_pay_timeout"),
        # paid, buyer changed their mind (not the seller's fault)
        ali_row(id="1005", status="订单关闭", created=T, paid=T, close_reason="cancel_order_close_trade",
                cancel_reason="买家不想购买这个订单"),
        # shipped in the last minute of the deadline day: on time
        ali_row(id="1006", status="等待买家收货", created=T, paid=T, deadline="2024-03-10",
                shipped="2024.03.10 23:59"),
        # shipped the minute after the deadline day ended: late
        ali_row(id="1007", status="等待买家收货", created=T, paid=T, deadline="2024-03-10",
                shipped="2024.03.11 00:00"),
        # outside a March window on either side, to the minute
        ali_row(id="1008", status="订单关闭", created="2024.04.01 00:00", paid="2024.04.01 00:05",
                cancel_reason="商品缺货"),
        ali_row(id="1009", status="等待您发货", created="2024.02.29 23:59", paid="2024.02.29 23:59"),
    ]
    result = cli("ingest", write_ali(tmp_path / "orders.csv", rows), "--store", "s1")
    assert result.exit_code == 0, result.output


def metrics_json(cli, *args: str) -> dict:
    result = cli("metrics", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_march_figures_match_the_hand_count(history, cli) -> None:
    assert metrics_json(cli, "--store", "s1", "--from", "2024-03-01", "--to", "2024-03-31") == {
        "store": "s1", "from": "2024-03-01", "to": "2024-03-31",
        "orders": 7, "paid_orders": 6, "closed_orders": 4,
        "sold_not_shipped": {"count": 2, "rate": 2 / 6},
        "late_shipment": {"count": 1, "rate": 0.5},
        "cancellation_reasons": [
            {"reason": "buyer_changed_mind", "count": 1, "share": 0.5, "seller_fault": False},
            {"reason": "out_of_stock", "count": 1, "share": 0.5, "seller_fault": True},
        ],
        "close_causes": [
            {"cause": "buyer_cancelled_paid", "count": 2, "share": 0.5, "inferred": 1},
            {"cause": "payment_timeout", "count": 1, "share": 0.25, "inferred": 0},
            {"cause": "seller_ship_timeout", "count": 1, "share": 0.25, "inferred": 0},
        ],
    }  # fmt: skip


def test_the_notebook_api_takes_one_store_name_and_refuses_a_backwards_window(history, db_path) -> None:
    from pipeline import connect, metrics

    con = connect(db_path)
    try:
        one = metrics.summary(con, date(2024, 3, 1), date(2024, 3, 31), stores="s1")
        with pytest.raises(ValueError, match="after"):
            metrics.summary(con, date(2024, 3, 31), date(2024, 3, 1), ["s1"])
    finally:
        con.close()
    assert (one.loc[0, "orders"], one.loc[0, "paid_orders"]) == (7, 6)  # as counted above


def test_as_of_counts_the_open_orders_time_left_from_that_moment(history, cli) -> None:
    result = cli("metrics", "--store", "s1", "--from", "2024-03-01", "--to", "2024-03-31",
                 "--as-of", "2024-03-11T12:00")  # fmt: skip
    assert result.exit_code == 0, result.output
    # 1001 must ship by 12 March: 36 hours from noon on the 11th to the end of the 12th
    [line] = [x for x in result.stdout.splitlines() if x.startswith("│ s1 ") and " 1001 " in x]
    assert [c.strip() for c in line.strip("│").split("│")][3:6] == ["due soon", "2024-03-12", "36 h"]
    assert "As of 11 Mar 2024 12:00" in result.stdout
    bad = cli("metrics", "--store", "s1", "--from", "2024-03-01", "--to", "2024-03-31", "--as-of", "soon")
    assert bad.exit_code == 2 and "--as-of" in bad.stderr


def test_window_edges_are_whole_calendar_days(history, cli) -> None:
    april_first = metrics_json(cli, "--all", "--from", "2024-04-01", "--to", "2024-04-01")
    assert april_first["store"] == "*"
    assert (april_first["orders"], april_first["sold_not_shipped"]) == (1, {"count": 1, "rate": 1.0})
    leap_day = metrics_json(cli, "--store", "s1", "--from", "2024-02-29", "--to", "2024-02-29")
    assert (leap_day["orders"], leap_day["paid_orders"], leap_day["closed_orders"]) == (1, 1, 0)


def test_an_empty_window_has_zero_counts_and_null_rates(history, cli) -> None:
    empty = metrics_json(cli, "--store", "s1", "--from", "2023-01-01", "--to", "2023-01-31")
    assert empty["orders"] == empty["paid_orders"] == empty["closed_orders"] == 0
    assert empty["sold_not_shipped"] == {"count": 0, "rate": None}
    assert empty["late_shipment"] == {"count": 0, "rate": None}
    assert empty["cancellation_reasons"] == [] and empty["close_causes"] == []


def test_json_keys_and_types_follow_spec_section_5(history, cli) -> None:
    m = metrics_json(cli, "--all", "--from", "2024-01-01", "--to", "2024-12-31")
    assert list(m) == [
        "store", "from", "to", "orders", "paid_orders", "closed_orders", "sold_not_shipped",
        "late_shipment", "cancellation_reasons", "close_causes",
    ]  # fmt: skip
    assert all(isinstance(m[k], int) for k in ("orders", "paid_orders", "closed_orders"))
    assert set(m["sold_not_shipped"]) == set(m["late_shipment"]) == {"count", "rate"}
    assert all(set(r) == {"reason", "count", "share", "seller_fault"} for r in m["cancellation_reasons"])
    assert all(set(c) == {"cause", "count", "share", "inferred"} for c in m["close_causes"])
    assert sum(r["share"] for r in m["cancellation_reasons"]) == pytest.approx(1.0)
    assert sum(c["share"] for c in m["close_causes"]) == pytest.approx(1.0)


def test_bad_windows_and_unknown_stores(history, cli) -> None:
    backwards = cli("metrics", "--store", "s1", "--from", "2024-03-31", "--to", "2024-03-01")
    assert backwards.exit_code == 2
    unknown = cli("metrics", "--store", "nope", "--from", "2024-03-01", "--to", "2024-03-31")
    assert unknown.exit_code == 1
    assert "nope" in unknown.stderr and "s1" in unknown.stderr
    readable = cli("metrics", "--store", "s1", "--from", "2024-03-01", "--to", "2024-03-31")
    assert readable.exit_code == 0 and "sold not shipped" in readable.stdout
    both = cli("metrics", "--store", "s1", "--all", "--from", "2024-03-01", "--to", "2024-03-31")
    assert both.exit_code == 2 and "not both" in both.stderr
    no_day = cli("metrics", "--store", "s1", "--from", "2024-02-30", "--to", "2024-03-31")
    assert no_day.exit_code == 2 and "no such day" in no_day.stderr
    # --table says what --csv/--parquet write: alone it would be ignored
    table_alone = cli("metrics", "--store", "s1", "--from", "2024-03-01", "--to", "2024-03-31",
                      "--table", "reasons")  # fmt: skip
    assert table_alone.exit_code == 2 and "--csv" in table_alone.stderr


def test_open_backlog_puts_the_nearest_deadline_first_with_its_flags(tmp_path: Path, cli, db_path) -> None:
    from pipeline import connect, metrics

    rows = [
        ali_row(id="2001", status="等待您发货", created=T, paid=T, deadline="2024-03-12",
                shipping="AliExpress Standard Shipping"),
        ali_row(id="2002", status="等待您发货", created=T, paid=T, deadline="2024-03-10",
                shipping="DHL", remark="please ship fast"),
        ali_row(id="2003", status="等待您发货", created=T, paid=T, deadline="2024-03-11",
                amount="US $512.00", product="【1】 Case\n(产品数量: 2)"),
        ali_row(id="2004", status="等待买家收货", created=T, paid=T, shipped="2024.03.06 10:00"),
        ali_row(id="2005", status="等待您发货", created=T, paid=T, deadline="2024-03-09"),
        ali_row(id="2006", status="等待您发货", created=T, paid=T, deadline="2024-03-13"),
    ]
    assert cli("ingest", write_ali(tmp_path / "open.csv", rows), "--store", "s2").exit_code == 0
    con = connect(db_path)
    try:
        backlog = metrics.open_backlog(con, ["s2"], as_of=datetime(2024, 3, 10, 12, 0))
        march = metrics.summary(con, date(2024, 3, 1), date(2024, 3, 31), ["s2"])
    finally:
        con.close()
    assert backlog["order_id"].tolist() == ["2005", "2002", "2003", "2001", "2006"]
    # the deadline day ends at midnight: 12 h past on 03-09, 12 h left on 03-10, 36 h on 03-11,
    # 60 h on 03-12, 84 h on 03-13
    assert backlog["hours_left"].tolist() == [-12.0, 12.0, 36.0, 60.0, 84.0]
    assert backlog["express"].tolist() == [False, True, False, False, False]
    assert backlog["wholesale"].tolist() == [False, False, True, False, False]
    assert backlog["has_remark"].tolist() == [False, True, False, False, False]
    assert backlog["overdue"].tolist() == [True, False, False, False, False]
    # due soon: the deadline day ends within 48 hours (vocabulary.toml), or has ended
    assert backlog["due_soon"].tolist() == [True, True, True, False, False]
    assert backlog["attention_first"].tolist() == [True, True, True, False, False]
    assert march.loc[0, "orders"] == 6 and march.loc[0, "paid_orders"] == 6


def test_an_express_order_comes_first_even_with_a_late_deadline(tmp_path: Path, cli, db_path) -> None:
    from pipeline import connect, metrics

    rows = [
        ali_row(id="3001", status="等待您发货", created=T, paid=T, deadline="2024-03-20", shipping="EMS"),
        ali_row(id="3002", status="等待您发货", created=T, paid=T, deadline="2024-03-19",
                shipping="DHLX Post"),
        ali_row(id="3003", status="等待您发货", created=T, paid=T, deadline="2024-03-18",
                product="【1】 Cable\n(产品数量: 10)"),
    ]  # fmt: skip
    assert cli("ingest", write_ali(tmp_path / "open.csv", rows), "--store", "s3").exit_code == 0
    con = connect(db_path)
    try:
        backlog = metrics.open_backlog(con, ["s3"], as_of=datetime(2024, 3, 10, 12, 0))
        first = metrics.open_backlog_first(con, ["s3"], as_of=datetime(2024, 3, 10, 12, 0), limit=2)
    finally:
        con.close()
    assert backlog["order_id"].tolist() == ["3003", "3002", "3001"]  # by deadline
    # the readable table's view: those needing attention first, then by deadline, cut at `limit`
    assert (first["orders"], first["attention_first"]) == (3, 2)
    assert [o["order_id"] for o in first["first"]] == ["3003", "3001"]
    # EMS is an express carrier; "DHLX" is not DHL (whole words only); 10 items is wholesale
    assert backlog["express"].tolist() == [False, False, True]
    assert backlog["wholesale"].tolist() == [True, False, False]
    assert backlog["due_soon"].tolist() == [False, False, False]
    assert backlog["attention_first"].tolist() == [True, False, True]
    assert backlog["ship_first_rank"].tolist() == [1, 3, 2]  # attention first, then by deadline


# Every branch of the seller-fault rule and of the close-cause inference, one order each:
# (order, cells, expected close_cause, cause_inferred, seller_fault). All created 5 March, the
# export made on 20 March (so an order first seen closed then is past a 12 March deadline).
P = {"created": T, "paid": T}
CLOSED = {"status": "订单关闭"}
BRANCHES = [
    # reported causes
    ("f1", {**P, **CLOSED, "close_reason": "seller_send_goods_timeout"}, "seller_ship_timeout", False, True),
    ("f2", {**P, **CLOSED, "close_reason": "cancel_order_close_trade", "cancel_reason": "商品缺货"},
     "buyer_cancelled_paid", False, True),  # a seller-fault reason makes it the seller's fault
    ("f3", {"created": T, **CLOSED, "close_reason": "buyer_cancel_notpay_order", "cancel_reason": "商品缺货"},
     "buyer_cancelled_unpaid", False, False),  # never paid: not sold, so not sold-not-shipped
    ("f4", {**P, **CLOSED, "close_reason": "纠纷退款", "cancel_reason": "商品缺货",
            "shipped": "2024.03.06 10:00"}, "dispute_refund", False, False),  # shipped: not sold-not-shipped
    ("f5", {**P, **CLOSED, "close_reason": "cancel_order_close_trade", "cancel_reason": "买家下错单"},
     "buyer_cancelled_paid", False, False),  # the buyer's reason
    ("f6", {**P, "status": "等待您发货", "cancel_reason": "商品缺货"}, None, False, False),  # still open
    # inferred causes (no close reason in the export)
    ("i1", {"created": T, **CLOSED}, "payment_timeout", True, False),
    ("i2", {**P, **CLOSED, "deadline": "2024-03-08", "closed": "2024.03.09 00:00"},
     "seller_ship_timeout", True, True),  # closed after the deadline day ended
    ("i3", {**P, **CLOSED, "deadline": "2024-03-12"},
     "seller_ship_timeout", True, True),  # no close time: first seen closed on the 20th
    ("i4", {**P, **CLOSED, "deadline": "2024-03-08", "closed": "2024.03.08 23:59"},
     "buyer_cancelled_paid", True, False),  # closed within the deadline day
    ("i5", {**P, **CLOSED}, "buyer_cancelled_paid", True, False),  # no deadline known
    ("i6", {**P, **CLOSED, "shipped": "2024.03.06 10:00"}, "dispute_refund", True, False),
]  # fmt: skip


def test_every_seller_fault_and_inference_branch(tmp_path: Path, cli, query) -> None:
    rows = [ali_row(id=order, **cells) for order, cells, *_ in BRANCHES]
    path = write_ali(tmp_path / "branches.xls", rows)
    result = cli("ingest", path, "--store", "b", "--exported-at", "2024-03-20")
    assert result.exit_code == 0, result.output
    got = query("select order_id, close_cause, cause_inferred, seller_fault from orders_current order by 1")
    assert got == sorted((order, cause, inferred, fault) for order, _, cause, inferred, fault in BRANCHES)
    figures = metrics_json(cli, "--store", "b", "--from", "2024-03-05", "--to", "2024-03-05")
    # f1, f2, i2, i3 were paid, never shipped, closed and the seller's fault; 10 of 12 were paid
    assert figures["sold_not_shipped"] == {"count": 4, "rate": 0.4}
