"""HTML blocks for the report notebooks: a page header, KPI tiles, tables, notes, and the short
"what changed" list written from the figures.

Everything here formats figures that the metrics API (`pipeline.metrics`) computed; nothing is
recomputed. Every piece of text that is not a fixed label of ours goes through `html.escape`:
store names, remarks, raw reason texts and product names come from buyers or exports.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
from IPython.display import HTML

from pipeline.charts import cause_label, reason_label

# An order whose ship deadline ends within this many hours is "near its deadline".
NEAR_DEADLINE_HOURS = 48


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def percent(rate: object, digits: int = 1) -> str:
    """A rate (0.0123) as a seller reads it (1.2 %); n/a when there was no base."""
    return "n/a" if _missing(rate) else f"{float(rate):.{digits}%}"


def points(delta: float) -> str:
    """A change of a rate in percentage points: +1.3 pts."""
    return f"{delta * 100:+.1f} pts"


def number(value: object) -> str:
    return "n/a" if _missing(value) else f"{int(value):,}"


def day(value: object) -> str:
    if _missing(value):
        return ""
    return pd.Timestamp(value).strftime("%a %d %b %Y")


def period_text(first: date, last: date) -> str:
    if first == last:
        return day(first)
    if first.year == last.year:
        return f"{first:%d %b} – {last:%d %b %Y}"
    return f"{first:%d %b %Y} – {last:%d %b %Y}"


def header(title: str, subtitle: str, facts: Mapping[str, str] | None = None) -> HTML:
    """The report's title block; every value escaped."""
    items = "".join(
        f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd></div>" for k, v in (facts or {}).items()
    )
    return HTML(
        f'<header class="sh-header"><h1>{html.escape(title)}</h1>'
        f'<p class="sh-subtitle">{html.escape(subtitle)}</p>'
        f'<dl class="sh-facts">{items}</dl></header>'
    )


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    change: str = ""
    tone: str = "neutral"  # good, bad or neutral: the colour of the change
    note: str = ""


def tiles(items: Iterable[Tile]) -> HTML:
    cells = []
    for t in items:
        change = f'<div class="sh-change sh-{t.tone}">{html.escape(t.change)}</div>' if t.change else ""
        note = f'<div class="sh-note">{html.escape(t.note)}</div>' if t.note else ""
        cells.append(
            f'<div class="sh-tile"><div class="sh-label">{html.escape(t.label)}</div>'
            f'<div class="{"sh-value sh-small" if len(t.value) > 12 else "sh-value"}">'
            f"{html.escape(t.value)}</div>{change}{note}</div>"
        )
    return HTML(f'<div class="sh-tiles">{"".join(cells)}</div>')


def count_tile(label: str, now: object, before: object, *, more_is: str = "neutral", note: str = "") -> Tile:
    """A count with its change against the previous period (more_is: good, bad or neutral)."""
    if _missing(before):
        return Tile(label, number(now), "no earlier period", "neutral", note)
    delta = int(now) - int(before)
    if delta == 0:
        return Tile(label, number(now), f"same as before ({number(before)})", "neutral", note)
    arrow = "▲" if delta > 0 else "▼"
    relative = f", {delta / int(before):+.0%}" if int(before) else ""
    tone = "neutral" if more_is == "neutral" else (more_is if delta > 0 else _other(more_is))
    return Tile(label, number(now), f"{arrow} {delta:+,}{relative} vs {number(before)}", tone, note)


def rate_tile(label: str, now: object, before: object, *, note: str = "") -> Tile:
    """A rate where lower is better, with its change in percentage points."""
    if _missing(now):
        return Tile(label, "n/a", "nothing to measure", "neutral", note)
    if _missing(before):
        return Tile(label, percent(now), "no earlier period", "neutral", note)
    delta = float(now) - float(before)
    if abs(delta) < 0.0005:
        return Tile(label, percent(now), f"same as before ({percent(before)})", "neutral", note)
    arrow = "▲" if delta > 0 else "▼"
    tone = "bad" if delta > 0 else "good"
    return Tile(label, percent(now), f"{arrow} {points(delta)} vs {percent(before)}", tone, note)


def _other(tone: str) -> str:
    return {"good": "bad", "bad": "good"}.get(tone, tone)


def bullets(items: Iterable[str], *, empty: str = "Nothing worth a mention.") -> HTML:
    lines = [f"<li>{html.escape(i)}</li>" for i in items]
    if not lines:
        return note(empty)
    return HTML(f'<ul class="sh-list">{"".join(lines)}</ul>')


def note(text: str, *, kind: str = "info") -> HTML:
    return HTML(f'<p class="sh-callout sh-{kind}">{html.escape(text)}</p>')


def not_available(section: str, needs: str) -> HTML:
    """A clearly marked placeholder for a section the metrics API cannot feed yet."""
    return HTML(
        f'<div class="sh-callout sh-unavailable"><strong>{html.escape(section)}: not available yet.'
        f"</strong> {html.escape(needs)}</div>"
    )


Formatter = Callable[[object], str]


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    formats: Mapping[str, Formatter] | None = None,
    *,
    row_class: Callable[[pd.Series], str] | None = None,
    empty: str = "None.",
    limit: int | None = None,
) -> HTML:
    """Selected columns under readable headers; every cell escaped after formatting."""
    if frame.empty:
        return note(empty)
    formats = formats or {}
    shown = frame if limit is None else frame.head(limit)
    numeric_columns = {
        c
        for c in columns
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    }
    head = "".join(
        f'<th class="{"sh-num" if c in numeric_columns else ""}">{html.escape(h)}</th>'
        for c, h in columns.items()
    )
    body = []
    for _, row in shown.iterrows():
        cells = []
        for column in columns:
            value = row[column]
            text = formats[column](value) if column in formats else ("" if _missing(value) else str(value))
            cells.append(
                f'<td class="{"sh-num" if column in numeric_columns else ""}">{html.escape(text)}</td>'
            )
        css = f' class="{html.escape(row_class(row))}"' if row_class else ""
        body.append(f"<tr{css}>{''.join(cells)}</tr>")
    more = ""
    if limit is not None and len(frame) > limit:
        more = f'<p class="sh-more">… and {len(frame) - limit:,} more.</p>'
    return HTML(
        f'<table class="sh-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{more}'
    )


# --- the weekly report's pieces -----------------------------------------------------------------


def kpi_tiles(now: pd.Series, before: pd.Series | None) -> HTML:
    """Orders, paid, sold-not-shipped rate, late-shipment rate and cancellations, each against
    the previous period (`now` and `before` are rows of `metrics.summary`)."""
    prev = before if before is not None else pd.Series(dtype=object)
    return tiles(
        [
            count_tile("Orders", now["orders"], prev.get("orders"), more_is="good"),
            count_tile("Paid orders", now["paid_orders"], prev.get("paid_orders"), more_is="good"),
            rate_tile(
                "Sold, not shipped",
                now["sold_not_shipped_rate"],
                prev.get("sold_not_shipped_rate"),
                note=f"{number(now['sold_not_shipped'])} of {number(now['paid_orders'])} paid orders",
            ),
            rate_tile(
                "Late shipments",
                now["late_shipment_rate"],
                prev.get("late_shipment_rate"),
                note=f"{number(now['late_shipments'])} of {number(now['shipped_with_deadline'])} "
                "shipped with a deadline",
            ),
            count_tile(
                "Cancellations",
                now["cancellations"],
                prev.get("cancellations"),
                more_is="bad",
                note=f"{number(now['seller_fault_cancellations'])} the seller's fault",
            ),
        ]
    )


def what_changed(
    now: pd.Series,
    before: pd.Series | None,
    reasons_now: pd.DataFrame,
    reasons_before: pd.DataFrame,
    *,
    limit: int = 6,
) -> list[str]:
    """Plain sentences on what moved since the previous period, the biggest moves first:
    the rates (in points), then every cancel reason whose count changed notably."""
    if before is None:
        return []
    found: list[tuple[float, str]] = []
    for column, name in (
        ("sold_not_shipped_rate", "Sold-not-shipped rate"),
        ("late_shipment_rate", "Late-shipment rate"),
    ):
        a, b = before.get(column), now.get(column)
        if _missing(a) or _missing(b) or abs(float(b) - float(a)) < 0.005:
            continue
        verb = "rose" if b > a else "fell"
        found.append(
            (abs(b - a) * 400, f"{name} {verb} from {percent(a)} to {percent(b)} ({points(b - a)}).")
        )
    for column, name in (("orders", "Orders"), ("cancellations", "Cancellations")):
        a, b = before.get(column), now.get(column)
        if _missing(a) or _missing(b) or int(a) == int(b):
            continue
        if int(a) >= 5 and abs(int(b) - int(a)) / int(a) >= 0.25:
            change = abs(int(b) - int(a)) / int(a)
            found.append((change, f"{name} {_moved(int(a), int(b))} ({int(a)} → {int(b)})."))
    counts_now = dict(zip(reasons_now["reason"], reasons_now["count"], strict=True))
    counts_before = dict(zip(reasons_before["reason"], reasons_before["count"], strict=True))
    fault = dict(zip(reasons_now["reason"], reasons_now["seller_fault"], strict=True)) | dict(
        zip(reasons_before["reason"], reasons_before["seller_fault"], strict=True)
    )
    for reason in sorted(set(counts_now) | set(counts_before)):
        a, b = int(counts_before.get(reason, 0)), int(counts_now.get(reason, 0))
        if max(a, b) < 3 or abs(b - a) < 2:
            continue
        label = reason_label(reason).lower()
        star = " (the seller's fault)" if fault.get(reason) else ""
        if a == 0:
            text = f"{b} cancellations for “{label}”{star}, none the period before."
        elif b == 0:
            text = f"No cancellations for “{label}”{star} any more (were {a})."
        else:
            text = f"“{label.capitalize()}” cancellations{star} {_moved(a, b)} ({a} → {b})."
        weight = abs(b - a) / max(a, 1) * (2 if fault.get(reason) else 1)
        found.append((weight, text))
    found.sort(key=lambda item: -item[0])
    return [text for _, text in found[:limit]]


def _moved(a: int, b: int) -> str:
    """How a count moved, in words: doubled, halved, rose by 40 %, fell by 25 %."""
    if b >= 2 * a and b % a == 0 and b // a <= 4:
        return {2: "doubled", 3: "tripled", 4: "quadrupled"}[b // a]
    if b >= 5 * a:
        return f"rose {b / a:.0f}-fold"
    if b * 2 == a:
        return "halved"
    return f"{'rose' if b > a else 'fell'} by {abs(b - a) / a:.0%}"


def backlog_table(backlog: pd.DataFrame, *, limit: int = 30) -> HTML:
    """Open orders, those that need attention first on top: express, wholesale, with a buyer
    remark, or near (or past) their ship deadline; then by deadline."""
    if backlog.empty:
        return note("No order is waiting to be shipped.", kind="good")
    rows = backlog.copy()
    hours = rows["hours_left"].astype(float)
    near = hours.le(NEAR_DEADLINE_HOURS).fillna(False)
    flags = rows[["express", "wholesale", "has_remark"]].astype(bool)
    rows["_first"] = flags.any(axis=1) | near
    rows["attention"] = [
        ", ".join(
            name
            for name, on in (
                ("overdue" if h < 0 else "due soon", bool(n)),
                ("express", e),
                ("wholesale", w),
                ("remark", r),
            )
            if on
        )
        for h, n, e, w, r in zip(
            hours.fillna(0), near, flags["express"], flags["wholesale"], flags["has_remark"], strict=True
        )
    ]
    rows = rows.sort_values(["_first", "ship_deadline", "order_id"], ascending=[False, True, True])
    first = int(rows["_first"].sum())
    summary = note(
        f"{len(rows):,} orders wait to be shipped; {first:,} need attention first "
        f"(express, wholesale, a buyer remark, or a deadline within {NEAR_DEADLINE_HOURS} hours)."
    )
    listing = table(
        rows,
        {
            "order_id": "order",
            "attention": "why first",
            "ship_deadline": "ship by",
            "hours_left": "time left",
            "shipping_method": "shipping",
            "quantity": "items",
            "order_amount": "amount",
            "currency": "",
            "remark": "buyer remark",
        },
        {
            "ship_deadline": day,
            "hours_left": _hours_left,
            "order_amount": lambda v: "" if _missing(v) else f"{float(v):,.2f}",
            "currency": lambda v: "" if _missing(v) else str(v),
            "quantity": lambda v: "" if _missing(v) else f"{int(v)}",
        },
        row_class=lambda r: "sh-attention" if r["_first"] else "",
        limit=limit,
    )
    return HTML(summary.data + listing.data)


def _hours_left(value: object) -> str:
    if _missing(value):
        return "no deadline"
    h = float(value)
    if h < 0:
        return f"overdue {_duration(-h)}"
    return _duration(h)


def _duration(hours: float) -> str:
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"


# --- the review and cluster pieces --------------------------------------------------------------


STANDING_ORDER = {"breach": 0, "warning": 1, "ok": 2, "no data": 3}


def standing_table(standing: pd.DataFrame, *, with_store: bool = False) -> HTML:
    """Each policy against its limit: the rate over the policy's own window, the standing, the
    margin to the limit and how many more orders would cross it."""
    rows = standing.assign(_rank=standing["standing"].map(STANDING_ORDER).fillna(9))
    rows = rows.sort_values(["_rank", "store", "policy"])
    columns = {"store": "store"} if with_store else {}
    columns |= {
        "label": "policy",
        "window": "judged over",
        "rate": "rate",
        "limit": "limit",
        "standing": "standing",
        "margin": "margin",
        "orders_to_cross": "orders to cross",
    }
    rows["window"] = [
        f"{w} days ({period_text(pd.Timestamp(a).date(), pd.Timestamp(b).date())})"
        if not _missing(a)
        else f"{w} days"
        for w, a, b in zip(rows["window_days"], rows["window_from"], rows["window_to"], strict=True)
    ]
    rows["limit"] = [
        f"{'≤' if k == 'at_most' else '<'} {percent(v)}"
        for k, v in zip(rows["limit_kind"], rows["breach"], strict=True)
    ]
    rows["rate"] = [
        f"{percent(r, 2)} ({number(n)} of {number(b)})"
        for r, n, b in zip(rows["rate"], rows["numerator"], rows["base"], strict=True)
    ]
    return table(
        rows,
        columns,
        {"margin": lambda v: "" if _missing(v) else points(float(v)), "orders_to_cross": number},
        row_class=lambda r: f"sh-standing-{str(r['standing']).replace(' ', '-')}",
    )


def cause_table(causes: pd.DataFrame) -> HTML:
    return table(
        causes,
        {"cause": "close cause", "count": "orders", "share": "share", "inferred": "cause inferred",
         "median_hours_to_close": "median time to close", "p90_hours_to_close": "90 % closed within"},
        {"cause": lambda c: cause_label(str(c)), "share": percent, "inferred": number,
         "median_hours_to_close": hours, "p90_hours_to_close": hours},
        empty="No order of the period closed.",
    )  # fmt: skip


def hours(value: object) -> str:
    """Hours as a duration a seller reads: 20 h, 3 days."""
    return "n/a" if _missing(value) else _duration(float(value))


def frame(rows: Iterable[Mapping]) -> pd.DataFrame:
    """Rows (dicts, e.g. from `store_status`) as a DataFrame for `table`."""
    return pd.DataFrame(list(rows))
