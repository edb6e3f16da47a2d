"""Shared fixtures: a history database file under tmp_path and a CLI runner."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

# Messages in English whatever the machine's locale (tests of Chinese output ask for it); set
# before pipeline.cli is imported, whose --help texts are translated then.
os.environ["STOREHEALTH_LANG"] = "en"

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.builders import open_read_only
from tests.servers import postgres_server, s3_server  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
# real orders, copied into the repository (tests/fixtures/olist/SOURCE.md: source and licence):
# a clone tests itself with nothing beside it
OLIST = REPO / "tests" / "fixtures" / "olist" / "olist_orders_dataset.csv"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "history.duckdb"


# The backends a history can live on: the embedded file (the default) and DuckLake with either
# catalog. Tests of history rules take `db_path` from `history_on` to run on all three.
BACKENDS = ("file", "ducklake:sqlite", "ducklake:postgres")


def history_on(backend: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch) -> Path | str:
    """A new, empty history on `backend` (a PostgreSQL catalog gets a database of its own and
    its data files under tmp_path)."""
    if backend == "file":
        return tmp_path / "history.duckdb"
    if backend == "ducklake:sqlite":
        return f"ducklake:sqlite:{tmp_path / 'history.sqlite'}"
    server = request.getfixturevalue("postgres_server")
    monkeypatch.setenv("STOREHEALTH_DATA_PATH", str(tmp_path / "lake-files"))
    name = "t_" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16]
    return "ducklake:postgres:" + server.new_database(name)


@pytest.fixture
def cli(db_path: Path) -> Callable[..., object]:
    """Run `storehealth ARGS --db <tmp db>` in-process; returns click's Result."""
    runner = CliRunner()

    def run(*args: str, db: Path | None = None):
        return runner.invoke(app, [*map(str, args), "--db", str(db or db_path)])

    return run


@pytest.fixture
def query(db_path: Path) -> Callable[..., list[tuple]]:
    """Read the database file with a fresh read-only connection, as another process would."""

    def run(sql: str, params: list | None = None) -> list[tuple]:
        con = open_read_only(db_path)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    return run


@pytest.fixture(autouse=True)
def _english_again() -> None:
    """A test that switched the in-process language leaves English behind for the next one."""
    yield
    from pipeline.i18n import set_language

    set_language(None)
