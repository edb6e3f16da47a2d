"""Days on the command line: a day no history can hold is a usage error, never an overflow."""

from __future__ import annotations

import pytest

from tests.builders import write_ali
from tests.test_bad_input import GOOD_ORDERS


@pytest.mark.parametrize("args", [
    ("run", "--today", "0001-01-01"),
    ("run", "--week", "0001-W01"),
    ("metrics", "--all", "--from", "0001-01-01", "--to", "0001-01-01", "--policy"),
    ("metrics", "--all", "--from", "2024-01-01", "--to", "9999-12-31"),
    ("report", "weekly", "--store", "s1", "--week", "0001-W01"),
    ("report", "review", "--store", "s1", "--month", "0000-01"),
    ("metrics", "--all", "--from", "2024-01-01", "--to", "2024-01-31", "--as-of", "0001-01-01"),
])  # fmt: skip
def test_days_out_of_range_are_usage_errors(tmp_path, cli, args) -> None:
    assert cli("ingest", write_ali(tmp_path / "a.csv", GOOD_ORDERS), "--store", "s1").exit_code == 0
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "give a day between 1990-01-01 and 9000-12-31" in " ".join(result.output.split())
    assert "internal error" not in result.output


def test_an_export_time_out_of_range_is_a_usage_error(tmp_path, cli) -> None:
    path = write_ali(tmp_path / "a.csv", GOOD_ORDERS)
    result = cli("ingest", path, "--store", "s1", "--exported-at", "0001-01-01")
    assert result.exit_code == 2, result.output
    assert "--exported-at '0001-01-01'" in result.output
