"""A child's assessment: the task list, the generated question pages, lists of people and things, check
answers and the documents. Household sections are reached from a child's task list or from the case.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, abort, g, render_template, request, send_file
from flask import redirect as redirect_to

from formgen.documents import DOCUMENTS, documents_for, render_document
from formgen.documents.assemble import file_name
from formgen.engine import Status
from formgen.engine.removal import plan_removal
from formgen.fieldtypes import display
from formgen.spec import known_fields as known
from formgen.spec.form import FieldInfo
from formgen.web import pages, removals
from formgen.web.links import back_to_tasks, url
from formgen.web.runner import (
    ItemPage,
    QuestionPage,
    find_page,
    load_list,
    load_subject,
    save_records,
    sent_version,
)
from formgen.web.security import require_sign_in
from formgen.web.services import services

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


# --- question pages and the items of lists ------------------------------------------------------


@_route("/<section_id>/<page_id>", methods=["GET", "POST"])
def question(reference: str, key: str | None, section_id: str, page_id: str):
    subject = load_subject(reference, key)
    section, page = find_page(section_id, page_id, subject)
    runner = QuestionPage(subject, section, page)
    return runner.get() if request.method == "GET" else runner.post(request.form)


@_route("/<section_id>/<page_id>/<group_id>/<item_id>", methods=["GET", "POST"])
def item(reference: str, key: str | None, section_id: str, page_id: str, group_id: str, item_id: str):
    """Add an item to a list (item_id "new") or change one."""
    runner = ItemPage(load_list(reference, key, section_id, page_id, group_id), item_id)
    return runner.get() if request.method == "GET" else runner.post(request.form)


@_route("/<section_id>/<page_id>/<group_id>/<item_id>/remove", methods=["GET", "POST"])
def remove_item(reference: str, key: str | None, section_id: str, page_id: str, group_id: str, item_id: str):
    """Remove an item from a list, once the person has confirmed it and seen what goes with it."""
    found = load_list(reference, key, section_id, page_id, group_id)
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
            if save_records(found.subject, found.record, sent_version(request.form), plan.records):
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
