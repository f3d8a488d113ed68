"""Assessment timescales: due dates and working days (requirements C2 and C3).

The procedure gives 45 working days "from the point of referral". Convention here: the referral
date is day 0 and the due date is the 45th working day after it. For an unborn child the
assessment must also be complete at least 4 weeks before the expected delivery date.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import lru_cache

import holidays

NATIONS: tuple[str, ...] = ("ENG", "WLS", "SCT", "NIR")
ASSESSMENT_WORKING_DAYS = 45
PRE_BIRTH_DAYS_BEFORE_DELIVERY = 28

_RULE_WORKING_DAYS = f"{ASSESSMENT_WORKING_DAYS} working days after the referral"
_RULE_PRE_BIRTH = "4 weeks before the expected delivery date"

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=512)  # 4 nations x any plausible span of years
def _bank_holidays(nation: str, year: int) -> frozenset[date]:
    """Bank holidays of one nation in one year, one-off days included.

    Cached per nation and year as an immutable set rather than sharing one auto-expanding
    `holidays` object: that object records a new year as present before it has filled it in,
    so two threads asking at once could see a year with no holidays.
    """
    # subdiv is required: without it Easter Monday and the August bank holiday are missing.
    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year))


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days count as working days for one authority."""

    nation: str = "ENG"
    closure_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if self.nation not in NATIONS:
            raise ValueError(f"Unknown nation {self.nation!r}: expected one of {', '.join(NATIONS)}")
        # Accept any iterable of dates but keep the calendar hashable and immutable.
        object.__setattr__(self, "closure_days", frozenset(self.closure_days))

    def is_working_day(self, day: date) -> bool:
        """Not a weekend, not a bank holiday of the nation, not a local closure day."""
        return (
            day.weekday() < 5
            and day not in self.closure_days
            and day not in _bank_holidays(self.nation, day.year)
        )

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start`; `start` itself is day 0 whatever it is."""
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        day = start
        while days:
            day += _ONE_DAY
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; 0 when `end` is not after `start`."""
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count


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
    pre_birth = expected_delivery_date - timedelta(days=PRE_BIRTH_DAYS_BEFORE_DELIVERY)
    while not calendar.is_working_day(pre_birth):
        pre_birth -= _ONE_DAY
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
        working_days_left=calendar.working_days_between(on, due),
        overdue=on > due,
        expected_delivery_date=expected_delivery_date,
    )


def is_late(completion_date: date, due: date) -> bool:
    """Completed after the due date, so a reason must be recorded (C2, C3). The due date itself is on time."""
    return completion_date > due
