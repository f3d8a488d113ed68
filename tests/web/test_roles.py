"""Every route for every role (A1 to A5): allowed or refused as designed; another team's case not found.

The expectations are written out here, not derived from the code's own table, so a capability left
off a view, or one too many, fails a test.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from formgen.capabilities import Capability
from formgen.engine import CaseFile
from formgen.engine.review import Restriction
from formgen.web.commands import create_team, create_user, import_case
from formgen.web.extensions import db
from formgen.web.models import AccessEvent, Case, User
from formgen.web.security import PUBLIC_ENDPOINTS
from tests.support import draft, load_example
from tests.web.conftest import PASSWORD, sign_in
from tests.web.routes import guarded_urls

TEAM, OTHER_TEAM = "Eastgate Assessment Team", "Westgate Assessment Team"
ACCOUNTS = {
    "practitioner": ("pat.practitioner@example.org", "practitioner", TEAM),
    "colleague": ("cal.colleague@example.org", "practitioner", TEAM),  # same team, not the worker
    "manager": ("mo.manager@example.org", "manager", TEAM),
    "business support": ("bea.support@example.org", "business_support", TEAM),
    "administrator": ("ade.admin@example.org", "administrator", None),
    "other team's manager": ("ola.other@example.org", "manager", OTHER_TEAM),
    "auditor": ("aud.auditor@example.org", "auditor", None),
    "performance officer": ("per.performance@example.org", "performance", None),
}
P, C, M, B, A, X, U, R = ACCOUNTS  # short names for the table below

# Who may use each endpoint with the sample values of tests/web/routes.py: the sibling group's case,
# a practitioner's page (child_views), the record document, and a decision about a person.
ALLOWED = {
    "cases.home": {P, C, M, B, A, X, U, R},
    "cases.new_case": {P, C},
    "cases.case": {P, M, B},
    "cases.children": {P},
    "cases.new_child": {P},
    "cases.remove_child": {P},
    "cases.allocation": {M},
    "cases.export": {P, M},
    "wizard.task_list": {P, M, B},
    "wizard.question": {P},
    "wizard.item": {P},
    "wizard.remove_item": {P},
    "wizard.check_answers": {P, M},
    "wizard.document": {P, M},  # the record: business support produce plans only (A3)
    "wizard.document_pdf": {P, M},  # the same documents as PDF
    "withholding.withhold": {P, M},  # who must not see an answer (F5): not business support (A3)
    "approval.send_for_approval": {P},
    "approval.decide": {M},
    "approval.reopen": {M},
    "approval.decision": {M},
    "approval.plan_review": {M},
    "cases.restriction": {M},
    # The distribution list: business support keep it too, but confirming a household member is the
    # practitioner's or a manager's word (A3).
    "distribution.recipients": {P, M, B},
    "distribution.new_recipient": {P, M, B},
    "distribution.recipient": {P, M, B},
    "distribution.remove_recipient": {P, M, B},
    "distribution.confirm_recipient": {P, M},
    "circulation.circulation": {P, M, B},
    "interpreting.translations": {P, M, B},  # whoever circulates the family's copies enters them
    "circulation.one_copy": {P, M, B},
    "circulation.every_copy": {P, M, B},
    "circulation.record_sent": {P, M, B},
    "history.history": {P, M},
    "history.revision": {P, M},
    "history.seen": {P, M},
    "chronology.chronology_page": {P, M},
    # Accounts, teams and the authority for administrators; the access log for them and auditors.
    "administration.users": {A},
    "administration.new_user": {A},
    "administration.account": {A},
    "administration.deactivate": {A},
    "administration.reactivate": {A},
    "administration.unlock": {A},
    "administration.teams": {A},
    "administration.new_team": {A},
    "administration.authority": {A},
    "administration.access_log": {A, U},
    "administration.access_log_csv": {A, U},
    # The statutory returns: the whole authority's children, for the performance team alone.
    "returns.returns_page": {R},
    "returns.cin_download": {R},
    "returns.annex_a_download": {R},
}
# Allowed by their role, but the case is not theirs to see: "not found", so it cannot be guessed at.
NOT_THEIRS = {C, X}


@pytest.fixture
def clients(app):
    create_team(app, TEAM)
    create_team(app, OTHER_TEAM)
    for email, role, team in ACCOUNTS.values():
        create_user(app, email, email.split("@")[0].replace(".", " ").title(), role, PASSWORD, team=team)
    import_case(
        app, calling_for_decisions(draft(load_example("sibling-group"))), ACCOUNTS[P][0], "sibling-group"
    )
    signed_in = {}
    for who, (email, _, _) in ACCOUNTS.items():
        client = app.test_client()
        assert sign_in(client, email).status_code == 302
        signed_in[who] = client
    return signed_in


def calling_for_decisions(case: CaseFile) -> CaseFile:
    """The case with two decisions waiting for a manager: sharing without consent, and no interpreter."""
    household = dict(case.household)
    household.update(consent_sought=False, consent_not_sought_reason="The family could not be reached")
    household.pop("consent_override_reasons", None)
    household["household_members"] = [
        {**person, "interpreter_needed": True, "interpreter_arranged": False}
        if person["id"] == "p-mother"
        else person
        for person in household["household_members"]
    ]
    return case.model_copy(update={"household": household})


def test_every_view_declares_the_capabilities_that_may_use_it(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        declared = getattr(app.view_functions[rule.endpoint], "capabilities", None)
        assert declared and declared <= set(Capability), f"{rule.endpoint} declares no capability"
    assert set(ALLOWED) == {rule.endpoint for rule in app.url_map.iter_rules()} - PUBLIC_ENDPOINTS


@pytest.mark.parametrize("who", list(ACCOUNTS))
def test_every_route_is_allowed_or_refused_for_each_role_as_designed(app, clients, who):
    client = clients[who]
    token = client.csrf_token("/")
    checked = 0
    for rule, url in guarded_urls(app):
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
            status = response.status_code
            if who not in ALLOWED[rule.endpoint]:
                expected = {404} if who in NOT_THEIRS and _role_may(app, rule.endpoint, who) else {403}
                assert status in expected, (who, method, url, status)
            else:
                # Allowed: the page itself answers (a form with errors, a redirect, a locked page), never
                # Forbidden, never Not Found for a case the person may see.
                assert status not in {401, 403, 404, 500}, (who, method, url, status)
            checked += 1
    assert checked >= 30


def _role_may(app, endpoint: str, who: str) -> bool:
    """Whether the role of `who` would be allowed on the endpoint with a case of its own."""
    stand_in = {C: P, X: M}[who]
    return stand_in in ALLOWED[endpoint]


def test_signed_out_every_route_goes_to_sign_in(app, clients):
    client = app.test_client()
    token = client.csrf_token("/sign-in")
    for rule, url in guarded_urls(app):
        if "GET" in rule.methods:
            assert client.get(url).headers["Location"].startswith("/sign-in"), url
        if "POST" in rule.methods:
            assert client.post(url, data={"csrf_token": token}).headers["Location"].startswith("/sign-in"), (
                url
            )


def test_a_manager_answers_the_review_and_a_practitioner_cannot(app, clients):
    review = "/cases/EX-SIB-01/children/child-tilly/review/review_checklist"
    assert clients[P].get(review).status_code == 403
    # The manager may answer it once the assessment waits for approval; until then it says why not.
    locked = clients[M].get(review)
    assert locked.status_code == 409 and "waits for approval" in locked.get_data(as_text=True)


def test_business_support_get_the_plan_and_nothing_of_the_answers(app, clients):
    support = clients[B]
    plan = support.get("/cases/EX-SIB-01/children/child-tilly/documents/plan.docx")
    assert plan.status_code == 200 and plan.mimetype.endswith("wordprocessingml.document")
    for path in (
        "/cases/EX-SIB-01/children/child-tilly/documents/record.docx",
        "/cases/EX-SIB-01/children/child-tilly/documents/child.docx",
        "/cases/EX-SIB-01/household/family/check",
        "/cases/EX-SIB-01/case-file.json",
    ):
        assert support.get(path).status_code == 403, path
    home = support.get("/").get_data(as_text=True)
    assert "Your team’s assessments" in home and "documents/plan.docx" in home
    # The task list says where the assessment stands, not what its answers say.
    tasks = support.get("/cases/EX-SIB-01/children/child-tilly").get_data(as_text=True)
    assert "Assessment of Tilly Dacres" in tasks and "documents/plan.docx" in tasks
    for private in ("Waiting for a manager", "interpreter", "Past their date", "Reviews of the plan"):
        assert private not in tasks, private


@pytest.mark.parametrize("who", list(ACCOUNTS))
def test_every_route_of_a_restricted_case_for_each_role(app, clients, who):
    """Restricted to the worker and their manager: everyone else whose role could open the case is told
    it is restricted, and each refusal is logged; the rest are refused by their role, as before."""
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        by = db.session.scalar(db.select(User).where(User.email == ACCOUNTS[M][0]))
        restriction = Restriction(by=by.as_person(), at=datetime.now(UTC), reason="A relative works here.")
        case.restriction, case.open_to = restriction.model_dump(mode="json"), [case.worker, by]
        db.session.commit()
    client = clients[who]
    token = client.csrf_token("/")
    told = 0
    for rule, url in guarded_urls(app):
        if "reference" not in rule.arguments:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
            status, restricted = response.status_code, b"This case is restricted" in response.data
            allowed = who in ALLOWED[rule.endpoint]
            if who in {P, M}:
                assert (status not in {401, 403, 404, 500}) is allowed and not restricted, (
                    method,
                    url,
                    status,
                )
                continue
            # A role that may open such a case is told it is restricted (a view's own check, such as
            # which documents business support make, comes after it); any other is refused by its role.
            assert status == 403, (method, url, status)
            if allowed or (who in NOT_THEIRS and _role_may(app, rule.endpoint, who)):
                assert restricted, (method, url)
            told += restricted
    with app.app_context():
        refusals = db.session.scalars(db.select(AccessEvent).where(AccessEvent.action == "refused")).all()
    assert len(refusals) == told
    assert (who in {B, C, X}) is (told > 0)  # the others' roles never reach a case
    assert ("EX-SIB-01" in clients[who].get("/").get_data(as_text=True)) is (who in {P, M})
