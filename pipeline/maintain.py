"""`storehealth maintain` (and the weekly `storehealth run`): upkeep of a history.

A lake gains a few small Parquet files with every ingest, and keeps every snapshot for time
travel, so it grows and slows without upkeep: files with many superseded rows are rewritten,
small adjacent files merged, snapshots older than the retention expired, the files only they
used deleted, and so are files no snapshot ever referenced (left by a writer killed before
its commit). A DuckDB file needs only a checkpoint: it reuses its own free space.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from pipeline.history_target import HistoryTarget, Lake, parse_target
from pipeline.lake import ALIAS, with_retries

KEEP_DAYS = 30  # snapshots younger than this stay (time travel, readers of an older snapshot)
# A data file is rewritten once this share of its rows has been superseded (updated orders):
# 0 would rewrite every file an ingest touched, the whole current table every week.
REWRITE_DELETE_THRESHOLD = 0.2
# Files no snapshot references are deleted only when older than this: a writer still
# working has written its files but not yet committed them.
ORPHAN_GRACE_HOURS = 24
# Files a merge replaced (or only expired snapshots used) stay this long, so that a reader who
# began before the merge still finds them; with --keep-days 0 they go at once.
CLEANUP_GRACE_HOURS = 24


@dataclass
class MaintainSummary:
    backend: str  # file | ducklake
    keep_days: int | None = None
    files_before: int | None = None  # Parquet files under the data path
    files_after: int | None = None
    files_rewritten: int = 0  # files with many superseded rows, rewritten
    files_merged: int = 0  # small files merged into larger ones
    snapshots_expired: int = 0
    files_deleted: int = 0  # files only expired snapshots used
    orphans_deleted: int = 0
    bytes_before: int | None = None  # the file's size, or the lake's Parquet files'
    bytes_after: int | None = None

    @property
    def bytes_freed(self) -> int | None:
        if self.bytes_before is None or self.bytes_after is None:
            return None
        return max(0, self.bytes_before - self.bytes_after)

    def as_dict(self) -> dict:
        return {**asdict(self), "bytes_freed": self.bytes_freed}


def keep_days_setting(value: int | None = None) -> int:
    """--keep-days, else STOREHEALTH_KEEP_DAYS, else 30; never negative."""
    if value is None:
        try:
            value = int(os.environ.get("STOREHEALTH_KEEP_DAYS", KEEP_DAYS))
        except ValueError:
            value = KEEP_DAYS
    return max(0, value)


def maintain(target: HistoryTarget | str, *, keep_days: int | None = None) -> MaintainSummary:
    """Upkeep of the history at `target` (opened for writing, its schema up to date)."""
    from pipeline.database import connect

    target = parse_target(target)
    con = connect(target, interpret=False)
    try:
        if isinstance(target, Lake):
            return maintain_lake(con, keep_days=keep_days_setting(keep_days))
        return _maintain_file(con, Path(target))
    finally:
        con.close()


def _maintain_file(con: duckdb.DuckDBPyConnection, path: Path) -> MaintainSummary:
    """A checkpoint writes the WAL into the file and returns freed blocks to it."""
    before = path.stat().st_size
    con.execute("checkpoint")
    return MaintainSummary("file", bytes_before=before, bytes_after=path.stat().st_size)


def maintain_lake(con: duckdb.DuckDBPyConnection, *, keep_days: int) -> MaintainSummary:
    """Compact, expire, clean up, on a connection with the lake attached as `history`. Each
    step commits on its own, run again if a concurrent ingest committed first."""
    summary = MaintainSummary("ducklake", keep_days=keep_days)
    summary.files_before, summary.bytes_before = _data_files(con)

    def count(sql: str) -> int:
        return with_retries(lambda: con.execute(sql).fetchall())

    rewritten = count(
        f"select coalesce(sum(files_processed), 0) from ducklake_rewrite_data_files('{ALIAS}', "
        f"delete_threshold => {REWRITE_DELETE_THRESHOLD})"
    )
    merged = count(f"select coalesce(sum(files_processed), 0) from ducklake_merge_adjacent_files('{ALIAS}')")
    summary.files_rewritten, summary.files_merged = int(rewritten[0][0]), int(merged[0][0])
    summary.snapshots_expired = count(
        f"select count(*) from ducklake_expire_snapshots('{ALIAS}', "
        f"older_than => now() - interval {int(keep_days)} day)"
    )[0][0]
    grace = min(keep_days * 24, CLEANUP_GRACE_HOURS)
    summary.files_deleted = count(
        f"select count(*) from ducklake_cleanup_old_files('{ALIAS}', "
        f"older_than => now() - interval {grace} hour)"
    )[0][0]
    summary.orphans_deleted = count(
        f"select count(*) from ducklake_delete_orphaned_files('{ALIAS}', "
        f"older_than => now() - interval {ORPHAN_GRACE_HOURS} hour)"
    )[0][0]
    summary.files_after, summary.bytes_after = _data_files(con)
    return summary


def _data_files(con: duckdb.DuckDBPyConnection) -> tuple[int | None, int | None]:
    """The Parquet files under the lake's data path and their bytes, as the storage lists them
    (read_blob reads only their sizes here); None for a store that cannot be listed."""
    data_path = con.execute(
        f"select value from ducklake_options('{ALIAS}') where option_name = 'data_path'"
    ).fetchall()
    if not data_path or not data_path[0][0]:
        return None, None
    pattern = data_path[0][0].rstrip("/") + "/**/*.parquet"
    try:
        sql = "select count(*), coalesce(sum(size), 0) from read_blob(?)"
        files, size = con.execute(sql, [pattern]).fetchone()
    except duckdb.Error as exc:
        if "No files found" in str(exc):
            return 0, 0
        return None, None
    return int(files), int(size)
