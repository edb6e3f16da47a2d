"""What `storehealth metrics` prints, one function per output, each read from pipeline.metrics.

The command picks one: the JSON figures, the policy standing (as JSON or a table), the breakdown
table (--by/--per), or the readable details of one window; and, with --csv/--parquet, the table
it writes. Each takes the same `MetricsQuery`, the selection the command line gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from pipeline import metrics

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

@dataclass(frozen=True)
class MetricsQuery:
    """The stores (None: all), the inclusive window of order dates, the breakdown, and the moment
    the open orders' time left is counted from (None: now)."""

    stores: list[str] | None
    date_from: date
    date_to: date
    by: Literal["week", "month"] | None = None
    per: Literal["store", "platform"] | None = None
    as_of: datetime | None = None


def json_figures(con: duckdb.DuckDBPyConnection, query: MetricsQuery) -> dict | list[dict]:
    """`metrics --json`: SPEC section 5's object for the window, or with --by/--per a list of
    them, one per period and store or platform."""
    objects = metrics.breakdown_objects(
        con, stores=query.stores, date_from=query.date_from, date_to=query.date_to, by=query.by,
        per=query.per,
    )  # fmt: skip
    return objects if (query.by or query.per) else objects[0]


def policy_standing(con: duckdb.DuckDBPyConnection, query: MetricsQuery) -> dict:
    """`metrics --policy`: each store against its platform's policies as of the window's last day,
    each over the policy's own window; one dict for both the JSON and the table."""
    return {"as_of": query.date_to.isoformat(),
            "policies": metrics.policy_records(con, query.date_to, query.stores)}  # fmt: skip


def breakdown_table(con: duckdb.DuckDBPyConnection, query: MetricsQuery) -> pd.DataFrame:
    """`metrics --by/--per`: one row per period and store or platform, with each rate's change."""
    return metrics.breakdown(con, query.date_from, query.date_to, query.stores, query.by, query.per)


def readable_details(con: duckdb.DuckDBPyConnection, query: MetricsQuery) -> dict:
    """`metrics` for one window: its figures, how fast each cause closed orders, the open orders."""
    return metrics.window_details(
        con, stores=query.stores, date_from=query.date_from, date_to=query.date_to, as_of=query.as_of
    )


def export_table(con: duckdb.DuckDBPyConnection, query: MetricsQuery, table: str) -> pd.DataFrame:
    """The --table that --csv/--parquet write: summary, reasons, causes, policy or backlog."""
    if table == "policy":
        return metrics.policy_standing(con, query.date_to, query.stores)
    if table == "backlog":
        return metrics.open_backlog(con, query.stores, query.as_of)
    model = {"summary": metrics.breakdown, "reasons": metrics.cancellation_reasons,
             "causes": metrics.close_causes}[table]  # fmt: skip
    return model(con, query.date_from, query.date_to, query.stores, query.by, query.per)
