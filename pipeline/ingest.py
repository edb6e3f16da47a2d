"""Landing one export file in the history: read, stage, check, merge, all in one transaction."""

from __future__ import annotations

import glob
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from pipeline.adapters.generic import Mapping, status_contradictions
from pipeline.adapters.table import build_raw_export
from pipeline.damaged_ids import refuse_damaged_ids
from pipeline.errors import InputError, StorageError, UsageError
from pipeline.i18n import _
from pipeline.lake import is_lake_connection, next_file_id, with_retries
from pipeline.models import build_model, build_view, drop_models, run_statement, select_row
from pipeline.readers import SUPPORTED_SUFFIXES, read_sheets
from pipeline.reinterpret import rebuild_current, reinterpret
from pipeline.store_names import lookalike_warning
from pipeline.time_zones import utc_time_warning

DEFAULT_CURRENCY = {"1688": "CNY", "taobao": "CNY"}
REJECT_EXAMPLES = 5


@dataclass
class IngestResult:
    """What one file did to the history."""

    path: Path
    outcome: str  # "ingested" | "reprocessed" | "already ingested"
    store: str
    platform: str = ""
    rows_read: int = 0
    orders: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    exported_at: datetime | None = None
    exported_at_source: str = ""
    first_order_date: object = None
    last_order_date: object = None
    warnings: list[str] = field(default_factory=list)
    rejected_examples: list[tuple[str, int, str | None, str]] = field(default_factory=list)
    # seconds per step (hash, read, adapt, stage, check, merge, record): `make bench` prints them
    step_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "outcome": self.outcome,
            "store": self.store,
            "platform": self.platform,
            "rows_read": self.rows_read,
            "orders": self.orders,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "exported_at": self.exported_at.isoformat(sep=" ") if self.exported_at else None,
            "exported_at_source": self.exported_at_source,
            "warnings": self.warnings,
        }


def expand_paths(paths: Iterable[str]) -> list[Path]:
    """Files, folders (every supported file inside, sorted) and globs, each file once."""
    found: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUPPORTED_SUFFIXES
                    and not p.name.startswith((".", "~$"))
                )
            )
        elif path.is_file():  # a regular file, or a link to one
            found.append(path)
        elif path.exists():
            # /dev/zero never ends and a FIFO waits for a writer: reading either would hang
            raise UsageError(_("{path}: not a regular file (a device, a FIFO or a socket): give an "
                               "export file or a folder of them", path=text))  # fmt: skip
        elif any(ch in text for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True))
            if not matches:
                raise UsageError(_("no file matches {pattern}", pattern=text))
            found.extend(m for m in matches if m.is_file())
        else:
            raise UsageError(_("{path}: no such file or folder", path=text))
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path.resolve(), None)
    return list(unique)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, **options) -> IngestResult:
    """Land one file whole or not at all (see `_ingest_once`). In a lake another process may
    commit first: the file is then read again and merged into the history as it is now."""
    if not is_lake_connection(con):
        return _ingest_once(con, path, **options)
    return with_retries(lambda: _ingest_once(con, path, **options))


def _ingest_once(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    store: str,
    platform: str | None = None,
    mapping: Mapping | None = None,
    exported_at: datetime | None = None,
    strict: bool = False,
    reprocess: bool = False,
    timezone: str | None = None,
    progress: Callable[[str], None] = lambda _stage: None,
) -> IngestResult:
    """Land one file whole or not at all; a bad file raises InputError and changes nothing.

    `reprocess` reads a file that already landed once more (after vocabulary.toml learnt a status
    that rejected some of its rows, say): it keeps its file id and export time, so the states it
    showed before are no news, and its rejected rows land if they now can."""
    path = Path(path)
    started = time.perf_counter()
    sha = file_sha256(path)
    hashed = time.perf_counter()
    known = con.execute(
        "select store, platform, path, file_id, exported_at, exported_at_source, rows_rejected "
        "from ingested_files where sha256 = ?", [sha]
    ).fetchone()
    again = None
    if known and known[0] != store:
        result = IngestResult(path=path, outcome="already ingested", store=known[0], platform=known[1])
        result.warnings.append(
            _("this file was already ingested for store {known!r} (as {path}), not {store!r}; "
              "nothing changed", known=known[0], path=known[2], store=store)
        )  # fmt: skip
        return result
    if known and not reprocess:
        result = IngestResult(path=path, outcome="already ingested", store=known[0], platform=known[1])
        if known[6]:
            result.warnings.append(
                _("{rows} of its rows were rejected; once vocabulary.toml knows what they need, "
                  "`storehealth ingest PATH --store {store} --reprocess` reads them again",
                  rows=known[6], store=store)
            )  # fmt: skip
        return result
    if known:
        again = Reprocess(file_id=known[3], exported_at=known[4], source=known[5])

    lookalike = lookalike_warning(con, store)
    progress("reading")
    spec = mapping.spec() if mapping else None
    sheets = read_sheets(path)
    read = time.perf_counter()
    raw = build_raw_export(path, sheets, platform=None if spec else platform, spec=spec)
    del sheets
    result = IngestResult(path=path, outcome="ingested", store=store, platform=raw.platform)
    step = _step_clock(result, started)
    step("hash", hashed)
    step("read", read)
    step("adapt")
    result.warnings.extend(lookalike + raw.warnings + utc_time_warning(raw, timezone))
    result.rows_read = raw.rows_read
    if result.rows_read == 0:
        raise InputError(
            _("the file has a header row but no order rows"),
            path=path,
            fix=_("check that the export's date range holds orders and export again"),
        )

    if again and raw.platform != known[1]:
        raise InputError(
            _("the file now reads as a {platform} export, but it landed as {earlier}; nothing changed",
              platform=raw.platform, earlier=known[1]),
            path=path,
            fix=_("give --platform {earlier} with --reprocess", earlier=known[1]),
        )  # fmt: skip
    progress("checking")
    con.execute("begin")
    try:
        _stage(con, raw, store=store, mapping=mapping, sha=sha, timezone=timezone,
               file_id=again.file_id if again else None)
        step("stage")
        _warn_blanked_cells(con, raw, result)
        _check_rows(con, raw, result, strict=strict)
        if mapping is not None:
            result.warnings.extend(status_contradictions(con, mapping))
        _set_export_time(con, result, again.exported_at if again else exported_at)
        if again:  # the export time it landed with, so that its states are the same sightings
            result.exported_at_source = again.source
            _forget_own_states(con, raw.path)
            result.outcome = "reprocessed"
        step("check")
        progress("merging")
        _merge(con, result)
        step("merge")
        _record(con, raw, result, sha, replace=again is not None)
        if mapping is not None and _remember_mapping(con, store, mapping):
            # the store's earlier orders follow the mapping as it reads now
            reinterpret(con, [("generic", store)])
        con.execute("commit")
        step("record")
    except BaseException as exc:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass  # DuckDB already gave the transaction up (e.g. a failed write invalidated it)
        storage = storage_failure(con, exc)
        if storage is not None:
            raise storage from None
        raise
    finally:
        if raw.table is not None:
            try:
                con.unregister("raw_export")
            except duckdb.Error:
                pass
    return result


def _step_clock(result: IngestResult, started: float) -> Callable[..., None]:
    """`step(name)` books the seconds since the previous step (or up to `at`) under `name`."""
    last = [started]

    def step(name: str, at: float | None = None) -> None:
        now = time.perf_counter() if at is None else at
        result.step_seconds[name] = now - last[0]
        last[0] = now

    return step


# What the operating system says when a write cannot grow the database file.
STORAGE_FULL = ("no space left", "file too large", "disk full", "disk quota exceeded")


def storage_failure(con: duckdb.DuckDBPyConnection, exc: BaseException) -> StorageError | None:
    """A database write that failed for want of space, as a message a seller can act on."""
    text = str(exc).lower()
    if not isinstance(exc, duckdb.Error) or not any(s in text for s in STORAGE_FULL):
        return None
    reason = next(s for s in STORAGE_FULL if s in text)
    try:
        db_file = con.execute(
            "select path from duckdb_databases() where database_name = current_database()"
        ).fetchone()[0]
    except duckdb.Error:
        db_file = None
    return StorageError(
        _("the history could not be written: {reason} (the disk is full or a file-size limit was "
          "reached). DuckDB gave the write up whole, so the history holds this file completely or "
          "not at all", reason=reason),
        path=db_file,
        fix=_("free some space, then run the same command again; `storehealth status` shows what "
              "landed, and a file that already landed is recognised and skipped"),
    )  # fmt: skip


@dataclass
class Reprocess:
    """A file read once more: the id and export time it landed with."""

    file_id: int
    exported_at: datetime
    source: str


def _stage(
    con: duckdb.DuckDBPyConnection,
    raw,
    *,
    store: str,
    mapping: Mapping | None,
    sha: str,
    timezone: str | None = None,
    file_id: int | None = None,
) -> None:
    con.register("raw_export", raw.table)
    if is_lake_connection(con):  # every lake ingest claims the counter, reprocessing too
        file_id = next_file_id(con, reuse=file_id)
    elif file_id is None:
        file_id = con.execute("select nextval('ingested_file_ids')").fetchall()[0][0]
    con.execute(
        "create or replace temp table ingest_context as select "
        "?::varchar as platform, ?::varchar as store, ?::bigint as file_id, "
        "?::varchar as sha256, ?::varchar as buyer_salt, ?::varchar as default_currency, "
        "null::timestamp as exported_at, null::varchar as seen_key, "
        "?::timestamp as latest_plausible_at, ?::varchar as timezone",
        [
            raw.platform,
            store,
            file_id,
            sha,
            _buyer_salt(con),
            (mapping.currency if mapping else None) or DEFAULT_CURRENCY.get(raw.platform),
            latest_plausible_time(raw.path),
            timezone,
        ],
    )
    con.execute("delete from vocab_alias where platform = 'generic'")
    if mapping and mapping.alias_rows():  # a mapping without a status column may map nothing
        con.executemany("insert into vocab_alias values (?, 'generic', ?, ?)", mapping.alias_rows())
    build_model(con, "stg_export_amount_shapes")
    con.execute(  # constants for stg_export_rows: its amounts take one branch of amount_in
        "set variable export_decimal_mark = coalesce("
        "(select any_value(file_decimal_mark) from stg_export_amount_shapes), 'none')"
    )
    con.execute(
        "set variable export_ambiguous_amounts = coalesce("
        "(select bool_or(file_ambiguous_amounts) from stg_export_amount_shapes), false)"
    )
    build_model(con, "stg_export_rows")
    build_model(con, "stg_export_cell_warnings")
    # The Arrow copy of the file is no longer needed: free it before the next models grow.
    con.unregister("raw_export")
    raw.table = None
    build_model(con, "stg_raw_value_codes")
    build_view(con, "stg_platform_orders", source=f"stg_{raw.platform}_orders")
    build_model(con, "int_export_rows")
    con.execute("drop view stg_platform_orders")
    drop_models(con, "stg_export_rows")


def _buyer_salt(con: duckdb.DuckDBPyConnection) -> str:
    """The installation's secret for buyer hashes (loaded by a writing `connect`)."""
    return con.execute("select value from installation_salt").fetchone()[0]


def _check_rows(con: duckdb.DuckDBPyConnection, raw, result: IngestResult, *, strict: bool) -> None:
    refuse_damaged_ids(con, raw.path, several_sheets=raw.sheet_count > 1)
    con.execute(
        "create or replace temp table export_rejects "
        "(sheet varchar, row_number bigint, order_id varchar, reason varchar)"
    )
    if raw.unreadable:
        con.executemany("insert into export_rejects values (?, ?, ?, ?)", raw.unreadable)
    con.execute(
        "insert into export_rejects select source_sheet, source_row, order_id, reject_reason "
        "from int_export_rows where reject_reason is not null"
    )
    result.rejected = con.execute("select count(*) from export_rejects").fetchone()[0]
    result.rejected_examples = con.execute(
        "select * from export_rejects order by sheet, row_number limit ?", [REJECT_EXAMPLES]
    ).fetchall()
    if result.rejected and (strict or result.rejected == result.rows_read):
        sheet, row, order_id, reason = result.rejected_examples[0]
        count = result.rejected
        more = _(" (and {more} more rows)", more=count - 1) if count > 1 else ""
        what = _("--strict refuses a file with unreadable rows") if strict else _("no row can be read")
        raise InputError(
            f"{what}: {reason}" + (_(" for order {order}", order=order_id) if order_id else "") + more,
            path=raw.path,
            row=row,
            sheet=sheet if raw.sheet_count > 1 else None,
            fix=_("fix those cells or export the file again; nothing was ingested"),
        )
    build_view(con, "int_export_order_lines")
    build_model(con, "int_export_conflicts")
    conflicts = con.execute("select * from int_export_conflicts").fetchall()
    if conflicts:
        order_id, sheets, rows, statuses = conflicts[0]
        several_sheets = raw.sheet_count > 1
        shown = _(" and ").join(
            (_("sheet {sheet!r} row {row} ({status!r})", sheet=sheet, row=r, status=s) if several_sheets
             else _("row {row} ({status!r})", row=r, status=s))
            for sheet, r, s in zip(sheets[:2], rows[:2], statuses[:2], strict=True)
        )  # fmt: skip
        more = _("; {count} more orders conflict too", count=len(conflicts) - 1) if len(conflicts) > 1 else ""
        raise InputError(
            _("order {order} appears twice with different content, {shown}{more}. "
              "The file contradicts itself and was refused whole", order=order_id, shown=shown, more=more),
            path=raw.path,
            fix=_("export the orders again; if the platform's file really holds both rows, "
                  "delete the outdated one and ingest the corrected copy"),  # fmt: skip
        )
    build_model(con, "int_export_orders")
    con.execute("drop view int_export_order_lines")
    drop_models(con, "int_export_rows", "int_export_conflicts")


# A time zone apart, an export can hold times up to a day past the moment it was saved.
CLOCK_TOLERANCE = timedelta(days=1)
BLANKED_EXAMPLES = 5


def latest_plausible_time(path: Path) -> datetime:
    """The latest time an export can hold: its file's save time or now, whichever is later,
    plus a day for time zones. A later payment, shipping, receipt or close time is impossible
    (a typo, a wrong clock) and would make every later export of the store look older."""
    try:
        saved = datetime.fromtimestamp(Path(path).stat().st_mtime)
    except (OSError, OverflowError, ValueError):
        saved = datetime.now()
    return max(saved, datetime.now()) + CLOCK_TOLERANCE


def _field_label(field: str) -> str:
    return {
        "paid_at": _("payment time"), "shipped_at": _("shipping time"),
        "received_at": _("receipt time"), "closed_at": _("close time"),
        "product_amount": _("product amount"), "shipping_fee": _("shipping fee"),
        "discount": _("discount"), "order_amount": _("order amount"),
        "refunded_amount": _("refunded amount"),
    }.get(field, field)  # fmt: skip


def _warn_blanked_cells(con: duckdb.DuckDBPyConnection, raw, result: IngestResult) -> None:
    """Say which cells were left empty rather than read wrong (stg_export_cell_warnings), and
    when the file writes amounts in both decimal conventions (stg_export_amount_shapes)."""
    name = Path(raw.path).name
    several = raw.sheet_count > 1
    limit = con.execute("select latest_plausible_at from ingest_context").fetchone()[0]
    cells = con.execute("select * from stg_export_cell_warnings").fetchall()
    times = [c for c in cells if c[3].endswith("_at")]
    amounts = [c for c in cells if not c[3].endswith("_at")]

    def where(sheet: str, row: int, order: str | None) -> str:
        place = (_("{file} sheet {sheet!r} row {row}", file=name, sheet=sheet, row=row) if several
                 else _("{file} row {row}", file=name, row=row))  # fmt: skip
        return place + (_(", order {order}", order=order) if order else "")

    saved = f"{limit - CLOCK_TOLERANCE:%Y-%m-%d}"
    for sheet, row, order, column, value in times[:BLANKED_EXAMPLES]:
        result.warnings.append(
            _("{where}: the {field} {value} lies in the future (after {limit}, when the file was "
              "saved at the latest), so it cannot be true; the cell was left empty and does not "
              "count toward the export time. Check the order in the platform's back-end and "
              "correct the date in the file", where=where(sheet, row, order),
              field=_field_label(column), value=value, limit=saved)
        )  # fmt: skip
    for sheet, row, order, column, value in amounts[:BLANKED_EXAMPLES]:
        result.warnings.append(
            _("{where}: the {field} {value!r} reads as thousands with one decimal mark and as "
              "a fraction with the other, and no other amount in the file says which mark it "
              "uses; the cell was left empty rather than guessed. Export the amounts with their "
              "decimals (1,234.00 or 1.234,00) and ingest the file again",
              where=where(sheet, row, order), field=_field_label(column), value=value)
        )  # fmt: skip
    for kind in (times, amounts):
        if len(kind) > BLANKED_EXAMPLES:
            result.warnings.append(_("{file}: {more} more cells were left empty for the same reason",
                                     file=name, more=len(kind) - BLANKED_EXAMPLES))  # fmt: skip
    first: dict[str, tuple[int, str]] = {}  # decimal mark: its first row and value in the file
    for mark, row, value in con.execute(
        "select decimal_mark, example_row, example_value from stg_export_amount_shapes "
        "where decimal_mark in (',', '.') order by first_row_key"
    ).fetchall():
        first.setdefault(mark, (row, value))
    if len(first) == 2:
        result.warnings.append(
            _("{file}: amounts are written with a decimal comma ({comma!r}, row {comma_row}) and "
              "with a decimal point ({dot!r}, row {dot_row}); each was read as written, and an "
              "amount that could be either (1,234 or 1.234) was left empty. Check that the file "
              "was not pieced together from exports in different languages",
              file=name, comma=first[","][1], comma_row=first[","][0], dot=first["."][1],
              dot_row=first["."][0])
        )  # fmt: skip
    drop_models(con, "stg_export_cell_warnings", "stg_export_amount_shapes")


def _set_export_time(
    con: duckdb.DuckDBPyConnection, result: IngestResult, exported_at: datetime | None
) -> None:
    source = "given"
    if exported_at is None:
        source = "latest event in file"
        exported_at = select_row(con, "ingest_export_time")[0]
    run_statement(con, "ingest_context_export_time", {"exported_at": exported_at})
    result.exported_at = exported_at
    result.exported_at_source = source


def _merge(con: duckdb.DuckDBPyConnection, result: IngestResult) -> None:
    """Add the export's states to the snapshots, then refresh only the current rows that can
    change: new orders, and orders whose state differs from their latest one (or whose
    export is older than their latest). An order seen again unchanged only moves last_seen.
    The rules are the history models' (pipeline/sql/history); this is their order."""
    build_model(con, "merge_current_before")
    run_statement(con, "order_snapshots_seen")
    run_statement(con, "order_snapshots_new")
    build_model(con, "orders_new", source="merge_orders_new")
    build_model(con, "orders_to_rebuild", source="merge_orders_to_rebuild")
    rebuild_current(con)
    run_statement(con, "orders_current_seen_again")
    result.orders, result.new, result.updated = select_row(con, "merge_counts")
    drop_models(con, "merge_current_before", "orders_new", "orders_to_rebuild")
    result.unchanged = result.orders - result.new - result.updated
    result.first_order_date, result.last_order_date = select_row(con, "ingest_order_dates")


def _forget_own_states(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Before a file is read again: drop the states that only this file showed (the merge adds
    them back, as the file reads now), so that a state read differently this time does not stand
    beside the old one at the same export time. An order the file held before must still be in
    it: a row that landed once and is rejected now would leave its order without a state."""
    lost = select_row(con, "order_snapshots_only_this_file")
    if lost:
        why = con.execute(
            "select reason from export_rejects where order_id = ? limit 1", [lost[0]]
        ).fetchone()
        raise InputError(
            _("order {order} landed from this file before but is rejected now ({reason}); nothing changed",
              order=lost[0], reason=why[0] if why else _("not in the file")),
            path=path,
            fix=_("put back what vocabulary.toml (beside the history database) had for it, then run "
                  "the command again"),
        )  # fmt: skip
    run_statement(con, "order_snapshots_forget_this_file")


def _remember_mapping(con: duckdb.DuckDBPyConnection, store: str, mapping: Mapping) -> bool:
    """Keep the status and reason tables of a generic store's mapping file, so that its orders
    can be interpreted again when the vocabulary changes; True when the store's orders were
    landed with other tables before (the mapping file was edited)."""
    rows = sorted(mapping.alias_rows())
    key = f"mapping_aliases:{store}"
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    before = con.execute("select value from settings where key = ?", [key]).fetchone()
    if before is not None and before[0] == digest:
        return False
    con.execute("delete from mapping_aliases where store = ?", [store])
    if rows:
        con.executemany("insert into mapping_aliases values (?, ?, ?, ?)", [(store, *r) for r in rows])
    con.execute("delete from settings where key = ?", [key])
    con.execute("insert into settings values (?, ?)", [key, digest])
    return before is not None


def _record(con: duckdb.DuckDBPyConnection, raw, result: IngestResult, sha: str, *, replace: bool) -> None:
    if replace:  # a reprocessed file: its record and its rejected rows are those of this reading
        run_statement(con, "rejected_rows_forget_this_file")
        run_statement(con, "ingested_files_forget_this_file")
    run_statement(con, "ingested_files_record", {
        "path": str(raw.path), "sha256": sha, "rows_read": result.rows_read,
        "orders_in_file": result.orders, "rows_new": result.new, "rows_updated": result.updated,
        "rows_unchanged": result.unchanged, "rows_rejected": result.rejected,
        "first_order_date": result.first_order_date, "last_order_date": result.last_order_date,
        "exported_at_source": result.exported_at_source, "ingested_at": datetime.now(),
    })  # fmt: skip
    run_statement(con, "rejected_rows_record")
