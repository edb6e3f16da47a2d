"""DuckLake against the embedded file, side by side in one run: the same history, the same commands.

    .venv/bin/python benchmarks/bench_lake.py                        # 1 M and 10 M orders, 5 runs
    .venv/bin/python benchmarks/bench_lake.py --sizes 1000000 --repeat 3 --keep

For each size the history of benchmarks/bench_metrics.py (N orders of 50 stores over two years,
generated in SQL straight into a .duckdb file) is built once, then moved into a `ducklake:sqlite`
lake (catalog `lake-N.sqlite`, data in `lake-N.sqlite.files/`) by `storehealth migrate`, as a
seller moves a history: every table copied and checked, the buyer-hash salt carried over. The
move writes a few large Parquet files, orders_current's sorted by created_at
(pipeline/sql/schema/lake_layout.sql: a metrics window skips the row groups outside it), so
compaction (ducklake_merge_adjacent_files) has next to nothing to merge: the lake's extra cost
is per command, not per row.

Timed as real commands (the target is the command's wall time, process start included),
alternating file and lake runs so that the machine's noise hits both alike; medians of
--repeat runs, peak RSS from /usr/bin/time:
  * `storehealth metrics --all --from <month> --to <month end> --json`, May 2024 (the last month),
  * `storehealth metrics --all --from <monday 52 weeks back> --to <sunday> --by week --json`,
  * `storehealth ingest` of one more 50,000-order AliExpress export (demo generator, as
    benchmarks/bench_ingest.py), into a fresh copy of each history every run.
A lake's command starts with its extensions loaded unsigned from our pinned packages, its
macros bound in memory, and (read-only) one catalog snapshot: see pipeline/lake.py.

Targets (the issue): the lake within 2x of the file for both metrics commands and still under 1 s
at 10 M orders; the ingest within 1.5x of the file.

Histories are cached in /tmp/storehealth-bench-lake/ and reused with --keep (when the
generator and schema are unchanged); without --keep they are built again.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_metrics  # noqa: E402
import duckdb  # noqa: E402
from bench_metrics import LAST_DAY, TIME, WEEK_FROM  # noqa: E402

from pipeline.demo import export_table, simulate_orders, write_export  # noqa: E402
from pipeline.migrate import migrate  # noqa: E402
from pipeline.salt import write_salt  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "storehealth-bench-lake"
SALT = "bench0123456789abcdef0123456789ab"  # the same buyer-hash salt for the file and the lakes
EXPORT_STORE, EXPORT_PLATFORM = "ali-00", "aliexpress"  # the largest store of the generator
MONTH_TO = LAST_DAY.replace(day=1) - timedelta(days=1)  # the last whole month: May 2024
MONTH_FROM = MONTH_TO.replace(day=1)
TARGETS = {"metrics": 2.0, "by week": 2.0, "ingest": 1.5}
COPY_MEMORY = "2GB"


def label(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1e3:g}k"


def du(path: Path) -> tuple[int, int]:
    """Bytes and files under a path (a file or a folder)."""
    if path.is_file():
        return path.stat().st_size, 1
    sizes = [p.stat().st_size for p in path.rglob("*") if p.is_file()]
    return sum(sizes), len(sizes)


# ----------------------------------------------------------------------------------------------
# The histories
# ----------------------------------------------------------------------------------------------


_GENERATOR_SQL = bench_metrics.generator_sql


def _generator_by_name(n: int) -> str:
    """bench_metrics' insert, by column name: its select lacks refunded_amount (schema v3), which
    a positional insert refuses ("40 columns but 39 values"); by name it is left null."""
    sql = _GENERATOR_SQL(n)
    return sql.replace("insert into orders_current\n", "insert into orders_current by name\n", 1)


def build_file(n: int, keep: bool) -> Path:
    """bench_metrics' generated history of n orders, in this benchmark's cache, with a salt."""
    bench_metrics.CACHE = CACHE
    bench_metrics.generator_sql = _generator_by_name
    CACHE.mkdir(exist_ok=True)
    db = bench_metrics.build_history(n, rebuild=not keep)
    write_salt(db, SALT)
    # the generator writes ingested_files' ids itself: the sequence must start past them (as
    # restore does), or the next ingest takes file id 1 again
    con = duckdb.connect(str(db))
    try:
        next_id = con.execute("select coalesce(max(file_id), 0) + 1 from ingested_files").fetchone()[0]
        con.execute("drop sequence ingested_file_ids")
        con.execute(f"create sequence ingested_file_ids start {int(next_id)}")
    finally:
        con.close()
    return db


def lake_paths(n: int) -> tuple[Path, Path]:
    catalog = CACHE / f"lake-{n}.sqlite"
    return catalog, Path(str(catalog) + ".files")


def remove_lake(catalog: Path) -> None:
    for path in CACHE.glob(catalog.name + "*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()


def build_lake(n: int, db: Path, keep: bool) -> Path:
    """The file moved into a ducklake:sqlite lake as a seller moves one (`storehealth migrate`:
    every table copied and checked, the salt carried over), cached under the file's version key."""
    catalog, files = lake_paths(n)
    stamp = CACHE / f"lake-{n}.version"
    key = (CACHE / f"metrics-{n}.version").read_text().strip()
    if keep and catalog.exists() and stamp.exists() and stamp.read_text().strip() == key:
        return catalog
    remove_lake(catalog)
    stamp.unlink(missing_ok=True)
    started = time.perf_counter()
    print(f"migrating {n:,} orders into {catalog.name} ...", end=" ", flush=True)
    before = os.environ.get("STOREHEALTH_MEMORY_LIMIT")
    os.environ["STOREHEALTH_MEMORY_LIMIT"] = COPY_MEMORY  # for the move only, not the timed commands
    try:
        migrate(db, f"ducklake:sqlite:{catalog}")
    finally:
        if before is None:
            del os.environ["STOREHEALTH_MEMORY_LIMIT"]
        else:
            os.environ["STOREHEALTH_MEMORY_LIMIT"] = before
    size, count = du(files)
    print(f"{time.perf_counter() - started:.0f} s, {size / 2**20:,.0f} MiB in {count} data files", flush=True)
    stamp.write_text(key + "\n")
    return catalog


def export_file() -> Path:
    """One more AliExpress export of 50,000 orders for store ali-00, a week after the history
    (demo generator, as bench_ingest.py; ids beyond the generated history's)."""
    path = CACHE / "export-50000.csv"
    if not path.exists():
        end = datetime.combine(LAST_DAY, datetime.min.time()) + timedelta(days=7)
        orders = simulate_orders(EXPORT_PLATFORM, 50_000, end - timedelta(days=85), end,
                                 seed=7, store=EXPORT_STORE, id_offset=50_000)
        headers, table = export_table(orders, EXPORT_PLATFORM, end, window_days=90)
        write_export(path, headers, table, platform=EXPORT_PLATFORM)
    return path


def fresh_copy(kind: str, source: Path, work: Path) -> list[str]:
    """A copy of a history for one ingest run; the --db (and --data-path) arguments for it."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    if kind == "file":
        copy = work / source.name
        shutil.copy(source, copy)
        shutil.copy(str(source) + ".salt", str(copy) + ".salt")
        return ["--db", str(copy)]
    copy = work / source.name
    shutil.copy(source, copy)
    shutil.copytree(str(source) + ".files", str(copy) + ".files")
    # the catalog keeps its data path (absolute; the files' own paths are relative to it), and
    # DuckLake refuses another one at ATTACH: point the copy's catalog at the copied files
    with sqlite3.connect(copy) as catalog:
        catalog.execute("update ducklake_metadata set value = ? where key = 'data_path'",
                        [str(copy) + ".files/"])
    return ["--db", f"ducklake:sqlite:{copy}"]


# ----------------------------------------------------------------------------------------------
# The runs
# ----------------------------------------------------------------------------------------------


def db_args(history: str, path: Path) -> list[str]:
    return ["--db", str(path)] if history == "file" else ["--db", f"ducklake:sqlite:{path}"]


CLI = [str(bench_metrics.CLI)]
KINDS = {  # kind: (history, command)
    "file": ("file", CLI),
    "lake": ("lake", CLI),
}
INGEST_KINDS = ["file", "lake"]  # every ingest run copies the history


def run_command(command: list[str], args: list[str]) -> dict:
    """bench_metrics.run_cli for any command line: exit status, wall seconds, peak RSS (MiB)
    from /usr/bin/time (a child's ru_maxrss starts at this process's own)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        full = [*command, *args]
        if TIME.exists():
            full = [str(TIME), "-q", "-f", "%M", "-o", rss.name, *full]
        started = time.perf_counter()
        proc = subprocess.Popen(full, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        peak_kib = usage.ru_maxrss
        if TIME.exists():
            lines = rss.read().split()
            peak_kib = int(lines[-1]) if lines and lines[-1].isdigit() else peak_kib
        out.seek(0)
        err.seek(0)
        return {"rc": os.waitstatus_to_exitcode(status), "seconds": seconds, "peak_mib": peak_kib / 1024,
                "stdout": out.read().decode(), "stderr": err.read().decode()}


def run_checked(args: list[str], command: list[str] = CLI) -> dict:
    res = run_command(command, args)
    if res["rc"] != 0:
        raise SystemExit(f"storehealth {' '.join(args)} exited {res['rc']}:\n{res['stderr']}")
    return res


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def measure(paths: dict[str, Path], repeat: int, export: Path, work: Path) -> dict:
    """{operation: {kind: [run results]}}: each repetition runs every kind in turn (in reverse
    order every other time), so that the machine's load hits them alike."""
    operations = {
        "metrics": ["metrics", "--all", "--from", MONTH_FROM.isoformat(), "--to", MONTH_TO.isoformat(),
                    "--json"],
        "by week": ["metrics", "--all", "--from", WEEK_FROM.isoformat(), "--to", LAST_DAY.isoformat(),
                    "--by", "week", "--json"],
    }
    results: dict[str, dict[str, list[dict]]] = {op: {k: [] for k in KINDS} for op in operations}
    results["ingest"] = {k: [] for k in INGEST_KINDS}
    for op, args in operations.items():
        answers = {}
        for kind, (history, command) in KINDS.items():  # one untimed run each: a warm OS cache for all
            res = run_checked([*args, *db_args(history, paths[history])], command)
            answers[kind] = json.loads(res["stdout"])
        for kind, answer in answers.items():  # the lake must answer what the file answers
            if answer != answers["file"]:
                print(f"  warning: {op} on the {kind} differs from the file's figures", flush=True)
        for i in range(repeat):
            for kind in list(KINDS) if i % 2 == 0 else list(reversed(KINDS)):
                history, command = KINDS[kind]
                results[op][kind].append(run_checked([*args, *db_args(history, paths[history])], command))
    for i in range(repeat):
        for kind in list(INGEST_KINDS) if i % 2 == 0 else list(reversed(INGEST_KINDS)):
            history, command = KINDS[kind]
            where = fresh_copy(history, paths[history], work / history)
            res = run_checked(["ingest", str(export), "--store", EXPORT_STORE, "--json", *where], command)
            results["ingest"][kind].append(res)
    shutil.rmtree(work, ignore_errors=True)
    return results


def summary(runs: list[dict]) -> dict:
    seconds = [r["seconds"] for r in runs]
    return {"median": statistics.median(seconds), "best": min(seconds),
            "peak_mib": max(r["peak_mib"] for r in runs), "all": [round(s, 2) for s in seconds]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated order counts")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each command (median quoted)")
    parser.add_argument("--keep", action="store_true", help="reuse the histories cached in " + str(CACHE))
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())

    export = export_file()
    print(f"load average before: {load_average()} ({os.cpu_count()} cores)", flush=True)
    histories: dict[int, dict[str, Path]] = {}
    for n in sizes:
        db = build_file(n, args.keep)
        histories[n] = {"file": db, "lake": build_lake(n, db, args.keep)}
        (size, _), (lake_size, lake_files) = du(db), du(lake_paths(n)[1])
        print(f"  {label(n)}: file {size / 2**20:,.0f} MiB; lake {lake_size / 2**20:,.0f} MiB in "
              f"{lake_files} data files", flush=True)

    startup = summary([run_checked(["--help"]) for _ in range(args.repeat)])
    print(f"start-up alone (storehealth --help): median {startup['median']:.2f} s", flush=True)

    rows = []
    for n in sizes:
        print(f"\n{n:,} orders: {args.repeat} runs of each (load {load_average()})", flush=True)
        results = measure(histories[n], args.repeat, export, CACHE / "work")
        for op, by_kind in results.items():
            stats = {kind: summary(runs) for kind, runs in by_kind.items()}
            for kind, st in stats.items():
                print(f"  {op:8} {kind:11} median {st['median']:.2f} s, best {st['best']:.2f}, "
                      f"peak {st['peak_mib']:.0f} MiB, runs {st['all']}", flush=True)
            rows.append((n, op, stats))
    print(f"\nload average after: {load_average()} ({os.cpu_count()} cores)")

    print(f"\n{'size':>5} {'operation':10}{'file s':>8}{'lake s':>8}{'ratio':>7}{'file MiB':>10}"
          f"{'lake MiB':>10}  {'target':16}{'verdict':8}")
    for n, op, stats in rows:
        file, lake = stats["file"]["median"], stats["lake"]["median"]
        ok = lake / file <= TARGETS[op]
        target = f"<= {TARGETS[op]:g}x"
        if op != "ingest" and n >= 10_000_000:
            target += ", < 1 s"
            ok = ok and lake < 1.0
        print(f"{label(n):>5} {op:10}{file:>8.2f}{lake:>8.2f}{lake / file:>6.2f}x"
              f"{stats['file']['peak_mib']:>10.0f}{stats['lake']['peak_mib']:>10.0f}"
              f"  {target:16}{'pass' if ok else 'FAIL':8}")
    print(f"(medians of {args.repeat} alternating runs: the command's wall time, its "
          f"{startup['median']:.2f} s start-up included)")


if __name__ == "__main__":
    main()
