"""Report rendering, measured in one run (SPEC section 6). Prints medians.

    .venv/bin/python benchmarks/bench_reports.py              # 20 stores, 3 runs each
    .venv/bin/python benchmarks/bench_reports.py --stores 50 --runs 1 --sequential

Measures, on a generated history of N stores (1,500 orders each, cached between runs):
  * one weekly report: `storehealth report weekly --store s01`, a fresh process, so the
    Python start, the kernel start and the imports are all included (target < 10 s);
  * N stores' weekly reports with `--all-stores` (two kernels, reused), against N times the
    single time (target: 20 stores < 4 x one report);
  * optionally (--sequential) the N single commands run one after the other, for real;
  * the size of the HTML (target < 6 MB, plotly.js embedded).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.demo import export_table, simulate_orders, write_export  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "storehealth-bench-reports"
STOREHEALTH = ROOT / ".venv" / "bin" / "storehealth"
AS_OF = datetime(2024, 6, 3, 9, 0)
WEEK = "2024-W21"


def build_history(stores: int, orders: int) -> Path:
    """A history of `stores` stores (AliExpress and eBay in turn), one export each."""
    db = CACHE / f"history-{stores}x{orders}.duckdb"
    if db.exists():
        return db
    from pipeline.database import connect
    from pipeline.ingest import ingest_file

    CACHE.mkdir(parents=True, exist_ok=True)
    exports = CACHE / f"exports-{stores}x{orders}"
    con = connect(db)
    try:
        for i in range(1, stores + 1):
            store = f"s{i:02d}"
            platform = "aliexpress" if i % 3 else "ebay"
            start = AS_OF - timedelta(days=150)
            sim = simulate_orders(platform, orders, start, AS_OF - timedelta(days=3), seed=i, store=store)
            headers, rows = export_table(sim, platform, AS_OF - timedelta(days=3))
            path = write_export(exports / store / "orders.csv", headers, rows, platform=platform)
            ingest_file(con, path, store=store)
            print(f"  history: {store} ({platform}) ingested", file=sys.stderr)
    finally:
        con.close()
    return db


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run([str(STOREHEALTH), *args], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"storehealth {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--orders", type=int, default=1500, help="orders per store")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sequential", action="store_true", help="also run the N single commands")
    args = parser.parse_args()

    db = build_history(args.stores, args.orders)
    out = Path(tempfile.mkdtemp(prefix="storehealth-bench-out-"))
    try:
        base = ["--week", WEEK, "--db", str(db), "--out", str(out)]
        single = [timed(["report", "weekly", "--store", "s01", *base]) for _ in range(args.runs)]
        many = [timed(["report", "weekly", "--all-stores", *base]) for _ in range(args.runs)]
        sequential = None
        if args.sequential:
            start = time.perf_counter()
            for i in range(1, args.stores + 1):
                timed(["report", "weekly", "--store", f"s{i:02d}", *base])
            sequential = time.perf_counter() - start
        sizes = [p.stat().st_size for p in (out / "weekly").glob("*/*.html")]
    finally:
        shutil.rmtree(out, ignore_errors=True)

    one, all_ = statistics.median(single), statistics.median(many)
    n = args.stores
    print(f"history: {n} stores x {args.orders:,} orders ({db})")
    print(f"one weekly report, fresh process, kernel start included: {one:.2f} s median of {args.runs} "
          f"(runs: {', '.join(f'{s:.2f}' for s in single)}) [target < 10 s]")  # fmt: skip
    print(f"{n} stores, --all-stores: {all_:.2f} s median of {args.runs} "
          f"(runs: {', '.join(f'{s:.2f}' for s in many)}) = {all_ / one:.2f} x one report; "
          f"{n} x one report = {n * one:.2f} s "
          f"[target for 20 stores: < 4 x one = {4 * one:.2f} s]")  # fmt: skip
    print(f"per report in --all-stores: {all_ / n:.2f} s")
    if sequential is not None:
        print(f"{n} single commands one after the other: {sequential:.2f} s "
              f"({sequential / all_:.1f} x --all-stores)")  # fmt: skip
    print(f"HTML size: {max(sizes) / 1e6:.2f} MB largest, {min(sizes) / 1e6:.2f} MB smallest [target < 6 MB]")


if __name__ == "__main__":
    main()
