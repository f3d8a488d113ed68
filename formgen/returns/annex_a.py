"""Ofsted's Annex A, list 4 (assessments), as an .xlsx workbook, from the answers the Children in Need
census uses (formgen.returns.cin).

One row for each child's assessment open at some time in the range: started on or before its last day
and not authorised before its first. The list is as it stood at the end of the range: an authorisation
after it is left out (the assessment was still open then), and the child's age is their age that day.

The headings, their order and the coded values are Ofsted's Annex A as Social Finance's liia-tools
reads it (github.com/SocialFinanceDigitalLabs/liia-tools): `liiatools/spec/annex_a/la-agg.yml` (the
order of list 4's columns), `liiatools/annex_a_pipeline/spec/Annex_A_schema.yml` and
`liiatools/spec/annex_a/data-map.yml` (each column's codes: gender `a) Male` to `d) Neither`, ethnicity
`a) WBRI` to `s) NOBT`, yes and no as `a) Yes`, `b) No`, `c) Unknown`) and its sample workbook
`liiatools/spec/annex_a/samples/Annex_A.xlsx` (the sheet's name, `List 4`, and dates as dates).
liia-tools' own "LA" column is theirs, added when lists are pooled, so it is not written here. The
sample's heading "Age" is "Age of Child (Years)" in liia-tools' schema, which reads either.

Answers a column needs that are missing leave the cell blank (Ofsted's list takes blanks) and are
reported, each naming the child and the answer to give. Pure Python: the command line and the web page
both call `build_annex_a`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from formgen.display import clean_text, format_day
from formgen.engine.assessment import Assessment
from formgen.engine.casefile import CaseFile
from formgen.engine.review import Review, approval_date
from formgen.returns.cin import la_child_id
from formgen.returns.nations import EnglishReturn
from formgen.returns.nations import NotThisNation as NotThisNation  # what build_annex_a raises
from formgen.spec import known_fields as known
from formgen.spec.form import FormSpec

SHEET = "List 4"
ANNEX_A = EnglishReturn(
    "Ofsted's Annex A",
    "Care Inspectorate Wales inspects children's services there, and Ofsted's Annex A is asked for only "
    "when Ofsted inspects an authority in England",
)
DATE_FORMAT = "dd/mm/yyyy"

CHILD_ID = "Child Unique ID"
GENDER = "Gender"
ETHNICITY = "Ethnicity"
BIRTH = "Date of Birth"
AGE = "Age of Child (Years)"
DISABILITY = "Does the Child have a Disability"
START = "Continuous Assessment Start Date"
SEEN = "Child Seen During Continuous Assessment"
AUTHORISED = "Continuous Assessment Date of Authorisation"
SUPPORT = "Was the child assessed as requiring LA children's social care support?"
TEAM = "Allocated Team"
WORKER = "Allocated Worker"
# Each heading with a width (in characters) that shows its values; the long headings wrap.
COLUMNS: dict[str, int] = {
    CHILD_ID: 22,
    GENDER: 22,
    ETHNICITY: 12,
    BIRTH: 12,
    AGE: 10,
    DISABILITY: 14,
    START: 14,
    SEEN: 14,
    AUTHORISED: 15,
    SUPPORT: 22,
    TEAM: 30,
    WORKER: 26,
}
HEADINGS = tuple(COLUMNS)

YES, NO = "a) Yes", "b) No"
NOT_STATED = "c) Not stated/recorded"
GENDERS = {"male": "a) Male", "female": "b) Female", "not_known": NOT_STATED, "other": "d) Neither"}
# Annex A letters the census's ethnic groups in its own order; liia-tools gives REFU and NOBT both s).
ETHNICITIES = {
    "WBRI": "a) WBRI",
    "WIRI": "b) WIRI",
    "WIRT": "c) WIRT",
    "WOTH": "d) WOTH",
    "WROM": "e) WROM",
    "MWBC": "f) MWBC",
    "MWBA": "g) MWBA",
    "MWAS": "h) MWAS",
    "MOTH": "i) MOTH",
    "AIND": "j) AIND",
    "APKN": "k) APKN",
    "ABAN": "l) ABAN",
    "AOTH": "m) AOTH",
    "BCRB": "n) BCRB",
    "BAFR": "o) BAFR",
    "BOTH": "p) BOTH",
    "CHNE": "q) CHNE",
    "OOTH": "r) OOTH",
    "REFU": "s) REFU",
    "NOBT": "s) NOBT",
}
# The outcomes that keep the child with the authority's children's social care: a plan, a specialist
# assessment, child protection or emergency action. No further action, and support from universal
# services or early help, are not children's social care support.
SUPPORT_OUTCOMES = frozenset({"cin_plan", "specialist_assessment", "strategy_discussion", "emergency_action"})
VISIT_DATE = "visit_date"
# Excel would run a cell's text that starts with one of these as a formula (and so would a CSV of it).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Problem:
    """An answer a column of the list needs that is missing: the cell is blank."""

    reference: str  # the case
    child_id: str
    child_name: str
    column: str  # Annex A's heading
    message: str
    field: str  # the answer to give, or "" for the case's allocation
    page: str  # the title of the page it is on

    def __str__(self) -> str:
        where = (
            f"answer {self.field!r} on the page {self.page!r}"
            if self.field
            else "allocate the case to a worker and a team"
        )
        return (
            f"{self.reference} {self.child_name} ({self.child_id}): {self.column!r} is blank: "
            f"{self.message} ({where})"
        )


@dataclass(frozen=True)
class AnnexA:
    """The workbook and what was found on the way."""

    xlsx: bytes
    rows: int  # assessments in the list
    problems: list[Problem] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    # (case reference, child id) of each child in the list, in its order: whom an access log names.
    children: list[tuple[str, str]] = field(default_factory=list)


def range_problem(start: date, end: date) -> str | None:
    """Why these dates make no range, or None."""
    if start > end:
        return (
            f"The range starts on {format_day(start)}, after it ends on {format_day(end)}: "
            "give the first day, then the last."
        )
    return None


def annex_a_filename(start: date, end: date) -> str:
    """The workbook's name, as the documents' downloads are named (formgen.documents.names)."""
    return f"Annex A list 4 - assessments - {start.isoformat()} to {end.isoformat()}.xlsx"


@dataclass
class _Row:
    case: CaseFile
    child_id: str
    assessment: Assessment
    form: FormSpec
    started: date
    authorised: date | None  # by the end of the range
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.assessment.value(known.CHILD_NAME) or self.child_id)

    def value(self, field_id: str) -> object:
        return self.assessment.value(field_id)

    def missing(self, column: str, message: str, field_id: str = "") -> None:
        info = self.form.fields.get(field_id)
        page = info.page.title if info is not None else ""
        self.problems.append(
            Problem(self.case.reference, self.child_id, self.name, column, message, field_id, page)
        )

    def coded(self, column: str, field_id: str, codes: Mapping[Any, str], what: str) -> str | None:
        answer = self.value(field_id)
        if answer in (None, "", []):
            self.missing(column, f"the list needs {what}", field_id)
            return None
        if (code := codes.get(answer)) is None:  # an overlay's choice that Annex A has no code for
            self.missing(column, f"Annex A has no code for {what} as answered ({answer})", field_id)
        return code


def _open_in(
    assessment: Assessment, review: Review, start: date, end: date
) -> tuple[date, date | None] | None:
    """The assessment's start and authorisation (None while open at `end`), when it was open in the
    range; None when it was not (or never started)."""
    started = assessment.value(known.START_DATE)
    if not isinstance(started, date) or started > end:
        return None
    authorised = approval_date(review)
    if authorised is not None and authorised < start:
        return None
    return started, authorised if authorised is not None and authorised <= end else None


def _age(born: date, on: date) -> int | None:
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return years if years >= 0 else None


def _seen(row: _Row, end: date) -> str | None:
    """Whether the child was seen between the assessment's start and its authorisation (or the end of
    the range, while it was open): a visit recorded with this assessment in that time."""
    if row.value(known.UNBORN) is True:
        return NO  # an unborn child cannot be seen: their page about seeing the child is not asked
    seen = row.value(known.CHILD_SEEN)
    if seen is None:
        row.missing(SEEN, "the list needs whether the child has been seen", known.CHILD_SEEN)
        return None
    if seen is False:
        return NO
    info = row.form.fields.get(f"{known.CHILD_VISITS}.{VISIT_DATE}")
    last = row.authorised or end
    for index, item in enumerate(row.assessment.items(known.CHILD_VISITS)):
        day = row.assessment.item_value(info, item, index) if info is not None else None
        if isinstance(day, date) and row.started <= day <= last:
            return YES
    return NO


def _support(row: _Row) -> str | None:
    if row.authorised is None:
        return None  # not decided until the assessment is authorised
    outcomes = row.value(known.OUTCOMES)
    if not outcomes:
        row.missing(SUPPORT, "the list needs the outcome of the assessment", known.OUTCOMES)
        return None
    return YES if SUPPORT_OUTCOMES & set(outcomes) else NO


def _cells(row: _Row, end: date) -> list[object]:
    """The row's values in the columns' order (the problems found on the way in that order too)."""
    unborn = row.value(known.UNBORN) is True
    if unborn and row.value("gender") in (None, ""):
        gender: str | None = NOT_STATED  # the list's code for a gender not recorded, as before birth
    else:
        gender = row.coded(GENDER, "gender", GENDERS, "the child's gender")
    ethnicity = row.coded(ETHNICITY, "ethnicity", ETHNICITIES, "the child's ethnic group")
    born = None if unborn else row.value(known.DATE_OF_BIRTH)
    if not unborn and born is None:
        row.missing(BIRTH, "the list needs the child's date of birth", known.DATE_OF_BIRTH)
    age = _age(born, end) if isinstance(born, date) else None
    disability = row.coded(
        DISABILITY, "disability", {True: YES, False: NO}, "whether the child has a disability"
    )
    seen = _seen(row, end)
    support = _support(row)
    allocation = row.case.allocation
    if allocation is None:
        row.missing(TEAM, "the list needs the team the case is allocated to")
        row.missing(WORKER, "the list needs the worker the case is allocated to")
    return [
        la_child_id(row.case, row.child_id, row.value(known.LOCAL_CHILD_NUMBER)),
        gender,
        ethnicity,
        born,
        age,
        disability,
        row.started,
        seen,
        row.authorised,
        support,
        allocation.team if allocation else None,
        allocation.worker.name if allocation else None,
    ]


def _text(value: str) -> str:
    """Text as a value, never a formula: one that Excel would run gets an apostrophe in front."""
    value = clean_text(value)
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(HEADINGS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in rows:
        sheet.append([_text(value) if isinstance(value, str) else value for value in values])
    for column, width in enumerate(COLUMNS.values(), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for cell in (cell for line in sheet.iter_rows(min_row=2) for cell in line):
        if isinstance(cell.value, date):
            cell.number_format = DATE_FORMAT
        elif isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl takes a leading "=" for a formula: text stays text
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.properties.creator = "formgen"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def build_annex_a(
    form: FormSpec, cases: Iterable[CaseFile], *, start: date, end: date, today: date
) -> AnnexA:
    """Annex A's list 4 of every child's assessment open at some time from `start` to `end` (both
    included), as an .xlsx workbook, with each answer a column needs that is missing.

    Raises NotThisNation for an authority outside England, and ValueError when `start` is after `end`."""
    ANNEX_A.check(form.authority.nation)
    if wrong := range_problem(start, end):
        raise ValueError(wrong)
    chosen: list[_Row] = []
    for case in cases:
        for record in case.children:
            assessment = case.assessment(form, record.id, today=today)
            if opened := _open_in(assessment, record.review, start, end):
                chosen.append(_Row(case, record.id, assessment, form, *opened))
    values = [_cells(row, end) for row in chosen]
    order = sorted(range(len(chosen)), key=lambda index: (chosen[index].started, str(values[index][0])))
    problems = [problem for row in chosen for problem in row.problems]
    children = [(chosen[index].case.reference, chosen[index].child_id) for index in order]
    return AnnexA(_workbook([values[index] for index in order]), len(chosen), problems, start, end, children)
