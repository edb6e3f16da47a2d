"""Opening the history database and running the SQL models kept in `pipeline/sql/`."""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime
from functools import cache
from pathlib import Path

import duckdb

from pipeline.config import SQL_DIR
from pipeline.errors import InputError
from pipeline.vocabulary import alias_rows, code_rows, priority_rules

SCHEMA_VERSION = 1
MEMORY_LIMIT = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$", re.I)


def memory_limit() -> str:
    """DuckDB's memory limit for ingests: `STOREHEALTH_MEMORY_LIMIT` (e.g. 2GB), default 768MB."""
    value = os.environ.get("STOREHEALTH_MEMORY_LIMIT", "768MB").strip()
    return value if MEMORY_LIMIT.match(value) else "768MB"


@cache
def sql_text(name: str) -> str:
    """The text of `pipeline/sql/<name>.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def build_model(con: duckdb.DuckDBPyConnection, name: str, *, source: str | None = None) -> None:
    """Materialise a select-only model as a temp table named after it (or after `source`)."""
    con.execute(f"create or replace temp table {name} as {sql_text(source or name)}")


def build_view(con: duckdb.DuckDBPyConnection, name: str, *, source: str | None = None) -> None:
    """A select-only model as a temp view: for models read once, a copy would only cost time."""
    con.execute(f"create or replace temp view {name} as {sql_text(source or name)}")


def drop_models(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Free intermediate models as soon as nothing reads them (a 300,000-row export's models
    would otherwise hold a gigabyte until the end of the ingest)."""
    for name in names:
        con.execute(f"drop table if exists {name}")


def run_statement(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(sql_text(name))


def _load_vocabulary(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create or replace temp table vocab_alias "
        "(kind varchar, platform varchar, raw_key varchar, code varchar)"
    )
    con.executemany("insert into vocab_alias values (?, ?, ?, ?)", alias_rows())
    con.execute(
        "create or replace temp table vocab_code (kind varchar, code varchar, seller_fault boolean)"
    )
    con.executemany("insert into vocab_code values (?, ?, ?)", code_rows())
    carriers, quantity, amount = priority_rules()
    con.execute(
        "create or replace temp table vocab_priority as select ?::varchar as express_pattern, "
        "?::integer as wholesale_quantity, ?::decimal(18, 2) as wholesale_amount",
        [carriers, quantity, amount],
    )


def connect(db_path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection with the schema in place and the vocabulary and macros loaded."""
    db_path = Path(db_path)
    if read_only and not db_path.exists():
        raise InputError(
            "there is no history database yet",
            path=db_path,
            fix="ingest an export first: storehealth ingest PATH --store NAME",
        )
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.IOException as exc:
        raise InputError(
            f"cannot open the history database ({str(exc).splitlines()[0]})",
            path=db_path,
            fix="if another storehealth command is running, wait for it to finish and try again",
        ) from None
    if not read_only:
        # Cap DuckDB's buffers: it spills to disk beyond this instead of growing (measured:
        # a 300,000-row .xlsx export peaks at 1.3 GiB with 768 MB, 2.3 GiB without).
        con.execute(f"set memory_limit = '{memory_limit()}'")
        _ensure_schema(con)
    con.execute(sql_text("macros"))
    _load_vocabulary(con)
    return con


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("begin")
    con.execute(sql_text("schema"))
    if con.execute("select count(*) from schema_version").fetchone()[0] == 0:
        con.execute("insert into schema_version values (?, ?)", [SCHEMA_VERSION, datetime.now()])
    con.execute(
        "insert into settings values ('buyer_salt', ?) on conflict do nothing",
        [secrets.token_hex(16)],
    )
    con.execute("commit")


def buyer_salt(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select value from settings where key = 'buyer_salt'").fetchone()[0]
