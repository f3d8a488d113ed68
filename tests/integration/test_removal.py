"""engine.removal: what removing an item of a list takes with it, across the household and each child."""

from __future__ import annotations

import shutil

from formgen.engine.removal import HOUSEHOLD, plan_removal
from formgen.spec import load_spec
from tests.support import SPEC_DIR, load_example

# An authority that asks, for each child, who their main carer is: a child's answer naming someone of
# the household, which a removal from the household's list must reach too.
MAIN_CARER = """\
authority:
  name: Eastwick Test Council
changes:
  - add_field:
      after: child_name
      field: {id: main_carer, type: single_choice, label: Main carer, choices_from: household_members}
  - add_field:
      after: child_name
      field: {id: carers, type: multiple_choice, label: Carers, choices_from: household_members}
"""


def _form(tmp_path):
    target = tmp_path / "form_specs"
    shutil.copytree(SPEC_DIR, target)
    (target / "authorities" / "test.yaml").write_text(MAIN_CARER, encoding="utf-8")
    return load_spec(target, "test")


def test_a_household_removal_reaches_every_childs_answers(tmp_path):
    form = _form(tmp_path)
    case = load_example("sibling-group")
    children = {child.id: dict(child.answers) for child in case.children}
    children["child-tilly"].update(main_carer="p-grandmother", carers=["p-grandmother", "p-mother"])
    children["child-kai"].update(main_carer="p-mother", carers=["p-mother"])
    plan = plan_removal(form, case.household, children, "household_members", "p-grandmother")
    assert plan.allowed
    assert "main_carer" not in plan.records["child-tilly"]
    assert plan.records["child-tilly"]["carers"] == ["p-mother"]
    # Of Kai's answers only his relationship to her named her: it goes with her, and nothing else does.
    kai = children["child-kai"]
    assert plan.records["child-kai"] == {
        **kai,
        "household_members": [e for e in kai["household_members"] if e["id"] != "p-grandmother"],
    }
    assert [m["id"] for m in plan.records[HOUSEHOLD]["household_members"]] == [
        "p-mother",
        "p-father",
        "p-friend",
    ]
    named = {(c.child, c.field.key, c.removes_entry) for c in plan.consequences}
    assert named == {("child-tilly", "main_carer", False), ("child-tilly", "carers", False)}


def test_a_childs_answers_about_a_person_go_with_them_and_the_list_goes_when_it_is_empty(form):
    household = {"household_members": [{"id": "p1", "name": "Sam"}, {"id": "p2", "name": "Pat"}]}
    children = {
        "child-a": {"child_name": "Ada", "household_members": [{"id": "p1", "relationship": "father"}]},
        "child-b": {"household_members": [{"id": "p1"}, {"id": "p2", "relationship": "carer"}]},
    }
    plan = plan_removal(form, household, children, "household_members", "p1")
    assert plan.records["child-a"] == {"child_name": "Ada"}
    assert plan.records["child-b"] == {"household_members": [{"id": "p2", "relationship": "carer"}]}
    assert plan.consequences == []  # the person's own answers, not other answers naming them


def test_an_entry_named_by_the_removed_item_goes_and_a_detail_left_unprotected_is_refused(form):
    case = load_example("sibling-group")
    plan = plan_removal(form, case.household, {}, "household_members", "p-father")
    assert not plan.allowed
    assert {(exposure.detail.key, (exposure.entry or {}).get("id")) for exposure in plan.exposures} == {
        ("household_address", None),
        ("household_members.phone", "p-mother"),
    }
    entries = [c for c in plan.consequences if c.field.key == "parents_involvement.person"]
    assert [(c.entry["id"], c.removes_entry) for c in entries] == [("pi-father", True)]


def test_a_detail_with_no_value_is_not_an_exposure(form):
    case = load_example("sibling-group")
    household = dict(case.household)
    household["household_members"] = [
        {key: value for key, value in person.items() if key not in {"phone", "address"}}
        for person in household["household_members"]
    ]
    household.pop("household_address_confidential_from")
    plan = plan_removal(form, household, {}, "household_members", "p-father")
    assert plan.allowed


def test_a_household_question_cannot_offer_the_items_of_a_childs_list(tmp_path):
    import pytest

    from formgen.spec import SpecError

    target = tmp_path / "form_specs"
    shutil.copytree(SPEC_DIR, target)
    changes = MAIN_CARER.split("changes:")[0] + (
        "changes:\n  - add_field:\n      after: referral_reason\n"
        "      field: {id: visit_named, type: single_choice, label: Visit, choices_from: child_visits}\n"
    )
    (target / "authorities" / "test.yaml").write_text(changes, encoding="utf-8")
    with pytest.raises(SpecError, match="a household question cannot offer it"):
        load_spec(target, "test")
