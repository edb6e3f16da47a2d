"""`storehealth report`: papermill really executes the report notebooks against a demo history,
the HTML shows the figures the history holds (counted here with plain SQL, not through the
metrics API), buyer text is escaped, plotly.js is embedded once and nothing is fetched, a
failing notebook writes nothing, and headless Chromium draws every chart with the network off."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import nbformat
import pytest

from pipeline import reports
from pipeline.charts import CAUSE_LABELS, REASON_LABELS
from pipeline.database import connect
from pipeline.demo_exports import DEMO_TODAY, write_demo_exports
from pipeline.ingest import ingest_file
from pipeline.report_html import what_changed
from pipeline.reports import Period, ReportJob
from tests.builders import ali_row, write_ali

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# SPEC section 2: the cancel reasons that are the seller's fault (★).
SELLER_FAULT = {"seller_raised_price", "seller_no_response", "cannot_use_selected_shipping", "out_of_stock"}
WEEK = Period(date(2024, 5, 20), date(2024, 5, 26))
MONTH = Period(date(2024, 4, 1), date(2024, 4, 30))
MAY = Period(date(2024, 5, 1), date(2024, 5, 31))
XSS_REMARK = '<script>alert("remark")</script> please wrap & hurry'
XSS_REASON = "<img src=x onerror=alert(2)>"


# --- a demo history, rendered once for the module ------------------------------------------------


def _xss_export(path: Path) -> Path:
    """A store whose buyers typed HTML: a remark on an open order, an unknown cancel reason."""
    return write_ali(
        path,
        [
            ali_row(id="8200000000000001", status="等待您发货", created="2024.05.24 10:00",
                    paid="2024.05.24 10:05", deadline="2024-06-05", remark=XSS_REMARK,
                    shipping="DHL"),
            ali_row(id="8200000000000002", status="订单关闭", created="2024.05.22 09:00",
                    paid="2024.05.22 09:10", cancel_reason=XSS_REASON),
            ali_row(id="8200000000000003", status="订单关闭", created="2024.05.23 09:00",
                    paid="2024.05.23 09:10", cancel_reason="商品缺货"),
        ],
    )  # fmt: skip


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reports")
    db = root / "history.duckdb"
    con = connect(db)
    try:
        for store, path in write_demo_exports(root / "exports"):
            ingest_file(con, path, store=store)
        ingest_file(con, _xss_export(root / "xss.xlsx"), store="xss-shop")
    finally:
        con.close()
    return db


@pytest.fixture(scope="module")
def rendered(history: Path) -> dict[str, Path]:
    out = history.parent / "reports"
    jobs = [
        *(
            ReportJob("weekly", (s,), WEEK, history, out, DEMO_TODAY)
            for s in ("ali-main", "ebay-us", "xss-shop")
        ),
        ReportJob("review", ("ali-main",), MONTH, history, out, DEMO_TODAY),
        ReportJob("review", ("xss-shop",), MAY, history, out, DEMO_TODAY),
        ReportJob("cluster", (), MONTH, history, out, DEMO_TODAY),
    ]
    outcome = reports.render_jobs(jobs)
    assert [str(e) for _, e in outcome.failed] == []
    assert outcome.index == out / "index.html"
    return {f"{r.job.kind}/{r.job.scope}": r.path for r in outcome.rendered}


def sql(db: Path, query: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def page(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def tiles(text: str) -> dict[str, str]:
    found = re.findall(r'<div class="sh-label">(.*?)</div><div class="sh-value[^"]*">(.*?)</div>', text)
    return {html.unescape(k): html.unescape(v) for k, v in found}


def figures(text: str) -> list[dict]:
    """Every plotly figure of a page: {"data": [...], "layout": {...}} from its newPlot call."""
    decoder = json.JSONDecoder()
    out = []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', text):
        data, end = decoder.raw_decode(text, m.end())
        layout, _ = decoder.raw_decode(text, text.index("{", end))
        out.append({"data": data, "layout": layout})
    return out


def figure(text: str, title_start: str) -> dict:
    [fig] = [f for f in figures(text) if f["layout"]["title"]["text"].startswith(title_start)]
    return fig


# --- figures against the history ---------------------------------------------------------------


WEEK_SQL = """
select
    count(*),
    count(paid_at),
    count(*) filter (where paid_at is not null and shipped_at is null and status = 'closed'
                     and seller_fault),
    count(*) filter (where shipped_at is not null and ship_deadline is not null
                     and shipped_at >= ship_deadline::date + 1),
    count(*) filter (where shipped_at is not null and ship_deadline is not null),
    count(*) filter (where status = 'closed' and cancel_reason is not null)
from orders_current
where store = ? and created_at::date between ? and ?
"""


@pytest.mark.parametrize("store", ["ali-main", "ebay-us"])
def test_weekly_tiles_show_the_weeks_figures(history: Path, rendered: dict[str, Path], store: str) -> None:
    [(orders, paid, sns, late, shipped, cancelled)] = sql(history, WEEK_SQL, [store, WEEK.first, WEEK.last])
    [(orders_before, *_)] = sql(history, WEEK_SQL, [store, date(2024, 5, 13), date(2024, 5, 19)])
    assert orders > 50  # the demo week is a real one
    shown = tiles(page(rendered[f"weekly/{store}"]))
    assert shown["Orders"] == f"{orders:,}"
    assert shown["Paid orders"] == f"{paid:,}"
    assert shown["Sold, not shipped"] == f"{sns / paid:.1%}"
    assert shown["Late shipments"] == f"{late / shipped:.1%}"
    assert shown["Cancellations"] == f"{cancelled:,}"
    assert f"vs {orders_before:,}" in page(rendered[f"weekly/{store}"])


def test_weekly_reason_chart_counts_and_colours_the_sellers_fault(history: Path, rendered: dict) -> None:
    rows = sql(
        history,
        "select cancel_reason, count(*) from orders_current where store = 'ali-main' and status = 'closed' "
        "and cancel_reason is not null and created_at::date between ? and ? group by 1",
        [WEEK.first, WEEK.last],
    )
    fig = figure(page(rendered["weekly/ali-main"]), "Cancelled orders by reason")
    drawn = {y: x for trace in fig["data"] for x, y in zip(trace["x"], trace["y"], strict=True)}
    assert drawn == {REASON_LABELS[r]: n for r, n in rows}
    [fault] = [t for t in fig["data"] if t["name"].startswith("seller's fault")]
    assert set(fault["y"]) == {REASON_LABELS[r] for r, _ in rows if r in SELLER_FAULT}
    [other] = [t for t in fig["data"] if t is not fault]
    assert fault["marker"]["color"] != other["marker"]["color"]


def test_weekly_close_causes_and_backlog(history: Path, rendered: dict) -> None:
    text = page(rendered["weekly/ali-main"])
    rows = sql(
        history,
        "select close_cause, count(*) from orders_current where store = 'ali-main' and status = 'closed' "
        "and created_at::date between ? and ? group by 1",
        [WEEK.first, WEEK.last],
    )
    fig = figure(text, "Closed orders by cause")
    assert dict(zip(fig["data"][0]["y"], fig["data"][0]["x"], strict=True)) == {
        CAUSE_LABELS[c]: n for c, n in rows
    }
    [(waiting,)] = sql(
        history,
        "select count(*) from orders_current where store = 'ali-main' and status = 'awaiting_shipment'",
    )
    assert f"{waiting:,} orders wait to be shipped" in text


def test_weekly_trend_has_twelve_weeks_and_the_policy_limits(history: Path, rendered: dict) -> None:
    fig = figure(page(rendered["weekly/ali-main"]), "Weekly rates")
    sns = next(t for t in fig["data"] if t["name"] == "Sold, not shipped")
    assert len(sns["x"]) == 12
    weeks = sql(
        history,
        "select date_trunc('week', created_at)::date as w, count(*) filter (where paid_at is not null "
        "and shipped_at is null and status = 'closed' and seller_fault) / count(paid_at) "
        "from orders_current where store = 'ali-main' and created_at::date between ? and ? "
        "group by 1 order by 1",
        [date(2024, 3, 4), WEEK.last],
    )
    assert sns["y"] == pytest.approx([r for _, r in weeks])
    limits = {t["name"] for t in fig["data"] if t.get("line", {}).get("dash") == "dash"}
    assert any("成交不卖" in name and "2.0%" in name for name in limits), limits
    assert not any("eBay" in name for name in limits)  # only the store's own platform's rules


def test_cluster_ranks_every_store_by_the_histories_rate(history: Path, rendered: dict) -> None:
    text = page(rendered["cluster/all"])
    rows = sql(
        history,
        "select store, count(*) filter (where paid_at is not null and shipped_at is null "
        "and status = 'closed' and seller_fault) / nullif(count(paid_at), 0) from orders_current "
        "where created_at::date between ? and ? group by 1",
        [MONTH.first, MONTH.last],
    )
    fig = figure(text, "Sold, not shipped, 01 Apr")
    drawn = dict(zip(fig["data"][0]["y"], fig["data"][0]["x"], strict=True))
    stores = {s for (s,) in sql(history, "select distinct store from ingested_files")}
    assert set(drawn) == stores
    for store, rate in rows:
        assert drawn[store] == pytest.approx(rate)
    assert drawn["xss-shop"] is None  # no order in April: no rate, not 0 %
    # the worst store on top (plotly draws the first category at the bottom)
    ranked = [s for s, r in sorted(rows, key=lambda r: r[1])]
    assert [y for y in fig["data"][0]["y"] if y in ranked] == ranked

    heat = figure(text, "Sold, not shipped, per store and week")["data"][0]
    assert len(heat["x"]) == 12
    row = heat["y"].index("ali-main")
    [(last_week,)] = sql(
        history,
        "select count(*) filter (where paid_at is not null and shipped_at is null and status = 'closed' "
        "and seller_fault) / count(paid_at) from orders_current where store = 'ali-main' "
        "and created_at::date between ? and ?",
        [date(2024, 4, 22), date(2024, 4, 28)],
    )
    assert heat["z"][row][-1] == pytest.approx(last_week)
    assert "Stores in breach" in text and "breach" in text


def test_review_shows_policies_months_time_to_close_and_coverage(history: Path, rendered: dict) -> None:
    text = page(rendered["review/ali-main"])
    [(orders,)] = sql(history, "select count(*) from orders_current where store = 'ali-main'")
    assert tiles(text)["Orders in the history"] == f"{orders:,}"
    fig = figure(text, "Cancelled orders per month")
    per_month = {}
    for trace in fig["data"]:
        for month, n in zip(trace["x"], trace["y"], strict=True):
            per_month[month] = per_month.get(month, 0) + n
    rows = sql(
        history,
        "select strftime(created_at, '%b %Y'), count(*) from orders_current where store = 'ali-main' "
        "and status = 'closed' and cancel_reason is not null and created_at::date between ? and ? group by 1",
        [date(2023, 11, 1), MONTH.last],
    )
    assert {m: n for m, n in per_month.items() if n} == dict(rows)
    assert "AliExpress 成交不卖率" in text and "judged over" in text
    assert figure(text, "Hours from order to close")
    # the section the metrics API cannot feed yet says so
    assert "not available yet" in text


# --- what the page is made of ------------------------------------------------------------------


def test_buyer_text_is_escaped_wherever_it_appears(rendered: dict) -> None:
    for key in ("weekly/xss-shop", "review/xss-shop"):
        text = page(rendered[key])
        assert "<script>alert(" not in text, key
        assert "<img src=x" not in text, key
    weekly = page(rendered["weekly/xss-shop"])
    # the remark, readable, in the open-orders table (quotes need no escaping in text)
    assert html.escape(XSS_REMARK, quote=False) in weekly
    review = page(rendered["review/xss-shop"])
    assert html.escape(XSS_REASON, quote=False) in review  # the raw reason text, in the reasons table
    # inside plotly's data the text is escaped for the label and JSON-escaped for the script
    hover = figure(weekly, "Cancelled orders by reason")["data"]
    assert html.escape(XSS_REASON) in json.dumps(hover, ensure_ascii=False)


@pytest.mark.parametrize("key", ["weekly/ali-main", "review/ali-main", "cluster/all"])
def test_plotly_js_is_embedded_once_and_nothing_is_loaded_from_the_network(rendered: dict, key: str) -> None:
    text = page(rendered[key])
    assert len(text.encode()) < 6_000_000
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", text, flags=re.S)
    assert not [attrs for attrs, _ in scripts if "src=" in attrs]
    bundles = [body for _, body in scripts if "plotly.js v" in body[:200]]
    assert len(bundles) == 1
    rest = text.replace(bundles[0], "")
    assert "cdn.plot.ly" not in rest and "cdnjs" not in rest and "require.js" not in rest
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", rest)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", rest)
    assert rest.count("Plotly.newPlot(") == rest.count('class="plotly-graph-div"') >= 1
    assert "from pipeline import" not in text and 'class="jp-CodeMirrorEditor' not in text  # no code


def test_the_index_lists_every_report(rendered: dict) -> None:
    index = next(iter(rendered.values())).parents[2] / "index.html"
    text = page(index)
    for path in rendered.values():
        assert f'href="{path.relative_to(index.parent).as_posix()}"' in text
    assert "every store" in text and "week 21 of 2024" in text and "April 2024" in text


def test_report_notebooks_have_a_parameters_cell_and_no_outputs() -> None:
    for kind in reports.KINDS:
        nb = nbformat.read(REPO / "notebooks" / f"{kind}.ipynb", as_version=4)
        [cell] = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        names = re.findall(r"^(\w+) = ", cell.source, flags=re.M)
        assert names == ["stores", "date_from", "date_to", "db_path", "as_of"], kind
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        # figures come from the metrics API only: no SQL of their own
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert "from pipeline import charts, connect, metrics" in code
        assert "con.sql(" not in code and "con.execute(" not in code


# --- failures ------------------------------------------------------------------------------------


def test_a_failing_notebook_writes_no_html_says_why_and_the_others_still_render(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    books = tmp_path / "notebooks"
    books.mkdir()
    nb = nbformat.read(REPO / "notebooks" / "weekly.ipynb", as_version=4)
    heading = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## Why orders were cancelled"))
    nb.cells.insert(
        heading + 1, nbformat.v4.new_code_cell('if store == "ebay-us":\n    raise KeyError("boom")')
    )
    nbformat.write(nb, books / "weekly.ipynb")
    monkeypatch.setattr(reports, "notebooks_dir", lambda: books)
    out = tmp_path / "out"

    result = cli("report", "weekly", "--all-stores", "--week", "2024-W21", "--out", out, db=history)
    assert result.exit_code == 1, result.output
    assert "KeyError" in result.stderr and "'boom'" in result.stderr
    assert "ebay-us" in result.stderr and "Why orders were cancelled" in result.stderr
    assert "no HTML was written" in result.stderr
    # where in the notebook: parameters, setup, header, tiles, what changed, then the new cell
    assert "code cell 6 of weekly.ipynb" in result.stderr
    assert "Traceback" not in result.output
    assert not (out / "weekly" / "ebay-us").exists() or not any((out / "weekly" / "ebay-us").iterdir())
    for store in ("ali-main", "ali-outlet", "xss-shop"):
        assert (out / "weekly" / store / "2024-W21.html").is_file()
    assert not list(out.rglob("*.tmp"))
    index = page(out / "index.html")
    assert "ali-main" in index and "ebay-us" not in index


def test_a_failure_keeps_the_previous_report_intact(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "weekly" / "ali-main" / "2024-W21.html"
    target.parent.mkdir(parents=True)
    target.write_text("the report of last run", encoding="utf-8")
    books = tmp_path / "notebooks"
    books.mkdir()
    nb = nbformat.read(REPO / "notebooks" / "weekly.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("1 / 0"))
    nbformat.write(nb, books / "weekly.ipynb")
    monkeypatch.setattr(reports, "notebooks_dir", lambda: books)
    with pytest.raises(reports.ReportError, match="ZeroDivisionError"):
        reports.render("weekly", ["ali-main"], WEEK.first, WEEK.last, history, tmp_path)
    assert target.read_text(encoding="utf-8") == "the report of last run"
    assert sorted(p.name for p in target.parent.iterdir()) == ["2024-W21.html"]


def test_a_week_without_orders_renders_and_says_so(history: Path, tmp_path: Path) -> None:
    path = reports.render("weekly", ["xss-shop"], date(2024, 3, 4), date(2024, 3, 10), history, tmp_path)
    text = page(path)
    assert path == tmp_path / "weekly" / "xss-shop" / "2024-W10.html"
    assert "holds no order created in this week" in text
    assert tiles(text)["Orders"] == "0" and tiles(text)["Sold, not shipped"] == "n/a"
    assert "No order created this week was cancelled" in text


def test_a_reused_kernel_starts_every_report_afresh(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One kernel renders report after report: nothing of one report is seen by the next."""
    books = tmp_path / "notebooks"
    books.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('stores = ""\ndate_from = ""\ndate_to = ""\ndb_path = ""\nas_of = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell('assert "seen" not in globals(), f"left over from {seen}"\nseen = stores'),
        nbformat.v4.new_code_cell("import os\nos.getpid()"),
    ]
    nbformat.write(nb, books / "weekly.ipynb")
    monkeypatch.setattr(reports, "notebooks_dir", lambda: books)
    jobs = reports.plan("weekly", all_stores=True, period=WEEK, db_path=history, out_dir=tmp_path / "out")
    outcome = reports.render_jobs(jobs, workers=1, index=False)
    assert [str(e) for _, e in outcome.failed] == []
    assert len(outcome.rendered) == 4
    pids = {re.search(r"<pre>(\d+)</pre>", page(r.path)).group(1) for r in outcome.rendered}
    assert len(pids) == 1  # one kernel for all four


# --- periods and the command line ---------------------------------------------------------------


def test_periods_name_their_files() -> None:
    assert Period(date(2024, 4, 1), date(2024, 4, 7)).label == "2024-W14"
    assert Period(date(2024, 3, 1), date(2024, 3, 31)).label == "2024-03"
    assert Period(date(2024, 4, 1), date(2024, 6, 30)).label == "2024-Q2"
    assert Period(date(2024, 3, 5), date(2024, 3, 19)).label == "2024-03-05_2024-03-19"
    for label in ("2024-W14", "2024-03", "2024-Q2", "2024-03-05_2024-03-19", "2024-12-28_2025-01-05"):
        assert Period.from_label(label).label == label
    assert Period.from_label("notes") is None
    assert reports.parse_period(week="2024-W14") == Period(date(2024, 4, 1), date(2024, 4, 7))
    assert reports.parse_period(month="2024-02") == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert reports.parse_period(date_from="2024-03-05", date_to="2024-03-19").label == "2024-03-05_2024-03-19"
    assert reports.parse_period() is None


def test_the_default_period_is_the_last_complete_week_or_month() -> None:
    # the day of the latest order may be only partly exported: it never counts as complete
    assert reports.default_period("weekly", date(2024, 5, 31)) == Period(date(2024, 5, 20), date(2024, 5, 26))
    assert reports.default_period("weekly", date(2024, 5, 27)) == Period(date(2024, 5, 20), date(2024, 5, 26))
    assert reports.default_period("weekly", date(2024, 5, 26)) == Period(date(2024, 5, 13), date(2024, 5, 19))
    assert reports.default_period("review", date(2024, 5, 31)) == MONTH
    assert reports.default_period("cluster", date(2024, 6, 1)) == MAY


def test_plan_defaults_and_paths(history: Path, tmp_path: Path) -> None:
    [weekly] = reports.plan("weekly", stores=["ali-main"], db_path=history, out_dir=tmp_path)
    # the latest demo order is on 31 May: the week of 20-26 May is the last complete one
    assert weekly.path == tmp_path / "weekly" / "ali-main" / "2024-W21.html"
    [cluster] = reports.plan("cluster", db_path=history, out_dir=tmp_path)
    assert cluster.path == tmp_path / "cluster" / "all" / "2024-04.html"
    every = reports.plan("review", all_stores=True, db_path=history, out_dir=tmp_path)
    assert [j.scope for j in every] == ["ali-main", "ali-outlet", "ebay-us", "xss-shop"]
    assert {j.period for j in every} == {MONTH}


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["report", "weekly"], 2, "--store NAME or --all-stores"),
        (["report", "monthly", "--store", "ali-main"], 2, "weekly, review, cluster"),
        (["report", "weekly", "--store", "nope"], 1, "no store named 'nope'"),
        (["report", "weekly", "--store", "ali-main", "--week", "2024-W60"], 2, "ISO week"),
        (["report", "review", "--store", "ali-main", "--month", "2024-13"], 2, "YYYY-MM"),
        (
            ["report", "weekly", "--store", "ali-main", "--week", "2024-W14", "--month", "2024-03"],
            2,
            "only one",
        ),
        (["report", "weekly", "--store", "ali-main", "--from", "2024-03-01"], 2, "both --from"),
        (["report", "weekly", "--store", "../etc"], 2, "not allowed"),
    ],
)
def test_report_usage_and_input_errors(history: Path, cli, args: list[str], code: int, says: str) -> None:
    result = cli(*args, db=history)
    assert result.exit_code == code, result.output
    assert says in result.stderr
    assert "Traceback" not in result.output


def test_what_changed_is_written_from_the_figures() -> None:
    import pandas as pd

    now = pd.Series(
        {"sold_not_shipped_rate": 0.05, "late_shipment_rate": 0.01, "orders": 100, "cancellations": 12}
    )
    before = pd.Series(
        {"sold_not_shipped_rate": 0.02, "late_shipment_rate": 0.01, "orders": 98, "cancellations": 6}
    )
    reasons_now = pd.DataFrame(
        {
            "reason": ["out_of_stock", "buyer_changed_mind", "buyer_asked"],
            "count": [9, 2, 6],
            "seller_fault": [True, False, False],
        }
    )
    reasons_before = pd.DataFrame(
        {
            "reason": ["out_of_stock", "buyer_changed_mind", "buyer_asked"],
            "count": [4, 4, 1],
            "seller_fault": [True, False, False],
        }
    )
    lines = what_changed(now, before, reasons_now, reasons_before)
    assert "Sold-not-shipped rate rose from 2.0% to 5.0% (+3.0 pts)." in lines
    assert "Cancellations doubled (6 → 12)." in lines
    assert "“Out of stock” cancellations (the seller's fault) rose by 125% (4 → 9)." in lines
    assert "“Buyer changed their mind” cancellations halved (4 → 2)." in lines
    assert "“Buyer asked to cancel” cancellations rose 6-fold (1 → 6)." in lines
    assert not any("Late-shipment" in line or line.startswith("Orders") for line in lines)


# --- a real browser ----------------------------------------------------------------------------


class _Charts(HTMLParser):
    """Per plotly chart div: how many main SVGs and drawn traces it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[int | None] = []  # index of the chart each open element is in
        self.charts: list[dict[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        classes = (dict(attrs).get("class") or "").split()
        chart = self.stack[-1] if self.stack else None
        if tag == "div" and "plotly-graph-div" in classes:
            self.charts.append({"main-svg": 0, "trace": 0})
            chart = len(self.charts) - 1
        if chart is not None:
            self.charts[chart]["main-svg"] += tag == "svg" and "main-svg" in classes
            self.charts[chart]["trace"] += tag == "g" and ("trace" in classes or "hm" in classes)
        if tag not in {"br", "img", "input", "meta", "link", "hr", "path", "rect", "line", "circle"}:
            self.stack.append(chart)

    def handle_endtag(self, tag: str) -> None:
        if (
            tag not in {"br", "img", "input", "meta", "link", "hr", "path", "rect", "line", "circle"}
            and self.stack
        ):
            self.stack.pop()


def _no_network_prefix() -> list[str]:
    """Run the browser in a network namespace of its own (no network at all) where we may."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "--net", "true"], capture_output=True).returncode == 0:
        return [unshare, "--net"]
    return []


def chromium(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is not installed at /usr/bin/chromium: `.ci/run` installs it "
            "(apt-get install -y chromium fonts-noto-cjk); install it the same way to run this test"
        )
    command = [
        *_no_network_prefix(), str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={profile}", "--hide-scrollbars",
        # belt and braces where no namespace could be had: any request goes nowhere
        "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
        "--virtual-time-budget=8000", *extra, url,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("key", ["weekly/ali-main", "cluster/all", "review/ali-main"])
def test_chromium_draws_every_chart_offline_and_keeps_a_screenshot(
    rendered: dict, tmp_path: Path, key: str
) -> None:
    url = rendered[key].resolve().as_uri()
    netlog = tmp_path / "net.json"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"report-{key.replace('/', '-')}.png"
    shot.unlink(missing_ok=True)
    result = chromium(
        url, tmp_path / "profile", f"--log-net-log={netlog}", "--window-size=1200,3600",
        f"--screenshot={shot}", "--dump-dom",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    parser = _Charts()
    parser.feed(result.stdout)
    expected = page(rendered[key]).count('class="plotly-graph-div"')
    assert len(parser.charts) == expected >= 1
    for chart in parser.charts:
        assert chart["main-svg"] >= 1 and chart["trace"] >= 1, parser.charts

    # The page asked for nothing over the network (the browser's own background requests are
    # not the page's: their initiator is "not an origin").
    log = json.loads(netlog.read_text(encoding="utf-8"))
    kinds = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    asked = [
        e["params"].get("url")
        for e in log["events"]
        if kinds.get(e["type"]) == "URL_REQUEST_START_JOB"
        and e.get("params", {}).get("initiator") not in (None, "not an origin")
    ]
    assert asked == []

    assert shot.stat().st_size > 50_000
    print(f"screenshot: {shot}")
