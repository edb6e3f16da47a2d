"""Several processes on one DuckLake history (SQLite and PostgreSQL catalogs alike).

Unlike the embedded file (tests/test_concurrency.py), a lake has no lock to take turns on:
readers and writers each work on a snapshot, and a writer whose commit loses to another's runs
its whole ingest again (pipeline.lake.with_retries). These tests prove that with real
processes: `storehealth` commands, and readers that hold `pipeline.connect(db)` connections.

A race left to timing proves little, so the racing ingests here are the real CLI run through
RUNNER with one seam: a barrier right before commit (`barrier`), which every racer reaches in
its first attempt before any of them may commit, so that all but one must lose and run again.
tests/test_lake_crash.py uses the same runner to SIGKILL an ingest at chosen points.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from pipeline.database import connect
from pipeline.history_target import Lake, parse_target
from pipeline.ingest import ingest_file
from pipeline.lake import open_lake, set_lake_salt
from tests.builders import ali_row, write_ali

REPO = Path(__file__).resolve().parents[1]
KINDS = ("sqlite", "postgres")

# The real CLI (pipeline.cli:main, as .venv/bin/storehealth runs it) with an optional seam in
# pipeline.ingest, chosen by LAKE_TEST_HOOK:
#   barrier             after the ingest's last write, before its commit, wait until
#                       LAKE_TEST_PARTIES processes got there (first attempt only)
#   kill-in-merge       SIGKILL itself in the merge: snapshots written, current rows rebuilt
#   kill-before-commit  SIGKILL itself after the last write, right before `commit`
#   kill-after-commit   SIGKILL itself right after `commit` returned
# Every attempt at an ingest (a retry after a lost commit is one more) prints
# "lake-test: attempt N" on stderr.
RUNNER = r"""
import os, signal, sys, time
from pathlib import Path
import pipeline.ingest as ingest

hook = os.environ.get("LAKE_TEST_HOOK", "")

def die():
    os.kill(os.getpid(), signal.SIGKILL)

attempt = [0]
once = ingest._ingest_once
def counted_ingest_once(*args, **kwargs):  # with_retries calls it again after a lost commit
    attempt[0] += 1
    print(f"lake-test: attempt {attempt[0]}", file=sys.stderr, flush=True)
    return once(*args, **kwargs)
ingest._ingest_once = counted_ingest_once

if hook == "barrier":
    folder, parties = Path(os.environ["LAKE_TEST_BARRIER"]), int(os.environ["LAKE_TEST_PARTIES"])
    record = ingest._record
    def barrier_record(*args, **kwargs):
        record(*args, **kwargs)
        if attempt[0] == 1:
            (folder / str(os.getpid())).touch()
            deadline = time.monotonic() + 60
            while len(list(folder.iterdir())) < parties and time.monotonic() < deadline:
                time.sleep(0.01)
    ingest._record = barrier_record
elif hook == "kill-in-merge":
    rebuild = ingest.rebuild_current
    def rebuild_then_die(*args, **kwargs):
        rebuild(*args, **kwargs)
        die()
    ingest.rebuild_current = rebuild_then_die
elif hook == "kill-before-commit":
    record = ingest._record
    def record_then_die(*args, **kwargs):
        record(*args, **kwargs)
        die()
    ingest._record = record_then_die
elif hook == "kill-after-commit":
    clock = ingest._step_clock
    def clock_that_dies(result, started):
        step = clock(result, started)
        def step_then_die(name, at=None):
            step(name, at)
            if name == "record":  # booked right after con.execute("commit") returned
                die()
        return step_then_die
    ingest._step_clock = clock_that_dies
elif hook:
    raise SystemExit(f"unknown LAKE_TEST_HOOK {hook!r}")

from pipeline.cli import main
sys.argv = ["storehealth", *sys.argv[1:]]
main()
"""

# A notebook on the lake: `pipeline.connect(db)` (read-only) held open, the two counts read in one query (one
# snapshot) as fast as it can until the stop file appears; prints every distinct observation.
POLLER = r"""
import json, sys, time
from pathlib import Path
from pipeline import connect
con = connect(sys.argv[1])
stop = Path(sys.argv[2])
print("open", flush=True)
seen, polls, slowest = [], 0, 0.0
while True:
    last = stop.exists()
    started = time.monotonic()
    row = list(con.execute(
        "select (select count(*) from orders_current), (select count(*) from ingested_files)"
    ).fetchone())
    slowest = max(slowest, time.monotonic() - started)
    polls += 1
    if not seen or seen[-1] != row:
        seen.append(row)
    if last:
        break
con.close()
print(json.dumps({"seen": seen, "polls": polls, "slowest": slowest}), flush=True)
"""

# A writing connection (as the CLI's own commands open one) that keeps one transaction (one
# snapshot) open across the ingests.
# A writing connection that holds one snapshot with `begin`; with "report", a read-only
# connection in pipeline.lake.one_snapshot, as a report kernel and a read-only command hold it.
HOLDER = r"""
import json, sys, time
from pathlib import Path
from pipeline.database import connect
from pipeline.lake import one_snapshot
report = sys.argv[3:] == ["report"]
con = connect(sys.argv[1], read_only=report)
stop = Path(sys.argv[2])
counts = "select (select count(*) from orders_current), (select count(*) from ingested_files)"
if report:
    one_snapshot(con)
else:
    con.execute("begin")
first = list(con.execute(counts).fetchone())
print("open", flush=True)
while not stop.exists():
    time.sleep(0.05)
during = list(con.execute(counts).fetchone())
con.execute("commit")
after = list(con.execute(counts).fetchone())
con.close()
print(json.dumps({"first": first, "during": during, "after": after}), flush=True)
"""


@dataclass
class TestLake:
    """A lake for one test: what `--db` takes, where its Parquet files go, and the environment
    of a process that uses it."""

    __test__ = False
    kind: str
    spec: str
    data: Path
    env: dict[str, str] = field(default_factory=dict)
    reader: duckdb.DuckDBPyConnection | None = None  # this process's, opened on first read

    def target(self) -> Lake:
        """The lake as this process opens it (a new PostgreSQL lake needs its data path)."""
        lake = parse_target(self.spec, data_path=str(self.data) if self.kind == "postgres" else None)
        assert isinstance(lake, Lake)
        return lake

    def read(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection of this process, kept open (each query sees the newest
        snapshot): a reader the other processes' writes must never wait for either."""
        if self.reader is None:
            self.reader = open_lake(self.target(), read_only=True)
        return self.reader

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None

    def data_files(self) -> set[Path]:
        return {p for p in self.data.rglob("*") if p.is_file()} if self.data.exists() else set()


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STOREHEALTH_DB", "STOREHEALTH_DATA_PATH")}
    env["STOREHEALTH_LANG"] = "en"
    return env


@pytest.fixture(params=KINDS)
def new_lake(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], TestLake]]:
    """`new_lake(name)`: a new, empty lake with the test's catalog kind."""
    kind = request.param
    made: list[TestLake] = []

    def make(name: str) -> TestLake:
        env = base_env()
        if kind == "sqlite":
            catalog = tmp_path / f"{name}.sqlite"
            lake = TestLake(kind, f"ducklake:sqlite:{catalog}", Path(f"{catalog}.files"), env)
        else:
            server = request.getfixturevalue("postgres_server")
            dbname = "lc_" + hashlib.sha1(f"{request.node.nodeid}/{name}".encode()).hexdigest()[:20]
            data = tmp_path / f"{name}-files"
            env["STOREHEALTH_DATA_PATH"] = str(data)
            lake = TestLake(kind, "ducklake:postgres:" + server.new_database(dbname), data, env)
        made.append(lake)
        return lake

    yield make
    for lake in made:
        lake.close()


def start(lake: TestLake, *args: str, hook: str = "", **env: str) -> subprocess.Popen:
    """`storehealth ARGS --db LAKE` in a process of its own (RUNNER, with `hook` if given)."""
    return subprocess.Popen(
        [sys.executable, "-c", RUNNER, *map(str, args), "--db", lake.spec],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        env={**lake.env, "LAKE_TEST_HOOK": hook, **env},
    )  # fmt: skip


def finish(process: subprocess.Popen, timeout: float = 120) -> tuple[str, str]:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"exit {process.returncode}\n{err}"
    assert "Traceback" not in err and "locked" not in err, err
    return out, err


def run(lake: TestLake, *args: str) -> str:
    """`storehealth ARGS` to completion; its standard output."""
    return finish(start(lake, *args))[0]


def ingest(lake: TestLake, path: Path, store: str) -> dict:
    """One file by the real CLI; what it says it did (its --json)."""
    (result,) = json.loads(run(lake, "ingest", path, "--store", store, "--json"))["files"]
    return result


def outcome_of(out: str) -> str:
    (result,) = json.loads(out)["files"]
    return result["outcome"]


def attempts(err: str) -> int:
    return err.count("lake-test: attempt")


# Columns two clean histories of the same files may differ in: file ids (their order is the
# commit order) and when each file was ingested.
IGNORED = {
    "ingested_files": ("file_id", "ingested_at"),
    "order_snapshots": ("first_file_id", "last_file_id"),
    "orders_current": ("last_file_id",),
    "rejected_rows": ("file_id",),
}


def history(lake: TestLake, ignore: dict[str, tuple[str, ...]] | None = None) -> dict[str, list[tuple]]:
    """Every history table's rows, sorted, read in one snapshot by a connection of this process
    (the lake's tables only; the salt table and schema_version's timestamps are left out)."""
    ignore = IGNORED if ignore is None else ignore
    con = lake.read()
    con.execute("begin")
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and not temporary and table_name not in ('installation_secret', 'schema_version') order by 1"
        ).fetchall()]  # fmt: skip
        found = {}
        for name in tables:
            skip = ignore.get(name, ())
            where = ""
            if name == "settings" and "file_id" in ignore.get("ingested_files", ()):
                where = " where key <> 'last_file_id'"  # the file-id counter is a file id too
            columns = f"* exclude ({', '.join(skip)})" if skip else "*"
            found[name] = con.execute(f'select {columns} from "{name}"{where} order by all').fetchall()
        return found
    finally:
        con.execute("commit")


def file_ids(lake: TestLake) -> list[tuple[int, str]]:
    """(file id, file name) of every landed file, in id order."""
    rows = lake.read().execute("select file_id, path from ingested_files order by file_id").fetchall()
    return [(file_id, Path(path).name) for file_id, path in rows]


def reference_like(lake: TestLake, new_lake: Callable[[str], TestLake], name: str,
                   files: list[tuple[Path, str]]) -> TestLake:  # fmt: skip
    """A second lake of the same kind and with `lake`'s buyer-hash salt, where `files` (path,
    store) were ingested one after another by this process."""
    reference = new_lake(name)
    (salt,) = lake.read().execute("select value from installation_secret where key = 'buyer_salt'").fetchone()
    assert salt
    connect(reference.target()).close()  # the schema (and a salt of its own, replaced now)
    con = open_lake(reference.target())
    try:
        set_lake_salt(con, salt)
    finally:
        con.close()
    con = connect(reference.target())
    try:
        for path, store in files:
            assert ingest_file(con, path, store=store).outcome == "ingested"
    finally:
        con.close()
    return reference


# ------------------------------------------------------------------------------------------------
# Exports: small AliExpress files whose orders overlap and move on, so that a second export of
# a store changes orders the first one landed.

DAY = "2024.03.{:02d} {}"


def export(path: Path, prefix: str, numbers: range, *, moved: range = range(0), moved_on: int = 6) -> Path:
    """Orders `prefix` + number, created on March 5th: awaiting shipment, except those in
    `moved`, which were shipped (even numbers) or closed by the buyer (odd) on March `moved_on`."""
    day = 5
    rows = []
    for n in numbers:
        created = DAY.format(day, "10:00")
        values = dict(id=f"{prefix}{n:06d}", created=created, paid=DAY.format(day, "10:30"),
                      buyer=f"Buyer {n % 37}", amount=f"US ${10 + n % 90}.{n % 100:02d}")  # fmt: skip
        if n in moved and n % 2 == 0:
            values.update(status="等待买家收货", shipped=DAY.format(moved_on, "09:00"),
                          tracking=f"LP{n:08d}")  # fmt: skip
        elif n in moved:
            values.update(status="订单关闭", closed=DAY.format(moved_on, "09:00"),
                          close_reason="买家取消订单")  # fmt: skip
        else:
            values.update(status="等待您发货")
        rows.append(ali_row(**values))
    return write_ali(path, rows)


def seeded(lake: TestLake, tmp_path: Path) -> Path:
    """The lake with its schema, its salt and a first small store (ingested by this process:
    the setup, not what is tested, and a second quicker than another storehealth process)."""
    seed = export(tmp_path / "seed.csv", "S", range(5))
    con = connect(lake.target())
    try:
        assert ingest_file(con, seed, store="seed").outcome == "ingested"
    finally:
        con.close()
    return seed


def metrics(lake: TestLake) -> dict:
    return json.loads(run(lake, "metrics", "--all", "--from", "2024-03-01", "--to", "2024-03-31",
                          "--as-of", "2024-03-20", "--json"))  # fmt: skip


# ------------------------------------------------------------------------------------------------
# Two ingests at once


def test_ingests_at_once_all_land_as_one_after_the_other_and_a_file_lands_once(
    new_lake: Callable[[str], TestLake], tmp_path: Path
) -> None:
    """Four `storehealth ingest` processes on one catalog and data path: two exports of one
    store (the second moves 100 of the first one's orders on), another store's export, and the
    first export again. All four reach their commit before any may commit; one wins, the other
    three lose and run again, against each other now, until each has landed (or found its file
    landed)."""
    lake = new_lake("shared")
    seed = seeded(lake, tmp_path)
    first = export(tmp_path / "a.csv", "A", range(0, 500))
    second = export(tmp_path / "b.csv", "A", range(300, 800), moved=range(300, 400))
    other = export(tmp_path / "c.csv", "C", range(0, 500))
    stores = {seed: "seed", first: "store-a", second: "store-a", other: "store-c"}
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    racing = [first, second, other, first]
    racers = [
        start(lake, "ingest", path, "--store", stores[path], "--json", hook="barrier",
              LAKE_TEST_BARRIER=str(barrier), LAKE_TEST_PARTIES=str(len(racing)))
        for path in racing
    ]  # fmt: skip
    started = time.monotonic()
    done = [finish(p) for p in racers]
    took = time.monotonic() - started
    outcomes = [outcome_of(out) for out, _ in done]
    tries = [attempts(err) for _, err in done]
    assert outcomes[1:3] == ["ingested", "ingested"], done
    assert sorted(outcomes[::3]) == ["already ingested", "ingested"], done  # the same file twice
    # one commit won the first round; every other racer lost it and ran its ingest again
    assert sorted(tries)[:2] == [1, 2], tries

    # every file landed once, with an id of its own, and the history is the one of the same
    # files ingested one after another in the order they committed
    landed = file_ids(lake)
    assert [file_id for file_id, _ in landed] == [1, 2, 3, 4], landed
    assert sorted(name for _, name in landed) == ["a.csv", "b.csv", "c.csv", "seed.csv"]
    by_name = {path.name: path for path in stores}
    order = [(by_name[name], stores[by_name[name]]) for _, name in landed]
    reference = reference_like(lake, new_lake, "one-after-the-other", order)
    got = history(lake)
    assert got == history(reference)
    assert len(got["orders_current"]) == 5 + 800 + 500
    assert len(got["order_snapshots"]) == 5 + 800 + 100 + 500
    assert metrics(lake) == metrics(reference)
    print(
        f"{lake.kind}: 4 racing ingests done in {took:.1f} s; attempts {tries}; "
        f"commit order {[name for _, name in landed]}"
    )


# ------------------------------------------------------------------------------------------------
# Readers and writers


def test_readers_never_block_ingests_and_see_each_one_whole_or_not_at_all(
    new_lake: Callable[[str], TestLake], tmp_path: Path
) -> None:
    """A notebook polling the counts through `pipeline.connect(db)`, and a writing and a
    read-only connection each holding one snapshot open, while two ingests land one after
    another."""
    lake = new_lake("shared")
    seeded(lake, tmp_path)
    files = [
        (export(tmp_path / "r1.csv", "R", range(0, 1000)), "store-r"),
        (export(tmp_path / "r2.csv", "R", range(500, 1500), moved=range(500, 800)), "store-r"),
    ]
    # orders_current and ingested_files counts before and after each ingest
    states = [[5, 1], [1005, 2], [1505, 3]]
    stop = tmp_path / "stop"
    readers = []
    for script, *extra in ((POLLER,), (HOLDER,), (HOLDER, "report")):
        reader = subprocess.Popen(
            [sys.executable, "-c", script, lake.spec, str(stop), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=lake.env,
        )  # fmt: skip
        line = reader.stdout.readline().strip()
        assert line == "open", reader.communicate(timeout=60)
        readers.append(reader)
    timings = []
    try:
        for path, store in files:
            started = time.monotonic()
            result = ingest(lake, path, store)
            timings.append(time.monotonic() - started)
            assert result["outcome"] == "ingested"
    finally:
        stop.touch()
    (poller_out, _), (holder_out, _), (report_out, _) = (finish(r, timeout=60) for r in readers)
    polled, held, reported = json.loads(poller_out), json.loads(holder_out), json.loads(report_out)

    # the reader saw every state it saw whole, in order, and ended on the last
    seen = polled["seen"]
    assert all(s in states for s in seen), seen
    assert [states.index(s) for s in seen] == sorted(states.index(s) for s in seen), seen
    assert seen[0] == states[0] and seen[-1] == states[-1], seen
    # one snapshot held through both commits, then the newest one
    assert held == {"first": states[0], "during": states[0], "after": states[-1]}
    assert reported == held  # a report's or a read-only command's figures: all from one moment
    assert all(t < 30 for t in timings), timings
    print(f"{lake.kind}: ingests took {', '.join(f'{t:.1f}' for t in timings)} s beside the readers; "
          f"the poller read {polled['polls']} times (slowest {polled['slowest'] * 1000:.0f} ms), "
          f"saw {len(seen)} states")  # fmt: skip
