"""What the commands print on a terminal: the rich tables and the lines around them.

The commands in pipeline/cli.py read, then hand the result to one function here; `--json`
prints the same dicts as JSON instead. Tables and messages go on `out` (stdout) and progress and
warnings on `err` (stderr), both `TerminalConsole`s, which strip the escape codes a cell of an
export may hold (pipeline/terminal.py). Cells taken from exports are printed as plain `Text` or
with `markup=False`, never read as rich markup.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from pipeline.i18n import _, label, percent
from pipeline.terminal import TerminalConsole

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.ingest import IngestResult
    from pipeline.weekly_run import RunSummary

err = TerminalConsole(stderr=True, highlight=False)
out = TerminalConsole(highlight=False)
if not out.is_terminal:  # piped or redirected: keep each table row on one line
    out = TerminalConsole(highlight=False, width=200)


def _export_time_source(source: str) -> str:
    """How the export time was found, as stored in ingested_files, in the reader's language."""
    return {"given": _("given"), "latest event in file": _("latest event in file")}.get(source, source)


def print_result(result: IngestResult) -> None:
    """What one ingested file brought, on stderr (with --json too: stdout holds only the JSON)."""
    if result.outcome == "already ingested":
        err.print(_("{file}: already ingested, nothing changed", file=result.path.name),
                  markup=False, soft_wrap=True)  # fmt: skip
    else:
        err.print(
            _("{file}: {platform}, {read} rows read, {orders} orders: {new} new, {updated} updated, "
              "{unchanged} unchanged; {rejected} rows rejected (exported {exported}, {source})",
              file=result.path.name, platform=result.platform, read=result.rows_read,
              orders=result.orders, new=result.new,
              updated=result.updated, unchanged=result.unchanged, rejected=result.rejected,
              exported=result.exported_at.strftime("%Y-%m-%d %H:%M"),
              source=_export_time_source(result.exported_at_source)),
            markup=False,
            soft_wrap=True,
        )  # fmt: skip
        if result.outcome == "reprocessed":
            err.print(_("  read again: rows rejected before have landed where they now can"), markup=False)
        for sheet, row, order_id, reason in result.rejected_examples:
            order = _(" order {order}", order=order_id) if order_id else ""
            err.print(_("  rejected: sheet {sheet!r} row {row}{order}: {reason}", sheet=sheet, row=row,
                        order=order, reason=reason), markup=False, soft_wrap=True)  # fmt: skip
        if result.rejected > len(result.rejected_examples):
            err.print(
                _("  … and {more} more: `storehealth status` lists them",
                  more=result.rejected - len(result.rejected_examples)),
                markup=False,
            )  # fmt: skip
    for warning in result.warnings:
        err.print(_("  warning: {warning}", warning=warning), soft_wrap=True, markup=False)


def print_status(report: dict) -> None:
    """One line per store, then each store's warnings, unknown values and rejected rows."""
    from pipeline.status import store_platform, unknown_value_warning

    if not report["stores"]:
        out.print(_("The history is empty: ingest an export with `storehealth ingest PATH --store NAME`."))
        return
    table = Table(title=_("storehealth history"))
    for column in (_("store"), _("platform"), _("files"), _("orders"), _("open"), _("to ship"), _("closed"),
                   _("orders from"), _("to"), _("latest export"), _("age (days)"), _("rejected rows")):
        table.add_column(column)
    for s in report["stores"]:
        table.add_row(
            s["store"], s["platforms"], str(s["files"]), str(s["orders"]), str(s["open_orders"]),
            str(s["to_ship_orders"]), str(s["closed_orders"]), str(s["first_order_date"]),
            str(s["last_order_date"]), str(s["latest_export_at"]), str(s["latest_export_age_days"]),
            str(s["rejected_rows"]),
        )  # fmt: skip
    out.print(table)
    for s in report["stores"]:
        for warning in s["warnings"]:
            out.print(_("{store}: warning: {warning}", store=s["store"], warning=warning),
                      soft_wrap=True, markup=False)  # fmt: skip
        for u in s["unknown_values"]:
            out.print(unknown_value_warning(s["store"], u, store_platform(s), report["vocabulary_file"]),
                      soft_wrap=True, markup=False)  # fmt: skip
        for r in s["rejected_examples"]:
            out.print(
                _("{store}: rejected {file} row {row}: {reason}", store=s["store"], file=r["path"],
                  row=r["row_number"], reason=r["reason"]),
                soft_wrap=True, markup=False,
            )  # fmt: skip


def print_metrics(details: dict) -> None:
    """The window's figures, how fast each cause closed orders, and the open orders to ship first."""
    m = details["figures"]
    who = _("all stores") if m["store"] == "*" else m["store"]
    out.print(_("store {store}, orders created {first} to {last}", store=who, first=m["from"], last=m["to"]),
              markup=False)  # fmt: skip
    table = Table(show_header=False)
    table.add_column(_("figure"))
    table.add_column(_("value"), justify="right")
    table.add_row(_("orders"), str(m["orders"]))
    table.add_row(_("paid orders"), str(m["paid_orders"]))
    table.add_row(_("closed orders"), str(m["closed_orders"]))
    sns = m["sold_not_shipped"]
    table.add_row(_("sold not shipped"),
                  _("{count} ({rate} of paid)", count=sns["count"], rate=percent(sns["rate"])))  # fmt: skip
    late = m["late_shipment"]
    shipped = _("{count} ({rate} of shipped with a deadline)", count=late["count"],
                rate=percent(late["rate"]))
    table.add_row(_("late shipments"), shipped)
    out.print(table)
    if m["cancellation_reasons"]:
        reasons = Table(title=_("cancellation reasons"))
        for column in (_("reason"), _("orders"), _("share"), _("seller's fault")):
            reasons.add_column(column)
        for r in m["cancellation_reasons"]:
            fault = _("yes") if r["seller_fault"] else ""
            reasons.add_row(label("cancel_reason", r["reason"]), str(r["count"]), percent(r["share"]), fault)
        out.print(reasons)
    if m["close_causes"]:
        hours = {c["cause"]: c for c in details["close_times"]}
        causes = Table(title=_("close causes"))
        for n, column in enumerate((_("cause"), _("orders"), _("share"), _("inferred"),
                                    _("median time to close"), _("90% closed within"),
                                    _("orders with a close time"))):  # fmt: skip
            causes.add_column(column, justify="right" if n > 3 else "left")
        for c in m["close_causes"]:
            times = hours.get(c["cause"], {})
            causes.add_row(label("close_cause", c["cause"]), str(c["count"]), percent(c["share"]),
                           str(c["inferred"]), _duration(times.get("median_hours_to_close")),
                           _duration(times.get("p90_hours_to_close")),
                           str(times.get("with_close_time", 0)))  # fmt: skip
        out.print(causes)
    print_backlog(details["open_backlog"])


def print_backlog(backlog: dict) -> None:
    """The orders awaiting shipment now, those that need attention first on top (then by deadline)."""
    from pipeline.backlog import attention_reasons, backlog_summary, time_left

    if not backlog["orders"]:
        out.print(_("No order is waiting to be shipped."), markup=False)
        return
    out.print(backlog_summary(backlog["orders"], backlog["attention_first"], backlog.get("due_soon_hours")),
              markup=False)  # fmt: skip
    out.print(
        _("As of {now}; order states as of the latest export ({latest}).", now=_moment(backlog["as_of"]),
          latest=_moment(backlog["latest_export_at"])),
        markup=False,
    )  # fmt: skip
    table = Table(title=_("orders to ship first"))
    for column in (_("store"), _("order"), _("ordered"), _("why first"), _("ship by"), _("time left"),
                   _("shipping")):  # fmt: skip
        table.add_column(column)
    for o in backlog["first"]:
        table.add_row(  # order ids and shipping methods come from exports: never read as markup
            o["store"], Text(o["order_id"]), (o["created_at"] or "")[:10], attention_reasons(o),
            (o["ship_deadline"] or "")[:10],
            time_left(o["hours_left"]), Text(o["shipping_method"] or ""),
        )  # fmt: skip
    out.print(table)
    if backlog["orders"] > len(backlog["first"]):
        more = f"{backlog['orders'] - len(backlog['first']):,}"
        out.print(_("{more} more: --csv FILE --table backlog writes them all.", more=more), markup=False)


def _moment(when: datetime | None) -> str:
    from pipeline.i18n import day_time

    return _("n/a") if when is None else day_time(when)


def _duration(hours: float | None) -> str:
    from pipeline.backlog import duration

    return _("n/a") if hours is None else duration(hours)


def print_breakdown(frame: pd.DataFrame, per: str | None, by: str | None, who: str) -> None:
    """One line per period and store/platform, each rate with its change from the period before;
    `who` names the selection when it is not broken down per store or platform."""
    title = _("store-health figures by period") if by else _("store-health figures")
    table = Table(title=title)
    scope = {"store": _("store"), "platform": _("platform")}.get(per or "", _("stores"))
    columns = [_("from"), _("to"), scope, _("orders"), _("paid"), _("closed")]
    columns += [_("sold not shipped"), _("late shipments")]
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n < 3 else "right")
    for row in frame.itertuples(index=False):
        key = getattr(row, per) if per else who
        table.add_row(
            f"{row.period_from:%Y-%m-%d}", f"{row.period_to:%Y-%m-%d}",
            label("platform", key) if per == "platform" else key, str(row.orders), str(row.paid_orders),
            str(row.closed_orders),
            _count_rate(row.sold_not_shipped, row.sold_not_shipped_rate, row.sold_not_shipped_rate_change),
            _count_rate(row.late_shipments, row.late_shipment_rate, row.late_shipment_rate_change),
        )  # fmt: skip
    out.print(table)


def _count_rate(count: int, rate: float | None, change: float | None) -> str:
    """12 (1.23%, +0.40 pt): a count, its rate and the rate's change from the period before."""
    text = f"{count} ({percent(_value(rate))}"
    if _value(change) is not None:
        text += ", " + _points(change)
    return text + ")"


def _value(number: float | None) -> float | None:
    """None for a missing figure, whether it came as None or as pandas' NaN."""
    return None if number is None or number != number else number


def _points(change: float) -> str:
    """A change of rate in percentage points, signed: +0.40 pt."""
    return _("{points} pt", points=format(change * 100, "+.2f"))


def print_policy(result: dict) -> None:
    """Each store against each of its platform's policies (the dict `metrics --policy --json` prints)."""
    table = Table(title=_("policy standing as of {day}", day=result["as_of"]))
    numeric = (_("rate"), _("limit"), _("margin"))
    for column in (_("store"), _("policy"), _("window"), *numeric, _("standing"), _("orders to cross")):
        table.add_column(column, justify="right" if column in numeric else "left")
    for p in result["policies"]:
        limit = ("≤ " if p["limit_kind"] == "at_most" else "< ") + percent(p["breach"])
        margin = _("n/a") if p["margin"] is None else _points(p["margin"])
        cross = _("n/a") if p["orders_to_cross"] is None else str(p["orders_to_cross"])
        table.add_row(
            p["store"], label("policy", p["policy"]), _("{days} days", days=p["window_days"]),
            percent(p["rate"]), limit, margin, label("standing", p["standing"]), cross,
        )  # fmt: skip
    out.print(table)


def print_run(s: RunSummary) -> None:
    """The run's summary on stdout: what a cron mail should say, most important last."""
    head = _("storehealth run (dry run)") if s.dry_run else _("storehealth run")
    out.print(_("{head} {today}: week {week}, month {month}", head=head, today=s.today, week=s.week,
                month=s.month), markup=False)  # fmt: skip
    for f in s.ingested:
        out.print(
            _("ingested {file} into {store}: {read} rows, {new} new, {updated} updated, {rejected} rejected",
              file=f["path"], store=f["store"], read=f["rows_read"], new=f["new"], updated=f["updated"],
              rejected=f["rejected"]),
            markup=False, soft_wrap=True,
        )  # fmt: skip
    out.print(_("{count} files ingested, {known} already in the history", count=len(s.ingested),
                known=s.already_ingested), markup=False)  # fmt: skip
    for line in s.planned:
        out.print(line, markup=False, soft_wrap=True)
    for path in s.reports:
        out.print(_("report {file}", file=path), markup=False, soft_wrap=True)
    if s.index:
        out.print(_("index {file}", file=s.index), markup=False, soft_wrap=True)
    if s.standings:
        table = Table(title=_("policy standing at the end of {week}", week=s.week))
        for column in (_("store"), _("policy"), _("rate"), _("limit"), _("standing"), _("orders to cross")):
            table.add_column(column)
        for p in s.standings:
            cross = _("n/a") if p["orders_to_cross"] is None else str(p["orders_to_cross"])
            policy = _("{policy} ({days} days)", policy=label("policy", p["policy"]), days=p["window_days"])
            table.add_row(p["store"], policy, percent(p["rate"]), percent(p["breach"]),
                          label("standing", p["standing"]), cross)  # fmt: skip
        out.print(table)
    for n in s.notifications:
        if "preview" in n:
            out.print(_("would send to {channel}:", channel=n["channel"]), markup=False, soft_wrap=True)
            out.print("\n".join("    " + line for line in n["preview"].splitlines()), markup=False,
                      soft_wrap=True)  # fmt: skip
        elif n["sent"]:
            out.print(_("sent the summary to {channel}", channel=n["channel"]), markup=False, soft_wrap=True)
    for warning in s.warnings:
        out.print(_("warning: {warning}", warning=warning), markup=False, soft_wrap=True)
    for failure in s.failures:
        out.print(_("FAILED: {failure}", failure=failure), markup=False, soft_wrap=True)
    verdict = {0: _("all well"), 3: _("finished with warnings"), 1: _("something failed")}[s.exit_code]
    out.print(_("exit {code}: {verdict}", code=s.exit_code, verdict=verdict), markup=False)


def print_unknown_values(unknown: list[dict], vocabulary_file: Path) -> None:
    """The raw values the vocabulary does not know, and the command that maps one."""
    if not unknown:
        out.print(_("Every status and reason in the history is known to the vocabulary ({file}).",
                    file=vocabulary_file), soft_wrap=True, markup=False)  # fmt: skip
        return
    table = Table(title=_("values the vocabulary does not know"))
    for column in (_("kind"), _("platform"), _("raw value"), _("orders"), _("example order"), _("stores")):
        table.add_column(column)
    for u in unknown:
        table.add_row(u["kind"], u["platform"], Text(u["raw_value"]), str(u["orders"]),
                      Text(str(u["example_order"] or "")), Text(", ".join(u["stores"])))  # fmt: skip
    out.print(table)
    out.print(_("Map one with: storehealth vocabulary add KIND RAW CODE [--platform P] (writes {file})",
                file=vocabulary_file), soft_wrap=True, markup=False)  # fmt: skip


def print_channels(outcomes: list[dict], *, tested: bool, missing_file: Path | None) -> None:
    """notify.toml's channels, or how each took its test message; `missing_file` when there is
    no notify.toml."""
    if missing_file is not None:
        out.print(_("no notify.toml at {file}: nothing is sent", file=missing_file), markup=False,
                  soft_wrap=True)  # fmt: skip
    for o in outcomes:
        if not tested:
            out.print(_("{channel}: stores {stores}, language {lang}", channel=o["channel"],
                        stores=", ".join(o["stores"] or [_("all")]), lang=o["lang"] or _("the run's")),
                      markup=False, soft_wrap=True)  # fmt: skip
        elif o["sent"]:
            out.print(_("{channel}: ok", channel=o["channel"]), markup=False, soft_wrap=True)
        else:
            out.print(_("{channel}: FAILED ({error})", channel=o["channel"], error=o["error"]), markup=False,
                      soft_wrap=True)  # fmt: skip
