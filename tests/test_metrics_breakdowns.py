"""`storehealth metrics --by/--per`, time to close, CSV/Parquet breakdowns: expected values by hand.

The fixture, two stores, with the ISO weeks of March 2024 (Mon 4th - Sun 10th, Mon 11th - Sun
17th) and a window from Wed 6th to Thu 14th that cuts both weeks:

  ali (AliExpress)                                        week    paid  closed  cause (hours)
    p1  Wed 28 Feb  paid, out of stock (★), closed        prev.   yes   yes     seller_cancelled
    a1  Tue  5 Mar  paid, awaiting shipment               (before the window: nowhere)
    a2  Wed  6 00:00 paid, ship timeout                   1       yes   yes     seller_ship_timeout (72)
    a3  Thu  7 12:00 paid, buyer changed mind             1       yes   yes     buyer_cancelled_paid (10)
    a4  Fri  8 08:00 unpaid, payment timeout              1       no    yes     payment_timeout (24)
    a5  Sun 10 23:59 shipped Tue 12 10:00, deadline Mon 11: late  1  yes  no
    b1  Mon 11 00:00 paid, reason "=HYPERLINK(..)" (other) 2      yes   yes     buyer_cancelled_paid (20)
    b2  Thu 14 23:59 shipped Fri 15, deadline Sat 16: on time     2  yes  no
    b3  Fri 15 00:00 paid (after the window: nowhere)
  eb (eBay)
    e1  Thu  7 paid, cancelled out of stock (★)            1       yes   yes     seller_cancelled
    e2  Tue 12 paid, shipped Wed 13, ship by Thu 14        2       yes   no
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.builders import EBAY_HEADERS, ali_row, ebay_row, table, write_ali, write_rows

WINDOW = ("--from", "2024-03-06", "--to", "2024-03-14")
HYPERLINK = '=HYPERLINK("http://evil.example/x","click")'


@pytest.fixture
def history(tmp_path: Path, cli) -> None:
    ali = [
        ali_row(id="p1", status="订单关闭", created="2024.02.28 10:00", paid="2024.02.28 10:05",
                close_reason="卖家取消订单", cancel_reason="商品缺货", closed="2024.02.29 10:00"),
        ali_row(id="a1", status="等待您发货", created="2024.03.05 10:00", paid="2024.03.05 10:00"),
        ali_row(id="a2", status="订单关闭", created="2024.03.06 00:00", paid="2024.03.06 00:10",
                close_reason="seller_send_goods_timeout", closed="2024.03.09 00:00"),
        ali_row(id="a3", status="订单关闭", created="2024.03.07 12:00", paid="2024.03.07 12:05",
                close_reason="cancel_order_close_trade", cancel_reason="买家不想购买这个订单",
                closed="2024.03.07 22:00"),
        ali_row(id="a4", status="订单关闭", created="2024.03.08 08:00", close_reason="buyer_pay_timeout",
                closed="2024.03.09 08:00"),
        ali_row(id="a5", status="等待买家收货", created="2024.03.10 23:59", paid="2024.03.10 23:59",
                deadline="2024-03-11", shipped="2024.03.12 10:00"),
        ali_row(id="b1", status="订单关闭", created="2024.03.11 00:00", paid="2024.03.11 00:05",
                close_reason="cancel_order_close_trade", cancel_reason=HYPERLINK, closed="2024.03.11 20:00"),
        ali_row(id="b2", status="等待买家收货", created="2024.03.14 23:59", paid="2024.03.14 23:59",
                deadline="2024-03-16", shipped="2024.03.15 10:00"),
        ali_row(id="b3", status="等待您发货", created="2024.03.15 00:00", paid="2024.03.15 00:00"),
    ]  # fmt: skip
    assert cli("ingest", write_ali(tmp_path / "ali.csv", ali), "--store", "ali").exit_code == 0
    paid = {"Paid On Date": "Mar-07-24"}
    ebay = [
        ebay_row("1", "12-00001-00001", **{"Sale Date": "Mar-07-24"}, **paid,
                 **{"Cancel Status": "CANCEL_CLOSED_WITH_REFUND", "Cancel Reason": "OutOfStock"}),
        ebay_row("2", "12-00001-00002", **{"Sale Date": "Mar-12-24", "Paid On Date": "Mar-12-24",
                 "Shipped On Date": "Mar-13-24", "Ship By Date": "Mar-14-24", "Tracking Number": "9400"}),
    ]  # fmt: skip
    path = write_rows(tmp_path / "ebay.csv", EBAY_HEADERS, table(EBAY_HEADERS, ebay))
    result = cli("ingest", path, "--store", "eb")
    assert result.exit_code == 0, result.output


def metrics_json(cli, *args: str):
    result = cli("metrics", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def brief(figures: dict) -> tuple:
    """The counts and rates of one SPEC object, in a line a reader can check against the table."""
    return (
        figures["from"], figures["to"], figures["orders"], figures["paid_orders"],
        figures["closed_orders"], figures["sold_not_shipped"]["count"], figures["sold_not_shipped"]["rate"],
        figures["late_shipment"]["count"], figures["late_shipment"]["rate"],
    )  # fmt: skip


def test_by_week_cuts_the_window_into_iso_weeks(history, cli) -> None:
    weeks = metrics_json(cli, "--store", "ali", *WINDOW, "--by", "week")
    assert [brief(w) for w in weeks] == [
        ("2024-03-06", "2024-03-10", 4, 3, 3, 1, 1 / 3, 1, 1.0),
        ("2024-03-11", "2024-03-14", 2, 2, 1, 0, 0.0, 0, 0.0),
    ]
    # every object has exactly the SPEC section 5 keys
    assert all(list(w) == list(metrics_json(cli, "--store", "ali", *WINDOW)) for w in weeks)
    assert weeks[0]["close_causes"] == [
        {"cause": "buyer_cancelled_paid", "count": 1, "share": 1 / 3, "inferred": 0},
        {"cause": "payment_timeout", "count": 1, "share": 1 / 3, "inferred": 0},
        {"cause": "seller_ship_timeout", "count": 1, "share": 1 / 3, "inferred": 0},
    ]
    assert weeks[1]["cancellation_reasons"] == [
        {"reason": "other", "count": 1, "share": 1.0, "seller_fault": False}
    ]


def test_by_month_and_an_empty_period(history, cli) -> None:
    months = metrics_json(cli, "--all", "--from", "2024-02-01", "--to", "2024-04-30", "--by", "month")
    assert [brief(m) for m in months] == [
        ("2024-02-01", "2024-02-29", 1, 1, 1, 1, 1.0, 0, None),
        ("2024-03-01", "2024-03-31", 10, 9, 5, 2, 2 / 9, 1, 1 / 3),
        ("2024-04-01", "2024-04-30", 0, 0, 0, 0, None, 0, None),
    ]
    assert months[2]["cancellation_reasons"] == [] and months[2]["close_causes"] == []


def test_per_store_and_per_platform(history, cli) -> None:
    stores = metrics_json(cli, "--all", *WINDOW, "--per", "store")
    assert [(s["store"], *brief(s)[2:]) for s in stores] == [
        ("ali", 6, 5, 4, 1, 1 / 5, 1, 0.5),
        ("eb", 2, 2, 1, 1, 0.5, 0, 0.0),
    ]
    platforms = metrics_json(cli, "--store", "ali", "--store", "eb", *WINDOW, "--per", "platform")
    assert [(p["store"], p["platform"], p["orders"]) for p in platforms] == [
        ("ali,eb", "aliexpress", 6), ("ali,eb", "ebay", 2),
    ]  # fmt: skip
    assert platforms[1]["cancellation_reasons"] == [
        {"reason": "out_of_stock", "count": 1, "share": 1.0, "seller_fault": True}
    ]
    cluster = metrics_json(cli, "--all", *WINDOW)
    assert brief(cluster)[2:] == (8, 7, 5, 2, 2 / 7, 1, 1 / 3)


def test_week_over_week_changes_come_with_the_breakdown(history, db_path) -> None:
    from datetime import date

    from pipeline import connect, metrics

    con = connect(db_path)
    try:
        weeks = metrics.breakdown(con, date(2024, 3, 6), date(2024, 3, 14), ["ali"], by="week")
    finally:
        con.close()
    got = weeks[
        ["sold_not_shipped_rate", "sold_not_shipped_rate_previous", "sold_not_shipped_rate_change",
         "late_shipment_rate_previous", "cancellation_rate", "cancellation_rate_previous"]
    ].to_numpy().tolist()  # fmt: skip
    # the first week is compared with the whole week before it (p1 only: 1 of 1 paid, not shipped)
    assert got[0][:3] == pytest.approx([1 / 3, 1.0, 1 / 3 - 1.0])
    assert got[0][3] != got[0][3]  # no shipment the week before: no previous late rate (NaN)
    assert got[0][4:] == pytest.approx([3 / 4, 1.0])
    assert got[1][:3] == pytest.approx([0.0, 1 / 3, -1 / 3])
    assert got[1][4:] == pytest.approx([1 / 2, 3 / 4])


def test_time_to_close_per_cause(history, db_path) -> None:
    from datetime import date

    from pipeline import connect, metrics

    con = connect(db_path)
    try:
        causes = metrics.time_to_close(con, date(2024, 3, 6), date(2024, 3, 14))
    finally:
        con.close()
    rows = causes[["cause", "count", "median_hours_to_close", "p90_hours_to_close", "with_close_time"]]
    # no close time at all gives no hours (NaN in pandas), shown here as -1
    assert rows.fillna(-1).to_numpy().tolist() == [
        # 10 h and 20 h: median 15, 90th percentile 10 + 0.9 × 10
        ["buyer_cancelled_paid", 2, 15.0, 19.0, 2],
        ["payment_timeout", 1, 24.0, 24.0, 1],
        ["seller_cancelled", 1, -1, -1, 0],  # eBay exports no close time
        ["seller_ship_timeout", 1, 72.0, 72.0, 1],
    ]


def test_the_readable_table_shows_time_to_close_and_the_orders_to_ship_first(history, cli) -> None:
    result = cli("metrics", "--all", *WINDOW)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()

    def row(first_cell: str) -> list[str]:
        [line] = [line for line in lines if line.startswith(f"│ {first_cell} ")]
        return [cell.strip() for cell in line.strip("│").split("│")]

    # orders, share, inferred, median, 90th percentile (10 h and 20 h: 15 h and 19 h), with a time
    assert row("buyer cancelled after paying")[1:] == ["2", "40.00%", "0", "15 h", "19 h", "2"]
    assert row("seller did not ship in time")[1:] == ["1", "20.00%", "0", "3 days", "3 days", "1"]
    assert row("seller cancelled")[1:] == ["1", "20.00%", "0", "n/a", "n/a", "0"]  # eBay gives no close time
    # the backlog is now, not the window: a1 and b3 await shipment, with no deadline in the export
    assert "2 orders wait to be shipped; 0 need attention first" in result.stdout
    backlog = [[c.strip() for c in line.strip("│").split("│")] for line in lines if line.startswith("│ ali ")]
    # store, order, ordered, why first, ship by, time left, shipping: no deadline, oldest first
    no_deadline = ["", "", "no deadline"]
    assert [r[:6] for r in backlog] == [["ali", "a1", "2024-03-05", *no_deadline],
                                        ["ali", "b3", "2024-03-15", *no_deadline]]  # fmt: skip


def test_a_window_past_a_stores_latest_export_is_flagged_on_stderr(history, cli) -> None:
    # ali's export ends with b2's shipment on Fri 15 March; eb's with e2's on Wed 13 March
    result = cli("metrics", "--all", *WINDOW, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["orders"] == 8  # stdout stays one JSON object
    assert "eb: the latest export is from 2024-03-13" in result.stderr
    assert "ali:" not in result.stderr
    inside = cli("metrics", "--all", "--from", "2024-03-06", "--to", "2024-03-13", "--json")
    assert inside.exit_code == 0 and "latest export" not in inside.stderr


def test_a_store_with_no_paid_orders_has_null_rates(tmp_path: Path, cli) -> None:
    rows = [ali_row(id="u1", status="等待买家付款", created="2024.03.06 09:00")]
    assert cli("ingest", write_ali(tmp_path / "unpaid.csv", rows), "--store", "unpaid").exit_code == 0
    figures = metrics_json(cli, "--store", "unpaid", *WINDOW)
    assert (figures["orders"], figures["paid_orders"]) == (1, 0)
    assert figures["sold_not_shipped"] == {"count": 0, "rate": None}
    assert figures["late_shipment"] == {"count": 0, "rate": None}


def test_csv_breakdown_neutralises_formulas_and_parquet_keeps_types(history, cli, tmp_path: Path) -> None:
    reasons_csv, weeks_parquet = tmp_path / "reasons.csv", tmp_path / "weeks.parquet"
    result = cli("metrics", "--all", *WINDOW, "--table", "reasons", "--csv", reasons_csv)
    assert result.exit_code == 0, result.output
    with reasons_csv.open(encoding="utf-8-sig", newline="") as fh:
        reasons = list(csv.DictReader(fh))
    raw_texts = {r["reason"]: r["raw_text"] for r in reasons}
    assert raw_texts["other"] == "'" + HYPERLINK  # a spreadsheet shows it as text, never runs it
    assert raw_texts["buyer_changed_mind"] == "买家不想购买这个订单"
    assert [(r["reason"], r["count"], r["seller_fault"]) for r in reasons] == [
        ("buyer_changed_mind", "1", "False"), ("other", "1", "False"), ("out_of_stock", "1", "True"),
    ]  # fmt: skip

    result = cli("metrics", "--store", "ali", *WINDOW, "--by", "week", "--parquet", weeks_parquet)
    assert result.exit_code == 0, result.output
    weeks = pq.read_table(weeks_parquet).to_pylist()
    assert [(str(w["period_from"]), w["orders"], w["sold_not_shipped_rate_change"]) for w in weeks] == [
        ("2024-03-06", 4, pytest.approx(1 / 3 - 1.0)), ("2024-03-11", 2, pytest.approx(-1 / 3)),
    ]  # fmt: skip


def test_backlog_csv_neutralises_buyer_remarks(tmp_path: Path, cli) -> None:
    rows = [
        ali_row(id="r1", status="等待您发货", created="2024.03.06 09:00", paid="2024.03.06 09:00",
                deadline="2024-03-13", remark="@SUM(A1:A9) please hurry"),
        ali_row(id="r2", status="等待您发货", created="2024.03.06 09:00", paid="2024.03.06 09:00",
                deadline="2024-03-12", remark="-1+2 gift wrap"),
    ]  # fmt: skip
    assert cli("ingest", write_ali(tmp_path / "open.csv", rows), "--store", "open").exit_code == 0
    out = tmp_path / "backlog.csv"
    result = cli("metrics", "--store", "open", "--to", "2024-03-10", "--policy", "--csv", out)
    assert result.exit_code == 0, result.output  # --policy with --csv writes the policy table
    result = cli("metrics", "--store", "open", *WINDOW, "--table", "backlog", "--csv", out)
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        backlog = list(csv.DictReader(fh))
    assert [(b["order_id"], b["remark"]) for b in backlog] == [
        ("r2", "'-1+2 gift wrap"), ("r1", "'@SUM(A1:A9) please hurry"),
    ]  # fmt: skip


def test_breakdown_usage_errors(history, cli, tmp_path: Path) -> None:
    assert cli("metrics", "--all", *WINDOW, "--by", "quarter").exit_code == 2
    assert cli("metrics", "--all", "--to", "2024-03-14", "--policy", "--by", "week").exit_code == 2
    assert cli("metrics", "--all", "--to", "2024-03-14").exit_code == 2  # --from needed without --policy
    missing = cli("metrics", "--all", *WINDOW, "--csv", tmp_path / "no" / "such" / "dir.csv")
    assert missing.exit_code == 1 and "does not exist" in missing.stderr


def test_repeat_offenders_are_the_products_of_seller_fault_closures(tmp_path: Path, cli, db_path) -> None:
    from datetime import date

    from pipeline import connect, metrics

    case, cable = "【1】 Red Case\n(产品数量: 1)", "【1】 USB Cable\n(产品数量: 2)"
    closed = {"status": "订单关闭", "created": "2024.03.06 09:00", "paid": "2024.03.06 09:00"}
    rows = [
        ali_row(id="o1", **closed, cancel_reason="商品缺货",
                product=case + "\n" + cable.replace("【1】", "【2】")),
        ali_row(id="o2", **closed, cancel_reason="商品缺货", close_reason="cancel_order_close_trade",
                product=case),
        ali_row(id="o3", status="等待您发货", created="2024.03.07 09:00", paid="2024.03.07 09:00",
                product=case),
        ali_row(id="o4", **closed, cancel_reason="买家下错单", product=cable),
        ali_row(id="o5", status="订单关闭", created="2024.04.02 09:00", paid="2024.04.02 09:00",
                cancel_reason="商品缺货", product=case),  # April: outside the window
    ]  # fmt: skip
    assert cli("ingest", write_ali(tmp_path / "p.csv", rows), "--store", "p").exit_code == 0
    con = connect(db_path)
    try:
        got = metrics.repeat_offenders(con, date(2024, 3, 1), date(2024, 3, 31))
    finally:
        con.close()
    assert got.to_numpy().tolist() == [
        # Red Case: in o1, o2, o3 (o5 is April); o1 and o2 closed for out of stock
        ["Red Case", 2, 3, 2 / 3, "out_of_stock"],
        # USB Cable: in o1 and o4; only o1 is the seller's fault
        ["USB Cable", 1, 2, 0.5, "out_of_stock"],
    ]
