"""The `storehealth` command line (SPEC section 5). Exit 0 ok, 1 bad input, 2 usage error."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar

import typer
from rich.table import Table
from rich.text import Text

from pipeline.config import default_db_path
from pipeline.errors import InputError, StorageError, UsageError
from pipeline.i18n import _, label, percent
from pipeline.terminal import TerminalConsole

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

T = TypeVar("T")

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help=_("Cumulative order history and store-health figures from rolling marketplace exports."),
    epilog="Example: storehealth ingest data/exports/ali-main --store ali-main",
)
# Both strip the escape codes an export's cells may hold (pipeline/terminal.py).
err = TerminalConsole(stderr=True, highlight=False)
out = TerminalConsole(highlight=False)
if not out.is_terminal:
    out = TerminalConsole(highlight=False, width=200)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help=_("History database (default: $STOREHEALTH_DB, else data/storehealth.duckdb)."),
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help=_("Print one JSON object on stdout."))]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help=_("Count the open orders' time left from this moment instead of now: YYYY-MM-DD[THH:MM]."),
        show_default=False,
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help=_("zh or en for the readable output (default: $STOREHEALTH_LANG, else your locale). "
        "JSON stays English."),
        show_default=False,
    ),
]


def _use_lang(lang: str | None, as_json: bool = False) -> None:
    """Messages in `lang`; with --json everything stays English, for scripts."""
    from pipeline.i18n import LANGUAGES, set_language

    if lang is not None and lang not in LANGUAGES:
        choices = ", ".join(LANGUAGES)
        raise _fail(UsageError(_("--lang {lang!r}: use one of {choices}", lang=lang, choices=choices)))
    set_language("en" if as_json else lang)


def _db(db: Path | None) -> Path:
    return db if db is not None else default_db_path()


def _check_out(out_dir: Path | None) -> None:
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise InputError(_("this is a file, not a folder for the reports"), path=out_dir,
                         fix=_("give --out a folder (it is created if missing)"))  # fmt: skip


def _check_store(store: str) -> str:
    from pipeline.stores import valid_store_name

    if not valid_store_name(store):
        raise UsageError(
            _("store name {store!r} is not allowed: use letters, digits, '.', '-' or '_' "
              "(at most 64, no path separators)", store=store)
        )  # fmt: skip
    return store


def _parse_moment(text: str | None, option: str = "--exported-at") -> datetime | None:
    from pipeline.command_days import command_moment

    return command_moment(option, text)


def _read_history(db: Path | None, read: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run `read` on a short-lived read-only connection, so that ingests are blocked briefly."""
    from pipeline.database import connect

    con = connect(_db(db), read_only=True)
    try:
        return read(con)
    finally:
        con.close()


def _print_json(payload: dict | list[dict]) -> None:
    """The one JSON value `--json` promises on stdout (a list only for a --by/--per breakdown)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")


def _fail(exc: Exception) -> typer.Exit:
    """Print the message as plain text (it may quote store names or cells) and pick the exit."""
    if isinstance(exc, UsageError):
        err.print(_("usage error: {message}", message=exc), soft_wrap=True, markup=False)
        return typer.Exit(2)
    err.print(_("error: {message}", message=exc), soft_wrap=True, markup=False)
    return typer.Exit(1)


@app.command(
    help=_(
        "Add exports to the history. Each file lands whole or not at all.\n"
        "\n"
        "Example: storehealth ingest data/exports/ali-main --store ali-main"
    )
)
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(help=_("Export files, folders or globs."), show_default=False, metavar="PATH..."),
    ],
    store: Annotated[str, typer.Option("--store", help=_("The store these exports belong to."))],
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform", help=_("aliexpress, ebay, 1688, shopify, taobao or generic (default: detect).")
        ),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help=_("Mapping file for --platform generic."))
    ] = None,
    exported_at: Annotated[
        str | None,
        typer.Option("--exported-at", help=_("When the export was made (default: its latest event).")),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help=_("Refuse a file with any unreadable row."))
    ] = False,
    reprocess: Annotated[
        bool,
        typer.Option(
            "--reprocess",
            help=_("Read a file that already landed once more: its rejected rows land if they now can."),
        ),
    ] = False,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help=_("The store's time zone (e.g. Asia/Shanghai): times written with a UTC offset are "
                   "converted to it."),
        ),
    ] = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    db: DbOption = None,
) -> None:
    _use_lang(lang, as_json)
    from pipeline.adapters import PLATFORMS
    from pipeline.adapters.generic import load_mapping
    from pipeline.database import connect
    from pipeline.ingest import expand_paths, ingest_file
    from pipeline.time_zones import valid_time_zone

    try:
        _check_store(store)
        if platform is not None and platform not in PLATFORMS:
            raise UsageError(_("--platform {platform!r}: use one of {choices}", platform=platform,
                                 choices=", ".join(PLATFORMS)))  # fmt: skip
        if mapping is not None and platform not in (None, "generic"):
            raise UsageError(_("--mapping goes with --platform generic"))
        if platform == "generic" and mapping is None:
            raise UsageError(_("--platform generic needs --mapping FILE (see the README)"))
        if mapping is not None and not mapping.is_file():
            raise UsageError(_("--mapping {file}: no such file", file=mapping))
        if timezone is not None and not valid_time_zone(timezone):
            raise UsageError(_("--timezone {zone!r}: give a time zone name such as Asia/Shanghai or "
                               "America/New_York", zone=timezone))  # fmt: skip
        when = _parse_moment(exported_at)
        files = expand_paths(paths)
        if not files:
            raise UsageError(_("no .xls, .xlsx or .csv file found in {paths}", paths=", ".join(paths)))
        spec = load_mapping(mapping) if mapping else None
        con = connect(_db(db))
    except (InputError, UsageError) as exc:
        raise _fail(exc) from None

    results, failures = [], []
    try:
        for index, path in enumerate(files, 1):
            label = f"[{index}/{len(files)}] {path.name}"
            with err.status(f"{label}: reading") as status:
                try:
                    result = ingest_file(
                        con,
                        path,
                        store=store,
                        platform=platform if platform != "generic" else None,
                        mapping=spec,
                        exported_at=when,
                        strict=strict,
                        reprocess=reprocess,
                        timezone=timezone,
                        progress=lambda stage, label=label, status=status: status.update(
                            f"{label}: {stage}"
                        ),
                    )
                except InputError as exc:
                    failures.append(exc.for_file(path))
                    err.print(_("refused: {message}", message=exc.for_file(path).message),
                              soft_wrap=True, markup=False)  # fmt: skip
                    if isinstance(exc, StorageError):
                        break  # the database cannot take more writes in this run
                    continue
            results.append(result)
            _print_result(result, quiet=as_json)
    finally:
        con.close()
    if as_json:
        payload = {
            "files": [r.as_dict() for r in results],
            "refused": [{"path": str(f.path), "message": f.message} for f in failures],
        }
        _print_json(payload)
    if failures:
        raise typer.Exit(1)


def _export_time_source(source: str) -> str:
    """How the export time was found, as stored in ingested_files, in the reader's language."""
    return {"given": _("given"), "latest event in file": _("latest event in file")}.get(source, source)


def _print_result(result, *, quiet: bool) -> None:
    if result.outcome == "already ingested":
        err.print(_("{file}: already ingested, nothing changed", file=result.path.name),
                  markup=False, soft_wrap=True)  # fmt: skip
    else:
        err.print(
            _("{file}: {platform}, {read} rows read, {orders} orders: {new} new, {updated} updated, "
              "{unchanged} unchanged; {rejected} rows rejected (exported {exported}, {source})",
              file=result.path.name, platform=result.platform, read=result.rows_read,
              orders=result.orders, new=result.new,
              updated=result.updated, unchanged=result.unchanged, rejected=result.rejected,
              exported=f"{result.exported_at:%Y-%m-%d %H:%M}",
              source=_export_time_source(result.exported_at_source)),
            markup=False,
            soft_wrap=True,
        )  # fmt: skip
        if result.outcome == "reprocessed":
            err.print(_("  read again: rows rejected before have landed where they now can"), markup=False)
        for sheet, row, order_id, reason in result.rejected_examples:
            order = _(" order {order}", order=order_id) if order_id else ""
            err.print(_("  rejected: sheet {sheet!r} row {row}{order}: {reason}", sheet=sheet, row=row,
                        order=order, reason=reason), markup=False, soft_wrap=True)  # fmt: skip
        if result.rejected > len(result.rejected_examples):
            err.print(
                _("  … and {more} more: `storehealth status` lists them",
                  more=result.rejected - len(result.rejected_examples)),
                markup=False,
            )  # fmt: skip
    for warning in result.warnings:
        err.print(_("  warning: {warning}", warning=warning), soft_wrap=True, markup=False)


@app.command(
    help=_(
        "Per store: orders, date coverage, gaps between exports, export age, unknown values.\n"
        "\n"
        "Example: storehealth status --store ali-main --json"
    )
)
def status(
    store: Annotated[str | None, typer.Option("--store", help=_("Only this store."))] = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    db: DbOption = None,
) -> None:
    _use_lang(lang, as_json)
    from pipeline.status import store_status

    try:
        if store is not None:
            _check_store(store)
        report = _read_history(db, lambda con: store_status(con, store=store))
        if store is not None and not report["stores"]:
            raise InputError(_("no store named {store!r} in the history", store=store),
                             fix=_("run status without --store"))  # fmt: skip
    except (InputError, UsageError) as exc:
        raise _fail(exc) from None
    if as_json:
        _print_json(report)
        return
    _print_status(report)


def _print_status(report: dict) -> None:
    from pipeline.status import store_platform, unknown_value_warning

    if not report["stores"]:
        out.print(_("The history is empty: ingest an export with `storehealth ingest PATH --store NAME`."))
        return
    table = Table(title=_("storehealth history"))
    for column in (_("store"), _("platform"), _("files"), _("orders"), _("open"), _("to ship"), _("closed"),
                   _("orders from"), _("to"), _("latest export"), _("age (days)"), _("rejected rows")):
        table.add_column(column)
    for s in report["stores"]:
        table.add_row(
            s["store"], s["platforms"], str(s["files"]), str(s["orders"]), str(s["open_orders"]),
            str(s["to_ship_orders"]), str(s["closed_orders"]), str(s["first_order_date"]),
            str(s["last_order_date"]), str(s["latest_export_at"]), str(s["latest_export_age_days"]),
            str(s["rejected_rows"]),
        )  # fmt: skip
    out.print(table)
    for s in report["stores"]:
        for warning in s["warnings"]:
            out.print(_("{store}: warning: {warning}", store=s["store"], warning=warning),
                      soft_wrap=True, markup=False)  # fmt: skip
        for u in s["unknown_values"]:
            out.print(unknown_value_warning(s["store"], u, store_platform(s), report["vocabulary_file"]),
                      soft_wrap=True, markup=False)  # fmt: skip
        for r in s["rejected_examples"]:
            out.print(
                _("{store}: rejected {file} row {row}: {reason}", store=s["store"], file=r["path"],
                  row=r["row_number"], reason=r["reason"]),
                soft_wrap=True, markup=False,
            )  # fmt: skip


vocabulary_app = typer.Typer(
    help=_(
        "The raw statuses and reasons the vocabulary does not know, and the line that maps one.\n"
        "\n"
        "Your own vocabulary.toml lives beside the history database (data/vocabulary.toml by\n"
        "default); it extends and overrides the packaged one, and every figure follows it.\n"
        "\n"
        "Example: storehealth vocabulary add cancel_reason '收到的包裹太多了想取消' buyer_changed_mind"
    ),
    invoke_without_command=True,
)
app.add_typer(vocabulary_app, name="vocabulary")


@vocabulary_app.callback()
def vocabulary_list(
    context: typer.Context,
    as_json: JsonOption = False,
    lang: LangOption = None,
    db: DbOption = None,
) -> None:
    """List every unknown raw value with its kind, platform, order count and an example order."""
    if context.invoked_subcommand is not None:
        return
    _use_lang(lang, as_json)
    from pipeline.user_files import VOCABULARY_NAME, user_file
    from pipeline.vocabulary_file import unknown_values

    try:
        unknown = _read_history(db, unknown_values)
    except (InputError, UsageError) as exc:
        raise _fail(exc) from None
    path = user_file(_db(db), VOCABULARY_NAME)
    if as_json:
        _print_json({"vocabulary_file": str(path), "unknown_values": unknown})
        return
    if not unknown:
        out.print(_("Every status and reason in the history is known to the vocabulary ({file}).",
                    file=path), soft_wrap=True, markup=False)  # fmt: skip
        return
    table = Table(title=_("values the vocabulary does not know"))
    for column in (_("kind"), _("platform"), _("raw value"), _("orders"), _("example order"), _("stores")):
        table.add_column(column)
    for u in unknown:
        table.add_row(u["kind"], u["platform"], Text(u["raw_value"]), str(u["orders"]),
                      Text(str(u["example_order"] or "")), Text(", ".join(u["stores"])))  # fmt: skip
    out.print(table)
    out.print(_("Map one with: storehealth vocabulary add KIND RAW CODE [--platform P] (writes {file})",
                file=path), soft_wrap=True, markup=False)  # fmt: skip


@vocabulary_app.command(
    "add",
    help=_(
        "Map a raw value to a canonical code in your vocabulary.toml beside the history database.\n"
        "\n"
        "KIND is status, close_cause or cancel_reason; CODE one of SPEC section 2's codes. The\n"
        "figures follow at once, and rows rejected for the status land from their files.\n"
        "\n"
        "Example: storehealth vocabulary add status 等待平台审核 on_hold --platform aliexpress"
    ),
)
def vocabulary_add(
    kind: Annotated[str, typer.Argument(help=_("status, close_cause or cancel_reason."))],
    raw: Annotated[str, typer.Argument(help=_("The value as the export writes it."))],
    code: Annotated[str, typer.Argument(help=_("The canonical code it means."))],
    platform: Annotated[
        str | None,
        typer.Option("--platform", help=_("The platform that exports it (default: where it was seen; "
                                          "any, for a cancel reason)."), show_default=False),
    ] = None,
    lang: LangOption = None,
    db: DbOption = None,
) -> None:
    _use_lang(lang)
    from pipeline.database import connect
    from pipeline.user_files import VOCABULARY_NAME, user_file
    from pipeline.vocabulary_file import KIND_OF, add_alias, default_platform, unknown_values

    path = user_file(_db(db), VOCABULARY_NAME)
    try:
        kind = KIND_OF.get(kind, kind)
        if platform is None:
            seen = _read_history(db, unknown_values) if _db(db).exists() else []
            platform = default_platform(kind, raw, seen)
        line = add_alias(path, kind, raw, code, platform)
        err.print(_("{file}: [{kind}.{platform}] {line}", file=path, kind=kind, platform=platform,
                    line=line), soft_wrap=True, markup=False)  # fmt: skip
        if _db(db).exists():
            connect(_db(db)).close()  # interprets the history by it now, and says what changed
    except (InputError, UsageError) as exc:
        raise _fail(exc) from None


def _parse_day(option: str, text: str) -> date:
    from pipeline.command_days import command_day

    return command_day(option, text)


MetricsTable = Literal["summary", "reasons", "causes", "policy", "backlog"]


@app.command(
    help=_(
        "Store-health figures for orders created in a window.\n"
        "\n"
        "With --by or --per, --json prints a list of objects, one per period and store or platform.\n"
        "\n"
        "Examples:\n"
        "  storehealth metrics --store ali-main --from 2024-03-01 --to 2024-03-31 --json\n"
        "  storehealth metrics --all --from 2024-01-01 --to 2024-06-30 --by month --per store\n"
        "  storehealth metrics --all --to 2024-06-30 --policy\n"
        "  storehealth metrics --all --from 2024-01-01 --to 2024-06-30 --by week --csv weeks.csv"
    )
)
def metrics(
    store: Annotated[
        list[str] | None, typer.Option("--store", help=_("A store (repeat for several)."))
    ] = None,
    all_stores: Annotated[bool, typer.Option("--all", help=_("Every store together."))] = False,
    date_from: Annotated[str, typer.Option("--from", help=_("First order date, YYYY-MM-DD."))] = "",
    date_to: Annotated[str, typer.Option("--to", help=_("Last order date, YYYY-MM-DD (inclusive)."))] = "",
    by: Annotated[
        Literal["week", "month"] | None,
        typer.Option("--by", help=_("One set of figures per ISO week or calendar month.")),
    ] = None,
    per: Annotated[
        Literal["store", "platform"] | None,
        typer.Option("--per", help=_("Figures per store or per platform instead of all together.")),
    ] = None,
    policy: Annotated[
        bool,
        typer.Option(
            "--policy",
            help=_("Judge each store against its platform's policies as of --to (--from not needed)."),
        ),
    ] = False,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help=_("Also write a breakdown table to this CSV file."))
    ] = None,
    parquet_path: Annotated[
        Path | None, typer.Option("--parquet", help=_("Also write a breakdown table to this Parquet file."))
    ] = None,
    table: Annotated[
        MetricsTable,
        typer.Option("--table", help=_("Which breakdown --csv/--parquet write.")),
    ] = "summary",
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    db: DbOption = None,
) -> None:
    _use_lang(lang, as_json)
    try:
        if store and all_stores:
            raise UsageError(_("give --store NAME (one or more) or --all, not both"))
        if not (store or all_stores):
            raise UsageError(_("give --store NAME (one or more) or --all"))
        if not date_to or not (date_from or policy):
            raise UsageError(_("give --from YYYY-MM-DD and --to YYYY-MM-DD (--policy needs only --to)"))
        last = _parse_day("--to", date_to)
        first = _parse_day("--from", date_from) if date_from else last
        if first > last:
            raise UsageError(_("--from {first} is after --to {last}", first=first, last=last))
        for name in store or []:
            _check_store(name)
        if table != "summary" and not (csv_path or parquet_path):
            raise UsageError(_("--table chooses what --csv FILE or --parquet FILE write: give one of them"))
        if policy and (by or per):
            raise UsageError(_("--policy judges each store over the policy's own window: drop --by/--per"))
        to_stdout = _check_table_outputs(csv_path, parquet_path, as_json)
        chosen = None if all_stores else store
        now = _parse_moment(as_of, "--as-of")

        def read(con: duckdb.DuckDBPyConnection) -> tuple:
            from pipeline.metrics import stores_behind

            figures = _metrics_result(
                con, chosen, first, last, by, per, policy, table, csv_path, parquet_path, as_json, now
            )
            return figures, stores_behind(con, chosen, last)

        result, behind = _read_history(db, read)
    except (InputError, UsageError) as exc:
        raise _fail(exc) from None
    for name, latest in behind:
        err.print(
            _("warning: {store}: the latest export is from {day}; figures for the days after it are "
              "incomplete until a newer export is ingested", store=name, day=f"{latest:%Y-%m-%d}"),
            soft_wrap=True, markup=False,
        )  # fmt: skip
    if as_json:
        _print_json(result)
    elif to_stdout:
        pass  # standard output holds the table written with `-`
    elif policy:
        _print_policy(result)
    elif isinstance(result, dict):
        _print_metrics(result)
    else:
        _print_breakdown(result, per, by, _("all stores") if all_stores else ", ".join(store or []))


def _check_table_outputs(csv_path: Path | None, parquet_path: Path | None, as_json: bool) -> bool:
    """Refuse --csv/--parquet targets that are not files before anything is written; True when
    one of them is standard output (`-`)."""
    from pipeline.table_export import STDOUT, output_target

    given = [(path, option) for path, option in ((csv_path, "--csv"), (parquet_path, "--parquet")) if path]
    for path, option in given:
        output_target(path, option)
    dashes = [option for path, option in given if str(path) == STDOUT]
    if len(dashes) > 1:
        raise UsageError(_("--csv - and --parquet - cannot both write to standard output: give one "
                           "a file name"))  # fmt: skip
    if dashes and as_json:
        raise UsageError(_("{option} - and --json both write to standard output: give {option} a file name",
                           option=dashes[0]))  # fmt: skip
    return bool(dashes)


def _metrics_result(
    con: duckdb.DuckDBPyConnection,
    stores: list[str] | None,
    first: date,
    last: date,
    by: str | None,
    per: str | None,
    policy: bool,
    table: str,
    csv_path: Path | None,
    parquet_path: Path | None,
    as_json: bool,
    as_of: datetime | None = None,
) -> dict | list[dict] | pd.DataFrame:
    """The figures the command prints, after writing the --csv/--parquet breakdown if asked."""
    from pipeline import metrics as m

    if csv_path or parquet_path:
        from pipeline.table_export import write_table

        if table == "policy" or policy:
            frame = m.policy_standing(con, last, stores)
        elif table == "backlog":
            frame = m.open_backlog(con, stores, as_of)
        else:
            model = {"summary": m.breakdown, "reasons": m.cancellation_reasons, "causes": m.close_causes}
            frame = model[table](con, first, last, stores, by, per)
        for path, fmt in ((csv_path, "csv"), (parquet_path, "parquet")):
            if path is not None:
                rows = write_table(frame, path, fmt)
                where = _("standard output") if str(path) == "-" else path
                err.print(f"wrote {rows} rows of {table} to {where}", markup=False)
    if policy:
        return {"as_of": last.isoformat(), "policies": m.policy_records(con, last, stores)}
    if (by or per) and not as_json:
        return m.breakdown(con, first, last, stores, by, per)
    if not (by or per or as_json):
        return m.window_details(con, stores=stores, date_from=first, date_to=last, as_of=as_of)
    objects = m.breakdown_objects(con, stores=stores, date_from=first, date_to=last, by=by, per=per)
    return objects if (by or per) else objects[0]


def _percent(rate: float | None) -> str:
    return percent(rate)


def _print_metrics(details: dict) -> None:
    """The window's figures, how fast each cause closed orders, and the open orders to ship first."""
    m = details["figures"]
    who = _("all stores") if m["store"] == "*" else m["store"]
    out.print(_("store {store}, orders created {first} to {last}", store=who, first=m["from"], last=m["to"]),
              markup=False)  # fmt: skip
    table = Table(show_header=False)
    table.add_column(_("figure"))
    table.add_column(_("value"), justify="right")
    table.add_row(_("orders"), str(m["orders"]))
    table.add_row(_("paid orders"), str(m["paid_orders"]))
    table.add_row(_("closed orders"), str(m["closed_orders"]))
    sns = m["sold_not_shipped"]
    table.add_row(_("sold not shipped"),
                  _("{count} ({rate} of paid)", count=sns["count"], rate=_percent(sns["rate"])))  # fmt: skip
    late = m["late_shipment"]
    shipped = _("{count} ({rate} of shipped with a deadline)", count=late["count"],
                rate=_percent(late["rate"]))
    table.add_row(_("late shipments"), shipped)
    out.print(table)
    if m["cancellation_reasons"]:
        reasons = Table(title=_("cancellation reasons"))
        for column in (_("reason"), _("orders"), _("share"), _("seller's fault")):
            reasons.add_column(column)
        for r in m["cancellation_reasons"]:
            fault = _("yes") if r["seller_fault"] else ""
            reasons.add_row(label("cancel_reason", r["reason"]), str(r["count"]), _percent(r["share"]), fault)
        out.print(reasons)
    if m["close_causes"]:
        hours = {c["cause"]: c for c in details["close_times"]}
        causes = Table(title=_("close causes"))
        for n, column in enumerate((_("cause"), _("orders"), _("share"), _("inferred"),
                                    _("median time to close"), _("90% closed within"),
                                    _("orders with a close time"))):  # fmt: skip
            causes.add_column(column, justify="right" if n > 3 else "left")
        for c in m["close_causes"]:
            times = hours.get(c["cause"], {})
            causes.add_row(label("close_cause", c["cause"]), str(c["count"]), _percent(c["share"]),
                           str(c["inferred"]), _duration(times.get("median_hours_to_close")),
                           _duration(times.get("p90_hours_to_close")),
                           str(times.get("with_close_time", 0)))  # fmt: skip
        out.print(causes)
    _print_backlog(details["open_backlog"])


def _print_backlog(backlog: dict) -> None:
    """The orders awaiting shipment now, those that need attention first on top (then by deadline)."""
    from pipeline.backlog import attention_reasons, backlog_summary, time_left

    if not backlog["orders"]:
        out.print(_("No order is waiting to be shipped."), markup=False)
        return
    out.print(backlog_summary(backlog["orders"], backlog["attention_first"], backlog.get("due_soon_hours")),
              markup=False)  # fmt: skip
    out.print(
        _("As of {now}; order states as of the latest export ({latest}).", now=_moment(backlog["as_of"]),
          latest=_moment(backlog["latest_export_at"])),
        markup=False,
    )  # fmt: skip
    table = Table(title=_("orders to ship first"))
    for column in (_("store"), _("order"), _("ordered"), _("why first"), _("ship by"), _("time left"),
                   _("shipping")):  # fmt: skip
        table.add_column(column)
    for o in backlog["first"]:
        table.add_row(  # order ids and shipping methods come from exports: never read as markup
            o["store"], Text(o["order_id"]), (o["created_at"] or "")[:10], attention_reasons(o),
            (o["ship_deadline"] or "")[:10],
            time_left(o["hours_left"]), Text(o["shipping_method"] or ""),
        )  # fmt: skip
    out.print(table)
    if backlog["orders"] > len(backlog["first"]):
        more = f"{backlog['orders'] - len(backlog['first']):,}"
        out.print(_("{more} more: --csv FILE --table backlog writes them all.", more=more), markup=False)


def _moment(when: datetime | None) -> str:
    from pipeline.i18n import day_time

    return _("n/a") if when is None else day_time(when)


def _duration(hours: float | None) -> str:
    from pipeline.backlog import duration

    return _("n/a") if hours is None else duration(hours)


def _print_breakdown(frame: pd.DataFrame, per: str | None, by: str | None, who: str) -> None:
    """One line per period and store/platform, each rate with its change from the period before;
    `who` names the selection when it is not broken down per store or platform."""
    title = _("store-health figures by period") if by else _("store-health figures")
    table = Table(title=title)
    scope = {"store": _("store"), "platform": _("platform")}.get(per or "", _("stores"))
    columns = [_("from"), _("to"), scope, _("orders"), _("paid"), _("closed")]
    columns += [_("sold not shipped"), _("late shipments")]
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n < 3 else "right")
    for row in frame.itertuples(index=False):
        key = getattr(row, per) if per else who
        table.add_row(
            f"{row.period_from:%Y-%m-%d}", f"{row.period_to:%Y-%m-%d}",
            label("platform", key) if per == "platform" else key, str(row.orders), str(row.paid_orders),
            str(row.closed_orders),
            _count_rate(row.sold_not_shipped, row.sold_not_shipped_rate, row.sold_not_shipped_rate_change),
            _count_rate(row.late_shipments, row.late_shipment_rate, row.late_shipment_rate_change),
        )  # fmt: skip
    out.print(table)


def _count_rate(count: int, rate: float | None, change: float | None) -> str:
    text = f"{count} ({_percent(_value(rate))}"
    if _value(change) is not None:
        text += ", " + _("{points} pt", points=f"{change * 100:+.2f}")
    return text + ")"


def _value(number: float | None) -> float | None:
    """None for a missing figure, whether it came as None or as pandas' NaN."""
    return None if number is None or number != number else number


def _print_policy(result: dict) -> None:
    table = Table(title=_("policy standing as of {day}", day=result["as_of"]))
    numeric = (_("rate"), _("limit"), _("margin"))
    for column in (_("store"), _("policy"), _("window"), *numeric, _("standing"), _("orders to cross")):
        table.add_column(column, justify="right" if column in numeric else "left")
    for p in result["policies"]:
        limit = ("≤ " if p["limit_kind"] == "at_most" else "< ") + _percent(p["breach"])
        margin = _("n/a") if p["margin"] is None else _("{points} pt", points=f"{p['margin'] * 100:+.2f}")
        cross = _("n/a") if p["orders_to_cross"] is None else str(p["orders_to_cross"])
        table.add_row(
            p["store"], label("policy", p["policy"]), _("{days} days", days=p["window_days"]),
            _percent(p["rate"]), limit, margin, label("standing", p["standing"]), cross,
        )  # fmt: skip
    out.print(table)


@app.command(
    help=_(
        "Render HTML reports to reports/<kind>/<store>/<period>.html and rebuild reports/index.html.\n"
        "\n"
        "The default period is the last complete week (weekly) or month (review, cluster) in the\n"
        "history.\n"
        "\n"
        "Example: storehealth report weekly --store ali-main --week 2024-W14"
    )
)
def report(
    kind: Annotated[
        str,
        typer.Argument(
            help=_("weekly (one store, one week), review (one store, a month or quarter) or cluster "
            "(every store side by side)."),
            show_default=False,
            metavar="weekly|review|cluster",
        ),
    ],
    store: Annotated[
        list[str] | None, typer.Option("--store", help=_("A store (repeat for one report each)."))
    ] = None,
    all_stores: Annotated[
        bool, typer.Option("--all-stores", help=_("One report per store, rendered two at a time."))
    ] = False,
    date_from: Annotated[str | None, typer.Option("--from", help=_("First order date, YYYY-MM-DD."))] = None,
    date_to: Annotated[str | None, typer.Option("--to", help=_("Last order date, YYYY-MM-DD."))] = None,
    week: Annotated[str | None, typer.Option("--week", help=_("An ISO week, e.g. 2024-W14."))] = None,
    month: Annotated[str | None, typer.Option("--month", help=_("A month, e.g. 2024-03."))] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help=_("Folder for the reports (default: reports/)."))
    ] = None,
    as_of: AsOfOption = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help=_("zh or en: the reports' language and the messages' (default: $STOREHEALTH_LANG, else "
            "your locale). The file name is the same in both languages."),
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    _use_lang(lang)
    from pipeline.reports import parse_period, plan

    try:
        for name in store or []:
            _check_store(name)
        period = parse_period(week=week, month=month, date_from=date_from, date_to=date_to)
        _check_out(out_dir)
        jobs = plan(
            kind, stores=store or [], all_stores=all_stores, period=period, db_path=_db(db), out_dir=out_dir,
            as_of=_parse_moment(as_of, "--as-of"),
        )
    except (InputError, UsageError) as exc:
        raise _fail(exc) from None
    outcome = _render_reports(jobs)
    for done in outcome.rendered:
        out.print(str(done.path), markup=False, soft_wrap=True)
    if outcome.index is not None:
        out.print(str(outcome.index), markup=False, soft_wrap=True)
    if outcome.failed:
        raise typer.Exit(1)


def _render_reports(jobs: list) -> object:
    """Render the reports, progress and failures on stderr; the other reports go on."""
    from pipeline.reports import WORKERS, render_jobs

    err.print(
        _("reports to render: {count}, {workers} at a time", count=len(jobs),
          workers=min(WORKERS, len(jobs))),  # fmt: skip
        markup=False,
    )
    outcome = render_jobs(
        jobs,
        progress=lambda message: err.print(message, markup=False, soft_wrap=True),
    )
    for _job, exc in outcome.failed:
        err.print(_("error: {message}", message=exc), markup=False, soft_wrap=True)
    return outcome


@app.command(
    help=_(
        "Generate realistic exports for four stores (AliExpress, eBay, Shopify), ingest them, show\n"
        "the status and render the weekly report of each store, their reviews and the cluster report.\n"
        "\n"
        "Example: storehealth demo --db /tmp/demo.duckdb"
    )
)
def demo(
    root: Annotated[
        Path | None, typer.Option("--exports", help=_("Where to write the demo exports."))
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=_("Folder for the demo's reports (default: reports/, or beside the database given "
                   "by --db)."),
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    from pipeline.config import exports_dir
    from pipeline.database import connect
    from pipeline.demo_exports import DEMO_TODAY, write_demo_exports
    from pipeline.ingest import ingest_file
    from pipeline.reports import plan
    from pipeline.status import store_status

    root = root or exports_dir()
    with err.status(_("writing demo exports")):
        written = write_demo_exports(root)
    err.print(_("wrote {count} demo exports under {folder}", count=len(written), folder=root))
    try:
        con = connect(_db(db))
        try:
            for store, path in written:
                result = ingest_file(con, path, store=store)
                _print_result(result, quiet=False)
            # The demo's exports are made as of a fixed date; judge their age as of that date.
            report = store_status(con, today=DEMO_TODAY.date())
        finally:
            con.close()
    except InputError as exc:
        raise _fail(exc) from None
    err.print(_("status as of {day}, the day the demo exports were made", day=f"{DEMO_TODAY:%Y-%m-%d}"))
    _print_status(report)

    # The reports, judged as of the demo's day too; a scratch --db keeps its reports beside it.
    if out_dir is None and db is not None:
        out_dir = db.parent / "reports"
    try:
        jobs = [
            job
            for kind in ("weekly", "review", "cluster")
            for job in plan(kind, all_stores=True, db_path=_db(db), out_dir=out_dir, as_of=DEMO_TODAY)
        ]
    except (InputError, UsageError) as exc:
        raise _fail(exc) from None
    outcome = _render_reports(jobs)
    if outcome.index is not None:
        out.print(_("reports: {index}", index=outcome.index), markup=False, soft_wrap=True)
    if outcome.failed:
        raise typer.Exit(1)


@app.command(
    help=_(
        "The weekly job: ingest new files from data/exports/<store>/, render the week's reports.\n"
        "\n"
        "Ingests every file not yet in the history (recognised by content), renders each store's\n"
        "weekly report for the last complete week and the cluster report, the monthly reviews on\n"
        "the first run after a month ends, and rebuilds reports/index.html. Then it prints each\n"
        "store's policy standing and every warning. Exit status: 0 all well, 3 finished with\n"
        "warnings (stale or missing exports, gaps, unknown values, rejected rows), 1 something failed.\n"
        "\n"
        "Example (crontab): 0 7 * * 1 cd /path/to/storehealth && .venv/bin/storehealth run"
    )
)
def run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Say what it would do; change nothing."))
    ] = False,
    week: Annotated[
        str | None, typer.Option("--week", help=_("Re-render this ISO week's reports, e.g. 2024-W14."))
    ] = None,
    month: Annotated[
        str | None, typer.Option("--month", help=_("Re-render this month's reviews, e.g. 2024-03."))
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", help=_("Run as if today were YYYY-MM-DD (to replay a past week).")),
    ] = None,
    exports: Annotated[
        Path | None, typer.Option("--exports", help=_("The drop folders' parent (default: data/exports)."))
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help=_("Folder for the reports (default: reports/)."))
    ] = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    db: DbOption = None,
) -> None:
    _use_lang(lang, as_json)
    from pipeline.i18n import locale_language
    from pipeline.reports import parse_period
    from pipeline.weekly_run import default_options, weekly_run

    try:
        week_period = parse_period(week=week) if week else None
        month_period = parse_period(month=month) if month else None
        run_today = _parse_day("--today", today) if today else None
        _check_out(out_dir)
        options = default_options(
            db_path=_db(db), exports_root=exports, out_dir=out_dir, today=run_today,
            week=week_period, month=month_period, dry_run=dry_run,
            lang=lang or locale_language(),  # reports in the readers' language, even with --json
        )  # fmt: skip
        summary = weekly_run(options, progress=lambda m: err.print(m, markup=False, soft_wrap=True))
    except (InputError, UsageError) as exc:
        if as_json and isinstance(exc, InputError):  # a cron script parsing stdout still gets its object
            _print_json({"exit_code": 1, "failures": [exc.message], "ingested": [], "reports": []})
        raise _fail(exc) from None
    if as_json:
        _print_json(summary.as_dict())
    else:
        _print_run(summary)
    raise typer.Exit(summary.exit_code)


def _print_run(s) -> None:
    """The run's summary on stdout: what a cron mail should say, most important last."""
    head = _("storehealth run (dry run)") if s.dry_run else _("storehealth run")
    out.print(_("{head} {today}: week {week}, month {month}", head=head, today=s.today, week=s.week,
                month=s.month), markup=False)  # fmt: skip
    for f in s.ingested:
        out.print(
            _("ingested {file} into {store}: {read} rows, {new} new, {updated} updated, {rejected} rejected",
              file=f["path"], store=f["store"], read=f["rows_read"], new=f["new"], updated=f["updated"],
              rejected=f["rejected"]),
            markup=False, soft_wrap=True,
        )  # fmt: skip
    out.print(_("{count} files ingested, {known} already in the history", count=len(s.ingested),
                known=s.already_ingested), markup=False)  # fmt: skip
    for line in s.planned:
        out.print(line, markup=False, soft_wrap=True)
    for path in s.reports:
        out.print(_("report {file}", file=path), markup=False, soft_wrap=True)
    if s.index:
        out.print(_("index {file}", file=s.index), markup=False, soft_wrap=True)
    if s.standings:
        table = Table(title=_("policy standing at the end of {week}", week=s.week))
        for column in (_("store"), _("policy"), _("rate"), _("limit"), _("standing"), _("orders to cross")):
            table.add_column(column)
        for p in s.standings:
            cross = _("n/a") if p["orders_to_cross"] is None else str(p["orders_to_cross"])
            policy = _("{policy} ({days} days)", policy=label("policy", p["policy"]), days=p["window_days"])
            table.add_row(p["store"], policy, _percent(p["rate"]), _percent(p["breach"]),
                          label("standing", p["standing"]), cross)  # fmt: skip
        out.print(table)
    for n in s.notifications:
        if "preview" in n:
            out.print(_("would send to {channel}:", channel=n["channel"]), markup=False, soft_wrap=True)
            out.print("\n".join("    " + line for line in n["preview"].splitlines()), markup=False,
                      soft_wrap=True)  # fmt: skip
        elif n["sent"]:
            out.print(_("sent the summary to {channel}", channel=n["channel"]), markup=False, soft_wrap=True)
    for warning in s.warnings:
        out.print(_("warning: {warning}", warning=warning), markup=False, soft_wrap=True)
    for failure in s.failures:
        out.print(_("FAILED: {failure}", failure=failure), markup=False, soft_wrap=True)
    verdict = {0: _("all well"), 3: _("finished with warnings"), 1: _("something failed")}[s.exit_code]
    out.print(_("exit {code}: {verdict}", code=s.exit_code, verdict=verdict), markup=False)


@app.command(
    help=_(
        "List the channels of notify.toml (beside the history), or send each a test message.\n"
        "\n"
        "notify.toml names WeCom, DingTalk, Feishu and Slack robots and an e-mail account; storehealth\n"
        "run sends each the week's summary. With --test, each channel gets a short message and the\n"
        "command says which worked. Exit status: 0 all worked, 3 a channel failed, 1 bad notify.toml.\n"
        "\n"
        "Example: storehealth notify --test"
    )
)
def notify(
    test: Annotated[
        bool, typer.Option("--test", help=_("Send a short test message to every channel."))
    ] = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
    db: DbOption = None,
) -> None:
    _use_lang(lang, as_json)
    from pipeline.notify.config import notify_file
    from pipeline.notify.deliver import channel_list, send_test_messages

    try:
        if test:
            config, outcomes = send_test_messages(_db(db))
        else:
            config, outcomes = channel_list(_db(db))
    except (InputError, UsageError) as exc:
        raise _fail(exc) from None
    warnings = config.warnings if config else []
    for warning in warnings:
        err.print(_("warning: {warning}", warning=warning), markup=False, soft_wrap=True)
    failed = [o for o in outcomes if o.get("error")]
    if as_json:
        _print_json({"file": str(notify_file(_db(db))), "channels": outcomes, "warnings": warnings})
    elif config is None:
        out.print(_("no notify.toml at {file}: nothing is sent", file=notify_file(_db(db))), markup=False,
                  soft_wrap=True)  # fmt: skip
    for o in [] if as_json else outcomes:
        if not test:
            out.print(_("{channel}: stores {stores}, language {lang}", channel=o["channel"],
                        stores=", ".join(o["stores"] or [_("all")]), lang=o["lang"] or _("the run's")),
                      markup=False, soft_wrap=True)  # fmt: skip
        elif o["sent"]:
            out.print(_("{channel}: ok", channel=o["channel"]), markup=False, soft_wrap=True)
        else:
            out.print(_("{channel}: FAILED ({error})", channel=o["channel"], error=o["error"]), markup=False,
                      soft_wrap=True)  # fmt: skip
    raise typer.Exit(3 if failed else 0)


@app.command(
    help=_(
        "Write the whole history as Parquet files plus a manifest of row counts and checksums.\n"
        "\n"
        "Any engine reads the files (pandas, Polars, Spark, Trino, DuckDB). The buyer-hash salt is\n"
        "not included: keep a copy of the .salt file beside the database somewhere safe.\n"
        "\n"
        "Example: storehealth backup backups/2024-06-03"
    )
)
def backup(
    folder: Annotated[
        Path, typer.Argument(help=_("A new folder for the backup."), show_default=False, metavar="DIR")
    ],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    from pipeline.backup import backup as write_backup

    try:
        path = _db(db)
        summary = _read_history(db, lambda con: write_backup(con, path, folder))
    except (InputError, UsageError) as exc:
        raise _fail(exc) from None
    if as_json:
        _print_json({"folder": str(summary.folder), "schema_version": summary.schema_version,
                     "rows": summary.rows})  # fmt: skip
        return
    total = sum(summary.rows.values())
    err.print(f"backed up {total} rows in {len(summary.rows)} tables to {summary.folder}", markup=False)


@app.command(
    help=_(
        "Rebuild the history database from a backup, after checking every file's checksum.\n"
        "\n"
        "Example: storehealth restore backups/2024-06-03 --db data/restored.duckdb"
    )
)
def restore(
    folder: Annotated[
        Path,
        typer.Argument(help=_("A folder `storehealth backup` wrote."), show_default=False, metavar="DIR"),
    ],
    force: Annotated[
        bool, typer.Option("--force", help=_("Replace an existing database (kept as .before-restore)."))
    ] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    from pipeline.backup import restore as load_backup

    try:
        rows, warnings = load_backup(folder, _db(db), force=force)
    except (InputError, UsageError) as exc:
        raise _fail(exc) from None
    for warning in warnings:
        err.print(f"warning: {warning}", markup=False, soft_wrap=True)
    if as_json:
        _print_json({"database": str(_db(db)), "rows": rows, "warnings": warnings})
        return
    err.print(f"restored {sum(rows.values())} rows in {len(rows)} tables into {_db(db)}", markup=False)


def _say_interrupted() -> None:
    err.print(_("interrupted; nothing half-written was kept"), markup=False)
    sys.exit(130)


def main() -> None:
    """Console entry point: usage errors exit 2, bad input 1, never a traceback for either."""
    from pipeline.interrupt import Interrupted, catch_interrupts, was_interrupted

    catch_interrupts()
    try:
        app()
    except (Interrupted, KeyboardInterrupt):
        _say_interrupted()
    except Exception as exc:  # a bug, not bad input: say so plainly, keep the details short
        if was_interrupted():  # DuckDB's "Query interrupted": the echo of Ctrl-C, not a bug
            _say_interrupted()
        err.print(
            f"internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}. "
            "Nothing half-written was kept. This is a storehealth bug: please report it with "
            "the command you ran.",
            markup=False,
            soft_wrap=True,
        )
        sys.exit(1)
