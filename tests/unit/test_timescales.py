"""Timescales (requirements C2 and C3). Every expected date here is worked out by hand in the comments."""

import dataclasses
import json
from datetime import date

import pytest

from formgen.dates import EARLIEST, LATEST, OutOfRange
from formgen.timescales import (
    ASSESSMENT_WORKING_DAYS,
    MOST_WORKING_DAYS,
    NATIONS,
    PRE_BIRTH_DAYS_BEFORE_DELIVERY,
    Timescale,
    WorkingCalendar,
    assessment_timescale,
    due_date,
    is_late,
)

WORKING_DAYS_RULE = "45 working days after the referral"
PRE_BIRTH_RULE = "4 weeks before the expected delivery date"

ENG = WorkingCalendar("ENG")
SCT = WorkingCalendar("SCT")


def test_constants_match_the_procedure():
    assert NATIONS == ("ENG", "WLS", "SCT", "NIR")
    assert ASSESSMENT_WORKING_DAYS == 45
    assert PRE_BIRTH_DAYS_BEFORE_DELIVERY == 28
    assert WorkingCalendar().nation == "ENG"


# --- C2: the FIELD-NOTES check values ------------------------------------------------------------


@pytest.mark.parametrize(
    ("nation", "referral", "expected"),
    [
        # Skips 25 Dec, 26 Dec and 1 Jan everywhere; Scotland also skips 2 Jan.
        ("ENG", date(2024, 12, 20), date(2025, 2, 26)),
        ("WLS", date(2024, 12, 20), date(2025, 2, 26)),
        ("NIR", date(2024, 12, 20), date(2025, 2, 26)),
        ("SCT", date(2024, 12, 20), date(2025, 2, 27)),
        # Skips Good Friday, Easter Monday, 5 May and 26 May; Scotland has no Easter Monday.
        ("ENG", date(2025, 4, 14), date(2025, 6, 20)),
        ("WLS", date(2025, 4, 14), date(2025, 6, 20)),
        ("NIR", date(2025, 4, 14), date(2025, 6, 20)),
        ("SCT", date(2025, 4, 14), date(2025, 6, 19)),
    ],
)
def test_c2_due_date_matches_field_notes_check_values(nation, referral, expected):
    assert due_date(referral, WorkingCalendar(nation)) == (expected, WORKING_DAYS_RULE)


def test_c2_referral_date_is_day_zero():
    referral = date(2025, 1, 13)  # Monday
    assert ENG.add_working_days(referral, 0) == referral
    assert ENG.add_working_days(referral, 1) == date(2025, 1, 14)
    assert ENG.working_days_between(referral, referral) == 0


# --- C2: one-off bank holidays -------------------------------------------------------------------


@pytest.mark.parametrize("nation", NATIONS)
def test_c2_state_funeral_2022_09_19_is_skipped(nation):
    calendar = WorkingCalendar(nation)
    assert not calendar.is_working_day(date(2022, 9, 19))
    # Referral Mon 12 Sep 2022. 45 working days = 9 whole weeks -> Mon 14 Nov 2022 if only weekends
    # counted (no other bank holiday in any nation between those dates). The funeral adds one: Tue 15 Nov.
    assert due_date(date(2022, 9, 12), calendar) == (date(2022, 11, 15), WORKING_DAYS_RULE)


@pytest.mark.parametrize("nation", NATIONS)
def test_c2_coronation_2023_05_08_is_skipped(nation):
    calendar = WorkingCalendar(nation)
    assert not calendar.is_working_day(date(2023, 5, 8))
    # Referral Tue 2 May 2023. 9 whole weeks -> Tue 4 Jul; the spring bank holiday (29 May, all nations)
    # -> Wed 5 Jul; a count that ignored the coronation would stop there. With it: Thu 6 Jul.
    assert due_date(date(2023, 5, 2), calendar) == (date(2023, 7, 6), WORKING_DAYS_RULE)


# --- C2: weekends and nation-specific bank holidays ----------------------------------------------


def test_c2_weekend_after_a_friday_referral_is_not_counted():
    friday = date(2025, 1, 10)
    assert ENG.add_working_days(friday, 1) == date(2025, 1, 13)  # Monday
    assert ENG.working_days_between(friday, date(2025, 1, 12)) == 0  # to Sunday
    assert ENG.working_days_between(friday, date(2025, 1, 13)) == 1
    # No bank holiday between 10 Jan and 14 Mar 2025: 45 working days = 9 whole weeks.
    assert due_date(friday, ENG) == (date(2025, 3, 14), WORKING_DAYS_RULE)


def test_c2_weekend_referral_counts_from_the_next_monday():
    saturday = date(2025, 1, 11)
    assert not ENG.is_working_day(saturday)
    assert not ENG.is_working_day(date(2025, 1, 12))
    assert ENG.add_working_days(saturday, 1) == date(2025, 1, 13)


def test_c2_easter_monday_is_skipped_in_england_but_not_in_scotland():
    easter_monday = date(2025, 4, 21)
    assert not ENG.is_working_day(easter_monday)
    assert SCT.is_working_day(easter_monday)
    assert not SCT.is_working_day(date(2025, 4, 18))  # Good Friday is a holiday in both
    # Referral Thu 17 Apr: ENG day 1 skips Good Friday, the weekend and Easter Monday; SCT stops at Monday.
    assert ENG.add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 22)
    assert SCT.add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 21)


def test_c2_holidays_are_available_for_years_far_from_today():
    # Christmas Day 2030 is a Wednesday, 1990 a Tuesday: years are expanded on demand both ways.
    assert not ENG.is_working_day(date(2030, 12, 25))
    assert not ENG.is_working_day(date(1990, 12, 25))
    # Wed 2 Jan 2041: a bank holiday in Scotland only.
    assert not SCT.is_working_day(date(2041, 1, 2))
    assert ENG.is_working_day(date(2041, 1, 2))


# --- C2: local closure days ----------------------------------------------------------------------

# Referral Mon 1 Dec 2025, ENG. 9 whole weeks -> Mon 2 Feb 2026; 25 Dec, 26 Dec and 1 Jan fall on weekdays,
# so three more working days -> Thu 5 Feb 2026.
CLOSURE_REFERRAL = date(2025, 12, 1)
DUE_WITHOUT_CLOSURES = date(2026, 2, 5)


def test_c2_due_date_without_closures_is_the_baseline():
    assert due_date(CLOSURE_REFERRAL, ENG) == (DUE_WITHOUT_CLOSURES, WORKING_DAYS_RULE)


def test_c2_closure_days_push_the_due_date_by_the_working_days_they_close():
    # 29, 30, 31 Dec 2025 are Mon to Wed: three working days -> Fri 6, Mon 9, Tue 10 Feb.
    calendar = WorkingCalendar("ENG", frozenset({date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31)}))
    assert not calendar.is_working_day(date(2025, 12, 29))
    assert due_date(CLOSURE_REFERRAL, calendar) == (date(2026, 2, 10), WORKING_DAYS_RULE)


def test_c2_closure_days_on_weekends_change_nothing_extra():
    # 27 to 31 Dec 2025: 27 and 28 are a weekend, so still only three working days lost.
    closures = frozenset(date(2025, 12, d) for d in range(27, 32))
    calendar = WorkingCalendar("ENG", closures)
    assert due_date(CLOSURE_REFERRAL, calendar) == (date(2026, 2, 10), WORKING_DAYS_RULE)


def test_c2_closure_days_outside_the_window_change_nothing():
    calendar = WorkingCalendar("ENG", frozenset({date(2026, 3, 2), date(2025, 11, 28)}))
    assert due_date(CLOSURE_REFERRAL, calendar) == (DUE_WITHOUT_CLOSURES, WORKING_DAYS_RULE)


def test_c2_closure_day_on_a_bank_holiday_is_not_counted_twice():
    # Christmas Day is closed anyway; only Mon 29 Dec is lost as well: one day later, Fri 6 Feb 2026.
    calendar = WorkingCalendar("ENG", frozenset({date(2025, 12, 25), date(2025, 12, 29)}))
    assert due_date(CLOSURE_REFERRAL, calendar) == (date(2026, 2, 6), WORKING_DAYS_RULE)


def test_closure_days_given_as_a_set_are_frozen_and_the_calendar_stays_hashable():
    calendar = WorkingCalendar("ENG", {date(2025, 12, 29)})
    assert isinstance(calendar.closure_days, frozenset)
    assert hash(calendar) == hash(WorkingCalendar("ENG", frozenset({date(2025, 12, 29)})))


# --- C3: pre-birth assessments -------------------------------------------------------------------

# Referral Fri 10 Jan 2025, ENG: the 45-working-day date is Fri 14 Mar 2025 (see the weekend test).
PB_REFERRAL = date(2025, 1, 10)
PB_45_DAY_DATE = date(2025, 3, 14)


def test_c3_working_day_rule_wins_when_delivery_is_far_off():
    # 1 Jun - 28 days = Sun 4 May, moved back to Fri 2 May: later than 14 Mar.
    assert due_date(PB_REFERRAL, ENG, date(2025, 6, 1)) == (PB_45_DAY_DATE, WORKING_DAYS_RULE)


def test_c3_four_weeks_before_delivery_wins_when_earlier():
    # Fri 28 Mar - 28 days = Fri 28 Feb, a working day and earlier than 14 Mar.
    assert due_date(PB_REFERRAL, ENG, date(2025, 3, 28)) == (date(2025, 2, 28), PRE_BIRTH_RULE)


@pytest.mark.parametrize("delivery", [date(2025, 3, 29), date(2025, 3, 30)])
def test_c3_pre_birth_date_on_a_weekend_moves_back_to_friday(delivery):
    # Sat 29 Mar -> Sat 1 Mar; Sun 30 Mar -> Sun 2 Mar. Both must be done by Fri 28 Feb.
    assert due_date(PB_REFERRAL, ENG, delivery) == (date(2025, 2, 28), PRE_BIRTH_RULE)


def test_c3_pre_birth_date_on_a_bank_holiday_moves_back_per_nation():
    # Delivery 19 May 2025 - 28 days = Mon 21 Apr, Easter Monday. ENG goes back past the weekend and
    # Good Friday to Thu 17 Apr; in Scotland 21 Apr is a working day and stands.
    referral = date(2025, 3, 3)
    assert due_date(referral, ENG, date(2025, 5, 19)) == (date(2025, 4, 17), PRE_BIRTH_RULE)
    assert due_date(referral, SCT, date(2025, 5, 19)) == (date(2025, 4, 21), PRE_BIRTH_RULE)


def test_c3_pre_birth_date_on_a_closure_day_moves_back():
    # 28 Feb 2025 closed locally: delivery 28 Mar -> Fri 28 Feb closed -> Thu 27 Feb.
    calendar = WorkingCalendar("ENG", frozenset({date(2025, 2, 28)}))
    assert due_date(PB_REFERRAL, calendar, date(2025, 3, 28)) == (date(2025, 2, 27), PRE_BIRTH_RULE)


def test_c3_pre_birth_date_moves_back_across_the_year_end():
    # Delivery Mon 30 Jan 2023 - 28 days = Mon 2 Jan 2023, the New Year bank holiday; back past the
    # weekend to Fri 30 Dec 2022, closed locally, so Thu 29 Dec. The 45-day date (Wed 8 Feb) is later.
    calendar = WorkingCalendar("ENG", frozenset({date(2022, 12, 30)}))
    assert due_date(date(2022, 12, 1), calendar, date(2023, 1, 30)) == (date(2022, 12, 29), PRE_BIRTH_RULE)


def test_c3_tie_reports_the_working_day_rule():
    # Fri 11 Apr - 28 days = Fri 14 Mar, the same day as the 45-working-day date.
    assert due_date(PB_REFERRAL, ENG, date(2025, 4, 11)) == (PB_45_DAY_DATE, WORKING_DAYS_RULE)


def test_c3_timescale_uses_the_pre_birth_due_date_for_days_left_and_overdue():
    # Due Fri 28 Feb, checked on Mon 24 Feb.
    delivery = date(2025, 3, 28)
    ts = assessment_timescale(PB_REFERRAL, ENG, on=date(2025, 2, 24), expected_delivery_date=delivery)
    assert (ts.due_date, ts.due_rule) == (date(2025, 2, 28), PRE_BIRTH_RULE)
    # Used: 13-17, 20-24, 27-31 Jan, 3-7, 10-14, 17-21 Feb = 30, plus Mon 24 Feb = 31.
    assert ts.working_days_used == 31
    assert ts.working_days_left == 4  # 25, 26, 27, 28 Feb (days after `on`)
    assert ts.overdue is False
    assert ts.expected_delivery_date == delivery
    late = assessment_timescale(PB_REFERRAL, ENG, on=date(2025, 3, 3), expected_delivery_date=delivery)
    assert (late.overdue, late.working_days_left) == (True, 0)


# --- C2: working days used and left, overdue ------------------------------------------------------

# Referral Fri 20 Dec 2024, ENG, due Wed 26 Feb 2025.
REFERRAL = date(2024, 12, 20)
DUE = date(2025, 2, 26)


@pytest.mark.parametrize(
    ("on", "used", "left", "overdue"),
    [
        # Before the referral: nothing used; Fri 20 Dec itself still lies ahead, so 46 days to the due date.
        (date(2024, 12, 19), 0, 46, False),
        (REFERRAL, 0, 45, False),
        # Mid-way, Mon 20 Jan: 23, 24, 27, 30, 31 Dec (5), 2, 3 Jan (2), 6-10 (5), 13-17 (5), 20 Jan (1) = 18.
        # Left: 21-24 Jan (4), 27-31 (5), 3-7, 10-14, 17-21 Feb (15), 24-26 Feb (3) = 27.
        (date(2025, 1, 20), 18, 27, False),
        # Sat 25 Jan: used 18 + 21-24 Jan = 22; the weekend adds nothing.
        (date(2025, 1, 25), 22, 23, False),
        (DUE, 45, 0, False),
        (date(2025, 2, 27), 46, 0, True),
        # Mon 3 Mar: 27, 28 Feb and 3 Mar beyond the due date.
        (date(2025, 3, 3), 48, 0, True),
    ],
)
def test_c2_working_days_used_left_and_overdue(on, used, left, overdue):
    ts = assessment_timescale(REFERRAL, ENG, on=on)
    assert ts.due_date == DUE
    assert ts.due_rule == WORKING_DAYS_RULE
    assert ts.on == on
    assert ts.referral_date == REFERRAL
    assert (ts.working_days_used, ts.working_days_left, ts.overdue) == (used, left, overdue)
    assert ts.expected_delivery_date is None


def test_working_days_between_is_zero_when_end_is_not_after_start():
    assert ENG.working_days_between(date(2025, 2, 26), date(2025, 2, 26)) == 0
    assert ENG.working_days_between(date(2025, 2, 26), date(2025, 1, 1)) == 0


def test_add_working_days_rejects_a_negative_count():
    with pytest.raises(ValueError, match="-1"):
        ENG.add_working_days(REFERRAL, -1)


def test_c2_c3_completion_on_the_due_date_is_not_late_but_the_next_day_is():
    assert is_late(date(2025, 2, 25), DUE) is False
    assert is_late(DUE, DUE) is False
    assert is_late(date(2025, 2, 27), DUE) is True


# --- Validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("nation", ["GB", "England", "eng", ""])
def test_unknown_nation_raises_value_error_naming_it_and_the_allowed_values(nation):
    with pytest.raises(ValueError) as excinfo:
        WorkingCalendar(nation)
    message = str(excinfo.value)
    assert repr(nation) in message
    for allowed in NATIONS:
        assert allowed in message


# --- The accepted range (formgen.dates) ------------------------------------------------------------

OUT_OF_RANGE = [date(1, 1, 1), date(1899, 12, 31), date(2101, 1, 1), date(9999, 12, 31)]
PUBLIC_CALLS = {
    "is_working_day": lambda day: ENG.is_working_day(day),
    "add_working_days": lambda day: ENG.add_working_days(day, 45),
    "working_days_between from": lambda day: ENG.working_days_between(day, REFERRAL),
    "working_days_between to": lambda day: ENG.working_days_between(REFERRAL, day),
    "due_date": lambda day: due_date(day, ENG),
    "due_date delivery": lambda day: due_date(REFERRAL, ENG, day),
    "assessment_timescale on": lambda day: assessment_timescale(REFERRAL, ENG, on=day),
    "closure day": lambda day: WorkingCalendar("ENG", {day}),
}


@pytest.mark.parametrize("call", PUBLIC_CALLS.values(), ids=PUBLIC_CALLS)
@pytest.mark.parametrize("day", OUT_OF_RANGE, ids=str)
def test_a_date_outside_the_accepted_range_is_refused_naming_it(call, day):
    # 9999-12-31 overflowed and 0001-01-01 made the day-by-day loops run millions of times.
    with pytest.raises(
        OutOfRange, match=f"^{day.isoformat()} is not between 1 January 1900 and 31 December 2100$"
    ):
        call(day)


def test_the_first_and_last_accepted_dates_are_counted():
    # Mon 1 Jan 1900 is day 0; Tue 2 to Fri 5 and Mon 8 Jan are the first five working days after it.
    assert ENG.add_working_days(EARLIEST, 1) == date(1900, 1, 2)
    assert ENG.working_days_between(EARLIEST, date(1900, 1, 8)) == 5
    assert ENG.is_working_day(LATEST)  # Fri 31 Dec 2100


def test_c2_due_date_of_the_last_accepted_referral_lies_after_the_range():
    # Fri 31 Dec 2100 + 9 whole weeks = Fri 4 Mar 2101. The `holidays` package has no bank holidays after
    # 2100, so only weekends count there. The due date is worked out, not given, so it is not refused.
    assert due_date(LATEST, ENG) == (date(2101, 3, 4), WORKING_DAYS_RULE)
    ts = assessment_timescale(LATEST, ENG, on=LATEST)
    assert (ts.due_date, ts.working_days_used, ts.working_days_left) == (date(2101, 3, 4), 0, 45)


def test_c3_pre_birth_date_of_the_first_accepted_delivery_lies_before_the_range():
    # Mon 1 Jan 1900 - 28 days = Mon 4 Dec 1899, a working day.
    assert due_date(EARLIEST, ENG, EARLIEST) == (date(1899, 12, 4), PRE_BIRTH_RULE)


def test_add_working_days_refuses_more_days_than_the_range_holds():
    with pytest.raises(ValueError, match=f"between 0 and {MOST_WORKING_DAYS}, got {MOST_WORKING_DAYS + 1}"):
        ENG.add_working_days(EARLIEST, MOST_WORKING_DAYS + 1)
    furthest = ENG.add_working_days(LATEST, MOST_WORKING_DAYS)  # far from datetime's limit of 9999
    assert furthest > LATEST and furthest.weekday() < 5


# --- JSON ----------------------------------------------------------------------------------------


def _from_json(data: dict) -> Timescale:
    dates = {"referral_date", "on", "due_date", "expected_delivery_date"}
    return Timescale(
        **{k: (date.fromisoformat(v) if k in dates and v is not None else v) for k, v in data.items()}
    )


def test_to_json_has_exactly_the_field_names_and_iso_dates():
    ts = assessment_timescale(REFERRAL, ENG, on=date(2025, 1, 20))
    data = ts.to_json()
    assert list(data) == [f.name for f in dataclasses.fields(Timescale)]
    assert data == {
        "referral_date": "2024-12-20",
        "on": "2025-01-20",
        "due_date": "2025-02-26",
        "due_rule": WORKING_DAYS_RULE,
        "working_days_used": 18,
        "working_days_left": 27,
        "overdue": False,
        "expected_delivery_date": None,
    }
    assert json.loads(json.dumps(data)) == data
    assert _from_json(data) == ts


def test_c3_to_json_round_trips_with_an_expected_delivery_date():
    ts = assessment_timescale(PB_REFERRAL, ENG, on=date(2025, 3, 3), expected_delivery_date=date(2025, 3, 28))
    data = json.loads(json.dumps(ts.to_json()))
    assert data["expected_delivery_date"] == "2025-03-28"
    assert data["due_date"] == "2025-02-28"
    assert data["due_rule"] == PRE_BIRTH_RULE
    assert data["overdue"] is True
    assert type(data["working_days_used"]) is int
    assert _from_json(data) == ts
