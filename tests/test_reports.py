"""`storehealth report`: papermill really executes the report notebooks against a demo history,
the HTML shows the figures the history holds (counted here with plain SQL, not through the
metrics API), buyer text is escaped, plotly.js is embedded once and nothing is fetched, a
failing notebook writes nothing, and headless Chromium draws every chart with the network off.
In Chinese and in English the reports show the same figures under different labels, and
Chromium draws the Chinese text with real glyphs (compared with a render without CJK fonts)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import nbformat
import pytest

from pipeline import reports
from pipeline.charts import cause_label, reason_label
from pipeline.database import connect
from pipeline.demo import DEMO_TODAY, write_demo_exports
from pipeline.ingest import ingest_file
from pipeline.periods import Period
from pipeline.report_html import what_changed
from pipeline.report_index import build_index
from pipeline.reports import ReportJob
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
    assert build_index(out) == out / "index.html"  # the caller rebuilds the index
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
    assert drawn == {reason_label(r): n for r, n in rows}
    [fault] = [t for t in fig["data"] if t["name"].startswith("seller's fault")]
    assert set(fault["y"]) == {reason_label(r) for r, _ in rows if r in SELLER_FAULT}
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
        cause_label(c): n for c, n in rows
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
    fig = figure(text, "Sold, not shipped, 1–30 Apr 2024")
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
    # April is compared with March, the calendar month before (not the 30 days before, 2-31 March)
    assert "<dt>compared with</dt><dd>1–31 Mar 2024</dd>" in text
    [(march,)] = sql(history, "select count(*) from orders_current where store = 'ali-main' "
                              "and created_at::date between '2024-03-01' and '2024-03-31'")  # fmt: skip
    orders_change = re.search(r'sh-label">Orders</div><div class="sh-value">[^<]*</div>'
                              r'<div class="sh-change[^"]*">([^<]*)</div>', text)[1]  # fmt: skip
    assert orders_change.endswith(f"vs {march:,}")
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
    assert "AliExpress sold-not-shipped rate (成交不卖率)" in text and "judged over" in text
    assert figure(text, "Hours from order to close")
    # the repeat offenders: the products (each 【n】 title of the product cell) behind the
    # seller's-fault closures, counted here by hand; the most first
    cells = sql(
        history,
        "select product_info from orders_current where store = 'ali-main' and status = 'closed' "
        "and seller_fault and product_info is not null and created_at::date between ? and ?",
        [MONTH.first, MONTH.last],
    )
    counts = Counter(t.strip() for (cell,) in cells for t in set(re.findall(r"【\d+】\s*([^\n]+)", cell)))
    [(top, closures), (_second, fewer)] = counts.most_common(2)
    assert closures > fewer  # one product leads
    assert "not available yet" not in text
    section = text[text.index("Repeat offenders") : text.index("What the figures rest on")]
    first_row = re.search(r"<tbody><tr[^>]*>(.*?)</tr>", section).group(1)
    cells_shown = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", first_row)]
    assert cells_shown[:2] == [top, str(closures)]


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
        assert names == ["stores", "date_from", "date_to", "db_path", "as_of", "lang"], kind
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
    heading = next(i for i, c in enumerate(nb.cells) if '_("Why orders were cancelled")' in c.source)
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
    # where in the notebook: parameters, setup, header, tiles, what changed, the reasons chart,
    # then the new cell
    assert "code cell 7 of weekly.ipynb" in result.stderr
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


def test_a_week_past_the_latest_export_says_its_last_days_are_missing(
    history: Path, tmp_path: Path, rendered: dict
) -> None:
    [(latest,)] = sql(history, "select max(exported_at) from ingested_files where store = 'ali-main'")
    assert latest.date() < date(2024, 6, 2)  # the demo's exports end before that Sunday
    path = reports.render("weekly", ["ali-main"], date(2024, 5, 27), date(2024, 6, 2), history, tmp_path)
    assert "The exports reach only to" in page(path) and "sh-warning" in page(path)
    assert "The exports reach only to" not in page(rendered["weekly/ali-main"])  # W21 is covered


def test_a_comparison_with_a_period_the_history_only_starts_in_says_so(
    history: Path, tmp_path: Path, rendered: dict
) -> None:
    [(start,)] = sql(history, "select min(created_at)::date from orders_current where store = 'ali-main'")
    assert date(2023, 12, 1) < start <= date(2023, 12, 31)  # the demo history starts in December
    path = reports.render("review", ["ali-main"], date(2024, 1, 1), date(2024, 1, 31), history, tmp_path)
    assert "inside the period compared with (1–31 Dec 2023)" in html.unescape(page(path))
    assert "inside the period compared with" not in page(rendered["review/ali-main"])  # April


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
    outcome = reports.render_jobs(jobs, workers=1)
    assert [str(e) for _, e in outcome.failed] == []
    assert len(outcome.rendered) == 5  # the four demo stores and xss-shop
    pids = {re.search(r"<pre>(\d+)</pre>", page(r.path)).group(1) for r in outcome.rendered}
    assert len(pids) == 1  # one kernel for all five


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
    assert [j.scope for j in every] == ["ali-main", "ali-outlet", "ebay-us", "shop-dtc", "xss-shop"]
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
    assert "“Buyer no longer wants the order” cancellations halved (4 → 2)." in lines
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


def chromium(url: str, profile: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
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
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


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


# --- Chinese and English -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered_zh(history: Path, rendered: dict[str, Path]) -> dict[str, Path]:
    """The module's reports again, from the same history, in Chinese (`rendered` is English)."""
    out = history.parent / "reports-zh"
    jobs = [
        ReportJob("weekly", ("ali-main",), WEEK, history, out, DEMO_TODAY, "zh"),
        ReportJob("review", ("ali-main",), MONTH, history, out, DEMO_TODAY, "zh"),
        ReportJob("cluster", (), MONTH, history, out, DEMO_TODAY, "zh"),
    ]
    outcome = reports.render_jobs(jobs)
    assert [str(e) for _, e in outcome.failed] == []
    return {f"{r.job.kind}/{r.job.scope}": r.path for r in outcome.rendered}


FIGURE = re.compile(r"\d{4}-\d\d-\d\d(?:/\d{4}-\d\d-\d\d)?|[-+]?\d+(?:,\d{3})*(?:\.\d+)?%?")
MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
EN_DAY = r"(?:[A-Z][a-z]{2}, )?(\d{1,2})(?: ([A-Z][a-z]{2}))?(?: (\d{4}))?"
ZH_DAY = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:周[一二三四五六日])?"


def iso_dates(text: str) -> str:
    """Our dates in either language as ISO dates (spans as first/last), to compare the two:
    Mon, 3 Jun 2024 / 2024年6月3日周一; 20–26 May 2024 / 2024年5月20日至26日."""

    def iso(parts: list[list]) -> str:
        # a part without a year or month takes it from the part after it (English) or before (Chinese)
        for later, part in zip(parts[1:], parts[:-1], strict=True):
            part[0], part[1] = part[0] or later[0], part[1] or later[1]
        for earlier, part in zip(parts[:-1], parts[1:], strict=True):
            part[0], part[1] = part[0] or earlier[0], part[1] or earlier[1]
        return "/".join(f"{int(y):04d}-{int(m):02d}-{int(d):02d}" for y, m, d in parts)

    def english(m: re.Match) -> str:
        if not (m[2] or m[5]):
            return m[0]  # a number, not a date
        parts = [[m[3], MONTHS.get(m[2]), m[1]]] + ([[m[6], MONTHS.get(m[5]), m[4]]] if m[4] else [])
        return iso(parts)

    def chinese(m: re.Match) -> str:
        return iso([[m[1], m[2], m[3]]] + ([[m[4], m[5], m[6]]] if m[6] else []))

    text = re.sub(rf"(?<![\d.,]){EN_DAY}(?:\s?–\s?{EN_DAY})?\b", english, text)
    return re.sub(rf"{ZH_DAY}(?:至{ZH_DAY})?", chinese, text)


def shown_figures(text: str) -> dict[str, list]:
    """Every figure a page shows, without its words: tile values, the numbers of each tile's
    change and note, of each numeric table cell and of each "what changed" line, and every
    number drawn in a chart (bar lengths and texts, line points, heatmap cells)."""

    def numbers(fragments: list[str]) -> list[list[str]]:
        return [FIGURE.findall(iso_dates(html.unescape(f))) for f in fragments]

    charts = []
    for fig in figures(text):
        for trace in fig["data"]:
            for key in ("x", "y", "z", "text"):
                values = trace.get(key)
                if isinstance(values, list) and values and all(
                    v is None or isinstance(v, int | float | list) for v in values
                ):
                    charts.append(values)  # numbers (or rows of numbers), not category labels
                elif key == "text" and isinstance(values, list):
                    charts.append(numbers([str(v) for v in values]))
    lists = re.findall(r'<ul class="sh-list">.*?</ul>', text)  # not the policies' sources: prose
    return {
        # a missing rate is the one word a figure may be: n/a, 无数据
        "tiles": [
            "–" if v in ("n/a", "无数据") else iso_dates(html.unescape(v))
            for v in re.findall(r'<div class="sh-value[^"]*">(.*?)</div>', text)
        ],
        # a change or note may name its figures in another order ("4 of 94" / "94 单中有 4 单")
        "changes": [sorted(n) for n in numbers(re.findall(r'<div class="sh-change[^"]*">(.*?)</div>', text))],
        "notes": [sorted(n) for n in numbers(re.findall(r'<div class="sh-note">(.*?)</div>', text))],
        "table cells": numbers(re.findall(r'<td class="sh-num">(.*?)</td>', text)),
        "what changed": numbers(re.findall(r"<li>(.*?)</li>", "".join(lists))),
        "charts": charts,
    }


def visible_text(text: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text[text.index("<body") :], flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("key", ["weekly/ali-main", "review/ali-main", "cluster/all"])
def test_chinese_and_english_reports_show_the_same_figures(
    rendered: dict, rendered_zh: dict, key: str
) -> None:
    en, zh = shown_figures(page(rendered[key])), shown_figures(page(rendered_zh[key]))
    assert en["table cells"] and en["charts"] and (en["tiles"] or key == "cluster/all")
    assert en == zh
    # the same figures under other words: the pages differ in their labels
    assert page(rendered[key]) != page(rendered_zh[key])


def test_the_weekly_report_in_each_language_uses_its_words(rendered: dict, rendered_zh: dict) -> None:
    en, zh = page(rendered["weekly/ali-main"]), page(rendered_zh["weekly/ali-main"])
    assert '<html lang="en">' in en and '<html lang="zh-CN">' in zh
    assert list(tiles(en)) == ["Orders", "Paid orders", "Sold, not shipped", "Late shipments",
                               "Cancellations"]  # fmt: skip
    assert list(tiles(zh)) == ["订单数", "已付款订单", "成交不卖率", "延迟发货率", "取消订单"]
    headings = [re.findall(r"<h2>(.*?)</h2>", p) for p in (en, zh)]
    assert headings == [
        ["The week at a glance", "What changed", "Why orders were cancelled", "Why orders closed",
         "12-week trend", "Open orders to ship"],
        ["本周概览", "本期变化", "订单取消原因", "订单关闭原因", "近 12 周趋势", "待发货订单"],
    ]  # fmt: skip
    # reason and cause codes in the platforms' wording, in charts, tables and sentences
    en_reasons = figure(en, "Cancelled orders by reason")
    zh_reasons = figure(zh, "ali-main 取消订单原因分布")
    assert "Out of stock" in en_reasons["data"][1]["y"] and "商品缺货" in zh_reasons["data"][1]["y"]
    assert "3 cancellations for “out of stock” (the seller's fault), none the period before." in en
    assert "因“商品缺货”（卖家责任）取消 3 单，上期没有。" in zh
    assert "Buyer cancelled after paying" in en and "买家付款后取消" in zh
    assert en_reasons["layout"]["xaxis"]["title"]["text"] == "cancelled orders"
    assert zh_reasons["layout"]["xaxis"]["title"]["text"] == "取消订单数"
    assert [t["name"] for t in zh_reasons["data"]] == ["非卖家责任", "卖家责任（计入成交不卖）"]
    trend = figure(zh, "ali-main 每周比率")
    assert trend["data"][0]["name"] == "成交不卖率" and trend["data"][0]["x"][0] == "3月4日"
    assert figure(en, "Weekly rates")["data"][0]["x"][0] == "4 Mar"
    # dates, rates and money in each language's conventions
    assert "20–26 May 2024" in en and "2024年5月20日至26日" in zh
    assert "▲ +1.8 pts vs 2.5%" in en and "▲ +1.8 个百分点（上期 2.5%）" in zh
    assert re.search(r">\$\d+\.\d\d<", en) and re.search(r">US\$\d+\.\d\d<", zh)
    assert "Mon, 3 Jun 2024" in en and "2024年6月3日周一" in zh
    # nothing of ours left in English on the Chinese page: outside the tables' data and the
    # footer's file path, the Latin words it shows are names (stores, platforms) and plotly's own
    # hover placeholders
    data = re.sub(r"<td[^>]*>.*?</td>|<footer.*?</footer>", " ", zh, flags=re.S)
    words = set(re.findall(r"[A-Za-z][A-Za-z'\-]+", visible_text(data)))
    words |= {
        w
        for fig in figures(zh)
        for text in [fig["layout"]["title"]["text"], fig["layout"]["xaxis"].get("title", {}).get("text", "")]
        + [str(t.get("name", "")) + str(t.get("hovertemplate", "")) for t in fig["data"]]
        for w in re.findall(r"[A-Za-z][A-Za-z'\-]+", text)
    }
    names = {"ali-main", "eBay", "storehealth"}
    assert words - names - {"extra", "customdata", "fullData", "name", "br"} == set()


def test_the_review_and_cluster_in_chinese(rendered_zh: dict) -> None:
    review, cluster = page(rendered_zh["review/ali-main"]), page(rendered_zh["cluster/all"])
    for phrase in ("店铺健康复盘", "平台考核", "逐月取消原因", "关闭用时", "问题商品", "数据依据",
                   "速卖通成交不卖率", "速卖通卖家规则（成交不卖）", "超标", "最常见原因",
                   "历史订单数"):  # fmt: skip
        assert phrase in review, phrase
    assert "2024年4月" in figure(review, "ali-main 每月取消订单")["data"][0]["x"]
    for phrase in ("多店对比报告", "超标店铺", "成交不卖率排名", "逐周对比", "5 个店铺 · 2024年4月1日至30日"):
        assert phrase in cluster, phrase
    assert figure(cluster, "各店铺每周成交不卖率")["layout"]["xaxis"]["title"]["text"] == "周起始日"


def test_a_report_in_the_other_language_replaces_it_under_the_same_name(
    history: Path, tmp_path: Path, cli
) -> None:
    """--lang is how a report is rendered, not another report: the file name stays, the index
    says which language each report is in, and the command speaks the language too."""
    out = tmp_path / "out"
    args = ("report", "weekly", "--store", "xss-shop", "--week", "2024-W21", "--out", out)
    zh = cli(*args, "--lang", "zh", db=history)
    assert zh.exit_code == 0, zh.output
    path = out / "weekly" / "xss-shop" / "2024-W21.html"
    assert zh.stdout.splitlines() == [str(path), str(out / "index.html")]
    assert "已生成" in zh.stderr and "rendered" not in zh.stderr
    assert '<html lang="zh-CN">' in page(path) and "店铺健康周报" in page(path)
    index = page(out / "index.html")
    assert '<html lang="zh-CN">' in index and "店铺健康周报" in index and "<td>中文</td>" in index
    assert cli(*args, "--lang", "fr", db=history).exit_code == 2


def test_the_weekly_run_renders_each_store_in_its_language(tmp_path: Path, monkeypatch) -> None:
    from pipeline import weekly_run
    from pipeline.reports import Outcome
    from pipeline.stores import StoreConfig

    planned: list[ReportJob] = []
    monkeypatch.setattr(weekly_run, "render_jobs", lambda jobs, **_kw: planned.extend(jobs) or Outcome())
    options = weekly_run.default_options(db_path=tmp_path / "h.duckdb", out_dir=tmp_path / "out",
                                         today=date(2024, 6, 3), lang="en")  # fmt: skip
    configs = {"ali-main": StoreConfig("ali-main", lang="zh"), "ebay-us": StoreConfig("ebay-us")}
    summary = weekly_run.RunSummary("2024-06-03", "2024-W22", "2024-05", False)
    weekly_run._render(options, ["ali-main", "ebay-us", "ali-outlet"], set(), WEEK, MAY, summary,
                       lambda _m: None, configs)  # fmt: skip
    langs = {(job.kind, job.scope): job.lang for job in planned}
    assert langs == {
        ("weekly", "ali-main"): "zh", ("review", "ali-main"): "zh",  # its own lang in stores.toml
        ("weekly", "ebay-us"): "en", ("review", "ebay-us"): "en",  # none: the run's --lang
        ("weekly", "ali-outlet"): "en", ("review", "ali-outlet"): "en",  # not in stores.toml
        ("cluster", "all"): "en",
    }  # fmt: skip
    assert {job.parameters()["lang"] for job in planned} == {"zh", "en"}


def _fonts_without_cjk(folder: Path) -> dict[str, str]:
    """An environment whose fontconfig knows every font of this machine except those that
    draw Chinese, Japanese or Korean: Chromium started in it has no CJK glyph to draw."""

    def files(*pattern: str, env: dict | None = None) -> set[str]:
        listed = subprocess.run(
            ["fc-list", *pattern, "-f", "%{file}\n"], capture_output=True, text=True, env=env
        )
        return set(listed.stdout.split("\n")) - {""}

    cjk = set().union(*(files(f":lang={lang}") for lang in ("zh-cn", "zh-tw", "ja", "ko")))
    if not files(":lang=zh-cn"):
        pytest.fail("no font here draws Chinese: install Debian's fonts-noto-cjk (`.ci/run` does)")
    (folder / "fonts").mkdir(parents=True)
    for i, path in enumerate(sorted(files() - cjk)):
        (folder / "fonts" / f"{i}-{Path(path).name}").symlink_to(path)
    (folder / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>'
        f"<dir>{folder / 'fonts'}</dir><cachedir>{folder / 'cache'}</cachedir>"
        '<include ignore_missing="yes">/etc/fonts/conf.d</include></fontconfig>\n',
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf")}
    assert files(":lang=zh-cn", env=env) == set() and files(env=env)
    return env


# Appended to a copy of the page: where each tile label and each chart's axis title was drawn.
MEASURE_TEXT = """<script>window.addEventListener("load", () => setTimeout(() => {
  const boxes = [];
  const add = (kind, element, r) => boxes.push({kind, text: element.textContent, x: r.left + scrollX,
                                                y: r.top + scrollY, w: r.width, h: r.height});
  document.querySelectorAll(".sh-tile .sh-label").forEach(e => {
    const range = document.createRange();
    range.selectNodeContents(e);
    add("tile label", e, range.getBoundingClientRect());
  });
  document.querySelectorAll(".g-xtitle text, .g-ytitle text").forEach(e => add("axis title", e,
                                                                             e.getBoundingClientRect()));
  const out = document.createElement("pre");
  out.id = "sh-text-boxes";
  out.textContent = JSON.stringify(boxes);
  document.body.appendChild(out);
}, 200));</script>"""


def _ink(shot, box: dict, width: int, height: int) -> list[bool]:
    """The dark pixels of a screenshot in a text's box (top left aligned, a pixel of margin)."""
    x, y = round(box["x"]), round(box["y"])
    crop = shot.crop((x - 1, y - 1, x + width + 1, y + height + 1)).convert("L")
    return [value < 200 for value in crop.tobytes()]


def test_chromium_draws_the_chinese_report_with_cjk_glyphs(rendered_zh: dict, tmp_path: Path) -> None:
    """A screenshot of the Chinese weekly report (kept in tests/artifacts/), against one of the
    same page in a Chromium that has no CJK font and so draws missing-glyph boxes: in every tile
    label and every axis title the two screenshots differ through and through, so the first
    drew real glyphs, not boxes."""
    from PIL import Image

    probe = tmp_path / "weekly-zh.html"
    probe.write_text(page(rendered_zh["weekly/ali-main"]).replace("</body>", MEASURE_TEXT + "</body>", 1),
                     encoding="utf-8")  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = {
        "with CJK fonts": (ARTIFACTS / "report-weekly-ali-main-zh.png", None),
        "without CJK fonts": (
            ARTIFACTS / "report-weekly-ali-main-zh-without-cjk-fonts.png",
            _fonts_without_cjk(tmp_path / "fontconfig"),
        ),
    }
    drawn = {}
    for name, (shot, env) in shots.items():
        shot.unlink(missing_ok=True)
        result = chromium(probe.as_uri(), tmp_path / f"profile-{len(drawn)}", "--window-size=1200,3600",
                          f"--screenshot={shot}", "--dump-dom", env=env)  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        measured = re.search(r'<pre id="sh-text-boxes">(.*?)</pre>', result.stdout).group(1)
        boxes = json.loads(html.unescape(measured))
        drawn[name] = (Image.open(shot), boxes)
    (with_cjk, boxes), (without, boxes_without) = drawn.values()
    assert [b["text"] for b in boxes] == [b["text"] for b in boxes_without]
    kinds = [b["kind"] for b in boxes]
    assert kinds.count("tile label") == 5 and kinds.count("axis title") >= 4
    for box, other in zip(boxes, boxes_without, strict=True):
        assert re.search(r"[\u4e00-\u9fff]", box["text"]), box  # Chinese words, every one
        width, height = round(max(box["w"], other["w"])), round(max(box["h"], other["h"]))
        glyphs, tofu = _ink(with_cjk, box, width, height), _ink(without, other, width, height)
        both = sum(g and t for g, t in zip(glyphs, tofu, strict=True))
        either = sum(g or t for g, t in zip(glyphs, tofu, strict=True))
        assert sum(glyphs) > 4 * len(box["text"]), box  # something was drawn for each character
        # the Jaccard distance of the two drawings: 0 for the same pixels; glyphs against boxes
        # measured 0.83-0.91 when this test was written
        assert 1 - both / either > 0.6, (box, 1 - both / either)
    print(f"screenshot: {shots['with CJK fonts'][0]}")


# --- the same reports from a lake ----------------------------------------------------------------


def test_a_lake_history_renders_the_same_figures(history: Path, rendered: dict, tmp_path: Path) -> None:
    """The demo history in a DuckLake (SQLite catalog): its reports show the file's figures, chart
    by chart and tile by tile, rendered by real kernels reading the lake."""
    from pipeline.history_target import parse_target

    lake = parse_target(f"ducklake:sqlite:{tmp_path / 'team.sqlite'}")
    con = connect(lake)
    try:
        for store, path in write_demo_exports(tmp_path / "exports"):
            ingest_file(con, path, store=store)
        ingest_file(con, _xss_export(tmp_path / "xss.xlsx"), store="xss-shop")
    finally:
        con.close()
    out = tmp_path / "reports"
    jobs = [
        ReportJob("weekly", ("ali-main",), WEEK, lake, out, DEMO_TODAY),
        ReportJob("cluster", (), MONTH, lake, out, DEMO_TODAY),
    ]
    outcome = reports.render_jobs(jobs)
    assert [str(e) for _, e in outcome.failed] == []
    from_lake = {f"{r.job.kind}/{r.job.scope}": r.path for r in outcome.rendered}
    for key in ("weekly/ali-main", "cluster/all"):
        lake_page, file_page = page(from_lake[key]), page(rendered[key])
        assert figures(lake_page) == figures(file_page) and len(figures(file_page)) >= 2
        assert tiles(lake_page) == tiles(file_page)
        assert "ducklake:sqlite:team.sqlite" in lake_page  # where its figures come from, no folders
        assert str(tmp_path) not in lake_page
