"""Days and moments given on the command line: one parser for every command.

A year before 1990 names no marketplace order, and the week or month before 0001-01-01 does
not exist: date arithmetic on it raised OverflowError, reported as an internal error. A day
outside [EARLIEST, LATEST] is a usage error instead.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from pipeline.errors import UsageError
from pipeline.i18n import _

EARLIEST = date(1990, 1, 1)
LATEST = date(9000, 12, 31)


def plausible(option: str, text: str, day: date) -> None:
    """Refuse a day no order history can hold."""
    if not EARLIEST <= day <= LATEST:
        raise UsageError(_("{option} {text!r}: give a day between {first} and {last}",
                           option=option, text=text, first=EARLIEST, last=LATEST))  # fmt: skip


def command_day(option: str, text: str) -> date:
    """A YYYY-MM-DD option value."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise UsageError(_("{option} {text!r}: there is no such day", option=option, text=text)) from None
        raise UsageError(_("{option} {text!r}: use YYYY-MM-DD", option=option, text=text)) from None
    plausible(option, text, day)
    return day


def command_moment(option: str, text: str | None) -> datetime | None:
    """A YYYY-MM-DD[THH:MM] option value."""
    if text is None:
        return None
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            moment = datetime.strptime(text, fmt)
        except ValueError:
            continue
        plausible(option, text, moment.date())
        return moment
    raise UsageError(_("{option} {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM", option=option, text=text))
