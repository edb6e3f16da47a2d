"""The `storehealth` command line (SPEC section 5): each command parses its options, calls one
library function and hands the result to pipeline/terminal_tables.py (or prints it as JSON).

Exit 0 ok, 1 bad input, 2 usage error (pipeline/cli_errors.py turns the errors into both), 3 finished
with warnings (`run`) or a channel failed (`notify`), 130 interrupted by Ctrl-C.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar

import typer

from pipeline.cli_errors import CommandGroup, run_console
from pipeline.config import default_db_path
from pipeline.errors import InputError, StorageError, UsageError
from pipeline.history_target import HistoryTarget, parse_target
from pipeline.i18n import _
from pipeline.terminal_tables import (
    err,
    out,
    print_breakdown,
    print_channels,
    print_metrics,
    print_policy,
    print_result,
    print_run,
    print_status,
    print_unknown_values,
)

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

T = TypeVar("T")

app = typer.Typer(
    cls=CommandGroup,  # the error boundary every command runs in
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help=_("Cumulative order history and store-health figures from rolling marketplace exports."),
    epilog="Example: storehealth ingest data/exports/ali-main --store ali-main",
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=_("History database (default: $STOREHEALTH_DB, else data/storehealth.duckdb): a "
               ".duckdb file, ducklake:sqlite:FILE or ducklake:postgres:CONNINFO."),
        show_default=False,
        metavar="DB",
    ),
]
DataPathOption = Annotated[
    str | None,
    typer.Option(
        "--data-path",
        help=_("Where a ducklake history keeps its Parquet files: a folder or s3://bucket/prefix "
               "(default: $STOREHEALTH_DATA_PATH; FILE.files/ beside a ducklake:sqlite catalog)."),
        show_default=False,
        metavar="PATH",
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
        raise UsageError(_("--lang {lang!r}: use one of {choices}", lang=lang, choices=choices))
    set_language("en" if as_json else lang)


def _db(db: str | None, data_path: str | None = None) -> HistoryTarget:
    if data_path:  # for this process and the report kernels it starts
        os.environ["STOREHEALTH_DATA_PATH"] = data_path
    return parse_target(db if db is not None else default_db_path())


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


def _read_history(
    db: HistoryTarget, read: Callable[[duckdb.DuckDBPyConnection], T], *, snapshot: bool = True
) -> T:
    """Run `read` on a short-lived read-only connection, so that ingests are blocked briefly;
    on a lake in one snapshot, unless `read` opens its own transaction (snapshot=False)."""
    from pipeline.database import connect
    from pipeline.lake import one_snapshot

    con = connect(db, read_only=True)
    try:
        if snapshot:
            one_snapshot(con)
        return read(con)
    finally:
        con.close()


def _print_json(payload: dict | list[dict]) -> None:
    """The one JSON value `--json` promises on stdout (a list only for a --by/--per breakdown)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")


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
    data_path: DataPathOption = None,
) -> None:
    _use_lang(lang, as_json)
    from pipeline.adapters import PLATFORMS
    from pipeline.adapters.generic import load_mapping
    from pipeline.database import connect
    from pipeline.ingest import expand_paths, ingest_file
    from pipeline.time_zones import valid_time_zone

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
    con = connect(_db(db, data_path))

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
            print_result(result)
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
    data_path: DataPathOption = None,
) -> None:
    _use_lang(lang, as_json)
    from pipeline.status import store_status

    if store is not None:
        _check_store(store)
    report = _read_history(_db(db, data_path), lambda con: store_status(con, store=store))
    if store is not None and not report["stores"]:
        raise InputError(_("no store named {store!r} in the history", store=store),
                         fix=_("run status without --store"))  # fmt: skip
    if as_json:
        _print_json(report)
        return
    print_status(report)


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
    data_path: DataPathOption = None,
) -> None:
    """List every unknown raw value with its kind, platform, order count and an example order."""
    if context.invoked_subcommand is not None:
        return
    _use_lang(lang, as_json)
    from pipeline.user_files import VOCABULARY_NAME, user_file
    from pipeline.vocabulary_file import unknown_values

    unknown = _read_history(_db(db, data_path), unknown_values)
    path = user_file(_db(db, data_path), VOCABULARY_NAME)
    if as_json:
        _print_json({"vocabulary_file": str(path), "unknown_values": unknown})
        return
    print_unknown_values(unknown, path)


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
    data_path: DataPathOption = None,
) -> None:
    _use_lang(lang)
    from pipeline.database import connect
    from pipeline.user_files import VOCABULARY_NAME, user_file
    from pipeline.vocabulary_file import KIND_OF, add_alias, default_platform, unknown_values

    path = user_file(_db(db, data_path), VOCABULARY_NAME)
    kind = KIND_OF.get(kind, kind)
    if platform is None:
        seen = _read_history(_db(db, data_path), unknown_values) if _db(db, data_path).exists() else []
        platform = default_platform(kind, raw, seen)
    line = add_alias(path, kind, raw, code, platform)
    err.print(_("{file}: [{kind}.{platform}] {line}", file=path, kind=kind, platform=platform,
                line=line), soft_wrap=True, markup=False)  # fmt: skip
    if _db(db, data_path).exists():
        connect(_db(db, data_path)).close()  # interprets the history by it now, and says what changed


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
    data_path: DataPathOption = None,
) -> None:
    _use_lang(lang, as_json)
    from pipeline import cli_metrics as views
    from pipeline.metrics import stores_behind

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
    query = views.MetricsQuery(stores=None if all_stores else store, date_from=first, date_to=last, by=by,
                               per=per, as_of=_parse_moment(as_of, "--as-of"))  # fmt: skip
    who = _("all stores") if all_stores else ", ".join(store or [])

    def read(con: duckdb.DuckDBPyConnection) -> tuple[Callable[[], None], list[tuple]]:
        """Write the --csv/--parquet table, then read the one output the command prints."""
        if csv_path or parquet_path:  # --policy writes the policy standing whatever --table says
            frame = views.export_table(con, query, "policy" if policy else table)
            _write_table(frame, table, csv_path, parquet_path)
        if to_stdout:
            show = _nothing  # standard output holds the table written with `-`
        elif policy:
            show = partial(_print_json if as_json else print_policy, views.policy_standing(con, query))
        elif as_json:
            show = partial(_print_json, views.json_figures(con, query))
        elif by or per:
            show = partial(print_breakdown, views.breakdown_table(con, query), per, by, who)
        else:
            show = partial(print_metrics, views.readable_details(con, query))
        return show, stores_behind(con, query.stores, last)

    show, behind = _read_history(_db(db, data_path), read)
    for name, latest in behind:
        err.print(
            _("warning: {store}: the latest export is from {day}; figures for the days after it are "
              "incomplete until a newer export is ingested", store=name, day=latest.strftime("%Y-%m-%d")),
            soft_wrap=True, markup=False,
        )  # fmt: skip
    show()


def _nothing() -> None:
    """The output of a command that has already written it."""


def _write_table(frame: pd.DataFrame, table: str, csv_path: Path | None, parquet_path: Path | None) -> None:
    """Write the --csv/--parquet breakdown, saying so on stderr after each file."""
    from pipeline.table_export import write_table

    for path, fmt in ((csv_path, "csv"), (parquet_path, "parquet")):
        if path is not None:
            rows = write_table(frame, path, fmt)
            where = _("standard output") if str(path) == "-" else path
            err.print(_("wrote {rows} rows of {table} to {where}", rows=rows, table=table, where=where),
                      markup=False)  # fmt: skip


def _check_table_outputs(csv_path: Path | None, parquet_path: Path | None, as_json: bool) -> bool:
    """Refuse --csv/--parquet targets that are not files before anything is written; True when
    one of them is standard output (`-`)."""
    given = [(path, option) for path, option in ((csv_path, "--csv"), (parquet_path, "--parquet")) if path]
    if not given:
        return False
    from pipeline.table_export import STDOUT, output_target  # pandas: 0.2 s, only when a table is asked for

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
    data_path: DataPathOption = None,
) -> None:
    _use_lang(lang)
    from pipeline.reports import parse_period, plan

    for name in store or []:
        _check_store(name)
    period = parse_period(week=week, month=month, date_from=date_from, date_to=date_to)
    _check_out(out_dir)
    jobs = plan(
        kind, stores=store or [], all_stores=all_stores, period=period, db_path=_db(db, data_path),
        out_dir=out_dir,
        as_of=_parse_moment(as_of, "--as-of"),
    )
    outcome = _render_reports(jobs)
    for done in outcome.rendered:
        out.print(str(done.path), markup=False, soft_wrap=True)
    if outcome.index is not None:
        out.print(str(outcome.index), markup=False, soft_wrap=True)
    if outcome.failed:
        raise typer.Exit(1)


def _render_reports(jobs: list) -> object:
    """Render the reports, progress and failures on stderr; the other reports go on. Then rebuild
    the index of each folder written to (the renderer leaves the index to its caller)."""
    from pipeline.report_index import build_index
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
    for out_dir in dict.fromkeys(job.out_dir for job in jobs):
        outcome.index = build_index(out_dir)
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
    data_path: DataPathOption = None,
) -> None:
    from pipeline.config import exports_dir
    from pipeline.database import connect
    from pipeline.demo import DEMO_TODAY, write_demo_exports
    from pipeline.ingest import ingest_file
    from pipeline.reports import plan
    from pipeline.status import store_status

    root = root or exports_dir()
    with err.status(_("writing demo exports")):
        written = write_demo_exports(root)
    err.print(_("wrote {count} demo exports under {folder}", count=len(written), folder=root))
    history = _db(db, data_path)
    con = connect(history)
    try:
        for store, path in written:
            result = ingest_file(con, path, store=store)
            print_result(result)
        # The demo's exports are made as of a fixed date; judge their age as of that date.
        report = store_status(con, today=DEMO_TODAY.date())
    finally:
        con.close()
    day = DEMO_TODAY.strftime("%Y-%m-%d")
    err.print(_("status as of {day}, the day the demo exports were made", day=day))
    print_status(report)

    # The reports, judged as of the demo's day too; a scratch --db keeps its reports beside it.
    if out_dir is None and db is not None:
        out_dir = history.parent / "reports"
    jobs = [
        job
        for kind in ("weekly", "review", "cluster")
        for job in plan(kind, all_stores=True, db_path=history, out_dir=out_dir, as_of=DEMO_TODAY)
    ]
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
    data_path: DataPathOption = None,
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
            db_path=_db(db, data_path), exports_root=exports, out_dir=out_dir, today=run_today,
            week=week_period, month=month_period, dry_run=dry_run,
            lang=lang or locale_language(),  # reports in the readers' language, even with --json
        )  # fmt: skip
        summary = weekly_run(options, progress=lambda m: err.print(m, markup=False, soft_wrap=True))
    except InputError as exc:
        if as_json:  # a cron script parsing stdout still gets its object
            _print_json({"exit_code": 1, "failures": [exc.message], "ingested": [], "reports": []})
        raise
    if as_json:
        _print_json(summary.as_dict())
    else:
        print_run(summary)
    raise typer.Exit(summary.exit_code)


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
    data_path: DataPathOption = None,
) -> None:
    _use_lang(lang, as_json)
    from pipeline.notify.config import notify_file
    from pipeline.notify.deliver import channel_list, send_test_messages

    history = _db(db, data_path)
    config, outcomes = (send_test_messages if test else channel_list)(history)
    warnings = config.warnings if config else []
    for warning in warnings:
        err.print(_("warning: {warning}", warning=warning), markup=False, soft_wrap=True)
    if as_json:
        _print_json({"file": str(notify_file(history)), "channels": outcomes, "warnings": warnings})
    else:
        print_channels(outcomes, tested=test, missing_file=None if config else notify_file(history))
    raise typer.Exit(3 if any(o.get("error") for o in outcomes) else 0)


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
    data_path: DataPathOption = None,
) -> None:
    from pipeline.backup import backup as write_backup

    path = _db(db, data_path)
    summary = _read_history(_db(db, data_path), lambda con: write_backup(con, path, folder), snapshot=False)
    if as_json:
        _print_json({"folder": str(summary.folder), "schema_version": summary.schema_version,
                     "rows": summary.rows})  # fmt: skip
        return
    err.print(_("backed up {rows} rows in {tables} tables to {folder}", rows=sum(summary.rows.values()),
                tables=len(summary.rows), folder=summary.folder), markup=False)  # fmt: skip


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
    data_path: DataPathOption = None,
) -> None:
    from pipeline.backup import restore as load_backup

    rows, warnings = load_backup(folder, _db(db, data_path), force=force)
    for warning in warnings:
        err.print(_("warning: {warning}", warning=warning), markup=False, soft_wrap=True)
    if as_json:
        _print_json({"database": str(_db(db, data_path)), "rows": rows, "warnings": warnings})
        return
    err.print(_("restored {rows} rows in {tables} tables into {database}", rows=sum(rows.values()),
                tables=len(rows), database=_db(db, data_path)), markup=False)  # fmt: skip


@app.command(
    help=_(
        "Copy the whole history to another backend, file to lake and back, then check that every\n"
        "table is equal on both sides (row counts and checksums).\n"
        "\n"
        "The copy is one transaction: stopped halfway, the target holds nothing of it. The source\n"
        "is left as it was.\n"
        "\n"
        "Example: storehealth migrate --to ducklake:sqlite:data/team.sqlite"
    )
)
def migrate(
    to: Annotated[
        str,
        typer.Option("--to", help=_("The target history: a .duckdb file, ducklake:sqlite:FILE or "
                                    "ducklake:postgres:CONNINFO."), show_default=False, metavar="DB"),
    ],
    to_data_path: Annotated[
        str | None,
        typer.Option("--to-data-path", help=_("Where the target lake keeps its Parquet files: a folder or "
                                              "s3://bucket/prefix."), show_default=False, metavar="PATH"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help=_("Replace everything the target history holds."))
    ] = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
    db: DbOption = None,
    data_path: DataPathOption = None,
) -> None:
    _use_lang(lang, as_json)
    from pipeline.migrate import migrate as copy_history

    target = parse_target(to, data_path=to_data_path)  # before --data-path, which is the source's
    source = _db(db, data_path)
    summary = copy_history(source, target, force=force,
                           progress=lambda m: err.print(m, markup=False, soft_wrap=True))  # fmt: skip
    if as_json:
        _print_json(summary.as_dict())
        return
    for table, entry in summary.tables.items():
        out.print(_("{table}: {rows} rows, checksum {checksum}", table=table, rows=entry["rows"],
                    checksum=entry["checksum"]), markup=False)  # fmt: skip
    err.print(_("copied {rows} rows in {tables} tables from {source} to {target} in {seconds} s; every "
                "table is equal on both sides", rows=summary.as_dict()["rows"], tables=len(summary.tables),
                source=summary.source, target=summary.target, seconds=round(summary.seconds, 1)),
              markup=False, soft_wrap=True)  # fmt: skip


@app.command(
    help=_(
        "Upkeep of the history: on a lake, rewrite and merge its small Parquet files, expire\n"
        "snapshots older than the retention and delete the files nothing uses any more; on a\n"
        "file, a checkpoint. storehealth run does it weekly on a lake.\n"
        "\n"
        "Example: storehealth maintain --keep-days 30"
    )
)
def maintain(
    keep_days: Annotated[
        int | None,
        typer.Option("--keep-days", min=0, help=_("Keep snapshots this many days for time travel (default: "
                                                  "$STOREHEALTH_KEEP_DAYS, else 30)."), show_default=False),
    ] = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    db: DbOption = None,
    data_path: DataPathOption = None,
) -> None:
    _use_lang(lang, as_json)
    from pipeline.maintain import maintain as upkeep

    summary = upkeep(_db(db, data_path), keep_days=keep_days)
    if as_json:
        _print_json(summary.as_dict())
        return
    print_maintenance(summary)


def print_maintenance(summary: object) -> None:
    """What maintain did, in one or two lines on standard output."""
    if summary.backend == "file":
        out.print(_("checkpointed the history file: {before} bytes before, {after} after",
                    before=summary.bytes_before, after=summary.bytes_after), markup=False)  # fmt: skip
        return
    out.print(
        _("{rewritten} files rewritten, {merged} merged; {snapshots} snapshots older than {days} days "
          "expired; {deleted} old and {orphans} orphaned files deleted",
          rewritten=summary.files_rewritten, merged=summary.files_merged,
          snapshots=summary.snapshots_expired, days=summary.keep_days, deleted=summary.files_deleted,
          orphans=summary.orphans_deleted),
        markup=False, soft_wrap=True,
    )  # fmt: skip
    if summary.files_before is not None:
        out.print(_("Parquet files: {before} before, {after} after ({freed} bytes freed)",
                    before=summary.files_before, after=summary.files_after, freed=summary.bytes_freed),
                  markup=False)  # fmt: skip


def main() -> None:
    """Console entry point: usage errors exit 2, bad input 1, Ctrl-C 130, never a traceback."""
    run_console(app)
