"""`storehealth run` when something in its way is wrong (issue 18): one bad file, folder, mapping
or report fails alone with a clear message, the other stores still ingest and render, `--json`
always prints its object, and a run killed half-way is made good by the next one.

Real processes on real files, as cron runs the job. The tests run as root, which reads every
file whatever its mode: the unreadable-file test runs `storehealth` without the capabilities
that let root ignore file modes (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a chmod 000 file is
as unreadable to it as to the seller's own user.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.builders import ali_row, write_ali

REPO = Path(__file__).resolve().parents[1]
STOREHEALTH = REPO / ".venv" / "bin" / "storehealth"
TODAY = "2024-05-13"  # the run after ISO week 2024-W19 (6 to 12 May)
WEEK = "2024-W19"

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _without_root_file_access() -> None:
    """In the child before exec: drop the capabilities that let root read any file."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def export(path: Path, prefix: str, days: range) -> Path:
    """An AliExpress export with one order awaiting shipment per day of May 2024 in `days`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [
        ali_row(id=f"{prefix}{day:04d}", status="等待您发货", created=f"2024-05-{day:02d} 10:00",
                paid=f"2024-05-{day:02d} 10:05", deadline=f"2024-05-{day + 5:02d}")
        for day in days
    ]  # fmt: skip
    return write_ali(path, rows)


def command(tmp_path: Path, *extra: str, out: Path | None = None) -> list[str]:
    return [
        str(STOREHEALTH), "run", "--today", TODAY, "--exports", str(tmp_path / "exports"),
        "--out", str(out or tmp_path / "reports"), "--db", str(tmp_path / "history.duckdb"), *extra,
    ]  # fmt: skip


def environment(tmp_path: Path, temp: Path | None = None) -> dict[str, str]:
    """The test's own temporary folder, so that its kernels' socket folders are its own."""
    temp = temp or tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(temp), "STOREHEALTH_LANG": "en"}


def run(
    tmp_path: Path, *extra: str, out: Path | None = None, unprivileged: bool = False, temp: Path | None = None
) -> tuple[int, dict]:
    result = subprocess.run(
        command(tmp_path, "--json", *extra, out=out), capture_output=True, text=True, timeout=600,
        env=environment(tmp_path, temp),
        preexec_fn=_without_root_file_access if unprivileged and os.geteuid() == 0 else None,
    )  # fmt: skip
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    summary = json.loads(result.stdout)  # --json always prints its object
    assert summary["exit_code"] == result.returncode
    return result.returncode, summary


def reports(summary: dict, tmp_path: Path, out: str = "reports") -> set[str]:
    return {Path(p).relative_to(tmp_path / out).as_posix() for p in summary["reports"]}


def ingested(summary: dict) -> list[tuple[str, str]]:
    return [(f["store"], Path(f["path"]).name) for f in summary["ingested"]]


# --- item 6: unreadable files and folders, an --out that cannot be written ----------------------


def test_unreadable_things_in_a_drop_folder_fail_alone(tmp_path: Path) -> None:
    shop_a, shop_b = tmp_path / "exports" / "shop-a", tmp_path / "exports" / "shop-b"
    export(shop_a / "orders.csv", "A", range(6, 10))
    locked = export(shop_a / "locked.csv", "L", range(6, 8))
    locked.chmod(0)
    (shop_a / "dangling.csv").symlink_to(tmp_path / "gone.csv")
    (shop_a / "loop.xlsx").symlink_to("loop.xlsx")
    os.mkfifo(shop_a / "pipe.csv")  # would hang a reader forever
    hidden = shop_a / "old"
    export(hidden / "march.csv", "M", range(1, 3))
    hidden.chmod(0)
    export(shop_a / "folder.csv" / "inside.csv", "F", range(8, 9))  # a folder named like a file
    export(shop_b / "orders.csv", "B", range(6, 10))

    code, summary = run(tmp_path, unprivileged=True)
    assert code == 1
    assert sorted(ingested(summary)) == [("shop-a", "inside.csv"), ("shop-a", "orders.csv"),
                                         ("shop-b", "orders.csv")]  # fmt: skip
    failures = summary["failures"]
    assert len(failures) == 5, failures
    expected = {
        locked: "this file cannot be read (Permission denied), so it was not ingested",
        shop_a / "dangling.csv": f"this is a link to {tmp_path / 'gone.csv'}, which does not exist",
        shop_a / "loop.xlsx": "this is a link to itself (or a loop of links)",
        shop_a / "pipe.csv": "this is not a regular file (a pipe, socket or device)",
        hidden: "this folder cannot be read (Permission denied), so the exports in it were not ingested",
    }
    for path, problem in expected.items():
        assert any(f.startswith(f"{path}: {problem}") for f in failures), (path, failures)
    assert any("Let the user who runs storehealth read it" in f for f in failures)
    # the rest of the run went on: both stores' reports and the cluster report
    pages = {f"weekly/shop-a/{WEEK}.html", f"weekly/shop-b/{WEEK}.html", f"cluster/all/{WEEK}.html"}
    assert pages <= reports(summary, tmp_path)

    # once the seller fixes the modes, the next run ingests what it could not read
    locked.chmod(0o644)
    hidden.chmod(0o755)
    code, again = run(tmp_path, unprivileged=True)
    assert sorted(ingested(again)) == [("shop-a", "locked.csv"), ("shop-a", "march.csv")]
    assert len(again["failures"]) == 3  # the links and the pipe, until they are removed


def test_an_out_folder_that_cannot_be_written_is_a_clear_failure_and_the_exports_still_land(
    tmp_path: Path,
) -> None:
    export(tmp_path / "exports" / "shop-a" / "orders.csv", "A", range(6, 10))
    (tmp_path / "notes.txt").write_text("a file, not a folder\n", encoding="utf-8")
    code, summary = run(tmp_path, out=tmp_path / "notes.txt" / "reports")
    assert code == 1
    assert summary["failures"] == [
        f"{tmp_path / 'notes.txt' / 'reports'}: the reports cannot be written to this folder "
        f"({tmp_path / 'notes.txt'} is a file, not a folder), so none was rendered. Give --out a folder "
        "that the user who runs storehealth can write to (it is created if missing)."
    ]
    assert ingested(summary) == [("shop-a", "orders.csv")] and summary["reports"] == []
    assert summary["standings"]  # the history was still judged

    # a folder without write permission
    read_only = tmp_path / "read-only"
    read_only.mkdir(mode=0o555)
    read_only.chmod(0o555)
    code, summary = run(tmp_path, out=read_only / "reports", unprivileged=True)
    assert code == 1 and summary["reports"] == []
    (failure,) = summary["failures"]
    assert "the reports cannot be written to this folder (" in failure and "Permission denied" in failure

    # one report's place taken by a file: that report fails, the others render
    out = tmp_path / "reports"
    (out / "weekly").mkdir(parents=True)
    (out / "weekly" / "shop-a").write_text("in the way\n", encoding="utf-8")
    code, summary = run(tmp_path)
    assert code == 1
    (failure,) = summary["failures"]
    page = out / "weekly" / "shop-a" / f"{WEEK}.html"
    assert failure.startswith(f"{page}: the weekly report of shop-a for {WEEK} could not be written"), failure
    assert reports(summary, tmp_path) == {"review/shop-a/2024-04.html", f"cluster/all/{WEEK}.html"}


# --- item 7: one store's broken mapping or stores.toml table ------------------------------------


def test_a_broken_mapping_stops_only_its_own_store(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    for store in ("erp-broken", "erp-missing"):
        (exports / store).mkdir(parents=True)
        (exports / store / "orders.csv").write_text("id,state,placed\nG-1,done,2024-05-06 10:00\n",
                                                    encoding="utf-8")  # fmt: skip
    export(exports / "shop-b" / "orders.csv", "B", range(6, 10))
    (tmp_path / "broken.toml").write_text('[columns]\norder_id = "id"\nstatus = \n', encoding="utf-8")
    (tmp_path / "stores.toml").write_text(
        '[erp-broken]\nmapping = "broken.toml"\n\n[erp-missing]\nmapping = "nowhere.toml"\n\n'
        '[shop-b]\nplatform = "aliexpress"\nlang = "zh"\n', encoding="utf-8",
    )  # fmt: skip
    code, summary = run(tmp_path)
    assert code == 1
    assert ingested(summary) == [("shop-b", "orders.csv")]
    missing, broken = summary["failures"]  # stores.toml first, then the drop folders
    assert broken.startswith(f"erp-broken: {tmp_path / 'broken.toml'}: the mapping file is not valid TOML")
    assert broken.endswith("None of its files were ingested this run.")
    assert missing.startswith(f"erp-missing: {tmp_path / 'stores.toml'}: [erp-missing] mapping ")
    assert "no such file" in missing and missing.endswith("its reports not rendered this run.")
    assert reports(summary, tmp_path) == {f"weekly/shop-b/{WEEK}.html", "review/shop-b/2024-04.html",
                                          f"cluster/all/{WEEK}.html"}  # fmt: skip
    page = (tmp_path / "reports" / "weekly" / "shop-b" / f"{WEEK}.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page  # shop-b's own settings still apply


# --- items 8, 16 and 19: a run killed between its ingest and its renders -------------------------


def kernel_folders(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "tmp").glob("storehealth-kernel-*"))


def test_reports_left_stale_by_an_interrupted_run_are_rendered_again(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    export(exports / "shop-a" / "week-1.csv", "A", range(6, 8))
    code, first = run(tmp_path)
    assert first["failures"] == [] and f"weekly/shop-a/{WEEK}.html" in reports(first, tmp_path)
    weekly = tmp_path / "reports" / "weekly" / "shop-a" / f"{WEEK}.html"
    cluster = tmp_path / "reports" / "cluster" / "all" / f"{WEEK}.html"
    cluster_rendered = cluster.stat().st_mtime
    page = weekly.read_text(encoding="utf-8")
    assert "A0006" in page and "A0009" not in page

    # item 16: the footer names the history's file, not where it lives
    footer = page[page.index('<footer class="sh-footer">') :]
    footer = footer[: footer.index("</footer>")]
    assert footer.endswith("from history.duckdb"), footer
    assert str(tmp_path) not in page

    # A run killed after its ingest leaves exactly what `storehealth ingest` leaves: the file in
    # the history and last run's pages on disk. The next run must see that they are stale.
    late = export(exports / "shop-a" / "late.csv", "A", range(6, 10))
    history = str(tmp_path / "history.duckdb")
    result = subprocess.run(
        [str(STOREHEALTH), "ingest", str(late), "--store", "shop-a", "--db", history],
        capture_output=True, text=True, timeout=300, env=environment(tmp_path),
    )  # fmt: skip
    assert result.returncode in (0, 3), result.stderr
    code, second = run(tmp_path)
    assert second["ingested"] == [] and second["already_ingested"] == 2
    assert {f"weekly/shop-a/{WEEK}.html", f"cluster/all/{WEEK}.html"} <= reports(second, tmp_path)
    assert "A0009" in weekly.read_text(encoding="utf-8") and cluster.stat().st_mtime > cluster_rendered
    code, third = run(tmp_path)  # and now they are up to date
    assert third["reports"] == []

    # The real thing: kill -9 the run once its renders have started (its kernels' socket folder
    # appears), after it ingested a new file.
    export(exports / "shop-a" / "week-2.csv", "A", range(6, 12))
    process = subprocess.Popen(command(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=environment(tmp_path))  # fmt: skip
    deadline = time.monotonic() + 300
    while not any(f"-{process.pid}-" in f.name for f in kernel_folders(tmp_path)):
        assert process.poll() is None and time.monotonic() < deadline, "the run ended before it rendered"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert "A0011" not in weekly.read_text(encoding="utf-8")  # the killed run rendered nothing
    left = [f for f in kernel_folders(tmp_path) if f"-{process.pid}-" in f.name]
    assert left, "a killed render leaves its kernel's socket folder behind"
    wait_for_kernels_to_exit(left)

    code, after = run(tmp_path)
    assert after["ingested"] == [] and after["failures"] == []
    assert {f"weekly/shop-a/{WEEK}.html", f"cluster/all/{WEEK}.html"} <= reports(after, tmp_path)
    assert "A0011" in weekly.read_text(encoding="utf-8")
    # item 19: the next run removed what the killed one left, and its own kernels cleaned up after
    assert kernel_folders(tmp_path) == []


def wait_for_kernels_to_exit(folders: list[Path], timeout: float = 30) -> None:
    """A kernel notices that its parent died and exits on its own, within a second or so."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listening = Path("/proc/net/unix").read_text(encoding="utf-8")
        if not any(str(f) in listening for f in folders):
            return
        time.sleep(0.2)
    raise AssertionError(f"a kernel of the killed run still listens in {folders}")


# --- item 12: a file moved from one store's folder to another's ---------------------------------


def test_a_file_moved_to_another_stores_folder_is_named_not_silently_skipped(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    first = export(exports / "shop-a" / "orders.csv", "A", range(6, 10))
    export(exports / "shop-b" / "orders.csv", "B", range(6, 10))
    code, summary = run(tmp_path)
    assert summary["failures"] == [] and len(summary["ingested"]) == 2
    # shop-a's export is moved into shop-b's folder, by mistake
    shutil.move(first, exports / "shop-b" / "from-a.csv")
    code, summary = run(tmp_path)
    assert code == 3 and summary["already_ingested"] == 2 and summary["ingested"] == []
    warning = (
        f"shop-b: from-a.csv: this file was already ingested for store 'shop-a' (as {first}), not 'shop-b'; "
        "nothing changed"
    )
    assert warning in summary["warnings"], summary["warnings"]
    assert sum("already ingested" in w for w in summary["warnings"]) == 1  # shop-b's own file is no news


# --- item 19: stale kernel folders, and only those ----------------------------------------------


def test_only_stale_kernel_folders_of_our_own_renders_are_removed(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from pipeline.reports import remove_stale_kernel_folders

    # a short folder of its own: a socket's path is at most 107 bytes, and pytest's (with
    # xdist's worker folder) can leave too few of them
    temp = Path(tempfile.mkdtemp(prefix="sh-"))
    request.addfinalizer(lambda: shutil.rmtree(temp, ignore_errors=True))
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead_pid = gone.pid

    def folder(name: str, *, listening: bool = False) -> Path:
        path = temp / name
        path.mkdir()
        (path / "connection.json").write_text('{"transport": "ipc"}', encoding="utf-8")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path / "ipc-1"))
        if listening:
            sock.listen()
            sockets.append(sock)
        else:
            sock.close()  # the socket file stays, as after kill -9
        return path

    sockets: list[socket.socket] = []
    try:
        stale = folder(f"storehealth-kernel-{dead_pid}-abc123")
        alive = folder(f"storehealth-kernel-{os.getpid()}-def456")  # a render in progress
        orphan = folder(f"storehealth-kernel-{dead_pid}-ghi789", listening=True)  # its kernel still runs
        legacy = folder("storehealth-kernel-x1y2z3")  # not named by this version: not ours to judge
        other = folder(f"kernel-{dead_pid}-jupyter")  # someone else's
        assert remove_stale_kernel_folders(temp) == [stale]
        assert not stale.exists() and all(p.exists() for p in (alive, orphan, legacy, other))
    finally:
        for sock in sockets:
            sock.close()
    # a weekly run cleans up at its start, even with nothing to render
    (tmp_path / "exports").mkdir()
    stale = folder(f"storehealth-kernel-{dead_pid}-jkl012")
    code, summary = run(tmp_path, temp=temp)
    assert not stale.exists()


@pytest.mark.parametrize(
    ("history", "shown"),
    [
        ("/srv/acme/private/storehealth.duckdb", "storehealth.duckdb"),
        ("postgres://analyst:s3cret@db.acme.internal:5432/storehealth", "postgres://db.acme.internal/storehealth"),
        ("ducklake:/srv/acme/lake/metadata.ducklake", "ducklake:metadata.ducklake"),
    ],
)
def test_a_report_names_the_history_without_its_folders_or_credentials(history: str, shown: str) -> None:
    from pipeline.reports import history_name

    assert history_name(history) == shown
    assert "s3cret" not in history_name(history) and "analyst" not in history_name(history)
