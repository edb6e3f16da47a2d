"""Cell formats several exports share: times, eBay dates, money."""

from __future__ import annotations

import functools
from datetime import date, datetime

_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def dot_time(t: datetime | None) -> str:
    """``2024.03.05 14:22`` (isoformat is C code: this runs millions of times)."""
    return "" if t is None else t.isoformat(" ", "minutes").replace("-", ".")


def dash_time(t: datetime | None) -> str:
    """``2024-03-05 14:22:10``."""
    return "" if t is None else t.isoformat(" ", "seconds")


def ebay_date(d: date | None) -> str:
    """``Mar-05-24``: eBay's report dates, in its cells and in the CSV trailer alike."""
    return "" if d is None else f"{_MON[d.month - 1]}-{d.day:02d}-{d.year % 100:02d}"


@functools.lru_cache(maxsize=1 << 16)
def money(cents: int) -> str:
    """12.34 from 1234 cents (float formatting rounds exactly for any realistic amount)."""
    return f"{cents / 100:.2f}"
