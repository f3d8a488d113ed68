"""engine.withholding: which answers and items may be withheld (F5), whether a withholding fits the form
and the case, and a case's list of them as one changes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from formgen.engine.distribution import Recipient, Withholding
from formgen.engine.withholding import (
    find,
    reaches_outside,
    replaced,
    withheld_from,
    withholding_problem,
)
from tests.support import load_example

RECIPIENTS = [
    Recipient(id="r-mother", person="p-mother"),
    Recipient(id="r-police", name="Sam Example", organisation="Northbrook Police"),
]


@pytest.fixture
def case():
    return load_example("sibling-group").model_copy(update={"distribution": RECIPIENTS})


def test_only_what_a_document_leaving_the_authority_prints_can_be_withheld(form):
    assert reaches_outside(form.info("assessment_aims"))  # the plan's section prints it
    assert reaches_outside(form.info("household_members"))  # its own documents: the plan
    assert reaches_outside(form.info("child_views_text"))  # the child's version
    assert reaches_outside(form.info("plan_of_action"))  # the plan and the outcome
    assert not reaches_outside(form.info("referral_reason"))  # the record only
    assert not reaches_outside(form.info("child_visits"))
    # A question that names no audience is printed for nobody outside, whatever its documents.
    assert form.info("consent_override_reasons").field.audience is None
    assert not reaches_outside(form.info("consent_override_reasons"))


def test_every_examples_withholdings_fit_it(form, example):
    assert example.withheld or example.reference != "EX-SIB-01"
    for withholding in example.withheld:
        assert withholding_problem(form, example, withholding) is None, withholding


@pytest.mark.parametrize(
    "withholding",
    [
        Withholding(field="assessment_actions", item="x-marac", recipients=["r-police"]),
        Withholding(field="assessment_aims", recipients=["r-mother", "r-police"]),
        Withholding(field="child_views_text", child="child-kai", recipients=["r-mother"]),
        Withholding(field="household_members", item="p-grandmother", recipients=[]),
        Withholding(field="distribution", item="r-police", recipients=["r-mother"]),  # kept off her list
    ],
)
def test_a_withholding_that_fits(form, case, withholding):
    assert withholding_problem(form, case, withholding) is None


@pytest.mark.parametrize(
    ("withholding", "problem"),
    [
        (Withholding(field="nothing_of_the_sort"), "is not a question of the form"),
        (Withholding(field="assessment_actions.action_what"), "is not a question of the form"),
        (Withholding(field="referral_reason"), "printed only in the record"),
        (Withholding(field="assessment_aims", child="child-kai"), "answered for the household"),
        (Withholding(field="child_views_text"), "name the child"),
        (Withholding(field="child_views_text", child="child-nobody"), "has no child 'child-nobody'"),
        (Withholding(field="assessment_aims", item="x-marac"), "is not a list"),
        (Withholding(field="assessment_actions", item="x-nobody"), "has no item 'x-nobody'"),
        (Withholding(field="household_members", item="x-marac"), "has no item 'x-marac'"),  # another list's
        (Withholding(field="assessment_aims", recipients=["r-gone"]), "has no recipient 'r-gone'"),
        (Withholding(field="assessment_aims", recipients=["r-police", "r-police"]), "named twice"),
        (Withholding(field="consent_override_reasons"), "printed only in the record"),  # no audience
        (Withholding(field="distribution", item="r-gone"), "has no recipient 'r-gone'"),
        (Withholding(field="distribution"), "has no recipient None"),
        (Withholding(field="distribution", item="r-police", child="child-kai"), "the household's"),
        (Withholding(field="distribution", item="r-police", recipients=["r-police"]), "always names them"),
        (Withholding(field="distribution", item="r-police", recipients=["r-gone"]), "no recipient 'r-gone'"),
    ],
)
def test_a_withholding_that_does_not_fit_says_why(form, case, withholding, problem):
    assert problem in withholding_problem(form, case, withholding)


def test_a_question_an_overlay_hides_cannot_be_withheld(form, case, monkeypatch):
    info = form.info("assessment_aims")
    hidden = replace(info, field=info.field.model_copy(update={"hidden": True}))
    monkeypatch.setitem(form.fields, "assessment_aims", hidden)
    assert "not a question" in withholding_problem(form, case, Withholding(field="assessment_aims"))


def test_the_recipients_withheld_from_are_those_still_on_the_list_in_its_order():
    entry = Withholding(field="assessment_aims", recipients=["r-gone", "r-police", "r-mother"])
    assert [recipient.id for recipient in withheld_from(RECIPIENTS, entry)] == ["r-mother", "r-police"]
    assert withheld_from(RECIPIENTS, None) == []


def test_a_withholding_replaces_its_own_place_and_goes_when_it_names_nobody():
    aims = Withholding(field="assessment_aims", recipients=["r-police"])
    action = Withholding(field="assessment_actions", item="x-marac", recipients=["r-mother"])
    kai = Withholding(field="child_views_text", child="child-kai", recipients=["r-mother"])
    withheld = [aims, action]
    assert find(withheld, "assessment_actions", None, "x-marac") == action
    assert find(withheld, "assessment_actions", None, "x-dad") is None
    assert find(withheld, "child_views_text", "child-kai", None) is None

    changed = action.model_copy(update={"recipients": ["r-mother", "r-police"]})
    assert replaced(withheld, changed) == [aims, changed]  # in its place
    assert replaced(withheld, kai) == [aims, action, kai]  # new: last
    assert replaced(withheld, action.model_copy(update={"recipients": []})) == [aims]  # nobody: gone
    assert replaced(withheld, Withholding(field="assessment_aims", child=None)) == [action]
    # The same question of another child, or another item of the list, is a place of its own.
    tilly = kai.model_copy(update={"child": "child-tilly"})
    assert replaced([kai], tilly) == [kai, tilly]
    assert replaced([], Withholding(field="assessment_aims")) == []
