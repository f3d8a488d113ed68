"""The statutory returns (I6, issue 14): the Children in Need census made from every case of the
authority, checked before it is downloaded, for the performance and information officers who make a
council's returns.

Each return is one form and two views. Its check (GET, the inputs in the query, so a result can be
looked at again) builds the return and shows how many children go in and each problem, with a link to
the question that puts it right; its download (POST) builds it again from the answers as they stand
then. The engine (formgen.returns) makes and checks the return; these views only read the form and show
what it found.

Both read the records of every child in the return, so each check and each download is one entry in
the access log naming every child whose record was read (a check) or whose data left in the file (a
download), with the return, its year and whom it left out in the entry's detail: an information
governance auditor finds it by child, as "who has seen this record" does, and by account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from formgen.capabilities import Capability
from formgen.returns.cin import CinReturn, Problem, build_return, nation_refusal, reference_date
from formgen.web import audit
from formgen.web.access import needs
from formgen.web.audit import Action
from formgen.web.extensions import db
from formgen.web.models import Case, Child
from formgen.web.pages import child_name
from formgen.web.security import require_sign_in, without_control_characters
from formgen.web.services import services

blueprint = Blueprint("returns", __name__, url_prefix="/returns")
blueprint.before_request(require_sign_in)  # every return holds children's data

FIRST_YEAR = 2000  # no census before it is made with this service: a guard against a mistyped year
LEAVE_OUT = "leave-out"
RESTRICTED_CHILD = "A child of a restricted case"
RULE_WORDS = {"answer": "Missing answer", "LAchildID": "Local child number used twice"}


def collection_year(today: date) -> int:
    """The census being collected: the one whose reference date is the next 31 March on or after today
    (on 1 April the next year's begins, and the one just ended is still checked and sent: type it)."""
    return today.year if today <= reference_date(today.year) else today.year + 1


def census_name(year: int) -> str:
    return f"Children in Need census {year - 1}-{year % 100:02d}"


def census_filename(year: int, la_code: str) -> str:
    return f"{census_name(year)} - {la_code}.xml"


@dataclass
class CensusForm:
    """The census's form as typed, and what its check found."""

    typed: str  # the year as typed, shown again
    year: int | None = None  # the year, once it is one
    leave_out: bool = False
    refusal: str | None = None  # why this authority cannot make the census: no form then
    made: CinReturn | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)  # the problems, as the table shows them
    left_out: list[str] = field(default_factory=list)  # the children with problems, as the page names them


# --- the page ------------------------------------------------------------------------------------


@blueprint.route("")
@needs(Capability.RETURNS)
def returns_page():
    """The returns, each with its form; a return named in the query is checked and its result shown."""
    errors: list[dict[str, str]] = []
    census = _census_form(request.args, errors)
    if "year" in request.args and census.year is not None and census.refusal is None:
        _check(census)
    # Ofsted's Annex A goes here: its own form read from the query (its dates, under names that are not
    # the census's), checked as the census is when they are there, and passed as `_page(..., annex_a=)`;
    # its download is one more POST view beside `cin_download`, logged as that one is.
    return _page(census, errors)


@blueprint.route("/cin", methods=["POST"])
@needs(Capability.RETURNS)
def cin_download():
    """The census's XML, built again from the answers as they stand now; refused with the page's
    reasons when a child has a problem and nobody asked to leave them out."""
    errors: list[dict[str, str]] = []
    census = _census_form(request.form, errors, default="")
    if census.refusal is not None:
        return _page(census, errors, 409)
    if census.year is None:
        return _page(census, errors, 400)
    cases, children = _cases()
    made = _build(census.year, cases)
    if made.problems and not census.leave_out:
        census.made = made
        _show(census, cases)
        _log_check(census, children)
        errors.append(
            {
                "text": "Change the answers listed below, or select “Leave out the children with problems”",
                "href": f"#{LEAVE_OUT}",
            }
        )
        return _page(census, errors, 409)
    left = _with_problems(made.problems)
    detail = f"{census_name(census.year)} (XML): {made.children} {_children(made.children)}"
    if left:
        detail += f"; left out {len(left)} with problems: " + ", ".join(f"{ref} {key}" for ref, key in left)
    audit.shown(None, [children[pair] for pair in made.written if pair in children])
    audit.about(Action.RETURN_DOWNLOADED, detail)
    name = census_filename(census.year, services().form.authority.la_code)
    return Response(
        made.xml,
        mimetype="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _page(census: CensusForm, errors: list[dict[str, str]], status: int = 200, **returns: Any):
    """The returns page: the census, and any other return's section (`returns`), each with its form."""
    return (
        render_template(
            "returns/returns.html",
            census=census,
            census_label=census_name(census.year) if census.year else None,
            leave_out=LEAVE_OUT,
            errors=errors,
            **returns,
        ),
        status,
    )


# --- the census ----------------------------------------------------------------------------------


def _census_form(sent: MultiDict, errors: list[dict[str, str]], default: str | None = None) -> CensusForm:
    """The census's form as sent: its year (this collection's when none was typed on the page), and
    whether to leave out the children with problems."""
    current = collection_year(date.today())
    typed = without_control_characters(sent.get("year", str(current) if default is None else default))
    census = CensusForm(typed=typed.strip()[:20], leave_out=sent.get(LEAVE_OUT) == "yes")
    authority = services().form.authority
    if refusal := nation_refusal(authority.nation):
        census.refusal = refusal
        return census
    if authority.la_code is None:
        census.refusal = (
            "The authority’s settings give no DfE local authority number, which the census’s header "
            "needs, so it cannot be made. Ask whoever looks after the service to add it (la_code in "
            "the authority’s overlay)."
        )
        return census
    value = census.typed
    if not value:
        message = f"Enter the year of the census’s reference date, like {current}"
    elif not (value.isascii() and value.isdigit() and len(value) == 4):
        message = f"Enter the year of the reference date as 4 digits, like {current}"
    elif not FIRST_YEAR <= int(value) <= current:
        message = (
            f"Enter a year from {FIRST_YEAR} to {current}: the {census_name(current)} is the latest "
            "that can be made"
        )
    else:
        census.year = int(value)
        return census
    errors.append({"text": message, "href": "#year"})
    return census


def _cases() -> tuple[list[Case], dict[tuple[str, str], Child]]:
    """Every case, the census being the authority's (a restricted case too: the DfE counts every child
    in need), and each child by (case reference, child key) for the access log."""
    cases = db.session.scalars(
        db.select(Case).options(selectinload(Case.children), selectinload(Case.worker)).order_by(Case.id)
    ).all()
    children = {(case.reference, child.key): child for case in cases for child in case.children}
    return list(cases), children


def _build(year: int, cases: list[Case]) -> CinReturn:
    """The census of `cases`, always without the children with problems, so that a check can say what
    a download leaving them out would hold; a download sends it only when asked to leave them out."""
    form = services().form
    return build_return(
        form,
        [case.to_case_file() for case in cases],
        year=year,
        la_code=form.authority.la_code,
        today=date.today(),
        skip_invalid=True,
    )


def _check(census: CensusForm) -> None:
    cases, children = _cases()
    census.made = _build(census.year, cases)
    _show(census, cases)
    _log_check(census, children)


def _log_check(census: CensusForm, children: dict[tuple[str, str], Child]) -> None:
    made = census.made
    found = len(made.problems)
    detail = (
        f"{census_name(census.year)} checked: {len(made.checked)} {_children(len(made.checked))}, "
        f"{found} problem{'' if found == 1 else 's'}"
    )
    audit.shown(None, [children[pair] for pair in made.checked if pair in children])
    audit.about(Action.RETURN_CHECKED, detail)


def _show(census: CensusForm, cases: list[Case]) -> None:
    """The problems as the page lists them: whose, the case and its worker, the rule, what is wrong and
    a link to the question. A restricted case's child is not named (the return itself names nobody)."""
    by_reference = {case.reference: case for case in cases}
    names = {}
    for case in cases:
        for child in case.children:
            restricted = case.restriction is not None
            names[(case.reference, child.key)] = RESTRICTED_CHILD if restricted else child_name(case, child)
    census.rows = [
        _row(problem, by_reference.get(problem.reference), names) for problem in census.made.problems
    ]
    census.left_out = [
        f"{names.get(pair, pair[1])}, case {pair[0]}" for pair in _with_problems(census.made.problems)
    ]


def _row(problem: Problem, case: Case | None, names: dict[tuple[str, str], str]) -> dict[str, Any]:
    return {
        "child": names.get((problem.reference, problem.child_id), problem.child_id),
        "reference": problem.reference,
        "worker": case.worker.name if case is not None else "",
        "rule": RULE_WORDS.get(problem.rule, f"DfE rule {problem.rule}"),
        "message": problem.message[:1].upper() + problem.message[1:],
        "page": problem.page,
        "href": fix_link(problem),
    }


def fix_link(problem: Problem) -> str | None:
    """The wizard's page that asks the answer to change: the child's, or the household's for an answer
    the children share (the referral's); None for an answer this form does not ask."""
    form = services().form
    info = form.fields.get(problem.field)
    if info is None:
        return None
    page = form.info(info.group.id).page if info.group else info.page
    key = problem.child_id if info.section.scope == "child" else None
    return url_for(
        "wizard.question",
        reference=problem.reference,
        key=key,
        section_id=info.section.id,
        page_id=page.id,
    )


def _with_problems(problems: list[Problem]) -> list[tuple[str, str]]:
    """(case reference, child key) of each child with a problem, once each, in the order found."""
    return list(dict.fromkeys((problem.reference, problem.child_id) for problem in problems))


def _children(count: int) -> str:
    return "child" if count == 1 else "children"
