"""The SQL models kept in `pipeline/sql/<layer>/<name>.sql`, found by name and run on a
connection: a leaf module, so that the database, its migrations and every model user import it
without importing each other."""

from __future__ import annotations

from functools import cache

import duckdb

from pipeline.config import SQL_DIR

# The layers, in the order data flows through them (the README's architecture map).
LAYERS = ("schema", "staging", "intermediate", "history", "metrics")


@cache
def model_paths() -> dict[str, str]:
    """Every model's name and its file, relative to pipeline/sql (names are unique across layers)."""
    paths: dict[str, str] = {}
    for path in sorted(SQL_DIR.rglob("*.sql")):
        if path.stem in paths:
            raise RuntimeError(f"two SQL models named {path.stem}: {paths[path.stem]} and {path}")
        paths[path.stem] = str(path.relative_to(SQL_DIR))
    return paths


@cache
def sql_text(name: str) -> str:
    """The text of the model `name` (pipeline/sql/<layer>/<name>.sql)."""
    return (SQL_DIR / model_paths()[name]).read_text(encoding="utf-8")


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


def run_statement(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> None:
    """A model that is a statement (insert, update, delete) rather than a select; `params` are
    its `$name` parameters."""
    con.execute(sql_text(name), params or {})


def select_row(con: duckdb.DuckDBPyConnection, name: str) -> tuple | None:
    """The one row of a small select model (a count, a range), or None when it has none."""
    rows = con.execute(sql_text(name)).fetchall()
    return rows[0] if rows else None
