"""The real Olist orders through the generic adapter and the README's mapping example."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from tests.conftest import OLIST, REPO

MAPPING = REPO / "examples" / "olist.toml"
# Olist's order_status -> the canonical status, as the mapping file says (written here by hand).
CANONICAL = {
    "created": "awaiting_payment", "approved": "awaiting_shipment", "invoiced": "awaiting_shipment",
    "processing": "awaiting_shipment", "shipped": "shipped", "delivered": "completed",
    "canceled": "closed", "unavailable": "closed",
}  # fmt: skip


def olist_rows() -> list[dict[str, str]]:
    with OLIST.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def olist_history(cli, query):
    result = cli("ingest", OLIST, "--store", "olist", "--platform", "generic", "--mapping", MAPPING)
    assert result.exit_code == 0, result.output
    return query


def test_olist_orders_land_with_canonical_statuses(olist_history) -> None:
    rows = olist_rows()
    expected = Counter(CANONICAL[r["order_status"]] for r in rows)
    assert expected == {"completed": 3965, "shipped": 43, "closed": 38, "awaiting_shipment": 25}

    assert dict(olist_history("select status, count(*) from orders_current group by 1")) == expected
    assert olist_history("select rows_read, orders_in_file, rows_rejected, platform from ingested_files") == [
        (len(rows), len(rows), 0, "generic")
    ]


def test_unavailable_olist_orders_are_seller_fault_out_of_stock_closures(olist_history) -> None:
    unavailable = sorted(r["order_id"] for r in olist_rows() if r["order_status"] == "unavailable")
    assert len(unavailable) == 18

    got = olist_history(
        "select order_id, status, close_cause, cause_inferred, cancel_reason, seller_fault "
        "from orders_current where status_raw = 'unavailable' order by 1"
    )
    assert got == [(o, "closed", "seller_cancelled", False, "out_of_stock", True) for o in unavailable]


def test_cancelled_olist_orders_get_an_inferred_cause(olist_history) -> None:
    canceled = [r for r in olist_rows() if r["order_status"] == "canceled"]
    expected = Counter(
        "payment_timeout" if not r["order_approved_at"]
        else "dispute_refund" if r["order_delivered_carrier_date"]
        else "buyer_cancelled_paid"
        for r in canceled
    )  # fmt: skip
    got = olist_history(
        "select close_cause, count(*) from orders_current where status_raw = 'canceled' "
        "and cause_inferred and cancel_reason is null group by 1"
    )
    assert dict(got) == expected


def test_the_readme_mapping_example_is_examples_olist_toml() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"This complete example \(`examples/olist\.toml`\).*?```toml\n(.*?)```", readme, re.S)
    assert match, "the README's mapping example is missing"
    assert match.group(1).encode("utf-8") == MAPPING.read_bytes()


def test_monthly_cancellation_and_non_fulfilment_rates_match_plain_pandas(olist_history, db_path) -> None:
    import pandas as pd

    from pipeline import connect, metrics

    raw = pd.read_csv(OLIST, parse_dates=["order_purchase_timestamp"])
    raw["month"] = raw["order_purchase_timestamp"].dt.to_period("M").dt.start_time.dt.date
    raw["cancelled"] = raw["order_status"].isin(["canceled", "unavailable"])
    raw["paid"] = raw["order_approved_at"].notna()
    # non-fulfilment (sold, not shipped, seller's fault): Olist's "unavailable", paid, never shipped
    raw["not_fulfilled"] = (
        (raw["order_status"] == "unavailable") & raw["paid"] & raw["order_delivered_carrier_date"].isna()
    )
    expected = raw.groupby("month").agg(
        orders=("order_id", "size"), cancelled=("cancelled", "sum"), paid=("paid", "sum"),
        not_fulfilled=("not_fulfilled", "sum"),
    )  # fmt: skip
    expected["cancellation_rate"] = expected["cancelled"] / expected["orders"]
    expected["sold_not_shipped_rate"] = expected["not_fulfilled"] / expected["paid"]

    first, last = raw["order_purchase_timestamp"].min().date(), raw["order_purchase_timestamp"].max().date()
    con = connect(db_path)
    try:
        months = metrics.breakdown(con, first, last, by="month").set_index("period_from")
    finally:
        con.close()
    months = months[months["orders"] > 0]
    months.index = [d.replace(day=1) for d in months.index]
    assert len(months) == len(expected) > 12
    assert months["orders"].tolist() == expected["orders"].tolist()
    assert months["closed_orders"].tolist() == expected["cancelled"].tolist()
    assert months["cancellation_rate"].tolist() == pytest.approx(expected["cancellation_rate"].tolist())
    got_sns = months["sold_not_shipped_rate"].fillna(-1).tolist()
    assert got_sns == pytest.approx(expected["sold_not_shipped_rate"].fillna(-1).tolist())
    assert expected["not_fulfilled"].sum() > 0
