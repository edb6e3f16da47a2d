"""`storehealth maintain`: a lake's small Parquet files compacted and its old snapshots expired,
with every figure unchanged; a file's checkpoint; and the weekly run doing it on a lake."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from tests.builders import ali_row, table_contents, write_ali

RUNNER = CliRunner()


def run(*args: object) -> object:
    result = RUNNER.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def weekly_exports(folder: Path, weeks: int) -> list[Path]:
    """One small export a week: twenty new orders, and five of last week's now closed."""
    paths = []
    for week in range(weeks):
        day = f"2024.03.{week + 1:02d}"
        rows = [ali_row(id=f"8{week:02d}{n:03d}", status="等待您发货", created=f"{day} 09:00",
                        paid=f"{day} 10:00") for n in range(20)]  # fmt: skip
        rows += [ali_row(id=f"8{week - 1:02d}{n:03d}", status="订单关闭", created=f"2024.03.{week:02d} 09:00",
                         paid=f"2024.03.{week:02d} 10:00", closed=f"{day} 12:00", cancel_reason="商品缺货")
                 for n in range(8) if week]  # fmt: skip
        paths.append(write_ali(folder / f"week{week}.csv", rows))
    return paths


def figures(db: str) -> dict:
    metrics = run("metrics", "--all", "--from", "2024-03-01", "--to", "2024-03-31", "--json", "--db", db)
    return json.loads(metrics.stdout)


def parquet_files(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.parquet"))


def test_maintain_compacts_a_lake_and_expires_old_snapshots_with_figures_unchanged(tmp_path: Path) -> None:
    catalog = tmp_path / "team.sqlite"
    lake, data = f"ducklake:sqlite:{catalog}", Path(f"{catalog}.files")
    for path in weekly_exports(tmp_path, 5):
        run("ingest", path, "--store", "ali", "--db", lake)
    tables, numbers, files = table_contents(lake), figures(lake), parquet_files(data)
    assert files >= 8  # a file or two per ingest

    # within the retention: files merged, every snapshot kept (the replaced files stay a day)
    kept = json.loads(run("maintain", "--json", "--db", lake).stdout)
    assert kept["backend"] == "ducklake" and kept["keep_days"] == 30
    assert kept["files_merged"] + kept["files_rewritten"] > 0
    assert kept["snapshots_expired"] == 0 and kept["files_before"] == files
    assert table_contents(lake) == tables and figures(lake) == numbers

    # no retention: every snapshot but the latest expires, and the files only they used go
    done = json.loads(run("maintain", "--keep-days", "0", "--json", "--db", lake).stdout)
    assert done["snapshots_expired"] >= 5 and done["files_deleted"] > 0
    assert done["files_after"] == parquet_files(data) < files
    assert done["bytes_freed"] > 0
    assert table_contents(lake) == tables and figures(lake) == numbers

    # the history goes on: another ingest lands on the compacted lake
    later = write_ali(tmp_path / "later.csv", [
        ali_row(id="9000", status="等待您发货", created="2024.03.20 09:00", paid="2024.03.20 10:00"),
    ])  # fmt: skip
    run("ingest", later, "--store", "ali", "--db", lake)
    assert len(table_contents(lake)["ingested_files"]) == 6

    text = run("maintain", "--db", lake).stdout
    assert "snapshots older than 30 days expired" in text and "Parquet files:" in text


def test_the_retention_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    lake = f"ducklake:sqlite:{tmp_path / 'team.sqlite'}"
    for path in weekly_exports(tmp_path, 2):
        run("ingest", path, "--store", "ali", "--db", lake)
    monkeypatch.setenv("STOREHEALTH_KEEP_DAYS", "0")
    done = json.loads(run("maintain", "--json", "--db", lake).stdout)
    assert done["keep_days"] == 0 and done["snapshots_expired"] >= 2


def test_a_file_history_is_checkpointed(tmp_path: Path) -> None:
    db = tmp_path / "history.duckdb"
    (path,) = weekly_exports(tmp_path, 1)
    run("ingest", path, "--store", "ali", "--db", db)
    before = table_contents(db)
    done = json.loads(run("maintain", "--json", "--db", db).stdout)
    assert done["backend"] == "file" and done["bytes_after"] == db.stat().st_size
    assert table_contents(db) == before
    assert "checkpointed the history file" in run("maintain", "--db", db).stdout


def test_the_weekly_run_keeps_a_lake_in_shape(tmp_path: Path) -> None:
    exports = tmp_path / "exports" / "ali"
    exports.mkdir(parents=True)
    weekly_exports(exports, 2)
    lake = f"ducklake:sqlite:{tmp_path / 'team.sqlite'}"
    result = RUNNER.invoke(app, ["run", "--json", "--exports", str(tmp_path / "exports"), "--out",
                                 str(tmp_path / "reports"), "--today", "2024-03-11", "--db", lake,
                                 "--dry-run"])  # fmt: skip
    assert json.loads(result.stdout)["maintenance"] is None  # a dry run changes nothing
    from pipeline.weekly_run import RunSummary, _maintain_lake, default_options

    options = default_options(db_path=lake, exports_root=tmp_path / "exports", today=None)
    for path in sorted(exports.iterdir()):
        run("ingest", path, "--store", "ali", "--db", lake)
    summary = RunSummary("2024-03-11", "2024-W10", "2024-02", False)
    _maintain_lake(options, summary, lambda _m: None)
    assert summary.maintenance is not None and summary.maintenance["files_merged"] > 0
    assert summary.warnings == []
