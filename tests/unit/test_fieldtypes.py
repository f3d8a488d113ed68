"""Reading what a person typed: dates in three boxes, times, numbers and choices (formgen.fieldtypes)."""

from datetime import date

import pytest

from formgen.fieldtypes import TYPES, Checks, Invalid, field_type, typed_value
from formgen.spec.model import FormField


def parse(field: FormField, raw, allowed=None):
    return field_type(field).parse(field, raw, allowed)


def to_raw(field: FormField, value):
    return field_type(field).to_input(value)


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


# --- what a page can send that must be refused with a message, never an exception (issue 6) ------


@pytest.mark.parametrize(
    ("parts", "part"),
    [
        ({"day": "²", "month": "3", "year": "2025"}, "day"),  # "²".isdigit() is true; int("²") fails
        ({"day": "3", "month": "³", "year": "2025"}, "month"),
        ({"day": "3", "month": "3", "year": "２０２５"}, "year"),  # full-width digits
        ({"day": "3", "month": "3", "year": "٢٠٢٥"}, "year"),  # Arabic-Indic digits
    ],
)
def test_a_date_part_in_digits_other_than_ascii_is_not_a_real_date(parts, part):
    parsed = parse(DATE, parts)
    assert (parsed.value, parsed.error, parsed.part) == (
        None,
        "The date the child was seen must be a real date",
        part,
    )


def test_a_year_of_five_thousand_digits_asks_for_four_numbers():
    parsed = parse(DATE, {"day": "1", "month": "1", "year": "9" * 5000})
    assert (parsed.error, parsed.part) == ("Year must include 4 numbers", "year")


@pytest.mark.parametrize(
    ("parts", "value"),
    [
        ({"day": "31", "month": "12", "year": "9999"}, None),
        ({"day": "1", "month": "1", "year": "0001"}, None),
        ({"day": "31", "month": "12", "year": "1899"}, None),
        ({"day": "1", "month": "1", "year": "2101"}, None),
        ({"day": "1", "month": "1", "year": "1900"}, "1900-01-01"),
        ({"day": "31", "month": "12", "year": "2100"}, "2100-12-31"),
    ],
)
def test_every_date_lies_between_1900_and_2100(parts, value):
    parsed = parse(DATE, parts)
    assert parsed.value == value
    if value is None:
        assert parsed.error == (
            "The date the child was seen must be between 1 January 1900 and 31 December 2100"
        )
        assert parsed.part == "year"


def test_a_stored_date_outside_the_range_reads_as_invalid_not_as_a_date():
    # A case file, or a row saved before the bound existed, cannot bring 9999 back into the arithmetic.
    for stored in ("9999-12-31", "0001-01-01"):
        value = typed_value(DATE, stored)
        assert isinstance(value, Invalid)
        assert "between 1 January 1900 and 31 December 2100" in value.message
    assert typed_value(DATE, "2025-03-03") == date(2025, 3, 3)


@pytest.mark.parametrize("typed", ["１２", "٣", "9" * 5000, "1" * 16, "nan", "inf", "1e5", "12 visits", "+5"])
def test_a_number_is_ascii_digits_of_a_sensible_length(typed):
    parsed = parse(NUMBER, typed)
    assert parsed.value is None and parsed.error is not None
    assert parsed.error.startswith("The number of visits must")


def test_a_number_keeps_its_sign_commas_and_decimals():
    assert parse(NUMBER, "-3").value == -3
    assert parse(NUMBER, "12,500").value == 12500
    assert parse(NUMBER, "1" * 15).value == int("1" * 15)
    assert parse(NUMBER, "0.25").value == 0.25


@pytest.mark.parametrize("stored", [float("nan"), float("inf"), 10**20, True])
def test_a_stored_number_that_no_page_could_have_saved_is_invalid(stored):
    assert isinstance(typed_value(NUMBER, stored), Invalid)


@pytest.mark.parametrize("sent", ["maybe", "YES", "true", "1"])
def test_a_tampered_yes_no_is_refused_rather_than_taken_as_cleared(sent):
    parsed = parse(YES_NO, sent)
    assert (parsed.value, parsed.error) == (None, "Select yes if the child was seen alone")


def test_a_choice_the_page_never_offered_is_refused():
    single = FormField(
        id="colour",
        type="single_choice",
        label="Colour?",
        name="a colour",
        choices=[{"value": "a", "label": "A"}],
    )
    assert parse(single, "a").value == "a"
    assert parse(single, "z").error == "Select a colour"
    assert parse(CHOICES, ["a", "z"]).error is not None
    people = FormField(id="who", type="multiple_choice", label="Who?", name="who", choices_from="members")
    assert parse(people, ["p1"], {"p1", "p2"}).value == ["p1"]
    assert parse(people, ["p3"], {"p1", "p2"}).error == "Select who"


def test_typed_text_loses_control_characters_and_keeps_its_line_breaks():
    text = FormField(id="notes", type="long_text", label="Notes")
    assert (
        parse(text, "Seen at\x00 school\r\nwith\x0bher teacher\x07").value
        == "Seen at school\nwith\nher teacher"
    )
    assert parse(text, "\x00\x01 ").value is None


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_every_type_reads_a_blank_page_as_unanswered_and_shows_nothing_for_no_answer(kind):
    extra = (
        {"choices": [{"value": "a", "label": "A"}]} if kind in {"single_choice", "multiple_choice"} else {}
    )
    if kind == "group":
        extra = {"fields": [{"id": "name", "type": "text", "label": "Name?"}]}
    field = FormField(id="q", type=kind, label="Question?", **extra)
    handler = TYPES[kind]
    assert handler.parse(field, handler.blank_input).value is None
    assert handler.display(field, None) == ""
    assert typed_value(field, None) is None


UPN = FormField(id="upn", type="upn", label="UPN?", name="the child's unique pupil number")


def test_a_upn_is_kept_as_the_census_writes_it_and_its_check_letter_is_checked():
    assert parse(UPN, " d2011 2000 4817 ").value == "D201120004817"
    assert parse(UPN, "   ").value is None
    checks = Checks(today=date(2026, 1, 1), lookup=lambda _: None, subject_of=str)
    kind = field_type(UPN)
    assert kind.constraint(UPN, "D201120004817", checks) is None
    assert kind.constraint(UPN, "E201120004817", checks) == (
        "The child's unique pupil number does not have the right check letter at the start: "
        "check it with the child's school"
    )
    assert kind.constraint(UPN, "D20112000481", checks).startswith(
        "The child's unique pupil number must be 13"
    )
    assert kind.constraint(UPN, "I201120004817", checks).startswith(
        "The child's unique pupil number must be 13"
    )
