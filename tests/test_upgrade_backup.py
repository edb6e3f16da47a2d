"""Schema upgrades, the buyer-hash salt file, and backup/restore round trips."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import duckdb
import pandas as pd

from tests.builders import ali_row, table_contents, write_ali
from tests.fixtures.make_v1_history import make_v1_history

T = "2024.03.05 10:00"


def export(tmp_path: Path, name: str, *rows: list[str]) -> Path:
    return write_ali(tmp_path / name, list(rows))


def first_export(tmp_path: Path) -> Path:
    return export(
        tmp_path, "march.xlsx",
        ali_row(id="1001", status="等待您发货", created=T, paid=T, buyer="Ana Buyer"),
        ali_row(id="1002", status="订单关闭", created=T, paid=T, cancel_reason="商品缺货", buyer="Bo Buyer"),
        ali_row(id="1003", status="等待买家收货", created=T, paid=T, shipped="2024.03.06 10:00"),
    )  # fmt: skip



def test_a_version_1_history_upgrades_on_first_use_without_loss(tmp_path: Path, cli) -> None:
    db = tmp_path / "old.duckdb"
    legacy_salt = make_v1_history(db, first_export(tmp_path), "ali")
    before = table_contents(db, skip=("schema_version", "settings"))
    assert not (tmp_path / "old.duckdb.salt").exists()

    result = cli("status", "--json", db=db)  # a reading command: upgrades, then reads
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stores"][0]["orders"] == 3

    after = table_contents(db)
    assert [v for v, _ in after["schema_version"]] == [1, 2, 3, 4, 5]
    # the salt left the database; settings holds only the vocabulary it is interpreted by
    assert [key for key, _ in after["settings"]] == ["vocabulary_fingerprint"]
    salt_file = tmp_path / "old.duckdb.salt"
    assert salt_file.read_text().strip() == legacy_salt  # ...unchanged, into its own file
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    assert {t: rows for t, rows in after.items() if t not in ("schema_version", "settings")} == before

    # buyers seen after the upgrade hash as they did before it
    later = export(tmp_path, "april.csv",
                   ali_row(id="2001", status="等待您发货", created=T, paid=T, buyer="Ana Buyer"))  # fmt: skip
    assert cli("ingest", later, "--store", "ali", db=db).exit_code == 0
    con = duckdb.connect(str(db), read_only=True)
    hashes = dict(con.execute("select order_id, buyer_hash from orders_current").fetchall())
    con.close()
    assert hashes["2001"] == hashes["1001"] and hashes["1001"] != hashes["1002"]


def test_a_new_history_keeps_its_salt_outside_the_database(tmp_path: Path, cli, db_path: Path) -> None:
    assert cli("ingest", first_export(tmp_path), "--store", "ali").exit_code == 0
    salt_file = db_path.with_name(db_path.name + ".salt")
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    salt = salt_file.read_text().strip()
    assert len(salt) == 32
    assert salt.encode() not in db_path.read_bytes()
    salt_file.chmod(0o644)  # loosened by someone: the next writer tightens it again
    assert cli("ingest", first_export(tmp_path), "--store", "ali").exit_code == 0
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600


def test_a_history_from_a_newer_storehealth_is_refused(tmp_path: Path, cli, db_path: Path) -> None:
    assert cli("ingest", first_export(tmp_path), "--store", "ali").exit_code == 0
    con = duckdb.connect(str(db_path))
    con.execute("insert into schema_version values (99, now())")
    con.close()
    result = cli("ingest", first_export(tmp_path), "--store", "ali")
    assert result.exit_code == 1
    assert "newer storehealth" in result.stderr and "schema version 99" in result.stderr


def test_backup_and_restore_round_trip_table_by_table(tmp_path: Path, cli, db_path: Path) -> None:
    assert cli("ingest", first_export(tmp_path), "--store", "ali").exit_code == 0
    update = export(tmp_path, "later.csv",
                    ali_row(id="1001", status="等待买家收货", created=T, paid=T, shipped="2024.03.07 10:00"),
                    ali_row(id="1004", status="等待买家付款", created=T, remark="=1+1"))  # fmt: skip
    assert cli("ingest", update, "--store", "ali").exit_code == 0
    original = table_contents(db_path)

    folder = tmp_path / "backups" / "2024-03-08"
    result = cli("backup", folder, "--json")
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert json.loads(result.stdout)["rows"] == {t: len(rows) for t, rows in original.items()}
    for table, entry in manifest["tables"].items():
        # any engine reads the files: here plain pandas (pyarrow underneath)
        frame = pd.read_parquet(folder / entry["file"])
        assert len(frame) == entry["rows"] == len(original[table])
        assert list(frame.columns) == entry["columns"]
    assert manifest["schema_version"] == 5 and manifest["salt_fingerprint"]

    restored = tmp_path / "restored.duckdb"
    result = cli("restore", folder, db=restored)
    assert result.exit_code == 0, result.output
    assert "salt" in result.stderr  # a new place has no salt yet: buyer hashes will differ
    assert table_contents(restored) == original

    # the restored history goes on: a new file gets a new id, nothing collides
    more = export(tmp_path, "more.csv", ali_row(id="1005", status="等待您发货", created=T, paid=T))
    assert cli("ingest", more, "--store", "ali", db=restored).exit_code == 0
    con = duckdb.connect(str(restored), read_only=True)
    ids = [r[0] for r in con.execute("select file_id from ingested_files order by 1").fetchall()]
    con.close()
    assert ids == [1, 2, 3]


def test_restore_refuses_a_damaged_or_altered_backup(tmp_path: Path, cli) -> None:
    assert cli("ingest", first_export(tmp_path), "--store", "ali").exit_code == 0
    folder = tmp_path / "backup"
    assert cli("backup", folder).exit_code == 0
    data = bytearray((folder / "orders_current.parquet").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / "orders_current.parquet").write_bytes(bytes(data))
    target = tmp_path / "restored.duckdb"
    result = cli("restore", folder, db=target)
    assert result.exit_code == 1
    assert "orders_current" in result.stderr and "checksum" in result.stderr
    assert not target.exists() and not list(tmp_path.glob(".restored*"))

    assert cli("restore", tmp_path, db=target).exit_code == 1  # not a backup folder at all


def test_backup_never_overwrites_and_restore_force_keeps_the_old(tmp_path: Path, cli, db_path: Path) -> None:
    assert cli("ingest", first_export(tmp_path), "--store", "ali").exit_code == 0
    folder = tmp_path / "backup"
    assert cli("backup", folder).exit_code == 0
    again = cli("backup", folder)
    assert again.exit_code == 1 and "not empty" in again.stderr

    more = export(tmp_path, "more.csv", ali_row(id="1005", status="等待您发货", created=T, paid=T))
    assert cli("ingest", more, "--store", "ali").exit_code == 0
    newer = table_contents(db_path)
    refused = cli("restore", folder)
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert cli("restore", folder, "--force").exit_code == 0
    assert table_contents(db_path.with_name(db_path.name + ".before-restore")) == newer
    assert len(table_contents(db_path)["orders_current"]) == 3


def test_a_version_1_backup_restores_and_upgrades(tmp_path: Path, cli) -> None:
    from pipeline.backup import backup

    old = tmp_path / "old.duckdb"
    legacy_salt = make_v1_history(old, first_export(tmp_path), "ali")
    folder = tmp_path / "v1-backup"
    con = duckdb.connect(str(old), read_only=True)  # as a version-1 history, not upgraded
    try:
        assert backup(con, old, folder).schema_version == 1
    finally:
        con.close()
    target = tmp_path / "restored.duckdb"
    result = cli("restore", folder, db=target)
    assert result.exit_code == 0, result.output
    assert "salt" not in result.stderr  # version 1 carried its salt inside
    assert cli("status", db=target).exit_code == 0  # first use upgrades
    assert target.with_name("restored.duckdb.salt").read_text().strip() == legacy_salt
    after = table_contents(target)
    assert [v for v, _ in after["schema_version"]] == [1, 2, 3, 4, 5]
    assert [key for key, _ in after["settings"]] == ["vocabulary_fingerprint"]
