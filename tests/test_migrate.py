"""`storehealth migrate`: a history copied file -> lake -> file (and into PostgreSQL + S3) keeps
every row, its salt and its figures; a target with files is refused without --force; a copy
killed halfway leaves nothing behind; backup and restore work on a lake."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.history_target import parse_target
from pipeline.lake import open_lake
from pipeline.salt import read_salt
from tests.builders import EBAY_HEADERS, ali_row, ebay_row, table, table_contents, write_ali, write_rows
from tests.conftest import REPO

T = "2024.03.05 10:00"
RUNNER = CliRunner()


def run(*args: object) -> object:
    result = RUNNER.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def exports(folder: Path) -> list[tuple[str, Path]]:
    """Two AliExpress weeks (the second updates orders of the first) and an eBay report."""
    week1 = write_ali(folder / "w1.xlsx", [
        ali_row(id="1001", status="等待您发货", created=T, paid=T, buyer="Ana Buyer"),
        ali_row(id="1002", status="订单关闭", created=T, paid=T, cancel_reason="商品缺货", buyer="Bo"),
        ali_row(id="1003", status="等待买家收货", created=T, paid=T, shipped="2024.03.06 10:00"),
        ali_row(id="1004", status="等待您发货", created="2024.03.07 10:00", paid="2024.03.07 11:00"),
    ])  # fmt: skip
    week2 = write_ali(folder / "w2.csv", [
        ali_row(id="1001", status="等待买家收货", created=T, paid=T, shipped="2024.03.08 10:00",
                buyer="Ana Buyer"),
        ali_row(id="1005", status="订单关闭", created="2024.03.09 10:00", paid="2024.03.09 10:05",
                closed="2024.03.10 10:00", close_reason="买家取消订单"),
        ali_row(id="", status="等待您发货", created=T),  # a rejected row
    ])  # fmt: skip
    ebay = write_rows(folder / "ebay.csv", EBAY_HEADERS, table(EBAY_HEADERS, [
        ebay_row("1", "12-00001-00001", **{"Paid On Date": "Mar-05-24"}),
        ebay_row("2", "12-00001-00002", **{"Paid On Date": "Mar-06-24", "Shipped On Date": "Mar-07-24"}),
    ]))  # fmt: skip
    return [("ali", week1), ("ali", week2), ("ebay-us", ebay)]


def figures(db: str | Path) -> dict:
    metrics = run("metrics", "--all", "--from", "2024-03-01", "--to", "2024-03-31", "--json", "--db", db)
    status = run("status", "--json", "--db", db)
    return {"metrics": json.loads(metrics.stdout), "status": json.loads(status.stdout)["stores"]}


def lake_salt_of(spec: str) -> str | None:
    con = open_lake(parse_target(spec), read_only=True)
    try:
        return con.execute("select value from installation_secret where key = 'buyer_salt'").fetchone()[0]
    finally:
        con.close()


def test_file_to_lake_and_back_keeps_every_row_the_salt_and_the_figures(tmp_path: Path) -> None:
    source = tmp_path / "history.duckdb"
    for store, path in exports(tmp_path):
        run("ingest", path, "--store", store, "--db", source)
    lake = f"ducklake:sqlite:{tmp_path / 'team.sqlite'}"
    back = tmp_path / "back.duckdb"

    there = json.loads(run("migrate", "--to", lake, "--json", "--db", source).stdout)
    again = json.loads(run("migrate", "--to", back, "--json", "--db", lake).stdout)
    assert there["tables"] == again["tables"]  # the same counts and checksums every step
    assert there["tables"]["orders_current"]["rows"] == 7
    assert there["tables"]["rejected_rows"]["rows"] == 1

    tables = table_contents(source)
    assert table_contents(lake, skip=("installation_secret",)) == tables
    assert table_contents(back) == tables
    assert read_salt(source) == lake_salt_of(lake) == read_salt(back)
    assert figures(source) == figures(lake) == figures(back)

    # both copies go on as histories: new file ids follow the copied ones
    later = write_ali(tmp_path / "w3.csv", [ali_row(id="1006", status="等待您发货", created=T, paid=T,
                                                   buyer="Ana Buyer")])  # fmt: skip
    for db in (back, lake):
        run("ingest", later, "--store", "ali", "--db", db)
    for db in (back, lake):
        rows = table_contents(db)
        assert max(r[0] for r in rows["ingested_files"]) == 4
        hashes = {r[2]: r[17] for r in rows["order_snapshots"]}  # order_id: buyer_hash
        assert hashes["1006"] == hashes["1001"]  # the salt moved with the rows


def test_into_postgres_with_its_files_in_s3(tmp_path: Path, postgres_server, s3_server, monkeypatch) -> None:
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    source = tmp_path / "history.duckdb"
    many = write_ali(tmp_path / "many.csv", [  # more rows than a lake keeps inside its catalog
        ali_row(id=f"2{n:03d}", status="等待您发货", created=T, paid=T) for n in range(40)
    ])  # fmt: skip
    for store, path in [*exports(tmp_path)[:2], ("ali", many)]:
        run("ingest", path, "--store", store, "--db", source)
    bucket = s3_server.new_bucket("migrate-target")
    lake = "ducklake:postgres:" + postgres_server.new_database("migrate_target")

    done = json.loads(run("migrate", "--to", lake, "--to-data-path", f"{bucket}/lake", "--json",
                          "--db", source).stdout)  # fmt: skip
    assert done["tables"]["orders_current"]["rows"] == 45
    assert s3_server.client().list_objects_v2(Bucket="migrate-target").get("KeyCount", 0) > 0
    assert table_contents(lake, skip=("installation_secret",)) == table_contents(source)
    assert figures(lake) == figures(source)


def test_a_target_with_files_is_refused_without_force(tmp_path: Path) -> None:
    (store, path), *_rest = exports(tmp_path)
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    run("ingest", path, "--store", store, "--db", first)
    run("ingest", _rest[1][1], "--store", "ebay-us", "--db", second)
    before = table_contents(second)

    refused = RUNNER.invoke(app, ["migrate", "--to", str(second), "--db", str(first)])
    assert refused.exit_code == 1
    assert "already holds ingested files: 1" in refused.output and "--force" in refused.output
    assert table_contents(second) == before

    same = RUNNER.invoke(app, ["migrate", "--to", str(first), "--db", str(first)])
    assert same.exit_code == 1 and "the same history" in same.output

    run("migrate", "--to", second, "--force", "--db", first)
    assert table_contents(second) == table_contents(first)
    assert read_salt(second) == read_salt(first)


def _big_source(db: Path, orders: int) -> None:
    """A history with many synthetic orders, so that the copy takes long enough to be killed."""
    from pipeline.database import connect

    connect(db).close()
    con = duckdb.connect(str(db))
    con.execute(
        "insert into ingested_files by name select 1 as file_id, 'x.csv' as path, 'abc' as sha256, "
        "'aliexpress' as platform, 's1' as store, 0 as rows_read, 0 as orders_in_file, 0 as rows_new, "
        "0 as rows_updated, 0 as rows_unchanged, 0 as rows_rejected, now() as exported_at, "
        "'given' as exported_at_source, now() as ingested_at"
    )
    con.execute(
        "insert into order_snapshots by name select 'aliexpress' as platform, 's1' as store, "
        "i::varchar as order_id, md5(i::varchar) as state_hash, 'closed' as status, "
        "timestamp '2024-01-01' + to_seconds(i) as created_at, md5('p' || i) as product_info, "
        "1 as first_file_id, now() as first_seen_at, 1 as last_file_id, now() as last_seen_at, "
        f"'k' as last_seen_key from range({orders}) t(i)"
    )
    con.close()


def test_a_migrate_killed_halfway_leaves_nothing_of_itself(tmp_path: Path) -> None:
    source = tmp_path / "big.duckdb"
    _big_source(source, 1_000_000)
    catalog = tmp_path / "team.sqlite"
    data = tmp_path / "team-files"
    lake = f"ducklake:sqlite:{catalog}"
    command = [str(REPO / ".venv" / "bin" / "storehealth"), "migrate", "--to", lake, "--to-data-path",
               str(data), "--db", str(source)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "STOREHEALTH_LANG": "en"})  # fmt: skip
    deadline = time.monotonic() + 120
    while not any(data.rglob("*.parquet")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the migrate ended before it wrote its first file"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert any(data.rglob("*.parquet"))  # it had begun writing

    con = open_lake(parse_target(lake, data_path=str(data)), read_only=True)
    try:
        counts = [con.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("ingested_files", "order_snapshots")]  # fmt: skip
    finally:
        con.close()
    assert counts == [0, 0]  # the schema only: no half copy
    # and, since nothing landed, the migrate runs again without --force
    done = json.loads(run("migrate", "--to", lake, "--to-data-path", data, "--json", "--db", source).stdout)
    assert done["tables"]["order_snapshots"]["rows"] == 1_000_000


def test_backup_and_restore_on_a_lake(tmp_path: Path) -> None:
    source = tmp_path / "history.duckdb"
    for store, path in exports(tmp_path)[:2]:
        run("ingest", path, "--store", store, "--db", source)
    lake = f"ducklake:sqlite:{tmp_path / 'team.sqlite'}"
    run("migrate", "--to", lake, "--db", source)
    file_backup = json.loads(run("backup", tmp_path / "from-file", "--json", "--db", source).stdout)
    run("backup", tmp_path / "from-lake", "--db", lake)
    manifests = [json.loads((tmp_path / name / "manifest.json").read_text())
                 for name in ("from-file", "from-lake")]  # fmt: skip
    assert manifests[0]["salt_fingerprint"] == manifests[1]["salt_fingerprint"] is not None
    assert {t: e["rows"] for t, e in manifests[1]["tables"].items()} == file_backup["rows"]

    # into the lake it came from: refused, then replacing what it holds with --force
    refused = RUNNER.invoke(app, ["restore", str(tmp_path / "from-lake"), "--db", lake])
    assert refused.exit_code == 1 and "--force" in refused.output
    restored = json.loads(run("restore", tmp_path / "from-lake", "--force", "--json", "--db", lake).stdout)
    assert restored["warnings"] == [] and restored["rows"] == file_backup["rows"]  # the lake's own salt
    assert table_contents(lake, skip=("installation_secret",)) == table_contents(source)

    # into a new lake: a new salt, and a warning that says so
    new = f"ducklake:sqlite:{tmp_path / 'new.sqlite'}"
    restored = json.loads(run("restore", tmp_path / "from-file", "--json", "--db", new).stdout)
    assert "salt of this lake is not the one the backup was made with" in restored["warnings"][0]
    assert table_contents(new, skip=("installation_secret",)) == table_contents(source)
    assert figures(new) == figures(source)
