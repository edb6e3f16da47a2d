"""Store-health figures of SPEC section 4, read from the SQL models in `pipeline/sql/metrics_*`.

Python only sets the window and the stores and shapes the JSON object of SPEC section 5;
every figure is defined once, in SQL. The DataFrame functions at the end are the notebooks'
API: `from pipeline import connect, metrics`.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from pipeline.database import build_model, sql_text
from pipeline.errors import InputError


def known_stores(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("select distinct store from ingested_files order by 1").fetchall()]


def _select_window(
    con: duckdb.DuckDBPyConnection,
    stores: list[str] | None,
    date_from: date,
    date_to: date,
    as_of: datetime | None = None,
) -> None:
    known = known_stores(con)
    chosen = known if stores is None else stores
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise InputError(
            f"no store named {', '.join(repr(s) for s in unknown)} in the history "
            f"(known: {', '.join(known) or 'none yet'})",
            fix="check the name, or ingest that store's exports first",
        )
    con.execute(
        "create or replace temp table metrics_params as "
        "select ?::date as date_from, ?::date as date_to, ?::timestamp as as_of",
        [date_from, date_to, as_of or datetime.now()],
    )
    con.execute("create or replace temp table metrics_stores (store varchar)")
    if chosen:
        con.executemany("insert into metrics_stores values (?)", [[s] for s in chosen])
    build_model(con, "metrics_window_orders")


def window_metrics(
    con: duckdb.DuckDBPyConnection, *, stores: list[str] | None, date_from: date, date_to: date
) -> dict:
    """The SPEC section 5 object for the stores (None: all) and the inclusive window."""
    _select_window(con, stores, date_from, date_to)
    summary = con.execute(sql_text("metrics_summary")).fetchone()
    orders, paid, closed, sns, sns_rate, late, late_rate = summary
    reasons = con.execute(sql_text("metrics_cancellation_reasons")).fetchall()
    causes = con.execute(sql_text("metrics_close_causes")).fetchall()
    return {
        "store": "*" if stores is None else ",".join(stores),
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "orders": orders,
        "paid_orders": paid,
        "closed_orders": closed,
        "sold_not_shipped": {"count": sns, "rate": _rate(sns_rate)},
        "late_shipment": {"count": late, "rate": _rate(late_rate)},
        "cancellation_reasons": [
            {"reason": r, "count": n, "share": float(s), "seller_fault": bool(f)}
            for r, n, s, f in reasons
        ],
        "close_causes": [
            {"cause": c, "count": n, "share": float(s), "inferred": i} for c, n, s, i in causes
        ],
    }


def _rate(value: object) -> float | None:
    return None if value is None else float(value)


def _frame(
    con: duckdb.DuckDBPyConnection,
    model: str,
    stores: list[str] | None,
    date_from: date,
    date_to: date,
    as_of: datetime | None = None,
) -> pd.DataFrame:
    _select_window(con, stores, date_from, date_to, as_of)
    return con.execute(sql_text(model)).df()


def summary(
    con: duckdb.DuckDBPyConnection, date_from: date, date_to: date, stores: list[str] | None = None
) -> pd.DataFrame:
    """One row: orders, paid, closed, sold-not-shipped and late-shipment counts and rates."""
    return _frame(con, "metrics_summary", stores, date_from, date_to)


def cancellation_reasons(
    con: duckdb.DuckDBPyConnection, date_from: date, date_to: date, stores: list[str] | None = None
) -> pd.DataFrame:
    """Per cancel reason: count, share, seller_fault."""
    return _frame(con, "metrics_cancellation_reasons", stores, date_from, date_to)


def close_causes(
    con: duckdb.DuckDBPyConnection, date_from: date, date_to: date, stores: list[str] | None = None
) -> pd.DataFrame:
    """Per close cause: count, share, inferred."""
    return _frame(con, "metrics_close_causes", stores, date_from, date_to)


def open_backlog(
    con: duckdb.DuckDBPyConnection, stores: list[str] | None = None, as_of: datetime | None = None
) -> pd.DataFrame:
    """Orders awaiting shipment as of `as_of` (default now), soonest deadline first."""
    today = (as_of or datetime.now()).date()
    return _frame(con, "metrics_open_backlog", stores, today, today, as_of)
