"""A child's assessment over time: its revisions with what each changed, the assessment as any revision
left it, and who has seen the record (J3 and the access log)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, url_for
from sqlalchemy import select

from formgen.capabilities import Capability, role_label
from formgen.engine.changes import changes
from formgen.i18n import _
from formgen.web import audit, pages, revisions
from formgen.web.access import needs
from formgen.web.extensions import db
from formgen.web.links import back_to_tasks
from formgen.web.models import AccessedChild, AccessEvent, Revision
from formgen.web.runner import load_subject
from formgen.web.security import require_sign_in
from formgen.web.services import services

blueprint = Blueprint("history", __name__, url_prefix="/cases/<reference>/children/<key>")
blueprint.before_request(require_sign_in)  # every page here shows a child's data

SEEN_LIMIT = 500  # the most recent; the audit search has the rest


def _entry(revisions_of: list[Revision], number: int) -> dict[str, Any]:
    """One revision as the History page lists it: who, when, and what changed, in words."""
    now = revisions.as_at(revisions_of, number)
    revision = now.revision
    household = revision.child_id is None
    before = pages.reading(
        *revisions.readable(
            now.before if household else now.household,
            now.child if household else now.before,
        )
    )
    return {
        "number": number,
        "revision": revision,
        "kind": _(revisions.KIND_LABELS[revisions.Kind(revision.kind)]),
        "whose": _("The household’s answers") if household else _("This child’s answers"),
        # A record's first answers are all new: the revision's own page reads them better than a table.
        "first": now.first,
        "changes": []
        if now.first
        else changes(
            before,
            pages.reading(*revisions.readable(now.household, now.child)),
            "household" if household else "child",
        ),
    }


@blueprint.route("/history")
@needs(Capability.VIEW_ASSESSMENT)
def history(reference: str, key: str):
    subject = load_subject(reference, key)
    kept = revisions.history(subject.case, subject.child)
    entries = [_entry(kept, number) for number in range(len(kept), 0, -1)]
    return render_template(
        "history/history.html",
        subject=subject,
        name=pages.child_name(subject.case, subject.child),
        entries=entries,
        back=back_to_tasks(subject),
    )


@blueprint.route("/history/<int:number>")
@needs(Capability.VIEW_ASSESSMENT)
def revision(reference: str, key: str, number: int):
    """The assessment as revision `number` left it, read only."""
    subject = load_subject(reference, key)
    kept = revisions.history(subject.case, subject.child)
    now = revisions.as_at(kept, number)
    if now is None:
        abort(404)
    audit.about(audit.Action.VIEWED, f"revision {number}")
    assessment = pages.reading(*revisions.readable(now.household, now.child))
    form = services().form
    sections = [
        {
            "section": section,
            "rows": [
                {
                    "key": _(info.field.label),
                    "lines": pages.answer_lines(assessment, info),
                    "lang": pages.answer_language(assessment, info),
                }
                for _shown, info in pages.questions_shown(assessment, section, form.answered_by(section))
            ],
        }
        for section in assessment.relevant_sections()
    ]
    return render_template(
        "history/revision.html",
        subject=subject,
        name=pages.child_name(subject.case, subject.child),
        number=number,
        latest=len(kept),
        revision=now.revision,
        kind=_(revisions.KIND_LABELS[revisions.Kind(now.revision.kind)]),
        sections=sections,
        back=url_for("history.history", reference=reference, key=key),
    )


@blueprint.route("/seen")
@needs(Capability.VIEW_ASSESSMENT)
def seen(reference: str, key: str):
    """Who has seen this child's record, newest first: every logged request that named the child."""
    subject = load_subject(reference, key)
    events = db.session.scalars(
        select(AccessEvent)
        .join(AccessedChild)
        .where(AccessedChild.child_id == subject.child.id)
        .order_by(AccessEvent.id.desc())
        .limit(SEEN_LIMIT)
    ).all()
    return render_template(
        "history/seen.html",
        subject=subject,
        name=pages.child_name(subject.case, subject.child),
        events=[_seen_row(event) for event in events],
        limit=SEEN_LIMIT,
        back=back_to_tasks(subject),
    )


def _seen_row(event: AccessEvent) -> dict[str, Any]:
    user = event.user
    return {
        "at": event.at,
        "who": user.name if user is not None else _("The command line"),
        "role": _(role_label(user.role)) if user is not None else None,
        "what": _(audit.ACTION_LABELS[audit.Action(event.action)]),
        "detail": event.detail,
    }
