"""A person's relationship to each child and parental responsibility for each (B1): the person's page
asks them once per child, by name, and saves each child's in that child's answers, with the household's,
in one commit that keeps a revision of every record it changes."""

from __future__ import annotations

from formgen.fieldtypes import missing_message
from formgen.web.extensions import db
from formgen.web.models import Case, Revision
from formgen.web.pages import asked_for_child, for_child
from tests.web.conftest import post_as_a_browser, submit
from tests.web.test_wizard import child_answers, household, summary_links, tree

FATHER = "/cases/{}/household/case/household/household_members/p-father"
CHILDREN = {"child-tilly": "Tilly Dacres", "child-kai": "Kai Dacres", "child-poppy": "Poppy Dacres"}


def relationships(app, reference: str) -> dict[str, dict]:
    """Each child's answers about the father, by child key."""
    return {
        key: next(e for e in child_answers(app, reference, key)["household_members"] if e["id"] == "p-father")
        for key in CHILDREN
    }


def revisions(app, reference: str) -> list[tuple[str | None, str]]:
    """Each revision as (the child's key or None for the household's, kind), oldest first."""
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == reference))
        keys = {child.id: child.key for child in case.children}
        kept = db.session.scalars(
            db.select(Revision).where(Revision.case_id == case.id).order_by(Revision.id)
        )
        return [(keys.get(revision.child_id), revision.kind) for revision in kept]


def checked(page, name: str) -> list[str]:
    return page.xpath(f"//input[@name='{name}' and @checked]/@value")


def test_the_persons_page_asks_each_childs_relationship_and_responsibility_by_the_childs_name(
    client, example_case
):
    page = tree(client.get(FATHER.format(example_case)))
    legends = [" ".join(legend.text_content().split()) for legend in page.xpath("//legend")]
    for name in CHILDREN.values():
        assert f"What is their relationship to {name}?" in legends
        assert f"Do they have parental responsibility for {name}?" in legends
    assert [h.text_content() for h in page.xpath("//div[@class='app-child-questions']/h2")] == list(
        CHILDREN.values()
    )
    # Each child's answers as saved: Marcus Dacres is Tilly's stepfather and Kai's and Poppy's father.
    assert checked(page, "for-child-tilly-relationship") == ["step_parent"]
    assert checked(page, "for-child-kai-relationship") == ["father"]
    assert checked(page, "for-child-tilly-parental_responsibility") == ["no"]
    assert checked(page, "for-child-poppy-parental_responsibility") == ["yes"]
    # They are asked after the name, before the rest of the person's details.
    order = [element.get("name") for element in page.xpath("//form[@id='page-form']//input[@name]")]
    assert order.index("name") < order.index("for-child-tilly-relationship") < order.index("phone")
    hidden = {e.get("name") for e in page.xpath("//input[@type='hidden']")}
    assert {f"version-{key}" for key in CHILDREN} <= hidden
    # A child's own page reaches the same questions, for every child.
    own = tree(client.get(FATHER.format(example_case).replace("household", "children/child-kai", 1)))
    assert checked(own, "for-child-tilly-relationship") == ["step_parent"]


def test_continue_saves_each_childs_answers_in_their_record_and_the_households_in_its_own(
    app, client, example_case
):
    path = FATHER.format(example_case)
    before = revisions(app, example_case)
    response = post_as_a_browser(
        client,
        path,
        {
            "phone": "07700 900999",
            "for-child-tilly-parental_responsibility": "yes",  # a parental responsibility order since
            "for-child-poppy-relationship": "other",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    father = next(p for p in household(app, example_case)["household_members"] if p["id"] == "p-father")
    assert father["phone"] == "07700 900999"
    assert "relationship" not in father and "parental_responsibility" not in father
    assert relationships(app, example_case) == {
        "child-tilly": {"id": "p-father", "relationship": "step_parent", "parental_responsibility": True},
        "child-kai": {"id": "p-father", "relationship": "father", "parental_responsibility": True},
        "child-poppy": {"id": "p-father", "relationship": "other", "parental_responsibility": True},
    }
    # One revision for each record the save changed: the household's, Tilly's and Poppy's, not Kai's.
    assert revisions(app, example_case)[len(before) :] == [
        (None, "saved"),
        ("child-tilly", "saved"),
        ("child-poppy", "saved"),
    ]
    # Tilly's history says what changed for her, in words.
    history = " ".join(
        tree(client.get(f"/cases/{example_case}/children/child-tilly/history")).text_content().split()
    )
    assert "Marcus Dacres (Step-parent or parent's partner): Parental responsibility No Yes" in history


def test_a_missing_answer_names_the_question_and_the_child_and_keeps_what_was_typed(
    app, client, example_case
):
    path = FATHER.format(example_case)
    before = relationships(app, example_case)
    response = post_as_a_browser(
        client,
        path,
        {
            "name": "Marcus Renamed",
            "for-child-tilly-relationship": "carer",
            "for-child-kai-relationship": "",
            "for-child-poppy-parental_responsibility": "",
        },
    )
    assert response.status_code == 400
    assert summary_links(response) == [
        ("Select their relationship to Kai Dacres", "#for-child-kai-relationship"),
        (
            "Select yes if they have parental responsibility for Poppy Dacres",
            "#for-child-poppy-parental_responsibility",
        ),
    ]
    page = tree(response)
    assert checked(page, "for-child-tilly-relationship") == ["carer"]  # as typed, not as saved
    assert page.xpath("//input[@name='name']/@value") == ["Marcus Renamed"]
    message = page.xpath("//p[@id='for-child-kai-relationship-error']")[0].text_content()
    assert "Select their relationship to Kai Dacres" in message
    assert relationships(app, example_case) == before  # nothing saved
    assert "Marcus Renamed" not in str(household(app, example_case))


def test_a_save_of_a_childs_answers_since_the_page_opened_refuses_the_save_and_says_what_it_changed(
    app, client, example_case
):
    path = FATHER.format(example_case)
    opened = client.get(path).get_data(as_text=True)
    elsewhere = post_as_a_browser(client, path, {"for-child-kai-relationship": "carer"})
    assert elsewhere.status_code == 302
    response = post_as_a_browser(client, path, {"for-child-kai-relationship": "other_relative"}, page=opened)
    assert response.status_code == 409
    words = " ".join(tree(response).text_content().split())
    assert "You saved this page in another window after opening it here." in words
    assert "Relationship (for Kai Dacres) Carer Other relative" in words
    assert relationships(app, example_case)["child-kai"]["relationship"] == "carer"
    # The page shows the versions read now: Continue then saves deliberately.
    again = post_as_a_browser(client, path, {}, page=response.get_data(as_text=True))
    assert again.status_code == 302
    assert relationships(app, example_case)["child-kai"]["relationship"] == "other_relative"


def test_a_child_added_later_has_every_relationship_still_to_answer(app, client, example_case):
    response = submit(
        client,
        f"/cases/{example_case}/children/new",
        {
            "child_name": "Rory Dacres",
            "unborn": "no",
            "child_date_of_birth-day": "1",
            "child_date_of_birth-month": "2",
            "child_date_of_birth-year": "2024",
            "assessment_start_date-day": "7",
            "assessment_start_date-month": "10",
            "assessment_start_date-year": "2025",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == example_case))
        key = case.children[-1].key
    assert "household_members" not in child_answers(app, example_case, key)
    page = tree(client.get(FATHER.format(example_case)))
    assert checked(page, f"for-{key}-relationship") == []
    assert checked(page, "for-child-kai-relationship") == ["father"]
    tasks = " ".join(tree(client.get(f"/cases/{example_case}/children/{key}")).text_content().split())
    assert "Record the referral and household Shared by the children of this household In progress" in tasks
    # The case page says the household's task is not finished while a child's relationships are missing.
    case_page = " ".join(tree(client.get(f"/cases/{example_case}")).text_content().split())
    assert "Record the referral and household In progress" in case_page


def test_a_childs_own_list_is_still_saved_in_that_childs_answers_alone(app, client, example_case):
    page = f"/cases/{example_case}/children/child-kai/child_views/seeing_the_child/child_visits/new"
    before = household(app, example_case)
    visit = {
        "visit_date-day": "20",
        "visit_date-month": "10",
        "visit_date-year": "2025",
        "visit_place": "At school, in the library",
        "seen_alone": "yes",
    }
    assert post_as_a_browser(client, page, visit).status_code == 302
    visits = child_answers(app, example_case, "child-kai")["child_visits"]
    assert visits[-1]["visit_place"] == "At school, in the library"
    assert household(app, example_case) == before
    assert "At school, in the library" not in str(child_answers(app, example_case, "child-tilly"))


def test_a_question_asked_for_each_child_is_worded_for_the_child_it_asks_about(form):
    relationship = form.info("relationship", "household_members")
    asked = asked_for_child(relationship, "Ava Example")
    assert asked.field.label == "What is their relationship to Ava Example?"
    assert missing_message(asked.field) == "Select their relationship to Ava Example"
    assert asked.key == relationship.key and asked.show_if is relationship.show_if
    assert relationship.field.label == "What is their relationship to the child?"  # the form's is kept
    # Words that do not say "the child" still say which child they are about.
    assert for_child("Relationship?", "Ava Example", label=True) == "Ava Example: Relationship?"
    assert for_child("Select a relationship", "Ava Example") == "Select a relationship for Ava Example"
