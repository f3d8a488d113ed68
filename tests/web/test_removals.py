"""Removing a person, an item or a child: the confirmation says what else goes, nothing is left nameless,
and no confidential detail is silently shown to everyone (issue 6, F5)."""

from __future__ import annotations

import json

from formgen.web.extensions import db
from formgen.web.models import Case
from tests.web.conftest import submit
from tests.web.test_wizard import child_answers, household, tree

PEOPLE = "household/case/household/household_members"


def _text(response) -> str:
    return " ".join(tree(response).text_content().split())


def _clear_who_must_not_see(app, reference: str) -> None:
    """Keep the household address and the mother's contacts from her mother too, not only the father."""
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == reference))
        answers = dict(case.household)
        answers["household_address_confidential_from"] = ["p-father", "p-grandmother"]
        answers["household_members"] = [
            {**person, "contact_confidential_from": ["p-father", "p-grandmother"]}
            if person["id"] == "p-mother"
            else person
            for person in answers["household_members"]
        ]
        case.household = answers
        db.session.commit()


def test_removing_the_only_person_a_detail_is_kept_from_is_refused_until_that_is_changed(
    app, client, example_case
):
    before = household(app, example_case)
    remove = f"/cases/{example_case}/{PEOPLE}/p-father/remove"
    page = client.get(remove)
    text = _text(page)
    assert "You cannot remove Marcus Dacres yet" in text  # the household's pages give no relationship
    assert "‘What is the household's address?’" in text
    assert "‘What is their phone number?’ for Shannon Colbeck" in text
    links = tree(page).xpath("//main//li/a/@href")
    assert f"/cases/{example_case}/household/case/household_address_page" in links
    assert f"/cases/{example_case}/{PEOPLE}/p-mother" in links
    assert not tree(page).xpath("//input[@name='confirm']")  # nothing to confirm

    # Even a hand-made post removes nothing.
    response = submit(client, remove, {"confirm": "yes"})
    assert response.status_code == 200 and "You cannot remove" in _text(response)
    assert household(app, example_case) == before


def test_a_removal_lists_what_goes_with_it_and_leaves_no_nameless_entry(app, client, example_case):
    _clear_who_must_not_see(app, example_case)
    remove = f"/cases/{example_case}/{PEOPLE}/p-father/remove"
    text = _text(client.get(remove))
    assert "Are you sure you want to remove Marcus Dacres?" in text
    assert "Marcus Dacres is taken off ‘Who must not see the household address?’" in text
    assert (
        "Marcus Dacres is taken off ‘Who must not see their address and phone number?’ "
        "for Shannon Colbeck" in text
    )
    assert (
        "Marcus Dacres is removed from ‘How has each parent or carer been involved in the "
        "assessment?’, with everything recorded there" in text
    )
    assert submit(client, remove, {"confirm": "yes"}).status_code == 302
    after = household(app, example_case)
    assert "p-father" not in json.dumps(after)  # no list, choice or entry still names him
    for key in ("child-tilly", "child-kai", "child-poppy"):  # nor any child's relationship to him
        assert "p-father" not in json.dumps(child_answers(app, example_case, key))
    assert [entry["id"] for entry in after["parents_involvement"]] == ["pi-mother"]
    assert after["household_address_confidential_from"] == ["p-grandmother"]
    parents = client.get(f"/cases/{example_case}/household/parenting/parents_and_carers")
    assert [row.text_content().strip() for row in tree(parents).xpath("//dt")] == ["Shannon Colbeck"]


def test_removing_someone_no_answer_names_says_only_what_the_distribution_list_loses(
    app, client, example_case
):
    page = client.get(f"/cases/{example_case}/{PEOPLE}/p-grandmother/remove")
    assert "Are you sure you want to remove Pauline Colbeck" in _text(page)
    # No answer names her; the distribution list does (as one who must not receive a copy).
    effects = [" ".join(item.text_content().split()) for item in tree(page).xpath("//fieldset//li")]
    assert effects == ["Pauline Colbeck is taken off the distribution list"]


def test_removing_a_child_says_their_whole_assessment_goes_with_them(app, client, example_case):
    path = f"/cases/{example_case}/children/child-kai/remove"
    text = _text(client.get(path))
    assert "Are you sure you want to remove Kai Dacres?" in text
    assert "Kai Dacres’s whole assessment is deleted: every answer recorded for Kai Dacres" in text
    assert "sections started" in text
    assert "The household’s answers stay: the other children’s assessments share them" in text


def test_removing_an_action_kept_from_someone_takes_its_withholding_with_it(app, client, example_case):
    # The example keeps the police checks action from the father; the MARAC one stays kept from him.
    remove = f"/cases/{example_case}/household/plan/actions/assessment_actions/x-police-checks/remove"
    assert client.get(remove).status_code == 200
    response = submit(client, remove, {"confirm": "yes"})
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == example_case))
        items = {entry.get("item") for entry in case.withheld if entry["field"] == "assessment_actions"}
        exported = case.to_case_file()
    assert "x-police-checks" not in items and "x-marac" in items
    from formgen.engine.casefile import answer_problems
    from formgen.web.services import services

    with app.app_context():
        assert answer_problems(services().form, exported, "export") == []  # the export imports again
