"""A lake writes its orders sorted by creation time (pipeline/sql/schema/lake_layout.sql), so that
each Parquet row group's min/max statistics let a metrics window skip what lies outside it; a
lake made by an earlier storehealth takes the layout when it is next opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.history_target import parse_target
from pipeline.lake import open_lake
from tests.builders import ali_row, write_ali

RUNNER = CliRunner()


def run(*args: object) -> object:
    result = RUNNER.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def reversed_export(path: Path, first_id: int) -> Path:
    """Sixty orders written newest first (the way the platforms list them), one a day apart
    in March and April 2024, so that sorting them is visible."""
    rows = []
    for n in range(60):
        day = f"2024.{3 + (59 - n) // 30:02d}.{(59 - n) % 30 + 1:02d} 09:{n % 60:02d}"
        rows.append(ali_row(id=str(first_id + n), status="等待您发货", created=day, paid=day))
    return write_ali(path, rows)


def orders_files_in_write_order(lake: Path) -> list[list]:
    """Each Parquet file of orders_current, newest last, as its created_at values in file order."""
    folder = lake.parent / f"{lake.name}.files" / "main" / "orders_current"
    con = duckdb.connect()
    return [
        [r[0] for r in con.execute(
            "select created_at from read_parquet(?) order by file_row_number", [str(path)]
        ).fetchall()]
        for path in sorted(folder.glob("*.parquet"), key=lambda p: p.stat().st_mtime_ns)
    ]  # fmt: skip


def sort_keys(lake: Path) -> list[str]:
    """The sort expressions the catalog holds for orders_current now."""
    with sqlite3.connect(lake) as catalog:
        rows = catalog.execute(
            "select e.expression from ducklake_sort_expression e "
            "join ducklake_sort_info i using (sort_id) join ducklake_table t using (table_id) "
            "where t.table_name = 'orders_current' and t.end_snapshot is null and i.end_snapshot is null"
        ).fetchall()
    return [r[0] for r in rows]


def test_a_lake_writes_its_orders_sorted_by_creation_time(tmp_path: Path) -> None:
    lake = tmp_path / "lake.sqlite"
    export = reversed_export(tmp_path / "w1.csv", 1000)
    run("ingest", export, "--store", "ali", "--db", f"ducklake:sqlite:{lake}")
    (written,) = orders_files_in_write_order(lake)
    assert len(written) == 60
    assert written == sorted(written) and written[0] < written[-1]
    assert sort_keys(lake) == ["created_at"]


def test_an_earlier_lake_takes_the_sorted_layout_when_next_opened(tmp_path: Path) -> None:
    lake = tmp_path / "lake.sqlite"
    target = f"ducklake:sqlite:{lake}"
    run("ingest", reversed_export(tmp_path / "w1.csv", 1000), "--store", "ali", "--db", target)
    # as storehealth left a lake before schema version 5: no sort order
    con = open_lake(parse_target(target))
    con.execute("alter table orders_current reset sorted by")
    con.execute("update schema_version set version = 4")
    con.close()
    assert sort_keys(lake) == []

    run("status", "--db", target)  # a read-only command upgrades it once
    assert sort_keys(lake) == ["created_at"]
    run("ingest", reversed_export(tmp_path / "w2.csv", 2000), "--store", "ali", "--db", target)
    newest = orders_files_in_write_order(lake)[-1]
    assert len(newest) == 60 and newest == sorted(newest)


def test_a_lake_holding_other_tables_is_refused_with_a_message(tmp_path: Path) -> None:
    target = f"ducklake:sqlite:{tmp_path / 'theirs.sqlite'}"
    con = open_lake(parse_target(target))
    con.execute("create table invoices (id integer)")
    con.close()
    for args in (["status"], ["ingest", reversed_export(tmp_path / "w1.csv", 1000), "--store", "ali"]):
        result = RUNNER.invoke(app, [str(a) for a in [*args, "--db", target]])
        assert result.exit_code == 1, result.output
        assert "not a storehealth history (it holds invoices)" in result.output
        assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
