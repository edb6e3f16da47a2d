"""Notebooks are stored without outputs, and the exploration notebook runs on a real history."""

import ast
import json
import os
from datetime import date
from pathlib import Path

import pytest

from tests.builders import ali_row, write_ali

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def run_cells(path: Path) -> list[object]:
    """Run a notebook's code cells in order, as a kernel would; each cell's displayed value."""
    namespace: dict = {}
    values = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse("".join(cell["source"]))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, path.name, "exec"), namespace)
        value = eval(compile(ast.Expression(last.value), path.name, "eval"), namespace) if last else None
        # a DuckDB relation is lazy: read it now, as the notebook displays it now
        values.append(value.fetchall() if hasattr(value, "fetchall") else value)
    return values


def test_explore_notebook_runs_against_a_history(tmp_path: Path, cli, db_path: Path, monkeypatch) -> None:
    export = write_ali(
        tmp_path / "orders.xlsx",
        [ali_row(id="8100000000000001", status="订单关闭", created="2024.03.05 14:22",
                 paid="2024.03.05 14:30", cancel_reason="商品缺货")],
    )
    assert cli("ingest", export, "--store", "s1").exit_code == 0
    monkeypatch.setitem(os.environ, "STOREHEALTH_DB", str(db_path))
    _, stores, summary, reasons, causes, backlog, _ = run_cells(NOTEBOOK_DIR / "explore_history.ipynb")
    day = date(2024, 3, 5)
    assert stores == [("s1", "aliexpress", 1, day, day)]
    figures = ["orders", "paid_orders", "closed_orders", "sold_not_shipped"]
    assert summary.loc[0, figures].tolist() == [1, 1, 1, 1]
    assert reasons[["reason", "count", "seller_fault"]].values.tolist() == [["out_of_stock", 1, True]]
    # no close reason in the file: the cause is inferred
    assert causes[["cause", "count", "inferred"]].values.tolist() == [["buyer_cancelled_paid", 1, 1]]
    assert backlog.empty
