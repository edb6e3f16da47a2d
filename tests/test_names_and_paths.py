"""Store names, paths and buyer text that try to break out: of the folder, of the SQL, of the file.

- Every command that takes `--store` refuses a name that is a path (`../../etc`, `a/b`), holds
  quotes, spaces or control characters, or is too long: usage error (exit 2), one message, no
  traceback, nothing written. The list of such commands is read from the CLI itself, so a new
  command with `--store` must be added to COMMANDS below.
- The store-name pattern forbids quotes, so the SQL is shown to be parameterised with values that
  do reach it: order ids, remarks, reason texts, mapping-file keys and column names full of quotes
  and `'; drop table orders_current; --` land verbatim and every table is still there.
- `--db`, `--mapping`, `--csv` and `--out` pointing where they should not give a clear message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import typer.main
from typer.testing import CliRunner

from pipeline.cli import app
from tests.builders import ali_row, table_contents, write_ali, write_rows

INJECTION = "'; drop table orders_current; --"
ORDER_ID = "8100000000000001" + INJECTION
REMARK = "O'Brien says \"hi\" \\ '); delete from ingested_files; --"
CANCEL_REASON = "it's \"other\"; drop table order_snapshots; --"

BAD_STORE_NAMES = [
    "../../escaped", "a/b", "a\\b", "..", ".", "", " s1", "s1 ", "s'1", 's"1', "s1;", INJECTION,
    "x" * 65, "/etc", "~root", "s1/../../escaped", "s1\x00", "s\t1", "a\u202eb", "$(touch pwned)",
    "`touch pwned`", "s1*", "s?", "%2e%2e%2fescaped",
]  # fmt: skip
GOOD_STORE_NAMES = ["店铺-1", "ali.main", "S_1", "x" * 64]


def invoke(*args: object) -> object:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result



@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history with one good export in store s1."""
    root = tmp_path_factory.mktemp("names")
    db = root / "history.duckdb"
    rows = [ali_row(id="8100000000000009", status="等待您发货", created="2024.03.05 14:22")]
    result = invoke("ingest", write_ali(root / "first.csv", rows), "--store", "s1", "--db", db)
    assert result.exit_code == 0, result.output
    return db


# The arguments of each command that takes --store, around the store name.
COMMANDS: dict[str, Callable[[str, Path], list[object]]] = {
    "ingest": lambda name, tmp: ["ingest", write_ali(tmp / "x.csv", [ali_row(
        id="8100000000000010", status="等待您发货", created="2024.03.06 10:00")]), "--store", name],
    "status": lambda name, tmp: ["status", "--store", name],
    "metrics": lambda name, tmp: ["metrics", "--store", name, "--from", "2024-03-01", "--to", "2024-03-31"],
    "report": lambda name, tmp: ["report", "weekly", "--store", name, "--week", "2024-W10",
                                 "--out", tmp / "reports"],
}  # fmt: skip


def test_every_command_with_a_store_option_is_covered() -> None:
    commands = typer.main.get_command(app).commands
    with_store = {n for n, command in commands.items() if any("--store" in p.opts for p in command.params)}
    assert with_store == set(COMMANDS)


@pytest.mark.parametrize("name", BAD_STORE_NAMES, ids=repr)
@pytest.mark.parametrize("command", sorted(set(COMMANDS) - {"status"}))
def test_a_store_name_that_is_a_path_or_holds_quotes_is_refused(
    command: str, name: str, history: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)  # `touch pwned` would land here
    before = table_contents(history)
    result = invoke(*COMMANDS[command](name, tmp_path), "--db", history)
    assert result.exit_code == 2, result.output
    assert "store name" in result.output and "not allowed" in result.output, result.output
    assert table_contents(history) == before
    assert not any(p.name in ("escaped", "pwned", "reports") for p in tmp_path.rglob("*")), list(
        tmp_path.rglob("*"))  # fmt: skip
    assert not (history.parent.parent / "escaped").exists()


@pytest.mark.parametrize("name", BAD_STORE_NAMES, ids=repr)
def test_status_with_a_bad_store_name_finds_no_store_and_changes_nothing(
    name: str, history: Path
) -> None:
    """status reads only: a name no store can have finds nothing (the name is a parameter)."""
    before = table_contents(history)
    result = invoke("status", "--store", name, "--db", history)
    assert result.exit_code in (1, 2), result.output
    assert table_contents(history) == before


def test_status_refuses_a_bad_store_name_as_a_usage_error(history: Path) -> None:
    assert invoke("status", "--store", "../../etc", "--db", history).exit_code == 2


def test_a_store_name_ending_in_a_line_break_is_refused(tmp_path: Path) -> None:
    rows = [ali_row(id="8100000000000011", status="等待您发货", created="2024.03.06 10:00")]
    result = invoke("ingest", write_ali(tmp_path / "x.csv", rows), "--store", "s1\n", "--db",
                    tmp_path / "h.duckdb")  # fmt: skip
    assert result.exit_code == 2, result.output


@pytest.mark.parametrize("name", GOOD_STORE_NAMES)
def test_store_names_of_letters_digits_dots_and_dashes_work(name: str, tmp_path: Path) -> None:
    db = tmp_path / "h.duckdb"
    rows = [ali_row(id="8100000000000012", status="等待您发货", created="2024.03.06 10:00")]
    assert invoke("ingest", write_ali(tmp_path / "x.csv", rows), "--store", name, "--db", db).exit_code == 0
    status = json.loads(invoke("status", "--store", name, "--json", "--db", db).stdout)
    assert [s["store"] for s in status["stores"]] == [name]
    metrics = invoke("metrics", "--store", name, "--from", "2024-03-01", "--to", "2024-03-31", "--json",
                     "--db", db)  # fmt: skip
    assert json.loads(metrics.stdout)["orders"] == 1


# --- SQL: values full of quotes land verbatim ------------------------------------------------


def test_quotes_and_sql_in_order_ids_remarks_and_reasons_land_verbatim(tmp_path: Path) -> None:
    db = tmp_path / "h.duckdb"
    rows = [
        ali_row(id=ORDER_ID, status="订单关闭", created="2024.03.05 14:22", paid="2024.03.05 14:30",
                remark=REMARK, cancel_reason=CANCEL_REASON, close_reason=INJECTION),
        ali_row(id="8100000000000002", status="等待您发货", created="2024.03.06 10:00"),
    ]  # fmt: skip
    for path in (write_ali(tmp_path / "orders.csv", rows), write_ali(tmp_path / "orders.xlsx", rows)):
        result = invoke("ingest", path, "--store", "s1", "--db", db)
        assert result.exit_code == 0, result.output
    tables = table_contents(db)
    assert {"orders_current", "order_snapshots", "ingested_files", "rejected_rows"} <= set(tables)
    assert len(tables["ingested_files"]) == 2
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = con.execute(
            "select order_id, remark, cancel_reason_raw, cancel_reason, close_reason_raw, close_cause "
            "from orders_current where order_id = ?", [ORDER_ID]
        ).fetchall()
    finally:
        con.close()
    assert got == [(ORDER_ID, REMARK, CANCEL_REASON, "other", INJECTION, "other")]
    status = json.loads(invoke("status", "--json", "--db", db).stdout)
    unknown = {u["raw_value"] for s in status["stores"] for u in s["unknown_values"]}
    assert {CANCEL_REASON, INJECTION} <= unknown
    metrics = invoke("metrics", "--store", "s1", "--from", "2024-03-01", "--to", "2024-03-31", "--json",
                     "--db", db)  # fmt: skip
    assert json.loads(metrics.stdout)["orders"] == 2


def test_a_mapping_file_full_of_quotes_maps_verbatim(tmp_path: Path) -> None:
    """Column names and status keys with quotes, semicolons and SQL in a generic mapping."""
    columns = ["o'id", 'st"ate', "placed; drop table x; --"]
    status = "it's \"done\"; drop table orders_current; --"
    path = write_rows(tmp_path / "erp.csv", columns, [["G'1", status, "2024-04-01 10:00"],
                                                      ['G"2', "open", "2024-04-02 11:00"]])  # fmt: skip
    mapping = tmp_path / "it's \"the\" mapping.toml"
    mapping.write_text(
        "[columns]\n"
        f"order_id = {json.dumps(columns[0])}\nstatus = {json.dumps(columns[1])}\n"
        f"created_at = {json.dumps(columns[2])}\n\n"
        f"[status]\n{json.dumps(status)} = \"completed\"\nopen = \"awaiting_shipment\"\n",
        encoding="utf-8",
    )
    db = tmp_path / "h.duckdb"
    result = invoke("ingest", path, "--store", "erp", "--platform", "generic", "--mapping", mapping,
                    "--db", db)  # fmt: skip
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = con.execute("select order_id, status_raw, status from orders_current order by 1").fetchall()
    finally:
        con.close()
    assert got == [('G"2', "open", "awaiting_shipment"), ("G'1", status, "completed")]


# --- paths -----------------------------------------------------------------------------------


def _good_export(tmp_path: Path) -> Path:
    return write_ali(tmp_path / "orders.csv", [ali_row(id="8100000000000013", status="等待您发货",
                                                       created="2024.03.06 10:00")])  # fmt: skip


def test_db_that_is_an_export_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    export = _good_export(tmp_path)
    victim = write_ali(tmp_path / "victim.csv", [ali_row(id="8100000000000014", status="等待您发货",
                                                         created="2024.03.06 10:00")])  # fmt: skip
    content = victim.read_bytes()
    result = CliRunner().invoke(app, ["ingest", str(export), "--store", "s1", "--db", str(victim)])
    assert victim.read_bytes() == content
    assert result.exit_code == 1, result.output
    assert "victim.csv" in result.output


def test_db_that_is_a_folder_or_garbage_is_refused(tmp_path: Path) -> None:
    export = _good_export(tmp_path)
    folder = tmp_path / "a folder"
    folder.mkdir()
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"\x00not a database" * 100)
    for db in (folder, garbage):
        for args in (["ingest", export, "--store", "s1"], ["status"],
                     ["metrics", "--all", "--from", "2024-03-01", "--to", "2024-03-31"]):  # fmt: skip
            result = invoke(*args, "--db", db)
            assert result.exit_code == 1, (args, db, result.output)
            assert db.name in result.output, result.output
    assert garbage.read_bytes() == b"\x00not a database" * 100


def test_another_duckdb_database_or_an_empty_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    export = _good_export(tmp_path)
    other = tmp_path / "analytics.duckdb"
    con = duckdb.connect(str(other))
    con.execute("create table sales (x integer)")
    con.execute("insert into sales values (1)")
    con.close()
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    for db, says in ((other, "not a storehealth history (it holds sales)"), (empty, "empty (0 bytes)")):
        metrics = ["metrics", "--all", "--from", "2024-03-01", "--to", "2024-03-31", "--json"]
        for args in (["ingest", export, "--store", "s1"], ["status"], metrics):
            result = invoke(*args, "--db", db)
            assert result.exit_code == 1, (args, db, result.output)
            assert says in result.output and "wait for the other" not in result.output, result.output
            assert result.stdout == ""
    con = duckdb.connect(str(other), read_only=True)
    assert [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()] == ["sales"]
    con.close()
    assert empty.stat().st_size == 0 and not Path(f"{other}.salt").exists()


def test_a_new_empty_duckdb_file_has_no_history_to_read_but_takes_an_ingest(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    duckdb.connect(str(db)).close()
    status = invoke("status", "--db", db)
    assert status.exit_code == 1 and "no history in this database yet" in status.output
    assert invoke("ingest", _good_export(tmp_path), "--store", "s1", "--db", db).exit_code == 0
    assert invoke("status", "--db", db).exit_code == 0


def test_db_in_a_folder_that_does_not_exist_yet_is_created(tmp_path: Path) -> None:
    db = tmp_path / "new" / "deeper" / "h.duckdb"
    assert invoke("ingest", _good_export(tmp_path), "--store", "s1", "--db", db).exit_code == 0
    assert db.is_file()


def test_mapping_that_is_a_folder_missing_or_binary_is_refused(tmp_path: Path) -> None:
    export = write_rows(tmp_path / "erp.csv", ["id", "state", "placed"], [["G-1", "open", "2024-04-01"]])
    binary = tmp_path / "photo.toml"
    binary.write_bytes(bytes(range(256)) * 8)
    db = tmp_path / "h.duckdb"
    for mapping, code in ((tmp_path, 2), (tmp_path / "missing.toml", 2), (binary, 1)):
        result = invoke("ingest", export, "--store", "s1", "--platform", "generic", "--mapping", mapping,
                        "--db", db)  # fmt: skip
        assert result.exit_code == code, result.output
        assert mapping.name in result.output, result.output


def test_metrics_table_into_a_missing_folder_or_onto_a_folder_is_refused(
    history: Path, tmp_path: Path
) -> None:
    for target in (tmp_path / "missing" / "weeks.csv", tmp_path):
        for option in ("--csv", "--parquet"):
            result = invoke("metrics", "--all", "--from", "2024-03-01", "--to", "2024-03-31", option, target,
                            "--db", history)  # fmt: skip
            assert result.exit_code == 1, result.output
            assert target.name in result.output, result.output


def test_report_out_that_is_a_file_is_refused(history: Path, tmp_path: Path) -> None:
    target = tmp_path / "reports.txt"
    target.write_text("not a folder")
    result = CliRunner().invoke(app, ["report", "weekly", "--store", "s1", "--week", "2024-W10", "--out",
                                      str(target), "--db", str(history)])  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1 and "reports.txt" in result.output, result.output
    assert target.read_text() == "not a folder"


def test_an_ingested_file_name_full_of_quotes_is_recorded_verbatim(tmp_path: Path) -> None:
    folder = tmp_path / "it's; drop table ingested_files; --"
    folder.mkdir()
    path = write_ali(folder / 'o"rders\'.csv', [ali_row(id="8100000000000015", status="等待您发货",
                                                          created="2024.03.06 10:00")])  # fmt: skip
    db = tmp_path / "h.duckdb"
    assert invoke("ingest", folder, "--store", "s1", "--db", db).exit_code == 0
    assert [r[1] for r in table_contents(db)["ingested_files"]] == [str(path.resolve())]

