"""`storehealth backup` and `restore`: the whole history as Parquet files plus a manifest.

Parquet because any engine reads it (pandas, Polars, Spark, Trino, DuckDB): a backup stays
useful even without storehealth. The manifest holds each table's row count and SHA-256, so a
restore refuses a backup that was truncated or altered. The buyer-hash salt is not in it (it
is a secret); the manifest keeps only its fingerprint, so a restore can say when new buyer
hashes will not match old ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from pipeline.errors import InputError
from pipeline.history_tables import TABLES
from pipeline.history_target import HistoryTarget, Lake, is_lake
from pipeline.i18n import _
from pipeline.ingest import file_sha256
from pipeline.lake import SECRET_TABLE
from pipeline.salt import read_salt, salt_path, write_salt

MANIFEST = "manifest.json"
FORMAT = "storehealth-backup"
# Tables a backup made by an earlier storehealth may lack (added in schema version 4).
LATER_TABLES = {"mapping_aliases"}


@dataclass
class BackupSummary:
    folder: Path
    rows: dict[str, int]
    schema_version: int


def _fingerprint(salt: str | None) -> str | None:
    return None if salt is None else hashlib.sha256(("fingerprint|" + salt).encode()).hexdigest()[:16]


def backup(con: duckdb.DuckDBPyConnection, db_path: HistoryTarget, folder: Path) -> BackupSummary:
    """Write every table to `folder` (which must not exist yet) from one consistent snapshot."""
    from pipeline.migrations import schema_version

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise InputError(
            _("the backup folder is not empty"), path=folder,
            fix=_("give a new folder, e.g. backups/2024-06-03"),
        )
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        con.execute("begin")  # one snapshot for every table
        rows: dict[str, int] = {}
        tables = {}
        for table in TABLES:
            target = staging / f"{table}.parquet"
            con.execute(f"copy (select * from {table}) to '{_quoted(target)}' (format parquet)")
            rows[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
            columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
            tables[table] = {"file": target.name, "rows": rows[table], "sha256": file_sha256(target),
                             "columns": columns}  # fmt: skip
        version = schema_version(con)
        con.execute("commit")
        manifest = {
            "format": FORMAT,
            "format_version": 1,
            "schema_version": version,
            "created_at": datetime.now().isoformat(timespec="seconds"),
            "source": str(db_path),
            "salt_fingerprint": _fingerprint(_history_salt(con, db_path)),
            "tables": tables,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if folder.exists():
            folder.rmdir()
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BackupSummary(folder, rows, version)


def _history_salt(con: duckdb.DuckDBPyConnection, db_path: HistoryTarget) -> str | None:
    """The buyer-hash salt: a lake keeps it in its catalog, a file in the file beside it."""
    if not is_lake(db_path):
        return read_salt(Path(db_path))
    try:
        row = con.execute(f"select value from {SECRET_TABLE} where key = 'buyer_salt'").fetchall()
    except duckdb.CatalogException:  # a lake made before it kept one
        return None
    return row[0][0] if row else None


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def read_manifest(folder: Path) -> dict:
    """The manifest, after checking that every file is there, whole and unaltered."""
    folder = Path(folder)
    manifest_file = folder / MANIFEST
    if not manifest_file.is_file():
        raise InputError(
            _("this is not a storehealth backup (no manifest.json)"),
            path=folder,
            fix=_("give the folder that `storehealth backup` wrote"),
        )
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(_("the manifest is damaged ({error})", error=exc), path=manifest_file) from None
    tables = set(manifest.get("tables", {}))
    if manifest.get("format") != FORMAT or not set(TABLES) - LATER_TABLES <= tables <= set(TABLES):
        raise InputError(
            _("the manifest does not describe a storehealth backup"), path=manifest_file,
            fix=_("give the folder that `storehealth backup` wrote"),
        )  # fmt: skip
    for table, entry in manifest["tables"].items():
        path = folder / entry["file"]
        if not path.is_file() or path.name != f"{table}.parquet":
            raise InputError(_("the backup has no file for table {table}", table=table), path=path)
        if file_sha256(path) != entry["sha256"]:
            raise InputError(
                _("the {table} file does not match its checksum: it was changed or damaged", table=table),
                path=path,
                fix=_("restore from another backup"),
            )
    return manifest


def restore(
    folder: Path, db_path: HistoryTarget, *, force: bool = False
) -> tuple[dict[str, int], list[str]]:
    """Rebuild the database at `db_path` from a backup; returns the row counts and warnings.

    The new database is built beside the target and swapped in only when every table's row
    count matches the manifest; with `force`, the database it replaces is kept as `.before-restore`.
    All along it holds the target as its writer (`writer_lock`), so that an ingest running there
    finishes first and one starting waits: the file is never swapped under a command using it.
    A lake is restored through a file built in a temporary folder, then migrated into it in
    one transaction (its snapshots keep what it held before).
    """
    from pipeline.database import writer_lock
    from pipeline.migrations import SCHEMA_VERSION

    manifest = read_manifest(folder)
    if manifest["schema_version"] > SCHEMA_VERSION:
        raise InputError(
            _("the backup was made by a newer storehealth (schema version {version})",
              version=manifest["schema_version"]),
            path=folder,
            fix=_("upgrade storehealth, then restore"),
        )
    if isinstance(db_path, Lake):
        return _restore_into_lake(folder, manifest, db_path, force=force)
    db_path = Path(db_path)
    if db_path.exists() and not force:
        raise InputError(
            _("a history database is already there"),
            path=db_path,
            fix=_("restore to another --db path, or add --force to replace it "
                  "(it is kept as .before-restore)"),
        )
    existed = db_path.exists()
    lock = writer_lock(db_path)
    placeholder = False
    try:
        # Created empty by writer_lock to hold the place (unless an ingest started a history
        # there while the restore waited for it).
        placeholder = not existed and (lock is None or not _holds_history(lock))
        return _restore_locked(folder, manifest, db_path, force=force, placeholder=placeholder)
    except BaseException:
        if placeholder:  # removed while still held, so that no other command opens it first
            db_path.unlink(missing_ok=True)
        raise
    finally:
        if lock is not None:
            lock.close()


def _restore_locked(
    folder: Path, manifest: dict, db_path: Path, *, force: bool, placeholder: bool
) -> tuple[dict[str, int], list[str]]:
    """restore's work, while it holds the target as its writer."""
    from pipeline.database import connect

    if not force and not placeholder:
        raise InputError(  # an ingest started a history there while the restore waited
            _("a history database is already there"),
            path=db_path,
            fix=_("restore to another --db path, or add --force to replace it "
                  "(it is kept as .before-restore)"),
        )
    building = db_path.with_name(f".{db_path.name}.restoring")
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    warnings: list[str] = []
    salt_then = manifest.get("salt_fingerprint")
    salt_now = read_salt(db_path) if salt_path(db_path).exists() else None
    salt_inside = manifest["schema_version"] < 2  # version 1 kept the salt in its settings table
    if not salt_inside and salt_then and _fingerprint(salt_now) != salt_then:
        warnings.append(
            _("the buyer-hash salt beside this database is not the one the backup was made with: "
              "buyers seen from now on will not match earlier ones. Copy the original "
              "{file} file to {target} to keep them comparable",
              file=salt_path(Path(manifest["source"])).name, target=salt_path(db_path))
        )
    if salt_now is not None and not salt_inside:
        write_salt(building, salt_now)
    rows = _load(folder, manifest, building, connect)
    if salt_inside:
        # The upgrade on first use moves the backup's own salt out of its settings table.
        salt_path(building).unlink(missing_ok=True)
    if db_path.exists() and not placeholder:
        kept = db_path.with_name(db_path.name + ".before-restore")
        os.replace(db_path, kept)
        if salt_path(db_path).exists():
            os.replace(salt_path(db_path), salt_path(kept))
    db_path.with_name(db_path.name + ".wal").unlink(missing_ok=True)
    os.replace(building, db_path)
    if salt_path(building).exists():
        os.replace(salt_path(building), salt_path(db_path))
    return rows, warnings


def _restore_into_lake(
    folder: Path, manifest: dict, lake: Lake, *, force: bool
) -> tuple[dict[str, int], list[str]]:
    """Restore into a file in a temporary folder, then migrate it into the lake (with the
    lake's own salt when it has one, as a file keeps the salt beside it)."""
    from pipeline.database import connect
    from pipeline.migrate import migrate

    salt_now, ingested = _lake_state(lake)
    if ingested and not force:
        raise InputError(
            _("a history database is already there"),
            path=str(lake),
            fix=_("restore to another --db, or add --force to replace what the lake holds (its "
                  "snapshots keep it until they expire)"),
        )  # fmt: skip
    warnings: list[str] = []
    salt_then = manifest.get("salt_fingerprint")
    salt_inside = manifest["schema_version"] < 2
    if not salt_inside and salt_then and _fingerprint(salt_now) != salt_then:
        warnings.append(
            _("the buyer-hash salt of this lake is not the one the backup was made with: buyers seen "
              "from now on will not match earlier ones")
        )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="storehealth-restore-") as scratch:
        building = Path(scratch) / "restored.duckdb"
        if salt_now is not None and not salt_inside:
            write_salt(building, salt_now)
        rows = _load(folder, manifest, building, connect)
        migrate(building, lake, force=True)
    return rows, warnings


def _lake_state(lake: Lake) -> tuple[str | None, int]:
    """The lake's salt and how many files it holds; nothing for a lake not made yet."""
    from pipeline.database import connect

    if not lake.exists():
        return None, 0
    try:
        con = connect(lake, read_only=True, interpret=False)
    except InputError:  # no history there yet
        return None, 0
    try:
        return _history_salt(con, lake), con.execute("select count(*) from ingested_files").fetchone()[0]
    finally:
        con.close()


def _holds_history(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() and not temporary"
    ).fetchone()[0])  # fmt: skip


def _load(folder: Path, manifest: dict, building: Path, connect) -> dict[str, int]:
    con = connect(building)  # a fresh database at today's schema version
    try:
        con.execute("begin")
        con.execute("delete from schema_version")
        con.execute("delete from settings")
        rows = {}
        for table in (t for t in TABLES if t in manifest["tables"]):
            path = folder / manifest["tables"][table]["file"]
            con.execute(f"insert into {table} by name select * from read_parquet('{_quoted(path)}')")
            rows[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
            if rows[table] != manifest["tables"][table]["rows"]:
                raise InputError(
                    _("{table}: {restored} rows restored, the manifest says {expected}",
                      table=table, restored=rows[table], expected=manifest["tables"][table]["rows"]),
                    path=path,
                    fix=_("restore from another backup"),
                )
        next_id = con.execute("select coalesce(max(file_id), 0) + 1 from ingested_files").fetchone()[0]
        con.execute("commit")
        # New file ids continue after the restored ones.
        con.execute("drop sequence ingested_file_ids")
        con.execute(f"create sequence ingested_file_ids start {int(next_id)}")
        con.execute("checkpoint")
    except BaseException:
        con.close()
        building.unlink(missing_ok=True)
        raise
    con.close()
    return rows
