"""Who may use a view, who may see a case, and when an assessment may be changed.

Every view declares the capabilities that let someone use it (`needs`), and a test walks the route
table to prove none is left without; a case is seen by its allocated worker and, with `view_team`,
by its team; an assessment sent for approval or approved is not changed until a manager returns or
reopens it (J3). Role names are never compared here: only capabilities (formgen.capabilities).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, make_response, render_template
from sqlalchemy import and_, or_

from formgen.capabilities import Capability
from formgen.engine.review import EDITABLE, STAGE_SENTENCES, Stage, Step
from formgen.i18n import _
from formgen.spec.model import Section
from formgen.web import audit
from formgen.web.extensions import db
from formgen.web.models import Case, Child, User
from formgen.web.pages import child_name

View = TypeVar("View", bound=Callable[..., Any])
ANYONE = frozenset(Capability)  # a view for every signed-in person (the home page)


def needs(*capabilities: Capability) -> Callable[[View], View]:
    """The view is for someone who holds at least one of `capabilities`; anyone else gets Forbidden."""
    allowed = frozenset(capabilities)

    def declare(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not g.user.capabilities & allowed:
                abort(403)
            return view(*args, **kwargs)

        guarded.capabilities = allowed  # type: ignore[attr-defined] - read by the route test
        return guarded  # type: ignore[return-value]

    return declare


def require(capability: Capability) -> None:
    """Forbidden unless the signed-in person holds `capability` (for a step inside a view)."""
    if not g.user.can(capability):
        abort(403)


def cases_seen_by(user: User):
    """The condition on cases that `user` may see: their own, and their team's with view_team; of
    restricted cases, only those open to them."""
    seen = Case.worker_id == user.id
    if user.can(Capability.VIEW_TEAM) and user.team_id is not None:
        seen = or_(seen, Case.team_id == user.team_id)
    return and_(seen, or_(Case.restriction.is_(None), Case.open_to.any(User.id == user.id)))


def visible_case(reference: str) -> Case:
    """A case the signed-in person may see, noted for the access log; a restricted case says so to
    anyone it is not open to (and the refusal is logged); any other reference is "not found", so none
    can be guessed."""
    case = db.session.scalar(db.select(Case).where(Case.reference == reference))
    if case is None:
        abort(404)
    if not case.is_open_to(g.user):
        audit.shown(case, case.children)
        audit.about(audit.Action.REFUSED)
        abort(make_response(render_template("errors/restricted.html", restriction=case.restricted), 403))
    if db.session.scalar(db.select(Case.id).where(Case.id == case.id, cases_seen_by(g.user))) is None:
        abort(404)
    audit.shown(case, case.children)
    return case


def edit_refusal(case: Case, child: Child | None, section: Section, answering: Capability) -> str | None:
    """Why the section's answers cannot be changed now, or None when they can.

    A practitioner changes answers while the assessment is a draft, returned or reopened; the manager
    answers the review while it waits for approval. The household's answers are shared by every child's
    assessment, so they are held while any of them is with a manager or approved.
    """
    if answering is Capability.APPROVE:
        stage = child.review.stage if child else Stage.DRAFT
        if stage is Stage.SENT:
            return None
        return _(
            "The review is recorded while the assessment waits for approval: %(stage)s.",
            stage=_(STAGE_SENTENCES[stage]),
        )
    if child is not None and section.scope == "child":
        return _held_by(child, case) if child.review.stage not in EDITABLE else None
    held = [sibling for sibling in case.children if sibling.review.stage not in EDITABLE]
    return _held_by(held[0], case) if held else None


def decision_refusal(case: Case, child: Child, section: Section) -> str | None:
    """Why a decision reserved to a manager cannot be recorded now, or None: a manager records them
    until the assessment is approved; one of the household's, until any child's assessment is."""
    children = case.children if section.scope == "household" else [child]
    approved = [sibling for sibling in children if sibling.review.stage is Stage.APPROVED]
    return _held_by(approved[0], case) if approved else None


def wrote(case: Case, child: Child, user: User) -> bool:
    """Whether `user` wrote the assessment: they held the case or sent it for approval, at any time.

    A manager never approves their own work (J2); the history, not only the present, decides it.
    """
    writers = {allocation.worker.email for allocation in case.allocation_history()}
    writers |= {event.by.email for event in child.review.events if event.step is Step.SEND}
    return user.email in writers


def _held_by(child: Child, case: Case) -> str:
    name = child_name(case, child)
    if child.review.stage is Stage.APPROVED:
        approval = child.review.approval
        return _(
            "%(name)s’s assessment was approved by %(manager)s, so it cannot be changed. "
            "A manager can reopen it, with a reason, if it needs to change.",
            name=name,
            manager=approval.by.name,
        )
    return _(
        "%(name)s’s assessment has been sent for approval, so it cannot be changed while a manager "
        "reviews it. Ask a manager to return it to you if something needs to change.",
        name=name,
    )
