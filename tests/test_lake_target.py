"""Where a history lives: `--db` as a file or a lake, the messages a wrong one gets, and
extensions that come only from their installed packages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.history_target import Lake, parse_target
from pipeline.lake import extension_file
from tests.builders import ali_row, write_ali
from tests.conftest import REPO


def test_a_plain_path_is_a_file_and_ducklake_specs_are_lakes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("STOREHEALTH_DATA_PATH", raising=False)
    assert parse_target(str(tmp_path / "h.duckdb")) == tmp_path / "h.duckdb"
    lake = parse_target(f"ducklake:sqlite:{tmp_path}/team.sqlite")
    assert isinstance(lake, Lake) and lake.kind == "sqlite"
    assert lake.data_path == f"{tmp_path}/team.sqlite.files/"
    assert lake.parent == tmp_path  # vocabulary.toml and friends live beside the catalog
    pg = parse_target("ducklake:postgres:dbname=shop host=db password=hunter2", data_path="s3://b/p/")
    assert isinstance(pg, Lake) and pg.data_path == "s3://b/p/"
    assert "hunter2" not in str(pg) and "hunter2" in pg.spec


def test_an_unknown_lake_catalog_is_refused_with_the_forms_that_work(cli) -> None:
    result = cli("status", db="ducklake:mysql:shop")
    assert result.exit_code == 1
    assert "'ducklake:mysql:shop' is not a history this storehealth can open" in result.output
    assert "ducklake:sqlite:FILE" in result.output
    assert "Traceback" not in result.output


def test_a_lake_that_does_not_exist_yet_has_no_history_to_read(tmp_path: Path, cli) -> None:
    result = cli("status", db=f"ducklake:sqlite:{tmp_path}/none.sqlite")
    assert result.exit_code == 1
    assert "there is no history database yet" in result.output
    assert not (tmp_path / "none.sqlite").exists()  # reading never creates a catalog


def test_every_extension_is_a_file_of_its_installed_package() -> None:
    for name in ("ducklake", "sqlite_scanner", "postgres_scanner", "httpfs"):
        path = extension_file(name)
        assert path.is_file() and f"v{duckdb.__version__}" in str(path)
        assert "site-packages" in str(path)  # never ~/.duckdb/extensions, which a download fills


def test_a_missing_extension_package_is_named(tmp_path: Path) -> None:
    """A real process where the ducklake package cannot be imported, as after a partial install."""
    hide = (
        "import sys, importlib.abc\n"
        "class Hide(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'duckdb_extension_ducklake': raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Hide())\n"
        "from pipeline.cli import main\n"
        "sys.argv = ['storehealth', 'status', '--db', sys.argv[1]]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", hide, f"ducklake:sqlite:{tmp_path}/h.sqlite"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "duckdb-extension-ducklake==" + duckdb.__version__ in done.stderr
    assert "Traceback" not in done.stderr


def test_a_lake_history_reads_like_the_file(tmp_path: Path, cli) -> None:
    """The same export in a file and in a SQLite lake: the same status and metrics, byte for byte."""
    export = write_ali(tmp_path / "orders.xlsx", [
        ali_row(id="8100000000000001", status="等待您发货", created="2024.03.01 09:00",
                paid="2024.03.01 10:00"),
        ali_row(id="8100000000000002", status="订单关闭", created="2024.03.02 09:00",
                paid="2024.03.02 09:05", closed="2024.03.05 10:00", cancel_reason="商品缺货"),
    ])  # fmt: skip
    outputs = []
    for db in (str(tmp_path / "h.duckdb"), f"ducklake:sqlite:{tmp_path}/h.sqlite"):
        assert cli("ingest", export, "--store", "s1", db=db).exit_code == 0
        metrics = cli("metrics", "--all", "--from", "2024-02-01", "--to", "2024-03-31", "--json", db=db)
        assert metrics.exit_code == 0, metrics.output
        outputs.append(json.loads(metrics.stdout))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("spec", ["ducklake:sqlite:", "ducklake:"])
def test_an_incomplete_spec_is_refused(spec: str, cli) -> None:
    result = cli("status", db=spec)
    assert result.exit_code == 1
    assert "is not a history this storehealth can open" in result.output
