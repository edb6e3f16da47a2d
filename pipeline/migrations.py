"""Schema versions of the history database and the steps from each to the next.

A database made by an earlier storehealth is upgraded the first time a newer one opens it for
writing, one version per transaction, so an interrupted upgrade resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb

from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.lake import is_lake_connection, lake_salt, lake_schema
from pipeline.models import sql_text
from pipeline.salt import ensure_salt, read_salt, salt_path, write_salt

SCHEMA_VERSION = 5


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The database's version; 0 for a new, empty file."""
    exists = con.execute(
        # information_schema, not duckdb_tables(): on a lake that lists every table's details
        "select count(*) from information_schema.tables where table_catalog = current_database() "
        "and table_schema = 'main' and table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0]


def _v2_salt_leaves_the_database(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Version 1 kept the buyer-hash salt in the settings table; version 2 keeps it in a file
    beside the database (mode 0600). The old hashes stay valid: the value moves, unchanged."""
    row = con.execute("select value from settings where key = 'buyer_salt'").fetchone()
    if row is None:
        ensure_salt(db_path)
        return
    existing = read_salt(db_path)
    if existing is None:
        write_salt(db_path, row[0])
    elif existing != row[0]:
        raise InputError(
            _("the buyer-hash salt beside this database is not the one the database was made with"),
            path=salt_path(db_path),
            fix=_("move that file away (it belongs to another history) and run the command again"),
        )
    con.execute("delete from settings where key = 'buyer_salt'")


def _v3_refunded_amount(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Version 3 keeps the amount refunded (Shopify's Refunded Amount, Taobao's 退款金额); the
    orders already in the history have none."""
    con.execute(sql_text("migration_v3_refunded_amount"))


def _v4_raw_inputs(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Version 4 keeps every raw value an interpretation needs, so that a vocabulary edit
    re-derives status, cause and reason (pipeline/reinterpret.py)."""
    con.execute(sql_text("migration_v4_raw_inputs"))


def _v5_lake_layout(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Version 5 writes a lake's orders sorted by creation time (sql/schema/lake_layout.sql); a
    file has nothing to change. A lake's files written before stay as they are, but for the
    small ones that `storehealth maintain` merges (a migrate out and back rewrites them all)."""
    if is_lake_connection(con):
        con.execute(sql_text("lake_layout"))


MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection, Path], None]] = {
    2: _v2_salt_leaves_the_database,
    3: _v3_refunded_amount,
    4: _v4_raw_inputs,
    5: _v5_lake_layout,
}


def upgrade(con: duckdb.DuckDBPyConnection, db_path: Path) -> int:
    """Bring the schema to SCHEMA_VERSION; returns the version the database had before."""
    before = schema_version(con)
    if before > SCHEMA_VERSION:
        raise InputError(
            _("this history was written by a newer storehealth (schema version {version}; this one "
              "knows up to {latest})", version=before, latest=SCHEMA_VERSION),
            path=db_path,
            fix=_("upgrade storehealth (git pull, then make demo or pip install -e .)"),
        )
    lake = is_lake_connection(con)
    if before == 0:
        con.execute("begin")
        con.execute(lake_schema(sql_text("schema")) if lake else sql_text("schema"))
        con.execute("insert into schema_version values (?, ?)", [SCHEMA_VERSION, datetime.now()])
        if lake:
            con.execute(sql_text("lake_layout"))
            lake_salt(con, create=True)
        con.execute("commit")
        if not lake:
            ensure_salt(db_path)
        return before
    for version in range(before + 1, SCHEMA_VERSION + 1):
        con.execute("begin")
        try:
            # tables a version adds; `if not exists` keeps the rest
            con.execute(lake_schema(sql_text("schema")) if lake else sql_text("schema"))
            MIGRATIONS[version](con, db_path)
            con.execute("insert into schema_version values (?, ?)", [version, datetime.now()])
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    if not lake:
        ensure_salt(db_path)
    return before
