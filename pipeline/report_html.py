"""HTML blocks for the report notebooks: a page header, section headings, KPI tiles, tables,
notes, and the short "what changed" list written from the figures.

Everything here formats figures that the metrics API (`pipeline.metrics`) computed; nothing is
recomputed. Every piece of text that is not a fixed label of ours goes through `html.escape`:
store names, remarks, raw reason texts and product names come from buyers or exports.

Every label and sentence is written in the report's language (`pipeline.i18n`, set by the
notebook's `lang` parameter): `_()` for our texts, `label()` for the platforms' wording of a
code, and the language's own way of writing rates, dates and money. The figures are the same
in every language: only the words around them change.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from IPython.display import HTML

from pipeline import i18n
from pipeline.backlog import attention_reasons, backlog_summary, duration, time_left
from pipeline.charts import cause_label, reason_label
from pipeline.i18n import _, label
from pipeline.i18n import listing as listing  # the notebooks' rh.listing

EMPHASIS, EMPHASISED = re.compile(r"\*([^*]+)\*"), r"<em>\1</em>"


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def percent(rate: object, digits: int = 1) -> str:
    """A rate (0.0123) as a seller reads it (1.2%); n/a (无数据) when there was no base."""
    return _("n/a") if _missing(rate) else i18n.percent(float(rate), digits)


def points(delta: float) -> str:
    """A change of a rate in percentage points: +1.3 pts / +1.3 个百分点."""
    return _("{delta} pts", delta=f"{delta * 100:+.1f}")


def number(value: object) -> str:
    return _("n/a") if _missing(value) else f"{int(value):,}"


def day(value: object) -> str:
    """A day with its weekday: Mon, 20 May 2024 / 2024年5月20日周一."""
    if _missing(value):
        return ""
    return i18n.weekday_day(pd.Timestamp(value).date())


def moment(value: object) -> str:
    """A day and time: 3 Jun 2024 08:00 / 2024年6月3日 08:00."""
    if _missing(value):
        return _("n/a")
    return i18n.day_time(pd.Timestamp(value).to_pydatetime())


def partial_period_note(last: date, latest_export_at: object) -> HTML:
    """A warning when the period runs past the latest export: its last days hold only the orders
    that export saw, so a drop there is the export's edge, not the store's (empty otherwise)."""
    if _missing(latest_export_at) or pd.Timestamp(latest_export_at).date() >= last:
        return HTML("")
    return note(
        _("The exports reach only to {latest}: orders created after it are not in these figures yet, "
          "so the last days of the period look quieter than they were. Ingest a newer export and "
          "render the report again.", latest=moment(latest_export_at)),
        kind="warning",
    )


def partial_comparison_note(before_first: date, before_last: date, first_order: object) -> HTML:
    """A warning when the history starts inside the period compared with: that period holds only
    its last days, so every change against it reads larger than it was (empty otherwise)."""
    if _missing(first_order):
        return HTML("")
    start = pd.Timestamp(first_order).date()
    if not before_first < start <= before_last:
        return HTML("")
    return note(
        _("The history starts on {start}, inside the period compared with ({period}): the changes "
          "against it overstate, as that period holds only its last days.",
          start=i18n.day_name(start), period=period_text(before_first, before_last)),
        kind="warning",
    )


def period_text(first: date, last: date) -> str:
    """20–26 May 2024 / 2024年5月20日至26日."""
    return i18n.day_span(first, last)


def money(amount: object, currency: object) -> str:
    """US$12.34 / ¥88.00 in Chinese, $12.34 / CN¥88.00 in English."""
    if _missing(amount):
        return ""
    return i18n.money(float(amount), None if _missing(currency) else str(currency))


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


def section(title: str, *paragraphs: str) -> HTML:
    """A section heading and its introduction; `*words*` in a paragraph are emphasised."""
    body = "".join(f"<p>{EMPHASIS.sub(EMPHASISED, html.escape(text))}</p>" for text in paragraphs if text)
    return HTML(f'<section class="sh-section"><h2>{html.escape(title)}</h2>{body}</section>')


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
        return Tile(label, number(now), _("no earlier period"), "neutral", note)
    delta = int(now) - int(before)
    if delta == 0:
        same = _("same as before ({before})", before=number(before))
        return Tile(label, number(now), same, "neutral", note)
    arrow = "▲" if delta > 0 else "▼"
    tone = "neutral" if more_is == "neutral" else (more_is if delta > 0 else _other(more_is))
    if int(before):
        relative = ("+" if delta > 0 else "") + i18n.percent(delta / int(before), 0)
        change = _("{arrow} {delta}, {relative} vs {before}", arrow=arrow, delta=f"{delta:+,}",
                   relative=relative, before=number(before))  # fmt: skip
    else:
        change = _("{arrow} {delta} vs {before}", arrow=arrow, delta=f"{delta:+,}", before=number(before))
    return Tile(label, number(now), change, tone, note)


def rate_tile(label: str, now: object, before: object, *, note: str = "") -> Tile:
    """A rate where lower is better, with its change in percentage points."""
    if _missing(now):
        return Tile(label, _("n/a"), _("nothing to measure"), "neutral", note)
    if _missing(before):
        return Tile(label, percent(now), _("no earlier period"), "neutral", note)
    delta = float(now) - float(before)
    if abs(delta) < 0.0005:
        same = _("same as before ({before})", before=percent(before))
        return Tile(label, percent(now), same, "neutral", note)
    arrow = "▲" if delta > 0 else "▼"
    tone = "bad" if delta > 0 else "good"
    change = _("{arrow} {delta} vs {before}", arrow=arrow, delta=points(delta), before=percent(before))
    return Tile(label, percent(now), change, tone, note)


def _other(tone: str) -> str:
    return {"good": "bad", "bad": "good"}.get(tone, tone)


def bullets(items: Iterable[str], *, empty: str | None = None, kind: str = "list") -> HTML:
    lines = [f"<li>{html.escape(i)}</li>" for i in items]
    if not lines:
        return note(empty or _("Nothing worth a mention."))
    return HTML(f'<ul class="sh-{html.escape(kind)}">{"".join(lines)}</ul>')


def note(text: str, *, kind: str = "info") -> HTML:
    return HTML(f'<p class="sh-callout sh-{kind}">{html.escape(text)}</p>')


Formatter = Callable[[object], str]


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    formats: Mapping[str, Formatter] | None = None,
    *,
    row_class: Callable[[pd.Series], str] | None = None,
    empty: str | None = None,
    limit: int | None = None,
    numeric: Iterable[str] = (),
) -> HTML:
    """Selected columns under readable headers; every cell escaped after formatting. Numeric
    columns (and those named in `numeric`) are right-aligned."""
    if frame.empty:
        return note(empty or _("None."))
    formats = formats or {}
    shown = frame if limit is None else frame.head(limit)
    numeric_columns = set(numeric) | {
        c
        for c in columns
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    }
    head = "".join(
        f'<th class="{"sh-num" if c in numeric_columns else ""}">{html.escape(h)}</th>'
        for c, h in columns.items()
    )
    body = []
    for _index, row in shown.iterrows():
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
        text = _("… and {more} more.", more=f"{len(frame) - limit:,}")
        more = f'<p class="sh-more">{html.escape(text)}</p>'
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
            count_tile(_("Orders"), now["orders"], prev.get("orders"), more_is="good"),
            count_tile(_("Paid orders"), now["paid_orders"], prev.get("paid_orders"), more_is="good"),
            rate_tile(
                _("Sold, not shipped"),
                now["sold_not_shipped_rate"],
                prev.get("sold_not_shipped_rate"),
                note=_("{count} of {paid} paid orders", count=number(now["sold_not_shipped"]),
                       paid=number(now["paid_orders"])),
            ),  # fmt: skip
            rate_tile(
                _("Late shipments"),
                now["late_shipment_rate"],
                prev.get("late_shipment_rate"),
                note=_("{count} of {shipped} shipped with a deadline", count=number(now["late_shipments"]),
                       shipped=number(now["shipped_with_deadline"])),
            ),  # fmt: skip
            count_tile(
                _("Cancellations"),
                now["cancellations"],
                prev.get("cancellations"),
                more_is="bad",
                # cancellations are closed orders with a cancel reason: say how many closed in all,
                # for exports (or mappings) that close orders without giving a reason
                note=_("{count} the seller's fault; {closed} orders closed in all",
                       count=number(now["seller_fault_cancellations"]), closed=number(now["closed_orders"])),
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
    for column, rose, fell in (
        (
            "sold_not_shipped_rate",
            _("Sold-not-shipped rate rose from {before} to {now} ({change})."),
            _("Sold-not-shipped rate fell from {before} to {now} ({change})."),
        ),
        (
            "late_shipment_rate",
            _("Late-shipment rate rose from {before} to {now} ({change})."),
            _("Late-shipment rate fell from {before} to {now} ({change})."),
        ),
    ):
        a, b = before.get(column), now.get(column)
        if _missing(a) or _missing(b) or abs(float(b) - float(a)) < 0.005:
            continue
        text = (rose if b > a else fell).format(before=percent(a), now=percent(b), change=points(b - a))
        found.append((abs(b - a) * 400, text))
    for column, sentence in (
        ("orders", _("Orders {moved} ({before} → {now}).")),
        ("cancellations", _("Cancellations {moved} ({before} → {now}).")),
    ):
        a, b = before.get(column), now.get(column)
        if _missing(a) or _missing(b) or int(a) == int(b):
            continue
        if int(a) >= 5 and abs(int(b) - int(a)) / int(a) >= 0.25:
            change = abs(int(b) - int(a)) / int(a)
            found.append((change, sentence.format(moved=_moved(int(a), int(b)), before=int(a), now=int(b))))
    counts_now = dict(zip(reasons_now["reason"], reasons_now["count"], strict=True))
    counts_before = dict(zip(reasons_before["reason"], reasons_before["count"], strict=True))
    fault = dict(zip(reasons_now["reason"], reasons_now["seller_fault"], strict=True)) | dict(
        zip(reasons_before["reason"], reasons_before["seller_fault"], strict=True)
    )
    for reason in sorted(set(counts_now) | set(counts_before)):
        a, b = int(counts_before.get(reason, 0)), int(counts_now.get(reason, 0))
        if max(a, b) < 3 or abs(b - a) < 2:
            continue
        name = label("cancel_reason", reason)
        star = _(" (the seller's fault)") if fault.get(reason) else ""
        if a == 0:
            text = _("{now} cancellations for “{reason}”{star}, none the period before.",
                     now=b, reason=name, star=star)  # fmt: skip
        elif b == 0:
            text = _("No cancellations for “{reason}”{star} any more (were {before}).",
                     reason=name, star=star, before=a)  # fmt: skip
        else:
            text = _("“{reason}” cancellations{star} {moved} ({before} → {now}).", reason=name[:1].upper()
                     + name[1:], star=star, moved=_moved(a, b), before=a, now=b)  # fmt: skip
        weight = abs(b - a) / max(a, 1) * (2 if fault.get(reason) else 1)
        found.append((weight, text))
    found.sort(key=lambda item: -item[0])
    return [text for _weight, text in found[:limit]]


def _moved(a: int, b: int) -> str:
    """How a count moved, in words: doubled, halved, rose by 40%, fell by 25%."""
    if b >= 2 * a and b % a == 0 and b // a <= 4:
        return {2: _("doubled"), 3: _("tripled"), 4: _("quadrupled")}[b // a]
    if b >= 5 * a:
        return _("rose {times}-fold", times=f"{b / a:.0f}")
    if b * 2 == a:
        return _("halved")
    change = i18n.percent(abs(b - a) / a, 0)
    return _("rose by {change}", change=change) if b > a else _("fell by {change}", change=change)


def backlog_table(backlog: pd.DataFrame, *, limit: int = 30) -> HTML:
    """Open orders, those that need attention first on top: express, wholesale, with a buyer
    remark, or near (or past) their ship deadline; then by deadline."""
    if backlog.empty:
        return note(_("No order is waiting to be shipped."), kind="good")
    rows = backlog.copy()
    rows["attention"] = [attention_reasons(r) for r in rows.to_dict("records")]
    rows = rows.sort_values("ship_first_rank")
    first = int(rows["attention_first"].sum())
    summary = note(backlog_summary(len(rows), first, backlog.attrs.get("due_soon_hours")))
    rows["amount"] = [money(a, c) for a, c in zip(rows["order_amount"], rows["currency"], strict=True)]
    listing_html = table(
        rows,
        {
            "order_id": _("order"),
            "created_at": _("ordered"),
            "attention": _("why first"),
            "ship_deadline": _("ship by"),
            "hours_left": _("time left"),
            "shipping_method": _("shipping"),
            "quantity": _("items"),
            "amount": _("amount"),
            "remark": _("buyer remark"),
        },
        {
            "created_at": day,
            "ship_deadline": day,
            "hours_left": lambda v: time_left(None if _missing(v) else float(v)),
            "quantity": lambda v: "" if _missing(v) else f"{int(v)}",
        },
        row_class=lambda r: "sh-attention" if r["attention_first"] else "",
        limit=limit,
        numeric=("amount",),
    )
    return HTML(summary.data + listing_html.data)


# --- the review and cluster pieces --------------------------------------------------------------


STANDING_ORDER = {"breach": 0, "warning": 1, "ok": 2, "no data": 3}


def standing_table(standing: pd.DataFrame, *, with_store: bool = False) -> HTML:
    """Each policy against its limit: the rate over the policy's own window, the standing, the
    margin to the limit and how many more orders would cross it."""
    rows = standing.assign(_rank=standing["standing"].map(STANDING_ORDER).fillna(9))
    rows = rows.sort_values(["_rank", "store", "policy"])
    columns = {"store": _("store")} if with_store else {}
    columns |= {
        "policy_label": _("policy"),
        "window": _("judged over"),
        "rate": _("rate"),
        "limit": _("limit"),
        "standing_label": _("standing"),
        "margin": _("margin"),
        "orders_to_cross": _("orders to cross"),
    }
    rows["policy_label"] = [label("policy", p) for p in rows["policy"]]
    rows["standing_label"] = [label("standing", s) for s in rows["standing"]]
    rows["window"] = [
        _("{days} days ({span})", days=w, span=period_text(pd.Timestamp(a).date(), pd.Timestamp(b).date()))
        if not _missing(a)
        else _("{days} days", days=w)
        for w, a, b in zip(rows["window_days"], rows["window_from"], rows["window_to"], strict=True)
    ]
    rows["limit"] = [
        f"{'≤' if k == 'at_most' else '<'} {percent(v)}"
        for k, v in zip(rows["limit_kind"], rows["breach"], strict=True)
    ]
    rows["rate"] = [
        _("{rate} ({count} of {base})", rate=percent(r, 2), count=number(n), base=number(b))
        for r, n, b in zip(rows["rate"], rows["numerator"], rows["base"], strict=True)
    ]
    return table(
        rows,
        columns,
        {"margin": lambda v: "" if _missing(v) else points(float(v)), "orders_to_cross": number},
        row_class=lambda r: f"sh-standing-{str(r['standing']).replace(' ', '-')}",
    )


def policy_sources(standing: pd.DataFrame) -> HTML:
    """Where each policy's limit comes from, in the report's language."""
    own = standing["set_in"].notna() if "set_in" in standing else False
    sources = standing.assign(own=own)[["policy", "source", "own"]].drop_duplicates("policy")
    return bullets(
        [
            _("{policy}: {source}", policy=label("policy", key), source=_policy_source(key, source, own))
            for key, source, own in sources.itertuples(index=False)
        ],
        empty=_("No policy applies to this store's platform."),
        kind="list sh-sources",
    )


def _policy_source(key: str, source: str, own: bool = False) -> str:
    """pipeline/policies.toml has the English source; labels.toml a translation of it. A limit
    the seller set (`own`) keeps its source as metrics wrote it: it says so, in this language."""
    translated = label("policy_source", key)
    return source if own or translated == key else translated


def cause_table(causes: pd.DataFrame) -> HTML:
    return table(
        causes,
        {"cause": _("close cause"), "count": _("orders"), "share": _("share"),
         "inferred": _("cause inferred"), "median_hours_to_close": _("median time to close"),
         "p90_hours_to_close": _("90 % closed within")},
        {"cause": lambda c: cause_label(str(c)), "share": percent, "inferred": number,
         "median_hours_to_close": hours, "p90_hours_to_close": hours},
        empty=_("No order of the period closed."),
    )  # fmt: skip


def reasons_table(reasons: pd.DataFrame) -> HTML:
    """The period's cancel reasons in the platform's wording, with the text as exported."""
    return table(
        reasons,
        {"reason": _("reason"), "count": _("orders"), "share": _("share"),
         "seller_fault": _("seller's fault"), "raw_text": _("as exported")},
        {"reason": reason_label, "share": percent, "seller_fault": lambda f: _("★ yes") if f else ""},
        empty=_("No order of the period was cancelled with a reason."),
    )  # fmt: skip


def time_to_close_table(closing: pd.DataFrame) -> HTML:
    return table(
        closing,
        {"cause": _("close cause"), "count": _("closed orders"), "with_close_time": _("with a close time"),
         "median_hours_to_close": _("median"), "p90_hours_to_close": _("90 % within")},
        {"cause": cause_label, "median_hours_to_close": hours, "p90_hours_to_close": hours},
        empty=_("No order of the period closed."),
    )  # fmt: skip


def top_reason(code: object) -> str:
    """The commonest reason of a product's closures: a cancel reason, else a close cause."""
    if _missing(code):
        return ""
    code = str(code)
    text = label("cancel_reason", code)
    return cause_label(code) if text == code else text[:1].upper() + text[1:]


def repeat_offenders_table(offenders: pd.DataFrame, *, limit: int = 15) -> HTML:
    """The products behind the seller's-fault closures (`metrics.repeat_offenders`); product
    titles come from buyers' carts and are escaped like every cell."""
    return table(
        offenders,
        {"product": _("product"), "seller_fault_closures": _("seller's-fault closures"),
         "orders": _("orders with it"), "seller_fault_share": _("share of its orders"),
         "top_reason": _("commonest reason")},
        {"seller_fault_share": percent, "top_reason": top_reason},
        empty=_("No order of the period closed through the seller's fault."),
        limit=limit,
    )  # fmt: skip


def coverage_tiles(status: Mapping, now: datetime) -> HTML:
    """What the figures rest on: orders, order dates covered, exports, the latest export."""
    first, last = status.get("first_order_date"), status.get("last_order_date")
    covered = (
        _("n/a")
        if _missing(first) or _missing(last)
        else period_text(pd.Timestamp(first).date(), pd.Timestamp(last).date())
    )
    age = status.get("latest_export_age_days")
    return tiles(
        [
            Tile(_("Orders in the history"), number(status["orders"])),
            Tile(_("Order dates covered"), covered),
            Tile(_("Exports ingested"), number(status["files"])),
            Tile(
                _("Latest export"),
                moment(status["latest_export_at"]),
                "" if age is None else _("{days} days before {day}", days=age, day=i18n.day_name(now.date())),
            ),
        ]
    )


def unknown_values_table(unknown: Iterable[Mapping]) -> HTML:
    kinds = {"status": _("status"), "cancel_reason": _("cancel reason"), "close_cause": _("close cause")}
    return table(
        frame(unknown),
        {"kind": _("field"), "raw_value": _("value not in the vocabulary"), "orders": _("orders")},
        {"kind": lambda k: kinds.get(str(k), str(k))},
        empty=_("Every status and reason in the exports is known to the vocabulary."),
    )


def hours(value: object) -> str:
    """Hours as a duration a seller reads: 20 h, 3 days."""
    return _("n/a") if _missing(value) else duration(float(value))


def frame(rows: Iterable[Mapping]) -> pd.DataFrame:
    """Rows (dicts, e.g. from `store_status`) as a DataFrame for `table`."""
    return pd.DataFrame(list(rows))
