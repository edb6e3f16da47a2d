"""Opening the history database and running the SQL models kept in `pipeline/sql/`."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import duckdb

from pipeline import migrations, sql_literals
from pipeline.errors import InputError
from pipeline.history_target import HistoryTarget, Lake, parse_target
from pipeline.i18n import _
from pipeline.lake import in_memory, lake_salt, open_lake, with_retries
from pipeline.models import sql_text
from pipeline.reinterpret import stored_fingerprint
from pipeline.salt import read_salt
from pipeline.user_files import VOCABULARY_NAME, user_file
from pipeline.vocabulary import alias_rows, code_rows, effective_vocabulary, fingerprint, priority_rules

MEMORY_LIMIT = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$", re.I)


def memory_limit() -> str:
    """DuckDB's memory limit for ingests: `STOREHEALTH_MEMORY_LIMIT` (e.g. 2GB), default 768MB."""
    value = os.environ.get("STOREHEALTH_MEMORY_LIMIT", "768MB").strip()
    return value if MEMORY_LIMIT.match(value) else "768MB"


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """All rows in one statement: row-by-row inserts cost every command about 40 ms."""
    if rows:
        values = ", ".join(["(" + ", ".join("?" * len(rows[0])) + ")"] * len(rows))
        sql_literals.execute(con, f"insert into {table} values {values}", [v for row in rows for v in row])


def _load_vocabulary(con: duckdb.DuckDBPyConnection, vocab: dict) -> None:
    con.execute(
        "create or replace temp table vocab_alias "
        "(kind varchar, platform varchar, raw_key varchar, code varchar)"
    )
    _insert_rows(con, "vocab_alias", alias_rows(vocab))
    con.execute(
        "create or replace temp table vocab_code "
        "(kind varchar, code varchar, seller_fault boolean, seller_side boolean)"
    )
    _insert_rows(con, "vocab_code", code_rows(vocab))
    express, *thresholds = priority_rules(vocab)
    sql_literals.execute(
        con,
        "create or replace temp table vocab_priority as select ?::integer as wholesale_quantity, "
        "?::decimal(18, 2) as wholesale_amount, ?::double as due_soon_hours",
        thresholds,
    )
    # A regex read from a table is compiled again for every row (0.5 s for 94,000 open orders);
    # as a variable it is a constant, compiled once.
    sql_literals.execute(con, "set variable express_pattern = ?", [express])


def lock_wait_seconds() -> float:
    """How long a command waits for another process to let go of the database
    (`STOREHEALTH_LOCK_WAIT`, seconds, default 120)."""
    try:
        return max(0.0, float(os.environ.get("STOREHEALTH_LOCK_WAIT", "120")))
    except ValueError:
        return 120.0


LOCK_HOLDER = re.compile(r"\(PID (\d+)\)")


def _open(
    db_path: Path, read_only: bool, *, unreadable_ok: bool = False
) -> duckdb.DuckDBPyConnection | None:
    """Open the file, waiting while another process holds it.

    DuckDB lets one process write a file, and a writer excludes readers in other processes.
    Ingests, reports and notebooks hold it briefly, so waiting a little beats failing.
    With `unreadable_ok`, a file DuckDB cannot open for any other reason than a lock (a damaged
    one, say) gives None: no other process can be using it either.
    """
    deadline = time.monotonic() + lock_wait_seconds()
    told = False
    while True:
        try:
            return duckdb.connect(str(db_path), read_only=read_only)
        except duckdb.Error as exc:
            first_line = (str(exc).splitlines() or [""])[0]
            locked = isinstance(exc, duckdb.IOException) and "lock" in first_line.lower()
            if not locked and unreadable_ok:
                return None
            if not isinstance(exc, duckdb.IOException):
                raise
            if not locked or time.monotonic() >= deadline:
                holder = LOCK_HOLDER.search(str(exc))
                if not locked:
                    fix = _("give --db the history's .duckdb file; if it is, restore it from a backup "
                            "(storehealth restore DIR)")  # fmt: skip
                else:
                    who = _("another program (PID {pid}) has it open: ", pid=holder[1]) if holder else ""
                    fix = who + _("wait for the other storehealth command to finish, or close the notebook "
                                  "kernel that has it open, and try again")  # fmt: skip
                raise InputError(
                    _("cannot open the history database ({reason})", reason=first_line), path=db_path, fix=fix
                ) from None
            if not told:
                holder = LOCK_HOLDER.search(str(exc))
                who = f" (PID {holder.group(1)})" if holder else ""
                print(
                    _("{db}: in use by another process{who}; waiting up to {seconds} s for it to finish",
                      db=db_path, who=who, seconds=f"{lock_wait_seconds():.0f}"),
                    file=sys.stderr,
                    flush=True,
                )  # fmt: skip
                told = True
            time.sleep(0.25)


def writer_lock(db_path: HistoryTarget) -> duckdb.DuckDBPyConnection | None:
    """Hold the history file as its one writer, as every ingest, run and backup does: DuckDB's
    own lock, waiting up to STOREHEALTH_LOCK_WAIT seconds for the process that has it (and
    naming it when giving up). A file that does not exist yet is created empty, so that no
    other command can start a history there meanwhile. None when there is nothing a process
    could hold: a file that is not a DuckDB database, or one too damaged to open."""
    db_path = parse_target(db_path)
    if isinstance(db_path, Lake):  # a lake's writers need no lock: conflicting commits run again
        return None
    if db_path.is_file():
        with db_path.open("rb") as fh:
            if fh.read(12)[8:12] != b"DUCK":
                return None
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return _open(db_path, read_only=False, unreadable_ok=True)


def _check_database_file(db_path: Path) -> None:
    """Refuse a --db that is a folder or another kind of file: DuckDB would open an export
    (.csv, .parquet ...) as a throw-away in-memory database, and the ingest would be lost."""
    if db_path.is_dir():
        raise InputError(_("this is a folder, not a history database"), path=db_path,
                         fix=_("give a file path, e.g. data/storehealth.duckdb"))  # fmt: skip
    if db_path.is_file() and db_path.stat().st_size == 0:
        raise InputError(
            _("this file is empty (0 bytes), not a storehealth history; it was left untouched"),
            path=db_path,
            fix=_("give --db the history's .duckdb file, or delete the empty file to start a new history"),
        )
    if db_path.is_file():
        with db_path.open("rb") as fh:
            header = fh.read(12)
        if header[8:12] != b"DUCK":
            raise InputError(
                _("this file is not a storehealth history (a DuckDB database); it was left untouched"),
                path=db_path,
                fix=_("give --db the history's .duckdb file, or a new path to start one"),
            )


def _check_no_foreign_tables(con: duckdb.DuckDBPyConnection, db_path: HistoryTarget, read_only: bool) -> None:
    """A DuckDB file without storehealth's schema: someone else's database (never written to),
    or an empty one (a reader has nothing to read; a writer starts the history in it)."""
    tables = [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() "
        "and not temporary order by 1"
    ).fetchall()]  # fmt: skip
    if tables:
        con.close()
        raise InputError(
            _("this DuckDB database is not a storehealth history (it holds {tables}); it was left "
              "untouched", tables=", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")),
            path=str(db_path),
            fix=_("give --db the history's .duckdb file, or a new path to start one"),
        )  # fmt: skip
    if read_only:
        con.close()
        raise InputError(
            _("there is no history in this database yet"),
            path=str(db_path),
            fix=_("ingest an export first: storehealth ingest PATH --store NAME"),
        )


def connect(
    db_path: HistoryTarget | str, *, read_only: bool = False, interpret: bool = True
) -> duckdb.DuckDBPyConnection:
    """A connection with the schema up to date, the vocabulary and macros loaded, and the
    history interpreted by the vocabulary in force (the packaged one and the seller's own
    vocabulary.toml beside the database)."""
    db_path = parse_target(db_path)
    if isinstance(db_path, Lake):
        return _connect_lake(db_path, read_only=read_only, interpret=interpret)
    _check_database_file(db_path)
    # read first: a broken vocabulary.toml stops the command before anything is opened
    vocab = effective_vocabulary(user_file(db_path, VOCABULARY_NAME))
    if read_only and not db_path.exists():
        raise InputError(
            _("there is no history database yet"),
            path=db_path,
            fix=_("ingest an export first: storehealth ingest PATH --store NAME"),
        )
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(db_path, read_only)
    version = migrations.schema_version(con)
    if version == 0:
        _check_no_foreign_tables(con, db_path, read_only)
    if read_only and version < migrations.SCHEMA_VERSION:
        # Made by an earlier storehealth: upgrade it once, then read as asked.
        con.close()
        connect(db_path).close()
        con = _open(db_path, read_only)
    if not read_only:
        # Cap DuckDB's buffers: it spills to disk beyond this instead of growing (measured:
        # a 300,000-row .xlsx export peaks at 1.3 GiB with 768 MB, 2.3 GiB without).
        con.execute(f"set memory_limit = '{memory_limit()}'")
        try:
            migrations.upgrade(con, db_path)
            salt = read_salt(db_path)
        except BaseException:
            con.close()
            raise
        _set_installation_salt(con, salt)
    return _interpreted(con, db_path, vocab, read_only=read_only, interpret=interpret)


def _set_installation_salt(con: duckdb.DuckDBPyConnection, salt: str | None) -> None:
    con.execute("create or replace temp table installation_salt as select ?::varchar as value", [salt])


def _connect_lake(lake: Lake, *, read_only: bool, interpret: bool) -> duckdb.DuckDBPyConnection:
    """A DuckLake history: no file lock to wait for (readers and writers each see one
    snapshot), a schema made or upgraded in one transaction, the salt kept in the catalog."""
    vocab = effective_vocabulary(user_file(lake, VOCABULARY_NAME))
    con = open_lake(lake, read_only=read_only)
    try:
        version = migrations.schema_version(con)
        if version == 0:
            _check_no_foreign_tables(con, lake, read_only)
        if read_only and version < migrations.SCHEMA_VERSION:
            con.close()
            connect(lake).close()
            con = open_lake(lake, read_only=True)
        if not read_only:
            con.execute(f"set memory_limit = '{memory_limit()}'")
            with_retries(lambda: migrations.upgrade(con, lake))
            _set_installation_salt(con, lake_salt(con, create=False))
    except BaseException:
        con.close()
        raise
    return _interpreted(con, lake, vocab, read_only=read_only, interpret=interpret)


def _interpreted(
    con: duckdb.DuckDBPyConnection, db_path: HistoryTarget, vocab: dict, *, read_only: bool, interpret: bool
) -> duckdb.DuckDBPyConnection:
    """The connection with macros and vocabulary loaded, and the history re-interpreted when
    the vocabulary in force changed since it was last opened for writing."""
    if isinstance(db_path, Lake):
        in_memory(con, sql_text("macros"))
    else:
        con.execute(sql_text("macros"))
    _load_vocabulary(con, vocab)
    current = fingerprint(vocab)
    if interpret and stored_fingerprint(con) != current:
        if read_only:  # interpreted again by a writing connection, then read as asked
            con.close()
            try:
                connect(db_path).close()
            except InputError as exc:  # a history this process may only read (a read-only mount)
                note = _("{db}: the vocabulary changed, but the history could not be opened for writing "
                         "to follow it ({reason}); its figures follow the vocabulary it was last "
                         "opened with", db=db_path, reason=exc.problem)  # fmt: skip
                print(note, file=sys.stderr, flush=True)
                return connect(db_path, read_only=True, interpret=False)
            return connect(db_path, read_only=True)
        # imported here: it brings the whole ingest, which a read-only command seldom needs
        from pipeline.vocabulary_follow import follow_vocabulary

        try:
            for note in with_retries(lambda: follow_vocabulary(con, current)):
                print(note, file=sys.stderr, flush=True)
        except BaseException:
            con.close()
            raise
    return con
