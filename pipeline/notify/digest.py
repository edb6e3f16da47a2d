"""What a run found, gathered once for every channel: each store's week (orders, sold-not-shipped
rate and its change, from the metrics models) and policy standing (the run's own), the warnings,
and where the reports are. Figures stay numbers here; `message` words them per language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from pipeline.periods import Period

# breaches first, then what is close to the limit: what a team must act on leads the message
STANDING_ORDER = {"breach": 0, "warning": 1, "ok": 2, "no data": 3}


@dataclass
class StoreWeek:
    store: str
    orders: int
    sold_not_shipped_rate: float | None
    previous_rate: float | None
    rate_change: float | None
    standings: list[dict]  # policy_records rows, breaches first
    report: str  # the week's report: a path, or a URL under reports_url
    report_file: Path


@dataclass
class RunDigest:
    week: Period
    stores: list[StoreWeek]
    ingest_warnings: list[str]  # worded at ingest time, in the run's language
    failures: list[str]
    index: str  # the reports' index: a path or a URL
    history_warnings: Callable[[], list[str]]  # worded in the current language on each call
    attachments_all: list[Path] = field(default_factory=list)  # the cluster report, the reviews

    def for_stores(self, stores: tuple[str, ...] | None) -> RunDigest:
        """This digest for a channel that follows only `stores` (None: all): the other stores'
        figures and warnings ("<store>: ...") left out."""
        if stores is None:
            return self
        others = tuple(f"{s.store}:" for s in self.stores if s.store not in stores)

        def mine(warnings: list[str]) -> list[str]:
            return [w for w in warnings if not w.startswith(others)] if others else warnings

        return RunDigest(
            self.week, [s for s in self.stores if s.store in stores], mine(self.ingest_warnings),
            mine(self.failures), self.index, lambda: mine(self.history_warnings()),
            [p for p in self.attachments_all if p.parent.name in stores],
        )  # fmt: skip


def report_location(path: Path, out_dir: Path, reports_url: str | None) -> str:
    """A report's file path, or its URL when notify.toml publishes the reports folder."""
    if reports_url is None:
        return str(path.resolve())
    try:
        relative = path.resolve().relative_to(out_dir.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())
    return reports_url + quote(relative)


def store_weeks(
    db_path: Path, week: Period, standings: list[dict], out_dir: Path, reports_url: str | None
) -> list[StoreWeek]:
    """Each store's week from the metrics models (`breakdown` by week, per store: the week and
    the one before it, so the change is the SQL's own)."""
    from pipeline.database import connect
    from pipeline.metrics import breakdown
    from pipeline.reports import ReportJob

    con = connect(db_path, read_only=True)
    try:
        frame = breakdown(con, week.first, week.last, None, by="week", per="store")
    finally:
        con.close()
    weeks = []
    for row in frame.to_dict("records"):
        store = row["store"]
        report = ReportJob("weekly", (store,), week, db_path, out_dir, lang="en").path
        mine = sorted((p for p in standings if p["store"] == store),
                      key=lambda p: (STANDING_ORDER.get(p["standing"], 9), p["policy"]))  # fmt: skip
        weeks.append(StoreWeek(
            store=store, orders=int(row["orders"]),
            sold_not_shipped_rate=_number(row["sold_not_shipped_rate"]),
            previous_rate=_number(row["sold_not_shipped_rate_previous"]),
            rate_change=_number(row["sold_not_shipped_rate_change"]),
            standings=mine, report=report_location(report, out_dir, reports_url), report_file=report,
        ))  # fmt: skip
    weeks.sort(key=lambda w: (min((STANDING_ORDER.get(p["standing"], 9) for p in w.standings), default=9),
                              w.store))  # fmt: skip
    return weeks


def other_reports(db_path: Path, week: Period, month: Period, stores: list[str], out_dir: Path) -> list[Path]:
    """The cluster report of the week and the stores' reviews of the month, where rendered."""
    from pipeline.reports import ReportJob

    jobs = [ReportJob("cluster", (), week, db_path, out_dir, lang="en")]
    jobs += [ReportJob("review", (s,), month, db_path, out_dir, lang="en") for s in stores]
    return [job.path for job in jobs if job.path.is_file()]


def _number(value: object) -> float | None:
    if value is None or value != value:  # pandas gives NaN for a missing rate
        return None
    return float(value)
