"""Assessment timescales: due dates and working days (requirements C2 and C3).

The procedure gives 45 working days "from the point of referral". Convention here: the referral
date is day 0 and the due date is the 45th working day after it. For an unborn child the
assessment must also be complete at least 4 weeks before the expected delivery date.

Every date the calendar is given must be one formgen accepts (`formgen.dates`), or it raises
`OutOfRange`. A date it works out may lie just outside that range (the due date of a referral on
31 December 2100 is in 2101), still far from the limits of `datetime`. Working days are counted
by weekday arithmetic less a sorted table of the closed weekdays of each year the span touches, so
the cost grows with the years spanned, never with the days.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import lru_cache

from formgen.dates import EARLIEST, LATEST, checked
from formgen.i18n import N_

NATIONS: tuple[str, ...] = ("ENG", "WLS", "SCT", "NIR")
ASSESSMENT_WORKING_DAYS = 45
PRE_BIRTH_DAYS_BEFORE_DELIVERY = 28
# No two accepted dates are further apart, so no count of working days between them is larger.
MOST_WORKING_DAYS = (LATEST - EARLIEST).days

# Marked for the catalog, translated where they are printed; the number is written out so that the
# catalog holds the sentence a translator sees.
_RULE_WORKING_DAYS = N_("45 working days after the referral")
_RULE_PRE_BIRTH = N_("4 weeks before the expected delivery date")


@lru_cache(maxsize=1024)  # 4 nations x the 201 years of the accepted range, with room
def _bank_holidays(nation: str, year: int) -> frozenset[date]:
    """Bank holidays of one nation in one year, one-off days included.

    Cached per nation and year as an immutable set rather than sharing one auto-expanding
    `holidays` object: that object records a new year as present before it has filled it in,
    so two threads asking at once could see a year with no holidays.
    """
    # subdiv is required: without it Easter Monday and the August bank holiday are missing.
    import holidays  # here, not at the top: `formgen --help` names the nations without loading them

    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year))


@lru_cache(maxsize=4096)  # a few calendars (one per overlay) x the years they are asked about
def _closed_weekdays(calendar: WorkingCalendar, year: int) -> tuple[int, ...]:
    """The Mondays to Fridays of one year that are not working days for `calendar`, as sorted weekday numbers.

    A set first, so a closure day that is also a bank holiday is one closed day, not two; weekends
    are left out because weekday numbers never count them. Immutable and cached per calendar and
    year, for the same reason as `_bank_holidays`.
    """
    closures = {day for day in calendar.closure_days if day.year == year}
    closed = _bank_holidays(calendar.nation, year) | closures
    return tuple(sorted(_weekday_number(day) for day in closed if day.weekday() < 5))


def _weekday_number(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday, ordinal 1) up to and including `day`.

    Each weekday has a number of its own; a Saturday or Sunday shares the number of the Friday before.
    """
    weeks, rest = divmod(day.toordinal(), 7)
    return 5 * weeks + min(rest, 5)


def _weekday(number: int) -> date:
    """The Monday to Friday with this weekday number."""
    weeks, rest = divmod(number, 5)
    # The 5th weekday of a week is its Friday, two days before the week's last ordinal.
    return date.fromordinal(7 * weeks + rest if rest else 7 * weeks - 2)


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days count as working days for one authority."""

    nation: str = "ENG"
    closure_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if self.nation not in NATIONS:
            raise ValueError(f"Unknown nation {self.nation!r}: expected one of {', '.join(NATIONS)}")
        # Accept any iterable of dates but keep the calendar hashable and immutable.
        object.__setattr__(self, "closure_days", frozenset(map(checked, self.closure_days)))

    def is_working_day(self, day: date) -> bool:
        """Not a weekend, not a bank holiday of the nation, not a local closure day."""
        checked(day)
        return (
            day.weekday() < 5
            and day not in self.closure_days
            and day not in _bank_holidays(self.nation, day.year)
        )

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start`; `start` itself is day 0 whatever it is."""
        checked(start)
        if not 0 <= days <= MOST_WORKING_DAYS:
            raise ValueError(f"days must be between 0 and {MOST_WORKING_DAYS}, got {days}")
        if days == 0:
            return start
        # Count weekdays, then move on one for each closed weekday passed on the way: once the
        # next closed weekday lies beyond it, the answer is a working day.
        origin = _weekday_number(start)
        answer = origin + days
        year = start.year
        while year <= _weekday(answer).year:
            table = _closed_weekdays(self, year)
            for closed in table[bisect_right(table, origin) :]:
                if closed > answer:
                    return _weekday(answer)
                answer += 1
            year += 1
        return _weekday(answer)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; 0 when `end` is not after `start`."""
        return self._working_days_between(checked(start), checked(end))

    def _working_days_between(self, start: date, end: date) -> int:
        """As `working_days_between`, without the range check: `end` may be a worked-out due date."""
        if end <= start:
            return 0
        low, high = _weekday_number(start), _weekday_number(end)
        closed = 0
        for year in range(start.year, end.year + 1):
            table = _closed_weekdays(self, year)
            closed += bisect_right(table, high) - bisect_right(table, low)
        return high - low - closed

    def _working_day_on_or_before(self, day: date) -> date:
        """`day` if it is a working day, else the last one before it; `day` may lie before the range."""
        # The weekday on or before `day`, then back one for each closed weekday it lands on.
        answer = _weekday_number(day)
        year = day.year
        while year >= _weekday(answer).year:
            table = _closed_weekdays(self, year)
            for closed in reversed(table[: bisect_right(table, answer)]):
                if closed < answer:
                    return _weekday(answer)
                answer -= 1
            year -= 1
        return _weekday(answer)


# The years the working-day index covers: the accepted range, and the year after it, where a worked-out
# due date may fall.
INDEX_YEARS = range(EARLIEST.year, LATEST.year + 2)


class WorkingDayIndex:
    """The count of working days from a fixed origin through each calendar day, so that the working
    days between two days are one subtraction (the lists count "working days left" for every row).

    Built a year at a time as days are asked about, outwards from the first year asked, and kept: each
    year holds the count before its 1 January and the running count through each of its days. Nothing
    here depends on the day it is asked on, so one index serves a process for as long as it runs.
    """

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self._years: dict[int, tuple[int, array]] = {}
        self._lock = threading.Lock()

    def count_through(self, day: date) -> int:
        """Working days from the origin up to and including `day`."""
        year = self._years.get(day.year) or self._load(day.year)
        before, running = year
        return before + running[day.timetuple().tm_yday - 1]

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; 0 when `end` is not after `start`.

        The same figure as `WorkingCalendar.working_days_between`, for any two days of `INDEX_YEARS`.
        """
        if end <= start:
            return 0
        return self.count_through(end) - self.count_through(start)

    def _load(self, year: int) -> tuple[int, array]:
        if year not in INDEX_YEARS:
            covered = f"{INDEX_YEARS[0]} to {INDEX_YEARS[-1]}"
            raise ValueError(f"the working-day index covers {covered}, not {year}")
        with self._lock:  # two threads extending at once would each shift the other's counts
            years = dict(self._years)
            if not years:
                years[year] = (0, self._running(year))
            while max(years) < year:
                last = max(years)
                before, running = years[last]
                years[last + 1] = (before + running[-1], self._running(last + 1))
            while min(years) > year:
                first = min(years)
                running = self._running(first - 1)
                years[first - 1] = (years[first][0] - running[-1], running)
            self._years = years  # replaced whole, so a reader without the lock sees all of it or none
            return years[year]

    def _running(self, year: int) -> array:
        """The working days of `year` from its 1 January up to and including each of its days."""
        closed = _bank_holidays(self.calendar.nation, year) | {
            day for day in self.calendar.closure_days if day.year == year
        }
        day, end, count, running = date(year, 1, 1), date(year, 12, 31), 0, array("i")
        while day <= end:
            if day.weekday() < 5 and day not in closed:
                count += 1
            running.append(count)
            day += timedelta(days=1)
        return running


@lru_cache(maxsize=64)  # one per calendar: a nation and its closure days
def working_day_index(calendar: WorkingCalendar) -> WorkingDayIndex:
    """The one index of a calendar, shared by every thread of the process."""
    return WorkingDayIndex(calendar)


@dataclass(frozen=True)
class Timescale:
    """Where an assessment stands against its due date on a given day."""

    referral_date: date
    on: date
    due_date: date
    due_rule: str
    working_days_used: int
    working_days_left: int
    overdue: bool
    expected_delivery_date: date | None = None

    def to_json(self) -> dict:
        """Plain JSON-ready values: dates as ISO strings, keys exactly the field names."""
        out: dict = {}
        for field in fields(self):
            value = getattr(self, field.name)
            out[field.name] = value.isoformat() if isinstance(value, date) else value
        return out


def due_date(
    referral_date: date, calendar: WorkingCalendar, expected_delivery_date: date | None = None
) -> tuple[date, str]:
    """The due date and the rule that set it (C2; C3 for an unborn child)."""
    due = calendar.add_working_days(referral_date, ASSESSMENT_WORKING_DAYS)
    if expected_delivery_date is None:
        return due, _RULE_WORKING_DAYS
    # "At least 4 weeks before" delivery: if that day is not a working day the work must be
    # done by the last working day before it, never the next one.
    pre_birth = calendar._working_day_on_or_before(
        checked(expected_delivery_date) - timedelta(days=PRE_BIRTH_DAYS_BEFORE_DELIVERY)
    )
    # On a tie the ordinary rule is reported: the pre-birth rule changed nothing.
    if pre_birth < due:
        return pre_birth, _RULE_PRE_BIRTH
    return due, _RULE_WORKING_DAYS


def assessment_timescale(
    referral_date: date,
    calendar: WorkingCalendar,
    *,
    on: date,
    expected_delivery_date: date | None = None,
) -> Timescale:
    """Due date, working days used and left, and whether the assessment is overdue on `on`."""
    due, rule = due_date(referral_date, calendar, expected_delivery_date)
    return Timescale(
        referral_date=referral_date,
        on=on,
        due_date=due,
        due_rule=rule,
        working_days_used=calendar.working_days_between(referral_date, on),
        # The due date is worked out, so it may lie after the accepted range: count to it unchecked.
        working_days_left=calendar._working_days_between(on, due),
        overdue=on > due,
        expected_delivery_date=expected_delivery_date,
    )


def is_late(completion_date: date, due: date) -> bool:
    """Completed after the due date, so a reason must be recorded (C2, C3). The due date itself is on time."""
    return completion_date > due
