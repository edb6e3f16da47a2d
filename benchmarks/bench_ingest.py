"""Ingest throughput, measured side by side in one run (SPEC section 6). Prints medians.

    .venv/bin/python benchmarks/bench_ingest.py            # 300,000 rows, 3 runs each
    .venv/bin/python benchmarks/bench_ingest.py --rows 50000 --runs 1 --history 100000 300000

Compares, on the same generated AliExpress export:
  * calamine's raw parse of the .xlsx (the floor for any Excel ingest),
  * `storehealth ingest` of the .xlsx and of the same orders as .csv,
  * the naive script a seller would write: pandas + openpyxl, concat, drop_duplicates, to_csv,
and how the cost of one more export grows with the history (0.1 M to 3 M orders).
Each measured ingest runs in a fresh subprocess, so that peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.demo import export_table, simulate_orders, write_export  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "storehealth-bench"

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
kind, path, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
if kind == "calamine":
    import python_calamine
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = sum(len(wb.get_sheet_by_name(n).to_python()) - 1 for n in wb.sheet_names)
elif kind == "ingest":
    from pipeline.database import connect
    from pipeline.ingest import ingest_file
    con = connect(Path(db))
    result = ingest_file(con, path, store="bench")
    con.close()
    rows = result.rows_read
    steps = result.step_seconds
elif kind == "naive":
    import pandas as pd
    frames = [pd.read_excel(path, engine="openpyxl", dtype=str)]
    history = Path(db).with_suffix(".csv")
    if history.exists():
        frames.insert(0, pd.read_csv(history, dtype=str))
    merged = pd.concat(frames).drop_duplicates(subset=[frames[-1].columns[0]], keep="last")
    merged.to_csv(history, index=False)
    rows = len(frames[-1])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mib": peak, "steps": locals().get("steps", {})}))
"""


def run_child(kind: str, path: Path, db: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path), str(db)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def export_files(rows: int, seed: int = 11) -> tuple[Path, Path]:
    """A rolling AliExpress export of `rows` orders, as .xlsx and .csv (cached between runs)."""
    CACHE.mkdir(exist_ok=True)
    xlsx, csv = CACHE / f"ali_{rows}.xlsx", CACHE / f"ali_{rows}.csv"
    if not (xlsx.exists() and csv.exists()):
        end = datetime(2024, 3, 31)
        orders = simulate_orders("aliexpress", rows, end - timedelta(days=85), end, seed=seed)
        headers, table = export_table(orders, "aliexpress", end, window_days=90)
        write_export(csv, headers, table, platform="aliexpress")
        write_export(xlsx, headers, table, platform="aliexpress")
    return xlsx, csv


def history_export(orders: int, index: int, offset: int) -> Path:
    """One more CSV export of `orders` orders with ids from `offset` (for growing a history)."""
    path = CACHE / f"hist_{orders}_{index}.csv"
    if not path.exists():
        end = datetime(2024, 3, 31) + timedelta(days=index)
        sim = simulate_orders("aliexpress", orders, end - timedelta(days=85), end,
                              seed=100 + index, id_offset=offset)
        headers, table = export_table(sim, "aliexpress", end, window_days=90)
        write_export(path, headers, table, platform="aliexpress")
    return path


def median_of(runs: int, fn) -> dict:
    results = [fn() for _ in range(runs)]
    return {
        "rows": results[0]["rows"],
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_mib": max(r["peak_mib"] for r in results),
        "all": [round(r["seconds"], 2) for r in results],
        "steps": {k: statistics.median(r["steps"][k] for r in results) for k in results[0].get("steps", {})},
    }


# What bounds each step of an ingest (pipeline/ingest.py books the seconds).
STEP_BOUNDS = {
    "hash": "SHA-256 of the file (hashlib), to know a file seen before",
    "read": "the parse: calamine (fastexcel) for .xlsx/.xls, pyarrow's CSV reader after encoding sniffing",
    "adapt": "header detection, column mapping and item rows, in Arrow",
    "stage": "stg_* and int_export_rows: typing every cell (dates, amounts) in DuckDB",
    "check": "rejects, damaged ids, conflicts, int_export_orders (hash per order)",
    "merge": "the history models: snapshots seen/new, current rows rebuilt or added",
    "record": "ingested_files, rejected rows, commit",
}


def print_steps(steps: dict[str, dict[str, float]]) -> None:
    """The medians per step, side by side, with what bounds each."""
    print("\nwhere the ingest's time goes (median seconds per step):")
    print(f"  {'step':8}" + "".join(f"{name:>8}" for name in steps) + "  bound by")
    for step, bound in STEP_BOUNDS.items():
        cells = "".join(f"{values.get(step, 0):8.2f}" for values in steps.values())
        print(f"  {step:8}{cells}  {bound}")


def fresh_db(work: Path, name: str) -> Path:
    db = work / f"{name}.duckdb"
    db.unlink(missing_ok=True)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive-runs", type=int, default=1)
    parser.add_argument("--history", type=int, nargs="*", default=[100_000, 1_000_000, 3_000_000])
    parser.add_argument("--export-orders", type=int, default=50_000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="storehealth-bench-"))
    xlsx, csv = export_files(args.rows)
    print(f"export: {args.rows:,} AliExpress orders; {xlsx.stat().st_size / 2**20:.0f} MiB .xlsx, "
          f"{csv.stat().st_size / 2**20:.0f} MiB .csv; medians of {args.runs} runs", flush=True)

    calamine = median_of(args.runs, lambda: run_child("calamine", xlsx, work / "none"))
    ingest_xlsx = median_of(args.runs, lambda: run_child("ingest", xlsx, fresh_db(work, "x")))
    ingest_csv = median_of(args.runs, lambda: run_child("ingest", csv, fresh_db(work, "c")))
    naive = median_of(args.naive_runs, lambda: run_child("naive", xlsx, fresh_db(work, "n")))
    rate = {k: v["rows"] / v["seconds"] for k, v in
            {"calamine": calamine, "xlsx": ingest_xlsx, "csv": ingest_csv, "naive": naive}.items()}
    print(f"{'':34}{'seconds':>9}{'rows/s':>10}{'peak MiB':>10}  runs")
    for label, key, res in [
        ("calamine raw parse (.xlsx)", "calamine", calamine),
        ("storehealth ingest (.xlsx)", "xlsx", ingest_xlsx),
        ("storehealth ingest (.csv)", "csv", ingest_csv),
        ("naive pandas+openpyxl (.xlsx)", "naive", naive),
    ]:
        print(f"{label:34}{res['seconds']:9.2f}{rate[key]:10,.0f}{res['peak_mib']:10.0f}  {res['all']}")
    print(f"ingest .xlsx vs naive: {rate['xlsx'] / rate['naive']:.1f}x (target >= 10x)")
    print(f"ingest .xlsx vs calamine parse rate: {rate['xlsx'] / rate['calamine']:.0%} (target >= 80%)")
    print(f"ingest .csv: {rate['csv']:,.0f} rows/s (target >= 100,000)")
    print(f"ingest .xlsx peak memory: {ingest_xlsx['peak_mib']:.0f} MiB (target < 1536)", flush=True)
    print_steps({".xlsx": ingest_xlsx["steps"], ".csv": ingest_csv["steps"]})

    if not args.history:
        return
    print(f"\none more export of {args.export_orders:,} orders into a growing history:")
    grown = work / "grown.duckdb"
    grown.unlink(missing_ok=True)
    have, index, timings = 0, 0, []
    for target in sorted(args.history):
        while have < target:
            size = min(300_000, target - have)
            run_child("ingest", history_export(size, index, offset=have), grown)
            have += size
            index += 1
        probe_export = history_export(args.export_orders, 999, offset=have - args.export_orders // 2)
        samples = []
        for _ in range(args.runs):
            copy = work / "probe.duckdb"
            shutil.copy(grown, copy)
            samples.append(run_child("ingest", probe_export, copy)["seconds"])
        timings.append((target, statistics.median(samples)))
        print(f"  history {target:>10,} orders: {timings[-1][1]:6.2f} s  ({[round(s, 2) for s in samples]})",
              flush=True)
    print(f"largest / smallest: {timings[-1][1] / timings[0][1]:.2f}x (target <= 1.5x)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
