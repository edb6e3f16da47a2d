"""`storehealth report`: parameterised notebooks executed by papermill, turned into self-contained
HTML by nbconvert, written to `reports/<kind>/<store>/<period>.html`.

- The notebooks (`notebooks/weekly.ipynb`, `review.ipynb`, `cluster.ipynb`) read every figure
  through `pipeline.metrics`; this module only chooses what to render and turns the executed
  notebook into a page.
- Kernels: the kernel spec ships in `pipeline/kernels/storehealth/` and runs this very Python
  (jupyter_client swaps a leading "python" for `sys.executable`), so rendering needs no
  `ipykernel install` and no user-level Jupyter setup, and a user's own "python3" kernel can
  never be picked by mistake.
- Speed: each worker thread starts one kernel and keeps it for all its reports (the
  namespace is reset between two reports), so N reports cost two kernel starts, not N. Two
  workers by default, for the two cores of the machine the targets are set on.
- The page: JupyterLab's HTML template without anything loaded from the network, code cells
  hidden, plotly.js embedded once in the head (the figures carry only their data), written
  through a temporary file and `os.replace`: a report either appears whole or not at all.
- Language: each job has one (`lang`, zh or en; default the command's), handed to the notebook
  as its `lang` parameter; the page says so in `<html lang>`. A report's language is how it is
  rendered, not a different report: the file name is the same in every language.
"""

from __future__ import annotations

import ast
import atexit
import contextvars
import os
import queue
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

from pipeline import i18n
from pipeline.config import PACKAGE_DIR, project_root
from pipeline.errors import InputError, UsageError
from pipeline.history_target import Lake, parse_target
from pipeline.i18n import _
from pipeline.interrupt import Interrupted
from pipeline.periods import Period, last_complete_month, last_complete_week
from pipeline.periods import parse_period as parse_period  # the report command's name for it
from pipeline.report_files import CLUSTER_SCOPE, KINDS, report_path

KERNEL_NAME = "storehealth"
KERNELS_DIR = PACKAGE_DIR / "kernels"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
TEMPLATE_NAME = "storehealth"
HIDE_TAG = "report-hide"
# a notebook's section heading: rh.section(_("Why orders were cancelled"), ...)
SECTION_CALL = re.compile(r"""\bsection\(\s*_\(\s*("(?:[^"\\]|\\.)*")""")
WORKERS = 2
KERNEL_START_TIMEOUT = 60
CELL_TIMEOUT = 600
# the temporary folder of each kernel's sockets and connection file: <tmp>/storehealth-kernel-<pid>-…
KERNEL_FOLDER_PREFIX = "storehealth-kernel-"
MAX_SOCKET_PATH = 107
KERNEL_FOLDER = re.compile(re.escape(KERNEL_FOLDER_PREFIX) + r"(\d+)-[^/]+")


def title(kind: str) -> str:
    """The report's name in the current language."""
    return {
        "weekly": _("Weekly store-health report"),
        "review": _("Store-health review"),
        "cluster": _("Cluster report"),
    }[kind]


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def reports_dir() -> Path:
    return project_root() / "reports"


class ReportError(InputError):
    """A report could not be rendered (exit status 1); nothing was written for it."""


# --- periods: the rules live in pipeline.periods -----------------------------------------------


def default_period(kind: str, latest_order: date) -> Period:
    """The last complete week (weekly) or month (review, cluster) before the day of the latest
    order in the history: that day itself may be only partly exported."""
    return last_complete_week(latest_order) if kind == "weekly" else last_complete_month(latest_order)


# --- what to render -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportJob:
    """One report: a notebook, its stores (empty: every store), a period, where it goes, and
    its language (None: the current language, fixed when the job is made)."""

    kind: str
    stores: tuple[str, ...]
    period: Period
    db_path: Path
    out_dir: Path
    as_of: datetime | None = None
    lang: str | None = None

    def __post_init__(self) -> None:
        # fixed here, in the thread that plans the run: a worker thread has a language of its own
        lang = self.lang or i18n.language()
        if lang not in i18n.LANGUAGES:
            raise UsageError(_("--lang {lang!r}: use one of {choices}", lang=lang,
                               choices=", ".join(i18n.LANGUAGES)))  # fmt: skip
        object.__setattr__(self, "lang", lang)

    @property
    def scope(self) -> str:
        if self.kind == "cluster":
            return "+".join(self.stores) if self.stores else CLUSTER_SCOPE
        return self.stores[0]

    @property
    def path(self) -> Path:
        return report_path(self.out_dir, self.kind, self.scope, self.period)

    @property
    def description(self) -> str:
        """the weekly report of ali-main for 2024-W21, in the current (the command's) language."""
        who = _("every store") if self.scope == CLUSTER_SCOPE else self.scope
        return {
            "weekly": _("the weekly report of {who} for {period}", who=who, period=self.period.label),
            "review": _("the review of {who} for {period}", who=who, period=self.period.label),
            "cluster": _("the cluster report of {who} for {period}", who=who, period=self.period.label),
        }[self.kind]

    def parameters(self) -> dict[str, str]:
        return {
            "stores": ",".join(self.stores),
            "date_from": self.period.first.isoformat(),
            "date_to": self.period.last.isoformat(),
            # a lake's whole spec (str() masks a password); the HTML shows no code cells
            "db_path": self.db_path.spec if isinstance(self.db_path, Lake) else str(self.db_path),
            "as_of": self.as_of.isoformat(timespec="minutes") if self.as_of else "",
            "lang": self.lang,
        }


def plan(
    kind: str,
    *,
    stores: Sequence[str] = (),
    all_stores: bool = False,
    period: Period | None = None,
    db_path: Path,
    out_dir: Path | None = None,
    as_of: datetime | None = None,
    lang: str | None = None,
) -> list[ReportJob]:
    """The reports a `storehealth report` command line asks for, checked against the history
    (in `lang`; None: the current language)."""
    from pipeline.database import connect
    from pipeline.metrics import check_stores

    if kind not in KINDS:
        raise UsageError(_("unknown report {kind!r}: use one of {kinds}", kind=kind, kinds=", ".join(KINDS)))
    con = connect(db_path, read_only=True)
    try:
        known = check_stores(con, None)
        check_stores(con, list(stores))
        if not known:
            raise InputError(_("the history holds no order yet"), fix=_("ingest an export first"))
        if kind == "cluster":
            chosen = [] if all_stores or not stores else list(dict.fromkeys(stores))
            scopes: list[tuple[str, ...]] = [tuple(chosen)]
        elif all_stores:
            scopes = [(s,) for s in known]
        elif stores:
            scopes = [(s,) for s in dict.fromkeys(stores)]
        elif len(known) == 1:
            scopes = [(known[0],)]
        else:
            raise UsageError(
                _("give --store NAME or --all-stores (the history has {stores})", stores=", ".join(known))
            )
        if period is None:
            # one period for every report of the run: the stores' reports stay comparable
            names = sorted({s for scope in scopes for s in scope})
            latest = con.execute(
                "select max(created_at)::date from orders_current "
                "where len(?) = 0 or list_contains(?, store)",
                [names, names],
            ).fetchone()[0]
            if latest is None:
                raise InputError(
                    _("no order of {stores} in the history", stores=", ".join(names) or _("any store")),
                    fix=_("ingest that store's exports first"),
                )
            period = default_period(kind, latest)
        out = Path(out_dir or reports_dir())
        history = parse_target(db_path).resolve()
        return [ReportJob(kind, scope, period, history, out, as_of, lang) for scope in scopes]
    finally:
        con.close()


# --- executing notebooks ------------------------------------------------------------------------


@dataclass
class Rendered:
    job: ReportJob
    path: Path
    seconds: float
    size: int


@dataclass
class Outcome:
    rendered: list[Rendered] = field(default_factory=list)
    failed: list[tuple[ReportJob, ReportError]] = field(default_factory=list)
    index: Path | None = None  # the index its caller rebuilt afterwards, if any


@cache
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@cache
def _report_css() -> str:
    return (TEMPLATES_DIR / TEMPLATE_NAME / "report.css").read_text(encoding="utf-8")


def _register_engine() -> None:
    """papermill's nbclient engine, run on a kernel (and client) that the worker keeps."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class ReusedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
            start_timeout=60, execution_timeout=None, **kwargs,
        ):  # fmt: skip
            worker: KernelWorker = kwargs["kernel_worker"]
            client = PapermillNotebookClient(
                nb_man, km=worker.km, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=logger, log_output=log_output,
                stdout_file=stdout_file, stderr_file=stderr_file,
            )  # fmt: skip
            client.kc = worker.kc
            worker.last_nb = nb_man.nb
            try:
                return client.execute()
            finally:
                # the kernel belongs to the worker: do not let the client shut it down at exit
                atexit.unregister(client._cleanup_kernel)

    papermill_engines.register(KERNEL_NAME, ReusedKernelEngine)


_ENGINE_LOCK = threading.Lock()
_ENGINE_READY = False


def _ensure_engine() -> None:
    global _ENGINE_READY
    with _ENGINE_LOCK:
        if not _ENGINE_READY:
            _register_engine()
            _ENGINE_READY = True


class KernelWorker:
    """One kernel, started once and reused for report after report, and its HTML exporter.
    Use it from one thread only: its kernel client lives on that thread's event loop."""

    def __init__(self) -> None:
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import AsyncKernelManager

        specs = KernelSpecManager(kernel_dirs=[str(KERNELS_DIR)], ensure_native_kernel=False)
        # Unix sockets in a folder of the worker's own: faster than TCP, reachable by no other
        # user, and two workers can never pick the same socket names.
        # The folder's name carries this process's id: a run killed before it could remove it
        # leaves it to the next one (remove_stale_kernel_folders).
        self.sockets = Path(tempfile.mkdtemp(prefix=f"{KERNEL_FOLDER_PREFIX}{os.getpid()}-"))
        ipc = str(self.sockets / "ipc")
        # A socket's path is at most 107 bytes (AF_UNIX): under a long TMPDIR, TCP on loopback.
        fits = len(os.fsencode(ipc)) + len("-65535") <= MAX_SOCKET_PATH
        transport, ip = ("ipc", ipc) if fits else ("tcp", "127.0.0.1")
        self.km = AsyncKernelManager(
            kernel_name=KERNEL_NAME,
            kernel_spec_manager=specs,
            transport=transport,
            ip=ip,
            connection_file=str(self.sockets / "connection.json"),
        )
        self.kc = None
        self.exporter = None
        self.last_nb = None

    def start(self) -> None:
        """Launch the kernel, load papermill and nbconvert while it boots, then import in the
        kernel what every report needs."""
        from jupyter_core.utils import run_sync

        env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1", "MPLBACKEND": "agg"}
        try:
            run_sync(self.km.start_kernel)(cwd=str(project_root()), env=env)
        except Exception as exc:
            raise _kernel_error(exc) from None
        _ensure_engine()
        from nbconvert import HTMLExporter

        self.exporter = HTMLExporter(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        try:
            self.kc = self.km.client()
            self.kc.start_channels()
            run_sync(self.kc.wait_for_ready)(timeout=KERNEL_START_TIMEOUT)
        except Exception as exc:
            raise _kernel_error(exc) from None
        self._run("import pandas, pipeline.metrics, pipeline.status, pipeline.charts, pipeline.report_html")

    def _run(self, code: str) -> None:
        from jupyter_core.utils import run_sync

        run_sync(self.kc.execute_interactive)(code, silent=True, store_history=False, timeout=CELL_TIMEOUT)

    def reset(self) -> None:
        """Forget the report's variables (imported modules stay: that is the saving). Sent
        without waiting: the kernel runs it before the next report's cells, while this thread
        converts the page; the next client ignores the replies that are not its own."""
        self.kc.execute("get_ipython().run_line_magic('reset', '-f')", silent=True, store_history=False)

    def restart(self) -> None:
        from jupyter_core.utils import run_sync

        run_sync(self.km.restart_kernel)(now=True)
        run_sync(self.kc.wait_for_ready)(timeout=KERNEL_START_TIMEOUT)

    def stop(self) -> None:
        from jupyter_core.utils import run_sync

        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel already gone is what we wanted
            pass
        finally:
            shutil.rmtree(self.sockets, ignore_errors=True)

    def kill(self) -> None:
        """From another thread, on Ctrl+C: end the kernel process now, drop its sockets."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            process.kill()
        shutil.rmtree(self.sockets, ignore_errors=True)

    def render(self, job: ReportJob) -> Rendered:
        """Execute the job's notebook and write its HTML, or raise ReportError (nothing written)."""
        import papermill
        from papermill.exceptions import PapermillExecutionError

        started = time.perf_counter()
        began = time.time()  # the page's file time: before the notebook reads the history
        source = notebooks_dir() / f"{job.kind}.ipynb"
        if not source.is_file():
            raise ReportError(
                _("the report notebook {path} is missing", path=source),
                fix=_("restore it from the repository"),
            )
        self.last_nb = None
        try:
            nb = papermill.execute_notebook(
                str(source),
                None,
                parameters=job.parameters(),
                engine_name=KERNEL_NAME,
                kernel_name=KERNEL_NAME,
                language="python",
                progress_bar=False,
                request_save_on_cell_execute=False,
                execution_timeout=CELL_TIMEOUT,
                kernel_worker=self,
            )
        except PapermillExecutionError as exc:
            self.restart()
            raise ReportError(_failure_message(job, exc, self.last_nb), path=source) from None
        except Exception as exc:  # the kernel died or timed out: start afresh for the next one
            self.restart()
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise ReportError(
                _("{report} failed: {error}: {message}; no HTML was written", report=job.description,
                  error=type(exc).__name__, message=first_line),
                path=source,
            ) from None  # fmt: skip
        self.reset()
        page = self.to_html(nb, job)
        try:
            job.path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(job.path, page, mtime=began)
        except OSError as exc:
            raise ReportError(
                _("{report} could not be written ({error}); no HTML was written", report=job.description,
                  error=exc.strerror or type(exc).__name__),
                path=job.path,
                fix=_("give --out a folder that the user who runs storehealth can write to"),
            ) from None  # fmt: skip
        return Rendered(job, job.path, time.perf_counter() - started, len(page.encode("utf-8")))

    def to_html(self, nb, job: ReportJob) -> str:
        # cells tagged report-hide explain the notebook to whoever opens it, not to the reader
        nb.cells = [c for c in nb.cells if HIDE_TAG not in c.get("metadata", {}).get("tags", [])]
        for cell in nb.cells:
            if cell.cell_type == "code":
                # warnings on stderr are for whoever maintains the notebook, not for the reader
                cell.outputs = [
                    o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")
                ]
        has_charts = any(
            "plotly-graph-div" in str(o.get("data", {}).get("text/html", ""))
            for cell in nb.cells
            if cell.cell_type == "code"
            for o in cell.outputs
        )
        with i18n.using(job.lang):
            nb.metadata["title"] = f"{title(job.kind)} · {job.scope} · {job.period.label}"
            footer = _("storehealth {report}, orders created {first} to {last}, rendered {now} from {db}",
                       report=title(job.kind), first=job.period.first, last=job.period.last,
                       now=f"{datetime.now():%Y-%m-%d %H:%M}", db=history_name(job.db_path))  # fmt: skip
            html_lang = i18n.html_lang()
        resources = {
            "metadata": {"name": job.path.stem},
            "plotly_js": _plotly_js() if has_charts else "",
            "report_css": _report_css(),
            "report_footer": footer,
        }
        page, _resources = self.exporter.from_notebook_node(nb, resources=resources)
        # nbconvert accepts only ISO 639-1 codes ("zh"); browsers pick Simplified Chinese glyphs
        # for "zh-CN"
        return page.replace('<html lang="en">', f'<html lang="{html_lang}">', 1)


def _kernel_error(exc: Exception) -> ReportError:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ReportError(
        _("could not start a Python kernel for the reports ({message})", message=message),
        fix=_("check that ipykernel is installed in this environment: make requirements"),
    )


def _failure_message(job: ReportJob, exc, nb) -> str:
    """Which section and which code cell of the notebook failed, and the error, in one line.
    (The kernel's execution count would mislead: a reused kernel keeps counting.)"""
    section, position = "", 0
    if nb is not None:
        heading, code_cells = "", 0
        for cell in nb.cells:
            tags = cell.get("metadata", {}).get("tags", [])
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    if line.startswith("#"):
                        heading = line.lstrip("#").strip()
                        break
            elif cell.cell_type == "code" and "injected-parameters" not in tags:
                code_cells += 1
                if found := SECTION_CALL.search(cell.source):
                    # a section the report writes in its own language: named in the command's
                    heading = i18n.translate(ast.literal_eval(found.group(1)))
            if cell.get("metadata", {}).get("papermill", {}).get("exception"):
                section, position = heading, code_cells
                break
    where = _(" in the section “{section}”", section=section) if section else ""
    cell = _(" (code cell {position} of {notebook})", position=position, notebook=f"{job.kind}.ipynb")
    evalue = " ".join(str(exc.evalue).split())
    if len(evalue) > 300:
        evalue = evalue[:300] + "…"
    return _("{report} failed{where}{cell}: {error}: {message}; no HTML was written", report=job.description,
             where=where, cell=cell if position else "", error=exc.ename, message=evalue)  # fmt: skip


def history_name(db: Path | str | Lake) -> str:
    """The history as a report may name it: reports are forwarded outside the company, so the
    database file's name only, never the folders above it; for a history that is not a file
    (a URL), its scheme, host and name, never a user or password."""
    if isinstance(db, Lake):  # a PostgreSQL connection string may hold a password
        return f"ducklake:{db.kind}:{db.name}"
    text = str(db)
    if "://" in text:
        from urllib.parse import urlsplit

        parts = urlsplit(text)
        host = parts.hostname or ""
        name = parts.path.rstrip("/").rsplit("/", 1)[-1]
        return f"{parts.scheme}://{host}/{name}" if host else f"{parts.scheme}://{name}"
    if ":" in text.split("/", 1)[0] and not Path(text).exists():  # e.g. ducklake:name, md:name
        scheme, _sep, rest = text.partition(":")
        return f"{scheme}:{Path(rest.split('?', 1)[0]).name}"
    return Path(text).name


def _write_atomically(path: Path, text: str, *, mtime: float | None = None) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if mtime is not None:
            os.utime(tmp, (mtime, mtime))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_kernel_folders(folder: Path | None = None) -> list[Path]:
    """Remove the socket folders that renders killed before they could clean up (kill -9, a
    power cut) left in the temporary folder; returns them. Conservative: only folders named as
    KernelWorker names them, owned by this user, whose process has ended and none of whose
    sockets a live process still listens on."""
    folder = Path(folder or tempfile.gettempdir())
    try:
        entries = list(folder.glob(f"{KERNEL_FOLDER_PREFIX}*"))
    except OSError:
        return []
    listening = _bound_unix_sockets()
    removed = []
    for entry in entries:
        match = KERNEL_FOLDER.fullmatch(entry.name)
        try:
            info = entry.lstat()
        except OSError:
            continue
        if match is None or not entry.is_dir() or entry.is_symlink() or info.st_uid != os.getuid():
            continue
        if _process_alive(int(match[1])):
            continue
        try:
            sockets = {str(p) for p in entry.iterdir()}
        except OSError:
            continue
        if listening is not None and sockets & listening:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        if not entry.exists():
            removed.append(entry)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process, alive
        return True
    except OverflowError:
        return False
    return True


def _bound_unix_sockets() -> set[str] | None:
    """The paths of the Unix sockets bound by live processes (Linux), None where unknown."""
    try:
        lines = Path("/proc/net/unix").read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    except OSError:
        return None
    return {fields[7] for line in lines if len(fields := line.split(maxsplit=7)) == 8}


def render_jobs(
    jobs: Iterable[ReportJob],
    *,
    workers: int = WORKERS,
    progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Render every job, `workers` kernels side by side; a failing report does not stop the
    others. The caller rebuilds the index (`report_index.build_index`): it knows which folders
    it wrote to, and this module then needs nothing of the index's."""
    jobs = list(jobs)
    outcome = Outcome()
    if not jobs:
        return outcome
    remove_stale_kernel_folders()
    say = progress or (lambda _message: None)
    pending: queue.Queue[ReportJob] = queue.Queue()
    for job in jobs:
        pending.put(job)
    lock = threading.Lock()
    errors: list[BaseException] = []
    start_errors: list[ReportError] = []
    workers_made: list[KernelWorker] = []

    def work() -> None:
        worker = KernelWorker()
        with lock:
            workers_made.append(worker)
        try:
            try:
                worker.start()
            except ReportError as exc:
                start_errors.append(exc)
                return
            while True:
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    done = worker.render(job)
                except ReportError as exc:
                    with lock:
                        outcome.failed.append((job, exc))
                    say(_("failed: {error}", error=exc))
                    continue
                with lock:
                    outcome.rendered.append(done)
                say(_("rendered {file} ({seconds} s, {size} MB)", file=done.path,
                      seconds=f"{done.seconds:.1f}", size=f"{done.size / 1e6:.1f}"))  # fmt: skip
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread below
            errors.append(exc)
        finally:
            worker.stop()

    # each worker in a copy of this thread's context: its messages in the command's language
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(work,), name=f"storehealth-report-{i}",
                         daemon=True)
        for i in range(max(1, min(workers, len(jobs))))
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except (KeyboardInterrupt, Interrupted):  # Ctrl-C: no kernel outlives the command
        with lock:
            for worker in workers_made:
                worker.kill()
        raise
    if errors:
        raise errors[0]
    while start_errors and not pending.empty():  # no kernel could take these
        outcome.failed.append((pending.get_nowait(), start_errors[0]))
    order = {job: i for i, job in enumerate(jobs)}
    outcome.rendered.sort(key=lambda r: order[r.job])
    outcome.failed.sort(key=lambda f: order[f[0]])
    return outcome


def render(
    kind: str,
    stores: Sequence[str] | str | None,
    date_from: date | str,
    date_to: date | str,
    db_path: Path | str,
    out_dir: Path | str | None = None,
    *,
    as_of: datetime | None = None,
    lang: str | None = None,
) -> Path:
    """Render one report (every store for a cluster when `stores` is empty) in `lang` (None: the
    current language) and return its path; raise ReportError when its notebook fails (no HTML
    is written then)."""
    if kind not in KINDS:
        raise UsageError(_("unknown report {kind!r}: use one of {kinds}", kind=kind, kinds=", ".join(KINDS)))
    names = (stores,) if isinstance(stores, str) else tuple(stores or ())
    if kind != "cluster" and len(names) != 1:
        raise UsageError(_("a {kind} report is for one store", kind=kind))
    first = date.fromisoformat(date_from) if isinstance(date_from, str) else date_from
    last = date.fromisoformat(date_to) if isinstance(date_to, str) else date_to
    job = ReportJob(
        kind, names, Period(first, last), parse_target(db_path).resolve(), Path(out_dir or reports_dir()),
        as_of, lang,
    )
    outcome = render_jobs([job], workers=1)
    if outcome.failed:
        raise outcome.failed[0][1]
    return outcome.rendered[0].path
