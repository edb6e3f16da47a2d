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


def test_explore_notebook_answers_its_three_questions(
    tmp_path: Path, cli, db_path: Path, monkeypatch
) -> None:
    case, cable = "【1】 Red Case\n(产品数量: 1)", "【1】 USB Cable\n(产品数量: 1)"
    paid = {"created": "2024.03.05 14:22", "paid": "2024.03.05 14:30"}
    rows = [
        # two out-of-stock closures with the red case, one with the cable (in a two-product cart)
        ali_row(id="1", status="订单关闭", **paid, cancel_reason="商品缺货", product=case, country="Spain"),
        ali_row(id="2", status="订单关闭", **paid, cancel_reason="商品缺货", country="Spain",
                product=case + "\n" + cable.replace("【1】", "【2】")),
        # unpaid orders timing out after 1 day and after 3 days
        ali_row(id="3", status="订单关闭", created="2024.03.05 10:00", close_reason="buyer_pay_timeout",
                closed="2024.03.06 10:00", country="France"),
        ali_row(id="4", status="订单关闭", created="2024.03.05 10:00", close_reason="buyer_pay_timeout",
                closed="2024.03.08 10:00", country="France"),
        ali_row(id="5", status="等待您发货", **paid, deadline="2024-03-12", country="France"),
    ]  # fmt: skip
    # 20 more French orders, all completed: France has enough orders to be listed
    done = {"shipped": "2024.03.06 10:00", "received": "2024.03.15 10:00"}
    rows += [ali_row(id=f"9{n}", status="交易完成", **paid, **done, country="France") for n in range(20)]
    assert cli("ingest", write_ali(tmp_path / "orders.xlsx", rows), "--store", "s1").exit_code == 0
    monkeypatch.setitem(os.environ, "STOREHEALTH_DB", str(db_path))
    values = run_cells(NOTEBOOK_DIR / "explore.ipynb")
    _, stores, months, out_of_stock, offenders, timeouts, days, countries, backlog, _ = values
    day = date(2024, 3, 5)
    assert stores == [("s1", "aliexpress", 25, day, day)]
    march = months.loc[months["orders"] > 0, ["store", "orders", "closed_orders"]]
    assert march.values.tolist() == [["s1", 25, 4]]
    # question 1, by SQL and by the API
    assert out_of_stock == [("Red Case", 2), ("USB Cable", 1)]
    ranked = offenders[["product", "seller_fault_closures"]].values.tolist()
    assert ranked == [["Red Case", 2], ["USB Cable", 1]]
    # question 2: 24 h and 72 h: median 48 h, 90th percentile 24 + 0.9 × 48
    hours = timeouts[["count", "median_hours_to_close", "p90_hours_to_close"]].values.tolist()
    assert hours == [[2, 48.0, 67.2]]
    assert days == [(1, 1), (3, 1)]
    # question 3: Spain has too few orders to be listed; France: 2 of 23 closed
    assert countries == [("France", 23, 2, round(2 / 23, 4))]
    assert backlog["order_id"].tolist() == ["5"]


def test_the_lab_kernel_runs_the_explore_notebook(tmp_path: Path, cli, db_path: Path) -> None:
    """`make lab` registers pipeline/kernels/storehealth; the notebook runs in that real kernel."""
    import subprocess

    bin_dir = NOTEBOOK_DIR.parent / ".venv" / "bin"
    rows = [ali_row(id="1", status="等待您发货", created="2024.03.05 14:22", paid="2024.03.05 14:30")]
    assert cli("ingest", write_ali(tmp_path / "orders.csv", rows), "--store", "s1").exit_code == 0
    prefix = tmp_path / "jupyter"
    subprocess.run(
        [str(bin_dir / "jupyter"), "kernelspec", "install", str(NOTEBOOK_DIR.parent / "pipeline" / "kernels" /
         "storehealth"), "--prefix", str(prefix), "--name", "storehealth"],
        check=True, capture_output=True,
    )  # fmt: skip
    env = {**os.environ, "JUPYTER_PATH": str(prefix / "share" / "jupyter"), "STOREHEALTH_DB": str(db_path)}
    result = subprocess.run(
        [str(bin_dir / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.kernel_name=storehealth", "--output-dir", str(tmp_path),
         str(NOTEBOOK_DIR / "explore.ipynb")],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    executed = json.loads((tmp_path / "explore.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in executed["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any("s1" in json.dumps(o) for o in outputs)
