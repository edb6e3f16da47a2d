"""Following the vocabulary in force: when a command opens the history with a vocabulary other
than the one its codes were derived with, interpret it again (pipeline/reinterpret.py) in one
transaction, then land the rows rejected for a status the vocabulary now knows by reading their
files again, as `ingest --reprocess` does, each file whole or not at all."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.i18n import _
from pipeline.ingest import file_sha256, ingest_file
from pipeline.reinterpret import (
    Reinterpretation,
    files_to_read_again,
    reinterpret,
    store_fingerprint,
)


def follow_vocabulary(con: duckdb.DuckDBPyConnection, current: str) -> list[str]:
    """Interpret the history by the vocabulary whose fingerprint is `current`, in one
    transaction, then land the rows it no longer rejects; what changed, as notes for stderr."""
    con.execute("begin")
    try:
        has_orders = con.execute("select count(*) > 0 from order_snapshots").fetchone()[0]
        result = reinterpret(con) if has_orders else Reinterpretation()
        store_fingerprint(con, current)
        con.execute("commit")
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass  # DuckDB already gave the transaction up
        raise
    notes = []
    if result.states:
        notes.append(_("the vocabulary changed: {states} stored order states were read anew by it, "
                       "and every figure follows it", states=result.states))  # fmt: skip
    for store, raw, states in result.kept:
        notes.append(_("{store}: {states} stored order states in status {raw!r}, which the "
                       "vocabulary no longer knows, keep the status they had; map {raw!r} in "
                       "vocabulary.toml beside the database", store=store, states=states,
                       raw=raw))  # fmt: skip
    return notes + read_again(con)


def read_again(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Land the rows rejected for a status the vocabulary now knows, file by file (each whole
    or not at all), from the files where they landed; what could not be read is said."""
    notes = []
    for _file_id, path, sha, store, platform, timezone, rows in files_to_read_again(con):
        file = Path(path)
        if platform == "generic":
            notes.append(_("{path}: {rows} rows were rejected for a status the mapping now knows; "
                           "ingest it again with --mapping FILE --reprocess to land them",
                           path=path, rows=rows))  # fmt: skip
            continue
        if not file.is_file() or file_sha256(file) != sha:
            notes.append(_("{path}: {rows} rows were rejected for a status the vocabulary now "
                           "knows, but the file is no longer there as it landed; ingest that "
                           "export again with --store {store} --reprocess to land them",
                           path=path, rows=rows, store=store))  # fmt: skip
            continue
        try:
            result = ingest_file(con, file, store=store, platform=platform, reprocess=True,
                                 timezone=timezone)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the command
            notes.append(_("{path}: reading it again for the rows its status rejected failed "
                           "({reason}); nothing of it changed", path=path, reason=str(exc)))  # fmt: skip
            continue
        notes.append(_("{path}: read again for the statuses the vocabulary now knows; {rows} rows "
                       "landed", path=path, rows=rows - result.rejected))  # fmt: skip
    return notes
