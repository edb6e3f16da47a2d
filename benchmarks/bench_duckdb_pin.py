"""What pinning DuckDB costs: the same commands on the pinned DuckDB and on another version,
side by side in one run.

    .venv/bin/pip install --target /tmp/storehealth-duckdb-other duckdb==2.0.1
    .venv/bin/python benchmarks/bench_duckdb_pin.py --other /tmp/storehealth-duckdb-other

DuckDB is pinned to the newest version the DuckLake extension packages exist for (1.5.5); this
puts a number on what that costs a user of the embedded file. The other version is put first
on PYTHONPATH of each child process, so that it shadows the installed one; pipeline/ is the
same code for both. Timed, alternating the two versions every run, medians of --runs:
  * `storehealth metrics --all --json` over the whole history and a 52-week `--by week`, on a
    copy of benchmarks/bench_metrics.py's history of --orders orders (read-only commands; the
    copy keeps the cached history away from a newer DuckDB's storage format),
  * one in-process `ingest_file` of benchmarks/bench_ingest.py's 300,000-order `.csv` export
    into a new history (the SQL of the ingest: staging, checks, merge).
Both versions must print the same figures, byte for byte.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_ingest  # noqa: E402
import bench_metrics  # noqa: E402
import duckdb  # noqa: E402

INGEST = r"""
import sys, tempfile, time
from pathlib import Path
from pipeline.database import connect
from pipeline.ingest import ingest_file
con = connect(Path(tempfile.mkdtemp(dir=sys.argv[2])) / "history.duckdb")
con.execute("set enable_progress_bar = false")  # stdout carries the seconds only
started = time.perf_counter()
ingest_file(con, sys.argv[1], store="bench")
print(time.perf_counter() - started)
"""


def other_version(folder: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-c", "import duckdb; print(duckdb.__version__)"],
        env={**os.environ, "PYTHONPATH": str(folder)}, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    return out.stdout.strip()


def timed(args: list[str], other: Path | None) -> tuple[float, str]:
    """Wall seconds of `python ARGS` (the metrics command) and its standard output."""
    env = dict(os.environ)
    if other:
        env["PYTHONPATH"] = str(other)
    else:
        env.pop("PYTHONPATH", None)
    started = time.perf_counter()
    out = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {out.returncode}:\n{out.stderr}")
    return seconds, out.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True, help="a folder with another duckdb in it")
    parser.add_argument("--orders", type=int, default=10_000_000, help="orders in the metrics history")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    version = other_version(args.other)
    if not version or version == duckdb.__version__:
        raise SystemExit(f"no other DuckDB in {args.other}: .venv/bin/pip install --target "
                         f"{args.other} duckdb==2.0.1")  # fmt: skip
    history = bench_metrics.build_history(args.orders, rebuild=False)
    _, export = bench_ingest.export_files(300_000)
    work = Path(tempfile.mkdtemp(prefix="storehealth-pin-"))
    try:
        copy = work / "history.duckdb"
        shutil.copy(history, copy)
        salt = Path(f"{history}.salt")
        if salt.exists():
            shutil.copy(salt, Path(f"{copy}.salt"))
        first, last = bench_metrics.FIRST_DAY.isoformat(), bench_metrics.LAST_DAY.isoformat()
        metrics = ["-m", "pipeline", "metrics", "--all", "--json", "--db", str(copy), "--to", last]
        commands = {
            "metrics --all, whole history": [*metrics, "--from", first],
            "metrics --all --by week, 52 weeks": [*metrics, "--from", bench_metrics.WEEK_FROM.isoformat(),
                                                  "--by", "week"],
            "ingest 300,000-order .csv, in process": ["-c", INGEST, str(export), str(work)],
        }  # fmt: skip
        kinds = {duckdb.__version__: None, version: args.other}
        print(f"DuckDB {duckdb.__version__} (installed) against {version} ({args.other}); "
              f"{args.orders:,} orders; medians of {args.runs} alternating runs", flush=True)
        for name, command in commands.items():
            seconds: dict[str, list[float]] = {v: [] for v in kinds}
            answers: dict[str, str] = {}
            for i in range(args.runs):
                for v in list(kinds) if i % 2 == 0 else list(reversed(kinds)):
                    took, out = timed(command, kinds[v])
                    # the ingest prints its own seconds: the process start and imports are not its SQL
                    seconds[v].append(float(out) if name.startswith("ingest") else took)
                    answers[v] = out
            if not name.startswith("ingest") and len(set(answers.values())) != 1:
                print(f"  warning: {name}: the two versions' figures differ", flush=True)
            pinned, other = (statistics.median(seconds[v]) for v in kinds)
            print(f"  {name:40} {pinned:6.2f} s on {duckdb.__version__}, {other:6.2f} s on {version} "
                  f"({pinned / other:.2f}x)", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
