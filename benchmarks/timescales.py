"""Median time of the working-day arithmetic, against the day-by-day loop it replaced, in the same run.

    .venv/bin/python benchmarks/timescales.py [--runs 15]

"formgen" is `WorkingCalendar.working_days_between` (weekday arithmetic less a table of closed
weekdays per year) and `add_working_days`; "loop" is the old day-by-day count over the same
calendar's `is_working_day`. Each run times one and then the other, alternately first, so both see
the same machine load; bank-holiday tables are warmed first. The ratio is how many times faster
formgen is.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

from formgen.dates import EARLIEST, LATEST
from formgen.timescales import ASSESSMENT_WORKING_DAYS, WorkingCalendar

ONE_DAY = timedelta(days=1)
CALENDAR = WorkingCalendar("ENG", frozenset({date(2024, 12, 27), date(2026, 12, 29), date(2026, 12, 30)}))


def loop_between(start: date, end: date) -> int:
    count, day = 0, start + ONE_DAY
    while day <= end:
        count += CALENDAR.is_working_day(day)
        day += ONE_DAY
    return count


def loop_add(start: date, days: int) -> date:
    day = start
    while days:
        day += ONE_DAY
        days -= CALENDAR.is_working_day(day)
    return day


def per_call_ms(action: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        action()
    return (time.perf_counter() - start) * 1000 / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs

    referral = date(2024, 12, 20)
    due = CALENDAR.add_working_days(referral, ASSESSMENT_WORKING_DAYS)
    # (name, formgen, loop, calls per timing: enough for a short case to rise above the timer's noise)
    cases = [
        (
            "between 1900-2100",
            lambda: CALENDAR.working_days_between(EARLIEST, LATEST),
            lambda: loop_between(EARLIEST, LATEST),
            1,
        ),
        (
            "between referral-due",
            lambda: CALENDAR.working_days_between(referral, due),
            lambda: loop_between(referral, due),
            200,
        ),
        (
            "add 45 working days",
            lambda: CALENDAR.add_working_days(referral, ASSESSMENT_WORKING_DAYS),
            lambda: loop_add(referral, ASSESSMENT_WORKING_DAYS),
            200,
        ),
    ]

    print(f"{runs} runs each, alternating, median milliseconds per call")
    print(f"{'case':<22}{'formgen':>10}{'loop':>10}{'ratio':>10}")
    for name, ours, loop, calls in cases:
        assert ours() == loop(), name  # same answer, and both warm
        timings: dict[str, list[float]] = {"ours": [], "loop": []}
        for run in range(runs):
            order = [("ours", ours), ("loop", loop)]
            for side, action in order if run % 2 == 0 else reversed(order):
                timings[side].append(per_call_ms(action, calls))
        ours_ms, loop_ms = (statistics.median(timings[side]) for side in ("ours", "loop"))
        print(f"{name:<22}{ours_ms:>10.4f}{loop_ms:>10.4f}{loop_ms / ours_ms:>10.0f}")


if __name__ == "__main__":
    main()
