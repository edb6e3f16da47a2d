"""The report notebooks' first cell, as one function: the notebooks (weekly, review, cluster) stay
thin and never write a calendar or policy rule of their own.

`notebook_setup` turns a notebook's papermill parameters (all strings) into what its cells read:
the language set, the history opened, the period and the one it is compared with, the trend
window, "now", the stores and, for a store's report, its status. The policy limits a chart
draws are chosen here too, so that a report and the rule behind it cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from pipeline import metrics
from pipeline.i18n import label, set_language
from pipeline.lake import one_snapshot
from pipeline.periods import Period, months_window, previous_period, weeks_window
from pipeline.status import store_status


@dataclass
class ReportSetup:
    """What every cell of a report notebook starts from."""

    kind: str
    con: duckdb.DuckDBPyConnection
    period: Period
    before: Period  # the period compared with
    trend: Period  # the trend's window: twelve weeks; six months for a review
    now: datetime  # "now" for the open orders and the export age
    stores: list[str] | None  # the stores asked for; None: every store of the history
    names: list[str]  # the stores the report shows
    status: dict | None  # the store's `store_status`; None for a cluster report

    @property
    def store(self) -> str:
        """The one store of a weekly report or a review."""
        return self.names[0]

    @property
    def platforms(self) -> list[str]:
        """The platforms the store sells on, from its status."""
        return [p.strip() for p in self.status["platforms"].split(",")] if self.status else []

    def trend_limits(self) -> list[tuple[str, float, str]]:
        """(name, breach limit, rate column) of each policy the store's trend chart draws: the
        policies of its own platforms (and of every platform), with the seller's own limits
        (data/policies.toml) in place of the platforms'."""
        platforms = set(self.platforms)
        return [
            (label("policy", p["key"]), p["breach"], f"{p['metric']}_rate")
            for p in metrics.policies(self.con, self.store)
            if "*" in p["platforms"] or set(p["platforms"]) & platforms
        ]

    def strictest_limit(self, metric: str) -> tuple[str, float] | None:
        """(name, breach limit) of the strictest policy on `metric` over the report's stores: the
        one line a cluster's ranking draws (None when no policy judges that metric)."""
        strictest = min(
            (p for name in self.names for p in metrics.policies(self.con, name) if p["metric"] == metric),
            key=lambda p: p["breach"],
            default=None,
        )
        return (label("policy", strictest["key"]), strictest["breach"]) if strictest else None


def notebook_setup(
    kind: str,
    *,
    stores: str,
    date_from: str,
    date_to: str,
    db_path: str,
    as_of: str,
    lang: str,
    connect: Callable[[str | None], duckdb.DuckDBPyConnection],
) -> ReportSetup:
    """The setup of a `kind` report from its parameters. The language is set first, so that
    every message, the history's own included, is in the report's language; `connect` is
    `pipeline.connect`, handed in so that the notebook shows where its figures come from."""
    set_language(lang or None)
    chosen = [s for s in stores.split(",") if s] or None
    period = Period(date.fromisoformat(date_from), date.fromisoformat(date_to))
    now = datetime.fromisoformat(as_of) if as_of else datetime.now()
    con = connect(db_path or None)
    one_snapshot(con)  # on a lake, every figure of the report from the same moment
    if kind == "cluster":
        names, status = chosen or metrics.known_stores(con), None
    else:
        names = [stores.split(",")[0]]
        status = store_status(con, store=names[0], today=now.date())["stores"][0]
    trend = months_window(period.last) if kind == "review" else weeks_window(period.last)
    return ReportSetup(kind, con, period, previous_period(period), trend, now, chosen, names, status)
