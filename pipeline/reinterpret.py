"""Interpreting the history again when the vocabulary or a mapping changes.

The history keeps every raw value as exported; status, close cause, cancel reason, the inferred
cause and seller_fault are derived from them by the vocabulary in force. They are stored, so
that every query reads them at no cost, and derived again, in one transaction, as soon as a
command opens the history with a vocabulary other than the one they were derived with (the
fingerprint in `settings`; pipeline/vocabulary_follow.py decides when). The derivation is the
ingest's own: the stored states are fed, platform by platform, through the same staging models
(`reinterpret_rows`), so that an ingest and a re-interpretation cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipeline import sql_literals
from pipeline.models import build_model, build_view, drop_models, run_statement, sql_text

FINGERPRINT_KEY = "vocabulary_fingerprint"


@dataclass
class Reinterpretation:
    """What interpreting the history again changed."""

    states: int = 0  # stored states whose codes changed
    kept: list[tuple[str, str, int]] = field(default_factory=list)  # (store, raw status, states)


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    # fetchall: a result left half-read makes DuckDB refuse the caller's next con.sql()
    rows = sql_literals.execute(con, "select value from settings where key = ?", [FINGERPRINT_KEY]).fetchall()
    return rows[0][0] if rows else None


def store_fingerprint(con: duckdb.DuckDBPyConnection, value: str) -> None:
    con.execute("delete from settings where key = ?", [FINGERPRINT_KEY])
    con.execute("insert into settings values (?, ?)", [FINGERPRINT_KEY, value])


def reinterpret(
    con: duckdb.DuckDBPyConnection, scope: list[tuple[str, str]] | None = None
) -> Reinterpretation:
    """Derive the codes of the stored states of `scope` ((platform, store) pairs; default every
    store) again, and rebuild their current orders. Runs inside the caller's transaction."""
    result = Reinterpretation()
    con.execute("create or replace temp table reinterpret_scope (platform varchar, store varchar)")
    if scope is None:
        con.execute("insert into reinterpret_scope select distinct platform, store from orders_current")
    elif scope:
        con.executemany("insert into reinterpret_scope values (?, ?)", scope)
    build_model(con, "reinterpret_source")
    con.execute(
        "create or replace temp table reinterpret_codes (row_key bigint, status varchar, "
        "close_cause varchar, cancel_reason varchar, reject_reason varchar)"
    )
    passes = con.execute(
        "select distinct platform, case when platform = 'generic' then store end "
        "from reinterpret_scope order by 1, 2"
    ).fetchall()
    packaged_generic = con.execute("select * from vocab_alias where platform = 'generic'").fetchall()
    for platform, store in passes:
        _derive(con, platform, store)
    con.execute("delete from vocab_alias where platform = 'generic'")
    if packaged_generic:
        con.executemany("insert into vocab_alias values (?, ?, ?, ?)", packaged_generic)
    build_model(con, "reinterpret_changes")
    result.states = con.execute("select count(*) from reinterpret_changes").fetchone()[0]
    result.kept = con.execute(
        "select s.snapshot_store, coalesce(s.status_raw, ''), count(*) "
        "from reinterpret_source s join reinterpret_codes c using (row_key) "
        "where c.reject_reason is not null group by all order by 1, 2"
    ).fetchall()
    con.execute(
        "update order_snapshots set status = c.new_status, close_cause = c.new_close_cause, "
        "cancel_reason = c.new_cancel_reason, state_hash = c.new_state_hash "
        "from reinterpret_changes c where order_snapshots.platform = c.platform "
        "and order_snapshots.store = c.store and order_snapshots.order_id = c.order_id "
        "and order_snapshots.state_hash = c.state_hash"
    )
    _rebuild_changed_orders(con)
    drop_models(con, "reinterpret_source", "reinterpret_codes", "reinterpret_changes", "reinterpret_scope")
    return result


def _derive(con: duckdb.DuckDBPyConnection, platform: str, store: str | None) -> None:
    """One platform's (one generic store's) codes, by the staging models an ingest runs."""
    con.execute(
        "create or replace temp table ingest_context as select ?::varchar as platform, "
        "?::varchar as store, null::bigint as file_id, null::varchar as sha256, "
        "null::varchar as buyer_salt, null::varchar as default_currency, "
        "null::timestamp as exported_at, null::varchar as seen_key, "
        "null::timestamp as latest_plausible_at, null::varchar as timezone",
        [platform, store],
    )
    if platform == "generic":  # the store's own mapping, as its latest ingest gave it
        con.execute("delete from vocab_alias where platform = 'generic'")
        con.execute(
            "insert into vocab_alias select kind, 'generic', raw_key, code from mapping_aliases "
            "where store = ?", [store]
        )  # fmt: skip
    build_view(con, "stg_export_rows", source="reinterpret_rows")
    build_model(con, "stg_raw_value_codes")
    build_view(con, "stg_platform_orders", source=f"stg_{platform}_orders")
    build_view(con, "int_export_rows")
    con.execute(
        "insert into reinterpret_codes select row_key, status, close_cause, cancel_reason, "
        "reject_reason from int_export_rows"
    )
    for view in ("int_export_rows", "stg_platform_orders", "stg_export_rows"):
        con.execute(f"drop view {view}")
    drop_models(con, "stg_raw_value_codes")


# Current orders rebuilt per statement: the aggregation over their snapshots stays within the
# memory limit (all 300,000 orders of one store at once exceeded 768 MB).
REBUILD_CHUNK = 50_000


def _rebuild_changed_orders(con: duckdb.DuckDBPyConnection) -> None:
    """The current orders whose figures can change, from their snapshots, as an ingest rebuilds
    the orders it touched: those with a state read anew, and every closed one (seller_fault and
    the inferred cause follow the vocabulary's rules). In chunks, to bound the memory."""
    build_model(con, "reinterpret_orders")
    total = con.execute("select count(*) from reinterpret_orders").fetchone()[0]
    chunks = max(1, -(-total // REBUILD_CHUNK))
    con.execute("create or replace temp table orders_new as select * from reinterpret_orders limit 0")
    # the ingest's models read the export being landed: here there is none
    con.execute("create or replace temp table int_export_orders as select * from order_snapshots limit 0")
    for chunk in range(chunks):
        con.execute(
            "create or replace temp table orders_to_rebuild as select * from reinterpret_orders "
            "where hash(order_id) % ? = ?", [chunks, chunk]
        )  # fmt: skip
        rebuild_current(con)
    drop_models(con, "reinterpret_orders", "orders_to_rebuild", "orders_new", "int_export_orders",
                "ingest_context")  # fmt: skip


def rebuild_current(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the current rows of orders_to_rebuild, and add those of orders_new, from their
    snapshots: an ingest and a re-interpretation rebuild current orders the same way."""
    build_view(con, "int_order_latest_values")
    build_view(con, "orders_current_rebuilt")
    run_statement(con, "orders_current_remove_rebuilt")
    run_statement(con, "orders_current_insert_rebuilt")
    con.execute("drop view orders_current_rebuilt")
    con.execute("drop view int_order_latest_values")


def files_to_read_again(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Landed files with rows rejected for a status the vocabulary in force knows:
    (file id, path, sha256, store, platform, time zone, rows)."""
    return con.execute(sql_text("reinterpret_rejected_files")).fetchall()
