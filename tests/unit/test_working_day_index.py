"""The working-day index (one subtraction per count) against the calendar's own count, which walks the
closed weekdays of each year spanned, and against the day-by-day reference."""

import random
import threading
from datetime import date, timedelta

import pytest
from hypothesis import given

from formgen.dates import EARLIEST, LATEST
from formgen.timescales import INDEX_YEARS, NATIONS, WorkingCalendar, WorkingDayIndex, working_day_index
from tests.unit.test_timescales_properties import QUICK, count_working_days, spans


@pytest.mark.parametrize("nation", NATIONS)
def test_the_index_counts_as_the_calendar_does_for_many_random_pairs(nation):
    chance = random.Random(nation)
    closures = {EARLIEST + timedelta(days=chance.randrange(73_000)) for _ in range(40)}
    calendar = WorkingCalendar(nation, frozenset(closures | {date(2025, 1, 3), date(2025, 12, 29)}))
    index = WorkingDayIndex(calendar)
    for _ in range(2_000):
        start = EARLIEST + timedelta(days=chance.randrange((LATEST - EARLIEST).days + 1))
        end = min(max(start + timedelta(days=chance.randrange(-500, 2_000)), EARLIEST), LATEST)
        assert index.between(start, end) == calendar.working_days_between(start, end), (start, end)


@QUICK
@given(spans())
def test_the_index_matches_the_day_by_day_count(span):
    calendar, start, end = span
    index = working_day_index(calendar)
    assert index.between(start, end) == count_working_days(calendar, start, end)
    assert index.between(end, start) == 0


def test_the_index_reaches_a_due_date_worked_out_past_the_accepted_range():
    calendar = WorkingCalendar("ENG")
    start, due = date(2100, 12, 31), calendar.add_working_days(date(2100, 12, 31), 45)
    assert due.year == 2101
    assert working_day_index(calendar).between(start, due) == 45
    with pytest.raises(ValueError, match="covers"):
        working_day_index(calendar).count_through(date(INDEX_YEARS[-1] + 1, 1, 1))


def test_one_index_per_calendar_and_threads_extending_it_at_once_agree():
    calendar = WorkingCalendar("WLS", frozenset({date(2030, 6, 3)}))
    assert working_day_index(calendar) is working_day_index(WorkingCalendar("WLS", {date(2030, 6, 3)}))
    index = WorkingDayIndex(calendar)
    pairs = [(date(year, 3, 1), date(year + 1, 2, 1)) for year in range(2000, 2060)]
    results: dict[int, list[int]] = {}

    def count(worker: int) -> None:
        order = pairs if worker % 2 else list(reversed(pairs))
        results[worker] = sorted(index.between(start, end) for start, end in order)

    threads = [threading.Thread(target=count, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = sorted(calendar.working_days_between(start, end) for start, end in pairs)
    assert all(found == expected for found in results.values())
