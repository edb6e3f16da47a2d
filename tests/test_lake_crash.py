"""A killed lake ingest leaves the history as it was or as a clean ingest leaves it, on a SQLite
and on a PostgreSQL catalog, as tests/test_crash.py proves for the file.

One lake per catalog kind takes a chain of exports of one store, each moving on orders the one
before it landed. Each export's `storehealth ingest` is SIGKILLed at another point: as soon as
its first Parquet file appears under the data path (in the merge), right before its commit,
right after its commit, and at a seeded random moment of its run. (RUNNER's kill-in-merge seam
works too, but the first new file already falls in the merge, and each point costs three
storehealth processes.) After each kill the history must be, table for table and file ids
included, the state before that export or the one after it (a reference lake with the same salt
took the exports one after another), `storehealth status` must work, and the same ingest again
must land the file whole (or, if the killed one had committed, say it already landed).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.database import connect
from pipeline.ingest import ingest_file
from tests import test_lake_concurrency
from tests.test_lake_concurrency import (
    TestLake,
    export,
    finish,
    history,
    outcome_of,
    reference_like,
    seeded,
    start,
)

new_lake = test_lake_concurrency.new_lake  # the fixture: a lake on each catalog kind

STORE = "crash"
# File ids are compared too: a killed ingest must not use up an id either.
WHOLE = {"ingested_files": ("ingested_at",)}
# (how, what): a seam of tests/test_lake_concurrency.RUNNER that SIGKILLs the process itself, the
# first new file under the data path (then SIGKILL after `what` seconds), or a fraction of the
# clean run's wall time (measured on the chain's kill-after-commit run, which ran to its end).
RANDOM = random.Random(20250611)
KILL_POINTS = [
    ("files", 0.0),
    ("hook", "kill-before-commit"),
    ("hook", "kill-after-commit"),
    ("time", round(RANDOM.uniform(0.3, 1.0), 3)),
]
# what each seam must leave: None where either state is right
EXPECTED = {"kill-in-merge": "before", "kill-before-commit": "before", "kill-after-commit": "after"}


def chain(tmp_path: Path) -> list[Path]:
    """Exports of one store, each 900 orders: the 300 newest of the export before it again, the
    300 after those moved on (shipped or closed a day later than the export before), 300 new."""
    return [
        export(tmp_path / f"crash-{i}.csv", "K", range(300 * i, 300 * i + 900),
               moved=range(300 * i, 300 * i + 300), moved_on=6 + i)
        for i in range(len(KILL_POINTS))
    ]  # fmt: skip


def states_one_after_another(lake: TestLake, new_lake: Callable[[str], TestLake],
                             seed: Path, files: list[Path]) -> list[dict]:  # fmt: skip
    """The history after the seed and after each of `files`, ingested one after another by this
    process into a lake with `lake`'s salt."""
    reference = reference_like(lake, new_lake, "reference", [(seed, "seed")])
    states = [history(reference, WHOLE)]
    con = connect(reference.target())
    try:
        for path in files:
            assert ingest_file(con, path, store=STORE).outcome == "ingested"
            states.append(history(reference, WHOLE))
    finally:
        con.close()
    return states


def wait_for_new_file(lake: TestLake, before: set[Path], process: subprocess.Popen, timeout: float) -> bool:
    """True once a data file that was not there appears; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if lake.data_files() - before:
            return True
        time.sleep(0.002)
    return False


def test_a_killed_ingest_leaves_the_lake_before_or_after_and_lands_when_run_again(
    new_lake: Callable[[str], TestLake], tmp_path: Path
) -> None:
    lake = new_lake("crash")
    seed = seeded(lake, tmp_path)
    files = chain(tmp_path)
    states = states_one_after_another(lake, new_lake, seed, files)
    assert history(lake, WHOLE) == states[0]
    assert all(a != b for a, b in zip(states, states[1:], strict=False)), "an export changed nothing"

    clean_run = None
    report = []
    for number, ((how, what), path) in enumerate(zip(KILL_POINTS, files, strict=True), 1):
        before, after = states[number - 1], states[number]
        files_before = lake.data_files()
        started = time.monotonic()
        process = start(lake, "ingest", path, "--store", STORE, hook=what if how == "hook" else "")
        if how == "files":
            wait_for_new_file(lake, files_before, process, timeout=60)
            time.sleep(what)
        elif how == "time":
            assert clean_run is not None
            time.sleep(what * clean_run)
        if how != "hook" and process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)  # it may still finish between the poll and the kill
        _, err = process.communicate(timeout=120)
        ran = time.monotonic() - started
        if what == "kill-after-commit":
            clean_run = ran
        where = f"{how} {what}"
        if how == "hook":
            assert process.returncode == -signal.SIGKILL, f"{where}: the seam did not fire\n{err}"
        else:
            assert process.returncode in (0, -signal.SIGKILL), f"{where}\n{err}"

        # the history is whole: the state before the export or the one after it
        now = history(lake, WHOLE)
        assert now in (before, after), f"torn history after a kill at {where}"
        landed = now == after
        if what in EXPECTED:
            assert ("after" if landed else "before") == EXPECTED[what], where
        orphans = len(lake.data_files() - files_before) if not landed else 0
        report.append(f"{where}: {'finished first' if process.returncode == 0 else 'killed'} "
                      f"after {ran:.1f} s, history {'after' if landed else 'before'}"
                      + (f", {orphans} data files left behind" if orphans else ""))  # fmt: skip

        # status reads it and the same ingest again lands the file whole (both at once)
        status = start(lake, "status")
        again = start(lake, "ingest", path, "--store", STORE, "--json")
        finish(status)
        out, _ = finish(again)
        assert outcome_of(out) == ("already ingested" if landed else "ingested"), out
        assert history(lake, WHOLE) == after, f"after the kill at {where} and a second run"
    print(f"\n{lake.kind}: " + "\n  ".join(report))
