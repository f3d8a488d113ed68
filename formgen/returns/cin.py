"""The Children in Need census (England) as the DfE's XML, from the assessments' own answers (I6, C1, C2).

One `<Child>` per child whose referral falls before the collection's reference date (31 March of the
collection year) and whose assessment was open at some time in the collection year (from 1 April the
year before). Elements and their order follow the DfE's specification as docs/returns.md describes it.

Before anything is written each child is checked against the rules the DfE applies that the answers
can break, each problem naming the rule and the answer to change. The Data to Insight validator
(`csc-validator-be-cin`) runs in CI on what this writes, but it misses 8869 and 8898 (it keeps an
assessment's factors as one list), so those are ours to check here, and the ones it does see are
refused here first, so nobody finds them after the return has gone.

Pure Python: the command line and the web page both call `build_return`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree import ElementTree as ET

from formgen.engine.assessment import Assessment
from formgen.engine.casefile import CaseFile
from formgen.engine.review import approval_date
from formgen.returns.nations import EnglishReturn
from formgen.returns.nations import NotThisNation as NotThisNation  # what build_return raises
from formgen.spec.form import FormSpec
from formgen.upn import upn_problem

COLLECTION = "CIN"
NOTHING_FURTHER = "21"  # "no factors identified": the one factor that stands alone (rule 8869)
_NOT_ID = re.compile(r"[^A-Za-z0-9]")
LA_CHILD_ID_LENGTH = 20
CENSUS = EnglishReturn(
    "The Children in Need census",
    "Welsh Government's Children Receiving Care and Support census replaces the Children in Need census "
    "there (Social Services and Well-being (Wales) Act 2014), and formgen does not make it yet",
)


@dataclass(frozen=True)
class Problem:
    """One child's answer that would break one of the DfE's rules."""

    reference: str  # the case
    child_id: str
    child_name: str
    rule: str  # the DfE's rule number, or "answer" for an answer the census needs that is missing
    message: str
    field: str  # the answer to change
    page: str  # the title of the page it is on

    def __str__(self) -> str:
        rule = "missing" if self.rule == "answer" else f"rule {self.rule}"
        return (
            f"{self.reference} {self.child_name} ({self.child_id}): {rule}: {self.message} "
            f"(change {self.field!r} on the page {self.page!r})"
        )


@dataclass
class CinReturn:
    """The return's XML and what was found on the way."""

    xml: bytes | None  # None when a child failed and nobody asked to leave them out
    problems: list[Problem] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # "REF NAME (child id)" of each child left out
    children: int = 0  # how many are in the XML
    # (case reference, child id) of each child of the collection year, all checked, and of those the
    # XML holds: the web app's access log names whose records went into the return.
    checked: list[tuple[str, str]] = field(default_factory=list)
    written: list[tuple[str, str]] = field(default_factory=list)


def reference_date(year: int) -> date:
    """The census's reference date: 31 March of the collection year (`--year 2026` is 2025-26)."""
    return date(year, 3, 31)


def year_start(year: int) -> date:
    return date(year - 1, 4, 1)


def nation_refusal(nation: str) -> str | None:
    """Why an authority of this nation makes no Children in Need census, or None for England."""
    return CENSUS.refusal(nation)


def _text(parent: ET.Element, tag: str, value: object) -> None:
    ET.SubElement(parent, tag).text = value.isoformat() if isinstance(value, date) else str(value)


@dataclass
class _Child:
    case: CaseFile
    child_id: str
    assessment: Assessment
    form: FormSpec

    @property
    def name(self) -> str:
        return str(self.assessment.value("child_name") or self.child_id)

    def problem(self, rule: str, message: str, field_id: str) -> Problem:
        info = self.form.fields.get(field_id)
        page = info.page.title if info is not None else ""
        return Problem(self.case.reference, self.child_id, self.name, rule, message, field_id, page)

    def value(self, field_id: str) -> object:
        return self.assessment.value(field_id)


def la_child_id(case: CaseFile, child_id: str, local_number: object) -> str:
    """The child's id in a return (the census's LAchildID, Annex A's Child Unique ID): their local
    number as letters and digits, else the case's reference and the child's place in it (the same every
    year, whatever else the return holds)."""
    local = _NOT_ID.sub("", str(local_number or ""))
    place = [record.id for record in case.children].index(child_id) + 1
    own = local or f"{_NOT_ID.sub('', case.reference)}C{place}"
    return own[:LA_CHILD_ID_LENGTH]


def _la_child_id(child: _Child) -> str:
    return la_child_id(child.case, child.child_id, child.value("local_child_number"))


def _in_year(child: _Child, year: int) -> bool:
    referral = child.value("referral_date")
    if not isinstance(referral, date) or referral > reference_date(year):
        return False
    authorised = approval_date(child.case.child(child.child_id).review)
    return authorised is None or authorised >= year_start(year)


_NEEDED = {
    "referral_date": "the date the referral was received",
    "referral_source_code": "the source of the referral",
    "assessment_start_date": "the date the assessment started",
    "ethnicity": "the child's ethnic group",
    "sex": "the child's recorded sex",
    "primary_need": "the child's primary need",
}


def check_child(child: _Child, year: int) -> list[Problem]:
    """The DfE rules this child's answers would break, and the census answers that are missing."""
    found = [
        child.problem("answer", f"the census needs {what}", field_id)
        for field_id, what in _NEEDED.items()
        if child.value(field_id) in (None, "", [])
    ]
    found += _identity_problems(child)
    found += _assessment_problems(child, year)
    return found


def _identity_problems(child: _Child) -> list[Problem]:
    found = []
    unborn = child.value("unborn") is True
    birth_field = "expected_delivery_date" if unborn else "child_date_of_birth"
    if child.value(birth_field) is None:
        found.append(child.problem("answer", "the census needs the child's date of birth", birth_field))
    upn = child.value("upn")
    if unborn:
        pass  # an unborn child has no UPN: the census's reason UN8 says so
    elif isinstance(upn, str) and upn.strip():
        if wrong := upn_problem(upn.strip()):
            rule, message = wrong
            found.append(child.problem(rule, message.replace("{Name}", "the UPN"), "upn"))
    elif not child.value("upn_unknown_reason"):
        found.append(child.problem("answer", "give the child's UPN or why it is not known", "upn"))
    if child.value("disability") is True and not child.value("disability_codes"):
        message = "say which of the census's codes describe the child's disability"
        found.append(child.problem("8540", message, "disability_codes"))
    return found


def _assessment_problems(child: _Child, year: int) -> list[Problem]:
    found = []
    referral, start = child.value("referral_date"), child.value("assessment_start_date")
    if isinstance(referral, date) and isinstance(start, date) and start < referral:
        message = "the assessment cannot start before the referral was received"
        found.append(child.problem("1103", message, "assessment_start_date"))
    record = child.case.child(child.child_id)
    authorised = approval_date(record.review)
    if authorised is None or authorised > reference_date(year):
        return found  # not yet authorised in this return: no authorisation date and no factors in it
    if isinstance(start, date) and authorised < start:
        message = f"the assessment was approved ({authorised:%d %B %Y}) before it started ({start:%d %B %Y})"
        found.append(child.problem("8608", message, "assessment_start_date"))
    factors = list(record.answers.get("census_factors") or [])
    if not factors:
        found.append(child.problem("answer", "the census needs the factors identified", "census_factors"))
    if NOTHING_FURTHER in factors and len(factors) > 1:
        message = 'factor 21 ("no factors identified") cannot be given with any other factor'
        found.append(child.problem("8869", message, "census_factors"))
    if twice := sorted(code for code, count in Counter(factors).items() if count > 1):
        message = f"factor {', '.join(twice)} is given more than once"
        found.append(child.problem("8898", message, "census_factors"))
    return found


def _child_element(children: ET.Element, child: _Child, la_child_id: str, year: int) -> None:
    record = child.case.child(child.child_id)
    element = ET.SubElement(children, "Child")
    identifiers = ET.SubElement(element, "ChildIdentifiers")
    _text(identifiers, "LAchildID", la_child_id)
    unborn = child.value("unborn") is True
    upn = child.value("upn")
    if not unborn and isinstance(upn, str) and upn.strip():
        _text(identifiers, "UPN", upn.strip())
    else:
        _text(identifiers, "UPNunknown", "UN8" if unborn else child.value("upn_unknown_reason"))
    if unborn:
        _text(identifiers, "ExpectedPersonBirthDate", child.value("expected_delivery_date"))
    else:
        _text(identifiers, "PersonBirthDate", child.value("child_date_of_birth"))
    _text(identifiers, "Sex", child.value("sex"))

    characteristics = ET.SubElement(element, "ChildCharacteristics")
    _text(characteristics, "Ethnicity", child.value("ethnicity"))
    disabilities = ET.SubElement(characteristics, "Disabilities")
    codes = child.value("disability_codes") if child.value("disability") is True else ["NONE"]
    for code in codes or []:
        _text(disabilities, "Disability", code)

    details = ET.SubElement(element, "CINdetails")
    _text(details, "CINreferralDate", child.value("referral_date"))
    _text(details, "ReferralSource", child.value("referral_source_code"))
    _text(details, "PrimaryNeedCode", child.value("primary_need"))
    _text(details, "ReferralNFA", "false")  # an assessment followed the referral
    assessments = ET.SubElement(details, "Assessments")
    _text(assessments, "AssessmentActualStartDate", child.value("assessment_start_date"))
    authorised = approval_date(record.review)
    if authorised is not None and authorised <= reference_date(year):
        _text(assessments, "AssessmentAuthorisationDate", authorised)
        factors = ET.SubElement(assessments, "FactorsIdentifiedAtAssessment")
        for code in record.answers.get("census_factors") or []:
            _text(factors, "AssessmentFactors", code)


def build_return(
    form: FormSpec,
    cases: Iterable[CaseFile],
    *,
    year: int,
    la_code: str,
    today: date,
    skip_invalid: bool = False,
    made_at: datetime | None = None,
) -> CinReturn:
    """The census for the collection year ending 31 March `year`: every child's problems, and the XML
    unless a child has one (with `skip_invalid`, the XML of the others and who was left out).

    Raises NotThisNation for an authority outside England."""
    CENSUS.check(form.authority.nation)
    chosen: list[_Child] = []
    for case in cases:
        for record in case.children:
            child = _Child(case, record.id, case.assessment(form, record.id, today=today), form)
            if _in_year(child, year):
                chosen.append(child)
    problems: dict[int, list[Problem]] = {
        index: check_child(child, year) for index, child in enumerate(chosen)
    }
    ids = {index: _la_child_id(child) for index, child in enumerate(chosen)}
    used = Counter(ids.values())
    for index, child in enumerate(chosen):
        if used[ids[index]] > 1:
            problems[index].append(
                child.problem(
                    "LAchildID",
                    f"another child in the return has the same local number ({ids[index]})",
                    "local_child_number",
                )
            )
    every = [problem for index in problems for problem in problems[index]]
    failing = {index for index, found in problems.items() if found}
    checked = [(child.case.reference, child.child_id) for child in chosen]
    if failing and not skip_invalid:
        return CinReturn(None, every, checked=checked)
    kept = [index for index in range(len(chosen)) if index not in failing]
    left_out = [
        f"{chosen[i].case.reference} {chosen[i].name} ({chosen[i].child_id})" for i in sorted(failing)
    ]
    message = ET.Element("Message")
    header = ET.SubElement(message, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    _text(details, "Collection", COLLECTION)
    _text(details, "Year", year)
    _text(details, "ReferenceDate", reference_date(year))
    source = ET.SubElement(header, "Source")
    _text(source, "SourceLevel", "L")
    _text(source, "LEA", la_code)
    _text(source, "SoftwareCode", "formgen")
    _text(source, "Release", _release())
    _text(source, "SerialNo", "001")
    _text(source, "DateTime", (made_at or datetime.now()).replace(microsecond=0).isoformat())
    children = ET.SubElement(message, "Children")
    for index in kept:
        _child_element(children, chosen[index], ids[index], year)
    ET.indent(message)
    xml = ET.tostring(message, encoding="utf-8", xml_declaration=True)
    written = [checked[index] for index in kept]
    return CinReturn(xml, every, left_out, len(kept), checked, written)


def _release() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("formgen")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0"


def problem_lines(problems: Sequence[Problem]) -> list[str]:
    return [str(problem) for problem in problems]
