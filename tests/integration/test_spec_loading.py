"""The shipped form loads and serves every requirement; a broken spec is reported by file, line and place."""

import csv
import re
import shutil
from pathlib import Path

import pytest
import yaml

from formgen.settings import PROJECT_ROOT
from formgen.spec import SpecError, available_authorities, load_spec
from tests.support import SPEC_DIR

REQUIREMENTS = PROJECT_ROOT / "docs" / "REQUIREMENTS.md"


def requirement_ids(sections: str) -> set[str]:
    """The ids of the catalogue's tables whose section letter is in `sections`."""
    ids = re.findall(r"^\| ([A-K][0-9]+) \|", REQUIREMENTS.read_text(encoding="utf-8"), re.MULTILINE)
    return {requirement for requirement in ids if requirement[0] in sections}


def served(form) -> set[str]:
    ids = {requirement for info in form.fields.values() for requirement in info.field.req}
    ids |= {requirement for section in form.sections for requirement in section.req}
    return ids | {requirement for rule in form.rules for requirement in rule.rule.req}


@pytest.mark.parametrize("authority", [None, "general", "kent-medway"])
def test_every_requirement_b_to_j_is_served_by_a_field(authority):
    expected = requirement_ids("BCDEFGHIJ")
    assert len(expected) == 44  # the catalogue itself: a parsing slip must not pass as "all served"
    form = load_spec(SPEC_DIR, authority)
    assert expected - served(form) == set()


def test_both_procedure_editions_ship_an_overlay():
    assert available_authorities(SPEC_DIR) == ["general", "kent-medway"]


def test_sections_mirror_the_record_with_household_and_child_scopes(form):
    scopes = {section.id: section.scope for section in form.sections}
    assert scopes == {
        "case": "household",
        "child": "child",
        "plan": "household",
        "child_views": "child",
        "parenting": "household",
        "family": "household",
        "harm": "child",
        "analysis": "child",
        "outcome": "child",
        "review": "child",
    }


def test_i6_the_census_factor_codes_are_the_outcomes_choice_list(form):
    codes = [choice.value for choice in form.info("census_factors").field.choices]
    with (SPEC_DIR / "choice_lists" / "cin-census-assessment-factors.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert codes == [row["code"] for row in rows]
    assert len(codes) == 42 and "21" in codes and "24A" in codes
    assert form.info("census_factors").field.exclusive == ["21"]


def test_every_required_field_has_a_govuk_message(form):
    from formgen.fieldtypes import missing_message

    for info in form.fields.values():
        if info.field.required or info.field.required_if:
            message = missing_message(info.field)
            assert message.split()[0] in {"Enter", "Select", "Add"}, (info.key, message)


# --- broken specs --------------------------------------------------------------------------------


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    target = tmp_path / "form_specs"
    shutil.copytree(SPEC_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(spec_dir: Path, authority="general") -> list[str]:
    with pytest.raises(SpecError) as raised:
        load_spec(spec_dir, authority)
    return [str(problem) for problem in raised.value.problems]


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_an_unknown_field_in_a_condition_names_file_line_field_and_text(specs):
    path = specs / "sections" / "child_views.yaml"
    edit(path, 'show_if: "child_seen = no"', 'show_if: "child_sen = no"')
    [problem] = problems(specs)
    line = line_of(path, "child_sen = no")
    assert problem.startswith(f"sections/child_views.yaml:{line}: pages[0].fields[")
    assert "unknown field id 'child_sen' at column 1 in condition: child_sen = no" in problem


def test_a_condition_syntax_error_is_located(specs):
    path = specs / "sections" / "child_views.yaml"
    edit(path, 'show_if: "child_seen = no"', 'show_if: "child_seen = = no"')
    [problem] = problems(specs)
    assert problem.startswith(f"sections/child_views.yaml:{line_of(path, 'child_seen = = no')}:")
    assert "expected a value but found '='" in problem


def test_a_wrong_choice_value_in_a_condition_lists_the_choices(specs):
    path = specs / "sections" / "harm.yaml"
    text = path.read_text()
    path.write_text(text.replace("'trafficking' in harm_forms", "'traficking' in harm_forms", 1))
    [problem] = problems(specs)
    assert "'traficking' is not one of the choices (" in problem and "trafficking" in problem


def test_a_household_section_cannot_depend_on_a_childs_answer(specs):
    path = specs / "sections" / "family.yaml"
    edit(path, 'show_if: "family_abroad = yes"', 'show_if: "child_seen = yes"')
    [problem] = problems(specs)
    assert "'child_seen' is answered for each child: a household section cannot use it" in problem


def test_a_yaml_syntax_error_gives_the_line(specs):
    path = specs / "sections" / "plan.yaml"
    path.write_text(path.read_text() + "\n  - id: [unclosed\n")
    last_line = len(path.read_text().splitlines())
    problem = problems(specs)[0]
    assert problem.startswith(f"sections/plan.yaml:{last_line}: not valid YAML: expected ',' or ']'")


def test_a_bad_field_type_names_the_place_and_the_allowed_types(specs):
    path = specs / "sections" / "family.yaml"
    edit(path, "type: yes_no", "type: yesno")
    [problem] = problems(specs)
    assert re.match(
        r"sections/family\.yaml:\d+: pages\[\d+\]\.fields\[\d+\]\.type: Input should be 'text'", problem
    )


def test_a_duplicate_field_id_points_at_both_places(specs):
    path = specs / "sections" / "family.yaml"
    edit(path, "id: housing", "id: family_history")
    [problem] = problems(specs)
    assert "field id 'family_history' is already used (sections/family.yaml pages." in problem


def test_a_required_field_without_a_message_is_refused(specs):
    path = specs / "sections" / "analysis.yaml"
    data = yaml.safe_load(path.read_text())
    field = data["pages"][0]["fields"][0]
    field.pop("name", None)
    field.pop("error", None)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    [problem] = problems(specs)
    assert "a required field needs `name` (or `error`)" in problem


def test_a_show_if_circle_is_refused(specs):
    path = specs / "sections" / "family.yaml"
    edit(path, 'show_if: "family_abroad = yes"', 'show_if: "answered(enquiry_route)"')
    edit(path, 'show_if: "family_abroad = yes"', 'show_if: "answered(family_abroad_country)"')
    found = problems(specs)
    assert any("show_if goes round in a circle" in problem for problem in found)


def test_several_problems_are_reported_together(specs):
    edit(specs / "sections" / "family.yaml", "type: yes_no", "type: yesno")
    edit(specs / "sections" / "harm.yaml", "type: yes_no", "type: boolean")
    found = problems(specs)
    assert {"sections/family.yaml", "sections/harm.yaml"} <= {problem.split(":")[0] for problem in found}


def test_a_missing_essential_field_is_named(specs):
    edit(specs / "sections" / "outcome.yaml", "id: completion_date", "id: completed_on")
    found = problems(specs)
    assert any("the form needs a field 'completion_date'" in problem for problem in found)


# --- per_child: a household list's question asked for each child ---------------------------------


def test_per_child_is_refused_outside_a_household_lists_item_with_file_line_and_place(specs):
    case = specs / "sections" / "case.yaml"
    edit(
        case,
        "        name: who made the referral\n",
        "        name: who made the referral\n        per_child: true\n",
    )
    views = specs / "sections" / "child_views.yaml"
    edit(
        views,
        "            label: Where was the child seen?\n",
        "            label: Where was the child seen?\n            per_child: true\n",
    )
    found = problems(specs)
    assert len(found) == 2
    question, visit = sorted(found)
    line = line_of(case, "who made the referral") + 1
    assert question.startswith(f"sections/case.yaml:{line}: pages[0].fields[1].per_child: ")
    assert "per_child applies to a field of a list's item" in question
    assert visit.startswith(f"sections/child_views.yaml:{line_of(views, 'Where was the child seen?') + 1}: ")
    assert visit.endswith(
        ".per_child: per_child applies to a household list's item: a child's own list is already theirs"
    )


def test_a_question_answered_once_for_the_household_cannot_depend_on_one_asked_per_child(specs):
    path = specs / "sections" / "case.yaml"
    edit(path, 'show_if: "interpreter_needed = yes"', "show_if: \"relationship = 'father'\"")
    [problem] = problems(specs)
    assert problem.startswith(f"sections/case.yaml:{line_of(path, 'relationship = ')}: ")
    assert "'relationship' is answered for each child (per_child): a question answered once" in problem


def test_a_managers_decision_cannot_be_asked_per_child(specs):
    path = specs / "sections" / "case.yaml"
    edit(
        path,
        "            answered_by: record_manager_decision\n",
        "            answered_by: record_manager_decision\n            per_child: true\n",
    )
    [problem] = problems(specs)
    assert "per_child cannot be a decision reserved to a manager" in problem


def test_the_shipped_form_asks_each_persons_relationship_and_parental_responsibility_per_child(form):
    assert form.per_child == {"household_members": ("relationship", "parental_responsibility")}
