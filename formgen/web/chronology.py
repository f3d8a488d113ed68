"""A child's chronology (K5, H2): every event of theirs, filtered by kind and dates, with links to add
one. The events are the engine's (formgen.engine.chronology), so this page, the record and the
chronology document agree; an event added by hand is an item of a list, saved by the wizard's pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, g, render_template, request, url_for

from formgen.capabilities import Capability
from formgen.engine.assessment import Assessment
from formgen.engine.chronology import KIND_LABELS, Event, Kind, chronology, filtered
from formgen.i18n import _
from formgen.spec import known_fields as known
from formgen.spec.model import Page, Section
from formgen.web import pages, runner
from formgen.web.access import needs
from formgen.web.links import back_to_tasks, url
from formgen.web.logsearch import DATE_PARTS, typed_day
from formgen.web.security import require_sign_in, without_control_characters
from formgen.web.services import services

blueprint = Blueprint("chronology", __name__, url_prefix="/cases/<reference>/children/<key>")
blueprint.before_request(require_sign_in)  # every page here shows a child's data


@blueprint.route("/chronology")
@needs(Capability.VIEW_ASSESSMENT)
def chronology_page(reference: str, key: str):
    subject = runner.load_subject(reference, key)  # logs the view of this child's record
    form = services().form
    kinds = {Kind(value) for value in request.args.getlist("kind") if value in set(Kind)}
    typed = {
        name: {part: _part(request.args.get(f"{name}-{part}")) for part in DATE_PARTS}
        for name in ("from", "to")
    }
    errors: list[dict[str, str]] = []
    since = typed_day(typed["from"], "from", "The first day", errors)  # a key of logsearch.DAY_MESSAGES
    until = typed_day(typed["to"], "to", "The last day", errors)
    if since and until and until < since:
        errors.append(
            {"text": _("The last day must be the same as or after the first day"), "href": "#to-day"}
        )
    events = chronology(
        form,
        subject.case.to_case_file(),
        subject.child.key,
        today=date.today(),
        assessment=subject.assessment(form),
    )
    shown = events if errors else filtered(events, kinds=kinds, since=since, until=until)
    return render_template(
        "chronology/chronology.html",
        subject=subject,
        name=pages.child_name(subject.case, subject.child),
        events=[_row(event) for event in shown],
        total=len(events),
        filtering=bool(kinds or since or until),
        kinds=[
            {"value": kind.value, "text": _(label), "checked": kind in kinds}
            for kind, label in KIND_LABELS.items()
        ],
        dates=typed,
        errors=errors,
        adding=_adding(subject),
        back=back_to_tasks(subject),
    )


def beside(
    subject: pages.Subject, section: Section, page: Page | None, assessment: Assessment
) -> dict[str, Any] | None:
    """The chronology beside the analysis (H2): on each page of the section that keeps the child's own
    events, but that list's own page, for those who read the assessment."""
    form = services().form
    info = form.fields.get(known.CHILD_EVENTS)
    if (
        subject.child is None
        or info is None
        or info.section.id != section.id
        or page is None
        or any(field.id == known.CHILD_EVENTS for field in page.fields)
        or not g.user.can(Capability.VIEW_ASSESSMENT)
    ):
        return None
    events = chronology(
        form, subject.case.to_case_file(), subject.child.key, today=date.today(), assessment=assessment
    )
    return {
        "events": [_row(event) for event in events],
        "href": url_for(
            "chronology.chronology_page", reference=subject.case.reference, key=subject.child.key
        ),
    }


def _part(value: str | None) -> str:
    return without_control_characters(value or "").strip()[:4]


def _row(event: Event) -> dict[str, Any]:
    return {
        "day": event.day,
        "what": event.what,
        "kind": _(event.kind_label),
        "source": event.source,
        "significance": event.significance,
        "household": event.household,
        # Where the practitioner typed the source, as they did for the events they added: their words.
        "typed_source": event.kind in (Kind.ADDED, Kind.HOUSEHOLD),
    }


def _adding(subject: pages.Subject) -> list[dict[str, str]]:
    """Where this person may add an event: the child's own list, and the household's, on the wizard's
    pages (which save, check and protect them like any other answer)."""
    form = services().form
    links = []
    for group_id, text, household in (
        (known.CHILD_EVENTS, _("Add an event for this child"), False),
        (known.HOUSEHOLD_EVENTS, _("Add an event for the whole family"), True),
    ):
        info = form.fields.get(group_id)
        if info is None or info.field.hidden or not g.user.can(form.answered_by(info.section)):
            continue
        page = next(page for page in info.section.pages if any(f.id == group_id for f in page.fields))
        where = pages.Subject(subject.case, None) if household else subject
        links.append(
            {"href": url(where, "question", section_id=info.section.id, page_id=page.id), "text": text}
        )
    return links
