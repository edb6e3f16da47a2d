"""`restore` takes the lock every writer takes (issue 18): it waits for, or gives up on, a
command that has the history open, and a command started during a restore waits for it.

Before, restore swapped the database file under a running ingest: the ingest reported 37,783
new orders that the live history did not hold. Real processes, real files, bounded in time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.builders import ali_row, table_contents, write_ali
from tests.test_concurrency import REPO, STOREHEALTH, T  # one set-up for both

# A command that has the history open as its writer (an ingest, a weekly run) until the test
# writes a line to it.
HOLD_WRITER = """
import sys
from pipeline.database import connect
con = connect(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
con.close()
"""


def export(path: Path, prefix: str, n: int) -> Path:
    return write_ali(path, [ali_row(id=f"{prefix}{i:06d}", status="等待您发货", created=T, paid=T)
                            for i in range(n)])  # fmt: skip


def storehealth(*args: object, db: Path, wait: float = 60) -> subprocess.Popen:
    return subprocess.Popen(
        [str(STOREHEALTH), *map(str, args), "--db", str(db)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "STOREHEALTH_LOCK_WAIT": str(wait)},
    )  # fmt: skip


def run(*args: object, db: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([str(STOREHEALTH), *map(str, args), "--db", str(db)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def store_orders(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("select store, count(*) from orders_current group by 1").fetchall())
    finally:
        con.close()


def hold_writer(db: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITER, str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    assert process.stdout.readline().strip() == "open", process.stderr.read()
    return process


def release(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.stdin.write("\n")
        process.stdin.flush()
        process.wait(timeout=30)


def finish(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"still running after {timeout} s: {err[-2000:]}")
    return process.returncode, out, err


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, Path, dict]:
    """A history with a backup of its first export, and a second export landed since."""
    db = tmp_path / "history.duckdb"
    run("ingest", export(tmp_path / "first.csv", "81000", 20), "--store", "s1", db=db)
    run("backup", tmp_path / "backup", db=db)
    run("ingest", export(tmp_path / "second.csv", "81001", 30), "--store", "s1", db=db)
    return db, tmp_path / "backup", table_contents(db)


def test_restore_waits_for_a_command_writing_the_history(history) -> None:
    db, backup, before = history
    holder = hold_writer(db)
    try:
        restore = storehealth("restore", backup, "--force", db=db)
        time.sleep(3)
        # still waiting: nothing swapped under the holder
        assert restore.poll() is None, restore.communicate()
        assert not db.with_name(db.name + ".before-restore").exists()
    finally:
        release(holder)
    code, _out, err = finish(restore)
    assert code == 0, err
    assert "in use by another process" in err and f"PID {holder.pid}" in err
    assert table_contents(db.with_name(db.name + ".before-restore")) == before
    assert store_orders(db) == {"s1": 20}  # the backup's history, whole


def test_restore_gives_up_on_a_writer_that_stays_and_changes_nothing(history) -> None:
    db, backup, before = history
    holder = hold_writer(db)
    try:
        started = time.monotonic()
        code, _out, err = finish(storehealth("restore", backup, "--force", db=db, wait=1), timeout=60)
        assert time.monotonic() - started < 30
    finally:
        release(holder)
    assert code == 1 and "Traceback" not in err, err
    assert f"PID {holder.pid}" in err and "wait for the other storehealth command" in err
    assert table_contents(db) == before
    assert sorted(p.name for p in db.parent.iterdir() if "history" in p.name) == [
        "history.duckdb", "history.duckdb.salt",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def large_backup(tmp_path_factory) -> Path:
    """A backup large enough that restoring it takes a moment (100,000 orders)."""
    work = tmp_path_factory.mktemp("large")
    db = work / "source.duckdb"
    run("ingest", export(work / "large.csv", "8200000", 100_000), "--store", "big", db=db)
    run("backup", work / "backup", db=db)
    return work / "backup"


def test_an_ingest_started_during_a_restore_lands_in_the_restored_history(
    tmp_path: Path, large_backup: Path
) -> None:
    target = tmp_path / "restored.duckdb"
    building = target.with_name(f".{target.name}.restoring")
    restore = storehealth("restore", large_backup, db=target)
    deadline = time.monotonic() + 60
    while not building.exists() and restore.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert restore.poll() is None, "the restore finished before the test could start an ingest"
    ingest = storehealth("ingest", export(tmp_path / "new.csv", "83000", 25), "--store", "s2", "--json",
                         db=target)  # fmt: skip
    code, _out, err = finish(restore)
    assert code == 0, err
    code, out, err = finish(ingest)
    assert code == 0, err
    [landed] = json.loads(out)["files"]
    assert landed["new"] == 25
    # what the ingest reported is in the live history, beside everything restored
    assert store_orders(target) == {"big": 100_000, "s2": 25}
    assert not target.with_name(target.name + ".before-restore").exists()
