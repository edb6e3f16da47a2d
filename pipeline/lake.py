"""Opening a DuckLake history: its extensions from their PyPI packages, the catalog attached and
made the default, and what differs from the embedded file (no sequences or key constraints,
conflicts between concurrent writers, the buyer-hash salt kept in the catalog).

Nothing is downloaded at run time: DuckDB's own auto-install is switched off, and every
extension is loaded from the file its `duckdb-extension-*` package installed.
"""

from __future__ import annotations

import importlib.util
import os
import random
import re
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from pipeline.errors import InputError
from pipeline.history_target import Lake, redact
from pipeline.i18n import _

T = TypeVar("T")
ALIAS = "history"
# extension name -> (import name, PyPI package)
EXTENSIONS = {
    "ducklake": ("duckdb_extension_ducklake", "duckdb-extension-ducklake"),
    "sqlite_scanner": ("duckdb_extension_sqlite_scanner", "duckdb-extension-sqlite-scanner"),
    "postgres_scanner": ("duckdb_extension_postgres_scanner", "duckdb-extension-postgres-scanner"),
    "httpfs": ("duckdb_extension_httpfs", "duckdb-extension-httpfs"),
}
NO_DOWNLOADS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# A lake's connection loads the extension files of our pinned packages by path, and checking
# their signatures hashes 33 MiB a command (0.15-0.4 s, measured by benchmarks/bench_lake.py).
# Nothing is fetched or loaded by name on it, so the check buys nothing here.
LAKE_CONFIG = {**NO_DOWNLOADS, "allow_unsigned_extensions": True}
# What DuckLake or its catalog says when another writer committed first: the whole ingest is
# then run again on the new state (pipeline/ingest.py).
CONFLICT = re.compile(
    r"database is locked|conflict|Failed to commit DuckLake|could not serialize|deadlock detected"
    r"|duplicate key value|violates primary key|Catalog write-write",
    re.I,
)


def extension_file(name: str) -> Path:
    """The extension's file inside its installed package; a missing package is an InputError
    that names it."""
    module, package = EXTENSIONS[name]
    try:
        spec = importlib.util.find_spec(module)
    except ImportError:
        spec = None
    version = duckdb.__version__
    found = spec.submodule_search_locations if spec else None
    folder = Path(next(iter(found))) if found else None
    path = folder / "extensions" / f"v{version}" / f"{name}.duckdb_extension" if folder else None
    if path is None or not path.is_file():
        raise InputError(
            _("the DuckDB extension {name} is not installed for DuckDB {version}",
              name=name, version=version),
            fix=_("install the package {package}=={version} (pip install -e . installs it)",
                  package=package, version=version),
        )  # fmt: skip
    return path


def load_extensions(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    for name in names:
        con.execute(f"load '{extension_file(name)}'")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _s3_secret(con: duckdb.DuckDBPyConnection) -> None:
    """Credentials from the usual AWS variables; STOREHEALTH_S3_ENDPOINT for a store that is not
    AWS (MinIO, Ceph, a local emulator), with path-style URLs unless told otherwise."""
    env = os.environ
    options = {"type": "s3"}
    pairs = (
        ("key_id", "AWS_ACCESS_KEY_ID"), ("secret", "AWS_SECRET_ACCESS_KEY"),
        ("session_token", "AWS_SESSION_TOKEN"),
        ("region", "AWS_REGION" if env.get("AWS_REGION") else "AWS_DEFAULT_REGION"),
    )  # fmt: skip
    for option, variable in pairs:
        if env.get(variable):
            options[option] = env[variable]
    endpoint = env.get("STOREHEALTH_S3_ENDPOINT")
    if endpoint:
        scheme, _sep, rest = endpoint.partition("://")
        options["endpoint"] = rest if rest else endpoint
        options["url_style"] = env.get("STOREHEALTH_S3_URL_STYLE", "path")
        default_ssl = "false" if scheme == "http" else "true"
        options["use_ssl"] = env.get("STOREHEALTH_S3_USE_SSL", default_ssl)
    bare = ("type", "use_ssl")
    body = ", ".join(f"{key} {value if key in bare else _quote(value)}" for key, value in options.items())
    con.execute(f"create or replace temporary secret storehealth_s3 ({body})")


def _wal_catalog(path: Path) -> None:
    """A SQLite catalog in WAL mode, so that a reader never blocks a writer's commit (in the
    default journal mode a notebook's query makes the weekly ingest's commit fail)."""
    with sqlite3.connect(path) as db:
        if db.execute("pragma journal_mode").fetchone()[0].lower() != "wal":
            db.execute("pragma journal_mode=wal")


def load_s3(con: duckdb.DuckDBPyConnection) -> None:
    """httpfs and the S3 credentials, only for a lake whose data is in S3 (45 ms a command)."""
    load_extensions(con, "httpfs")
    _s3_secret(con)


def open_lake(lake: Lake, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as `history` and used by default, so that every
    model's unqualified table names are the lake's."""
    con = duckdb.connect(config=LAKE_CONFIG)
    try:
        # an in-memory DuckDB spills to ./.tmp: the folder a command was started from is no place
        spill = Path(tempfile.gettempdir()) / f"storehealth-spill-{os.getuid()}"
        con.execute(f"set temp_directory = {_quote(str(spill))}")
        scanner = "sqlite_scanner" if lake.kind == "sqlite" else "postgres_scanner"
        load_extensions(con, "ducklake", scanner)
        if (lake.data_path or "").startswith("s3://") or os.environ.get("STOREHEALTH_S3_ENDPOINT"):
            load_s3(con)
        if lake.kind == "sqlite":
            catalog = Path(lake.location)
            if read_only and not catalog.exists():
                raise InputError(
                    _("there is no history database yet"), path=catalog,
                    fix=_("ingest an export first: storehealth ingest PATH --store NAME"),
                )  # fmt: skip
            catalog.parent.mkdir(parents=True, exist_ok=True)
            if lake.data_path and not lake.data_path.startswith("s3://"):
                Path(lake.data_path).mkdir(parents=True, exist_ok=True)
        options = []
        if lake.data_path:
            options.append(f"data_path {_quote(lake.data_path)}")
        if read_only:
            options.append("read_only")
        attach = f"attach {_quote(lake.spec)} as {ALIAS}" + (f" ({', '.join(options)})" if options else "")
        try:
            try:
                con.execute(attach)
            except duckdb.Error as exc:
                if "httpfs" not in str(exc):
                    raise
                load_s3(con)  # the catalog keeps its data in S3 without --data-path saying so
                con.execute(attach)
        except duckdb.Error as exc:
            if read_only and "does not exist" in str(exc):
                raise InputError(
                    _("there is no history database yet"), path=str(lake),
                    fix=_("ingest an export first: storehealth ingest PATH --store NAME"),
                ) from None  # fmt: skip
            raise InputError(
                _("cannot open the lake {spec} ({reason})", spec=str(lake),
                  reason=redact((str(exc).splitlines() or [""])[0])),
                fix=_("check the catalog and --data-path / STOREHEALTH_DATA_PATH (a new "
                      "ducklake:postgres history needs one: a folder or s3://bucket/prefix)"),
            ) from None  # fmt: skip
        if lake.kind == "sqlite" and not read_only:
            _wal_catalog(Path(lake.location))
        con.execute(f"use {ALIAS}")
        # concurrent writers: DuckLake retries a commit that does not conflict itself
        con.execute("set ducklake_max_retry_count = 100")
    except BaseException:
        con.close()
        raise
    return con


def in_memory(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run `sql` (temporary macros) with the in-memory database as the default: bound against
    the lake, every name it mentions is looked up in the catalog (50 ms a command)."""
    con.execute("use memory")
    try:
        con.execute(sql)
    finally:
        con.execute(f"use {ALIAS}")


def one_snapshot(con: duckdb.DuckDBPyConnection) -> None:
    """A read-only command's statements in one transaction: one catalog snapshot read, not one
    a statement (22 for a 52-week --by week), and every figure from the same moment even
    while an ingest lands. A no-op on the embedded file, which a writer cannot change anyway."""
    if is_lake_connection(con):
        con.execute("begin")


def is_lake_connection(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "select type from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    return bool(row) and row[0][0] == "ducklake"


def lake_schema(schema_sql: str) -> str:
    """The file's schema as DuckLake takes it: no sequence and no key constraints (file ids come
    from `next_file_id`, and every write checks its keys itself)."""
    text = re.sub(r"(?im)^create sequence[^;]*;\s*", "", schema_sql)
    text = re.sub(r"(?i)\s+primary key", "", text)
    return re.sub(r"(?i)\s+unique\b", "", text)


SECRET_TABLE = "installation_secret"


def lake_salt(con: duckdb.DuckDBPyConnection, *, create: bool) -> str | None:
    """The buyer-hash salt of a lake. It lives in the catalog, not in a file beside it: every
    machine that shares the lake must hash buyers alike, and the catalog is what they share.
    It is not a history table: a backup leaves it out, and `migrate` carries it over itself."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and table_name = ?", [SECRET_TABLE]
    ).fetchall()[0][0]
    if not exists and not create:
        return None
    if not exists:
        con.execute(f"create table {SECRET_TABLE} (key varchar not null, value varchar not null)")
    row = con.execute(f"select value from {SECRET_TABLE} where key = 'buyer_salt'").fetchall()
    if row:
        return row[0][0]
    if not create:
        return None
    value = secrets.token_hex(16)
    con.execute(f"insert into {SECRET_TABLE} values ('buyer_salt', ?)", [value])
    return value


def set_lake_salt(con: duckdb.DuckDBPyConnection, value: str) -> None:
    con.execute(f"create table if not exists {SECRET_TABLE} (key varchar not null, value varchar not null)")
    con.execute(f"delete from {SECRET_TABLE} where key = 'buyer_salt'")
    con.execute(f"insert into {SECRET_TABLE} values ('buyer_salt', ?)", [value])


def next_file_id(con: duckdb.DuckDBPyConnection, *, reuse: int | None = None) -> int:
    """The next file id in a lake (or `reuse`, a file read again). The counter row is rewritten
    by every ingest, so two ingests that overlap always conflict at commit, and the later one
    runs again on the new history: they never both take an id, nor both insert an order that
    neither saw. A file read again leaves the counter's value as it was."""
    row = con.execute(
        "select greatest(coalesce((select max(file_id) from ingested_files), 0), "
        "coalesce((select max(value::bigint) from settings where key = 'last_file_id'), 0))"
    ).fetchall()
    last = int(row[0][0])
    file_id = last + 1 if reuse is None else reuse
    con.execute("delete from settings where key = 'last_file_id'")
    con.execute("insert into settings values ('last_file_id', ?)", [str(max(last, file_id))])
    return file_id


def is_conflict(exc: BaseException) -> bool:
    """A commit that lost to another writer: the same work, run again, can land."""
    return isinstance(exc, duckdb.Error) and bool(CONFLICT.search(str(exc)))


def with_retries(work: Callable[[], T], *, attempts: int = 30) -> T:
    """`work` again while another writer's commit beat it: a lake's writers do not wait for
    each other, the later one finds its transaction conflicting and runs it again."""
    delay = 0.05
    for attempt in range(attempts):
        try:
            return work()
        except duckdb.Error as exc:
            if not is_conflict(exc) or attempt == attempts - 1:
                raise
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 1.5, 2.0)
    raise AssertionError("unreachable")
