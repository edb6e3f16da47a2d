"""Ctrl-C during a command: one message, exit 130, and the history as it was before."""

from __future__ import annotations

import csv
import signal
import subprocess
import time
from pathlib import Path

from tests.builders import table_contents
from tests.test_bad_input import STOREHEALTH, write_ali


def _big_export(path: Path, rows: int) -> Path:
    headers = ["订单号", "订单状态", "下单时间", "付款时间", "订单金额", "买家选择物流"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for k in range(rows):
            writer.writerow([f"81{k:014d}", "等待您发货", f"2024-03-{1 + k % 28:02d} 10:00:00",
                             f"2024-03-{1 + k % 28:02d} 10:05:00", "US $9.99", "Cainiao"])  # fmt: skip
    return path


def test_ctrl_c_during_an_ingest_says_so_and_keeps_nothing(tmp_path: Path) -> None:
    from tests.test_bad_input import GOOD_ORDERS

    db = tmp_path / "history.duckdb"
    first = subprocess.run([str(STOREHEALTH), "ingest", write_ali(tmp_path / "first.csv", GOOD_ORDERS),
                            "--store", "s1", "--db", str(db)], capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    before = table_contents(db)
    big = _big_export(tmp_path / "big.csv", 400_000)
    outcomes = []
    # the interrupt lands in reading, in a query or in the merge, wherever the process is then
    for delay in (1.0, 2.5):
        proc = subprocess.Popen([str(STOREHEALTH), "ingest", big, "--store", "s1", "--db", str(db)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
        outcomes.append(proc.returncode)
        if proc.returncode == 0:  # this machine finished before the interrupt: nothing to check
            continue
        assert proc.returncode == 130, stderr
        assert "interrupted; nothing half-written was kept" in stderr
        assert "internal error" not in stderr and "Traceback" not in stderr, stderr
        assert table_contents(db) == before
    assert 130 in outcomes
