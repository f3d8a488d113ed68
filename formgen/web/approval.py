"""The assessment's other half (J1 to J3, A2): sending it for approval, the manager's approval or return,
reopening, the decisions the procedure reserves to a manager, and the manager's reviews of the plan.

Who took a step and when come from the account and the clock (engine.review), and so do the steps'
own rules (which stage allows which step). These views check the rest: the capability, that the
assessment is complete enough for the step, that nobody changed it since the page was opened, and
that no manager approves an assessment they wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, g, render_template, request, url_for
from flask import redirect as redirect_to
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from formgen.capabilities import Capability
from formgen.engine.assessment import PRACTITIONER, Assessment, PendingDecision
from formgen.engine.removal import HOUSEHOLD
from formgen.engine.review import (
    RULES,
    STAGE_SENTENCES,
    Decision,
    PlanReview,
    Review,
    Stage,
    Step,
    StepRefused,
)
from formgen.fieldtypes import Parsed, capitalised, display, missing_message
from formgen.i18n import N_, _
from formgen.spec.form import FieldInfo
from formgen.web import pages, revisions, summaries
from formgen.web.access import decision_refusal, needs, wrote
from formgen.web.extensions import db
from formgen.web.links import back_to_tasks, url
from formgen.web.models import Child
from formgen.web.pages import Subject
from formgen.web.runner import load_subject, locked, save_records, sent_version
from formgen.web.security import require_sign_in
from formgen.web.services import services

blueprint = Blueprint("approval", __name__, url_prefix="/cases/<reference>/children/<key>")
blueprint.before_request(require_sign_in)  # every page here shows a child's data


def _here(endpoint: str, subject: Subject, **values: Any) -> str:
    return url_for(f"approval.{endpoint}", reference=subject.case.reference, key=subject.child.key, **values)


# How the task list offers each step: a button that posts at once, or a link to the page that asks.
# Approving and returning share one page.
OFFERS = {
    Step.SEND: ("post", "send_for_approval", RULES[Step.SEND].button),
    Step.APPROVE: ("href", "decide", N_("Review and approve")),
    Step.REOPEN: ("href", "reopen", RULES[Step.REOPEN].button),
}


def offered(subject: Subject, review: Review) -> list[dict[str, str]]:
    """The steps the signed-in person can take now (the rules of engine.review), as the task list
    offers them."""
    steps = []
    for step, (kind, endpoint, text) in OFFERS.items():
        rule = RULES[step]
        if g.user.can(rule.capability) and review.stage in rule.before:
            steps.append({"text": _(text), kind: _here(endpoint, subject)})
    return steps


def _take(child: Child, step: Step, sent: MultiDict, **details: Any) -> str | None:
    """Take a step if nobody changed the assessment since the page was opened; else say why not."""
    if sent_version(sent) != child.version:
        return _("Someone changed this assessment after you opened the page. Check it, then try again.")
    try:
        child.review = child.review.taken(step, g.user.as_person(), **details)
        if step in (Step.SEND, Step.APPROVE):
            # The household's answers are held from now on: touching the case raises its version, so a
            # household page opened before cannot save over what the manager reviews.
            child.case.updated_at = datetime.now(UTC)
        summaries.refresh(child.case)
        db.session.commit()
    except StepRefused as refused:
        db.session.rollback()
        return f"{refused}."
    except StaleDataError:
        db.session.rollback()
        return _("Someone changed this assessment at the same moment. Check it, then try again.")
    return None


def _form_page(template: str, status: int, **context: Any):
    return render_template(template, **context), status


# --- sending for approval ---------------------------------------------------------------------------


@blueprint.route("/send", methods=["POST"])
@needs(Capability.EDIT_ASSESSMENT)
def send_for_approval(reference: str, key: str):
    """Send the assessment to the team's managers, once every required answer is given."""
    subject = load_subject(reference, key)
    missing = _missing(subject, subject.assessment(services().form))
    if missing:
        return _form_page(
            "approval/missing.html", 400, subject=subject, errors=missing, back=back_to_tasks(subject)
        )
    refused = _take(subject.child, Step.SEND, request.form)
    if refused:
        return locked(refused, back_to_tasks(subject))
    flash(_("The assessment has been sent for approval. Your team’s managers see it on their home page."))
    return redirect_to(back_to_tasks(subject))


def _missing(subject: Subject, assessment: Assessment) -> list[dict[str, str]]:
    """Every required answer not given yet, each linked to the page that asks it."""
    missing = []
    for error in assessment.errors(answering=PRACTITIONER):
        info = assessment.form.info(error.field, error.group)
        page = assessment.form.info(info.group.id).page if info.group else info.page
        target = {"section_id": info.section.id, "page_id": page.id}
        missing.append({"text": error.message, "href": url(subject, "question", **target)})
    return missing


# --- approving or returning -------------------------------------------------------------------------


def approval_problems(subject: Subject, assessment: Assessment) -> list[dict[str, str]]:
    """What stands between the assessment and its approval, each linked to where it is put right."""
    form = assessment.form
    problems = []
    for section in form.sections:
        if form.answered_by(section) is not Capability.APPROVE or not assessment.section_visible(section):
            continue
        if assessment.errors(section, answering={Capability.APPROVE}):
            first = {"section_id": section.id, "page_id": section.pages[0].id}
            text = _(
                "Complete the %(section)s: every checklist question needs an answer",
                section=_(section.title).lower(),
            )
            problems.append({"text": text, "href": url(subject, "question", **first)})
    for pending in assessment.pending_decisions():
        problems.append(
            {
                "text": _(
                    "Record the decision: %(decision)s", decision=pages.decision_words(assessment, pending)
                ),
                "href": decision_url(subject, pending),
            }
        )
    if wrote(subject.case, subject.child, g.user):
        problems.append(
            {
                "text": _(
                    "You cannot approve an assessment you wrote or sent: ask another manager of the team"
                ),
                "href": "#approve",
            }
        )
    return problems


@blueprint.route("/approval", methods=["GET", "POST"])
@needs(Capability.APPROVE)
def decide(reference: str, key: str):
    """Approve the assessment, or return it to the practitioner with comments (J2)."""
    subject = load_subject(reference, key)
    child = subject.child
    if child.review.stage is not Stage.SENT:
        return locked(
            _(
                "It cannot be approved or returned now: %(stage)s.",
                stage=_(STAGE_SENTENCES[child.review.stage]),
            ),
            back_to_tasks(subject),
        )
    assessment = subject.assessment(services().form)
    problems = approval_problems(subject, assessment)
    errors: list[dict[str, str]] = []
    step = request.form.get("step")
    needed = (
        _("Enter what needs to change before the assessment can be approved") if step == Step.RETURN else None
    )
    comments, comment_errors = pages.text_box(request.form, "comments", _("Your comments"), needed)
    if request.method == "POST":
        if step == Step.APPROVE and problems:
            errors = problems
        elif step == Step.RETURN and comment_errors:
            errors = comment_errors
        elif step in (Step.APPROVE, Step.RETURN):
            approved = revisions.number(subject.case, child)
            details = {"version": approved} if step == Step.APPROVE else {"comment": comments}
            refused = _take(child, Step(step), request.form, **details)
            if refused is None:
                flash(
                    _("The assessment has been approved.")
                    if step == Step.APPROVE
                    else _("The assessment has been returned to the practitioner, with your comments.")
                )
                return redirect_to(back_to_tasks(subject))
            errors = [{"text": refused, "href": "#comments"}]
        else:
            abort(400)
    return _form_page(
        "approval/decide.html",
        400 if errors else 200,
        subject=subject,
        name=assessment.child_name,
        sent=child.review.events[-1],
        problems=problems,
        errors=errors,
        comments=comments,
        version=child.version,
        back=back_to_tasks(subject),
    )


@blueprint.route("/reopen", methods=["GET", "POST"])
@needs(Capability.APPROVE)
def reopen(reference: str, key: str):
    """Reopen an approved assessment, with a reason: it can then change and be sent again (J3)."""
    subject = load_subject(reference, key)
    child = subject.child
    if child.review.stage is not Stage.APPROVED:
        return locked(
            _(
                "Only an approved assessment is reopened: %(stage)s.",
                stage=_(STAGE_SENTENCES[child.review.stage]),
            ),
            back_to_tasks(subject),
        )
    reason, errors = pages.text_box(
        request.form, "reason", _("The reason"), _("Enter why the assessment needs to be reopened")
    )
    if request.method != "POST":
        errors = []
    elif not errors:
        refused = _take(child, Step.REOPEN, request.form, comment=reason)
        if refused is None:
            flash(_("The assessment has been reopened. The practitioner can change it and send it again."))
            return redirect_to(back_to_tasks(subject))
        errors = [{"text": refused, "href": "#reason"}]
    return _form_page(
        "approval/reopen.html",
        400 if errors else 200,
        subject=subject,
        name=pages.child_name(subject.case, child),
        errors=errors,
        reason=reason,
        version=child.version,
        back=back_to_tasks(subject),
    )


# --- the decisions reserved to a manager --------------------------------------------------------------


def decision_url(subject: Subject, pending: PendingDecision) -> str:
    item = pending.item.get("id") if pending.item is not None else None
    return _here("decision", subject, field=pending.info.key, item=item)


@blueprint.route("/decisions/<field>", methods=["GET", "POST"], defaults={"item": None})
@blueprint.route("/decisions/<field>/<item>", methods=["GET", "POST"])
@needs(Capability.RECORD_MANAGER_DECISION)
def decision(reference: str, key: str, field: str, item: str | None):
    """A manager records a decision the procedure reserves to them: why, typed; who and when, recorded."""
    subject = load_subject(reference, key)
    form = services().form
    info = form.fields.get(field)
    if info is None or info.field.answered_by is not Capability.RECORD_MANAGER_DECISION:
        abort(404)
    section = info.section
    assessment = subject.assessment(form)
    entry, index = _entry(assessment, info, item)
    if not assessment.is_visible(info, entry, index):
        abort(404)  # the answers do not call for it
    refusal = decision_refusal(subject.case, subject.child, section)
    if refusal:
        return locked(refusal, back_to_tasks(subject))
    record = subject.record(section)
    stored = subject.answers_for(section)
    state = pages.stored_state([info], entry if entry is not None else stored)
    status, conflict = 200, False
    if request.method == "POST":
        posted = pages.read(assessment, [info], request.form, item=entry, index=index)
        state = posted.state
        answer = posted.values.get(info.field.id)
        if not state.errors and answer is None:
            state.errors[info.field.id] = Parsed(error=missing_message(info.field))
        if not state.errors:
            answers = _with_answer(stored, info, item, answer)
            scope = HOUSEHOLD if section.scope == "household" else subject.child.key

            def record_who_and_when() -> None:
                record.decisions = _recorded(record.decisions, info, item)

            if save_records(
                subject,
                record,
                sent_version(request.form),
                {scope: answers},
                also=record_who_and_when,
                kind=revisions.Kind.DECISION,
            ):
                words = pages.decision_words(assessment, PendingDecision(info, entry))
                flash(_("Your decision has been recorded: %(decision)s.", decision=words))
                return redirect_to(back_to_tasks(subject))
            conflict = True  # what was typed is shown again, with the banner; Continue then saves it
        status = 409 if conflict else 400
    return pages.form_page(
        assessment,
        [info],
        state,
        item=entry,
        index=index,
        caption=_("A decision for a manager: %(name)s", name=pages.child_name(subject.case, subject.child)),
        title=capitalised(pages.decision_words(assessment, PendingDecision(info, entry))),
        recorded=_recorded_answers(assessment, info, entry, index),
        version=record.version,
        conflict=conflict,
        back=back_to_tasks(subject),
    ), status


def _entry(assessment: Assessment, info: FieldInfo, item: str | None) -> tuple[dict | None, int | None]:
    """The item of a list a decision is about (a person), and its index; none for a question of its own."""
    if (info.group is None) != (item is None):
        abort(404)
    if info.group is None:
        return None, None
    for index, entry in enumerate(assessment.items(info.group.id)):
        if str(entry.get("id")) == item:
            return entry, index
    abort(404)


def _with_answer(stored: dict, info: FieldInfo, item: str | None, answer: Any) -> dict:
    if info.group is None:
        return {**stored, info.field.id: answer}
    items = [
        {**entry, info.field.id: answer} if str(entry.get("id")) == item else entry
        for entry in stored.get(info.group.id) or []
    ]
    return {**stored, info.group.id: items}


def _recorded(decisions: list[dict], info: FieldInfo, item: str | None) -> list[dict]:
    """The decisions less any earlier record of this one, plus who records it now and when."""
    kept = [d for d in decisions if (d.get("field"), d.get("item")) != (info.key, item)]
    record = Decision(field=info.key, item=item, by=g.user.as_person(), at=datetime.now(UTC))
    return [*kept, record.model_dump(mode="json", exclude_none=True)]


def _recorded_answers(
    assessment: Assessment, info: FieldInfo, entry: dict | None, index: int | None
) -> list[dict[str, str]]:
    """What the practitioner answered on the decision's page (or in the person's entry), for the manager."""
    rows = []
    if entry is not None:
        group = assessment.form.info(info.group.id)
        for other in assessment.form.item_fields(group.field):
            if other.field.answered_by is Capability.EDIT_ASSESSMENT and assessment.is_visible(
                other, entry, index
            ):
                text = display(
                    other.field, assessment.item_value(other, entry, index), assessment.people(other)
                )
                rows.append({"key": _(other.field.document_label), "value": text})
        return rows
    for other in pages.page_fields(assessment.form, info.page, Capability.EDIT_ASSESSMENT):
        if other.field.type != "group" and assessment.is_visible(other):
            text = display(other.field, assessment.value(other.field.id), assessment.people(other))
            rows.append({"key": _(other.field.label), "value": text})
    return rows


# --- reviews of the assessment plan -------------------------------------------------------------------


@blueprint.route("/plan-reviews/new", methods=["GET", "POST"])
@needs(Capability.REVIEW_PLAN)
def plan_review(reference: str, key: str):
    """A manager's review of the assessment plan (§12): what was checked and what must change."""
    subject = load_subject(reference, key)
    case = subject.case
    checked, errors = pages.text_box(
        request.form, "checked", _("What you checked"), _("Enter what you checked in the assessment plan")
    )
    changes, change_errors = pages.text_box(request.form, "changes", _("What must change"))
    errors = [*errors, *change_errors] if request.method == "POST" else []
    if request.method == "POST" and not errors:
        # A review adds to the case's reviews whatever else changed since the page was opened.
        review = PlanReview(
            by=g.user.as_person(), at=datetime.now(UTC), checked=checked.strip(), changes=changes.strip()
        )
        case.plan_reviews = [*case.plan_reviews, review.model_dump(mode="json", exclude_none=True)]
        try:
            summaries.refresh(case)  # a review recorded on or after a review date meets it
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            errors = [
                {"text": _("Someone changed this case at the same moment. Try again"), "href": "#checked"}
            ]
        else:
            flash(_("Your review of the assessment plan has been recorded."))
            return redirect_to(back_to_tasks(subject))
    return _form_page(
        "approval/plan_review.html",
        400 if errors else 200,
        subject=subject,
        errors=errors,
        checked=checked,
        changes=changes,
        version=case.version,
        back=back_to_tasks(subject),
    )
