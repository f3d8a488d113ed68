"""A child's assessment: the task list, the generated question pages, lists of people and things, check
answers and the documents. Household sections are reached from a child's task list or from the case.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, abort, g, render_template, request, send_file, url_for
from flask import redirect as redirect_to
from sqlalchemy.orm.exc import StaleDataError

from formgen.display import article
from formgen.documents import DOCUMENTS, documents_for, render_document
from formgen.documents.assemble import file_name
from formgen.engine import Status
from formgen.engine.journey import first_unanswered_page, next_page
from formgen.engine.removal import HOUSEHOLD, Removal, plan_removal
from formgen.fieldtypes import Parsed, display
from formgen.spec import known_fields as known
from formgen.spec.form import FieldInfo
from formgen.spec.model import Page, Section
from formgen.web import pages, removals
from formgen.web.extensions import db
from formgen.web.pages import PageState, Subject, owned_case
from formgen.web.security import require_sign_in
from formgen.web.services import services

blueprint = Blueprint("wizard", __name__, url_prefix="/cases/<reference>")
blueprint.before_request(require_sign_in)  # every page here shows a child's data

NEXT_STEPS = {"children": "cases.children"}  # where the new-case journey goes after the people page


def load_subject(reference: str, key: str | None) -> Subject:
    case = owned_case(reference)
    child = None
    if key is not None:
        child = case.child(key)
        if child is None:
            abort(404)
    return Subject(case, child)


def find_page(section_id: str, page_id: str | None, subject: Subject) -> tuple[Section, Page | None]:
    form = services().form
    try:
        section = form.section(section_id)
    except KeyError:
        abort(404)
    if section.scope == "child" and subject.child is None:
        abort(404)
    if page_id is None:
        return section, None
    page = next((page for page in section.pages if page.id == page_id), None)
    if page is None:
        abort(404)
    return section, page


def url(subject: Subject, endpoint: str, **values: Any) -> str:
    key = subject.child.key if subject.child else None
    return url_for(f"wizard.{endpoint}", reference=subject.case.reference, key=key, **values)


def back_to_tasks(subject: Subject) -> str:
    if subject.child is None:
        return url_for("cases.case", reference=subject.case.reference)
    return url(subject, "task_list")


def _route(rule: str, **options: Any):
    """Register a view under a child's URL and under the household's (for pages shared by siblings)."""

    def register(view):
        blueprint.add_url_rule(f"/children/<key>{rule}", view_func=view, **options)
        blueprint.add_url_rule(f"/household{rule}", view_func=view, defaults={"key": None}, **options)
        return view

    return register


# --- task list -----------------------------------------------------------------------------------


@blueprint.route("/children/<key>")
def task_list(reference: str, key: str):
    subject = load_subject(reference, key)
    form = services().form
    assessment = subject.assessment(form)
    tasks = []
    for section in form.sections:
        if not assessment.section_visible(section):
            continue
        status = assessment.status(section)
        href = None
        if not pages.for_managers(form, section) or g.user.role == "manager":
            if status is Status.NOT_STARTED:
                href = url(subject, "question", section_id=section.id, page_id=section.pages[0].id)
            else:
                href = url(subject, "check_answers", section_id=section.id)
        tasks.append({"section": section, "status": status, "href": href})
    documents = [
        (kind, DOCUMENTS[kind].title)
        for kind in documents_for(form, subject.case.to_case_file(), key, today=date.today())
    ]
    return render_template(
        "wizard/task_list.html",
        subject=subject,
        assessment=assessment,
        tasks=tasks,
        timescale=assessment.timescale(),  # as at completion once completed, else today
        started=assessment.value(known.START_DATE),
        documents=documents,
    )


# --- question pages ------------------------------------------------------------------------------


@_route("/<section_id>/<page_id>", methods=["GET", "POST"])
def question(reference: str, key: str | None, section_id: str, page_id: str):
    subject = load_subject(reference, key)
    section, page = find_page(section_id, page_id, subject)
    form = services().form
    infos = pages.page_fields(form, page)
    record = subject.record(section)
    stored = subject.answers_for(section)
    if not infos:
        abort(404)  # a page only a manager answers
    if request.method == "GET":
        state = pages.stored_state(infos, stored)
        return _render_page(subject, section, page, infos, subject.assessment(form), state, record.version)

    posted = pages.read(subject.assessment(form), infos, request.form)
    answers = pages.merge(stored, posted.values)
    assessment = subject.assessment(form, section, answers)
    adding = _group_to_add(infos)
    partial = request.form.get("action") == "save-later" or adding is not None
    state = posted.state
    errors = (
        dict(state.errors) if partial else pages.page_errors(assessment, section, posted.on_screen, state)
    )
    errors.update({} if partial else _list_question_error(assessment, infos))
    if errors:
        state.errors = errors
        return _render_page(subject, section, page, infos, assessment, state, record.version), 400
    if not _save(record, section, answers):
        state.errors = {}
        return _render_page(
            subject, section, page, infos, assessment, state, record.version, conflict=True
        ), 409
    if request.form.get("add-another") == "yes":
        adding = _only_group(assessment, infos)
    if adding is not None:
        # What was typed on the page is saved before going to the item's page.
        target = {"section_id": section.id, "page_id": page.id, "group_id": adding.field.id, "item_id": "new"}
        return redirect_to(url(subject, "item", **target, **journey_args()))
    if partial:
        return redirect_to(back_to_tasks(subject))
    return redirect_to(_after_saving(subject, section, page, infos, before=stored))


def _group_to_add(infos: list[FieldInfo]) -> FieldInfo | None:
    """The list whose "Add …" button was pressed, if one was."""
    wanted = request.form.get("add")
    return next((info for info in infos if info.field.type == "group" and info.field.id == wanted), None)


def _only_group(assessment, infos: list[FieldInfo]) -> FieldInfo | None:
    """A page whose one visible question is a list: it follows the "add to a list" pattern."""
    visible = [info for info in infos if assessment.is_visible(info)]
    return visible[0] if len(visible) == 1 and visible[0].field.type == "group" else None


def _list_question_error(assessment, infos: list[FieldInfo]) -> dict[str, Parsed]:
    group = _only_group(assessment, infos)
    if group is None or not assessment.items(group.field.id):
        return {}
    if request.form.get("add-another") not in {"yes", "no"}:
        name = group.field.item_name or "item"
        return {"add-another": Parsed(error=f"Select yes if you need to add another {name}")}
    return {}


def _save(record, section: Section, answers: dict[str, Any]) -> bool:
    """Save if nobody saved since the page was opened; otherwise keep the last good version."""
    submitted = request.form.get("version", type=int)
    if submitted != record.version:
        return False
    if section.scope == "household":
        record.household = answers
    else:
        record.answers = answers
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return False
    return True


def _after_saving(
    subject: Subject, section: Section, page: Page, infos: list[FieldInfo], before: dict
) -> str:
    form = services().form
    assessment = subject.assessment(form)
    returning = request.args.get("return") == "check"
    extra = {"return": "check"} if returning else {}
    earlier = subject.assessment(form, section, before)
    newly_shown = any(assessment.is_visible(info) and not earlier.is_visible(info) for info in infos)
    if newly_shown and first_unanswered_page(assessment, section) == page:
        return url(subject, "question", section_id=section.id, page_id=page.id, **extra)
    then = request.args.get("then")
    if then in NEXT_STEPS:
        return url_for(NEXT_STEPS[then], reference=subject.case.reference)
    following = (
        first_unanswered_page(assessment, section) if returning else next_page(assessment, section, page.id)
    )
    if following is None:
        return url(subject, "check_answers", section_id=section.id)
    return url(subject, "question", section_id=section.id, page_id=following.id, **extra)


def _render_page(
    subject, section, page, infos, assessment, state: PageState, version: int, conflict: bool = False
):
    field_views = pages.views(assessment, infos, state)
    groups = {
        view.field.id: _group_rows(subject, section, page, assessment, view.info)
        for view in field_views
        if view.field.type == "group"
    }
    list_page = _only_group(assessment, infos)
    extra = {"add-another": state.errors["add-another"]} if "add-another" in state.errors else {}
    error_list = pages.error_summary(field_views, extra)
    return render_template(
        "wizard/page.html",
        subject=subject,
        section=section,
        page=page,
        views=field_views,
        groups=groups,
        list_page=list_page,
        add_another=state.raw.get("add-another", ""),
        errors=error_list,
        add_another_error=state.errors.get("add-another"),
        version=version,
        conflict=conflict,
        back=back_to_tasks(subject),
    )


def _group_rows(subject, section, page, assessment, group: FieldInfo) -> list[dict[str, Any]]:
    rows = []
    for item in assessment.items(group.field.id):
        item_id = str(item.get("id"))
        link = {"section_id": section.id, "page_id": page.id, "group_id": group.field.id, "item_id": item_id}
        rows.append(
            {
                "label": pages.label_of(assessment, group, item),
                "change": url(subject, "item", **link, **journey_args()),
                "remove": url(subject, "remove_item", **link, **journey_args()),
            }
        )
    return rows


def journey_args() -> dict[str, str]:
    """Where the journey goes next (back to check answers, on to the children), kept from page to page."""
    return {key: request.args[key] for key in ("return", "then") if key in request.args}


# --- items of a list -----------------------------------------------------------------------------


@dataclass
class _List:
    """A list on a page (people, agencies, visits) and what its item pages need."""

    subject: Subject
    section: Section
    page: Page
    group: FieldInfo
    stored: dict[str, Any]
    items: list[dict[str, Any]]

    @property
    def record(self):
        return self.subject.record(self.section)

    def index_of(self, item_id: str) -> int | None:
        return next((i for i, existing in enumerate(self.items) if str(existing.get("id")) == item_id), None)

    def back(self) -> str:
        return url(
            self.subject, "question", section_id=self.section.id, page_id=self.page.id, **journey_args()
        )


def _load_list(reference: str, key: str | None, section_id: str, page_id: str, group_id: str) -> _List:
    subject = load_subject(reference, key)
    section, page = find_page(section_id, page_id, subject)
    if group_id not in {field.id for field in page.fields}:
        abort(404)
    group = services().form.info(group_id)
    if group.field.type != "group":
        abort(404)
    stored = subject.answers_for(section)
    return _List(subject, section, page, group, stored, list(stored.get(group_id) or []))


@_route("/<section_id>/<page_id>/<group_id>/<item_id>", methods=["GET", "POST"])
def item(reference: str, key: str | None, section_id: str, page_id: str, group_id: str, item_id: str):
    """Add an item to a list (item_id "new") or change one."""
    found = _load_list(reference, key, section_id, page_id, group_id)
    form = services().form
    index = found.index_of(item_id)
    if item_id != "new" and index is None:
        abort(404)
    if not found.subject.assessment(form).is_visible(found.group):
        abort(404)  # a list the answers do not ask for cannot take items
    infos = pages.item_fields(form, found.group)
    existing = found.items[index] if index is not None else {"id": "new"}
    if request.method == "GET":
        state = pages.stored_state(infos, existing)
        return _render_item(found, infos, found.subject.assessment(form), existing, index, state)

    posted = pages.read(found.subject.assessment(form), infos, request.form, item=existing, index=index)
    updated = pages.merge(existing, posted.values)
    items = list(found.items)
    if index is None:
        updated["id"] = uuid.uuid4().hex[:10]
        items.append(updated)
        index = len(items) - 1
    else:
        items[index] = updated
    answers = {**found.stored, group_id: items}
    assessment = found.subject.assessment(form, found.section, answers)
    state = posted.state
    state.errors = pages.item_errors(assessment, found.section, found.group, index, posted.on_screen, state)
    if state.errors:
        return _render_item(found, infos, assessment, updated, index, state), 400
    if not _save(found.record, found.section, answers):
        return _render_item(found, infos, assessment, updated, index, state, conflict=True), 409
    return redirect_to(found.back())


def _render_item(found: _List, infos, assessment, values, index, state: PageState, conflict: bool = False):
    if request.view_args.get("item_id") == "new":
        title = f"Add {article(found.group.field.item_name or 'item')}"
    else:
        title = f"Change the details of {pages.label_of(assessment, found.group, values)}"
    # The version read now: after a refused save it is the newer one, so Continue saves deliberately.
    return pages.form_page(
        assessment,
        infos,
        state,
        item=values,
        index=index,
        caption=found.section.title,
        title=title,
        version=found.record.version,
        conflict=conflict,
        back=found.back(),
    )


@_route("/<section_id>/<page_id>/<group_id>/<item_id>/remove", methods=["GET", "POST"])
def remove_item(reference: str, key: str | None, section_id: str, page_id: str, group_id: str, item_id: str):
    """Remove an item from a list, once the person has confirmed it and seen what goes with it."""
    found = _load_list(reference, key, section_id, page_id, group_id)
    index = found.index_of(item_id)
    if index is None:
        abort(404)
    form = services().form
    assessment = found.subject.assessment(form)
    name = pages.label_of(assessment, found.group, found.items[index])
    case = found.subject.case
    plan = plan_removal(
        form, case.household, {child.key: child.answers for child in case.children}, group_id, item_id, key
    )
    error, status = None, 200
    if request.method == "POST" and plan.allowed:
        answer = request.form.get("confirm")
        if answer == "no":
            return redirect_to(found.back())
        if answer == "yes":
            if _save_removal(found, plan):
                return redirect_to(found.back())
            status = 409  # the banner explains; nothing was removed
        else:
            error, status = f"Select yes if you want to remove {name}", 400
    page = render_template(
        "wizard/remove.html",
        name=name,
        effects=removals.effects(found.subject, name, plan),
        exposures=removals.exposures(found.subject, plan),
        error=error,
        conflict=status == 409,
        version=found.record.version,
        back=found.back(),
    )
    return page, status


def _save_removal(found: _List, plan: Removal) -> bool:
    """Save every record the removal changes, if nobody saved the list since the page was opened."""
    if request.form.get("version", type=int) != found.record.version:
        return False
    case = found.subject.case
    for child_key, answers in plan.records.items():
        if child_key is HOUSEHOLD:
            case.household = answers
        else:
            case.child(child_key).answers = answers
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return False
    return True


# --- check answers -------------------------------------------------------------------------------


@_route("/<section_id>/check")
def check_answers(reference: str, key: str | None, section_id: str):
    subject = load_subject(reference, key)
    section, _ = find_page(section_id, None, subject)
    form = services().form
    assessment = subject.assessment(form)
    rows = []
    for page in section.pages:
        if not assessment.page_visible(section, page.id):
            continue
        for info in pages.page_fields(form, page):
            if not assessment.is_visible(info):
                continue
            rows.append(_answer_row(subject, section, page, assessment, info))
    return render_template(
        "wizard/check_answers.html",
        subject=subject,
        section=section,
        rows=rows,
        status=assessment.status(section),
        back=back_to_tasks(subject),
    )


def _answer_row(subject, section, page, assessment, info: FieldInfo) -> dict[str, Any]:
    if info.field.type == "group":
        items = [pages.label_of(assessment, info, item) for item in assessment.items(info.field.id)]
        value = items or None
    else:
        text = display(info.field, assessment.value(info.field.id), pages.people(assessment, info))
        value = text.splitlines() if text else None
    change = url(subject, "question", section_id=section.id, page_id=page.id, **{"return": "check"})
    return {
        "key": info.field.short_label or info.field.label,
        "lines": value,
        "change": change,
        "id": info.field.id,
    }


# --- documents -----------------------------------------------------------------------------------


@blueprint.route("/children/<key>/documents/<kind>.docx")
def document(reference: str, key: str, kind: str):
    subject = load_subject(reference, key)
    loaded = services()
    case_file = subject.case.to_case_file()
    if kind not in documents_for(loaded.form, case_file, key, today=date.today()):
        abort(404)
    content = render_document(loaded.form, loaded.templates, case_file, key, kind, today=date.today())
    return send_file(
        io.BytesIO(content),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=file_name(case_file, key, kind),
    )
