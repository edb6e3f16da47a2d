"""A run's digest worded in the current language, as plain parts (title, one block per store,
the warnings, where the reports are) that `formats` and `mail` shape per platform. Cutting a
long list keeps its first items and says how many more there are."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.i18n import _, day_span, label, percent
from pipeline.notify.digest import RunDigest, StoreWeek

LINE_CHARS = 600  # one warning quoting a long path must not crowd out the others


@dataclass(frozen=True)
class StoreBlock:
    heading: str
    lines: tuple[str, ...]
    breach: bool


@dataclass(frozen=True)
class Message:
    title: str
    intro: str
    stores: tuple[StoreBlock, ...]
    warnings_heading: str
    warnings: tuple[str, ...]
    reports: str
    alert: str  # "breach", "warning" or "ok": the colour a card or header takes
    stores_left: int = 0  # cut off to fit the platform's limit
    warnings_left: int = 0

    def cut(self, stores: int, warnings: int) -> Message:
        """The first `stores` store blocks and `warnings` warnings, counting what is left out."""
        return replace(
            self, stores=self.stores[:stores], warnings=self.warnings[:warnings],
            stores_left=self.stores_left + max(len(self.stores) - stores, 0),
            warnings_left=self.warnings_left + max(len(self.warnings) - warnings, 0),
        )  # fmt: skip

    def more_stores(self) -> str | None:
        if not self.stores_left:
            return None
        return _("… and {count} more stores (see the reports)", count=self.stores_left)

    def more_warnings(self) -> str | None:
        if not self.warnings_left:
            return None
        return _("… and {count} more warnings (storehealth status lists them)", count=self.warnings_left)


def summary_message(digest: RunDigest) -> Message:
    """The weekly summary in the current language."""
    blocks = tuple(_store_block(week) for week in digest.stores)
    warnings = [_("FAILED: {failure}", failure=f) for f in digest.failures]
    warnings += digest.ingest_warnings + digest.history_warnings()
    breaches = sum(p["standing"] == "breach" for w in digest.stores for p in w.standings)
    intro = _("stores: {stores}, policy breaches: {breaches}, warnings: {warnings}",
              stores=len(blocks), breaches=breaches, warnings=len(warnings))  # fmt: skip
    return Message(
        title=_("storehealth weekly summary {week} ({days})", week=digest.week.label,
                days=day_span(digest.week.first, digest.week.last)),
        intro=intro, stores=blocks, warnings_heading=_("Warnings"),
        warnings=tuple(_short(w) for w in warnings),
        reports=_("Reports: {where}", where=digest.index),
        alert="breach" if breaches or digest.failures else "warning" if warnings else "ok",
    )  # fmt: skip


def channel_test_message(channel_name: str) -> Message:
    """What `storehealth notify --test` sends: short, and says which channel it came through."""
    return Message(
        title=_("storehealth test message"),
        intro=_("This is a test from storehealth: the weekly summary will arrive here through {channel}.",
                channel=channel_name),
        stores=(), warnings_heading=_("Warnings"), warnings=(), reports="", alert="ok",
    )  # fmt: skip


def _store_block(week: StoreWeek) -> StoreBlock:
    if week.rate_change is None:
        change = _("no figure for the week before")
    else:
        change = _("{change} on the week before", change=_points(week.rate_change, signed=True))
    lines = [
        _("orders {orders}, sold-not-shipped rate {rate} ({change})", orders=week.orders,
          rate=percent(week.sold_not_shipped_rate), change=change),
    ]  # fmt: skip
    lines += [_policy_line(p) for p in week.standings]
    lines.append(_("report: {where}", where=week.report))
    breach = any(p["standing"] == "breach" for p in week.standings)
    return StoreBlock(heading=week.store, lines=tuple(lines), breach=breach)


def _policy_line(p: dict) -> str:
    """One policy: its rate and window, the standing, the margin to the limit and the orders left."""
    policy, days, limit = label("policy", p["policy"]), p["window_days"], percent(p["breach"])
    standing = (
        label("standing", p["standing"]).upper()
        if p["standing"] == "breach"
        else label("standing", p["standing"])
    )
    if p["standing"] == "no data" or p["rate"] is None:
        return _("{standing}: {policy}, no orders in {days} days", standing=standing, policy=policy,
                 days=days)  # fmt: skip
    if p["standing"] == "breach":
        return _("{standing}: {policy} {rate} over {days} days, {margin} past the {limit} limit",
                 standing=standing, policy=policy, rate=percent(p["rate"]), days=days,
                 margin=_points(-p["margin"]), limit=limit)  # fmt: skip
    return _("{standing}: {policy} {rate} over {days} days, {margin} below the {limit} limit: {orders} more "
             "such orders would cross it", standing=standing, policy=policy, rate=percent(p["rate"]),
             days=days, margin=_points(p["margin"]), limit=limit, orders=p["orders_to_cross"])  # fmt: skip


def _points(fraction: float, signed: bool = False) -> str:
    """0.0123 -> 1.23 pp (percentage points), with its sign when asked."""
    number = f"{fraction * 100:+.2f}" if signed else f"{fraction * 100:.2f}"
    return _("{points} pp", points=number)


def _short(line: str) -> str:
    return line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…"
