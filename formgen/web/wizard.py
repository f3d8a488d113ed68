"""A child's assessment: the task list, the generated question pages, lists of people and things, check
answers and the documents. Household sections are reached from a child's task list or from the case.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, abort, g, render_template, request, send_file, url_for
from flask import redirect as redirect_to

from formgen.capabilities import Capability
from formgen.documents import DOCUMENTS, documents_for, render_document
from formgen.documents.formats import FormatError, as_format
from formgen.documents.names import download_name
from formgen.engine import Status
from formgen.engine.distribution import CopyFormat
from formgen.engine.overdue import overdue
from formgen.engine.removal import HOUSEHOLD, plan_removal
from formgen.engine.review import STAGE_LABELS
from formgen.engine.withholding import fitting_after
from formgen.i18n import _
from formgen.spec import known_fields as known
from formgen.spec.form import FieldInfo
from formgen.web import approval, audit, distribution, pages, removals, revisions
from formgen.web.access import edit_refusal, needs
from formgen.web.links import back_to_tasks, url
from formgen.web.runner import (
    ItemPage,
    QuestionPage,
    find_page,
    load_list,
    load_subject,
    locked,
    require_answerer,
    save_records,
    sent_version,
)
from formgen.web.security import require_sign_in
from formgen.web.services import services
from formgen.web.withheld import Withheld

blueprint = Blueprint("wizard", __name__, url_prefix="/cases/<reference>")
blueprint.before_request(require_sign_in)  # every page here shows a child's data


def _route(rule: str, **options: Any):
    """Register a view under a child's URL and under the household's (for pages shared by siblings)."""

    def register(view):
        blueprint.add_url_rule(f"/children/<key>{rule}", view_func=view, **options)
        blueprint.add_url_rule(f"/household{rule}", view_func=view, defaults={"key": None}, **options)
        return view

    return register


# --- task list -----------------------------------------------------------------------------------


@blueprint.route("/children/<key>")
@needs(Capability.VIEW_ASSESSMENT, Capability.CIRCULATE)
def task_list(reference: str, key: str):
    """A child's assessment at a glance: where it stands, its sections, what waits for a manager."""
    subject = load_subject(reference, key)
    form = services().form
    assessment = subject.assessment(form)
    case_file = subject.case.to_case_file()
    review = subject.child.review
    # Business support see where the assessment stands and produce its plan; what it says (the
    # decisions waiting, the plan's actions, a manager's comments) is for those who read answers (A3).
    reads = g.user.can(Capability.VIEW_ASSESSMENT)
    return render_template(
        "wizard/task_list.html",
        subject=subject,
        assessment=assessment,
        review=review,
        returned=review.returned if reads else None,
        stage_label=_(STAGE_LABELS[review.stage]),
        tasks=_tasks(subject, assessment),
        pending=[_pending(subject, assessment, p) for p in assessment.pending_decisions()] if reads else [],
        steps=approval.offered(subject, review),
        timescale=assessment.timescale(),  # as at completion once completed, else today
        started=assessment.value(known.START_DATE),
        overdue=overdue(assessment, subject.case.reviews_of_plan()) if reads else [],
        plan_reviews=subject.case.reviews_of_plan() if reads else [],
        reads=reads,
        documents=[
            (kind, _(DOCUMENTS[kind].title))
            for kind in documents_for(form, case_file, key, today=date.today())
            if g.user.capabilities & DOCUMENTS[kind].made_by
        ],
    )


def _tasks(subject, assessment) -> list[dict[str, Any]]:
    """Each section's task: whose it is, its status from that side, and a link for those who may open it."""
    form = assessment.form
    tasks = []
    for section in form.sections:
        if not assessment.section_visible(section):
            continue
        answering = form.answered_by(section)
        status = assessment.status(section, {answering})
        href = None
        if g.user.can(answering):
            first = {"section_id": section.id, "page_id": section.pages[0].id}
            href = url(subject, "question", **first) if status is Status.NOT_STARTED else None
            href = href or url(subject, "check_answers", section_id=section.id)
        elif g.user.can(Capability.VIEW_ASSESSMENT) and status is not Status.NOT_STARTED:
            href = url(subject, "check_answers", section_id=section.id)
        # A manager's section reads "For a manager" to everyone else, whatever its answers so far.
        manager = answering is Capability.APPROVE and not g.user.can(answering)
        tasks.append({"section": section, "status": status, "href": href, "manager": manager})
    return tasks


def _pending(subject, assessment, pending) -> dict[str, str | None]:
    """A decision waiting for a manager, in plain words, with where a manager records it."""
    href = approval.decision_url(subject, pending) if g.user.can(Capability.RECORD_MANAGER_DECISION) else None
    return {"what": pages.decision_words(assessment, pending), "href": href}


# --- question pages and the items of lists ------------------------------------------------------


@_route("/<section_id>/<page_id>", methods=["GET", "POST"])
@needs(Capability.EDIT_ASSESSMENT, Capability.APPROVE)
def question(reference: str, key: str | None, section_id: str, page_id: str):
    require_answerer(section_id)
    subject = load_subject(reference, key)
    section, page = find_page(section_id, page_id, subject)
    runner = QuestionPage(subject, section, page)
    return runner.get() if request.method == "GET" else runner.post(request.form)


@_route("/<section_id>/<page_id>/<group_id>/<item_id>", methods=["GET", "POST"])
@needs(Capability.EDIT_ASSESSMENT, Capability.APPROVE)
def item(reference: str, key: str | None, section_id: str, page_id: str, group_id: str, item_id: str):
    """Add an item to a list (item_id "new") or change one."""
    require_answerer(section_id)
    runner = ItemPage(load_list(reference, key, section_id, page_id, group_id), item_id)
    return runner.get() if request.method == "GET" else runner.post(request.form)


@_route("/<section_id>/<page_id>/<group_id>/<item_id>/remove", methods=["GET", "POST"])
@needs(Capability.EDIT_ASSESSMENT, Capability.APPROVE)
def remove_item(reference: str, key: str | None, section_id: str, page_id: str, group_id: str, item_id: str):
    """Remove an item from a list, once the person has confirmed it and seen what goes with it."""
    require_answerer(section_id)
    found = load_list(reference, key, section_id, page_id, group_id)
    index = found.index_of(item_id)
    if index is None:
        abort(404)
    form = services().form
    refusal = edit_refusal(
        found.subject.case, found.subject.child, found.section, form.answered_by(found.section)
    )
    if refusal:
        return locked(refusal, found.back())
    assessment = found.subject.assessment(form)
    name = assessment.item_label(found.group, found.items[index])
    case = found.subject.case
    answers = {child.key: child.answers for child in case.children}
    decisions = {HOUSEHOLD: case.decisions, **{child.key: child.decisions for child in case.children}}
    plan = plan_removal(form, case.household, answers, group_id, item_id, key, decisions)
    error, status = None, 200
    if request.method == "POST" and plan.allowed:
        answer = request.form.get("confirm")
        if answer == "no":
            return redirect_to(found.back())
        if answer == "yes":
            version = sent_version(request.form)
            dropped = _drop(case, plan, item_id if _people(found) else None)
            # The children's answers first: their history then names the person as they knew them.
            records = dict(sorted(plan.records.items(), key=lambda record: record[0] is HOUSEHOLD))
            if save_records(
                found.subject, found.record, version, records, also=dropped, kind=revisions.Kind.REMOVED
            ):
                return redirect_to(found.back())
            status = 409  # the banner explains; nothing was removed
        else:
            error, status = _("Select yes if you want to remove %(name)s", name=name), 400
    page = render_template(
        "wizard/remove.html",
        name=name,
        effects=removals.effects(found.subject, name, plan)
        + (distribution.person_effects(case, item_id) if _people(found) else []),
        exposures=removals.exposures(found.subject, plan),
        error=error,
        conflict=status == 409,
        version=found.record.version,
        back=found.back(),
    )
    return page, status


def _people(found) -> bool:
    """Whether the list is the household's people, whom the distribution list may name."""
    return found.subject.child is None and found.group.field.id == known.HOUSEHOLD_MEMBERS


def _drop(case, plan, person: str | None):
    """Write the decision records and withholdings a removal takes with it, and a removed person's place
    on the distribution list, in the same commit as its answers."""

    def drop() -> None:
        for child_key, records in plan.decisions.items():
            (case if child_key is HOUSEHOLD else case.child(child_key)).decisions = records
        kept = fitting_after(case.to_case_file().withheld, plan.records)
        case.withheld = [entry.model_dump(mode="json", exclude_none=True) for entry in kept]
        if person is not None:
            distribution.take_person_off(case, person)

    return drop


# --- check answers -------------------------------------------------------------------------------


@_route("/<section_id>/check")
@needs(Capability.VIEW_ASSESSMENT)
def check_answers(reference: str, key: str | None, section_id: str):
    """A section's answers; Change links for whoever may change them now."""
    subject = load_subject(reference, key)
    section, _ = find_page(section_id, None, subject)
    form = services().form
    answering = form.answered_by(section)
    changeable = g.user.can(answering) and not edit_refusal(subject.case, subject.child, section, answering)
    assessment = subject.assessment(form)
    withheld = Withheld.of(subject, assessment)
    rows = [
        _answer_row(subject, section, page, assessment, info, changeable, withheld)
        for page, info in pages.questions_shown(assessment, section, answering)
    ]
    return render_template(
        "wizard/check_answers.html",
        subject=subject,
        section=section,
        rows=rows,
        status=assessment.status(section, {answering}),
        changeable=changeable,
        back=back_to_tasks(subject),
    )


def _answer_row(
    subject, section, page, assessment, info: FieldInfo, changeable: bool, withheld: Withheld
) -> dict[str, Any]:
    """A question's row: its answer, and links to change it and to say who must not see it (F5), with
    who it is withheld from; a list's items each with their own."""
    change = url(subject, "question", section_id=section.id, page_id=page.id, **{"return": "check"})
    here = request.path
    lines = pages.answer_lines(assessment, info)
    items = None
    if info.field.type == "group":
        items = [
            {
                "label": assessment.item_label(info, item),
                "withheld": withheld.names(info, str(item.get("id"))),
                "withhold": withheld.href(info, str(item.get("id")), here),
            }
            for item in assessment.items(info.field.id)
        ]
    names = withheld.names(info) if items is None else []
    return {
        "change": change if changeable else None,
        "key": _(info.field.document_label if info.group else info.field.label),
        "lines": lines,
        "lang": pages.answer_language(assessment, info),
        "entries": items,
        "withheld": names,
        # An unanswered question has nothing to withhold, unless it was withheld while it had an answer.
        "withhold": withheld.href(info, None, here) if items is None and (lines or names) else None,
        "id": info.field.id,
    }


# --- documents -----------------------------------------------------------------------------------


@blueprint.route("/children/<key>/documents/<kind>.docx")
@needs(Capability.VIEW_ASSESSMENT, Capability.CIRCULATE)
def document(reference: str, key: str, kind: str):
    """One of a child's documents, in Word."""
    return _document(reference, key, kind, as_pdf=False)


@blueprint.route("/children/<key>/documents/<kind>.pdf")
@needs(Capability.VIEW_ASSESSMENT, Capability.CIRCULATE)
def document_pdf(reference: str, key: str, kind: str):
    """One of a child's documents as PDF; when the PDF cannot be made, a page that says why and offers
    the Word copy (never a Word file in the PDF's place)."""
    return _document(reference, key, kind, as_pdf=True)


def _document(reference: str, key: str, kind: str, *, as_pdf: bool):
    subject = load_subject(reference, key)
    loaded = services()
    case_file = subject.case.to_case_file()
    if kind not in documents_for(loaded.form, case_file, key, today=date.today()):
        abort(404)
    if not g.user.capabilities & DOCUMENTS[kind].made_by:
        abort(403)
    version = revisions.number(subject.case, subject.child)
    today = date.today()
    content = render_document(
        loaded.form, loaded.templates, case_file, key, kind, today=today, version=version
    )
    mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    extension = ".docx"
    if as_pdf:
        try:
            content, extension = as_format(content, CopyFormat.PDF)
        except FormatError as error:
            page = render_template(
                "wizard/no_pdf.html",
                subject=subject,
                title=_(DOCUMENTS[kind].title),
                reason=str(error),
                word_href=url_for("wizard.document", reference=reference, key=key, kind=kind),
            )
            return page, 409  # as a copy that cannot be made: the page is the answer
        mimetype = "application/pdf"
    audit.about(audit.Action.DOWNLOADED, DOCUMENTS[kind].title)  # the endpoint says which format
    # The file's name stays in English, "Unnamed child" included (formgen.documents.names).
    child = subject.assessment(loaded.form).child_name or ""
    name = download_name(kind, child, made_on=today, extension=extension)
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)
