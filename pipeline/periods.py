"""Periods of order dates: one home for every calendar rule the reports, the weekly run and the
notebooks share.

- The last complete week (Monday to Sunday) and month before a day: the day itself may be only
  partly exported, so it never counts as complete.
- The period a report compares with, and the trend windows drawn beside it (twelve weeks, six
  months).
- `--week 2024-W10`, `--month 2024-03` and `--from/--to` parsed into a `Period`, with the
  command line's errors.

A leaf: it imports only the messages (`i18n`), the errors and the command line's day checks, so
every module may import it without a cycle.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline import i18n
from pipeline.command_days import command_day, plausible
from pipeline.errors import UsageError
from pipeline.i18n import _

# the weekly report's trend and the cluster report's heatmap: twelve weeks up to the period's end
TREND_WEEKS = 12
# the review's cancellation reasons month by month: six months up to the period's end
TREND_MONTHS = 6


@dataclass(frozen=True)
class Period:
    """An inclusive range of order dates, with the name its report file gets."""

    first: date
    last: date

    @property
    def label(self) -> str:
        """2024-W21 for an ISO week, 2024-05 for a month, 2024-Q2 for a quarter, else the range."""
        first, last = self.first, self.last
        if first.isoweekday() == 1 and last == first + timedelta(days=6):
            year, week, _ = first.isocalendar()
            return f"{year}-W{week:02d}"
        if first.day == 1 and last == month_end(first):
            return f"{first:%Y-%m}"
        if first.day == 1 and first.month % 3 == 1 and last == month_end(add_months(first, 2)):
            return f"{first.year}-Q{(first.month + 2) // 3}"
        return first.isoformat() if first == last else f"{first.isoformat()}_{last.isoformat()}"

    @property
    def span(self) -> str:
        """20–26 May 2024 / 2024年5月20日至26日, in the current language."""
        return i18n.day_span(self.first, self.last)

    @property
    def title(self) -> str:
        """week 21 of 2024 (20–26 May 2024) / 2024年第21周（2024年5月20日至26日）, in the current language."""
        label = self.label
        span = self.span
        if "-W" in label:
            year, week = label.split("-W")
            return _("week {week} of {year} ({span})", week=int(week), year=year, span=span)
        if "-Q" in label:
            return _("Q{quarter} {year} ({span})", quarter=label[-1], year=self.first.year, span=span)
        if len(label) == 7:
            return i18n.month_name(self.first)
        return span

    @classmethod
    def from_label(cls, label: str) -> Period | None:
        """The period a report file name stands for (None if it is not one of ours)."""
        try:
            if m := re.fullmatch(r"(\d{4})-W(\d{2})", label):
                monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
                return cls(monday, monday + timedelta(days=6))
            if m := re.fullmatch(r"(\d{4})-Q([1-4])", label):
                first = date(int(m[1]), 3 * int(m[2]) - 2, 1)
                return cls(first, month_end(add_months(first, 2)))
            if m := re.fullmatch(r"(\d{4})-(\d{2})", label):
                first = date(int(m[1]), int(m[2]), 1)
                return cls(first, month_end(first))
            if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:_(\d{4}-\d{2}-\d{2}))?", label):
                first = date.fromisoformat(m[1])
                return cls(first, date.fromisoformat(m[2]) if m[2] else first)
        except ValueError:
            return None
        return None


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (before, when negative) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def week_ending(day: date) -> date:
    """The Sunday on or before `day`: the end of the last whole ISO week up to it."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


# --- complete periods ---------------------------------------------------------------------------


def last_complete_week(today: date) -> Period:
    """Monday to Sunday of the last week that ended before `today` (the weekly run's week, and
    a weekly report's default before the day of the latest order)."""
    sunday = week_ending(today - timedelta(days=1))
    return Period(sunday - timedelta(days=6), sunday)


def last_complete_month(today: date) -> Period:
    """The last calendar month that ended before `today` (the month the reviews are made for)."""
    last = today.replace(day=1) - timedelta(days=1)
    return Period(last.replace(day=1), last)


def previous_period(period: Period) -> Period:
    """The period a report compares with: the calendar months before when it covers whole months
    (April with March, Q2 with Q1, whatever their lengths), else as many days just before."""
    first, last = period.first, period.last
    if first.day == 1 and (last + timedelta(days=1)).day == 1:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        return Period(add_months(first, -months), first - timedelta(days=1))
    days = (last - first).days + 1
    return Period(first - timedelta(days=days), first - timedelta(days=1))


# --- trend windows ------------------------------------------------------------------------------


def weeks_window(last: date, weeks: int = TREND_WEEKS) -> Period:
    """The `weeks` whole ISO weeks up to `last` (a week `last` only starts is left out)."""
    sunday = week_ending(last)
    return Period(sunday - timedelta(days=weeks * 7 - 1), sunday)


def months_window(last: date, months: int = TREND_MONTHS) -> Period:
    """The `months` calendar months up to `last`, its own month included (to `last` itself)."""
    return Period(add_months(last, 1 - months), last)


# --- the command line ---------------------------------------------------------------------------


def parse_week(text: str, option: str = "--week") -> Period:
    """An ISO week, 2024-W14 (or 2024W14, 2024-w14): Monday to Sunday."""
    m = re.fullmatch(r"(\d{4})-?W(\d{1,2})", text.strip(), flags=re.I)
    try:
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1) if m else None
    except ValueError:
        monday = None
    if monday is None:
        raise UsageError(_("--week {week!r}: use an ISO week such as 2024-W14", week=text))
    plausible(option, text, monday)
    return Period(monday, monday + timedelta(days=6))


def parse_month(text: str, option: str = "--month") -> Period:
    """A calendar month, 2024-03 (or 2024-3)."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise UsageError(_("--month {month!r}: use YYYY-MM, such as 2024-03", month=text))
    first = date(max(int(m[1]), 1), int(m[2]), 1)  # year 0 does not exist: plausible() says so
    plausible(option, text, first)
    return Period(first, month_end(first))


def parse_period(
    *,
    week: str | None = None,
    month: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> Period | None:
    """The period the command line asks for; None when it names none (use the default)."""
    given = [name for name, value in (("--week", week), ("--month", month)) if value]
    if date_from or date_to:
        given.append("--from/--to")
    if len(given) > 1:
        raise UsageError(_("give only one of {options}", options=", ".join(given)))
    if week:
        return parse_week(week)
    if month:
        return parse_month(month)
    if date_from or date_to:
        if not (date_from and date_to):
            raise UsageError(_("give both --from YYYY-MM-DD and --to YYYY-MM-DD"))
        first, last = command_day("--from", date_from), command_day("--to", date_to)
        if first > last:
            raise UsageError(_("--from {first} is after --to {last}", first=first, last=last))
        return Period(first, last)
    return None
