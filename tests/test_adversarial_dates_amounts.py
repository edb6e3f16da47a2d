"""What an adversarial probe broke (issue 18): an impossible date that froze a store, and
amounts written with a decimal comma that were read 100 times too large.

Real export files (tests/builders.py), a real history file, the real CLI.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from tests.builders import ali_row, write_ali

ORDER_A, ORDER_B, ORDER_C = "8100000000000001", "8100000000000002", "8100000000000003"


def _orders(query) -> dict[str, tuple]:
    return {
        r[0]: r[1:]
        for r in query(
            "select order_id, status, received_at, ship_deadline, order_amount, currency "
            "from orders_current"
        )
    }


def test_an_impossible_receipt_time_is_left_empty_and_does_not_freeze_the_store(
    tmp_path: Path, cli, query
) -> None:
    march = write_ali(tmp_path / "march.csv", [
        ali_row(id=ORDER_A, status="等待买家收货", created="2024.03.05 14:22", paid="2024.03.05 14:30",
                shipped="2024.03.06 10:00", received="2099-12-31 00:00:00"),
        # a ship deadline lies ahead legitimately: kept, and no warning
        ali_row(id=ORDER_B, status="等待您发货", created="2024.03.06 10:00", paid="2024.03.06 10:05",
                deadline="2099-01-01"),
        ali_row(id=ORDER_C, status="等待您发货", created="2099.03.06 10:00", paid="2024.03.06 10:05"),
    ])  # fmt: skip
    first = cli("ingest", march, "--store", "s1")
    assert first.exit_code == 0, first.output
    # the warning names the file, the row, the order, the value and what to do
    warning = next(line for line in first.output.splitlines() if "2099-12-31" in line)
    for mention in ("march.csv", "row 2", ORDER_A, "receipt time", "left empty", "correct the date"):
        assert mention in warning, (mention, warning)
    assert "2099-01-01" not in first.output  # the deadline is no warning
    # an order date in the future rejects its row, saying why; the others land
    assert f"row 4 order {ORDER_C}: order date 2099.03.06 10:00 lies after the file was exported" in (
        first.output
    )
    orders = _orders(query)
    assert set(orders) == {ORDER_A, ORDER_B}
    assert orders[ORDER_A][1] is None  # received_at left empty
    assert str(orders[ORDER_B][2]) == "2099-01-01 00:00:00"  # the deadline kept
    [(exported_at,)] = query("select exported_at from ingested_files")
    assert str(exported_at) == "2024-03-06 10:05:00"  # the latest possible event, not 2099

    # The next export (a month later) is newer, so its state counts.
    april = write_ali(tmp_path / "april.csv", [
        ali_row(id=ORDER_A, status="订单结束", created="2024.03.05 14:22", paid="2024.03.05 14:30",
                shipped="2024.03.06 10:00", received="2024.04.01 09:00"),
    ])  # fmt: skip
    assert cli("ingest", april, "--store", "s1").exit_code == 0
    orders = _orders(query)
    assert orders[ORDER_A][0] == "completed"
    assert str(orders[ORDER_A][1]) == "2024-04-01 09:00:00"

    # status tells how old the latest export really is, and warns that it is stale
    status = cli("status", "--json")
    assert status.exit_code == 0, status.output
    [store] = json.loads(status.output)["stores"]
    assert store["latest_export_at"].startswith("2024-04-01")
    assert store["latest_export_age_days"] > 28
    assert any("2024-04-01" in w for w in store["warnings"]), store["warnings"]


def test_a_json_ingest_carries_the_warning_with_its_file(tmp_path: Path, cli) -> None:
    path = write_ali(tmp_path / "late.csv", [
        ali_row(id=ORDER_A, status="订单关闭", created="2024.03.05 14:22", closed="2099.12.31 23:59"),
    ])  # fmt: skip
    result = cli("ingest", path, "--store", "s1", "--json")
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)["files"]
    assert entry["exported_at"] == "2024-03-05 14:22:00"
    assert any("close time" in w and "late.csv" in w and ORDER_A in w for w in entry["warnings"])


def _amount_file(tmp_path: Path, name: str, amounts: list[str]) -> Path:
    rows = [
        ali_row(id=f"81000000000001{i:02d}", status="等待您发货", created="2024.03.05 14:22",
                paid="2024.03.05 14:30", amount=amount)
        for i, amount in enumerate(amounts)
    ]  # fmt: skip
    return write_ali(tmp_path / name, rows)


def _amounts(query) -> list[tuple]:
    return [
        (str(amount) if amount is not None else None, currency)
        for amount, currency in query("select order_amount, currency from orders_current order by order_id")
    ]


def test_decimal_commas_are_read_as_decimals(tmp_path: Path, cli, query) -> None:
    path = _amount_file(tmp_path, "ebay_de.csv", [
        "12,50", "€12,50", "R$ 12,50", "12,5", "0,99", "1.234,56", "1.234", "(5,00)", "EUR -7,25",
    ])  # fmt: skip
    result = cli("ingest", path, "--store", "de")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output
    assert _amounts(query) == [
        ("12.50", None), ("12.50", "EUR"), ("12.50", "BRL"), ("12.50", None), ("0.99", None),
        ("1234.56", None), ("1234.00", None), ("-5.00", None), ("-7.25", "EUR"),
    ]  # fmt: skip


def test_decimal_points_still_read_as_before(tmp_path: Path, cli, query) -> None:
    path = _amount_file(tmp_path, "ali.csv", [
        "US $12.34", "$1,234.56", "¥ 88.00", "(5.00)", "1,234", "128.50", "12",
    ])  # fmt: skip
    result = cli("ingest", path, "--store", "us")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output
    assert _amounts(query) == [
        ("12.34", "USD"), ("1234.56", "USD"), ("88.00", "CNY"), ("-5.00", None), ("1234.00", None),
        ("128.50", None), ("12.00", None),
    ]  # fmt: skip


def test_an_amount_that_could_be_either_is_left_empty_with_a_warning(tmp_path: Path, cli, query) -> None:
    path = _amount_file(tmp_path, "erp.csv", ["1.234", "12", "€ 2,500"])
    result = cli("ingest", path, "--store", "erp")
    assert result.exit_code == 0, result.output
    assert "0 rows rejected" in result.output  # left empty, not rejected: the order lands
    assert _amounts(query) == [(None, None), ("12.00", None), (None, "EUR")]
    warnings = [line for line in result.output.splitlines() if "warning" in line]
    assert len(warnings) == 2, result.output
    for mention in ("erp.csv", "row 2", "8100000000000100", "'1.234'", "left empty", "Export the amounts"):
        assert mention in warnings[0], (mention, warnings[0])
    assert "row 4" in warnings[1] and "'€ 2,500'" in warnings[1]


def test_a_file_mixing_both_conventions_reads_each_as_written_and_says_so(
    tmp_path: Path, cli, query
) -> None:
    path = _amount_file(tmp_path, "merged.csv", ["12,50", "12.75", "1,234", "1.234,56"])
    result = cli("ingest", path, "--store", "mix")
    assert result.exit_code == 0, result.output
    assert _amounts(query) == [("12.50", None), ("12.75", None), (None, None), ("1234.56", None)]
    mixed = next(line for line in result.output.splitlines() if "decimal comma" in line)
    for mention in ("merged.csv", "'12,50', row 2", "'12.75', row 3", "left empty"):
        assert mention in mixed, (mention, mixed)
    assert any("row 4" in line and "'1,234'" in line for line in result.output.splitlines())


def test_an_amount_that_is_no_number_still_rejects_its_row(tmp_path: Path, cli, query) -> None:
    path = _amount_file(tmp_path, "bad.csv", ["12,50", "twelve", "1 x 12,34"])
    result = cli("ingest", path, "--store", "bad")
    assert result.exit_code == 0, result.output
    assert "2 rows rejected" in result.output
    assert "order amount twelve is not an amount" in result.output
    assert _amounts(query) == [("12.50", None)]
    assert Decimal("12.50") == query("select order_amount from orders_current")[0][0]
