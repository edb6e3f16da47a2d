"""A killed ingest leaves the history as it was or as a clean ingest leaves it (SPEC section 3).

AliExpress exports of two sizes (simulated with pipeline.demo_exports: a large one of tens of
thousands of rows and a medium one) are ingested by the real `storehealth` command into a
history that already holds an earlier, overlapping export, and the process is SIGKILLed at 20
points: fixed and seeded-random fractions of the ingest's measured duration, and delays after it
starts writing the database file. After each kill the database must open, equal in every table either the
state before or the state after a clean ingest of that file, and take the same file again.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipeline.demo import export_table, simulate_orders, write_export

REPO = Path(__file__).resolve().parents[1]
STOREHEALTH = REPO / ".venv" / "bin" / "storehealth"
STORE = "crash"
# Kill points: fractions of a clean ingest's wall time (process start included), and delays after
# the ingest starts writing to the database file (its merge, commit and checkpoint), which take
# only the last tenth or so of the run and are hard to hit by time alone on a busy machine.
# Random fractions come from a fixed seed, so a failure can be replayed.
SIZES = {"large": 40_000, "medium": 12_000}  # simulated orders behind each export
RANDOM = random.Random(20241122)
KILL_POINTS = (
    [("large", "time", f) for f in (0.2, 0.45, 0.7, 0.9)]
    + [("large", "time", round(RANDOM.uniform(0.1, 0.95), 3)) for _ in range(4)]
    + [("large", "writes", d) for d in (0.0, 0.1, 0.25)]
    + [("medium", "time", round(RANDOM.uniform(0.1, 0.95), 3)) for _ in range(6)]
    + [("medium", "writes", d) for d in (0.0, 0.05, 0.15)]
)
assert len(KILL_POINTS) == 20
# Columns that legitimately differ between two clean runs of the same ingest.
VOLATILE = {"ingested_files": ("ingested_at",)}


def ingest_command(path: Path, db: Path) -> list[str]:
    return [str(STOREHEALTH), "ingest", str(path), "--store", STORE, "--db", str(db)]


def run_ingest(path: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(ingest_command(path, db), capture_output=True, text=True, timeout=300)


def table_names(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and not temporary order by 1",
            [catalog],
        ).fetchall()
    ]


def tables_differing(db: Path, reference: Path) -> list[str]:
    """Tables of `db` whose full contents (as a multiset of rows) differ from `reference`'s.

    Both files are attached read-only, as `storehealth status` opens a history.
    """
    con = duckdb.connect()
    try:
        con.execute(f"attach '{db}' as got (read_only)")
        con.execute(f"attach '{reference}' as ref (read_only)")
        got, ref = table_names(con, "got"), table_names(con, "ref")
        differing = sorted(set(got) ^ set(ref))
        for name in sorted(set(got) & set(ref)):
            columns = "*"
            if name in VOLATILE:
                columns = f"* exclude ({', '.join(VOLATILE[name])})"
            extra = con.execute(
                f"with a as (select {columns} from got.{name}), b as (select {columns} from ref.{name}), "
                "a_only as (select * from a except all select * from b), "
                "b_only as (select * from b except all select * from a) "
                "select (select count(*) from a_only) + (select count(*) from b_only)"
            ).fetchone()[0]
            if extra:
                differing.append(name)
        return differing
    finally:
        con.close()


@dataclass(frozen=True)
class CrashSetup:
    export: Path  # the large export that gets killed mid-ingest
    before: Path  # history holding only the earlier export
    after: Path  # `before` plus a clean ingest of `export`
    ingest_seconds: float  # wall time of that clean ingest


def copy_history(source: Path, target: Path) -> None:
    """A history is its database file and the buyer-hash salt file beside it."""
    shutil.copyfile(source, target)
    shutil.copyfile(source.with_name(source.name + ".salt"), target.with_name(target.name + ".salt"))


def make_setup(root: Path, size: str) -> CrashSetup:
    orders = simulate_orders(
        "aliexpress", SIZES[size], datetime(2024, 1, 1), datetime(2024, 6, 1), seed=11, store=STORE
    )
    early_headers, early_rows = export_table(orders, "aliexpress", datetime(2024, 4, 15, 9), window_days=30)
    headers, rows = export_table(orders, "aliexpress", datetime(2024, 6, 1, 9))
    assert len(rows) > SIZES[size] // 2 and len(early_rows) > SIZES[size] // 8
    early = write_export(root / "orders_2024-04-15.csv", early_headers, early_rows, platform="aliexpress")
    export = write_export(root / "orders_2024-06-01.csv", headers, rows, platform="aliexpress")

    before = root / "before.duckdb"
    result = run_ingest(early, before)
    assert result.returncode == 0, result.stderr

    after = root / "after.duckdb"
    copy_history(before, after)
    started = time.monotonic()
    result = run_ingest(export, after)
    ingest_seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert tables_differing(after, before), "the export changed nothing"
    return CrashSetup(export=export, before=before, after=after, ingest_seconds=ingest_seconds)


class LazySetups(dict):
    """Builds each size's setup on first use, so running one kill point builds one size."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        super().__init__()
        self.factory = factory

    def __missing__(self, size: str) -> CrashSetup:
        self[size] = make_setup(self.factory.mktemp(f"crash-{size}"), size)
        return self[size]


@pytest.fixture(scope="session")
def crash_setups(tmp_path_factory: pytest.TempPathFactory) -> LazySetups:
    """Per export size: the exports, 'before' and 'after' histories and clean time, made once."""
    return LazySetups(tmp_path_factory)


def wait_for_writes(db: Path, process: subprocess.Popen, size: int, timeout: float) -> None:
    """Return once `db` no longer has `size` bytes (the ingest is writing) or the process ends."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if db.stat().st_size != size:
            return
        time.sleep(0.002)


def kill_point_id(point: tuple[str, str, float]) -> str:
    size, kind, value = point
    return f"{size}-at-{value:.1%}-of-run" if kind == "time" else f"{size}-writes+{value * 1000:.0f}ms"


@pytest.mark.parametrize("kill_point", KILL_POINTS, ids=kill_point_id)
def test_killed_ingest_leaves_before_or_after(
    crash_setups: LazySetups, tmp_path: Path, kill_point: tuple[str, str, float]
) -> None:
    size, kind, value = kill_point
    crash_setup = crash_setups[size]
    db = tmp_path / "history.duckdb"
    copy_history(crash_setup.before, db)
    size_bytes = db.stat().st_size

    process = subprocess.Popen(
        ingest_command(crash_setup.export, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if kind == "time":
        time.sleep(value * crash_setup.ingest_seconds)
    else:
        wait_for_writes(db, process, size_bytes, timeout=20 * crash_setup.ingest_seconds)
        time.sleep(value)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)  # it may still finish between the poll and the kill
    _, stderr = process.communicate(timeout=60)
    finished_first = process.returncode == 0
    assert process.returncode in (0, -signal.SIGKILL), stderr
    where = kill_point_id(kill_point)

    # The history opens (read-only, as `status` opens it) and is wholly before or wholly after.
    versus_before = tables_differing(db, crash_setup.before)
    versus_after = tables_differing(db, crash_setup.after)
    assert not versus_before or not versus_after, (
        f"torn history after a kill {where}: differs from 'before' in {versus_before} "
        f"and from 'after' in {versus_after}"
    )
    landed = not versus_after
    print(
        f"kill {where} (clean run {crash_setup.ingest_seconds:.1f} s): "
        f"{'finished first' if finished_first else 'killed'}, history {'after' if landed else 'before'}"
    )

    # The same file again completes normally and gives the clean result.
    again = run_ingest(crash_setup.export, db)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert ("already ingested" in again.stderr) == landed, again.stderr
    assert tables_differing(db, crash_setup.after) == []
