"""Store-health figures of SPEC section 4, read from the SQL models in `pipeline/sql/metrics_*`.

Python only chooses the window, the stores, the periods (`by`) and the grouping (`per`), and
shapes the results; every figure is defined once, in SQL. The DataFrame functions are the
notebooks' API: `from pipeline import connect, metrics`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import duckdb

from pipeline import policy_rules, sql_literals
from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.models import build_model, build_view, sql_text

if TYPE_CHECKING:  # pandas costs half a second to import: only the DataFrame API needs it
    import pandas as pd

By = Literal["week", "month"] | None
Per = Literal["store", "platform"] | None
BY_CHOICES = ("week", "month")
PER_CHOICES = ("store", "platform")
DATE_COLUMNS = frozenset({"period_from", "period_to", "window_from", "window_to"})


def known_stores(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("select distinct store from ingested_files order by 1").fetchall()]


def check_stores(con: duckdb.DuckDBPyConnection, stores: list[str] | None) -> list[str]:
    """The stores asked for (None: every store in the history; one name is one store), each
    checked to exist."""
    known = known_stores(con)
    chosen = known if stores is None else [stores] if isinstance(stores, str) else list(stores)
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise InputError(
            _("no store named {names} in the history (known: {known})",
              names=", ".join(repr(s) for s in unknown), known=", ".join(known) or _("none yet")),
            fix=_("check the name, or ingest that store's exports first"),
        )  # fmt: skip
    return chosen


def stores_behind(con: duckdb.DuckDBPyConnection, stores: list[str] | None, day: date) -> list[tuple]:
    """(store, latest export time) of the stores (None: all; names already checked) whose latest
    export was made before `day`: their figures for the days after it are incomplete."""
    chosen = "" if stores is None else "where list_contains(?, store)"
    return sql_literals.execute(
        con,
        f"select store, max(exported_at) as latest from ingested_files {chosen} "
        "group by store having max(exported_at)::date < ? order by store",
        [day] if stores is None else [list(stores), day],
    ).fetchall()


def _select(
    con: duckdb.DuckDBPyConnection,
    stores: list[str] | None,
    date_from: date,
    date_to: date,
    *,
    by: By = None,
    per: Per = None,
    as_of: datetime | None = None,
) -> None:
    """Set the parameters every metrics model reads, after checking the store names."""
    if by not in (None, *BY_CHOICES) or per not in (None, *PER_CHOICES):
        raise ValueError(f"by must be one of {BY_CHOICES} or None, per one of {PER_CHOICES} or None")
    if date_from > date_to:
        raise ValueError(f"date_from {date_from} is after date_to {date_to}")
    chosen = check_stores(con, stores)
    sql_literals.execute(
        con,
        "create or replace temp table metrics_params as select ?::date as date_from, "
        "?::date as date_to, ?::timestamp as as_of, ?::varchar as period, ?::varchar as per",
        [date_from, date_to, as_of or datetime.now(), by or "window", per or "cluster"],
    )
    con.execute("create or replace temp table metrics_stores (store varchar)")
    if chosen:
        sql_literals.execute(con, "insert into metrics_stores select unnest(?::varchar[])", [list(chosen)])
    build_model(con, "metrics_periods")
    build_model(con, "metrics_scopes")
    con.execute(sql_text("metrics_bounds"))
    # A view: a copy of every (wide) order in a long window would cost more than the figures.
    build_view(con, "metrics_window_orders")
    build_view(con, "metrics_window_facts")


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """A query's rows as a DataFrame whose calendar days stay dates (pandas would make them
    midnight timestamps, and a Parquet export would carry that on)."""
    frame = con.execute(sql).df()
    for column in DATE_COLUMNS.intersection(frame.columns):
        frame[column] = frame[column].dt.date
    return frame


def _model(con: duckdb.DuckDBPyConnection, model: str, per: Per) -> pd.DataFrame:
    """A metrics model as a DataFrame, its scope column named after what it groups by."""
    frame = _frame(con, sql_text(model))
    if per is None:
        return frame.drop(columns="scope_key")
    return frame.rename(columns={"scope_key": per})


def _label(stores: list[str] | None) -> str:
    return "*" if stores is None else ",".join(stores)


def breakdown_objects(
    con: duckdb.DuckDBPyConnection,
    *,
    stores: list[str] | None,
    date_from: date,
    date_to: date,
    by: By = None,
    per: Per = None,
) -> list[dict]:
    """One SPEC section 5 object per period (`by`) and store or platform (`per`).

    Each object's "from"/"to" are its period cut to the window; with `per="store"` its "store"
    is that store; with `per="platform"` it gains a "platform" key after "store".
    """
    _select(con, stores, date_from, date_to, by=by, per=per)
    summary_rows = con.execute(sql_text("metrics_summary"))
    columns = [d[0] for d in summary_rows.description]
    rows = summary_rows.fetchall()
    reasons = _group(con.execute(sql_text("metrics_cancellation_reasons")).fetchall())
    causes = _group(con.execute(sql_text("metrics_close_causes")).fetchall())
    objects = []
    for row in rows:
        figure = dict(zip(columns, row, strict=True))
        period_from, period_to, key = row[:3]
        group = (period_from, period_to, key)
        figures: dict = {"store": key if per == "store" else _label(stores)}
        if per == "platform":
            figures["platform"] = key
        figures |= {
            "from": period_from.isoformat(),
            "to": period_to.isoformat(),
            "orders": figure["orders"],
            "paid_orders": figure["paid_orders"],
            "closed_orders": figure["closed_orders"],
            "sold_not_shipped": {
                "count": figure["sold_not_shipped"], "rate": _rate(figure["sold_not_shipped_rate"])
            },
            "late_shipment": {
                "count": figure["late_shipments"], "rate": _rate(figure["late_shipment_rate"])
            },
            "cancellation_reasons": [
                {"reason": r[3], "count": r[4], "share": float(r[5]), "seller_fault": bool(r[6])}
                for r in reasons.get(group, [])
            ],
            "close_causes": [
                {"cause": c[3], "count": c[4], "share": float(c[5]), "inferred": c[6]}
                for c in causes.get(group, [])
            ],
        }
        objects.append(figures)
    return objects


def window_details(
    con: duckdb.DuckDBPyConnection,
    *,
    stores: list[str] | None,
    date_from: date,
    date_to: date,
    as_of: datetime | None = None,
    backlog_rows: int = 10,
) -> dict:
    """What the readable `metrics` table shows: the SPEC section 5 object ("figures"), per cause
    the hours from order to close ("close_times", from the same close-cause model), and the
    orders awaiting shipment as of `as_of`, default now ("open_backlog", see open_backlog_first)."""
    (figures,) = breakdown_objects(con, stores=stores, date_from=date_from, date_to=date_to)
    close_times = _records(con, sql_text("metrics_close_causes"))
    backlog = open_backlog_first(con, stores, as_of, limit=backlog_rows)
    return {"figures": figures, "close_times": close_times, "open_backlog": backlog}


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    """A query's rows as JSON-ready dicts, straight from DuckDB (no pandas: counts stay integers
    where a figure is missing): dates as ISO text, decimals as floats, missing figures as None."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [{k: _plain(v) for k, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def _group(rows: list[tuple]) -> dict[tuple, list[tuple]]:
    """Rows keyed by their first three columns (period from, period to, scope), order kept."""
    grouped: dict[tuple, list[tuple]] = {}
    for row in rows:
        grouped.setdefault(row[:3], []).append(row)
    return grouped


def _rate(value: object) -> float | None:
    return None if value is None else float(value)


def breakdown(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    stores: list[str] | None = None,
    by: By = None,
    per: Per = None,
) -> pd.DataFrame:
    """Counts and rates per period and store/platform, with the previous period's rates and the
    change (week over week with `by="week"`, month over month with `by="month"`)."""
    _select(con, stores, date_from, date_to, by=by, per=per)
    return _model(con, "metrics_summary", per)


def summary(
    con: duckdb.DuckDBPyConnection, date_from: date, date_to: date, stores: list[str] | None = None
) -> pd.DataFrame:
    """One row: orders, paid, closed, sold-not-shipped and late-shipment counts and rates."""
    return breakdown(con, date_from, date_to, stores)


def cancellation_reasons(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    stores: list[str] | None = None,
    by: By = None,
    per: Per = None,
) -> pd.DataFrame:
    """Per cancel reason (and period/scope): count, share, seller_fault, the commonest raw text."""
    _select(con, stores, date_from, date_to, by=by, per=per)
    return _model(con, "metrics_cancellation_reasons", per)


def close_causes(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    stores: list[str] | None = None,
    by: By = None,
    per: Per = None,
) -> pd.DataFrame:
    """Per close cause: count, share, inferred, median and p90 hours from order to close."""
    _select(con, stores, date_from, date_to, by=by, per=per)
    return _model(con, "metrics_close_causes", per)


def time_to_close(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    stores: list[str] | None = None,
    by: By = None,
    per: Per = None,
) -> pd.DataFrame:
    """How fast orders close, per cause: median and 90th-percentile hours (close_causes' columns)."""
    causes = close_causes(con, date_from, date_to, stores, by, per)
    keep = [c for c in causes.columns if c not in ("share", "inferred")]
    return causes[keep]


def repeat_offenders(
    con: duckdb.DuckDBPyConnection,
    date_from: date,
    date_to: date,
    stores: list[str] | None = None,
    per: Per = None,
) -> pd.DataFrame:
    """Products with the most seller-fault closures in the window: closures, orders, share,
    commonest reason (product titles come from buyers' carts: escape them in HTML)."""
    _select(con, stores, date_from, date_to, per=per)
    return _model(con, "metrics_repeat_offenders", per)


def open_backlog(
    con: duckdb.DuckDBPyConnection, stores: list[str] | None = None, as_of: datetime | None = None
) -> pd.DataFrame:
    """Orders awaiting shipment as of `as_of` (default now), soonest deadline first; `attrs`
    carries the due-soon hours of the vocabulary in force, for the words beside them."""
    _select_now(con, stores, as_of)
    frame = con.execute(sql_text("metrics_open_backlog")).df()
    frame.attrs["due_soon_hours"] = due_soon_hours(con)
    return frame


def due_soon_hours(con: duckdb.DuckDBPyConnection) -> float:
    """The hours before a ship-by day ends that make an order due soon (the seller's vocabulary
    may set them)."""
    return float(con.execute("select due_soon_hours from vocab_priority").fetchone()[0])


def open_backlog_first(
    con: duckdb.DuckDBPyConnection,
    stores: list[str] | None = None,
    as_of: datetime | None = None,
    *,
    limit: int = 10,
) -> dict:
    """How many orders await shipment, how many need attention first, the first `limit` of them
    (those needing attention first, then by deadline), and the latest export of those stores,
    which the order states are as of (JSON-ready, without pandas)."""
    _select_now(con, stores, as_of)
    backlog = f"({sql_text('metrics_open_backlog')})"
    orders, first = con.execute(f"select count(*), count_if(attention_first) from {backlog}").fetchone()
    (latest,) = con.execute(
        "select max(exported_at) from ingested_files semi join metrics_stores using (store)"
    ).fetchone()
    top = _records(
        con,
        f"select * from {backlog} where ship_first_rank <= {int(limit)} order by ship_first_rank",
    )
    now = con.execute("select as_of from metrics_params").fetchone()[0]
    return {
        "orders": orders, "attention_first": first, "first": top, "latest_export_at": latest, "as_of": now,
        "due_soon_hours": due_soon_hours(con),
    }  # fmt: skip


def _select_now(con: duckdb.DuckDBPyConnection, stores: list[str] | None, as_of: datetime | None) -> None:
    """The backlog is "now", not a window: a one-day window on `as_of`'s day (default today)."""
    today = (as_of or datetime.now()).date()
    _select(con, stores, today, today, as_of=as_of)


def policies(con: duckdb.DuckDBPyConnection | None = None, store: str | None = None) -> tuple[dict, ...]:
    """The platform policies, each with its source: as shipped in `pipeline/policies.toml`
    without a connection; with one, as the seller's `policies.toml` beside that history sets
    them (read again at every call, so that an edit counts at once), for `store` when given
    (its own limits replace the every-store ones)."""
    if con is None:
        return policy_rules.packaged_policies()
    return tuple(policy_rules.for_store(policy_rules.policies_in_force(con), store))


def _load_policies(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """vocab_policy: one row per policy, platform and store (null: every store) in force; the
    policies, for their window lengths."""
    in_force = policy_rules.policies_in_force(con)
    con.execute(
        "create or replace temp table vocab_policy (key varchar, label varchar, platform varchar, "
        "store varchar, metric varchar, window_days integer, fallback_window_days integer, "
        "min_base bigint, limit_kind varchar, warning decimal(9, 6), breach decimal(9, 6), "
        "source varchar, set_in varchar)"
    )
    rows = [
        (
            p["key"], p["label"], platform, store, p["metric"], p["window_days"],
            p.get("fallback_window_days"), p.get("min_base", 0), p["limit_kind"],
            p["warning"], p["breach"], policy_rules.shown_source(p), p["set_in"],
        )
        for p in in_force
        for platform in p["platforms"]
        for store in p["stores"] or [None]
    ]  # fmt: skip
    con.executemany("insert into vocab_policy values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return in_force


def _policy_rates(con: duckdb.DuckDBPyConnection, as_of: date, stores: list[str] | None) -> None:
    """metrics_policy_rates: metrics_summary per store for each policy window ending on `as_of`."""
    in_force = _load_policies(con)
    windows = sorted(
        {p["window_days"] for p in in_force}
        | {p["fallback_window_days"] for p in in_force if p.get("fallback_window_days")}
    )
    con.execute("drop table if exists metrics_policy_rates")
    for days in windows:
        _select(con, stores, as_of - timedelta(days=days - 1), as_of, per="store")
        rates = f"select {days} as window_days, * from ({sql_text('metrics_summary')})"
        if days == windows[0]:
            con.execute(f"create temp table metrics_policy_rates as {rates}")
        else:
            con.execute(f"insert into metrics_policy_rates {rates}")


def policy_standing(
    con: duckdb.DuckDBPyConnection, as_of: date, stores: list[str] | None = None
) -> pd.DataFrame:
    """Each store against its platform's policies over their own windows ending on `as_of`:
    rate, standing (ok / warning / breach / no data), margin and orders to cross the limit."""
    _policy_rates(con, as_of, stores)
    return _frame(con, sql_text("metrics_policy_standing"))


def policy_records(
    con: duckdb.DuckDBPyConnection, as_of: date, stores: list[str] | None = None
) -> list[dict]:
    """`policy_standing` as JSON-ready dicts (orders to cross stay integers beside a store
    with no data)."""
    _policy_rates(con, as_of, stores)
    return _records(con, sql_text("metrics_policy_standing"))


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
