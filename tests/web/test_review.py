"""The assessment's whole life in the test client (A1, A2, J1 to J3): sent, returned with comments, sent
again, a manager's decision recorded, the checklist completed with an unmet item commented, approved
and locked, reopened with a reason; and what refuses each step when it is not due."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from formgen.engine.review import Stage
from formgen.web import revisions
from formgen.web.commands import create_team, create_user, import_case
from formgen.web.extensions import db
from formgen.web.models import AccessEvent, Case, User
from tests.support import draft, load_example
from tests.web.conftest import PASSWORD, form_token, sign_in, submit
from tests.web.test_roles import calling_for_decisions

TEAM = "Eastgate Assessment Team"
WORKER = "pat.practitioner@example.org"
MANAGER = "mo.manager@example.org"
TILLY = "/cases/EX-SIB-01/children/child-tilly"
CHECKLIST = {
    "child_seen_alone_check": "yes",
    "all_children_seen_check": "yes",
    "home_visited_check": "no",
    "home_visited_comment": "The bedroom was not seen: to be seen at the next visit, within 5 working days",
    "parents_seen_check": "yes",
    "analysis_complete_check": "yes",
    "evidence_clear_check": "yes",
}


@pytest.fixture
def people(app):
    create_team(app, TEAM)
    create_user(app, WORKER, "Pat Practitioner", "practitioner", PASSWORD, team=TEAM)
    create_user(app, MANAGER, "Mo Manager", "manager", PASSWORD, team=TEAM)
    create_user(app, "ann.other@example.org", "Ann Other", "manager", PASSWORD, team=TEAM)
    clients = {}
    for email in (WORKER, MANAGER, "ann.other@example.org"):
        clients[email] = app.test_client()
        sign_in(clients[email], email)
    return clients


def _reviewless_answers(case):
    """The example's answers less the manager's checklist and reasoning, which the test gives itself."""
    children = [
        child.model_copy(
            update={
                "answers": {
                    k: v
                    for k, v in child.answers.items()
                    if not k.endswith(("_check", "_comment")) and k != "approval_reasoning"
                }
            }
        )
        for child in case.children
    ]
    return case.model_copy(update={"children": children})


@pytest.fixture
def case(app, people):
    example = _reviewless_answers(calling_for_decisions(draft(load_example("sibling-group"))))
    return import_case(app, example, WORKER, "sibling-group")


def stage(app) -> Stage:
    with app.app_context():
        return (
            db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
            .child("child-tilly")
            .review.stage
        )


def text(response) -> str:
    return " ".join(lxml_html.fromstring(response.get_data(as_text=True)).text_content().split())


def post_from(client, page: str, action: str, data: dict):
    """Post `data` to `action` with the CSRF token and version of the form on `page`."""
    token, version = form_token(client, page)
    return client.post(action, data={"csrf_token": token, "version": version, **data})


def test_the_whole_life_of_an_assessment(app, people, case):
    worker, manager = people[WORKER], people[MANAGER]

    # Sent for approval, once complete: the task list's own button.
    assert "Send for approval" in text(worker.get(TILLY))
    response = post_from(worker, TILLY, f"{TILLY}/send", {})
    assert response.status_code == 302 and stage(app) is Stage.SENT
    assert "a manager is reviewing it, so it cannot be changed now" in text(worker.get(TILLY))
    locked = worker.get("/cases/EX-SIB-01/household/family/family_functioning")
    assert locked.status_code == 409 and "sent for approval" in text(locked)

    # The manager's home lists it as waiting, and the decisions the answers call for.
    home = lxml_html.fromstring(manager.get("/").get_data(as_text=True))
    assert "Tilly" in home.get_element_by_id("waiting-for-approval").text_content()
    assert "Tilly" in home.get_element_by_id("waiting-for-decision").text_content()

    # Returned with comments, shown at the top of the practitioner's task list and first on their home.
    approval = f"{TILLY}/approval"
    assert post_from(manager, approval, approval, {"step": "return", "comments": ""}).status_code == 400
    comments = "Please add Tilly's school attendance figures to her education needs."
    assert post_from(manager, approval, approval, {"step": "return", "comments": comments}).status_code == 302
    assert stage(app) is Stage.RETURNED
    returned = lxml_html.fromstring(worker.get(TILLY).get_data(as_text=True)).get_element_by_id("returned")
    assert comments in returned.text_content() and "Mo Manager" in returned.text_content()
    assert (
        "Tilly"
        in lxml_html.fromstring(worker.get("/").get_data(as_text=True))
        .get_element_by_id("returned")
        .text_content()
    )

    # Fixed and sent again.
    page = f"{TILLY}/child_views/developmental_needs"
    assert worker.get(page).status_code == 200  # editable again once returned
    assert post_from(worker, TILLY, f"{TILLY}/send", {}).status_code == 302
    assert stage(app) is Stage.SENT

    # Approval is refused until the checklist is complete and the decisions are recorded.
    refused = post_from(manager, approval, approval, {"step": "approve"})
    assert refused.status_code == 400
    assert "Complete the manager's review" in text(refused) and "Record the decision" in text(refused)

    # The decisions reserved to a manager: who and when from the account, why typed.
    consent = f"{TILLY}/decisions/consent_override_reasons"
    assert post_from(manager, consent, consent, {}).status_code == 400  # the reasons are required
    reasons = "Sharing the referral with the school could not wait: the family could not be reached."
    assert post_from(manager, consent, consent, {"consent_override_reasons": reasons}).status_code == 302
    interpreter = f"{TILLY}/decisions/household_members.interpreter_not_used_reason/p-mother"
    because = "Ms Colbeck speaks fluent English and asked not to have an interpreter."
    assert (
        post_from(manager, interpreter, interpreter, {"interpreter_not_used_reason": because}).status_code
        == 302
    )

    # The checklist, with one unmet item and its comment.
    checklist = f"{TILLY}/review/review_checklist"
    unmet = {**CHECKLIST, "home_visited_comment": ""}
    assert "Why not, and what will be done?" in text(submit(manager, checklist, unmet))
    assert submit(manager, checklist, CHECKLIST).status_code == 302
    reasoning = f"{TILLY}/review/approval_reasoning_page"
    assert (
        submit(
            manager, reasoning, {"approval_reasoning": "A child in need plan is proportionate."}
        ).status_code
        == 302
    )

    # Approved: who and when from the account and the clock, and the version approved.
    assert post_from(manager, approval, approval, {"step": "approve"}).status_code == 302
    assert stage(app) is Stage.APPROVED
    exported = manager.get("/cases/EX-SIB-01/case-file.json").get_json()
    tilly = next(child for child in exported["children"] if child["id"] == "child-tilly")
    steps = [(event["step"], event["by"]["email"]) for event in tilly["review"]["events"]]
    assert steps == [("send", WORKER), ("return", MANAGER), ("send", WORKER), ("approve", MANAGER)]
    assert tilly["review"]["events"][-1]["version"] is not None
    decided = {(d["field"], d.get("item"), d["by"]["email"]) for d in exported["decisions"]}
    assert decided == {
        ("consent_override_reasons", None, MANAGER),
        ("household_members.interpreter_not_used_reason", "p-mother", MANAGER),
    }
    record = manager.get(f"{TILLY}/documents/record.docx")
    assert record.status_code == 200

    # Locked: every edit page refuses and says who can reopen it.
    for path in (page, "/cases/EX-SIB-01/household/family/family_functioning", checklist):
        client = manager if path == checklist else worker
        response = client.get(path)
        assert response.status_code == 409, path
    assert "A manager can reopen it" in text(worker.get(page))
    assert post_from(worker, page, page, {}).status_code == 409

    # Reopened with a reason: the practitioner can change it again.
    reopen = f"{TILLY}/reopen"
    assert post_from(manager, reopen, reopen, {"reason": ""}).status_code == 400
    assert (
        post_from(manager, reopen, reopen, {"reason": "The school has sent new information."}).status_code
        == 302
    )
    assert stage(app) is Stage.REOPENED
    assert worker.get(page).status_code == 200

    # Every save of the life is a revision by the person who made it; reopening starts from the one
    # approved, which is the revision the approval names.
    with app.app_context():
        stored = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        tilly_revisions = revisions.history(stored, stored.child("child-tilly"))
        kept = [(r.author.email if r.author else None, r.kind) for r in tilly_revisions]
        approved = stored.child("child-tilly").review.events[-2]
        assert approved.version == str(len(tilly_revisions))  # nothing saved between approving and now
        assert dict(tilly_revisions[-1].answers) == dict(stored.child("child-tilly").answers)
    assert kept[:2] == [(None, "imported"), (None, "imported")]
    assert (MANAGER, "decision") in kept and (MANAGER, "saved") in kept  # decisions, checklist
    assert {author for author, kind in kept if kind == "saved"} <= {WORKER, MANAGER}

    # Every page and download the manager opened is in the access log, the record's download included.
    with app.app_context():
        manager_id = db.session.scalar(db.select(User.id).where(User.email == MANAGER))
        logged = db.session.scalars(db.select(AccessEvent).where(AccessEvent.user_id == manager_id)).all()
        actions = {(event.action, event.detail.split(" (")[0]) for event in logged}
    assert ("downloaded", "Document: Child and family assessment record") in actions
    assert ("exported", "Case file") in actions and ("viewed", "Approval") in actions


def test_sending_is_refused_with_the_list_of_what_is_missing(app, people, case):
    worker = people[WORKER]
    with app.app_context():
        stored = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        child = stored.child("child-tilly")
        child.answers = {key: value for key, value in child.answers.items() if key != "child_views_text"}
        db.session.commit()
    response = post_from(worker, TILLY, f"{TILLY}/send", {})
    assert response.status_code == 400
    links = lxml_html.fromstring(response.get_data(as_text=True)).xpath(
        "//div[@class='govuk-error-summary']//a"
    )
    assert any(link.get("href") == f"{TILLY}/child_views/childs_views" for link in links)
    assert stage(app) is Stage.DRAFT


def test_a_manager_cannot_approve_an_assessment_they_wrote(app, people, case):
    manager = people[MANAGER]
    with app.app_context():
        from formgen.web.models import User

        stored = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        stored.allocate(db.session.scalar(db.select(User).where(User.email == MANAGER)))
        db.session.commit()
    # The manager now holds the case; sending needs edit_assessment, which a manager does not have.
    assert post_from(manager, "/cases/EX-SIB-01/children/child-tilly", f"{TILLY}/send", {}).status_code == 403
    with app.app_context():
        from formgen.engine.review import Person, Review, Step

        stored = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        child = stored.child("child-tilly")
        child.review = Review().taken(Step.SEND, Person(name="Mo Manager", email=MANAGER))
        db.session.commit()
    page = manager.get(f"{TILLY}/approval")
    assert "You cannot approve an assessment you wrote or sent" in text(page)
    refused = post_from(manager, f"{TILLY}/approval", f"{TILLY}/approval", {"step": "approve"})
    assert refused.status_code == 400 and stage(app) is Stage.SENT


def test_a_manager_reallocates_a_case_and_the_history_is_kept(app, people, case):
    manager = people[MANAGER]
    create_user(app, "cal.colleague@example.org", "Cal Colleague", "practitioner", PASSWORD, team=TEAM)
    colleague = app.test_client()
    sign_in(colleague, "cal.colleague@example.org")
    assert colleague.get(TILLY).status_code == 404
    allocation = "/cases/EX-SIB-01/allocation"
    page = lxml_html.fromstring(manager.get(allocation).get_data(as_text=True))
    values = dict(
        zip(
            page.xpath("//input[@name='worker']/following-sibling::label/text()"),
            page.xpath("//input[@name='worker']/@value"),
            strict=True,
        )
    )
    cal = (
        values[" Cal Colleague "]
        if " Cal Colleague " in values
        else next(v for k, v in values.items() if "Cal" in k)
    )
    assert (
        post_from(manager, allocation, allocation, {"worker": cal}).status_code == 400
    )  # a reason is needed
    assert (
        post_from(manager, allocation, allocation, {"worker": cal, "reason": "Pat is on leave"}).status_code
        == 302
    )
    assert colleague.get(TILLY).status_code == 200
    assert people[WORKER].get(TILLY).status_code == 404
    history = manager.get("/cases/EX-SIB-01/case-file.json").get_json()["allocation"]
    assert (history["worker"]["email"], history["by"]["email"], history["reason"]) == (
        "cal.colleague@example.org",
        MANAGER,
        "Pat is on leave",
    )


def test_a_review_of_the_plan_shows_on_every_childs_task_list(app, people, case):
    manager = people[MANAGER]
    review = f"{TILLY}/plan-reviews/new"
    assert post_from(manager, review, review, {"checked": ""}).status_code == 400
    assert (
        post_from(
            manager, review, review, {"checked": "Actions on track", "changes": "Add a GP visit"}
        ).status_code
        == 302
    )
    for child in ("child-tilly", "child-kai"):
        listed = lxml_html.fromstring(
            people[WORKER].get(f"/cases/EX-SIB-01/children/{child}").get_data(as_text=True)
        )
        entry = listed.get_element_by_id("plan-reviews").text_content()
        assert "Mo Manager" in entry and "Actions on track" in entry and "Add a GP visit" in entry


def test_the_task_list_says_a_decision_waits_for_a_manager_in_plain_words(app, people, case):
    tasks = text(people[WORKER].get(TILLY))
    assert (
        "Waiting for a manager: why an interpreter is not being used, for Shannon Colbeck (Mother)" in tasks
    )
    links = lxml_html.fromstring(people[MANAGER].get(TILLY).get_data(as_text=True)).xpath(
        "//*[@id='waiting-for-a-manager']/following-sibling::ul//a/@href"
    )
    assert f"{TILLY}/decisions/household_members.interpreter_not_used_reason/p-mother" in links
    assert re.search(r"Plan dates passed|Decision needed", text(people[MANAGER].get("/")))


def test_the_practitioners_page_says_when_an_answer_calls_for_a_managers_decision(app, people, case):
    worker = people[WORKER]
    page = f"{TILLY}/child_views/seeing_the_child"
    assert "A manager must" not in text(worker.get(page))
    token, version = form_token(worker, page)
    response = worker.post(
        page, data={"csrf_token": token, "version": version, "child_seen": "no", "action": "save-later"}
    )
    assert response.status_code == 302
    told = text(worker.get(response.headers["Location"]))
    assert "A manager must now record why the child should not be seen" in told
    inset = lxml_html.fromstring(worker.get(page).get_data(as_text=True)).get_element_by_id(
        "waiting-for-a-manager"
    )
    assert "A manager must record why the child should not be seen" in inset.text_content()


def test_removing_a_person_takes_the_managers_decision_about_them_with_them(app, people, case):
    manager, worker = people[MANAGER], people[WORKER]
    interpreter = f"{TILLY}/decisions/household_members.interpreter_not_used_reason/p-mother"
    reason = "Ms Colbeck asked not to have an interpreter."
    assert (
        post_from(manager, interpreter, interpreter, {"interpreter_not_used_reason": reason}).status_code
        == 302
    )
    with app.app_context():
        stored = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        # Nothing else is kept from the father once the mother goes, so the removal is allowed.
        stored.household = {**stored.household, "household_address_confidential_from": ["p-grandmother"]}
        db.session.commit()
    remove = "/cases/EX-SIB-01/household/case/household/household_members/p-mother/remove"
    assert "The manager’s decision recorded about Shannon Colbeck" in text(worker.get(remove))
    assert post_from(worker, remove, remove, {"confirm": "yes"}).status_code == 302
    exported = worker.get("/cases/EX-SIB-01/case-file.json")
    from formgen.engine.casefile import answer_problems, parse_case
    from formgen.web.services import services

    case_file = parse_case(exported.data, "export")
    assert case_file.decisions == []
    with app.app_context():
        assert answer_problems(services().form, case_file, "export") == []  # the export imports again


def test_a_household_decision_cannot_change_once_a_sibling_is_approved(app, people, case):
    with app.app_context():
        from formgen.engine.review import Person, Review, Step

        stored = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        sent = Review().taken(Step.SEND, Person(name="Pat", email=WORKER))
        stored.child("child-tilly").review = sent.taken(
            Step.APPROVE, Person(name="Ann", email="ann.other@example.org")
        )
        db.session.commit()
    consent = "/cases/EX-SIB-01/children/child-kai/decisions/consent_override_reasons"
    page = people[MANAGER].get(consent)
    assert page.status_code == 409 and "Tilly Dacres’s assessment was approved" in text(page)


def test_too_long_a_comment_is_a_message_that_keeps_what_was_typed(app, people, case):
    manager = people[MANAGER]
    assert post_from(people[WORKER], TILLY, f"{TILLY}/send", {}).status_code == 302
    approval = f"{TILLY}/approval"
    long_text = "Too long. " * 2_001
    response = post_from(manager, approval, approval, {"step": "return", "comments": long_text})
    assert response.status_code == 400
    assert "Your comments must be 20,000 characters or fewer" in text(response)
    assert long_text.strip() in response.get_data(as_text=True)
    review = f"{TILLY}/plan-reviews/new"
    response = post_from(manager, review, review, {"checked": "Fine", "changes": long_text})
    assert response.status_code == 400 and "What must change must be 20,000 characters or fewer" in text(
        response
    )


def test_sending_holds_the_household_so_a_page_opened_before_cannot_save_over_it(app, people, case):
    worker = people[WORKER]
    page = "/cases/EX-SIB-01/household/family/family_functioning"
    token, opened_at = form_token(worker, page)  # opened before the assessment is sent
    assert post_from(worker, TILLY, f"{TILLY}/send", {}).status_code == 302
    # Kai's assessment is still a draft, but the household is held while Tilly's is with a manager.
    response = worker.post(page, data={"csrf_token": token, "version": opened_at, "family_history": "Late"})
    assert response.status_code == 409
    with app.app_context():
        stored = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        assert stored.household["family_history"] != "Late"


def test_a_child_sent_for_approval_cannot_be_removed_and_a_stale_removal_removes_nothing(app, people, case):
    worker = people[WORKER]
    kai = "/cases/EX-SIB-01/children/child-kai/remove"
    token, opened_at = form_token(worker, kai)
    with app.app_context():
        stored = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        stored.child("child-kai").answers = {
            **stored.child("child-kai").answers,
            "advocacy": "Changed meanwhile",
        }
        db.session.commit()
    stale = worker.post(kai, data={"csrf_token": token, "version": opened_at, "confirm": "yes"})
    assert stale.status_code == 409
    assert post_from(worker, TILLY, f"{TILLY}/send", {}).status_code == 302
    refused = worker.get("/cases/EX-SIB-01/children/child-tilly/remove")
    assert refused.status_code == 409 and "It cannot be removed" in text(refused)
    with app.app_context():
        stored = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        assert [child.key for child in stored.children] == ["child-tilly", "child-kai", "child-poppy"]
