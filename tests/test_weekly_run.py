"""`storehealth run` over three simulated weeks of drop folders, as a seller's cron job runs it.

Three stores (two AliExpress, one eBay) export their rolling 90-day window every Sunday and
drop it in data/exports/<store>/; the job runs on Mondays 13, 20 and 27 May 2024.
  week 1: every store drops its export (plus the one from four weeks before, the first time);
  week 2: ebay-us forgets: exit 3 and the missing-export warning;
  week 3: ali-outlet's file is a truncated download: exit 1, the others still land and render.
Each week is also run a second time, which must change nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.demo import export_table, simulate_orders, write_export
from tests.builders import table_contents
from tests.demo_oracle import expected_history_states

REPO = Path(__file__).resolve().parents[1]
STOREHEALTH = REPO / ".venv" / "bin" / "storehealth"
STORES = {"ali-main": "aliexpress", "ali-outlet": "aliexpress", "ebay-us": "ebay"}
RUNS = [date(2024, 5, 13), date(2024, 5, 20), date(2024, 5, 27)]
FIRST_EXPORT = datetime(2024, 4, 14, 18, 0)  # four weeks before the first weekly drop


def export_time(run_day: date) -> datetime:
    return datetime.combine(run_day - timedelta(days=1), datetime.min.time()).replace(hour=18)


@pytest.fixture(scope="module")
def simulated() -> dict[str, list]:
    end = export_time(RUNS[-1])
    return {
        store: simulate_orders(platform, 500, datetime(2024, 1, 10), end, seed=3, store=store,
                               id_offset=i * 1_000_000)  # fmt: skip
        for i, (store, platform) in enumerate(STORES.items())
    }


def drop(root: Path, simulated: dict, store: str, when: datetime) -> Path:
    headers, rows = export_table(simulated[store], STORES[store], when)
    suffix = "csv" if STORES[store] == "ebay" else "xlsx"
    return write_export(root / store / f"orders_{when:%Y-%m-%d}.{suffix}", headers, rows,
                        platform=STORES[store])  # fmt: skip


def run(tmp_path: Path, day: date, *extra: str) -> tuple[int, dict]:
    result = subprocess.run(
        [str(STOREHEALTH), "run", "--today", day.isoformat(), "--exports", str(tmp_path / "exports"),
         "--out", str(tmp_path / "reports"), "--db", str(tmp_path / "history.duckdb"), "--json", *extra],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def store_warnings(summary: dict, store: str) -> list[str]:
    """A store's warnings other than policy breaches (simulated stores may well be in breach)."""
    return [w for w in summary["warnings"] if w.startswith(f"{store}:") and "past its" not in w]


def assert_history_matches(tmp_path: Path, simulated: dict, dropped: dict[str, list[datetime]]) -> None:
    history = table_contents(tmp_path / "history.duckdb")
    columns = ("status", "close_cause", "cancel_reason", "seller_fault")
    for store, times in dropped.items():
        truth = expected_history_states(simulated[store], times)
        got = {r[2]: r for r in history["orders_current"] if r[1] == store}
        assert set(got) == set(truth), store
        # orders_current columns: platform, store, order_id, status, ..., close_cause (27),
        # cancel_reason (28), seller_fault (30)
        mismatched = [
            (order, field) for order, row in got.items()
            for field, value in zip(columns, (row[3], row[27], row[28], row[30]), strict=True)
            if truth[order][field] != value
        ]  # fmt: skip
        assert mismatched == [], (store, mismatched[:5])


def test_three_weeks_of_drop_folders(tmp_path: Path, simulated: dict) -> None:
    exports = tmp_path / "exports"
    dropped = {store: [FIRST_EXPORT] for store in STORES}
    for store in STORES:
        drop(exports, simulated, store, FIRST_EXPORT)

    # --- week 1: every store drops its Sunday export -------------------------------------------
    for store in STORES:
        drop(exports, simulated, store, export_time(RUNS[0]))
        dropped[store].append(export_time(RUNS[0]))
    code, week1 = run(tmp_path, RUNS[0])
    assert (week1["week"], week1["month"]) == ("2024-W19", "2024-04")
    assert len(week1["ingested"]) == 6 and week1["failures"] == []
    assert all(store_warnings(week1, s) == [] for s in STORES)
    assert code == (3 if week1["warnings"] else 0)
    assert_history_matches(tmp_path, simulated, dropped)
    reports = {Path(p).relative_to(tmp_path / "reports").as_posix() for p in week1["reports"]}
    assert reports == {
        "weekly/ali-main/2024-W19.html", "weekly/ali-outlet/2024-W19.html", "weekly/ebay-us/2024-W19.html",
        "review/ali-main/2024-04.html", "review/ali-outlet/2024-04.html", "review/ebay-us/2024-04.html",
        "cluster/all/2024-W19.html",
    }  # fmt: skip
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert all(Path(r).name in index for r in reports)
    assert {p["store"] for p in week1["standings"]} == set(STORES)

    # the same week again changes nothing: no file, no report, the same history
    before = table_contents(tmp_path / "history.duckdb")
    again_code, again = run(tmp_path, RUNS[0])
    assert (again_code, again["ingested"], again["reports"]) == (code, [], [])
    assert again["already_ingested"] == 6
    assert table_contents(tmp_path / "history.duckdb") == before

    # --- week 2: ebay-us forgets to export -----------------------------------------------------
    for store in ("ali-main", "ali-outlet"):
        drop(exports, simulated, store, export_time(RUNS[1]))
        dropped[store].append(export_time(RUNS[1]))
    # a renamed copy of an old file is recognised by its content and not ingested again
    old = exports / "ali-main" / f"orders_{FIRST_EXPORT:%Y-%m-%d}.xlsx"
    (exports / "ali-main" / "copy of old export.xlsx").write_bytes(old.read_bytes())
    code, week2 = run(tmp_path, RUNS[1])
    assert code == 3
    assert [f["store"] for f in week2["ingested"]] == ["ali-main", "ali-outlet"]
    assert week2["already_ingested"] == 7
    (missing,) = store_warnings(week2, "ebay-us")
    assert "no new export this week" in missing and "the latest export is 8 days old" in missing
    assert "from 2024-08-10 on, orders created after 2024-05-12 start to be lost for good" in missing
    assert store_warnings(week2, "ali-main") == []
    assert_history_matches(tmp_path, simulated, dropped)
    # every store gets its week's report, ebay-us too (on the data it has); no review this time
    assert sorted(Path(p).relative_to(tmp_path / "reports").as_posix() for p in week2["reports"]) == [
        "cluster/all/2024-W20.html", "weekly/ali-main/2024-W20.html", "weekly/ali-outlet/2024-W20.html",
        "weekly/ebay-us/2024-W20.html",
    ]

    # --- week 3: ali-outlet's download is cut short ---------------------------------------------
    for store in ("ali-main", "ebay-us"):
        drop(exports, simulated, store, export_time(RUNS[2]))
        dropped[store].append(export_time(RUNS[2]))
    broken = drop(exports, simulated, "ali-outlet", export_time(RUNS[2]))
    broken.write_bytes(broken.read_bytes()[: broken.stat().st_size // 2])
    code, week3 = run(tmp_path, RUNS[2])
    assert code == 1
    (failure,) = week3["failures"]
    assert str(broken) in failure and "Until the file is moved out of" in failure
    assert [f["store"] for f in week3["ingested"]] == ["ali-main", "ebay-us"]
    assert_history_matches(tmp_path, simulated, dropped)
    rendered = {Path(p).relative_to(tmp_path / "reports").as_posix() for p in week3["reports"]}
    assert {"weekly/ali-main/2024-W21.html", "weekly/ebay-us/2024-W21.html",
            "weekly/ali-outlet/2024-W21.html", "cluster/all/2024-W21.html"} <= rendered  # fmt: skip

    before = table_contents(tmp_path / "history.duckdb")
    again_code, again = run(tmp_path, RUNS[2])
    assert (again_code, again["ingested"], again["reports"]) == (1, [], [])
    assert table_contents(tmp_path / "history.duckdb") == before

    # a past week on request, and a dry run that changes nothing
    code, replay = run(tmp_path, RUNS[2], "--week", "2024-W19")
    assert "weekly/ali-main/2024-W19.html" in {
        Path(p).relative_to(tmp_path / "reports").as_posix() for p in replay["reports"]
    }
    _, dry = run(tmp_path, RUNS[2], "--dry-run")
    assert dry["dry_run"] and dry["ingested"] == [] and any(str(broken) in p for p in dry["planned"])
    assert table_contents(tmp_path / "history.duckdb") == before


def test_a_missing_exports_folder_fails_and_a_first_dry_run_does_not_say_no_history(
    tmp_path: Path, simulated: dict
) -> None:
    drop(tmp_path / "exports", simulated, "ali-main", FIRST_EXPORT)
    code, dry = run(tmp_path, RUNS[0], "--dry-run")  # the first run, tried out
    assert dry["planned"] and not any("no history yet" in w for w in dry["warnings"])
    assert not (tmp_path / "history.duckdb").exists()
    shutil.rmtree(tmp_path / "exports")
    code, missing = run(tmp_path, RUNS[0])  # no exports folder at all: a typo in the cron line
    assert code == 1 and missing["ingested"] == []
    assert any("the exports folder does not exist" in f for f in missing["failures"])


def test_a_store_with_a_mapping_in_stores_toml_takes_part_in_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "exports" / "erp-shop"
    folder.mkdir(parents=True)
    (folder / "orders.csv").write_text(
        "id,state,placed\nG-1,done,2024-05-06 10:00\nG-2,open,2024-05-07 11:00\n", encoding="utf-8"
    )
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "erp.toml").write_text(
        '[columns]\norder_id = "id"\nstatus = "state"\ncreated_at = "placed"\n\n'
        '[status]\ndone = "completed"\nopen = "awaiting_shipment"\n', encoding="utf-8"
    )
    (tmp_path / "stores.toml").write_text('[erp-shop]\nmapping = "mappings/erp.toml"\n', encoding="utf-8")
    code, summary = run(tmp_path, RUNS[0])
    assert summary["failures"] == [] and code in (0, 3)
    landed = [(f["store"], f["platform"], f["orders"]) for f in summary["ingested"]]
    assert landed == [("erp-shop", "generic", 2)]


def test_a_run_that_finds_another_running_still_prints_its_json(tmp_path: Path) -> None:
    from pipeline.weekly_run import run_lock

    (tmp_path / "exports").mkdir()
    with run_lock(tmp_path / "history.duckdb"):  # another run holds the history
        code, locked = run(tmp_path, RUNS[0])
    assert code == 1 and locked["exit_code"] == 1
    assert any("another storehealth run is in progress" in f for f in locked["failures"])


def test_two_runs_at_once_one_waits_out(tmp_path: Path, simulated: dict) -> None:
    for store in STORES:
        drop(tmp_path / "exports", simulated, store, export_time(RUNS[0]))
    command = [str(STOREHEALTH), "run", "--today", RUNS[0].isoformat(),
               "--exports", str(tmp_path / "exports"), "--out", str(tmp_path / "reports"),
               "--db", str(tmp_path / "history.duckdb")]  # fmt: skip
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = [(p.wait(timeout=600), *p.communicate()) for p in (first, second)]
    locked = [r for r in results if "another storehealth run is in progress" in r[2]]
    ran = [r for r in results if r not in locked]
    assert len(locked) == 1 and len(ran) == 1, results
    assert locked[0][0] == 1
    assert ran[0][0] in (0, 3) and "3 files ingested" in ran[0][1]
