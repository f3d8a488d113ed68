"""Reading what a person typed: dates in three boxes, times, numbers and choices (engine.inputs)."""

import pytest

from formgen.engine.inputs import parse, to_raw
from formgen.spec.model import FormField

DATE = FormField(
    id="seen_on", type="date", label="When was the child seen?", name="the date the child was seen"
)
TIME = FormField(id="told_at", type="time", label="What time?", name="the time the police were told")
NUMBER = FormField(id="visits", type="number", label="How many visits?", name="the number of visits")
YES_NO = FormField(id="alone", type="yes_no", label="Seen alone?", name="the child was seen alone")
CHOICES = FormField(
    id="forms", type="multiple_choice", label="Forms?", choices=[{"value": "a", "label": "A"}]
)


@pytest.mark.parametrize(
    ("parts", "value"),
    [
        ({"day": "3", "month": "3", "year": "2025"}, "2025-03-03"),
        ({"day": "03", "month": "March", "year": "2025"}, "2025-03-03"),
        ({"day": " 29 ", "month": "feb", "year": "2024"}, "2024-02-29"),
        ({"day": "1", "month": "Sept", "year": "2025"}, "2025-09-01"),
    ],
)
def test_a_date_is_read_from_its_boxes_month_names_included(parts, value):
    assert parse(DATE, parts).value == value


@pytest.mark.parametrize(
    ("parts", "message", "part"),
    [
        (
            {"day": "3", "month": "", "year": "2025"},
            "The date the child was seen must include a month",
            "month",
        ),
        (
            {"day": "", "month": "", "year": "2025"},
            "The date the child was seen must include a day and a month",
            "day",
        ),
        (
            {"day": "30", "month": "2", "year": "2025"},
            "The date the child was seen must be a real date",
            "day",
        ),
        (
            {"day": "3", "month": "13", "year": "2025"},
            "The date the child was seen must be a real date",
            "month",
        ),
        (
            {"day": "x", "month": "3", "year": "2025"},
            "The date the child was seen must be a real date",
            "day",
        ),
        ({"day": "3", "month": "3", "year": "25"}, "Year must include 4 numbers", "year"),
    ],
)
def test_a_wrong_date_names_its_first_wrong_part(parts, message, part):
    parsed = parse(DATE, parts)
    assert (parsed.value, parsed.error, parsed.part) == (None, message, part)


def test_an_empty_date_is_simply_unanswered():
    assert parse(DATE, {"day": "", "month": " ", "year": ""}).error is None


@pytest.mark.parametrize(
    ("typed", "value"), [("14:30", "14:30"), ("9:05", "09:05"), ("0930", "09:30"), ("21.47", "21:47")]
)
def test_a_time_is_read_in_the_ways_people_type_it(typed, value):
    assert parse(TIME, typed).value == value


@pytest.mark.parametrize("typed", ["25:00", "12:60", "half past two"])
def test_a_wrong_time_says_what_to_type(typed):
    assert parse(TIME, typed).error == "The time the police were told must be a real time, like 14:30"


def test_numbers_yes_no_and_choices():
    assert parse(NUMBER, "12").value == 12 and parse(NUMBER, "2.5").value == 2.5
    assert parse(NUMBER, "twelve").error == "The number of visits must be a number"
    assert (
        parse(YES_NO, "yes").value is True
        and parse(YES_NO, "no").value is False
        and parse(YES_NO, "").value is None
    )
    assert parse(CHOICES, ["a", ""]).value == ["a"] and parse(CHOICES, []).value is None


@pytest.mark.parametrize(
    ("field", "value"),
    [(DATE, "2025-03-03"), (TIME, "14:30"), (NUMBER, 12), (YES_NO, False), (CHOICES, ["a"])],
)
def test_a_stored_value_shows_in_the_inputs_as_it_would_be_typed(field, value):
    assert parse(field, to_raw(field, value)).value == value
