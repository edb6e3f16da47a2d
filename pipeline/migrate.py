"""`storehealth migrate`: copy a whole history between backends (a DuckDB file, a DuckLake with a
SQLite or PostgreSQL catalog), file to lake and back, then prove the copy equal.

Both histories are attached to one in-memory DuckDB and every table is copied by one
`insert ... select` inside one transaction on the target: DuckDB streams the rows (ten million
orders never pass through Python), and a copy killed halfway leaves nothing of itself behind (a
lake's Parquet files written before the kill are unreferenced: `storehealth maintain` deletes
them). The buyer-hash salt moves with the rows (a file keeps it in `<db>.salt`, a lake in its
catalog), so buyers hash alike after the move.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.errors import InputError
from pipeline.history_tables import TABLES
from pipeline.history_target import HistoryTarget, Lake, parse_target, redact
from pipeline.i18n import _
from pipeline.lake import NO_DOWNLOADS, SECRET_TABLE, load_extensions, load_s3
from pipeline.salt import read_salt, write_salt

SOURCE, TARGET = "src", "dst"


@dataclass
class MigrateSummary:
    source: str
    target: str
    tables: dict[str, dict] = field(default_factory=dict)  # table: {"rows": n, "checksum": "..."}
    seconds: float = 0.0

    def as_dict(self) -> dict:
        rows = sum(t["rows"] for t in self.tables.values())
        return {"source": self.source, "target": self.target, "tables": self.tables, "rows": rows,
                "seconds": round(self.seconds, 2)}  # fmt: skip


def migrate(
    source: HistoryTarget | str,
    target: HistoryTarget | str,
    *,
    force: bool = False,
    progress: Callable[[str], None] = lambda _m: None,
) -> MigrateSummary:
    """Copy every table of `source` into `target` (replacing what it holds only with `force`),
    then check that each table has the same rows on both sides."""
    from pipeline.database import connect

    source, target = parse_target(source), parse_target(target)
    _check_distinct(source, target)
    started = time.monotonic()
    # the source at today's schema (an earlier storehealth's file is upgraded once), and the
    # target's schema made: both then have every table, their columns alike. Not interpreted:
    # the rows move as they are, with the vocabulary fingerprint that says how they were read.
    connect(source, read_only=True, interpret=False).close()
    connect(target, interpret=False).close()
    con = attach_both(source, target)
    try:
        if not force and _ingested_files(con, TARGET):
            raise InputError(
                _("the target history already holds ingested files: {count}",
                  count=_ingested_files(con, TARGET)),
                path=str(target),
                fix=_("give a new or empty target, or add --force to replace everything it holds"),
            )  # fmt: skip
        _copy(con, source, target, progress)
        summary = MigrateSummary(str(source), str(target), verify(con), 0.0)
    finally:
        con.close()
    summary.seconds = time.monotonic() - started
    return summary


def _check_distinct(source: HistoryTarget, target: HistoryTarget) -> None:
    """A history copied onto itself would be deleted first; two lakes must not share a data
    path either (each one's clean-up deletes the files it does not know)."""
    same = (source.spec == target.spec) if isinstance(source, Lake) and isinstance(target, Lake) else (
        not isinstance(source, Lake) and not isinstance(target, Lake)
        and Path(source).resolve() == Path(target).resolve())  # fmt: skip
    if same:
        raise InputError(_("the source and the target are the same history"), path=str(target),
                         fix=_("give --to another history"))  # fmt: skip
    if (isinstance(source, Lake) and isinstance(target, Lake) and source.data_path
            and source.data_path == target.data_path):  # fmt: skip
        raise InputError(
            _("the target lake would keep its files in the source lake's data path"),
            path=target.data_path,
            fix=_("give the target its own data path with --to-data-path"),
        )


def attach_both(source: HistoryTarget, target: HistoryTarget) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the source attached read-only as `src` and the target as `dst`."""
    from pipeline.database import memory_limit

    con = duckdb.connect(config=NO_DOWNLOADS)
    try:
        spill = Path(tempfile.gettempdir()) / f"storehealth-spill-{os.getuid()}"
        con.execute(f"set temp_directory = {_quote(str(spill))}")
        con.execute(f"set memory_limit = '{memory_limit()}'")
        con.execute("set preserve_insertion_order = false")  # streams big tables in bounded memory
        lakes = [t for t in (source, target) if isinstance(t, Lake)]
        if lakes:
            scanners = {"sqlite_scanner" if t.kind == "sqlite" else "postgres_scanner" for t in lakes}
            load_extensions(con, "ducklake", *sorted(scanners))
        in_s3 = any((t.data_path or "").startswith("s3://") for t in lakes)
        if in_s3 or os.environ.get("STOREHEALTH_S3_ENDPOINT"):
            load_s3(con)
        _attach(con, source, SOURCE, read_only=True)
        _attach(con, target, TARGET, read_only=False)
    except BaseException:
        con.close()
        raise
    return con


def _attach(con: duckdb.DuckDBPyConnection, history: HistoryTarget, alias: str, *, read_only: bool) -> None:
    options = ["read_only"] if read_only else []
    if isinstance(history, Lake):
        spec = history.spec
        if history.data_path:
            options.append(f"data_path {_quote(history.data_path)}")
    else:
        spec = str(Path(history).resolve())
    statement = f"attach {_quote(spec)} as {alias}" + (f" ({', '.join(options)})" if options else "")
    try:
        try:
            con.execute(statement)
        except duckdb.Error as exc:
            if "httpfs" not in str(exc):
                raise
            load_s3(con)  # a catalog that keeps its data in S3 without a data path saying so
            con.execute(statement)
    except duckdb.Error as exc:
        raise InputError(
            _("cannot open the history {history} ({reason})", history=str(history),
              reason=redact((str(exc).splitlines() or [""])[0])),
            fix=_("wait for the other storehealth command to finish (a file has one writer at a time), "
                  "and check --db, --to and their data paths"),
        ) from None  # fmt: skip


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ingested_files(con: duckdb.DuckDBPyConnection, alias: str) -> int:
    return con.execute(f"select count(*) from {alias}.main.ingested_files").fetchone()[0]


def _columns(con: duckdb.DuckDBPyConnection, alias: str, table: str) -> dict[str, str]:
    """The table's columns and their types, by name (an upgraded file may order them otherwise)."""
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? "
        "and schema_name = 'main' and table_name = ? order by column_index",
        [alias, table],
    ).fetchall()
    return dict(rows)


def _copy(
    con: duckdb.DuckDBPyConnection, source: HistoryTarget, target: HistoryTarget,
    progress: Callable[[str], None],
) -> None:
    """Every table and the salt, in one transaction on the target."""
    salt = _salt(con, source, SOURCE)
    salt_before = _salt(con, target, TARGET)
    con.execute("begin")
    try:
        for table in TABLES:
            wanted = _columns(con, TARGET, table)
            columns = ", ".join(f'"{c}"' for c in _columns(con, SOURCE, table) if c in wanted)
            progress(_("copying {table}", table=table))
            con.execute(f"delete from {TARGET}.main.{table}")
            con.execute(f"insert into {TARGET}.main.{table} ({columns}) "
                        f"select {columns} from {SOURCE}.main.{table}")  # fmt: skip
        if isinstance(target, Lake):
            if salt is not None:
                con.execute(f"delete from {TARGET}.main.{SECRET_TABLE} where key = 'buyer_salt'")
                con.execute(f"insert into {TARGET}.main.{SECRET_TABLE} values ('buyer_salt', ?)", [salt])
        else:
            _continue_file_ids(con)
            if salt is not None:  # before the commit: the rows never land without their salt
                write_salt(Path(target), salt)
        con.execute("commit")
    except BaseException:
        try:
            con.execute("rollback")
        finally:
            if not isinstance(target, Lake) and salt_before is not None:
                write_salt(Path(target), salt_before)
        raise


def _continue_file_ids(con: duckdb.DuckDBPyConnection) -> None:
    """A file history numbers its files from a sequence: new ids continue after the copied ones
    (and after the last id a lake handed out, kept in its settings)."""
    next_id = con.execute(
        f"select greatest(coalesce((select max(file_id) from {TARGET}.main.ingested_files), 0), "
        f"coalesce((select max(try_cast(value as bigint)) from {TARGET}.main.settings "
        "where key = 'last_file_id'), 0)) + 1"
    ).fetchone()[0]
    con.execute(f"drop sequence {TARGET}.main.ingested_file_ids")
    con.execute(f"create sequence {TARGET}.main.ingested_file_ids start {int(next_id)}")


def _salt(con: duckdb.DuckDBPyConnection, history: HistoryTarget, alias: str) -> str | None:
    """The buyer-hash salt: a lake's from its catalog, a file's from the file beside it."""
    if not isinstance(history, Lake):
        return read_salt(Path(history))
    exists = con.execute(
        "select count(*) from duckdb_tables() where database_name = ? and table_name = ?",
        [alias, SECRET_TABLE],
    ).fetchone()[0]
    if not exists:
        return None
    row = con.execute(f"select value from {alias}.main.{SECRET_TABLE} where key = 'buyer_salt'").fetchall()
    return row[0][0] if row else None


def checksum(
    con: duckdb.DuckDBPyConnection, alias: str, table: str, types: dict[str, str]
) -> tuple[int, int]:
    """Row count and an order-independent checksum: the sum of every row's hash, its columns
    taken by name and cast to one type, so that column order or a backend's type names do not
    matter."""
    values = ", ".join(f'"{name}"::{kind}' for name, kind in sorted(types.items()))
    count, total = con.execute(
        f"select count(*), coalesce(sum(hash({values})::hugeint), 0) from {alias}.main.{table}"
    ).fetchone()
    return int(count), int(total)


def verify(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Each table's count and checksum, equal on both sides, else an error naming the table."""
    tables: dict[str, dict] = {}
    for table in TABLES:
        target_types = _columns(con, TARGET, table)
        types = {name: kind for name, kind in _columns(con, SOURCE, table).items() if name in target_types}
        source_sum = checksum(con, SOURCE, table, types)
        target_sum = checksum(con, TARGET, table, types)
        if source_sum != target_sum:
            raise InputError(
                _("the copy of {table} differs from the source ({source} rows there, {target} here)",
                  table=table, source=source_sum[0], target=target_sum[0]),
                fix=_("run the migrate again with --force; if it differs again, report it"),
            )  # fmt: skip
        tables[table] = {"rows": source_sum[0], "checksum": f"{source_sum[1]:x}"}
    return tables
