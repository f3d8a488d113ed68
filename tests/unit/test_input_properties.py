"""What people and tampered requests send to the date and number inputs (issue 6), over random input.

Whatever arrives in the three boxes, the parser answers with a date inside 1900 to 2100 or a message
pointing at one of the boxes: never an exception.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from formgen.dates import EARLIEST, LATEST, in_range
from formgen.fieldtypes import Date
from formgen.spec.model import FormField

FIELD = FormField(id="seen_on", type="date", label="When?", name="the date the child was seen")
DATE = Date()
QUICK = settings(max_examples=300, deadline=None)
MONTH_NAMES = ["jan", "January", "FEB", "march", "Sept", "september", "Dec"]

# Anything a box can hold: digits from any script, signs, spaces, month names, very long numbers.
box = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), max_size=6),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(MONTH_NAMES),
    st.just("9" * 5000),
)


@QUICK
@given(day=box, month=box, year=box)
def test_any_three_boxes_give_a_date_in_range_or_a_message_at_a_box(day, month, year):
    parsed = DATE.parse(FIELD, {"day": day, "month": month, "year": year})
    if parsed.value is not None:
        assert parsed.error is None
        assert in_range(date.fromisoformat(parsed.value))
    elif parsed.error is not None:
        assert parsed.part in Date.PARTS
    else:  # nothing typed at all
        assert not (day.strip() or month.strip() or year.strip())


@QUICK
@given(day=st.dates(min_value=EARLIEST, max_value=LATEST), padded=st.booleans(), spaced=st.booleans())
def test_every_date_in_range_is_read_back_however_it_is_typed(day, padded, spaced):
    parts = {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
    if padded:
        parts = {"day": f"{day.day:02}", "month": f"{day.month:02}", "year": str(day.year)}
    if spaced:
        parts = {part: f" {text} " for part, text in parts.items()}
    assert DATE.parse(FIELD, parts).value == day.isoformat()
    assert DATE.parse(FIELD, DATE.to_input(day.isoformat())).value == day.isoformat()


@QUICK
@given(
    day=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).filter(lambda day: not in_range(day))
)
def test_a_real_date_outside_the_range_is_refused_at_the_year(day):
    parts = {"day": str(day.day), "month": str(day.month), "year": f"{day.year:04}"}
    parsed = DATE.parse(FIELD, parts)
    assert parsed.value is None and parsed.part == "year"


NUMBER = FormField(id="rooms", type="number", label="How many?", name="the number")


@QUICK
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=5, allow_nan=False, allow_infinity=False))
def test_a_number_reads_back_as_it_was_saved(number):
    from formgen.fieldtypes import Number

    kind = Number()
    saved = kind.parse(NUMBER, format(number, "f")).value
    assert saved is not None
    assert kind.parse(NUMBER, kind.to_input(saved)).value == saved
    assert kind.display(NUMBER, saved) == kind.to_input(saved)
