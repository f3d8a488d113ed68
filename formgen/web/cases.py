"""Cases: the practitioner's assessments, a new case from a referral, the children in it, and export."""

from __future__ import annotations

import io
import secrets
from datetime import date

from flask import Blueprint, abort, g, redirect, render_template, request, send_file, url_for

from formgen.engine import Assessment, Status
from formgen.spec import known_fields as known
from formgen.web import pages, removals
from formgen.web.extensions import db
from formgen.web.models import Case, Child
from formgen.web.pages import owned_case
from formgen.web.runner import NewRecordPage
from formgen.web.security import require_sign_in
from formgen.web.services import services

blueprint = Blueprint("cases", __name__)
blueprint.before_request(require_sign_in)  # every page here shows a child's data


def _name(case: Case, child: Child) -> str:
    return Assessment(services().form, case.household, child.answers, today=date.today()).child_name


# --- home ----------------------------------------------------------------------------------------


@blueprint.route("/")
def home():
    """The signed-in practitioner's assessments, soonest due first; overdue ones stand out."""
    form = services().form
    cases = db.session.scalars(db.select(Case).where(Case.owner_id == g.user.id)).all()
    rows = []
    for case in cases:
        for child in case.children:
            assessment = Assessment(form, case.household, child.answers, today=date.today())
            rows.append(_home_row(form, case, child, assessment))
    rows.sort(key=lambda row: (row["due"] is None, row["due"] or date.max, row["name"]))
    empty_cases = [case for case in cases if not case.children]
    return render_template("cases/home.html", rows=rows, empty_cases=empty_cases)


def _home_row(form, case: Case, child: Child, assessment: Assessment) -> dict:
    timescale = assessment.timescale()  # as at completion once completed, else today
    statuses = [
        assessment.status(section)
        for section in assessment.relevant_sections()
        if not pages.for_managers(form, section)
    ]
    if all(status is Status.COMPLETED for status in statuses):
        status = Status.COMPLETED
    elif all(status is Status.NOT_STARTED for status in statuses):
        status = Status.NOT_STARTED
    else:
        status = Status.IN_PROGRESS
    return {
        "name": assessment.child_name or "Unnamed child",
        "href": url_for("wizard.task_list", reference=case.reference, key=child.key),
        "reference": case.reference,
        "due": timescale.due_date if timescale else None,
        "left": timescale.working_days_left if timescale else None,
        "overdue": bool(timescale and timescale.overdue and status is not Status.COMPLETED),
        "status": status,
    }


# --- a new case ----------------------------------------------------------------------------------


def _new_reference() -> str:
    """A reference no case has yet (random, so it says nothing about the family)."""
    while True:
        reference = f"FG-{date.today():%Y}-{secrets.token_hex(3).upper()}"
        if db.session.scalar(db.select(Case.id).where(Case.reference == reference)) is None:
            return reference


@blueprint.route("/cases/new", methods=["GET", "POST"])
def new_case():
    form = services().form
    runner = NewRecordPage(
        known.NEW_CASE_PAGE,
        {},
        for_child=False,
        caption="New case",
        title=form.info(known.NEW_CASE_PAGE).page.title,
        back=url_for("cases.home"),
    )
    if request.method == "GET":
        return runner.get()

    def create(answers: dict) -> str:
        case = Case(reference=_new_reference(), owner_id=g.user.id, household=answers)
        db.session.add(case)
        db.session.commit()
        people = form.info(known.PEOPLE_PAGE)
        target = {"section_id": people.section.id, "page_id": people.page.id}
        return url_for("wizard.question", reference=case.reference, key=None, then="children", **target)

    return runner.post(request.form, create)


# --- a case and its children ---------------------------------------------------------------------


@blueprint.route("/cases/<reference>")
def case(reference: str):
    current = owned_case(reference)
    form = services().form
    household = Assessment(form, current.household, None, today=date.today())
    sections = [
        {
            "section": section,
            "status": household.status(section),
            "href": url_for(
                "wizard.question",
                reference=reference,
                key=None,
                section_id=section.id,
                page_id=section.pages[0].id,
            ),
        }
        for section in form.sections
        if section.scope == "household"
    ]
    children = [
        {
            "name": _name(current, child),
            "child": child,
        }
        for child in current.children
    ]
    return render_template("cases/case.html", case=current, sections=sections, children=children)


@blueprint.route("/cases/<reference>/children", methods=["GET", "POST"])
def children(reference: str):
    """The children of the household ("add to a list"): each gets an assessment of their own (B1)."""
    current = owned_case(reference)
    names = [(child, _name(current, child)) for child in current.children]
    error = None
    if request.method == "POST":
        answer = request.form.get("add-another")
        if answer == "yes" or (not names and answer is None):
            return redirect(url_for("cases.new_child", reference=reference))
        if answer == "no":
            return redirect(url_for("cases.case", reference=reference))
        error = "Select yes if you need to add another child" if names else None
    return render_template("cases/children.html", case=current, names=names, error=error), (
        400 if error else 200
    )


@blueprint.route("/cases/<reference>/children/new", methods=["GET", "POST"])
def new_child(reference: str):
    current = owned_case(reference)
    runner = NewRecordPage(
        known.NEW_CHILD_PAGE,
        current.household,
        for_child=True,
        caption=f"Case {current.reference}",
        title="Add a child",
        intro="Each child has an assessment of their own, starting on the date you give here.",
        back=url_for("cases.children", reference=current.reference),
    )
    if request.method == "GET":
        return runner.get()

    def create(answers: dict) -> str:
        # An opaque key: a child's name does not belong in web addresses, logs or browser history.
        position = max((child.position for child in current.children), default=-1) + 1
        current.children.append(
            Child(key=f"child-{secrets.token_hex(4)}", position=position, answers=answers)
        )
        db.session.commit()
        return url_for("cases.children", reference=reference)

    return runner.post(request.form, create)


@blueprint.route("/cases/<reference>/children/<key>/remove", methods=["GET", "POST"])
def remove_child(reference: str, key: str):
    current = owned_case(reference)
    child = current.child(key)
    if child is None:
        abort(404)
    name = _name(current, child)
    back = url_for("cases.children", reference=reference)
    error = None
    if request.method == "POST":
        answer = request.form.get("confirm")
        if answer == "yes":
            current.children.remove(child)
            db.session.commit()
            return redirect(back)
        if answer == "no":
            return redirect(back)
        error = f"Select yes if you want to remove {name}"
    effects = removals.child_effects(current, child)
    page = render_template(
        "wizard/remove.html",
        name=name,
        effects=effects,
        exposures=[],
        error=error,
        version=current.version,
        back=back,
    )
    return page, (400 if error else 200)


@blueprint.route("/cases/<reference>/case-file.json")
def export(reference: str):
    """The case as a case file: the same JSON `formgen import` and the examples use."""
    current = owned_case(reference)
    body = io.BytesIO(current.to_case_file().to_json().encode("utf-8"))
    return send_file(
        body, mimetype="application/json", as_attachment=True, download_name=f"{current.reference}.json"
    )
