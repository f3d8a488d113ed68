"""Cases: each role's home page, a new case from a referral, a case and its children, its allocation,
and its export as a case file."""

from __future__ import annotations

import io
import secrets
from datetime import UTC, date, datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from sqlalchemy import or_
from sqlalchemy.orm.exc import StaleDataError

from formgen.capabilities import Capability
from formgen.display import join_words
from formgen.engine import Status
from formgen.engine.distribution import Recipient, Sending, Withholding
from formgen.engine.recipients import household_people, recipient_name, without_child
from formgen.engine.review import Restriction, Stage
from formgen.i18n import _, ngettext
from formgen.spec import known_fields as known
from formgen.web import audit, removals, revisions, summaries
from formgen.web.access import ANYONE, cases_seen_by, edit_refusal, needs, visible_case
from formgen.web.extensions import db
from formgen.web.models import AssessmentSummary, Case, Child, User
from formgen.web.pages import assessment_of, child_name, text_box
from formgen.web.runner import NewRecordPage, locked, sent_version
from formgen.web.security import require_sign_in
from formgen.web.services import services

blueprint = Blueprint("cases", __name__)
blueprint.before_request(require_sign_in)  # every page here shows a child's data


# --- home ----------------------------------------------------------------------------------------


@blueprint.route("/")
@needs(*ANYONE)
def home():
    """Each role's own view of the assessments it may see, soonest due first, with what needs acting on:
    one page of 25 at a time, read from the assessments' summaries (formgen.web.summaries)."""
    if not g.user.capabilities & {Capability.VIEW_ASSESSMENT, Capability.CIRCULATE}:
        return render_template("cases/administration.html")
    team = g.user.can(Capability.VIEW_TEAM)
    filters = _filters(team)
    listing = summaries.listing(g.user, filters, request.args.get("page", 1, type=int) or 1)
    S = AssessmentSummary
    returned = to_approve = to_decide = ([], False)
    if g.user.can(Capability.EDIT_ASSESSMENT):
        mine = (S.stage == Stage.RETURNED.value) & (S.worker_id == g.user.id)
        returned = summaries.waiting(g.user, mine)
    if g.user.can(Capability.APPROVE):
        to_approve = summaries.waiting(g.user, (S.stage == Stage.SENT.value) & ~summaries.wrote_by(g.user))
    if g.user.can(Capability.RECORD_MANAGER_DECISION):
        to_decide = summaries.waiting(g.user, S.pending_decisions > 0)
    # Business support's list (A3), and their managers': what waits to be sent to the family and
    # agencies. A practitioner hands over a copy now and then, and sees it on the case.
    to_circulate = ([], False)
    if g.user.can(Capability.CIRCULATE) and team:
        to_circulate = summaries.waiting(g.user, summaries.to_circulate(), by_case=True)
    shown = [row for rows, _ in (returned, to_approve, to_decide, to_circulate) for row in rows]
    listed = {row.summary.child_id: audit.Listed(row.summary.child_id, row.name) for row in shown}
    listed.update(
        {row.summary.child_id: audit.Listed(row.summary.child_id, row.name) for row in listing.rows}
    )
    audit.shown(None, list(listed.values()))  # the log names the children the page showed
    empty_cases = []
    if g.user.can(Capability.EDIT_ASSESSMENT):
        # By the allocation's indexes first: only the few cases without children are read whole.
        mine = Case.worker_id == g.user.id
        if team and g.user.team_id is not None:
            mine = or_(mine, Case.team_id == g.user.team_id)
        childless = db.select(Case.id).where(mine, ~db.exists().where(Child.case_id == Case.id))
        empty_cases = db.session.scalars(
            db.select(Case).where(Case.id.in_(childless), cases_seen_by(g.user)).order_by(Case.id)
        ).all()
    return render_template(
        "cases/home.html",
        rows=[_row(row) for row in listing.rows],
        listing=listing,
        pagination=_pagination(listing, filters),
        filters=filters,
        statuses=summaries.STATUSES,
        workers=_workers() if team else [],
        returned=[_row(row) for row in returned[0]],
        to_approve=[_row(row) for row in to_approve[0]],
        to_decide=[_row(row) for row in to_decide[0]],
        more={"returned": returned[1], "to_approve": to_approve[1], "to_decide": to_decide[1]},
        team=team,
        empty_cases=empty_cases,
        to_circulate=[
            {
                "name": _shown_name(row),
                "reference": row.reference,
                "href": url_for("circulation.circulation", reference=row.reference),
                "waiting": row.summary.to_circulate,
            }
            for row in to_circulate[0]
        ],
        more_to_circulate=to_circulate[1],
    )


def _filters(team: bool) -> summaries.Filters:
    status = request.args.get("status") or None
    worker = request.args.get("worker", type=int) if team else None
    return summaries.Filters(
        status=status if status in summaries.STATUSES else None,
        overdue=request.args.get("overdue") == "yes",
        worker=worker,
    )


def _workers() -> list[User]:
    """The team's people who hold cases, for the manager's filter by worker."""
    members = db.session.scalars(db.select(User).where(User.team_id == g.user.team_id).order_by(User.name))
    return [user for user in members if user.can(Capability.EDIT_ASSESSMENT)]


def _pagination(listing: summaries.Listing, filters: summaries.Filters) -> dict | None:
    """The GOV.UK pagination component's parameters, or None for a list of one page."""
    if listing.pages <= 1:
        return None

    def href(page: int) -> str:
        return url_for("cases.home", page=page, **filters.args()) + "#assessments"

    near = sorted(
        {1, listing.pages, *range(max(1, listing.page - 1), min(listing.pages, listing.page + 1) + 1)}
    )
    items, last = [], 0
    for number in near:
        if number - last > 1:
            items.append({"ellipsis": True})
        items.append(
            {
                "number": number,
                "href": href(number),
                "current": number == listing.page,
                "visuallyHiddenText": _("Page %(num)s", num=number),
            }
        )
        last = number
    parameters: dict = {"items": items, "landmarkLabel": _("Pages of assessments")}
    if listing.page > 1:
        parameters["previous"] = {"href": href(listing.page - 1), "text": _("Previous")}
    if listing.page < listing.pages:
        parameters["next"] = {"href": href(listing.page + 1), "text": _("Next")}
    return parameters


def _row(row: summaries.Row) -> dict:
    """One assessment as the home pages list it, from its summary: no assessment is built here."""
    return {
        "name": _shown_name(row),
        "href": url_for("wizard.task_list", reference=row.reference, key=row.key),
        "plan": url_for("wizard.document", reference=row.reference, key=row.key, kind="plan"),
        "plan_pdf": url_for("wizard.document_pdf", reference=row.reference, key=row.key, kind="plan"),
        "reference": row.reference,
        "worker": row.worker,
        "mine": row.worker_id == g.user.id,
        "due": row.due,
        "left": row.left,
        "overdue": row.overdue,
        "late": row.late,
        "pending": row.pending,
        "status": row.status,
        "stage": row.stage,
        "stage_label": row.stage_label,
    }


def _shown_name(row: summaries.Row) -> str:
    """The child's name as the list shows it: "Unnamed child" in the language being spoken (the
    access log keeps the English)."""
    return row.name if row.summary.child_name else _(row.name)


# --- a new case ----------------------------------------------------------------------------------


def _new_reference() -> str:
    """A reference no case has yet (random, so it says nothing about the family)."""
    while True:
        reference = f"FG-{date.today():%Y}-{secrets.token_hex(3).upper()}"
        if db.session.scalar(db.select(Case.id).where(Case.reference == reference)) is None:
            return reference


@blueprint.route("/cases/new", methods=["GET", "POST"])
@needs(Capability.EDIT_ASSESSMENT)
def new_case():
    form = services().form
    runner = NewRecordPage(
        known.NEW_CASE_PAGE,
        {},
        for_child=False,
        caption=_("New case"),
        title=_(form.info(known.NEW_CASE_PAGE).page.title),
        back=url_for("cases.home"),
    )
    if request.method == "GET":
        return runner.get()

    def create(answers: dict) -> str:
        case = Case(reference=_new_reference(), household=answers)
        case.allocate(g.user)  # the worker who opens a case holds it, in their team
        db.session.add(case)
        db.session.flush()
        revisions.keep(case, None, revisions.Kind.CREATED, g.user)
        summaries.refresh(case)
        db.session.commit()
        people = form.info(known.PEOPLE_PAGE)
        target = {"section_id": people.section.id, "page_id": people.page.id}
        return url_for("wizard.question", reference=case.reference, key=None, then="children", **target)

    return runner.post(request.form, create)


# --- a case and its children ---------------------------------------------------------------------


@blueprint.route("/cases/<reference>")
@needs(Capability.VIEW_ASSESSMENT, Capability.CIRCULATE)
def case(reference: str):
    current = visible_case(reference)
    form = services().form
    household = assessment_of(current, None)
    siblings = [assessment_of(current, child) for child in current.children]
    can_edit = g.user.can(Capability.EDIT_ASSESSMENT)
    sections = [
        {
            "section": section,
            "status": _household_status(household, siblings, section),
            "href": url_for(
                "wizard.question",
                reference=reference,
                key=None,
                section_id=section.id,
                page_id=section.pages[0].id,
            )
            if can_edit
            else None,
        }
        for section in form.sections
        if section.scope == "household"
    ]
    children = [{"name": child_name(current, child), "child": child} for child in current.children]
    shared = [entry["section"] for entry in sections]
    return render_template(
        "cases/case.html",
        case=current,
        allocation=current.allocation,
        sections=sections,
        children=children,
        can_edit=can_edit,
        locked=edit_refusal(current, None, shared[0], Capability.EDIT_ASSESSMENT) if shared else None,
    )


def _household_status(household, siblings, section) -> Status:
    """A household section's status: not finished while a child's answers to it are missing (a
    person's relationship to that child, asked for each child)."""
    status = household.status(section)
    if status is Status.COMPLETED and any(s.status(section) is not Status.COMPLETED for s in siblings):
        return Status.IN_PROGRESS
    return status


@blueprint.route("/cases/<reference>/children", methods=["GET", "POST"])
@needs(Capability.EDIT_ASSESSMENT)
def children(reference: str):
    """The children of the household ("add to a list"): each gets an assessment of their own (B1)."""
    current = visible_case(reference)
    names = [(child, child_name(current, child)) for child in current.children]
    error = None
    if request.method == "POST":
        answer = request.form.get("add-another")
        if answer == "yes" or (not names and answer is None):
            return redirect(url_for("cases.new_child", reference=reference))
        if answer == "no":
            return redirect(url_for("cases.case", reference=reference))
        error = _("Select yes if you need to add another child") if names else None
    return render_template("cases/children.html", case=current, names=names, error=error), (
        400 if error else 200
    )


@blueprint.route("/cases/<reference>/children/new", methods=["GET", "POST"])
@needs(Capability.EDIT_ASSESSMENT)
def new_child(reference: str):
    current = visible_case(reference)
    runner = NewRecordPage(
        known.NEW_CHILD_PAGE,
        current.household,
        for_child=True,
        caption=_("Case %(reference)s", reference=current.reference),
        title=_("Add a child"),
        intro=_("Each child has an assessment of their own, starting on the date you give here."),
        back=url_for("cases.children", reference=current.reference),
    )
    if request.method == "GET":
        return runner.get()

    def create(answers: dict) -> str:
        # An opaque key: a child's name does not belong in web addresses, logs or browser history.
        position = max((child.position for child in current.children), default=-1) + 1
        child = Child(key=f"child-{secrets.token_hex(4)}", position=position, answers=answers)
        current.children.append(child)
        db.session.flush()
        revisions.keep(current, child, revisions.Kind.CREATED, g.user)
        summaries.refresh(current)
        db.session.commit()
        return url_for("cases.children", reference=reference)

    return runner.post(request.form, create)


@blueprint.route("/cases/<reference>/children/<key>/remove", methods=["GET", "POST"])
@needs(Capability.EDIT_ASSESSMENT)
def remove_child(reference: str, key: str):
    current = visible_case(reference)
    child = current.child(key)
    if child is None:
        abort(404)
    name = child_name(current, child)
    back = url_for("cases.children", reference=reference)
    if child.review.events:
        reason = _(
            "%(name)s’s assessment has been sent for approval, so it is part of the record. "
            "It cannot be removed.",
            name=name,
        )
        return locked(reason, back)
    error, status = None, 200
    if request.method == "POST":
        answer = request.form.get("confirm")
        if answer == "no":
            return redirect(back)
        if answer == "yes" and sent_version(request.form) == child.version:
            _take_off_the_distribution_list(current, child)
            current.children.remove(child)
            try:
                summaries.refresh(current)  # the child's row goes, the siblings' are worked out again
                db.session.commit()
            except StaleDataError:
                db.session.rollback()
            else:
                return redirect(back)
        if answer == "yes":
            status = 409  # changed since the page was opened: the banner says so, nothing was removed
        else:
            error, status = _("Select yes if you want to remove %(name)s", name=name), 400
    effects = removals.child_effects(current, child)
    gone = without_child(child.key, *_distribution(current))[3]
    if gone:
        names = join_words([recipient_name(entry, household_people(current.household)) for entry in gone])
        effects.append(
            ngettext(
                "%(names)s no longer receives any documents, so they are taken off the distribution list",
                "%(names)s no longer receive any documents, so they are taken off the distribution list",
                len(gone),
                names=names,
            )
        )
    page = render_template(
        "wizard/remove.html",
        name=name,
        effects=effects,
        exposures=[],
        error=error,
        conflict=status == 409,
        version=child.version,
        back=back,
    )
    return page, status


def _distribution(case: Case) -> tuple[list[Recipient], list[Withholding], list[Sending]]:
    return (
        [Recipient.model_validate(entry) for entry in case.distribution or []],
        [Withholding.model_validate(entry) for entry in case.withheld or []],
        [Sending.model_validate(entry) for entry in case.circulation or []],
    )


def _take_off_the_distribution_list(case: Case, child: Child) -> None:
    """A removed child's documents go from the distribution list, its withholdings, its log and the
    interpreters' translations."""
    distribution, withheld, circulation, _ = without_child(child.key, *_distribution(case))
    case.distribution = [entry.model_dump(mode="json", exclude_none=True) for entry in distribution]
    case.withheld = [entry.model_dump(mode="json", exclude_none=True) for entry in withheld]
    case.circulation = [entry.model_dump(mode="json", exclude_none=True) for entry in circulation]
    # An interpreter's translation of the child's answers goes with the assessment too.
    case.interpretations = [entry for entry in case.interpretations or [] if entry.get("child") != child.key]


# --- allocation ----------------------------------------------------------------------------------


@blueprint.route("/cases/<reference>/allocation", methods=["GET", "POST"])
@needs(Capability.ALLOCATE)
def allocation(reference: str):
    """A manager allocates the case to a worker of the team: to share the work or cover an absence."""
    current = visible_case(reference)
    workers = [
        user
        for user in db.session.scalars(
            db.select(User).where(User.team_id == g.user.team_id).order_by(User.name)
        )
        if user.can(Capability.EDIT_ASSESSMENT)
    ]
    errors: list[dict[str, str]] = []
    chosen = request.form.get("worker", "")
    reason, reason_errors = text_box(
        request.form, "reason", _("The reason"), _("Enter why the case is allocated to them")
    )
    if request.method == "POST":
        worker = next((user for user in workers if str(user.id) == chosen), None)
        if worker is None:
            errors.append({"text": _("Select who the case is allocated to"), "href": "#worker"})
        errors.extend(reason_errors)
        if not errors and sent_version(request.form) != current.version:
            errors.append(
                {
                    "text": _("Someone changed this case after you opened the page. Try again"),
                    "href": "#worker",
                }
            )
        if not errors:
            current.allocate(worker, by=g.user, reason=reason.strip())
            try:
                summaries.refresh(current)  # who wrote it: the new worker may not approve it
                db.session.commit()
            except StaleDataError:
                db.session.rollback()
                errors.append(
                    {"text": _("Someone changed this case at the same moment. Try again"), "href": "#worker"}
                )
            else:
                audit.about(audit.Action.ALLOCATED, f"to {worker.name}")
                flash(_("The case is now allocated to %(name)s.", name=worker.name))
                return redirect(url_for("cases.case", reference=reference))
    page = render_template(
        "cases/allocation.html",
        case=current,
        allocation=current.allocation,
        workers=[
            {
                "value": str(user.id),
                "text": user.name,
                "checked": str(user.id) == (chosen or str(current.worker_id)),
            }
            for user in workers
        ],
        reason=reason,
        errors=errors,
        version=current.version,
        back=url_for("cases.case", reference=reference),
    )
    return page, 400 if errors else 200


# --- restriction ---------------------------------------------------------------------------------


def _team_readers(case: Case) -> list[User]:
    """The team's people who could open the case (its managers and business support), and so may be
    named in a restriction."""
    members = db.session.scalars(db.select(User).where(User.team_id == case.team_id).order_by(User.name))
    return [user for user in members if user.active and user.can(Capability.VIEW_TEAM)]


@blueprint.route("/cases/<reference>/restriction", methods=["GET", "POST"])
@needs(Capability.RESTRICT)
def restriction(reference: str):
    """A manager keeps a case from everyone but named people (a colleague's relative, say), with a
    reason; the allocated worker and the manager are always among them."""
    current = visible_case(reference)
    always = [current.worker] + ([g.user] if g.user != current.worker else [])
    choices = [user for user in _team_readers(current) if user not in always]
    chosen = set(request.form.getlist("people")) if request.method == "POST" else None
    if chosen is None:
        chosen = {str(user.id) for user in current.open_to}
    reason, errors = text_box(request.form, "reason", _("The reason"), _("Enter why the case is restricted"))
    if request.method == "GET":
        errors = []
    else:
        lifting = request.form.get("action") == "lift"
        if lifting:
            errors = []
        if not errors and sent_version(request.form) != current.version:
            errors = [
                {
                    "text": _("Someone changed this case after you opened the page. Try again"),
                    "href": "#reason",
                }
            ]
        if not errors:
            named = always + [user for user in choices if str(user.id) in chosen]
            if lifting:
                current.restriction, current.open_to = None, []
            else:
                decided = Restriction(by=g.user.as_person(), at=datetime.now(UTC), reason=reason.strip())
                current.restriction, current.open_to = decided.model_dump(mode="json"), named
            try:
                summaries.refresh(current)  # the lists narrow by it before they check each case
                db.session.commit()
            except StaleDataError:
                db.session.rollback()
                errors = [
                    {"text": _("Someone changed this case at the same moment. Try again"), "href": "#reason"}
                ]
            else:
                if lifting:
                    audit.about(audit.Action.RESTRICTION_LIFTED)
                else:
                    audit.about(audit.Action.RESTRICTED, "open to " + ", ".join(user.name for user in named))
                flash(_("The restriction has been lifted.") if lifting else _("The case is restricted."))
                return redirect(url_for("cases.case", reference=reference))
    page = render_template(
        "cases/restriction.html",
        case=current,
        restriction=current.restricted,
        always=always,
        always_names=join_words([user.name for user in always]),
        people=[
            {"value": str(user.id), "text": user.name, "checked": str(user.id) in chosen} for user in choices
        ],
        reason=reason
        if request.method == "POST"
        else (current.restricted.reason if current.restricted else ""),
        errors=errors,
        version=current.version,
        back=url_for("cases.case", reference=reference),
    )
    return page, 400 if errors else 200


@blueprint.route("/cases/<reference>/case-file.json")
@needs(Capability.VIEW_ASSESSMENT)
def export(reference: str):
    """The case as a case file: the same JSON `formgen import` and the examples use."""
    current = visible_case(reference)
    audit.about(audit.Action.EXPORTED)
    body = io.BytesIO(current.to_case_file().to_json().encode("utf-8"))
    return send_file(
        body, mimetype="application/json", as_attachment=True, download_name=f"{current.reference}.json"
    )
