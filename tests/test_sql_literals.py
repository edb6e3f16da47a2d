"""pipeline/sql_literals.py: a value written into a statement reads back exactly as bound."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import sql_literals


def through_literal_and_parameter(value: object, cast: str = "") -> tuple[object, object]:
    con = duckdb.connect()
    try:
        written = sql_literals.execute(con, f"select ?{cast}", [value]).fetchall()[0][0]
        bound = con.execute(f"select ?{cast}", [value]).fetchall()[0][0]
    finally:
        con.close()
    return written, bound


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_reads_back_exactly(text: str) -> None:
    written, bound = through_literal_and_parameter(text, "::varchar")
    assert written == bound == text


@settings(max_examples=100, deadline=None)
@given(st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False), st.dates(), st.datetimes(min_value=datetime(1, 1, 1, 0, 0, 1)),
    st.lists(st.text(max_size=5), min_size=1, max_size=4),
))  # fmt: skip
def test_every_kind_of_value_reads_back_as_the_parameter_would(value: object) -> None:
    written, bound = through_literal_and_parameter(value)
    assert written == bound


def test_decimals_read_back_through_the_statements_cast() -> None:
    assert through_literal_and_parameter(Decimal("199.99"), "::decimal(18, 2)") == (Decimal("199.99"),) * 2


@pytest.mark.parametrize("value", ["a\x00b", datetime(2024, 5, 1, 12, tzinfo=timezone(timedelta(hours=8))),
                                   object()])  # fmt: skip
def test_values_with_no_exact_literal_are_bound_as_parameters(value: object) -> None:
    with pytest.raises(sql_literals.NotLiteral):
        sql_literals.literal(value)
    if isinstance(value, str):  # and bound as a parameter, it reads back whole
        con = duckdb.connect()
        try:
            assert sql_literals.execute(con, "select ?", [value]).fetchall()[0][0] == value
        finally:
            con.close()


def test_a_quote_cannot_end_the_literal() -> None:
    con = duckdb.connect()
    try:
        con.execute("create table t (v varchar)")
        sql_literals.execute(con, "insert into t values (?)", ["x'); drop table t; --"])
        assert con.execute("select v from t").fetchall() == [("x'); drop table t; --",)]
    finally:
        con.close()


def test_a_metrics_command_does_not_import_pandas(tmp_path) -> None:
    """DuckDB 1.5.5 imports pandas (0.2 s) for any bound parameter: the metrics path binds none."""
    code = (
        "import sys, io, contextlib\n"
        "from pipeline.cli import main\n"
        f"sys.argv = ['storehealth', 'metrics', '--all', '--from', '2024-05-01', '--to', '2024-05-31', "
        f"'--json', '--db', {str(tmp_path / 'h.duckdb')!r}]\n"
        "out = io.StringIO()\n"
        "try:\n"
        "    with contextlib.redirect_stdout(out): main()\n"
        "except SystemExit: pass\n"
        "print('pandas' in sys.modules)\n"
    )
    from tests.builders import ali_row, write_ali

    row = ali_row(id="8100000000000001", status="等待您发货", created="2024.05.05 14:22",
                  paid="2024.05.05 14:30")  # fmt: skip
    export = write_ali(tmp_path / "orders.csv", [row])
    from pipeline.database import connect
    from pipeline.ingest import ingest_file

    con = connect(tmp_path / "h.duckdb")
    try:
        ingest_file(con, export, store="s")
    finally:
        con.close()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
