"""Why an open order comes first, in the reader's words: shared by `storehealth metrics` and the
weekly report, so that both say the same of the flags the SQL model `metrics_open_backlog` sets."""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.i18n import _, listing
from pipeline.vocabulary import priority_rules


def due_soon_hours() -> float:
    """The packaged due-soon hours (vocabulary.toml), when no history says the seller's own."""
    return priority_rules()[3]


def backlog_summary(orders: int, first: int, hours: float | None = None) -> str:
    """"25 orders wait to be shipped; 7 need attention first (...)", for the report and the CLI;
    `hours` is the due-soon limit of the vocabulary in force (metrics.due_soon_hours)."""
    hours = due_soon_hours() if hours is None else hours
    return _(
        "{orders} orders wait to be shipped; {first} need attention first (express, wholesale, a buyer "
        "remark, or a deadline within {hours} hours).",
        orders=f"{orders:,}", first=f"{first:,}", hours=f"{hours:g}",
    )


def attention_reasons(order: Mapping[str, object]) -> str:
    """The words "overdue, express, remark": the flags of one `metrics_open_backlog` row that put it first."""
    reasons = (
        (_("overdue") if order["overdue"] else _("due soon"), bool(order["due_soon"])),
        (_("express"), bool(order["express"])),
        (_("wholesale"), bool(order["wholesale"])),
        (_("remark"), bool(order["has_remark"])),
    )
    return listing(name for name, on in reasons if on)


def time_left(hours: float | None) -> str:
    """Hours to the end of the ship-by day: "12 h", "5 days", "overdue 3 days", "no deadline"."""
    if hours is None:
        return _("no deadline")
    if hours < 0:
        return _("overdue {duration}", duration=duration(-hours))
    return duration(hours)


def duration(hours: float) -> str:
    """Hours as a duration a seller reads: 20 h, 3 days."""
    if hours < 48:
        return _("{hours} h", hours=f"{hours:.0f}")
    return _("{days} days", days=f"{hours / 24:.0f}")
