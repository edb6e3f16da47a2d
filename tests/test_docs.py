"""The README says what the code does: its Python example runs, its policy table is the data."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from tests.builders import ali_row, write_ali
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_python_example_runs_against_a_history(tmp_path: Path, cli, db_path, monkeypatch) -> None:
    rows = [ali_row(id="1", status="等待您发货", created="2024.03.05 10:00", paid="2024.03.05 10:00")]
    assert cli("ingest", write_ali(tmp_path / "a.csv", rows), "--store", "ali-main").exit_code == 0
    (snippet,) = [s for s in re.findall(r"```python\n(.*?)```", README, re.S) if "connect()" in s]
    monkeypatch.setenv("STOREHEALTH_DB", str(db_path))
    *calls, close = ast.parse(snippet).body
    assert ast.unparse(close) == "con.close()"
    namespace: dict = {}
    exec(compile(ast.Module(calls, type_ignores=[]), "README.md", "exec"), namespace)  # noqa: S102 - our README
    # the connection the example opens reads the history the ingest above wrote
    orders = namespace["con"].execute("select store, order_id from orders_current").fetchall()
    assert orders == [("ali-main", "1")]
    exec(compile(ast.Module([close], type_ignores=[]), "README.md", "exec"), namespace)  # noqa: S102


def test_the_readme_policy_table_matches_policies_toml() -> None:
    with (REPO / "pipeline" / "policies.toml").open("rb") as fh:
        policies = tomllib.load(fh)["policy"]
    rows = [line for line in README.splitlines() if line.startswith("| ") and "%" in line]
    assert len(rows) == len(policies)
    for policy in policies:
        (row,) = [r for r in rows if r.startswith(f"| {policy['label']} ")]
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert f"{policy['warning'] * 100:g} %" in cells[3], (policy["key"], cells[3])
        assert f"{policy['breach'] * 100:g} %" in cells[4], (policy["key"], cells[4])
        sign = "≥" if policy["limit_kind"] == "below" else ">"
        assert cells[4].startswith(sign), (policy["key"], cells[4])
        days = policy["window_days"]
        assert (f"{days} days" in cells[2]) or (f"{days // 30} months" in cells[2]), cells[2]


def test_the_readme_stores_toml_example_loads(tmp_path: Path) -> None:
    from pipeline.stores import load_stores_file

    (example,) = [s for s in re.findall(r"```toml\n(.*?)```", README, re.S) if "[ali-main]" in s]
    path = tmp_path / "stores.toml"
    path.write_text(example, encoding="utf-8")
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "olist.toml").write_text((REPO / "examples" / "olist.toml").read_text("utf-8"))
    stores = load_stores_file(path)
    assert stores["ali-main"].platform == "aliexpress" and stores["ali-main"].lang == "zh"
    assert stores["ebay-us"].owner == "Sam"
    assert stores["olist"].platform == "generic"
    assert stores["olist"].mapping == str(tmp_path / "mappings" / "olist.toml")


def test_a_stores_toml_mapping_must_exist_and_goes_with_no_other_platform(tmp_path: Path) -> None:
    from pipeline.errors import InputError
    from pipeline.stores import load_stores_file

    path = tmp_path / "stores.toml"
    path.write_text('[erp]\nmapping = "nowhere.toml"\n', encoding="utf-8")
    with pytest.raises(InputError, match="no such file"):
        load_stores_file(path)
    (tmp_path / "m.toml").write_text("[columns]\n", encoding="utf-8")
    path.write_text('[erp]\nmapping = "m.toml"\nplatform = "ebay"\n', encoding="utf-8")
    with pytest.raises(InputError, match="for --platform generic"):
        load_stores_file(path)


def test_the_readme_systemd_units_accept_the_warning_exit_status() -> None:
    units = re.findall(r"```ini\n(.*?)```", README, re.S)
    service = next(u for u in units if "[Service]" in u)
    assert "SuccessExitStatus=3" in service and "storehealth run" in service
    timer = next(u for u in units if "[Timer]" in u)
    assert "OnCalendar=Mon" in timer
