"""storehealth: a cumulative order history and store-health figures from marketplace exports.

For notebooks: `from pipeline import connect, metrics`, then e.g.
`metrics.summary(connect(), date(2024, 3, 1), date(2024, 3, 31))`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def connect(db_path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """The history, read-only (`STOREHEALTH_DB` or data/storehealth.duckdb by default; also
    `connect("ducklake:sqlite:FILE")` or `connect("ducklake:postgres:CONNINFO")`).

    Close it when done: a read-only connection keeps `storehealth ingest` from writing.
    """
    from pipeline.config import default_db_path
    from pipeline.database import connect as open_database

    return open_database(db_path if db_path else default_db_path(), read_only=True)
