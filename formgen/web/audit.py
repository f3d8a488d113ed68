"""The access log: who saw or changed which child's record, who signed in or failed to, and every change
of someone's powers (UK GDPR Art 5(2) and 32; Caldicott's need to know).

A view that loads a case notes it (`shown`), narrowed to the children the page is about; after the
response one event is written, naming them, in one small transaction. Events are only ever added: the
database refuses to change or delete them (migration 0005).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from flask import Response, g, request
from sqlalchemy import inspect

from formgen.i18n import N_
from formgen.spec import known_fields as known
from formgen.web.extensions import db
from formgen.web.models import AccessedChild, AccessEvent, Case, Child, User


class Action(StrEnum):
    VIEWED = "viewed"  # a page with a child's data
    SENT = "sent"  # a page with a child's data, posted (what it changed is in the revisions)
    DOWNLOADED = "downloaded"  # a document
    EXPORTED = "exported"  # a case file
    REFUSED = "refused"  # a restricted case, to someone it is not open to
    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGNED_OUT = "signed_out"
    ACCOUNT_CREATED = "account_created"
    ROLE_CHANGED = "role_changed"
    TEAM_CHANGED = "team_changed"
    DEACTIVATED = "deactivated"
    REACTIVATED = "reactivated"
    UNLOCKED = "unlocked"
    TEAM_CREATED = "team_created"
    LOG_SEARCHED = "log_searched"  # the access log itself, searched
    LOG_EXPORTED = "log_exported"  # and downloaded
    ALLOCATED = "allocated"
    RESTRICTED = "restricted"
    RESTRICTION_LIFTED = "restriction_lifted"
    IMPORTED = "imported"
    RECIPIENT_ADDED = "recipient_added"  # the distribution list: what changed, never the values
    RECIPIENT_CHANGED = "recipient_changed"
    RECIPIENT_REMOVED = "recipient_removed"
    RECIPIENT_CONFIRMED = "recipient_confirmed"
    CIRCULATED = "circulated"  # copies recorded as sent
    INTERPRETED = "interpreted"  # an interpreter's translations of answers entered, changed or removed
    WITHHELD = "withheld"  # an answer or a list item kept from named recipients, or no longer
    RETURN_CHECKED = "return_checked"  # a statutory return made and checked, shown on the page
    RETURN_DOWNLOADED = "return_downloaded"  # and downloaded: its children's data left the service


# What each action is called where the log is shown: English in the CSV, the page's language on a page.
ACTION_LABELS: dict[Action, str] = {
    Action.VIEWED: N_("Viewed"),
    Action.SENT: N_("Sent a page"),
    Action.DOWNLOADED: N_("Downloaded a document"),
    Action.EXPORTED: N_("Exported the case file"),
    Action.REFUSED: N_("Refused: the case is restricted"),
    Action.SIGNED_IN: N_("Signed in"),
    Action.SIGN_IN_FAILED: N_("Sign-in failed"),
    Action.SIGNED_OUT: N_("Signed out"),
    Action.ACCOUNT_CREATED: N_("Account created"),
    Action.ROLE_CHANGED: N_("Role changed"),
    Action.TEAM_CHANGED: N_("Team changed"),
    Action.DEACTIVATED: N_("Account deactivated"),
    Action.REACTIVATED: N_("Account reactivated"),
    Action.UNLOCKED: N_("Sign-in unlocked"),
    Action.TEAM_CREATED: N_("Team created"),
    Action.LOG_SEARCHED: N_("Searched the access log"),
    Action.LOG_EXPORTED: N_("Downloaded the access log"),
    Action.ALLOCATED: N_("Case allocated"),
    Action.RESTRICTED: N_("Case restricted"),
    Action.RESTRICTION_LIFTED: N_("Restriction lifted"),
    Action.IMPORTED: N_("Case imported"),
    Action.RECIPIENT_ADDED: N_("Recipient added"),
    Action.RECIPIENT_CHANGED: N_("Recipient changed"),
    Action.RECIPIENT_REMOVED: N_("Recipient removed"),
    Action.RECIPIENT_CONFIRMED: N_("Recipient confirmed"),
    Action.CIRCULATED: N_("Recorded copies as sent"),
    Action.INTERPRETED: N_("Entered an interpreter’s translations"),
    Action.WITHHELD: N_("Changed who must not see an answer"),
    Action.RETURN_CHECKED: N_("Checked a statutory return"),
    Action.RETURN_DOWNLOADED: N_("Downloaded a statutory return"),
}

# What each page that shows a child's data is, in the words the log shows; any other is its address.
PAGES: dict[str, str] = {
    "cases.home": "Home page: list of assessments",
    "cases.case": "Case page",
    "cases.children": "Children of the household",
    "cases.new_child": "Add a child",
    "cases.remove_child": "Remove a child",
    "cases.allocation": "Allocation",
    "cases.restriction": "Restriction",
    "cases.export": "Case file",
    "wizard.task_list": "Task list",
    "wizard.question": "Question page",
    "wizard.item": "Question page: an entry in a list",
    "wizard.remove_item": "Remove an entry from a list",
    "wizard.check_answers": "Check answers",
    "wizard.document": "Document",
    "wizard.document_pdf": "Document as PDF",
    "withholding.withhold": "Who must not see this",
    "history.history": "History",
    "history.revision": "The assessment as a revision left it",
    "history.seen": "Who has seen this record",
    "chronology.chronology_page": "Chronology",
    "approval.decide": "Approval",
    "approval.reopen": "Reopen",
    "approval.decision": "Manager’s decision",
    "approval.plan_review": "Plan review",
    "approval.send_for_approval": "Send for approval",
    "distribution.recipients": "Distribution list",
    "distribution.new_recipient": "Distribution list: add a recipient",
    "distribution.recipient": "Distribution list: a recipient",
    "distribution.remove_recipient": "Distribution list: remove a recipient",
    "distribution.confirm_recipient": "Distribution list: confirm a recipient",
    "circulation.circulation": "Circulation of the plans and outcomes",
    "circulation.one_copy": "Circulation: one recipient’s copy",
    "circulation.every_copy": "Circulation: every copy (zip)",
    "circulation.record_sent": "Circulation: copies recorded as sent",
    "interpreting.translations": "Interpreter’s translations",
    "returns.returns_page": "Statutory returns",
    "returns.cin_download": "Statutory returns: the Children in Need census",
    "returns.annex_a_download": "Statutory returns: Ofsted’s Annex A list 4",
}

NAME_LENGTH = 200


@dataclass
class Shown:
    """What this request showed: a case, or a list of several, and the children it was about."""

    user: User
    case: Case | None
    children: list[Child | Listed]
    action: Action = Action.VIEWED
    detail: str = ""
    # Read when the case was shown: a save's commit expires the case, and the event needs no more of it.
    user_id: int | None = None
    case_id: int | None = None
    case_reference: str | None = None


@dataclass(frozen=True)
class Listed:
    """A child a list showed, by id and the name the list showed, without loading their record."""

    id: int
    name: str


def child_label(child: Child | Listed) -> str:
    """A child as the log names them: the name typed then, kept even if the child is removed."""
    name = child.name if isinstance(child, Listed) else child.answers.get(known.CHILD_NAME)
    return (name.strip() if isinstance(name, str) and name.strip() else "Unnamed child")[:NAME_LENGTH]


def shown(case: Case | None, children: Iterable[Child | Listed]) -> None:
    """This request shows `children` (of `case`, or of a list of cases when None)."""
    user = g.user  # whoever the request ends as, this is who saw
    g.audit_shown = Shown(
        user,
        case,
        list(children),
        user_id=user.id if user is not None else None,
        case_id=case.id if case is not None else None,
        case_reference=case.reference if case is not None else None,
    )


def about(action: Action, detail: str = "") -> None:
    """What this request did with what it showed, when it was more than a view (a download)."""
    noted: Shown | None = g.get("audit_shown")
    if noted is not None:
        noted.action, noted.detail = action, detail


def record(
    action: Action,
    *,
    user: User | None,
    case: Case | None = None,
    children: Iterable[Child | Listed] = (),
    detail: str = "",
) -> AccessEvent:
    """Add an event to the session's transaction: it is written when the caller commits."""
    event = AccessEvent(
        user_id=user.id if user is not None else None,
        action=action.value,
        case_id=case.id if case is not None else None,
        case_reference=case.reference if case is not None else None,
        detail=detail,
    )
    event.children = [AccessedChild(child_id=child.id, name=child_label(child)) for child in children]
    db.session.add(event)
    return event


def log_request(response: Response) -> Response:
    """After every request that showed a child's data: its one event, whatever the response (unless a
    save has written it already, in the save's own transaction)."""
    noted: Shown | None = g.pop("audit_shown", None)
    if noted is None or response.status_code == 404:  # a page not found showed nobody's record
        return response
    session = db.session
    if session.new or session.dirty or session.deleted:
        session.rollback()  # what the view did not commit it meant not to save; the log is its own
    if g.pop("audit_written", False):
        return response
    _reload_expired(noted.children)
    session.add(_event(noted))
    session.commit()
    return response


def with_the_save() -> None:
    """Add this request's event to the save about to be committed, so that the save and the record of
    who made it are one write transaction; `unwritten` when that transaction is rolled back."""
    noted: Shown | None = g.get("audit_shown")
    if noted is not None and not g.get("audit_written"):
        db.session.add(_event(noted))
        g.audit_written = True


def unwritten() -> None:
    g.audit_written = False


def _event(noted: Shown) -> AccessEvent:
    action = noted.action
    if action is Action.VIEWED and request.method == "POST":
        action = Action.SENT
    page = PAGES.get(request.endpoint or "", request.path)
    detail = f"{page}: {noted.detail}" if noted.detail else page
    event = AccessEvent(
        user_id=noted.user_id,
        action=action.value,
        case_id=noted.case_id,
        case_reference=noted.case_reference,
        detail=f"{detail} ({request.path})",
    )
    event.children = [AccessedChild(child_id=child.id, name=child_label(child)) for child in noted.children]
    return event


def _reload_expired(children: list[Child | Listed]) -> None:
    """A save's commit expires what the request had loaded, and the event reads each child's id and
    name: load the expired ones again in one query rather than one each (the names are as saved). A
    list's children are plain data and never expire."""
    expired = {}
    for child in children:
        if isinstance(child, Listed):
            continue
        state = inspect(child)
        if state.expired and state.persistent:
            expired[state.identity[0]] = child
    if expired:
        db.session.scalars(db.select(Child).where(Child.id.in_(expired))).all()
