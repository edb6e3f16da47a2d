"""Where a history lives: the embedded DuckDB file (the default), or a DuckLake whose catalog
is a SQLite file (one machine, many processes) or a PostgreSQL database (many machines), with
its data as Parquet files in a folder or S3-compatible object storage.

A leaf module: `--db`, `STOREHEALTH_DB` and `pipeline.connect()` all go through `parse_target`.
A lake answers the few path questions the rest of the code asks of a history (`name`, `parent`,
`exists()`, `with_name()`), so that the files kept beside a history (vocabulary.toml,
policies.toml, notify.toml, the run lock) have one home whatever the backend.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.i18n import _

PREFIX = "ducklake:"
CATALOGS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Lake:
    """A DuckLake history. `catalog` is what DuckLake's ATTACH takes after `ducklake:`."""

    kind: str  # sqlite | postgres
    location: str  # the SQLite file (absolute) or the PostgreSQL connection string
    data_path: str | None  # a folder or s3://bucket/prefix; None: the one the catalog keeps
    home: Path  # where the files kept beside a history live

    @property
    def catalog(self) -> str:
        return f"{self.kind}:{self.location}"

    @property
    def spec(self) -> str:
        return PREFIX + self.catalog

    @property
    def name(self) -> str:
        if self.kind == "sqlite":
            return Path(self.location).name
        dbname = re.search(r"dbname=(\S+)", self.location)
        return "postgres-" + (dbname[1] if dbname else "lake")

    @property
    def parent(self) -> Path:
        return self.home

    def exists(self) -> bool:
        """A SQLite catalog exists once its file does; a PostgreSQL one is asked when attached."""
        return Path(self.location).is_file() if self.kind == "sqlite" else True

    def is_file(self) -> bool:
        return False

    def resolve(self) -> Lake:
        return self

    def with_name(self, name: str) -> Path:
        return self.home / name

    def __str__(self) -> str:
        """The spec as messages show it: a PostgreSQL password never reaches a terminal or a log."""
        return redact(self.spec)


HistoryTarget = Path | Lake


def redact(text: str) -> str:
    """`text` with any PostgreSQL password masked (a conninfo, or an error that quotes one)."""
    return re.sub(r"(password\s*=\s*)[^\s\"']+", r"\1***", text, flags=re.I)


def is_lake(target: object) -> bool:
    return isinstance(target, Lake)


def parse_target(value: str | os.PathLike | Lake, data_path: str | None = None) -> HistoryTarget:
    """`ducklake:sqlite:FILE`, `ducklake:postgres:CONNINFO`, or a DuckDB file's path.

    The data path comes from `data_path` (--data-path), else `STOREHEALTH_DATA_PATH`; a SQLite
    lake defaults to `FILE.files/` beside its catalog."""
    if isinstance(value, Lake):
        return value
    text = os.fspath(value) if not isinstance(value, str) else value
    if not text.startswith(PREFIX):
        return Path(text)
    data_path = data_path or os.environ.get("STOREHEALTH_DATA_PATH") or None
    kind, _sep, location = text[len(PREFIX):].partition(":")
    if kind not in CATALOGS or not location.strip():
        raise InputError(
            _("{spec!r} is not a history this storehealth can open", spec=text),
            fix=_("give ducklake:sqlite:FILE, ducklake:postgres:CONNINFO (e.g. "
                  "ducklake:postgres:dbname=storehealth host=db.internal), or a .duckdb file"),
        )  # fmt: skip
    if data_path and not data_path.startswith("s3://"):
        data_path = str(Path(data_path).expanduser().resolve()) + "/"
    if kind == "sqlite":
        catalog = Path(location).expanduser().resolve()
        if data_path is None and not catalog.exists():
            data_path = str(catalog) + ".files/"
        return Lake("sqlite", str(catalog), data_path, catalog.parent)
    # not the data path: DuckLake's clean-up deletes files there that it does not know
    return Lake("postgres", location.strip(), data_path, _default_home())


def _default_home() -> Path:
    from pipeline.config import project_root

    return project_root() / "data"


def home_of(target: HistoryTarget) -> Path:
    """The folder that holds the files kept beside a history."""
    return target.home if isinstance(target, Lake) else Path(target).resolve().parent
