"""Ofsted's Annex A list 4: the workbook opened as Ofsted would open it, with Annex A's headings and
codes, real dates, the assessments open in the range and no others, and no text that Excel would run."""

from __future__ import annotations

import dataclasses
import shutil
import zipfile
from datetime import date, datetime
from io import BytesIO

import openpyxl
import pytest
from click.testing import CliRunner

from formgen.cli import main
from formgen.engine.casefile import CaseFile
from formgen.engine.review import Allocation, Person
from formgen.returns.annex_a import AnnexA, annex_a_filename, build_annex_a
from formgen.returns.nations import NotThisNation
from formgen.settings import PROJECT_ROOT
from tests.support import EXAMPLES, TODAY, load_example

HEADINGS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Does the Child have a Disability",
    "Continuous Assessment Start Date",
    "Child Seen During Continuous Assessment",
    "Continuous Assessment Date of Authorisation",
    "Was the child assessed as requiring LA children's social care support?",
    "Allocated Team",
    "Allocated Worker",
]
YEAR_START, YEAR_END = date(2025, 4, 1), date(2026, 3, 31)
TILLY, KAI, POPPY, YASIR, UNBORN = "MOSP771203", "MOSP771204", "MOSP771205", "MOSP780118", "EXPB01C1"
SIBLINGS = {TILLY, KAI, POPPY}


def _sheet(made: AnnexA):
    book = openpyxl.load_workbook(BytesIO(made.xlsx))
    assert book.sheetnames == ["List 4"]
    return book["List 4"]


def _rows(made: AnnexA) -> dict[str, dict[str, object]]:
    """Each row by its Child Unique ID, as heading: value."""
    sheet = _sheet(made)
    lines = list(sheet.iter_rows(values_only=True))
    assert list(lines[0]) == HEADINGS
    rows = {line[0]: dict(zip(HEADINGS, line, strict=True)) for line in lines[1:]}
    assert len(rows) == made.rows == len(lines) - 1
    return rows


def _examples() -> list[CaseFile]:
    return [load_example(path.stem) for path in EXAMPLES]


def _made(form, cases, start=YEAR_START, end=YEAR_END) -> AnnexA:
    return build_annex_a(form, cases, start=start, end=end, today=TODAY)


@pytest.fixture(scope="module")
def examples_list(form) -> AnnexA:
    return _made(form, _examples())


def test_the_examples_are_written_with_annex_as_headings_codes_and_dates(examples_list):
    assert examples_list.problems == []
    rows = _rows(examples_list)
    assert set(rows) == SIBLINGS | {YASIR, UNBORN}
    assert list(rows[TILLY].values()) == [
        TILLY,
        "b) Female",
        "f) MWBC",
        datetime(2012, 5, 14),
        13,  # at the end of the range, 31 March 2026
        "b) No",
        datetime(2025, 10, 7),
        "a) Yes",
        datetime(2025, 12, 1),
        "a) Yes",  # a child in need plan
        "Northbrook Assessment Team",
        "Joanne Ferris",
    ]
    assert (rows[KAI]["Gender"], rows[YASIR]["Ethnicity"]) == ("a) Male", "o) BAFR")
    # Sent for approval, not yet approved: no authorisation and no decision yet.
    yasir = rows[YASIR]
    assert yasir["Continuous Assessment Date of Authorisation"] is None
    assert yasir["Was the child assessed as requiring LA children's social care support?"] is None
    assert yasir["Child Seen During Continuous Assessment"] == "a) Yes"
    # Unborn: no birth date or age, gender not recorded, and not seen.
    unborn = rows[UNBORN]
    assert (unborn["Date of Birth"], unborn["Age of Child (Years)"]) == (None, None)
    assert unborn["Gender"] == "c) Not stated/recorded"
    assert unborn["Child Seen During Continuous Assessment"] == "b) No"


def test_the_sheet_has_a_bold_frozen_header_real_dates_and_no_formulas(examples_list):
    sheet = _sheet(examples_list)
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert all(sheet.column_dimensions[letter].width >= 10 for letter in "ABCDEFGHIJKL")
    dates = [cell for line in sheet.iter_rows(min_row=2) for cell in line if cell.is_date]
    assert dates and {cell.number_format for cell in dates} == {"dd/mm/yyyy"}
    assert {cell.column_letter for cell in dates} == {"D", "G", "I"}
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)


def _siblings_and_yasir() -> list[CaseFile]:
    return [load_example("sibling-group"), load_example("unaccompanied-asylum-seeker")]


# The siblings' assessments started on 7 October 2025 and were approved on 1 December 2025; Yasir's
# started on 12 January 2026 and waits for approval.
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 9, 1), date(2025, 10, 6), set()),  # started after the range
        (date(2025, 9, 1), date(2025, 10, 7), SIBLINGS),  # started on its last day
        (date(2025, 11, 1), date(2025, 11, 30), SIBLINGS),  # open across it
        (date(2025, 12, 1), date(2025, 12, 31), SIBLINGS),  # authorised on its first day
        (date(2025, 12, 2), date(2026, 1, 11), set()),  # authorised before it; Yasir not started
        (date(2025, 12, 2), date(2026, 1, 12), {YASIR}),
        (date(2027, 1, 1), date(2027, 3, 31), {YASIR}),  # never authorised: still open
    ],
)
def test_the_list_holds_the_assessments_open_in_the_range(form, start, end, expected):
    assert set(_rows(_made(form, _siblings_and_yasir(), start, end))) == expected


def test_the_list_is_as_it_stood_at_the_end_of_the_range(form):
    before_first_visit = _rows(_made(form, _siblings_and_yasir(), date(2025, 10, 1), date(2025, 10, 8)))
    tilly = before_first_visit[TILLY]
    assert tilly["Child Seen During Continuous Assessment"] == "b) No"  # first seen on 9 October
    assert tilly["Continuous Assessment Date of Authorisation"] is None  # approved in December
    assert tilly["Was the child assessed as requiring LA children's social care support?"] is None
    assert tilly["Age of Child (Years)"] == 13
    ages = _rows(_made(form, _siblings_and_yasir(), date(2025, 11, 1), date(2026, 2, 8)))
    assert ages[KAI]["Age of Child (Years)"] == 9  # born 9 February 2016
    ages = _rows(_made(form, _siblings_and_yasir(), date(2025, 11, 1), date(2026, 2, 9)))
    assert ages[KAI]["Age of Child (Years)"] == 10


def test_a_never_started_assessment_is_not_in_the_list(form):
    siblings = load_example("sibling-group")
    siblings.children[0].answers.pop("assessment_start_date")
    made = _made(form, [siblings])
    assert set(_rows(made)) == {KAI, POPPY}
    # Whom the list holds, as an access log names them: the case and child of each row, in its order.
    assert made.children == [("EX-SIB-01", "child-kai"), ("EX-SIB-01", "child-poppy")]


def test_missing_answers_leave_blanks_and_say_which_child_and_which_answer(form):
    siblings = load_example("sibling-group")
    tilly, kai, poppy = siblings.children
    for answer in ("gender", "ethnicity", "disability", "child_seen"):
        tilly.answers.pop(answer)
    kai.answers["outcomes"] = []  # approved, yet no outcome
    poppy.answers["outcomes"] = ["universal_early_help"]
    poppy.answers["gender"] = "other"
    unallocated = siblings.model_copy(update={"allocation": None})
    made = _made(form, [unallocated])
    assert [(p.child_id, p.column, p.field) for p in made.problems] == [
        ("child-tilly", "Gender", "gender"),
        ("child-tilly", "Ethnicity", "ethnicity"),
        ("child-tilly", "Does the Child have a Disability", "disability"),
        ("child-tilly", "Child Seen During Continuous Assessment", "child_seen"),
        ("child-tilly", "Allocated Team", ""),
        ("child-tilly", "Allocated Worker", ""),
        ("child-kai", "Was the child assessed as requiring LA children's social care support?", "outcomes"),
        ("child-kai", "Allocated Team", ""),
        ("child-kai", "Allocated Worker", ""),
        ("child-poppy", "Allocated Team", ""),
        ("child-poppy", "Allocated Worker", ""),
    ]
    assert str(made.problems[1]) == (
        "EX-SIB-01 Tilly Dacres (child-tilly): 'Ethnicity' is blank: the list needs the child's ethnic "
        "group (answer 'ethnicity' on the page \"The child's identity\")"
    )
    assert str(made.problems[4]).endswith("(allocate the case to a worker and a team)")
    rows = _rows(made)
    assert [rows[TILLY][heading] for heading in HEADINGS[1:3]] == [None, None]
    assert rows[TILLY]["Allocated Team"] is None
    support = "Was the child assessed as requiring LA children's social care support?"
    assert (rows[KAI][support], rows[POPPY][support]) == (None, "b) No")
    assert rows[POPPY]["Gender"] == "d) Neither"


def test_text_that_excel_would_run_is_written_as_text(form):
    siblings = load_example("sibling-group")
    team = '=HYPERLINK("http://example.org/","Open")'
    allocated = Allocation(worker=Person(name="@SUM(1+1)"), team=team)
    made = _made(form, [siblings.model_copy(update={"allocation": allocated})])
    row = _rows(made)[TILLY]
    assert (row["Allocated Team"], row["Allocated Worker"]) == (f"'{team}", "'@SUM(1+1)")
    sheet_xml = zipfile.ZipFile(BytesIO(made.xlsx)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_a_welsh_authority_and_a_range_backwards_are_refused(form):
    welsh = dataclasses.replace(form, authority=form.authority.model_copy(update={"nation": "WLS"}))
    with pytest.raises(NotThisNation, match="Care Inspectorate Wales"):
        _made(welsh, _examples())
    with pytest.raises(ValueError, match="after it ends"):
        _made(form, _examples(), date(2026, 4, 1), date(2026, 3, 31))


def test_the_file_name_says_the_list_and_the_range():
    name = annex_a_filename(YEAR_START, YEAR_END)
    assert name == "Annex A list 4 - assessments - 2025-04-01 to 2026-03-31.xlsx"


def test_the_command_writes_the_examples_list_and_refuses_a_backwards_range_and_wales(tmp_path):
    runner = CliRunner()
    files = []
    for path in EXAMPLES:
        files.append(str(tmp_path / f"{path.stem}.json"))
        made = runner.invoke(main, ["example", "--name", path.stem, "--out", files[-1]])
        assert made.exit_code == 0, made.output
    out = tmp_path / "annex-a.xlsx"
    arguments = ["export", "annex-a", "--from", "2025-04-01", "--to", "2026-03-31", "--out", str(out)]
    written = runner.invoke(main, [*arguments, *files])
    assert written.exit_code == 0, written.output
    assert "Wrote Ofsted's Annex A list 4: 5 assessments open from 01/04/2025 to 31/03/2026" in written.output
    rows = openpyxl.load_workbook(out)["List 4"].max_row
    assert rows == 6  # the header and five children

    backwards = runner.invoke(main, ["export", "annex-a", "--from", "2026-04-01", "--to", "2026-03-31",
                                     "--out", str(tmp_path / "backwards.xlsx"), *files])  # fmt: skip
    assert backwards.exit_code == 2
    assert "after it ends on 31 March 2026" in backwards.output
    assert not (tmp_path / "backwards.xlsx").exists()

    specs = tmp_path / "form_specs"
    shutil.copytree(PROJECT_ROOT / "form_specs", specs)
    (specs / "authorities" / "wales.yaml").write_text(
        "authority:\n  name: Eastwick Test Council\n  nation: WLS\n", encoding="utf-8"
    )
    welsh_out = tmp_path / "wales.xlsx"
    welsh = runner.invoke(
        main,
        ["--authority", "wales", "export", "annex-a", "--from", "2025-04-01", "--to", "2026-03-31",
         "--out", str(welsh_out), *files],
        env={"FORMGEN_SPEC_DIR": str(specs)},
    )  # fmt: skip
    assert welsh.exit_code == 1
    assert "Care Inspectorate Wales" in welsh.output
    assert not welsh_out.exists()
