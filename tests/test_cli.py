"""The command line as a contract (SPEC section 5): help, documentation, --json, --db, exits."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from pipeline.cli import app
from tests.builders import ali_row, write_ali

REPO = Path(__file__).resolve().parents[1]
STOREHEALTH = REPO / ".venv" / "bin" / "storehealth"
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]
WIDE = {"COLUMNS": "200", "TERM": "dumb"}


def storehealth(
    *args: object, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    """The installed command as a seller's shell runs it (no --db added)."""
    return subprocess.run(
        [str(STOREHEALTH), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, **WIDE, **(env or {})},
    )


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-2000:]


def two_orders(path: Path) -> Path:
    return write_ali(
        path,
        [
            ali_row(id="8100000000000001", status="等待您发货", created="2024.03.05 14:22",
                    paid="2024.03.05 14:30", deadline="2024-03-12"),
            ali_row(id="8100000000000002", status="订单关闭", created="2024.03.06 10:00",
                    paid="2024.03.06 10:05", cancel_reason="商品缺货"),
        ],
    )  # fmt: skip


# --- help and documentation ------------------------------------------------------------------


def test_the_app_has_the_core_commands() -> None:
    assert {"ingest", "status"} <= set(COMMANDS)


def test_top_level_help_shows_an_example() -> None:
    result = storehealth("--help")
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert name in result.stdout
    assert re.search(r"(?i)example.*\n?.*storehealth \w+", result.stdout), "no example in storehealth --help"


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_shows_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert re.search(rf"(?i)example.*\n?.*storehealth {command}\b", text), text


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_accepts_db(command: str) -> None:
    params = get_command(app).commands[command].params  # type: ignore[attr-defined]
    assert any("--db" in p.opts for p in params), f"{command} has no --db option"


def readme_commands() -> set[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"^###\s+`storehealth ([\w-]+)", text, flags=re.M))


def test_every_command_is_documented_in_the_readme() -> None:
    missing = set(COMMANDS) - readme_commands()
    assert not missing, f"README.md has no '### `storehealth <command>' section for {sorted(missing)}"


def test_every_readme_command_exists() -> None:
    stale = readme_commands() - set(COMMANDS)
    assert not stale, f"README.md documents commands the app does not have: {sorted(stale)}"


def test_python_dash_m_pipeline_help(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "--help"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, env={**os.environ, **WIDE},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert name in result.stdout


def test_unknown_command_is_a_usage_error() -> None:
    result = storehealth("frobnicate")
    assert result.returncode == 2
    no_traceback(result)


# --- --json: one object on stdout, progress on stderr ------------------------------------------


def test_ingest_json_prints_one_object_and_progress_on_stderr(tmp_path: Path) -> None:
    db = tmp_path / "history.duckdb"
    path = two_orders(tmp_path / "orders.xlsx")
    result = storehealth("ingest", path, "--store", "s1", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert isinstance(payload, dict)
    [file] = payload["files"]
    assert (file["rows_read"], file["new"], file["store"], file["platform"]) == (2, 2, "s1", "aliexpress")
    assert payload.get("refused", []) == []
    assert "rows read" in result.stderr
    assert "rows read" not in result.stdout

    again = storehealth("ingest", path, "--store", "s1", "--json", "--db", db)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["files"][0]["outcome"] == "already ingested"
    assert "already ingested" in again.stderr


def test_ingest_json_with_a_refused_file_still_prints_one_object(tmp_path: Path) -> None:
    db = tmp_path / "history.duckdb"
    good = two_orders(tmp_path / "a_good.csv")
    empty = tmp_path / "b_empty.csv"
    empty.write_bytes(b"")
    result = storehealth("ingest", good, empty, "--store", "s1", "--json", "--db", db)
    no_traceback(result)
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert [Path(f["path"]).name for f in payload["files"]] == [good.name]
    assert [Path(f["path"]).name for f in payload["refused"]] == [empty.name]
    assert empty.name in result.stderr


def test_status_json_prints_one_object(tmp_path: Path) -> None:
    db = tmp_path / "history.duckdb"
    assert (
        storehealth("ingest", two_orders(tmp_path / "orders.csv"), "--store", "s1", "--db", db).returncode
        == 0
    )
    result = storehealth("status", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert isinstance(payload, dict)
    [store] = payload["stores"]
    assert store["store"] == "s1" and store["orders"] == 2

    only = storehealth("status", "--store", "s1", "--json", "--db", db)
    assert only.returncode == 0, only.stderr
    assert [s["store"] for s in json.loads(only.stdout)["stores"]] == ["s1"]


# --- which database ----------------------------------------------------------------------------


def test_storehealth_db_variable_is_honoured(tmp_path: Path) -> None:
    env_db = tmp_path / "from-env" / "history.duckdb"
    default_db = REPO / "data" / "storehealth.duckdb"
    default_before = default_db.stat().st_mtime_ns if default_db.exists() else None
    path = two_orders(tmp_path / "orders.csv")

    result = storehealth("ingest", path, "--store", "s1", cwd=tmp_path, env={"STOREHEALTH_DB": str(env_db)})
    assert result.returncode == 0, result.stderr
    assert env_db.exists()
    status = storehealth("status", "--json", cwd=tmp_path, env={"STOREHEALTH_DB": str(env_db)})
    assert status.returncode == 0, status.stderr
    assert [s["store"] for s in json.loads(status.stdout)["stores"]] == ["s1"]
    assert (default_db.stat().st_mtime_ns if default_db.exists() else None) == default_before

    # --db wins over the variable.
    flag_db = tmp_path / "flag.duckdb"
    other = two_orders(tmp_path / "other.xlsx")
    result = storehealth("ingest", other, "--store", "s2", "--db", flag_db, cwd=tmp_path,
                         env={"STOREHEALTH_DB": str(env_db)})  # fmt: skip
    assert result.returncode == 0, result.stderr
    status = storehealth("status", "--json", "--db", flag_db, env={"STOREHEALTH_DB": str(env_db)})
    assert [s["store"] for s in json.loads(status.stdout)["stores"]] == ["s2"]
    status = storehealth("status", "--json", env={"STOREHEALTH_DB": str(env_db)})
    assert [s["store"] for s in json.loads(status.stdout)["stores"]] == ["s1"]


# --- status errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_status_on_a_missing_database_says_to_ingest_first(tmp_path: Path, as_json: bool) -> None:
    db = tmp_path / "nothing-here.duckdb"
    result = storehealth("status", *(["--json"] if as_json else []), "--db", db)
    no_traceback(result)
    assert result.returncode == 1
    assert "ingest" in result.stderr
    assert result.stdout == ""
    assert not db.exists()


def test_status_of_an_unknown_store_exits_1(tmp_path: Path, cli, db_path: Path) -> None:
    assert cli("ingest", two_orders(tmp_path / "orders.csv"), "--store", "s1").exit_code == 0
    result = storehealth("status", "--store", "unknown", "--db", db_path)
    no_traceback(result)
    assert result.returncode == 1
    assert "unknown" in result.stderr
    assert result.stdout == ""
