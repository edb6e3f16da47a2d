"""What a vocabulary edit costs the first command after it (issue 14). Prints medians.

    .venv/bin/python benchmarks/bench_reinterpret.py                # 300,000 orders, 3 runs
    .venv/bin/python benchmarks/bench_reinterpret.py --orders 1000000 --runs 1

On a history of one generated AliExpress export, side by side in one run:
  * opening the history with the vocabulary unchanged (the fingerprint check every command pays),
  * opening it after an edit to the seller's vocabulary.toml that changes the codes of many
    orders (every stored state read anew, every current order rebuilt, in one transaction),
  * opening it after the edit is undone (back to the packaged vocabulary),
  * the ingest of the same export into an empty history, for scale.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_ingest import export_files  # noqa: E402
from pipeline.database import connect  # noqa: E402
from pipeline.ingest import ingest_file  # noqa: E402

# Out of stock no longer the seller's fault, and a common AliExpress reason read as another one:
# many closed orders change their cancel reason or seller_fault.
EDIT = """\
[cancel_reason.any]
"Products out of stock" = "other"
"商品缺货" = "other"

[seller_fault]
cancel_reasons = ["seller_raised_price", "seller_no_response"]
"""


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def open_close(db: Path) -> None:
    connect(db).close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    _xlsx, csv = export_files(args.orders)
    work = Path(tempfile.mkdtemp(prefix="storehealth-bench-reinterpret-"))
    db = work / "history.duckdb"
    user_file = work / "vocabulary.toml"
    con = connect(db)
    ingest_seconds = timed(lambda: ingest_file(con, csv, store="bench"))
    changed_orders = con.execute("select count(*) from orders_current where status = 'closed'").fetchone()[0]
    con.close()

    unchanged, edited, undone, states = [], [], [], []
    for _ in range(args.runs):
        unchanged.append(timed(lambda: open_close(db)))
        user_file.write_text(EDIT, encoding="utf-8")
        edited.append(timed(lambda: open_close(db)))
        con = connect(db)
        states.append(con.execute("select count_if(seller_fault) from orders_current").fetchone()[0])
        con.close()
        user_file.unlink()
        undone.append(timed(lambda: open_close(db)))

    print(f"history: {args.orders:,} AliExpress orders ({changed_orders:,} closed); "
          f"medians of {args.runs} runs")
    print(f"{'':44}{'seconds':>9}  runs")
    for label, values in (
        ("open, vocabulary unchanged", unchanged),
        ("open after a vocabulary edit (reinterpret)", edited),
        ("open after the edit is undone", undone),
    ):
        print(f"{label:44}{statistics.median(values):9.2f}  {[round(v, 2) for v in values]}")
    print(f"{'ingest of the same export (empty history)':44}{ingest_seconds:9.2f}")
    print(f"reinterpretation / ingest: {statistics.median(edited) / ingest_seconds:.2f}; "
          f"seller-fault orders under the edit: {states[0]:,}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
