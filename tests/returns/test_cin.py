"""The Children in Need census export: the examples pass the DfE's rules as Data to Insight's validator
applies them, and answers that break the rules it misses (or sees) are refused by formgen first."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from formgen.cli import main
from formgen.engine.casefile import CaseFile
from formgen.returns.cin import build_return
from formgen.settings import PROJECT_ROOT
from tests.support import EXAMPLES, TODAY, load_example

YEAR = 2026
VALIDATOR_PYTHON = PROJECT_ROOT / ".venv-cin" / "bin" / "python"
VALIDATOR = Path(__file__).with_name("dfe_validator.py")
MADE_AT = date(2026, 4, 2)


def validate(xml: bytes, tmp_path: Path) -> dict:
    """The DfE rules' findings on `xml`, from the validator in its own virtualenv (2 to 6 s a run)."""
    assert VALIDATOR_PYTHON.exists(), "the DfE validator's virtualenv is missing: run scripts/setup.sh dev"
    path = tmp_path / "cin.xml"
    path.write_bytes(xml)
    ran = subprocess.run(
        [str(VALIDATOR_PYTHON), str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    return json.loads(ran.stdout)


def _examples() -> list[CaseFile]:
    return [load_example(path.stem) for path in EXAMPLES]


@pytest.fixture(scope="session")
def examples_return(form):
    made = build_return(form, _examples(), year=YEAR, la_code="999", today=TODAY)
    assert made.problems == []
    return made


@pytest.fixture(scope="session")
def examples_findings(examples_return, tmp_path_factory) -> dict:
    return validate(examples_return.xml, tmp_path_factory.mktemp("cin"))


def _ids(xml: bytes) -> dict[str, str]:
    """Each child's LAchildID in the return, by their birth date or expected one."""
    root = ET.fromstring(xml)
    return {
        (
            child.findtext(".//PersonBirthDate") or child.findtext(".//ExpectedPersonBirthDate")
        ): child.findtext(".//LAchildID")
        for child in root.iter("Child")
    }


def test_the_examples_raise_no_child_level_error_in_the_dfe_validator(examples_return, examples_findings):
    root = ET.fromstring(examples_return.xml)
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    assert examples_return.children == 5 == len(root.findall("Children/Child"))
    errors = [issue for issue in examples_findings["children"] if issue["kind"] != "Query"]
    assert errors == []
    # The validator read every child: its queries name children the return holds.
    assert {issue["child"] for issue in examples_findings["children"]} <= set(
        _ids(examples_return.xml).values()
    )


def test_the_census_fields_are_written_as_the_census_codes(examples_return):
    root = ET.fromstring(examples_return.xml)
    tilly = next(
        child for child in root.iter("Child") if child.findtext(".//PersonBirthDate") == "2012-05-14"
    )
    assert [element.tag for element in tilly.find("ChildIdentifiers")] == [
        "LAchildID",
        "UPN",
        "PersonBirthDate",
        "Sex",
    ]
    assert tilly.findtext(".//UPN") == "D201120004817"
    assert (tilly.findtext(".//Sex"), tilly.findtext(".//Ethnicity")) == ("F", "MWBC")
    assert [element.tag for element in tilly.find("CINdetails")] == [
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "ReferralNFA",
        "Assessments",
    ]
    assert tilly.findtext(".//ReferralSource") == "6"
    assert tilly.findtext(".//AssessmentAuthorisationDate") == "2025-12-01"
    assert [e.text for e in tilly.iter("AssessmentFactors")] == ["3A", "3B", "4A"]
    unborn = next(
        child for child in root.iter("Child") if child.find(".//ExpectedPersonBirthDate") is not None
    )
    assert (unborn.findtext(".//UPNunknown"), unborn.findtext(".//Sex")) == ("UN8", "U")
    # No local number: the case's reference and the child's place in it, letters and digits only.
    assert unborn.findtext(".//LAchildID") == "EXPB01C1"
    assert tilly.findtext(".//LAchildID") == "MOSP771203"


def _broken() -> list[CaseFile]:
    """The examples with one rule broken for each of four children."""
    siblings = load_example("sibling-group")
    tilly, kai, poppy = siblings.children
    tilly.answers["assessment_start_date"] = "2025-10-01"  # before the referral: 1103
    *before, approved = kai.review.events  # approved before the start: 8608
    early = approved.model_copy(update={"at": approved.at.replace(month=10, day=1)})
    kai.review = kai.review.model_copy(update={"events": [*before, early]})
    poppy.answers["census_factors"] = ["21", "3A"]  # 8869
    yasir = load_example("unaccompanied-asylum-seeker")
    pre_birth = load_example("pre-birth")
    pre_birth.children[0].answers["census_factors"] = ["5B", "5B"]  # 8898
    return [pre_birth, siblings, yasir]


def test_answers_that_break_the_rules_are_refused_with_the_rule_and_the_answer_to_change(form):
    made = build_return(form, _broken(), year=YEAR, la_code="999", today=TODAY)
    assert made.xml is None
    assert sorted((p.child_id, p.rule, p.field) for p in made.problems) == [
        ("child-kai", "8608", "assessment_start_date"),
        ("child-poppy", "8869", "census_factors"),
        ("child-tilly", "1103", "assessment_start_date"),
        ("child-unborn-lowther", "8898", "census_factors"),
    ]
    tilly = next(p for p in made.problems if p.rule == "1103")
    assert str(tilly) == (
        "EX-SIB-01 Tilly Dacres (child-tilly): rule 1103: the assessment cannot start before the referral "
        "was received (change 'assessment_start_date' on the page 'The child and the assessment dates')"
    )


def test_skip_invalid_leaves_out_only_the_failing_children_and_says_whom(form):
    made = build_return(form, _broken(), year=YEAR, la_code="999", today=TODAY, skip_invalid=True)
    assert made.children == 1 == len(ET.fromstring(made.xml).findall("Children/Child"))
    assert [line.split(" (")[1] for line in made.left_out] == [
        "child-unborn-lowther)",
        "child-tilly)",
        "child-kai)",
        "child-poppy)",
    ]


def test_the_dfe_validator_agrees_on_the_rules_it_can_see(examples_return, tmp_path):
    """1103 and 8608 broken in the XML itself (formgen would not write them): the validator finds both."""
    root = ET.fromstring(examples_return.xml)
    ids = _ids(examples_return.xml)
    for child in root.iter("Child"):
        born = child.findtext(".//PersonBirthDate")
        if born == "2012-05-14":  # Tilly: referred 6 October 2025
            child.find(".//AssessmentActualStartDate").text = "2025-10-01"
        elif born == "2016-02-09":  # Kai: started 7 October 2025
            child.find(".//AssessmentAuthorisationDate").text = "2025-10-03"
    found = validate(ET.tostring(root, encoding="utf-8"), tmp_path)
    rules = {(issue["rule"], issue["child"]) for issue in found["children"] if issue["kind"] == "Error"}
    assert ("1103", ids["2012-05-14"]) in rules
    assert ("8608", ids["2016-02-09"]) in rules


def test_a_wrong_upn_in_a_case_file_is_refused_with_its_rule(form):
    siblings = load_example("sibling-group")
    siblings.children[0].answers["upn"] = "E201120004817"  # the wrong check letter
    siblings.children[1].answers["upn"] = "D2011200048"  # too short
    made = build_return(form, [siblings], year=YEAR, la_code="999", today=TODAY)
    assert [(p.child_id, p.rule, p.field) for p in made.problems] == [
        ("child-tilly", "1510", "upn"),
        ("child-kai", "1540", "upn"),
    ]


def _environment(settings) -> dict[str, str]:
    return {
        "FORMGEN_SPEC_DIR": str(settings.spec_dir),
        "FORMGEN_TEMPLATE_DIR": str(settings.template_dir),
        "FORMGEN_EXAMPLES_DIR": str(settings.examples_dir),
    }


def test_the_command_refuses_a_failing_child_and_skip_invalid_says_whom_it_left_out(tmp_path):
    files = []
    for case in _broken():
        files.append(tmp_path / f"{case.reference}.json")
        files[-1].write_text(case.to_json(), encoding="utf-8")
    out = tmp_path / "cin.xml"
    arguments = ["export", "cin", "--year", str(YEAR), "--out", str(out), *map(str, files)]
    refused = CliRunner().invoke(main, arguments)
    assert refused.exit_code == 1
    assert "child-poppy): rule 8869:" in refused.output
    assert "nothing was written" in refused.output
    assert not out.exists()
    skipped = CliRunner().invoke(main, [*arguments, "--skip-invalid"])
    assert skipped.exit_code == 0, skipped.output
    assert "Left out: EX-SIB-01 Poppy" in skipped.output
    assert "census of 1 child to" in skipped.output
    assert len(ET.fromstring(out.read_bytes()).findall("Children/Child")) == 1


def test_under_a_welsh_overlay_the_command_names_the_welsh_census_and_stops(project_copy, tmp_path):
    overlay = project_copy.spec_dir / "authorities" / "wales.yaml"
    overlay.write_text("authority:\n  name: Eastwick Test Council\n  nation: WLS\n", encoding="utf-8")
    out = tmp_path / "cin.xml"
    example = str(EXAMPLES[0])
    result = CliRunner().invoke(
        main,
        ["--authority", "wales", "export", "cin", "--year", str(YEAR), "--out", str(out), example],
        env=_environment(project_copy),
    )
    assert result.exit_code == 1
    assert "Children Receiving Care and Support census" in result.output
    assert not out.exists()
