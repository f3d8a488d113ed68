"""The case file format: its published JSON Schema, older versions converted, damaged files located."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from formgen.check import check_example
from formgen.cli import main
from formgen.engine.case_formats import ETHNICITY_4, FORMAT
from formgen.engine.casefile import answer_problems, case_schema, load_case, parse_case
from formgen.engine.review import approval_date
from formgen.settings import PROJECT_ROOT
from formgen.spec import SpecError, load_spec
from tests.support import EXAMPLES, SPEC_DIR, TODAY

SCHEMA_FILE = PROJECT_ROOT / "docs" / "case-file.schema.json"
FORMAT_1 = PROJECT_ROOT / "tests" / "data" / "case_files" / "format-1.json"
FORMAT_2 = PROJECT_ROOT / "tests" / "data" / "case_files" / "format-2.json"


def problems_of(content: bytes) -> list[str]:
    with pytest.raises(SpecError) as raised:
        parse_case(content, "case.json")
    return [str(problem) for problem in raised.value.problems]


def test_the_published_schema_is_the_one_formgen_reads():
    published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert published == case_schema(), "run: formgen case-schema --out docs/case-file.schema.json"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_every_example_fits_the_published_schema(path):
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema).iter_errors(json.loads(path.read_text(encoding="utf-8"))))
    assert errors == []


def test_the_schema_refuses_what_formgen_refuses():
    validator = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    good = {"format": FORMAT, "reference": "EX-1", "household": {"seen": True}, "children": []}
    assert validator.is_valid(good)
    for bad in (
        {**good, "format": "formgen-case/1"},  # older files are converted by formgen, not valid as they are
        {**good, "reference": "EX/1"},  # a reference stands in web addresses
        {**good, "household": {"when": {"day": 3}}},  # no answer is a JSON object
        {**good, "unknown": 1},
    ):
        assert not validator.is_valid(bad), bad


MOVED = {  # answers of formats 1 and 2 that format 3 keeps as the review, the allocation and decisions
    "review_decision",
    "approver_name",
    "authorisation_date",
    "lead_practitioner_name",
    "lead_practitioner_phone",
    "consent_override_manager_name",
    "consent_override_date",
    "interpreter_decision_manager",
    "interpreter_decision_date",
}


PER_CHILD = ("relationship", "parental_responsibility")  # said once in formats 1 to 3, per child in 4


def _without_moved(answers: dict) -> dict:
    kept = {key: value for key, value in answers.items() if key not in MOVED}
    if "ethnicity" in kept:  # formgen's own words until format 5, the census's code since
        kept["ethnicity"] = ETHNICITY_4[kept["ethnicity"]]
    if "household_members" in kept:
        kept["household_members"] = [
            {key: value for key, value in _without_moved(item).items() if key not in PER_CHILD}
            for item in kept["household_members"]
        ]
    return kept


def _relationships(household: dict) -> list[dict]:
    """What an older file said of each person's relationship, which format 4 gives every child."""
    return [
        {"id": person["id"], **{key: person[key] for key in PER_CHILD if key in person}}
        for person in household.get("household_members", [])
    ]


def test_a_format_1_file_is_converted_on_reading():
    old = json.loads(FORMAT_1.read_text(encoding="utf-8"))
    assert old["format"] == "formgen-case/1"
    case = load_case(FORMAT_1)
    assert case.format == FORMAT
    assert case.household == _without_moved(old["household"])
    assert [child.answers for child in case.children] == [
        {**_without_moved(c["answers"]), "household_members": _relationships(old["household"])}
        for c in old["children"]
    ]
    assert case.allocation.worker.name == old["household"]["lead_practitioner_name"]
    assert case.allocation.worker.phone == old["household"]["lead_practitioner_phone"]
    [child] = case.children
    assert child.review.stage == "approved"
    assert child.review.approval.by.name == old["children"][0]["answers"]["approver_name"]
    assert approval_date(child.review).isoformat() == old["children"][0]["answers"]["authorisation_date"]


def test_a_format_2_file_keeps_who_made_each_managers_decision_and_when():
    old = json.loads(FORMAT_2.read_text(encoding="utf-8"))
    assert old["format"] == "formgen-case/2"
    case = load_case(FORMAT_2)
    consent, interpreter = case.decisions
    assert (consent.field, consent.by.name, consent.at.date().isoformat()) == (
        "consent_override_reasons",
        old["household"]["consent_override_manager_name"],
        old["household"]["consent_override_date"],
    )
    mother = next(m for m in old["household"]["household_members"] if m.get("interpreter_decision_manager"))
    assert (interpreter.field, interpreter.item, interpreter.by.name) == (
        "household_members.interpreter_not_used_reason",
        mother["id"],
        mother["interpreter_decision_manager"],
    )
    assert case.household == _without_moved(old["household"])
    assert case.household["consent_override_reasons"] == old["household"]["consent_override_reasons"]


def _format_3(children: list[dict]) -> bytes:
    household = {
        "household_members": [
            {"id": "p-dad", "name": "Sam Example", "relationship": "father", "parental_responsibility": True},
            {"id": "p-nan", "name": "Pat Example", "relationship": "other_relative"},
            {"id": "p-new", "name": "Lee Example"},
        ]
    }
    return json.dumps(
        {"format": "formgen-case/3", "reference": "EX-3", "household": household, "children": children}
    ).encode()


def test_a_format_3_file_gives_each_child_the_relationships_it_said_once_for_all():
    children = [{"id": "child-a", "answers": {"child_name": "Ada"}}, {"id": "child-b", "answers": {}}]
    case = parse_case(_format_3(children), "case.json")
    assert case.format == FORMAT
    assert case.household["household_members"] == [
        {"id": "p-dad", "name": "Sam Example"},
        {"id": "p-nan", "name": "Pat Example"},
        {"id": "p-new", "name": "Lee Example"},
    ]
    said = [
        {"id": "p-dad", "relationship": "father", "parental_responsibility": True},
        {"id": "p-nan", "relationship": "other_relative"},
    ]
    assert [child.answers for child in case.children] == [
        {"child_name": "Ada", "household_members": said},
        {"household_members": said},
    ]
    form = load_spec(SPEC_DIR, "general")
    assert answer_problems(form, case, "case.json") == []
    ada = case.assessment(form, "child-a", today=TODAY)
    people = ada.form.info("household_members")
    assert [ada.item_label(people, item) for item in ada.items("household_members")] == [
        "Sam Example (Father)",
        "Pat Example (Other relative)",
        "Lee Example",
    ]


def test_a_format_3_file_without_children_keeps_no_relationships_on_the_household():
    case = parse_case(_format_3([]), "case.json")
    assert case.children == []
    assert all(set(person) == {"id", "name"} for person in case.household["household_members"])


def test_a_format_4_file_gets_census_ethnicity_codes_and_is_asked_the_census_questions(tmp_path):
    old = json.loads((PROJECT_ROOT / "examples" / "sibling-group.json").read_text(encoding="utf-8"))
    old["format"] = "formgen-case/4"
    del old["household"]["referral_source_code"]
    words = {"child-tilly": "mixed_white_black_caribbean", "child-kai": "arab", "child-poppy": "unheard_of"}
    for child in old["children"]:
        child["answers"]["ethnicity"] = words[child["id"]]
        for key in ("sex", "upn", "upn_unknown_reason", "primary_need"):
            child["answers"].pop(key, None)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    case, asked = check_example(load_spec(SPEC_DIR, "general"), path, today=TODAY)
    assert case.format == FORMAT
    assert [child.answers["ethnicity"] for child in case.children] == ["MWBC", "OOTH", "unheard_of"]
    # What the old file could not say is asked for; a value with no census code is asked again.
    asked = [f"{problem.place}: {problem.message}" for problem in asked]
    assert "household.referral_source_code: Select the source of the referral" in asked
    for index, key in enumerate(words):
        assert f"children[{index}] ({key}).sex: Select the child's recorded sex" in asked
        assert f"children[{index}] ({key}).primary_need: Select the child's primary need" in asked
        assert (
            f"children[{index}] ({key}).upn_unknown_reason: Select why the child's UPN is not known" in asked
        )
    ethnicity = [problem for problem in asked if ".ethnicity:" in problem]
    poppy = "children[2] (child-poppy).ethnicity: The child's ethnic group:"
    assert ethnicity == [f"{poppy} 'unheard_of' is not one of the choices"]


def test_a_file_from_a_newer_formgen_is_refused_with_a_message():
    newer = json.dumps({"format": "formgen-case/99", "reference": "EX-1", "children": []}).encode()
    assert problems_of(newer) == [
        "case.json: format: this case file was written by a newer formgen (formgen-case/99): "
        f"this one reads formgen-case/1 to {FORMAT}"
    ]
    assert "format must be" in problems_of(b'{"format": "something else", "reference": "EX-1"}')[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"format": "formgen-case/2",\n "reference": "caf\xe9"}', "case.json:2: not UTF-8 text"),
        (b'{"format": "formgen-case/2", "reference": "EX-1", "household": {"n": NaN}}', "NaN is not a JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'["a list"]', "expected a JSON object"),
        (b'{"format": "formgen-case/2", "reference": "EX-1", "household": {"n": Infinity}}', "Infinity"),
    ],
)
def test_a_damaged_file_is_a_located_problem(content, expected):
    assert any(expected in problem for problem in problems_of(content))


def test_control_characters_in_answers_are_cleaned_on_reading():
    content = json.dumps(
        {
            "format": FORMAT,
            "reference": "EX-1",
            "household": {"referral_reason": "Seen\x00 at school\x0bby her teacher"},
            "children": [{"id": "child-a", "answers": {"child_name": "Ada\x07 Example"}}],
        }
    ).encode()
    case = parse_case(content, "case.json")
    assert case.household["referral_reason"] == "Seen at school\nby her teacher"
    assert case.children[0].answers["child_name"] == "Ada Example"


def test_a_directory_where_the_case_file_should_be_is_a_message(tmp_path):
    with pytest.raises(SpecError) as raised:
        load_case(tmp_path)
    assert str(raised.value) == f"{tmp_path}: cannot read: Is a directory"


def test_case_schema_command_prints_the_schema():
    result = CliRunner().invoke(main, ["case-schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == case_schema()


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ({"household": "abc"}, "household must be a JSON object"),
        ({"children": [1]}, "children[0] must be a JSON object"),
        ({"household": {"household_members": "everyone"}}, "household.household_members must be a JSON list"),
    ],
)
def test_a_damaged_older_file_is_a_located_problem_not_a_crash(damage, expected):
    old = {"format": "formgen-case/2", "reference": "EX-1", **damage}
    assert any(expected in problem for problem in problems_of(json.dumps(old).encode()))


def test_an_older_approval_with_no_readable_date_was_never_finished_and_stays_a_draft():
    old = {
        "format": "formgen-case/2",
        "reference": "EX-1",
        "children": [
            {"id": "child-a", "answers": {"review_decision": "approve", "approver_name": "A Manager"}}
        ],
    }
    [child] = parse_case(json.dumps(old).encode(), "case.json").children
    assert child.review.stage == "draft" and "review_decision" not in child.answers


def test_a_distribution_list_that_names_what_the_case_does_not_have_is_a_located_problem(form):
    from formgen.engine.casefile import answer_problems

    data = json.loads((PROJECT_ROOT / "examples" / "sibling-group.json").read_text(encoding="utf-8"))
    data["distribution"][1]["id"] = data["distribution"][0]["id"]
    data["distribution"][2]["person"] = "p-nobody"
    data["distribution"][3]["children"] = ["child-nobody"]
    data["withheld"][0]["item"] = "x-nothing"
    data["circulation"] = [
        {
            "recipient": "gone",
            "document": "plan",
            "child": "child-kai",
            "method": "post",
            "by": {"name": "Bea Support"},
            "at": "2025-10-20T10:00:00Z",
        }
    ]
    case = parse_case(json.dumps(data).encode(), "case.json")
    problems = [str(problem) for problem in answer_problems(form, case, "case.json")]
    assert any("distribution[1].id" in p and "used twice" in p for p in problems), problems
    assert any("distribution[2].person" in p and "p-nobody" in p for p in problems), problems
    assert any("distribution[3].children" in p and "child-nobody" in p for p in problems), problems
    assert any("circulation[0].recipient" in p and "gone" in p for p in problems), problems
    assert any(p.startswith("case.json: withheld[0]") and "x-nothing" in p for p in problems), problems
    assert answer_problems(form, load_case(PROJECT_ROOT / "examples" / "sibling-group.json"), "x") == []


def test_the_languages_answers_were_written_in_are_kept_and_checked(form):
    data = json.loads((PROJECT_ROOT / "examples" / "sibling-group.json").read_text(encoding="utf-8"))
    kai = next(child for child in data["children"] if child["id"] == "child-kai")
    kai["answers"]["_written_in"] = {"child_views_text": "cy"}
    validator = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    assert validator.is_valid(data)
    case = parse_case(json.dumps(data).encode(), "case.json")
    assert answer_problems(form, case, "case.json") == []
    assert case.assessment(form, "child-kai", today=TODAY).written_in(form.info("child_views_text")) == "cy"

    kai["answers"]["_written_in"] = {"child_views_text": "Welsh", "child_first_language": "cy"}
    assert not validator.is_valid(data)  # the schema and formgen both want a language code
    assert any("_written_in" in problem for problem in problems_of(json.dumps(data).encode()))
    kai["answers"]["_written_in"] = {"child_first_language": "cy", "no_such_question": "cy"}
    case = parse_case(json.dumps(data).encode(), "case.json")
    problems = [str(problem) for problem in answer_problems(form, case, "case.json")]
    assert len(problems) == 2, problems
    assert (
        "children[1].answers._written_in: 'child_first_language' is not a free-text question" in problems[0]
    )
    assert "'no_such_question' is not a free-text question" in problems[1]
