"""Revisions, edit conflicts, the access log and restricted cases (J3; UK GDPR accountability): every
save kept with its author and shown in words; a refused save says who came first and what they changed;
every view and download logged in a table the database will not let anyone rewrite; a restricted case
refused to a colleague, and the refusal logged."""

from __future__ import annotations

import io

import docx
import pytest
from lxml import html as lxml_html
from sqlalchemy import text as sql
from sqlalchemy.exc import DatabaseError

from formgen.web import audit
from formgen.web.extensions import db
from formgen.web.models import AccessedChild, AccessEvent, Case, Revision, User
from tests.web import test_review
from tests.web.conftest import PASSWORD, form_token, post_as_a_browser, sign_in, submit
from tests.web.test_review import MANAGER, TILLY, WORKER, post_from

people, case = test_review.people, test_review.case  # the review's accounts and case, as fixtures here

FAMILY = "/cases/EX-SIB-01/household/family/family_functioning"
COLLEAGUE = "cal.colleague@example.org"
FAMILY_ANSWERS = {
    "family_history": "Typed by the worker",
    "wider_family_support": "An aunt nearby",
    "family_group_conference": "declined",
}


def text(response) -> str:
    return " ".join(lxml_html.fromstring(response.get_data(as_text=True)).text_content().split())


def revisions_of(app) -> list[tuple[str | None, str, dict]]:
    """Each revision of the case as (author's email, kind, answers), oldest first."""
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        kept = db.session.scalars(
            db.select(Revision).where(Revision.case_id == case.id).order_by(Revision.id)
        )
        return [(r.author.email if r.author else None, r.kind, dict(r.answers)) for r in kept]


def events(app, action: audit.Action | None = None) -> list[AccessEvent]:
    with app.app_context():
        query = db.select(AccessEvent).order_by(AccessEvent.id)
        if action is not None:
            query = query.where(AccessEvent.action == action.value)
        found = db.session.scalars(query).all()
        for event in found:
            _ = event.user, event.children  # loaded while the session is open
        return list(found)


def email_of(app, event: AccessEvent) -> str | None:
    with app.app_context():
        user = db.session.get(User, event.user_id) if event.user_id else None
        return user.email if user else None


def test_every_save_is_a_revision_by_its_author_and_the_history_says_what_changed_in_words(app, people, case):
    worker = people[WORKER]
    before = revisions_of(app)
    assert [kind for _, kind, _ in before] == ["imported"] * len(before)  # the household and each child

    old_conference = before[0][2]["family_group_conference"]
    assert submit(worker, FAMILY, FAMILY_ANSWERS).status_code == 302
    after = revisions_of(app)
    assert len(after) == len(before) + 1
    author, kind, answers = after[-1]
    assert (author, kind) == (WORKER, "saved")
    assert (
        answers["family_history"] == "Typed by the worker"
        and answers["family_group_conference"] == "declined"
    )

    history = worker.get(f"{TILLY}/history")
    assert history.status_code == 200
    page = lxml_html.fromstring(history.get_data(as_text=True))
    newest = page.xpath("//section[contains(@class, 'app-revision')]")[0]
    words = " ".join(newest.text_content().split())
    assert "Answers saved" in words and "Pat Practitioner" in words
    # Labels and choice labels, not ids.
    rows = {
        " ".join(row.xpath("th")[0].text_content().split()): [
            " ".join(cell.text_content().split()) for cell in row.xpath("td")
        ]
        for row in newest.xpath(".//tbody/tr")
    }
    assert rows["Has a family group conference been offered?"] == [
        {"held": "Yes, and it has been held", "arranged": "Yes, and it is arranged"}[old_conference],
        "Yes, but the family declined",
    ]
    assert rows["What is the family's history, and how does the family function?"][1] == "Typed by the worker"

    # The revision before it reads as the assessment stood then: Tilly's are the household's and her own.
    number = 3
    earlier = worker.get(f"{TILLY}/history/{number - 1}")
    assert earlier.status_code == 200 and "Typed by the worker" not in text(earlier)
    assert "Typed by the worker" in text(worker.get(f"{TILLY}/history/{number}"))
    assert worker.get(f"{TILLY}/history/{number + 5}").status_code == 404


def test_a_list_entry_added_and_removed_is_in_the_history(app, people, case):
    worker = people[WORKER]
    members = "/cases/EX-SIB-01/household/case/household/household_members"
    person = {"name": "Robin Fictional", "interpreter_needed": "no"}
    for key in ("child-tilly", "child-kai", "child-poppy"):  # asked for each child
        person |= {f"for-{key}-relationship": "other_relative", f"for-{key}-parental_responsibility": "no"}
    assert post_as_a_browser(worker, f"{members}/new", person).status_code == 302
    household = revisions_of(app)[-4][2]  # the household's revision, then each child's
    added = next(p for p in household["household_members"] if p["name"] == "Robin Fictional")
    people_question = "Who are the parents, carers and other family members?"
    history = text(worker.get(f"{TILLY}/history"))
    assert f"{people_question}: Robin Fictional Not answered Added to the list" in history
    assert (
        f"{people_question}: Robin Fictional (Other relative): Relationship Not answered Other relative"
        in history
    )
    remove = f"{members}/{added['id']}/remove"
    assert submit(worker, remove, {"confirm": "yes"}).status_code == 302
    assert revisions_of(app)[-1][:2] == (WORKER, "removed")
    newest, before_it = lxml_html.fromstring(worker.get(f"{TILLY}/history").get_data(as_text=True)).xpath(
        "//section[contains(@class, 'app-revision')]"
    )[:2]
    assert "Robin Fictional Not answered Removed from the list" in " ".join(newest.text_content().split())
    # Tilly's relationship to him went with him, in a revision of her answers just before the household's.
    assert "Robin Fictional: Relationship Other relative Not answered" in " ".join(
        before_it.text_content().split()
    )


def test_a_refused_save_names_who_came_first_and_shows_what_they_changed_beside_what_was_typed(
    app, people, case
):
    worker = people[WORKER]
    other_window = app.test_client()
    sign_in(other_window, WORKER)
    token, opened_at = form_token(worker, FAMILY)
    assert (
        submit(
            other_window, FAMILY, {**FAMILY_ANSWERS, "family_history": "Saved in the other window"}
        ).status_code
        == 302
    )

    typed = {**FAMILY_ANSWERS, "family_history": "Typed here, second"}
    refused = worker.post(FAMILY, data={"csrf_token": token, "version": opened_at, **typed})
    assert refused.status_code == 409
    banner = lxml_html.fromstring(refused.get_data(as_text=True)).get_element_by_id("conflict")
    words = " ".join(banner.text_content().split())
    assert "You saved this page in another window" in words
    row = banner.xpath(".//tbody/tr")[0]
    cells = [" ".join(cell.text_content().split()) for cell in row.xpath("th|td")]
    assert cells == [
        "What is the family's history, and how does the family function?",
        "Saved in the other window",
        "Typed here, second",
    ]
    # What was typed is still on the page, and the other save stands until they choose.
    assert "Typed here, second" in refused.get_data(as_text=True)
    assert revisions_of(app)[-1][2]["family_history"] == "Saved in the other window"


def test_a_conflict_with_a_managers_save_names_the_manager(app, people, case):
    worker, manager = people[WORKER], people[MANAGER]
    token, opened_at = form_token(worker, FAMILY)
    consent = f"{TILLY}/decisions/consent_override_reasons"
    reasons = "Sharing could not wait: the family could not be reached."
    assert post_from(manager, consent, consent, {"consent_override_reasons": reasons}).status_code == 302
    assert revisions_of(app)[-1][:2] == (MANAGER, "decision")

    refused = worker.post(FAMILY, data={"csrf_token": token, "version": opened_at, **FAMILY_ANSWERS})
    assert refused.status_code == 409
    words = text(refused)
    assert "Mo Manager saved this page after you opened it" in words
    assert "None of the answers on this page changed in that save" in words


def test_every_view_and_download_is_logged_naming_the_children_shown(app, people, case):
    worker = people[WORKER]
    seen_before = len(events(app))
    assert worker.get(TILLY).status_code == 200
    assert worker.get(f"{TILLY}/documents/record.docx").status_code == 200
    assert worker.get("/cases/EX-SIB-01/case-file.json").status_code == 200
    assert worker.get("/cases/EX-SIB-01").status_code == 200
    logged = events(app)[seen_before:]
    assert [(event.action, event.case_reference) for event in logged] == [
        ("viewed", "EX-SIB-01"),
        ("downloaded", "EX-SIB-01"),
        ("exported", "EX-SIB-01"),
        ("viewed", "EX-SIB-01"),
    ]
    assert all(email_of(app, event) == WORKER for event in logged)
    assert [child.name for child in logged[0].children] == ["Tilly Dacres"]
    assert "Task list" in logged[0].detail and "record" in logged[1].detail.lower()
    # A question page is named with the part of the record it belongs to.
    assert worker.get(FAMILY).status_code == 200
    assert (
        events(app)[-1].detail
        == f"Question page: Family and environment, Family history and support ({FAMILY})"
    )
    assert {child.name for child in logged[3].children} == {"Tilly Dacres", "Kai Dacres", "Poppy Dacres"}

    # The child's record says who has seen it, the manager's visit included.
    assert people[MANAGER].get(TILLY).status_code == 200
    seen = people[WORKER].get(f"{TILLY}/seen")
    rows = lxml_html.fromstring(seen.get_data(as_text=True)).xpath("//table[@id='seen']/tbody/tr")
    whos = [" ".join(row.xpath("td")[1].text_content().split()) for row in rows]
    assert whos[0].startswith("Mo Manager") and any(who.startswith("Pat Practitioner") for who in whos)
    assert "Downloaded a document" in text(seen)


def test_a_page_without_a_child_is_not_logged_and_a_404_names_nobody(app, people, case):
    worker = people[WORKER]
    before = len(events(app))
    assert worker.get("/cases/NO-SUCH-CASE").status_code == 404
    assert worker.get("/cases/EX-SIB-01/children/child-nobody").status_code == 404
    assert len(events(app)) == before


REWRITES = (
    "UPDATE access_events SET detail = 'rewritten'",
    "DELETE FROM access_events",
    "UPDATE accessed_children SET name = 'someone else'",
    "DELETE FROM accessed_children",
)


def assert_the_log_cannot_be_rewritten(*statements: str) -> None:
    """Each statement fails in the database itself, and the log keeps its rows (in an app context)."""
    for statement in statements:
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(sql(statement))
        db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(AccessedChild)) > 0


def test_the_database_refuses_to_change_or_delete_the_log(app, people, case):
    people[WORKER].get(TILLY)
    with app.app_context():
        assert_the_log_cannot_be_rewritten(*REWRITES)


@pytest.fixture
def colleague(app, people):
    from formgen.web.commands import create_user

    create_user(app, COLLEAGUE, "Cal Colleague", "practitioner", PASSWORD, team="Eastgate Assessment Team")
    client = app.test_client()
    sign_in(client, COLLEAGUE)
    return client


def test_a_restricted_case_is_refused_to_everyone_not_named_and_each_refusal_is_logged(
    app, people, case, colleague
):
    manager, other_manager = people[MANAGER], people["ann.other@example.org"]
    restriction = "/cases/EX-SIB-01/restriction"
    opened = manager.get(restriction)
    assert opened.status_code == 200 and "There is a problem" not in text(opened)
    assert post_from(manager, restriction, restriction, {"reason": ""}).status_code == 400  # needs a reason
    restricted = post_from(
        manager, restriction, restriction, {"reason": "Ann Other is related to the family."}
    )
    assert restricted.status_code == 302
    assert events(app, audit.Action.RESTRICTED)[-1].detail.startswith("Restriction: open to Pat Practitioner")

    # Open to the worker and the manager who restricted it; refused to another manager of the team.
    assert people[WORKER].get(TILLY).status_code == 200
    assert manager.get(TILLY).status_code == 200
    refused = other_manager.get(TILLY)
    assert refused.status_code == 403
    assert "This case is restricted" in text(refused) and "ask Mo Manager" in text(refused)
    assert "EX-SIB-01" not in text(other_manager.get("/"))  # not listed either
    logged = events(app, audit.Action.REFUSED)[-1]
    assert email_of(app, logged) == "ann.other@example.org" and logged.case_reference == "EX-SIB-01"
    assert "Tilly Dacres" in {child.name for child in logged.children}

    # A colleague of the team, and any page of the case, the same; lifting the restriction opens it.
    assert colleague.get("/cases/EX-SIB-01").status_code == 403
    assert post_from(manager, restriction, restriction, {"action": "lift"}).status_code == 302
    assert other_manager.get(TILLY).status_code == 200
    assert events(app, audit.Action.RESTRICTION_LIFTED)


def test_a_restriction_names_who_else_may_open_it_and_a_new_worker_is_let_in(app, people, case, colleague):
    from formgen.web.commands import create_user

    create_user(
        app,
        "bo.support@example.org",
        "Bo Support",
        "business_support",
        PASSWORD,
        team="Eastgate Assessment Team",
    )
    support = app.test_client()
    sign_in(support, "bo.support@example.org")
    manager = people[MANAGER]
    restriction = "/cases/EX-SIB-01/restriction"
    page = lxml_html.fromstring(manager.get(restriction).get_data(as_text=True))
    offered = {
        box.getnext().text_content().strip(): box.get("value")
        for box in page.xpath("//input[@name='people']")
    }
    assert set(offered) == {
        "Ann Other",
        "Bo Support",
    }  # who could open it; the worker and the manager always can
    reason = {"reason": "A relative of the family works in the team.", "people": offered["Bo Support"]}
    assert post_from(manager, restriction, restriction, reason).status_code == 302
    assert support.get(TILLY).status_code == 200
    assert people["ann.other@example.org"].get(TILLY).status_code == 403

    # Reallocated to a colleague, the case is open to them: whoever holds it may open it.
    with app.app_context():
        colleague_id = str(db.session.scalar(db.select(User.id).where(User.email == COLLEAGUE)))
    allocation = "/cases/EX-SIB-01/allocation"
    moved = post_from(manager, allocation, allocation, {"worker": colleague_id, "reason": "Pat is on leave."})
    assert moved.status_code == 302
    assert colleague.get(TILLY).status_code == 200
    assert events(app, audit.Action.ALLOCATED)[-1].detail.startswith("Allocation: to Cal Colleague")


def test_documents_name_the_revision_they_were_made_from(app, people, case):
    worker = people[WORKER]

    def plan_words() -> str:
        plan = worker.get(f"{TILLY}/documents/plan.docx")
        return "\n".join(p.text for p in docx.Document(io.BytesIO(plan.data)).paragraphs)

    # Tilly's assessment: the household's import and her own; her brother's and sister's are not hers.
    assert "Revision: 2" in plan_words()
    assert submit(worker, FAMILY, FAMILY_ANSWERS).status_code == 302
    assert "Revision: 3" in plan_words()
    assert "Revision 3: Answers saved" in text(worker.get(f"{TILLY}/history"))
