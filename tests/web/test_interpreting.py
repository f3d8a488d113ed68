"""The interpreter's translations page (K4): whoever circulates the family's copies types what an
interpreter said each answer means in the family's language; the family's copies print it beside the
practitioner's words, and the page says when an answer has changed since it was translated."""

from __future__ import annotations

import pytest

from formgen.engine.distribution import Interpretation, Method, Sending
from formgen.engine.review import Person
from formgen.web.extensions import db
from formgen.web.models import Case, now
from tests.integration.test_documents import all_text_with_headers
from tests.support import draft, load_example
from tests.web.conftest import post_as_a_browser, sign_in
from tests.web.test_circulation import CASE, PAGE, SUPPORT, logged, people, revision_of, row, text
from tests.web.test_held import time_out
from tests.web.test_wizard import tree

POLISH = f"{CASE}/interpreter/pl"
AIMS = "t-assessment_aims-household"  # translated in the example, by Ewa Nowicka
MEETING = "t-planning_meeting_attendees-household"
KAI = "t-child_in_need_reasoning-child-kai"
TRANSLATION = "Joanne Ferris (pracownik socjalny), Shannon Colbeck i Pauline Colbeck."


@pytest.fixture
def team(app):
    """The sibling group as a draft, its mother's aims translated into Polish by Ewa Nowicka."""
    return people(app, draft(load_example("sibling-group")))


def saved(app) -> list[Interpretation]:
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        return case.to_case_file().interpretations


def box(response, name: str):
    (found,) = tree(response).xpath(f"//textarea[@name='{name}']")
    return found


def post(client, changes: dict[str, str], page: str | None = None):
    """The page sent as a browser sends it, with `changes` typed into it."""
    return post_as_a_browser(client, POLISH, changes, page)


def test_the_circulation_page_leads_to_each_family_language_and_the_page_shows_the_words(app, team):
    support = team[SUPPORT]
    links = tree(support.get(PAGE)).xpath("//a[starts-with(@href, '/cases/EX-SIB-01/interpreter/')]")
    assert [(link.get("href"), link.text_content()) for link in links] == [
        (POLISH, "Enter an interpreter’s translations into Polish")  # only the family friend reads another
    ]
    page = support.get(POLISH)
    assert page.status_code == 200
    aims = box(page, AIMS)
    assert (aims.get("lang"), aims.get("dir")) == ("pl", "ltr")
    assert aims.text_content().strip().startswith("Zrozumieć, jak wyglądało życie Tilly")
    assert box(page, MEETING).text_content().strip() == ""
    assert (
        " ".join(tree(page).xpath(f"//*[@id='{AIMS}-hint']")[0].text_content().split())
        == "Translated by Ewa Nowicka."
    )
    (written,) = tree(page).xpath(f"//*[@id='{MEETING}-answer']/p[@lang='en']")  # the practitioner's words
    assert written.text_content().startswith("Joanne Ferris (social worker), Shannon Colbeck")
    # The household's answers, then each child's own, under whose they are.
    assert [h.text_content() for h in tree(page).xpath("//main//h2")] == [
        "The household",
        "Tilly Dacres",
        "Kai Dacres",
        "Poppy Dacres",
    ]
    assert box(page, KAI) is not None
    assert logged(app, "viewed")[-1][0] == f"Interpreter’s translations: into Polish ({POLISH})"
    # A language nobody on the list reads, English included, has no page.
    for code in ("ar", "en", "xx"):
        assert support.get(f"{CASE}/interpreter/{code}").status_code == 404


def test_a_translation_entered_prints_in_the_polish_copy_under_the_interpreters_name(app, team):
    support = team[SUPPORT]
    response = post(support, {MEETING: f"  {TRANSLATION}\x07 ", "interpreter": "Tomasz Zieliński"})
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    entry = next(entry for entry in saved(app) if entry.field == "planning_meeting_attendees")
    assert (entry.text, entry.interpreter, entry.by.name, entry.child) == (
        TRANSLATION,
        "Tomasz Zieliński",
        "Bea Support",
        None,
    )
    assert entry.original.startswith("Joanne Ferris (social worker)")
    assert any(entry.field == "assessment_aims" for entry in saved(app))  # the others are kept
    assert logged(app, "interpreted") == [
        (
            f"Interpreter’s translations: into Polish, 1 answer ({POLISH})",
            ["Tilly Dacres", "Kai Dacres", "Poppy Dacres"],
        )
    ]
    assert "Saved. The interpreter’s translations print" in text(support.get(PAGE))
    polish = all_text_with_headers(support.get(f"{PAGE}/child-kai/plan/family-friend").data)
    assert TRANSLATION in polish and "Tomasz Zieliński" in polish
    english = all_text_with_headers(support.get(f"{PAGE}/child-kai/plan/mother").data)
    assert TRANSLATION not in english

    # An emptied box takes the translation out; no interpreter's name is needed for that.
    assert post(support, {MEETING: "", AIMS: ""}).status_code == 302
    assert saved(app) == []
    assert logged(app, "interpreted")[-1][0].startswith("Interpreter’s translations: into Polish, 2 answers")


def test_a_translation_without_the_interpreters_name_is_refused_and_kept_in_its_box(app, team):
    support = team[SUPPORT]
    response = post(support, {MEETING: TRANSLATION, KAI: "x" * 20_001, "interpreter": " "})
    assert response.status_code == 400
    page = tree(response)
    summary = [link.get("href") for link in page.xpath("//div[contains(@class, 'govuk-error-summary')]//a")]
    assert summary == ["#interpreter", f"#{KAI}"]
    assert "Enter the name of the interpreter who translated it" in text(response)
    assert box(response, MEETING).text_content().strip() == TRANSLATION  # what was typed, not lost
    assert len(box(response, KAI).text_content().strip()) == 20_001
    assert [entry.field for entry in saved(app)] == ["assessment_aims"]  # nothing saved
    assert logged(app, "interpreted") == []


def test_a_changed_answer_shows_its_earlier_translation_is_no_longer_printed(app, team):
    support = team[SUPPORT]
    with app.app_context():  # the practitioner rewrites the aims the interpreter translated
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        case.household = {**case.household, "assessment_aims": "To keep the children <b>safe</b> at home."}
        db.session.commit()
    page = support.get(POLISH)
    (warning,) = tree(page).xpath(f"//*[@id='{AIMS}-stale']")
    said = " ".join(warning.text_content().split())
    assert "This answer has changed since Ewa Nowicka translated it" in said
    assert "Zrozumieć, jak wyglądało życie Tilly" in said
    assert box(page, AIMS).text_content().strip() == ""  # to be translated again
    (written,) = tree(page).xpath(f"//*[@id='{AIMS}-answer']/p")
    assert written.text_content() == "To keep the children <b>safe</b> at home." and not written.xpath(".//b")
    polish = all_text_with_headers(support.get(f"{PAGE}/child-tilly/plan/family-friend").data)
    assert "To keep the children <b>safe</b> at home." in polish and "Ewa Nowicka" not in polish

    # Translated again: printed again, of the new words.
    assert (
        post(
            support, {AIMS: "Zapewnić dzieciom bezpieczeństwo w domu.", "interpreter": "Ewa Nowicka"}
        ).status_code
        == 302
    )
    (entry,) = saved(app)
    assert entry.original == "To keep the children <b>safe</b> at home."
    polish = all_text_with_headers(support.get(f"{PAGE}/child-tilly/plan/family-friend").data)
    assert "Zapewnić dzieciom bezpieczeństwo w domu." in polish


def test_a_save_made_since_the_page_opened_is_not_overwritten_and_the_typing_is_kept(app, team):
    support = team[SUPPORT]
    opened = support.get(POLISH).get_data(as_text=True)
    with app.app_context():  # meanwhile the practitioner saves the case
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        case.household = {**case.household, "planning_meeting_attendees": "Joanne Ferris and Ms Colbeck."}
        db.session.commit()
    response = post(support, {MEETING: TRANSLATION, "interpreter": "Tomasz Zieliński"}, opened)
    assert response.status_code == 409
    assert "Someone changed this case after you opened the page" in text(response)
    assert "Joanne Ferris and Ms Colbeck." in text(response)  # the answer as it is saved now
    assert box(response, MEETING).text_content().strip() == TRANSLATION
    assert [entry.field for entry in saved(app)] == ["assessment_aims"]
    # Saved again from the page as it now stands: a translation of the words it showed.
    assert post(support, {}, response.get_data(as_text=True)).status_code == 302
    assert [(entry.field, entry.original) for entry in saved(app)][1:] == [
        ("planning_meeting_attendees", "Joanne Ferris and Ms Colbeck.")
    ]


def test_a_translation_entered_after_the_family_copy_went_makes_it_one_to_send_again(app, team):
    support = team[SUPPORT]
    with app.app_context():  # Kai's plan went to the mother and to the family friend, in Polish
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        sent = [
            Sending(
                recipient=recipient,
                document="plan",
                child="child-kai",
                revision=revision_of(app, "child-kai"),
                method=Method.POST,
                by=Person(name="Bea Support"),
                at=now(),
            ).model_dump(mode="json", exclude_none=True)
            for recipient in ("mother", "family-friend")
        ]
        case.circulation = [*case.circulation, *sent]
        db.session.commit()
    page = support.get(PAGE)
    polish = row(page, "child-kai", "plan", "family-friend")
    assert "Sent on " in polish and "Changed since sent" not in polish
    assert post(support, {MEETING: TRANSLATION, "interpreter": "Tomasz Zieliński"}).status_code == 302
    page = support.get(PAGE)
    assert "Changed since sent: send again" in row(page, "child-kai", "plan", "family-friend")
    assert row(page, "child-kai", "plan", "mother").startswith("Shannon Colbeck Assessment plan Sent on ")
    home = text(support.get("/"))  # the team's list says so too
    assert "1 changed since sent" in home


def test_translations_sent_as_the_session_ended_are_shown_again_to_be_saved(app, team):
    support = team[SUPPORT]
    opened = support.get(POLISH).get_data(as_text=True)
    time_out(support)
    sent = post(support, {MEETING: TRANSLATION, "interpreter": "Tomasz Zieliński"}, opened)
    assert sent.status_code == 302 and "/sign-in" in sent.headers["Location"]
    landing = sign_in(support, SUPPORT).headers["Location"]
    page = support.get(landing)
    assert "This has not been saved yet" in text(page) and "The boxes show what you typed" in text(page)
    assert box(page, MEETING).text_content().strip() == TRANSLATION
    assert [entry.field for entry in saved(app)] == ["assessment_aims"]  # shown, not yet saved
    assert post_as_a_browser(support, landing, {}, page.get_data(as_text=True)).status_code == 302
    assert [entry.field for entry in saved(app)] == ["assessment_aims", "planning_meeting_attendees"]
