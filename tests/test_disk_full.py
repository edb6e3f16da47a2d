"""An ingest that runs out of space fails with a clear message and leaves the history as it was.

The disk is "full" through the file-size limit (RLIMIT_FSIZE, `ulimit -f`) of the ingest
process: the database file cannot grow past it, as on a full disk. Python ignores SIGXFSZ, so
the write fails with EFBIG inside DuckDB, as ENOSPC would.
"""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

from tests.builders import ali_row, table_contents, write_ali

REPO = Path(__file__).resolve().parents[1]
STOREHEALTH = REPO / ".venv" / "bin" / "storehealth"
T = "2024.03.05 10:00"


def ingest(db: Path, *paths: Path, limit_bytes: int | None = None) -> subprocess.CompletedProcess:
    def cap() -> None:
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(
        [str(STOREHEALTH), "ingest", *map(str, paths), "--store", "s", "--db", str(db)],
        capture_output=True, text=True, preexec_fn=cap, timeout=300,
    )  # fmt: skip


def test_a_full_disk_refuses_the_file_and_keeps_the_history(tmp_path: Path) -> None:
    db = tmp_path / "history.duckdb"
    small = write_ali(tmp_path / "small.csv", [ali_row(id=f"S{i}", status="等待您发货", created=T, paid=T)
                                               for i in range(5)])  # fmt: skip
    big = write_ali(tmp_path / "big.csv", [
        ali_row(id=f"B{i:06d}", status="等待您发货", created=T, paid=T, remark=f"remark {i}" * 20)
        for i in range(60_000)
    ])  # fmt: skip
    later = write_ali(tmp_path / "later.csv", [ali_row(id="L1", status="等待您发货", created=T, paid=T)])
    assert ingest(db, small).returncode == 0
    before = table_contents(db)

    full = ingest(db, big, later, limit_bytes=db.stat().st_size + 512 * 1024)
    assert full.returncode == 1
    assert "Traceback" not in full.stderr and "internal error" not in full.stderr
    assert "big.csv" in full.stderr and "file too large" in full.stderr
    assert "free some space" in full.stderr.lower()
    assert "later.csv" not in full.stdout  # nothing more is tried on a full disk
    assert table_contents(db) == before

    again = ingest(db, big, later)
    assert again.returncode == 0, again.stderr
    assert len(table_contents(db)["orders_current"]) == 5 + 60_000 + 1
