"""Notebooks are stored without outputs, and the exploration notebook runs on a real history."""

import json
import os
from datetime import date
from pathlib import Path

import pytest

from tests.builders import ali_row, write_ali

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def test_explore_notebook_runs_against_a_history(tmp_path: Path, cli, db_path: Path, monkeypatch) -> None:
    export = write_ali(
        tmp_path / "orders.xlsx",
        [ali_row(id="8100000000000001", status="订单关闭", created="2024.03.05 14:22",
                 paid="2024.03.05 14:30", cancel_reason="商品缺货")],
    )
    assert cli("ingest", export, "--store", "s1").exit_code == 0
    monkeypatch.setitem(os.environ, "STOREHEALTH_DB", str(db_path))
    notebook = json.loads((NOTEBOOKS[0].parent / "explore_history.ipynb").read_text(encoding="utf-8"))
    namespace: dict = {}
    results = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            *body, last = source.rstrip().splitlines()
            exec("\n".join(body), namespace)
            if last.startswith("con.sql("):
                results.append(eval(last, namespace).fetchall())
            else:
                exec(last, namespace)
    day = date(2024, 3, 5)
    assert results[0] == [("s1", "aliexpress", 1, day, day)]
    assert results[1] == [("s1", "closed", 1)]
    # no close reason in the file: inferred; out of stock is the seller's fault
    assert results[2] == [("s1", "buyer_cancelled_paid", True, 1, 1)]
