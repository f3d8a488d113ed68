"""The working-day arithmetic against the obvious day-by-day count, over random dates and closure days."""

from datetime import date, timedelta
from functools import cache

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formgen.dates import EARLIEST, LATEST
from formgen.timescales import (
    ASSESSMENT_WORKING_DAYS,
    NATIONS,
    PRE_BIRTH_DAYS_BEFORE_DELIVERY,
    WorkingCalendar,
    due_date,
)

ONE_DAY = timedelta(days=1)
LONGEST_SPAN = 3 * 366  # long enough to cross several year ends, short enough for the reference
WORKING_DAYS_RULE = "45 working days after the referral"
PRE_BIRTH_RULE = "4 weeks before the expected delivery date"
QUICK = settings(max_examples=150, deadline=None)  # no deadline: a loaded CI machine must not flake


# --- the reference: one day at a time, straight from `holidays` ------------------------------------


@cache
def bank_holidays(nation: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year))


def is_working(calendar: WorkingCalendar, day: date) -> bool:
    return (
        day.weekday() < 5
        and day not in calendar.closure_days
        and day not in bank_holidays(calendar.nation, day.year)
    )


def count_working_days(calendar: WorkingCalendar, start: date, end: date) -> int:
    count, day = 0, start + ONE_DAY
    while day <= end:
        count += is_working(calendar, day)
        day += ONE_DAY
    return count


def nth_working_day(calendar: WorkingCalendar, start: date, days: int) -> date:
    day = start
    while days:
        day += ONE_DAY
        days -= is_working(calendar, day)
    return day


def working_day_on_or_before(calendar: WorkingCalendar, day: date) -> date:
    while not is_working(calendar, day):
        day -= ONE_DAY
    return day


# --- random calendars and spans ------------------------------------------------------------------


@st.composite
def calendars(draw, around: tuple[date, date]) -> WorkingCalendar:
    """Any nation; closure days near the span, some on weekends and bank holidays on purpose."""
    nation = draw(st.sampled_from(NATIONS))
    first, last = max(around[0] - 7 * ONE_DAY, EARLIEST), min(around[1] + 7 * ONE_DAY, LATEST)
    days = [first + k * ONE_DAY for k in range((last - first).days + 1)]
    weekends = [day for day in days if day.weekday() >= 5]
    bank = [day for day in days if day in bank_holidays(nation, day.year)]
    closures = draw(st.sets(st.sampled_from(days), max_size=15))
    for special in (weekends, bank):
        if special:
            closures |= draw(st.sets(st.sampled_from(special), max_size=4))
    return WorkingCalendar(nation, closures)


@st.composite
def spans(draw) -> tuple[WorkingCalendar, date, date]:
    """A calendar, a start anywhere in the accepted range and an end up to a few years later."""
    start = draw(st.dates(EARLIEST, LATEST))
    end = min(start + draw(st.integers(0, LONGEST_SPAN)) * ONE_DAY, LATEST)
    return draw(calendars((start, end))), start, end


@QUICK
@given(spans())
def test_working_days_between_matches_the_day_by_day_count(span):
    calendar, start, end = span
    assert calendar.working_days_between(start, end) == count_working_days(calendar, start, end)
    assert calendar.working_days_between(end, start) == 0


@QUICK
@given(spans(), st.data())
def test_add_working_days_matches_the_day_by_day_walk_and_round_trips(span, data):
    calendar, start, end = span
    days = data.draw(st.integers(0, count_working_days(calendar, start, end)), label="days")
    answer = calendar.add_working_days(start, days)
    assert answer == nth_working_day(calendar, start, days)
    assert calendar.working_days_between(start, answer) == days
    if days:
        assert answer > start
        assert calendar.is_working_day(answer)
    else:
        assert answer == start


@st.composite
def late_referrals(draw) -> tuple[WorkingCalendar, date]:
    """A referral in the last months of the range, whose due date may lie after it."""
    referral = draw(st.dates(LATEST - timedelta(days=120), LATEST))
    return draw(calendars((referral, LATEST))), referral


@st.composite
def pre_birth_cases(draw) -> tuple[WorkingCalendar, date, date]:
    """An expected delivery date anywhere in the range and a referral up to 3 months before it."""
    delivery = draw(st.dates(EARLIEST, LATEST))
    referral = draw(st.dates(max(delivery - timedelta(days=90), EARLIEST), delivery))
    return (
        draw(calendars((delivery - timedelta(days=PRE_BIRTH_DAYS_BEFORE_DELIVERY + 14), delivery))),
        referral,
        delivery,
    )


@QUICK
@given(late_referrals())
def test_due_date_of_a_referral_late_in_2100_may_lie_after_the_range(case):
    calendar, referral = case
    expected = nth_working_day(calendar, referral, ASSESSMENT_WORKING_DAYS)
    assert due_date(referral, calendar) == (expected, WORKING_DAYS_RULE)


@QUICK
@given(pre_birth_cases())
def test_pre_birth_due_date_is_the_earlier_of_the_two_rules(case):
    # Near 1 January 1900 the pre-birth day lies before the range: it is worked out, not given.
    calendar, referral, delivery = case
    working_day_rule = nth_working_day(calendar, referral, ASSESSMENT_WORKING_DAYS)
    pre_birth = working_day_on_or_before(calendar, delivery - timedelta(days=PRE_BIRTH_DAYS_BEFORE_DELIVERY))
    expected = (
        (pre_birth, PRE_BIRTH_RULE) if pre_birth < working_day_rule else (working_day_rule, WORKING_DAYS_RULE)
    )
    assert due_date(referral, calendar, delivery) == expected


# --- the whole accepted range, once --------------------------------------------------------------

# A Monday that is a Scottish bank holiday, a one-off bank holiday (the Silver Jubilee), Christmas Day,
# a Saturday, an ordinary Monday and the last day of the range, a Friday.
CLOSURES = {EARLIEST, date(1977, 6, 7), date(2000, 12, 25), date(2050, 7, 2), date(2050, 7, 4), LATEST}


@pytest.mark.parametrize("nation", NATIONS)
def test_the_whole_range_counts_as_the_day_by_day_reference(nation):
    calendar = WorkingCalendar(nation, CLOSURES)
    expected = count_working_days(calendar, EARLIEST, LATEST)
    assert calendar.working_days_between(EARLIEST, LATEST) == expected
    assert calendar.add_working_days(EARLIEST, expected) == working_day_on_or_before(calendar, LATEST)
