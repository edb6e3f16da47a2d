"""Several processes on one history: they take turns, wait with a message, never corrupt it.

DuckDB lets one process write a database file, and a writer shuts out readers in other
processes. storehealth waits (STOREHEALTH_LOCK_WAIT seconds) for the other process, saying so
on standard error, then goes on or gives up with a message naming the holder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.builders import ali_row, write_ali

REPO = Path(__file__).resolve().parents[1]
STOREHEALTH = REPO / ".venv" / "bin" / "storehealth"
T = "2024.03.05 10:00"

# An analyst's notebook: opens the history read-only, holds it, then closes it.
HOLD_READ_ONLY = """
import sys, time
from pipeline import connect
con = connect(sys.argv[1])
print("open", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def export(tmp_path: Path, name: str, prefix: str, n: int = 300) -> Path:
    rows = [ali_row(id=f"{prefix}{i:05d}", status="等待您发货", created=T, paid=T) for i in range(n)]
    return write_ali(tmp_path / name, rows)


def start_ingest(path: Path, store: str, db: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(STOREHEALTH), "ingest", str(path), "--store", store, "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env},
    )  # fmt: skip


def hold(db: Path, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(db), str(seconds)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    assert process.stdout.readline().strip() == "open", process.stderr.read()
    return process


def landed(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select store, count(*) from orders_current group by 1 order by 1"
        ).fetchall()
    finally:
        con.close()


def seed(tmp_path: Path, db: Path) -> None:
    first = start_ingest(export(tmp_path, "seed.csv", "S", 5), "seed", db)
    assert first.wait(timeout=120) == 0, first.stderr.read()


def test_two_ingests_at_once_both_land(tmp_path: Path) -> None:
    db = tmp_path / "history.duckdb"
    seed(tmp_path, db)
    a = start_ingest(export(tmp_path, "a.xlsx", "A"), "store-a", db)
    b = start_ingest(export(tmp_path, "b.xlsx", "B"), "store-b", db)
    c = start_ingest(export(tmp_path, "c.csv", "C"), "store-a", db)  # the same store as `a`
    outputs = [p.communicate(timeout=300) for p in (a, b, c)]
    assert [p.returncode for p in (a, b, c)] == [0, 0, 0], outputs
    assert all("Traceback" not in err for _, err in outputs)
    assert landed(db) == [("seed", 5), ("store-a", 600), ("store-b", 300)]


def test_an_open_notebook_makes_the_ingest_wait_not_fail(tmp_path: Path) -> None:
    db = tmp_path / "history.duckdb"
    seed(tmp_path, db)
    reader = hold(db, 3)
    started = time.monotonic()
    ingest = start_ingest(export(tmp_path, "a.csv", "A"), "store-a", db)
    _, err = ingest.communicate(timeout=120)
    assert ingest.returncode == 0, err
    assert "in use by another process" in err and f"PID {reader.pid}" in err
    assert time.monotonic() - started >= 2
    assert reader.wait(timeout=30) == 0
    assert landed(db) == [("seed", 5), ("store-a", 300)]


def test_a_reader_waits_for_an_ingest_to_finish(tmp_path: Path) -> None:
    db = tmp_path / "history.duckdb"
    seed(tmp_path, db)
    ingest = start_ingest(export(tmp_path, "big.xlsx", "B", 20_000), "big", db)
    time.sleep(1.0)  # the ingest has the database open for writing by now
    reader = subprocess.run(
        [sys.executable, "-c",
         "import sys\nfrom pipeline import connect\ncon = connect(sys.argv[1])\n"
         "print(con.execute('select count(*) from orders_current').fetchone()[0])\ncon.close()",
         str(db)],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert ingest.wait(timeout=300) == 0, ingest.stderr.read()
    assert reader.returncode == 0, reader.stderr
    # it read either before the ingest began or after it ended: never a half-written history
    assert int(reader.stdout.strip()) in (5, 20_005)


def test_giving_up_names_the_holder_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "history.duckdb"
    seed(tmp_path, db)
    reader = hold(db, 8)
    ingest = start_ingest(export(tmp_path, "a.csv", "A"), "store-a", db, STOREHEALTH_LOCK_WAIT="1")
    _, err = ingest.communicate(timeout=60)
    assert ingest.returncode == 1
    assert f"PID {reader.pid}" in err and "close the notebook kernel" in err
    assert "Traceback" not in err
    reader.kill()
    reader.wait()
    assert landed(db) == [("seed", 5)]
