"""The dates formgen accepts, by whatever path they come: a page, a case file, a spec or the command line.

1 January 1900 to 31 December 2100 covers every date an assessment records (a grandparent's birth, a
review years ahead) and keeps the calendar arithmetic, the bank-holiday tables and both databases far
from their own limits, so a mistyped year is a message, never an overflow.
"""

from __future__ import annotations

from datetime import date, timedelta

from formgen.i18n import N_

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
RANGE_TEXT = N_("between 1 January 1900 and 31 December 2100")


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


class OutOfRange(ValueError):
    """A date outside the range formgen accepts."""

    def __init__(self, day: date) -> None:
        super().__init__(f"{day.isoformat()} is not {RANGE_TEXT}")
        self.day = day


def checked(day: date) -> date:
    """`day` itself, or OutOfRange when it lies outside the accepted range."""
    if not in_range(day):
        raise OutOfRange(day)
    return day


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), or the month's last day where it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = (following - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
