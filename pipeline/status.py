"""`storehealth status`: what the history holds per store, its gaps, and what needs a look."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb

from pipeline.config import EXPORT_WINDOW_DAYS, STALE_EXPORT_DAYS
from pipeline.i18n import _
from pipeline.models import sql_text
from pipeline.user_files import VOCABULARY_NAME, database_path, user_file
from pipeline.vocabulary_file import toml_line

REJECT_EXAMPLES = 10


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def stale_export_warning(latest_export: date, today: date) -> str:
    """Say what the next export can no longer reach: orders created after the latest export
    are only safe while that date is inside the platform's three-month export window."""
    age = (today - latest_export).days
    reach_until = latest_export + timedelta(days=EXPORT_WINDOW_DAYS)
    if today <= reach_until:
        return _(
            "the latest export is {age} days old: export now, or from {reach_until} on, orders "
            "created after {latest} start to be lost for good",
            age=age, reach_until=reach_until.isoformat(), latest=latest_export.isoformat(),
        )  # fmt: skip
    lost_to = today - timedelta(days=EXPORT_WINDOW_DAYS)
    return _(
        "the latest export is {age} days old: orders created between {latest} and {lost_to} are "
        "older than any new export reaches and may be lost; export now so that nothing more is lost",
        age=age, latest=latest_export.isoformat(), lost_to=lost_to.isoformat(),
    )  # fmt: skip


def unknown_value_warning(store: str, unknown: dict, platform: str, vocabulary_file: str) -> str:
    """What `status` and `run` say of a raw value the vocabulary does not know, with the command
    that maps it: a reason counts as other meanwhile; an order status rejects its rows, which
    land by themselves once the value is mapped."""
    value = unknown["raw_value"]
    if unknown["kind"] == "status":
        return _("{store}: unknown order status {value!r}: {orders} rows rejected. Map it with "
                 "`storehealth vocabulary add status {value!r} CODE --platform {platform}` (the line "
                 "{line} under [status.{platform}] in {file}); the rows then land by themselves",
                 store=store, value=value, orders=unknown["orders"], platform=platform,
                 line=toml_line(value, "CODE"), file=vocabulary_file)  # fmt: skip
    kind = "close_cause" if unknown["kind"] == "close_reason" else unknown["kind"]
    table = "any" if kind == "cancel_reason" else platform
    return _("{store}: unknown {kind} {value!r} in {orders} orders, counted as other. Map it with "
             "`storehealth vocabulary add {kind} {value!r} CODE` (the line {line} under "
             "[{kind}.{table}] in {file})", store=store, kind=kind, value=value,
             orders=unknown["orders"], line=toml_line(value, "CODE"), table=table,
             file=vocabulary_file)  # fmt: skip


def store_status(
    con: duckdb.DuckDBPyConnection, *, store: str | None = None, today: date | None = None
) -> dict:
    """Per store: orders, coverage, gaps, export age with the stale warning, unknowns, rejects."""
    today = today or date.today()
    overview = _rows(con, sql_text("store_overview"))
    gaps = _rows(con, sql_text("store_coverage_gaps"))
    unknown = _rows(con, sql_text("unknown_raw_values"))
    rejects = _rows(
        con,
        "select f.store, f.path, r.sheet, r.row_number, r.order_id, r.reason "
        "from rejected_rows r join ingested_files f using (file_id) "
        "order by f.store, f.file_id, r.sheet, r.row_number",
    )
    stores = []
    for row in overview:
        if store is not None and row["store"] != store:
            continue
        name = row["store"]
        latest = row["latest_export_at"]
        age_days = (today - latest.date()).days if latest else None
        warnings = []
        if age_days is not None and age_days > STALE_EXPORT_DAYS:
            warnings.append(stale_export_warning(latest.date(), today))
        store_gaps = [
            {k: _jsonable(v) for k, v in g.items() if k != "store"} for g in gaps if g["store"] == name
        ]
        for gap in store_gaps:
            warnings.append(
                _(
                    "no export covers {first} to {last} ({days} days): orders created then may be missing",
                    first=gap["gap_from"], last=gap["gap_to"], days=gap["gap_days"],
                )
            )  # fmt: skip
        store_rejects = [r for r in rejects if r["store"] == name]
        stores.append(
            {
                **{k: _jsonable(v) for k, v in row.items()},
                "latest_export_age_days": age_days,
                "gaps": store_gaps,
                "unknown_values": [
                    {k: u[k] for k in ("kind", "raw_value", "orders")} for u in unknown if u["store"] == name
                ],
                "rejected_examples": [
                    {k: _jsonable(v) for k, v in r.items() if k != "store"}
                    for r in store_rejects[:REJECT_EXAMPLES]
                ],
                "warnings": warnings,
            }
        )
    db = database_path(con)
    vocabulary_file = str(user_file(db, VOCABULARY_NAME)) if db else VOCABULARY_NAME
    return {"today": today.isoformat(), "stores": stores, "vocabulary_file": vocabulary_file}


def store_platform(store: dict) -> str:
    """The store's platform for a vocabulary line (PLATFORM when it has several)."""
    platforms = str(store.get("platforms") or "")
    return platforms if platforms and "," not in platforms else "PLATFORM"
