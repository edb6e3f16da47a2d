"""Sold-not-shipped and the pre-fulfilment cancel rate are two metrics (SPEC section 4, issue 14).

Sold-not-shipped (AliExpress 成交不卖, eBay defects) counts paid orders closed unshipped for a
seller-fault reason or cause, whoever pressed cancel; over paid orders. The pre-fulfilment cancel
rate (Amazon's cancellation rate) counts orders the seller's side closed before shipping (close
cause seller_cancelled or seller_ship_timeout), whatever the reason, paid or not; over all orders.

The AliExpress store "ali", every order created on Tue 5 March 2024, hand count:

    order  paid  shipped  closed by (cause)               reason            sold-not-shipped  pre-fulfilment
    A1     yes   no       buyer (buyer_cancelled_paid)    out_of_stock ★    1                 0
    A2     yes   no       seller (seller_cancelled)       buyer_asked       0                 1
    A3     no    no       seller (seller_cancelled)       -                 0 (unpaid)        1
    A4     yes   no       seller_ship_timeout, inferred   -                 1                 1
    A5     yes   no       seller (seller_cancelled)       out_of_stock ★    1                 1
    A6     no    no       payment_timeout                 -                 0                 0
    A7     yes   yes      seller (seller_cancelled)       -                 0                 0 (shipped)
    A8-A11 yes   yes      open (awaiting receipt)         -                 0                 0

    orders 11, paid 9, closed 7
    sold-not-shipped 3 (A1, A4, A5) / 9 paid      = 1/3
    pre-fulfilment   4 (A2, A3, A4, A5) / 11 orders = 4/11

A4 has no close reason; its ship deadline (8 March) had ended when it closed (9 March), so its
cause is inferred seller_ship_timeout, which is both metrics' (SPEC section 2).

The eBay store "eb", sold on 5 March 2024: E1 paid, cancelled for AddressIssues (the seller's
cancel, close cause seller_cancelled; reason address_issue, not ★); E2 paid, cancelled for
OutOfStock (seller_cancelled, out_of_stock ★); E3, E4 paid and shipped.

    orders 4, paid 4; sold-not-shipped 1 (E2) / 4 = 0.25; pre-fulfilment 2 (E1, E2) / 4 = 0.5
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.builders import EBAY_HEADERS, ali_row, ebay_row, table, write_ali, write_rows

T = "2024.03.05 10:00"
WINDOW = ("--from", "2024-03-05", "--to", "2024-03-11")


@pytest.fixture
def history(tmp_path: Path, cli) -> None:
    closed, paid = {"status": "订单关闭", "created": T}, {"paid": T}
    rows = [
        ali_row(id="A1", **closed, **paid, close_reason="buyer_cancel_order", cancel_reason="商品缺货"),
        ali_row(id="A2", **closed, **paid, close_reason="卖家取消订单", cancel_reason="买家取消订单"),
        ali_row(id="A3", **closed, close_reason="卖家取消订单"),
        ali_row(id="A4", **closed, **paid, deadline="2024-03-08", closed="2024.03.09 10:00"),
        ali_row(id="A5", **closed, **paid, close_reason="卖家取消订单", cancel_reason="商品缺货"),
        ali_row(id="A6", **closed, close_reason="buyer_pay_timeout"),
        ali_row(id="A7", **closed, **paid, close_reason="卖家取消订单", deadline="2024-03-08",
                shipped="2024.03.06 09:00"),
        *(
            ali_row(id=f"A{n}", status="等待买家收货", created=T, **paid, deadline="2024-03-08",
                    shipped="2024.03.06 09:00")
            for n in range(8, 12)
        ),
    ]  # fmt: skip
    result = cli("ingest", write_ali(tmp_path / "ali.csv", rows), "--store", "ali",
                 "--exported-at", "2024-03-11")  # fmt: skip
    assert result.exit_code == 0, result.output

    sold = {"Sale Date": "Mar-05-24", "Paid On Date": "Mar-05-24"}
    shipped = {**sold, "Shipped On Date": "Mar-06-24"}
    ebay = [
        ebay_row("1", "12-00001-00001", **sold, **{"Cancel Status": "CANCEL_CLOSED_WITH_REFUND",
                                                   "Cancel Reason": "AddressIssues"}),
        ebay_row("2", "12-00002-00001", **sold, **{"Cancel Status": "CANCEL_CLOSED_WITH_REFUND",
                                                   "Cancel Reason": "OutOfStock"}),
        ebay_row("3", "12-00003-00001", **shipped),
        ebay_row("4", "12-00004-00001", **shipped),
    ]  # fmt: skip
    path = write_rows(tmp_path / "ebay.csv", EBAY_HEADERS, table(EBAY_HEADERS, ebay))
    result = cli("ingest", path, "--store", "eb", "--exported-at", "2024-03-11")
    assert result.exit_code == 0, result.output


def run_json(cli, *args: str) -> dict:
    result = cli("metrics", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_cli_counts_sold_not_shipped_as_counted_by_hand(history, cli) -> None:
    ali = run_json(cli, "--store", "ali", *WINDOW)
    assert (ali["orders"], ali["paid_orders"], ali["closed_orders"]) == (11, 9, 7)
    assert ali["sold_not_shipped"] == {"count": 3, "rate": 3 / 9}
    causes = {c["cause"]: (c["count"], c["inferred"]) for c in ali["close_causes"]}
    assert causes == {
        "seller_cancelled": (4, 0), "buyer_cancelled_paid": (1, 0), "seller_ship_timeout": (1, 1),
        "payment_timeout": (1, 0),
    }  # fmt: skip
    eb = run_json(cli, "--store", "eb", *WINDOW)
    assert (eb["orders"], eb["paid_orders"], eb["closed_orders"]) == (4, 4, 2)
    assert eb["sold_not_shipped"] == {"count": 1, "rate": 0.25}


def test_the_policy_standing_counts_pre_fulfilment_cancels_as_counted_by_hand(history, cli) -> None:
    payload = run_json(cli, "--store", "ali", "--store", "eb", "--to", "2024-03-11", "--policy")
    got = {(p["store"], p["policy"]): (p["numerator"], p["base"]) for p in payload["policies"]}
    assert got[("ali", "pre_fulfilment_cancel_rate")] == (4, 11)
    assert got[("ali", "aliexpress_sold_not_shipped_rate")] == (3, 9)
    assert got[("eb", "pre_fulfilment_cancel_rate")] == (2, 4)
    assert got[("eb", "ebay_transaction_defect_rate")] == (1, 4)
    rates = {key: p["rate"] for p in payload["policies"] if (key := (p["store"], p["policy"]))}
    assert rates[("ali", "pre_fulfilment_cancel_rate")] == pytest.approx(4 / 11)
    assert rates[("eb", "pre_fulfilment_cancel_rate")] == pytest.approx(0.5)


def test_the_python_api_gives_both_counts_and_rates(history, db_path) -> None:
    from pipeline import connect, metrics

    con = connect(db_path)
    try:
        per_store = metrics.breakdown(con, date(2024, 3, 5), date(2024, 3, 11), ["ali", "eb"], per="store")
        everything = metrics.summary(con, date(2024, 3, 5), date(2024, 3, 11))
    finally:
        con.close()
    rows = per_store.set_index("store")
    wanted = ["orders", "paid_orders", "sold_not_shipped", "pre_fulfilment_cancellations"]
    assert rows.loc["ali", wanted].tolist() == [11, 9, 3, 4]
    assert rows.loc["eb", wanted].tolist() == [4, 4, 1, 2]
    assert float(rows.loc["ali", "sold_not_shipped_rate"]) == pytest.approx(3 / 9)
    assert float(rows.loc["ali", "pre_fulfilment_cancel_rate"]) == pytest.approx(4 / 11)
    assert float(rows.loc["eb", "sold_not_shipped_rate"]) == pytest.approx(0.25)
    assert float(rows.loc["eb", "pre_fulfilment_cancel_rate"]) == pytest.approx(0.5)
    # both stores together: 4 sold-not-shipped of 13 paid, 6 pre-fulfilment cancels of 15 orders
    assert everything.loc[0, wanted].tolist() == [15, 13, 4, 6]
    assert float(everything.loc[0, "pre_fulfilment_cancel_rate"]) == pytest.approx(6 / 15)

