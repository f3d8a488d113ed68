"""The statutory returns (I6, issue 14): the Children in Need census and Ofsted's Annex A (list 4, the
assessments) made from every case of the authority, checked before they are downloaded, for the
performance and information officers who make a council's returns.

Each return is one form and two views. Its check (GET, the inputs in the query, so a result can be
looked at again) builds the return and shows how many children go in and each problem, with a link to
the question that puts it right; its download (POST) builds it again from the answers as they stand
then. The engine (formgen.returns) makes and checks the return; these views only read the form and show
what it found.

Both read the records of every child in the return, so each check and each download is one entry in
the access log naming every child whose record was read (a check) or whose data left in the file (a
download), with the return, its year (or dates) and whom it left out in the entry's detail: an
information governance auditor finds it by child, as "who has seen this record" does, and by account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from formgen import dates
from formgen.capabilities import Capability
from formgen.display import format_day
from formgen.fieldtypes import Date, field_type
from formgen.i18n import N_, _
from formgen.returns import annex_a
from formgen.returns.annex_a import ANNEX_A, AnnexA, annex_a_filename, build_annex_a, range_problem
from formgen.returns.cin import CinReturn, Problem, build_return, nation_refusal, reference_date
from formgen.spec.model import FormField
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
RESTRICTED_CHILD = N_("A child of a restricted case")
RULE_WORDS = {"answer": N_("Missing answer"), "LAchildID": N_("Local child number used twice")}
ANNEX_A_NAME = "Ofsted’s Annex A list 4"  # as the access log names it, in English
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Annex A's two dates, each a date field built in code so that they are read as the wizard reads a
# date (its parts, month names, the part to point at): the input's name, and the day as messages say it.
RANGE_DATES = {
    "from": FormField(id="range_from", type="date", label=N_("From"), name=N_("the first day")),
    "to": FormField(id="range_to", type="date", label=N_("To"), name=N_("the last day")),
}
# What each date is told when nothing is typed, and when its year is not 4 numbers (the page has two
# years: the message says whose), as whole sentences.
RANGE_MISSING = {
    "from": N_("Enter the first day of the range, for example 1 4 2026"),
    "to": N_("Enter the last day of the range, for example 1 4 2026"),
}
RANGE_YEAR = {
    "from": N_("The year of the first day must include 4 numbers"),
    "to": N_("The year of the last day must include 4 numbers"),
}


def collection_year(today: date) -> int:
    """The census being collected: the one whose reference date is the next 31 March on or after today
    (on 1 April the next year's begins, and the one just ended is still checked and sent: type it)."""
    return today.year if today <= reference_date(today.year) else today.year + 1


def census_name(year: int) -> str:
    """The census as its file and the access log name it, in English."""
    return f"Children in Need census {census_years(year)}"


def census_years(year: int) -> str:
    """The census's years as its name gives them: "2026-27" for the census of 31 March 2027."""
    return f"{year - 1}-{year % 100:02d}"


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


@dataclass
class AnnexAForm:
    """Annex A's form as typed, and what its check found."""

    typed: dict[str, dict[str, str]]  # each date's day, month and year as typed, shown again
    wrong: dict[str, str] = field(default_factory=dict)  # each date in error: its part, or "" for all
    start: date | None = None
    end: date | None = None
    hint: str = ""  # the range the form starts with
    refusal: str | None = None  # why this authority makes no Annex A: no form then
    made: AnnexA | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)  # the missing answers, as the table shows them

    @property
    def label(self) -> str:
        """The list and its dates as the access log names them, in English."""
        return f"{ANNEX_A_NAME}, {format_day(self.start, 'en_GB')} to {format_day(self.end, 'en_GB')}"

    @property
    def title(self) -> str:
        """The list and its dates as the page names them, in the language being spoken."""
        return _(
            "Ofsted’s Annex A list 4, %(first)s to %(last)s",
            first=format_day(self.start),
            last=format_day(self.end),
        )


# --- the page ------------------------------------------------------------------------------------


@blueprint.route("")
@needs(Capability.RETURNS)
def returns_page():
    """The returns, each with its form; a return named in the query is checked and its result shown."""
    errors: list[dict[str, str]] = []
    census = _census_form(request.args, errors)
    annex = _annex_a_form(request.args, errors)
    checks = []
    if "year" in request.args and census.year is not None and census.refusal is None:
        checks.append(_check(census))
    if _range_sent(request.args) and annex.start is not None and annex.refusal is None:
        checks.append(_check_annex_a(annex))
    if checks:  # one entry for the request, however many returns its query checked
        audit.shown(None, list(dict.fromkeys(child for children, _detail in checks for child in children)))
        audit.about(Action.RETURN_CHECKED, "; ".join(detail for _read, detail in checks))
    return _page(census, errors, annex_a=annex)


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
        read, detail = _census_read(census, children)
        audit.shown(None, read)
        audit.about(Action.RETURN_CHECKED, detail)
        errors.append(
            {
                "text": _(
                    "Change the answers listed below, or select “Leave out the children with problems”"
                ),
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


@blueprint.route("/annex-a", methods=["POST"])
@needs(Capability.RETURNS)
def annex_a_download():
    """Annex A's workbook for the dates sent, built again from the answers as they stand now. Missing
    answers do not stop it: Ofsted's list takes blank cells, and the page has said which they are."""
    errors: list[dict[str, str]] = []
    census = _census_form(MultiDict(), [])
    annex = _annex_a_form(request.form, errors, default=False)
    if annex.refusal is not None:
        return _page(census, errors, 409, annex_a=annex)
    if annex.start is None:
        return _page(census, errors, 400, annex_a=annex)
    cases, children = _cases()
    made = _build_annex_a(annex, cases)
    blank = len(made.problems)
    detail = f"{annex.label} (Excel): {made.rows} {_children(made.rows)}"
    if blank:
        detail += f", {blank} {'answer' if blank == 1 else 'answers'} missing left blank"
    audit.shown(None, [children[pair] for pair in made.children if pair in children])
    audit.about(Action.RETURN_DOWNLOADED, detail)
    return Response(
        made.xlsx,
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{annex_a_filename(annex.start, annex.end)}"'},
    )


def _page(census: CensusForm, errors: list[dict[str, str]], status: int = 200, **returns: Any):
    """The returns page: the census, and any other return's section (`returns`), each with its form
    (Annex A's as the page starts it when none is given)."""
    returns.setdefault("annex_a", _annex_a_form(MultiDict(), []))
    return (
        render_template(
            "returns/returns.html",
            census=census,
            census_years=census_years(census.year) if census.year else None,
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
        census.refusal = _(
            "The authority’s settings give no DfE local authority number, which the census’s header "
            "needs, so it cannot be made. Ask whoever looks after the service to add it (la_code in "
            "the authority’s overlay)."
        )
        return census
    value = census.typed
    if not value:
        message = _("Enter the year of the census’s reference date, like %(year)s", year=current)
    elif not (value.isascii() and value.isdigit() and len(value) == 4):
        message = _("Enter the year of the reference date as 4 digits, like %(year)s", year=current)
    elif not FIRST_YEAR <= int(value) <= current:
        message = _(
            "Enter a year from %(first)s to %(last)s: the Children in Need census %(years)s is the latest "
            "that can be made",
            first=FIRST_YEAR,
            last=current,
            years=census_years(current),
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


def _check(census: CensusForm) -> tuple[list[Child], str]:
    """The census checked: the children whose records it read, and the access log's detail."""
    cases, children = _cases()
    census.made = _build(census.year, cases)
    _show(census, cases)
    return _census_read(census, children)


def _census_read(census: CensusForm, children: dict[tuple[str, str], Child]) -> tuple[list[Child], str]:
    made = census.made
    found = len(made.problems)
    detail = (
        f"{census_name(census.year)} checked: {len(made.checked)} {_children(len(made.checked))}, "
        f"{found} problem{'' if found == 1 else 's'}"
    )
    return [children[pair] for pair in made.checked if pair in children], detail


def _show(census: CensusForm, cases: list[Case]) -> None:
    """The problems as the page lists them: whose, the case and its worker, the rule, what is wrong and
    a link to the question. A restricted case's child is not named (the return itself names nobody)."""
    by_reference = {case.reference: case for case in cases}
    names = _names(cases)
    census.rows = [
        _row(problem, by_reference.get(problem.reference), names) for problem in census.made.problems
    ]
    census.left_out = [
        _("%(child)s, case %(reference)s", child=names.get(pair, pair[1]), reference=pair[0])
        for pair in _with_problems(census.made.problems)
    ]


def _names(cases: list[Case]) -> dict[tuple[str, str], str]:
    """Each child's name as the page shows it: a restricted case's child is not named (the returns
    name nobody; the worker the link is for knows whom it means)."""
    restricted = _(RESTRICTED_CHILD)
    return {
        (case.reference, child.key): restricted if case.restriction is not None else child_name(case, child)
        for case in cases
        for child in case.children
    }


def _row(problem: Problem, case: Case | None, names: dict[tuple[str, str], str]) -> dict[str, Any]:
    return {
        "child": names.get((problem.reference, problem.child_id), problem.child_id),
        "reference": problem.reference,
        "worker": case.worker.name if case is not None else "",
        "kind": _(RULE_WORDS[problem.rule])
        if problem.rule in RULE_WORDS
        else _("DfE rule %(rule)s", rule=problem.rule),
        "message": problem.message[:1].upper() + problem.message[1:],
        "page": _page_title(problem),
        "href": fix_link(problem),
    }


def _page_title(problem: Problem | annex_a.Problem) -> str:
    """The title of the question's page (the spec's), in the language being spoken."""
    return _(problem.page) if problem.page else ""


def fix_link(problem: Problem | annex_a.Problem) -> str | None:
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


# --- Ofsted's Annex A ----------------------------------------------------------------------------


def _range_sent(sent: MultiDict) -> bool:
    return any(f"{name}-{part}" in sent for name in RANGE_DATES for part in Date.PARTS)


def _annex_a_form(sent: MultiDict, errors: list[dict[str, str]], default: bool = True) -> AnnexAForm:
    """Annex A's form as sent: its first and last days, read as the wizard reads a date; the six months
    to today when the page is opened without them (`default`)."""
    today = date.today()
    first = dates.add_months(today, -6)
    hint = _(
        "The form starts with the six months to today, %(first)s to %(last)s. For example, 1 4 2026",
        first=format_day(first),
        last=format_day(today),
    )
    if default and not _range_sent(sent):
        typed = {
            name: field_type(RANGE_DATES[name]).to_input(day.isoformat())
            for name, day in (("from", first), ("to", today))
        }
    else:
        typed = {
            name: {
                part: without_control_characters(sent.get(f"{name}-{part}", "")).strip()[:20]
                for part in Date.PARTS
            }
            for name in RANGE_DATES
        }
    annex = AnnexAForm(typed=typed, hint=hint)
    if refusal := ANNEX_A.refusal(services().form.authority.nation):
        annex.refusal = refusal
        return annex
    days = {name: _typed_day(annex, name, errors) for name in RANGE_DATES}
    start, end = days["from"], days["to"]
    if start is None or end is None:
        return annex
    if wrong := range_problem(start, end):
        annex.wrong["to"] = ""
        errors.append({"text": wrong, "href": "#to-day"})
        return annex
    annex.start, annex.end = start, end
    return annex


def _typed_day(annex: AnnexAForm, name: str, errors: list[dict[str, str]]) -> date | None:
    field_ = RANGE_DATES[name]
    parsed = field_type(field_).parse(field_, annex.typed[name])
    error, part = parsed.error, parsed.part
    if error is None and parsed.value is None:  # nothing typed: the wizard's "not answered"
        error = _(RANGE_MISSING[name])
    elif error == _("Year must include 4 numbers"):  # the page has two years: say whose
        error = _(RANGE_YEAR[name])
    if error is not None:
        annex.wrong[name] = part or ""
        errors.append({"text": error, "href": f"#{name}-{part or 'day'}"})
        return None
    return date.fromisoformat(parsed.value)


def _build_annex_a(annex: AnnexAForm, cases: list[Case]) -> AnnexA:
    return build_annex_a(
        services().form,
        [case.to_case_file() for case in cases],
        start=annex.start,
        end=annex.end,
        today=date.today(),
    )


def _check_annex_a(annex: AnnexAForm) -> tuple[list[Child], str]:
    """Annex A checked: the missing answers as the page lists them, the children in the list (their
    records read) and the access log's detail."""
    cases, children = _cases()
    annex.made = made = _build_annex_a(annex, cases)
    by_reference = {case.reference: case for case in cases}
    names = _names(cases)
    annex.rows = [
        _missing_row(problem, by_reference.get(problem.reference), names) for problem in made.problems
    ]
    found = len(made.problems)
    detail = (
        f"{annex.label} checked: {made.rows} {_children(made.rows)}, "
        f"{found} {'answer' if found == 1 else 'answers'} missing"
    )
    return [children[pair] for pair in made.children if pair in children], detail


def _missing_row(
    problem: annex_a.Problem, case: Case | None, names: dict[tuple[str, str], str]
) -> dict[str, Any]:
    allocation = not problem.field  # the case's worker and team, not an answer of the assessment
    return {
        "child": names.get((problem.reference, problem.child_id), problem.child_id),
        "reference": problem.reference,
        "worker": case.worker.name if case is not None and case.worker is not None else "",
        "kind": problem.column,
        "message": problem.message[:1].upper() + problem.message[1:],
        "page": _("Allocate the case to a worker in a team") if allocation else _page_title(problem),
        "href": None if allocation else fix_link(problem),
    }
