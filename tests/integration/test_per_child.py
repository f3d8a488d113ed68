"""A household list's per_child questions (a person's relationship to each child, B1): kept in each
child's answers, read by that child's assessment, checked there, and refused where they do not belong."""

from __future__ import annotations

from formgen.check import check_example
from formgen.engine import Assessment, CaseFile
from formgen.engine.casefile import answer_problems
from formgen.engine.changes import changes
from tests.support import EXAMPLES_DIR, TODAY, load_example

HOUSEHOLD = {
    "household_members": [
        {"id": "p-sam", "name": "Sam Example", "interpreter_needed": False},
        {"id": "p-pat", "name": "Pat Example", "interpreter_needed": False},
    ]
}
ADA = {
    "child_name": "Ada Example",
    "household_members": [
        {"id": "p-sam", "relationship": "father", "parental_responsibility": True},
        {"id": "p-pat", "relationship": "other_relative", "parental_responsibility": False},
    ],
}
BEN = {
    "child_name": "Ben Example",
    "household_members": [{"id": "p-sam", "relationship": "step_parent", "parental_responsibility": False}],
}


def labels(assessment: Assessment) -> list[str]:
    people = assessment.form.info("household_members")
    return [assessment.item_label(people, item) for item in assessment.items("household_members")]


def people_errors(assessment: Assessment) -> dict[str, str]:
    section = assessment.form.section("case")
    return {e.key: e.message for e in assessment.errors(section) if e.group == "household_members"}


def test_each_childs_assessment_reads_the_households_people_with_its_own_relationships(form):
    ada = Assessment(form, HOUSEHOLD, ADA, today=TODAY)
    ben = Assessment(form, HOUSEHOLD, BEN, today=TODAY)
    assert labels(ada) == ["Sam Example (Father)", "Pat Example (Other relative)"]
    assert labels(ben) == ["Sam Example (Step-parent or parent's partner)", "Pat Example"]
    relationship = form.info("relationship", "household_members")
    sam = ben.items("household_members")[0]
    assert sam["name"] == "Sam Example" and ben.item_value(relationship, sam, 0) == "step_parent"
    assert (
        Assessment(form, HOUSEHOLD, None, today=TODAY).items("household_members")
        == HOUSEHOLD["household_members"]
    )


def test_a_relationship_left_on_the_households_item_speaks_for_no_child(form):
    household = {"household_members": [{"id": "p-sam", "name": "Sam Example", "relationship": "mother"}]}
    ada = Assessment(form, household, {"child_name": "Ada Example"}, today=TODAY)
    assert labels(ada) == ["Sam Example"]


def test_a_missing_relationship_is_an_error_of_that_childs_assessment_on_the_households_person(form):
    ben = Assessment(form, HOUSEHOLD, BEN, today=TODAY)
    assert people_errors(ben) == {
        "household_members[1].relationship": "Select their relationship to the child",
        "household_members[1].parental_responsibility": (
            "Select yes if they have parental responsibility for the child"
        ),
    }
    assert people_errors(Assessment(form, HOUSEHOLD, ADA, today=TODAY)) == {}
    # The household alone asks no child's questions: it is not missing them.
    household = Assessment(form, HOUSEHOLD, None, today=TODAY)
    assert people_errors(household) == {}
    assert not household.is_visible(form.info("relationship", "household_members"), {"id": "p-sam"}, 0)
    case = form.section("case")
    assert [error.section for error in ben.errors(case) if error.group] == [case.id, case.id]


def test_a_childs_changes_name_its_relationships_and_the_households_leave_them_out(form):
    before = Assessment(form, HOUSEHOLD, BEN, today=TODAY)
    ben = {**BEN, "household_members": [*BEN["household_members"], {"id": "p-pat", "relationship": "carer"}]}
    after = Assessment(form, HOUSEHOLD, ben, today=TODAY)
    found = [(c.question, c.before, c.after) for c in changes(before, after, "child")]
    assert found == [
        (
            "Who are the parents, carers and other family members?: Pat Example (Carer): Relationship",
            "",
            "Carer",
        )
    ]
    assert changes(before, after, "household") == []
    sam, pat = HOUSEHOLD["household_members"]
    renamed = Assessment(form, {"household_members": [{**sam, "name": "Sam Renamed"}, pat]}, ben, today=TODAY)
    assert [
        (c.question.rpartition(": ")[2], c.before, c.after) for c in changes(before, renamed, "household")
    ] == [("Name", "Sam Example", "Sam Renamed")]


def case_file(household: dict, *children: dict) -> CaseFile:
    return CaseFile.model_validate(
        {
            "reference": "EX-1",
            "household": household,
            "children": [{"id": f"child-{i}", "answers": answers} for i, answers in enumerate(children)],
        }
    )


def test_a_case_file_keeps_relationships_in_each_childs_answers_and_refuses_them_elsewhere(form):
    assert answer_problems(form, case_file(HOUSEHOLD, ADA, BEN), "case.json") == []
    sam, pat = HOUSEHOLD["household_members"]
    on_household = {"household_members": [{**sam, "relationship": "father"}, pat]}
    wrong = {
        "child_name": "Cal Example",
        "household_members": [
            {"id": "p-sam", "parental_responsibility": "yes"},  # not a yes/no answer
            {"id": "p-nobody", "relationship": "father"},  # not one of the household's people
            {"id": "p-pat", "name": "Pat Renamed"},  # a household answer, not a child's
            {"id": "p-pat", "parental_responsibility": True},  # the same person twice
            {"relationship": "mother"},
        ],
    }
    found = [
        (problem.place, problem.message)
        for problem in answer_problems(form, case_file(on_household, wrong), "case.json")
    ]
    assert found == [
        (
            "household.household_members[0].relationship",
            "'relationship' is answered for each child: it belongs in each child's answers",
        ),
        (
            "children[0].answers.household_members[0].parental_responsibility",
            "Select yes if they have parental responsibility for the child (found 'yes')",
        ),
        (
            "children[0].answers.household_members[1]",
            "'p-nobody' is not an item of the household's household_members",
        ),
        (
            "children[0].answers.household_members[2].name",
            "'name' is answered once for the household, not for each child",
        ),
        ("children[0].answers.household_members[3]", "each entry needs the text `id` of an item, once"),
        ("children[0].answers.household_members[4]", "each entry needs the text `id` of an item, once"),
    ]


def test_a_household_list_without_per_child_questions_is_still_not_a_childs_answer(form):
    wrong = {"previous_addresses": [{"id": "a1", "previous_address": "1 Lane"}]}
    [problem] = answer_problems(form, case_file({}, wrong), "case.json")
    assert problem.message == "'previous_addresses' is not a question of a child section"


def test_an_example_missing_a_childs_relationships_is_incomplete(form, tmp_path):
    case = load_example("sibling-group")
    kai = case.child("child-kai")
    kai.answers = {key: value for key, value in kai.answers.items() if key != "household_members"}
    path = tmp_path / "sibling-group.json"
    path.write_text(case.to_json(), encoding="utf-8")
    _, problems = check_example(form, path, today=TODAY)
    places = {problem.place for problem in problems}
    assert "children[1] (child-kai).household_members[0].relationship" in places
    assert not any("child-tilly" in place for place in places)
    _, shipped = check_example(form, EXAMPLES_DIR / "sibling-group.json", today=TODAY)
    assert shipped == []
