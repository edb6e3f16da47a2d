"""`storehealth run`: the weekly job. Ingest what is new in the drop folders, render the week's
reports (and last month's reviews once), and say what needs the seller's attention.

Exit status: 0 all well, 3 done with warnings, 1 something failed. A cron job's mail then
says what matters. Raw export files are only read, never moved, renamed or edited.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from pipeline.config import STALE_EXPORT_DAYS
from pipeline.errors import InputError, StorageError
from pipeline.history_target import is_lake, parse_target
from pipeline.i18n import _, label, percent
from pipeline.periods import Period, last_complete_month, last_complete_week
from pipeline.reports import ReportJob, render_jobs
from pipeline.status import stale_export_warning, store_platform, unknown_value_warning
from pipeline.stores import StoreConfig, drop_folders, load_stores

# A store that sends no export for longer than this gets a "missing export" warning; past
# STALE_EXPORT_DAYS the warning says which orders are about to be lost.
MISSING_EXPORT_DAYS = 7


class RunLocked(InputError):
    """Another `storehealth run` holds the lock."""


@dataclass
class RunOptions:
    db_path: Path
    exports_root: Path
    out_dir: Path
    stores_file: Path
    today: date
    week: Period | None = None  # re-render this week instead of the last complete one
    month: Period | None = None  # re-render this month's reviews
    dry_run: bool = False
    as_of: datetime | None = None  # "now" for the open backlog; None: the real now
    lang: str | None = None  # the reports' language for stores without their own; None: the current


@dataclass
class RunSummary:
    today: str
    week: str
    month: str
    dry_run: bool
    ingested: list[dict] = field(default_factory=list)
    already_ingested: int = 0
    reports: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)  # what a dry run would do
    standings: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    index: str | None = None
    notifications: list[dict] = field(default_factory=list)  # per notify.toml channel: sent or why not
    maintenance: dict | None = None  # a lake's weekly upkeep (pipeline/maintain.py), None on a file

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 3 if self.warnings else 0

    def as_dict(self) -> dict:
        return {**self.__dict__, "exit_code": self.exit_code}


@contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """One run at a time per history: an OS file lock, released even if the process dies."""
    lock_path = db_path.with_name(db_path.name + ".run.lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fh = lock_path.open("a+", encoding="utf-8")
    except OSError as exc:
        raise InputError(
            _("cannot create the run's lock file ({error})", error=_os_reason(exc, lock_path)),
            path=lock_path,
            fix=_("give --db a history in a folder that the user who runs storehealth can write to"),
        ) from None  # fmt: skip
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            raise RunLocked(
                _("another storehealth run is in progress (process {holder})", holder=holder),
                path=lock_path,
                fix=_("let it finish; this run did nothing"),
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}, started {datetime.now():%Y-%m-%d %H:%M:%S}\n")
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def weekly_run(options: RunOptions, progress: Callable[[str], None] = lambda _m: None) -> RunSummary:
    """Ingest, render, judge and warn, as described at the top of this module."""
    week = options.week or last_complete_week(options.today)
    month = options.month or last_complete_month(options.today)
    summary = RunSummary(options.today.isoformat(), week.label, month.label, options.dry_run)
    with run_lock(options.db_path):
        configs, config_problems = load_stores(options.stores_file)
        if not options.dry_run:  # a render killed last time leaves its kernel's sockets behind
            from pipeline.reports import remove_stale_kernel_folders

            remove_stale_kernel_folders()
        out_problem = _out_dir_problem(options.out_dir, options.dry_run)
        if out_problem:
            summary.failures.append(out_problem)
        if not options.exports_root.is_dir():  # a typo in a cron line must not pass in silence
            summary.failures.append(
                _("{folder}: the exports folder does not exist, so nothing was ingested: create it with "
                  "one folder per store (<store>/), or give --exports DIR", folder=options.exports_root)
            )  # fmt: skip
        try:
            folders, folder_warnings = drop_folders(options.exports_root)
        except OSError as exc:
            folders, folder_warnings = [], []
            summary.failures.append(_unreadable_folder(options.exports_root, exc))
        summary.warnings += folder_warnings
        for store, problem in config_problems.items():
            summary.failures.append(
                _("{store}: {error} Its files were not ingested and its reports not rendered this run.",
                  store=store, error=problem.message)
            )  # fmt: skip
        folders = [(store, folder) for store, folder in folders if store not in config_problems]
        fresh = _ingest_new_files(options, folders, configs, summary, progress)
        _maintain_lake(options, summary, progress)
        if not options.db_path.exists():
            if not (options.dry_run and summary.planned):  # a dry run's files would start it
                summary.warnings.append(
                    _("no history yet: put each store's exports in {folder}/<store>/ and run again",
                      folder=options.exports_root)
                )  # fmt: skip
            return summary
        ingest_warnings = list(summary.warnings)
        stores = _check_history(options, fresh, summary, week)
        if out_problem is None:
            stores = [s for s in stores if s not in config_problems]
            _render(options, stores, fresh, week, month, summary, progress, configs)
        # last, once the history and reports are written: a channel that fails costs no data
        from pipeline.notify import notify_team

        notify_team(options, summary, week, ingest_warnings, lambda: history_warnings(options, fresh, week))
    return summary


def _maintain_lake(options: RunOptions, summary: RunSummary, progress: Callable[[str], None]) -> None:
    """A lake's weekly upkeep after the ingests (compaction, expired snapshots, clean-up). A file
    needs none. Upkeep that fails is a warning: the history itself is whole."""
    import duckdb

    from pipeline.maintain import maintain

    if options.dry_run or not is_lake(options.db_path) or not options.db_path.exists():
        return
    progress(_("upkeep of the lake: merging small files, expiring old snapshots"))
    try:
        summary.maintenance = maintain(options.db_path).as_dict()
    except (InputError, duckdb.Error) as exc:
        summary.warnings.append(_("the lake's upkeep failed ({error}); run storehealth maintain",
                                  error=(str(exc).splitlines() or [""])[0]))  # fmt: skip


def history_warnings(options: RunOptions, fresh: set[str], week: Period) -> list[str]:
    """The history's warnings (stale or missing exports, gaps, unknown values) in the current
    language, without the policy breaches: what a notification lists beside the standings."""
    scratch = RunSummary(options.today.isoformat(), week.label, "", options.dry_run)
    _check_history(options, fresh, scratch, week)
    breaches = sum(p["standing"] == "breach" for p in scratch.standings)
    return scratch.warnings[breaches:]  # _check_history words the breaches first


def _out_dir_problem(out_dir: Path, dry_run: bool) -> str | None:
    """Why the reports cannot be written to `out_dir` (created if missing), or None. Checked
    before anything else, so that a typo in --out costs no render, and the exports still land."""
    try:
        if dry_run:  # create nothing: look at the nearest folder that exists
            existing = out_dir
            while not existing.exists() and existing != existing.parent:
                existing = existing.parent
            if not existing.is_dir():
                raise NotADirectoryError(20, "Not a directory", str(existing))
            if not os.access(existing, os.W_OK | os.X_OK):
                raise PermissionError(13, "Permission denied", str(existing))
            return None
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".storehealth-write-check-"):
            pass
    except OSError as exc:
        return InputError(
            _("the reports cannot be written to this folder ({error}), so none was rendered",
              error=_os_reason(exc, out_dir)),
            path=out_dir,
            fix=_("give --out a folder that the user who runs storehealth can write to (it is created if "
                  "missing)"),
        ).message  # fmt: skip
    return None


def _os_reason(exc: OSError, path: Path) -> str:
    """Why a path could not be made or written, in words: "x is a file, not a folder" for the
    usual mistake (a folder path through a file), else the system's reason."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        for parent in (path, *path.parents):
            if parent.exists() and not parent.is_dir():
                return _("{path} is a file, not a folder", path=parent)
    if exc.filename is not None and Path(exc.filename) != path:
        return f"{exc.filename}: {exc.strerror or type(exc).__name__}"
    return exc.strerror or type(exc).__name__


def _unreadable_folder(folder: Path, exc: OSError) -> str:
    return InputError(
        _("this folder cannot be read ({error}), so the exports in it were not ingested",
          error=exc.strerror or type(exc).__name__),
        path=folder, fix=_("let the user who runs storehealth read it"),
    ).message  # fmt: skip


def _unreadable_entries(folder: Path) -> list[str]:
    """A message for each thing in a drop folder that looks like an export but cannot be read: a
    link to nothing (or to itself), a pipe or device named like an export, a folder that cannot
    be listed. `ingest`'s folder listing passes over them in silence; a run must not."""
    from pipeline.readers import SUPPORTED_SUFFIXES

    problems: list[str] = []
    for root, dirs, files in _walk(folder, problems):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith((".", "~$")) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            try:
                mode = path.stat().st_mode  # follows a link
            except OSError as exc:
                problems.append(_unreadable_file(path, exc))
                continue
            if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
                problems.append(InputError(
                    _("this is not a regular file (a pipe, socket or device), so it was not ingested"),
                    path=path, fix=_("put the export file itself in the folder"),
                ).message)  # fmt: skip
    return problems


def _walk(folder: Path, problems: list[str]) -> Iterator[tuple[str, list[str], list[str]]]:
    def unreadable(exc: OSError) -> None:
        problems.append(_unreadable_folder(Path(exc.filename or folder), exc))

    yield from os.walk(folder, onerror=unreadable)


def _unreadable_file(path: Path, exc: OSError) -> str:
    """What is wrong with a file that cannot be opened, and what to do."""
    if path.is_symlink():
        target = os.readlink(path)
        problem = (
            _("this is a link to itself (or a loop of links), so it was not ingested")
            if exc.errno == errno.ELOOP
            else _("this is a link to {target}, which does not exist, so it was not ingested", target=target)
        )
        return InputError(problem, path=path, fix=_("put the export file itself in the folder")).message
    return InputError(
        _("this file cannot be read ({error}), so it was not ingested",
          error=exc.strerror or type(exc).__name__),
        path=path,
        fix=_("let the user who runs storehealth read it (for example chmod a+r); the next run ingests it"),
    ).message  # fmt: skip


def _ingest_new_files(
    options: RunOptions,
    folders: list[tuple[str, Path]],
    configs: dict[str, StoreConfig],
    summary: RunSummary,
    progress: Callable[[str], None],
) -> set[str]:
    """Ingest every file whose content is not in the history yet; returns the stores that got one."""
    from pipeline.adapters.generic import load_mapping
    from pipeline.database import connect
    from pipeline.ingest import expand_paths, file_sha256, ingest_file

    if options.dry_run and not options.db_path.exists():
        con = None
    else:
        con = connect(options.db_path, read_only=options.dry_run)
    fresh: set[str] = set()
    try:
        known: dict[str, tuple[str, str]] = {}  # sha256: the store and path it landed as
        if con is not None:
            known = {r[0]: (r[1], r[2]) for r in con.execute(
                "select sha256, store, path from ingested_files").fetchall()}  # fmt: skip
        for store, folder in folders:
            config = configs.get(store)
            # one store's broken mapping file leaves the other stores' files to land
            try:
                spec = load_mapping(Path(config.mapping)) if config and config.mapping else None
            except InputError as exc:
                summary.failures.append(
                    _("{store}: {error} None of its files were ingested this run.", store=store,
                      error=exc.message)
                )  # fmt: skip
                continue
            platform = None if spec or config is None else config.platform
            summary.failures += _unreadable_entries(folder)
            for path in expand_paths([str(folder)]):
                try:
                    sha = file_sha256(path)
                except OSError as exc:
                    summary.failures.append(_unreadable_file(path, exc))
                    continue
                if sha in known:  # by content: a renamed copy is not ingested twice
                    summary.already_ingested += 1
                    landed_in, landed_as = known[sha]
                    if landed_in != store:  # moved from another store's folder: say so, as ingest does
                        summary.warnings.append(
                            _("{store}: {file}: {warning}", store=store, file=path.name, warning=_(
                                "this file was already ingested for store {known!r} (as {path}), not "
                                "{store!r}; nothing changed", known=landed_in, path=landed_as, store=store))
                        )  # fmt: skip
                    continue
                if options.dry_run:
                    summary.planned.append(_("would ingest {file} into {store}", file=path, store=store))
                    continue
                progress(f"ingesting {path}")
                try:
                    result = ingest_file(con, path, store=store, platform=platform, mapping=spec,
                                         timezone=config.timezone if config else None)
                except OSError as exc:  # unreadable after all (its rows were rolled back)
                    if exc.filename is not None and Path(exc.filename) == path:
                        summary.failures.append(_unreadable_file(path, exc))
                    else:
                        summary.failures.append(InputError(
                            _("the file could not be ingested ({error}); nothing of it was kept",
                              error=exc.strerror or exc), path=path,
                        ).message)  # fmt: skip
                    continue
                except InputError as exc:
                    again = _("Until the file is moved out of {folder}, each run tries it again.",
                              folder=folder)
                    summary.failures.append(
                        exc.for_file(path).message + ("" if isinstance(exc, StorageError) else " " + again)
                    )
                    if isinstance(exc, StorageError):
                        return fresh  # nothing more can be written this run
                    continue
                known[sha] = (store, str(path))
                fresh.add(store)
                summary.ingested.append(result.as_dict())
                if result.rejected:
                    summary.warnings.append(
                        _("{store}: {file}: {rows} rows could not be read and were left out "
                          "(storehealth status lists them)",
                          store=store, file=path.name, rows=result.rejected)
                    )  # fmt: skip
                summary.warnings += [
                    _("{store}: {file}: {warning}", store=store, file=path.name, warning=w)
                    for w in result.warnings
                ]
    finally:
        if con is not None:
            con.close()
    return fresh


def _check_history(options: RunOptions, fresh: set[str], summary: RunSummary, week: Period) -> list[str]:
    """Each store's standing and warnings (stale or missing exports, gaps, unknown values)."""
    from pipeline.database import connect
    from pipeline.metrics import policy_records
    from pipeline.status import store_status

    con = connect(options.db_path, read_only=True)
    try:
        status = store_status(con, today=options.today)
        stores = [s["store"] for s in status["stores"]]
        if stores:
            summary.standings = [
                {k: p[k] for k in ("store", "policy", "label", "window_days", "rate", "breach", "standing",
                                   "margin", "orders_to_cross")}  # fmt: skip
                for p in policy_records(con, week.last, stores)
            ]
    finally:
        con.close()
    for p in summary.standings:
        if p["standing"] == "breach":
            summary.warnings.append(
                _("{store}: {policy} is {rate} over {days} days, past its {limit} limit",
                  store=p["store"], policy=label("policy", p["policy"]), rate=percent(p["rate"]),
                  days=p["window_days"], limit=percent(p["breach"]))
            )  # fmt: skip
    for store in status["stores"]:
        name = store["store"]
        summary.warnings += [_("{store}: {warning}", store=name, warning=w) for w in store["warnings"]]
        age = store["latest_export_age_days"]
        # past STALE_EXPORT_DAYS, status has already warned (above); before that, a weekly run
        # still says that this week's export is missing, with the same deadline
        if name not in fresh and age is not None and MISSING_EXPORT_DAYS < age <= STALE_EXPORT_DAYS:
            latest = options.today - timedelta(days=age)
            summary.warnings.append(
                _("{store}: no new export this week; {warning}", store=name,
                  warning=stale_export_warning(latest, options.today))
            )  # fmt: skip
        summary.warnings += [
            unknown_value_warning(name, u, store_platform(store), status["vocabulary_file"])
            for u in store["unknown_values"]
        ]
    return stores


def _render(
    options: RunOptions,
    stores: list[str],
    fresh: set[str],
    week: Period,
    month: Period,
    summary: RunSummary,
    progress: Callable[[str], None],
    configs: dict[str, StoreConfig] | None = None,
) -> None:
    """The week's reports that are missing or older than their store's latest ingest, the
    cluster report likewise, and the month's reviews the first time they can be made. An
    explicit --week/--month re-renders. Staleness is read from the history, not from what this
    run ingested: a run killed between its ingest and its renders leaves reports that the next
    run renders again. A store's reports are in its `lang` from stores.toml, else in the run's
    language."""
    from pipeline.report_index import build_index

    db = options.db_path.resolve()
    ingested = _latest_ingests(options.db_path)
    jobs = []
    for store in stores:
        lang = (configs or {}).get(store, StoreConfig(store)).lang or options.lang
        weekly = ReportJob("weekly", (store,), week, db, options.out_dir, options.as_of, lang)
        if options.week or store in fresh or _stale(weekly.path, ingested.get(store)):
            jobs.append(weekly)
        review = ReportJob("review", (store,), month, db, options.out_dir, options.as_of, lang)
        if options.month or not review.path.exists():
            jobs.append(review)
    cluster = ReportJob("cluster", (), week, db, options.out_dir, options.as_of, options.lang)
    latest = max((ingested[s] for s in stores if s in ingested), default=None)
    if stores and (options.week or fresh or _stale(cluster.path, latest)):
        jobs.append(cluster)
    if options.dry_run:
        summary.planned += [_("would render {file}", file=job.path) for job in jobs]
        return
    outcome = render_jobs(jobs, progress=progress)
    summary.reports = [str(r.path) for r in outcome.rendered]
    summary.failures += [str(exc) for _job, exc in outcome.failed]
    try:
        summary.index = str(build_index(options.out_dir))
    except OSError as exc:
        summary.failures.append(InputError(
            _("the index of the reports could not be written ({error})", error=exc.strerror or exc),
            path=options.out_dir / "index.html",
            fix=_("give --out a folder that the user who runs storehealth can write to"),
        ).message)  # fmt: skip


def _latest_ingests(db_path: Path) -> dict[str, float]:
    """Each store's latest ingest, as a file time (ingested_at is the machine's local time)."""
    from pipeline.database import connect

    if not db_path.exists():
        return {}
    con = connect(db_path, read_only=True)
    try:
        rows = con.execute("select store, max(ingested_at) from ingested_files group by store").fetchall()
    finally:
        con.close()
    return {store: moment.timestamp() for store, moment in rows if moment is not None}


def _stale(report: Path, latest_ingest: float | None) -> bool:
    """Missing, or rendered before the latest ingest of its inputs. A report's file time is the
    moment its render started (see reports.KernelWorker.render), before it read the history."""
    try:
        rendered = report.stat().st_mtime
    except OSError:
        return True
    return latest_ingest is not None and rendered < latest_ingest


def default_options(
    *,
    db_path: Path,
    exports_root: Path | None = None,
    out_dir: Path | None = None,
    today: date | None = None,
    week: Period | None = None,
    month: Period | None = None,
    dry_run: bool = False,
    lang: str | None = None,
) -> RunOptions:
    from pipeline.config import exports_dir
    from pipeline.reports import reports_dir

    root = Path(exports_root or exports_dir())
    return RunOptions(
        db_path=parse_target(db_path),
        exports_root=root,
        out_dir=Path(out_dir or reports_dir()),
        stores_file=root.parent / "stores.toml",
        today=today or date.today(),
        week=week,
        month=month,
        dry_run=dry_run,
        as_of=None if today is None else datetime.combine(today, time()),
        lang=lang,
    )
