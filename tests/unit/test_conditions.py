"""The condition language: parsing, type checks against the form, and evaluation (never eval)."""

from datetime import date, time

import pytest

from formgen.conditions import MAX_LENGTH, MAX_NESTING, ConditionError, Kind, UnusableName, check, parse

FORM = {
    "child_seen": Kind("bool"),
    "legal_basis": Kind("choice", frozenset({"s17", "s47", "s20"})),
    "harm_forms": Kind("choices", frozenset({"trafficking", "county_lines", "none"})),
    "referral_date": Kind("date"),
    "completion_date": Kind("date"),
    "police_time": Kind("time"),
    "age": Kind("number"),
    "household_members": Kind("group"),
    "notes": Kind("text"),
}


def kind_of(name):
    return FORM.get(name)


def holds(text, **answers):
    condition = parse(text)
    check(condition, kind_of)
    return condition.evaluate(answers.get)


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("child_seen = no", {"child_seen": False}, True),
        ("child_seen = no", {"child_seen": True}, False),
        ("child_seen == yes", {"child_seen": True}, True),
        ("child_seen", {"child_seen": True}, True),
        ("not child_seen", {"child_seen": False}, True),
        ("legal_basis = 's47'", {"legal_basis": "s47"}, True),
        ("legal_basis != 's47'", {"legal_basis": "s17"}, True),
        ('legal_basis in ["s17", "s47"]', {"legal_basis": "s20"}, False),
        ("legal_basis in ['s17', 's47']", {"legal_basis": "s47"}, True),
        ("'trafficking' in harm_forms", {"harm_forms": ["county_lines", "trafficking"]}, True),
        ("'trafficking' in harm_forms", {"harm_forms": ["county_lines"]}, False),
        ("age >= 16 and age <= 17", {"age": 16}, True),
        ("age >= 16 and age <= 17", {"age": 18}, False),
        ("age > 4.5", {"age": 5}, True),
        (
            "completion_date > referral_date",
            {"completion_date": date(2025, 3, 2), "referral_date": date(2025, 3, 1)},
            True,
        ),
        ("referral_date < 2025-01-01", {"referral_date": date(2024, 12, 31)}, True),
        ("police_time >= 09:00", {"police_time": time(8, 59)}, False),
        ("answered(notes)", {"notes": "  "}, False),
        ("answered(notes)", {"notes": "seen at school"}, True),
        ("answered(harm_forms)", {"harm_forms": []}, False),
        ("count(household_members) > 1", {"household_members": [{"id": "a"}, {"id": "b"}]}, True),
        ("count(household_members) = 0", {}, True),
        ("child_seen = yes or legal_basis = 's47'", {"child_seen": False, "legal_basis": "s47"}, True),
        ("not (child_seen = yes and legal_basis = 's47')", {"child_seen": True, "legal_basis": "s47"}, False),
    ],
)
def test_conditions_evaluate(text, answers, expected):
    assert holds(text, **answers) is expected


def test_precedence_not_binds_tighter_than_and_tighter_than_or():
    # Read as (not child_seen) or (child_seen and legal_basis = 's47').
    text = "not child_seen or child_seen and legal_basis = 's47'"
    assert holds(text, child_seen=True, legal_basis="s17") is False
    assert holds(text, child_seen=True, legal_basis="s47") is True
    assert holds(text, child_seen=False, legal_basis="s17") is True


@pytest.mark.parametrize(
    "text",
    [
        "child_seen = no",
        "child_seen != yes",
        "age < 16",
        "age >= 16",
        "'trafficking' in harm_forms",
        "legal_basis in ['s47']",
    ],
)
def test_a_comparison_with_an_unanswered_question_is_false(text):
    assert holds(text) is False


def test_not_of_an_unanswered_comparison_is_true_so_authors_can_write_not_yet_answered():
    assert holds("not (child_seen = yes)") is True


def test_names_lists_every_field_a_condition_reads():
    condition = parse("child_seen = no and (answered(notes) or count(household_members) > age)")
    assert condition.names == {"child_seen", "notes", "household_members", "age"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("child_seen = ", "ends too soon"),
        ("child_seen = no)", "unexpected ')' at column 16"),
        ("(child_seen = no", "ends too soon"),
        ("child_seen = no and", "ends too soon"),
        ("child_seen # no", "unexpected character '#' at column 12"),
        ("legal_basis = 's47", "unexpected character"),
        ("eval(child_seen)", "unknown function 'eval'"),
        ("answered('x')", "answered() takes a field id"),
        ("referral_date < 2025-02-30", "is not a real date or time"),
        ("and child_seen", "'and' cannot stand here"),
        ("", "an empty condition: write a condition or remove the key"),
        ("   ", "an empty condition"),
    ],
)
def test_syntax_errors_say_what_and_where(text, message):
    with pytest.raises(ConditionError) as raised:
        parse(text)
    assert message in str(raised.value)
    assert f"in condition: {text}" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("chid_seen = no", "unknown field id 'chid_seen' at column 1"),
        ("child_seen = 'no'", "cannot compare yes/no with text"),
        ("legal_basis = 's48'", "'s48' is not one of the choices (s17, s20, s47)"),
        ("legal_basis = s47", "unknown field id 's47'"),
        ("'slavery' in harm_forms", "'slavery' is not one of the choices"),
        ("legal_basis in ['s17', 's99']", "'s99' is not one of the choices"),
        ("age > referral_date", "compares numbers, dates or times of the same kind"),
        ("notes > 3", "compares numbers, dates or times"),
        ("notes", "is not a yes/no question"),
        ("age", "is not a yes/no question"),
        ("'x' in notes", "'in' tests a value against a multiple choice"),
        ("count(notes) > 1", "count() needs a group or multiple choice"),
        ("answered(nobody)", "unknown field id 'nobody'"),
        ("3", "this is a value, not a condition"),
    ],
)
def test_type_errors_name_the_field_and_the_problem(text, message):
    with pytest.raises(ConditionError) as raised:
        check(parse(text), kind_of)
    assert message in str(raised.value)


def test_a_resolver_can_refuse_a_name_with_its_own_reason():
    def refusing(name):
        raise UnusableName(f"{name!r} is answered for each child")

    with pytest.raises(ConditionError, match="'age' is answered for each child at column 1"):
        check(parse("age > 3"), refusing)


def test_text_that_looks_like_python_is_only_ever_parsed():
    # The language has no attribute access, calls beyond answered()/count(), or operators that run code.
    for text in ["__import__('os')", "child_seen.__class__", "open('x') = 1", "[x for x in y]"]:
        with pytest.raises(ConditionError):
            check(parse(text), kind_of)


def test_nesting_up_to_the_bound_parses_checks_and_evaluates():
    negated = parse("not " * MAX_NESTING + "child_seen")
    check(negated, kind_of)
    assert negated.evaluate({"child_seen": True}.get) is True  # an even number of nots
    bracketed = parse("(" * MAX_NESTING + "age > 3" + ")" * MAX_NESTING)
    check(bracketed, kind_of)
    assert bracketed.evaluate({"age": 4}.get) is True


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("not " * (MAX_NESTING + 1) + "child_seen", 4 * MAX_NESTING + 1),
        ("(" * (MAX_NESTING + 1) + "age > 3" + ")" * (MAX_NESTING + 1), MAX_NESTING + 1),
        ("not (" * MAX_NESTING + "child_seen" + ")" * MAX_NESTING, 5 * (MAX_NESTING // 2) + 1),
    ],
)
def test_deeper_nesting_is_refused_where_it_goes_too_deep(text, column):
    with pytest.raises(
        ConditionError, match=f"nest more than {MAX_NESTING} deep: simplify the condition at column {column} "
    ):
        parse(text)


def test_a_condition_too_long_to_be_real_is_refused_with_its_start():
    # 1500 nots once ran into Python's recursion limit before any message.
    text = "not " * 1500 + "child_seen"
    with pytest.raises(ConditionError) as raised:
        parse(text)
    assert f"a condition can have at most {MAX_LENGTH} characters" in str(raised.value)
    assert len(str(raised.value)) < 200
