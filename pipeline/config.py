"""Paths and settings in one place; environment variables override the defaults."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SQL_DIR = PACKAGE_DIR / "sql"
VOCABULARY_FILE = PACKAGE_DIR / "vocabulary.toml"
HEADERS_FILE = PACKAGE_DIR / "headers.toml"
POLICIES_FILE = PACKAGE_DIR / "policies.toml"


def project_root() -> Path:
    """The checkout when run from one (so `data/` is found from any folder), else the cwd."""
    candidate = PACKAGE_DIR.parent
    if (candidate / "pyproject.toml").exists():
        return candidate
    return Path.cwd()


def default_db_path() -> Path | str:
    """`STOREHEALTH_DB` when set (a file, or ducklake:sqlite:FILE / ducklake:postgres:CONNINFO,
    which `history_target.parse_target` reads), else `data/storehealth.duckdb` in the project."""
    return os.environ.get("STOREHEALTH_DB") or project_root() / "data" / "storehealth.duckdb"


def exports_dir() -> Path:
    return project_root() / "data" / "exports"


# An export older than this no longer reaches back to the previous one: orders may be lost.
STALE_EXPORT_DAYS = 28
# AliExpress and friends keep about three months of orders in an export.
EXPORT_WINDOW_DAYS = 90
