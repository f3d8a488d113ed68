"""The `formgen` command line, as a user runs it."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from formgen.cli import main
from formgen.engine import load_case
from formgen.spec import load_spec
from tests.support import EXAMPLES_DIR, SPEC_DIR, TODAY


def run(*arguments: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(arguments), env=env, catch_exceptions=False)


def environment(settings) -> dict[str, str]:
    return {
        "FORMGEN_SPEC_DIR": str(settings.spec_dir),
        "FORMGEN_TEMPLATE_DIR": str(settings.template_dir),
        "FORMGEN_EXAMPLES_DIR": str(settings.examples_dir),
    }


@pytest.mark.parametrize(
    ("arguments", "due"),
    [
        (["--referral", "2024-12-20"], "2025-02-26"),
        (["--referral", "2024-12-20", "--nation", "SCT"], "2025-02-27"),
        (["--referral", "2025-04-14"], "2025-06-20"),
        (["--referral", "2025-04-14", "--nation", "SCT"], "2025-06-19"),
        (["--referral", "2025-04-14", "--closure", "2025-06-20"], "2025-06-23"),
        (["--referral", "2025-04-14", "--expected-delivery", "2025-06-30"], "2025-06-02"),
    ],
)
def test_c2_c3_timescales_prints_the_due_date_as_json(arguments, due):
    result = run("timescales", *arguments, "--on", "2025-05-01", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["due_date"] == due


def test_timescales_reports_days_used_and_left_on_a_date():
    result = run("timescales", "--referral", "2025-04-14", "--on", "2025-04-22", "--json")
    figures = json.loads(result.output)
    # Working days after the referral to 22 April: 15, 16, 17, 22 (Good Friday and Easter Monday skipped).
    assert figures["working_days_used"] == 4 and figures["working_days_left"] == 41
    assert figures["overdue"] is False


@pytest.mark.parametrize("value", ["2025-02-30", "30/02/2025"])
def test_timescales_refuses_a_bad_date_with_a_clear_message(value):
    result = CliRunner().invoke(main, ["timescales", "--referral", value, "--json"])
    assert result.exit_code == 2
    assert f"{value!r} is not a date like 2025-03-14" in result.output


@pytest.mark.parametrize(
    "arguments",
    [
        ["--referral", "9999-12-31"],  # overflowed
        ["--referral", "2025-04-14", "--on", "0001-01-01"],  # counted 740,000 days one at a time
        ["--referral", "2025-04-14", "--expected-delivery", "2101-01-01"],
        ["--referral", "2025-04-14", "--closure", "1899-12-31"],
    ],
    ids=lambda arguments: arguments[-2],
)
def test_timescales_refuses_a_date_outside_the_accepted_range(arguments):
    option, value = arguments[-2:]
    result = run("timescales", *arguments)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': {value} is not between 1 January 1900 and 31 December 2100" in (
        result.output
    )


# Referral Tue 1 Dec 2026, England: 9 whole weeks -> Tue 2 Feb 2027; Fri 25 Dec, Mon 28 Dec (for Boxing
# Day on a Saturday) and Fri 1 Jan are bank holidays -> Fri 5 Feb. The general overlay also closes
# Tue 29 and Wed 30 Dec -> Tue 9 Feb; Kent and Medway closes no days.
@pytest.mark.parametrize(
    ("arguments", "due"),
    [
        (["timescales"], "2027-02-09"),
        (["--authority", "kent-medway", "timescales"], "2027-02-05"),
        (["timescales", "--closure", "2027-01-04"], "2027-02-10"),  # the overlay's days and this one
    ],
)
def test_c2_timescales_counts_the_authority_closure_days_as_the_site_does(arguments, due):
    result = run(*arguments, "--referral", "2026-12-01", "--json")
    assert json.loads(result.output)["due_date"] == due


def test_c2_timescales_counts_the_bank_holidays_of_the_authority_nation(project_copy):
    path = project_copy.spec_dir / "authorities" / "general.yaml"
    path.write_text(path.read_text().replace("nation: ENG", "nation: SCT", 1))
    arguments = ["timescales", "--referral", "2024-12-20", "--json"]
    # Scotland also closes on 2 January: one day later than England (the FIELD-NOTES check values).
    assert json.loads(run(*arguments, env=environment(project_copy)).output)["due_date"] == "2025-02-27"
    in_england = run(*arguments, "--nation", "ENG", env=environment(project_copy))
    assert json.loads(in_england.output)["due_date"] == "2025-02-26"


def test_timescales_names_the_place_of_a_broken_overlay(project_copy):
    path = project_copy.spec_dir / "authorities" / "general.yaml"
    path.write_text(path.read_text().replace("nation: ENG", "nation: England", 1))
    result = run("timescales", "--referral", "2024-12-20", env=environment(project_copy))
    assert result.exit_code == 1
    assert "authorities/general.yaml:5: authority.nation: Input should be 'ENG'" in result.output


def test_check_passes_on_the_shipped_files():
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "All specs, overlays, examples and templates are valid." in result.output


def test_check_lists_who_each_external_documents_fields_print_for(project_copy):
    path = project_copy.spec_dir / "authorities" / "general.yaml"
    path.write_text(
        path.read_text() + "\n  - add_field:\n      page: aims\n      field:\n        id: local_note\n"
        "        type: long_text\n        label: Anything else?\n        record_label: Other notes\n"
    )
    result = run("check", env=environment(project_copy))
    assert result.exit_code == 0, result.output
    assert "Assessment plan (plan):" in result.output
    assert "assessment_aims: family, professionals" in result.output
    assert "agencies_consulted: professionals" in result.output
    assert "local_note: nobody outside (the record only)" in result.output


def test_check_refuses_a_field_the_record_prints_under_its_question(project_copy):
    """K1: the record names each answer by a statement; a field without one is named by file and line.
    The form still loads (the service keeps running), printing the question until it gets one."""
    path = project_copy.spec_dir / "sections" / "harm.yaml"
    text = path.read_text()
    assert "        record_label: Police reference\n" in text
    path.write_text(text.replace("        record_label: Police reference\n", "", 1))
    result = run("check", env=environment(project_copy))
    assert result.exit_code == 1
    line = next(
        number
        for number, content in enumerate(path.read_text().splitlines(), start=1)
        if "label: What is the police reference?" in content
    )
    assert f"sections/harm.yaml:{line}:" in result.output
    assert "needs a `record_label`" in result.output
    assert result.output.count("needs a `record_label`") == 1  # once, not once per overlay


def test_check_fails_on_a_broken_copy_naming_file_and_place(project_copy):
    path = project_copy.spec_dir / "sections" / "harm.yaml"
    path.write_text(path.read_text().replace("'trafficking' in harm_forms", "'trafficking' in harm_form", 1))
    result = CliRunner().invoke(main, ["check"], env=environment(project_copy))
    assert result.exit_code == 1
    assert "sections/harm.yaml:" in result.output
    assert "unknown field id 'harm_form'" in result.output


def test_check_fails_on_an_incomplete_example(project_copy):
    path = project_copy.examples_dir / "pre-birth.json"
    case = json.loads(path.read_text())
    del case["household"]["referral_reason"]
    path.write_text(json.dumps(case))
    result = CliRunner().invoke(main, ["check"], env=environment(project_copy))
    assert result.exit_code == 1
    assert f"{path}: household.referral_reason: Enter" in result.output


def test_check_refuses_a_template_with_a_tag_inside_a_tracked_change(project_copy):
    template = project_copy.template_dir / "plan.docx"
    rewritten = template.with_suffix(".tmp")
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(
                    b"<w:t>{{ case.reference }}</w:t>",
                    b'<w:t>{{ case.</w:t></w:r><w:ins w:id="1" w:author="A" w:date="2026-01-01T00:00:00Z">'
                    b"<w:r><w:t>reference }}</w:t></w:r></w:ins><w:r><w:t></w:t>",
                    1,
                )
            target.writestr(item, data)
    rewritten.replace(template)
    result = CliRunner().invoke(main, ["check"], env=environment(project_copy))
    assert result.exit_code == 1
    assert f"{template}: word/document.xml paragraph " in result.output
    assert "a tracked change (ins by A): accept or reject every change in Word" in result.output


def test_render_all_writes_the_record_and_childs_version_and_each_recipients_plan_and_outcome(tmp_path):
    case_file = EXAMPLES_DIR / "sibling-group.json"
    case = load_case(case_file)
    result = run("render", str(case_file), "--all", "--out-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    paths = [Path(line) for line in result.stdout.splitlines()]
    names = {path.name for path in paths}
    for child in case.children:
        assert {
            f"{case.reference}-{child.id}-record.docx",
            f"{case.reference}-{child.id}-child.docx",
        } <= names
        receiving = [r.id for r in case.distribution if r.receives(child.id)]
        assert receiving, "the example sends each child's plan to someone"
        for recipient in receiving:
            assert {
                f"{case.reference}-{child.id}-plan-{recipient}.docx",
                f"{case.reference}-{child.id}-outcome-{recipient}.docx",
            } <= names
    assert not any(name.endswith("-plan.docx") for name in names), "no copy addressed to nobody"
    for path in paths:
        assert path.parent == tmp_path
        Document(path)  # opens as a Word document


def test_render_narrows_to_one_document_of_one_child_and_one_recipient(tmp_path):
    case = load_case(EXAMPLES_DIR / "sibling-group.json")
    child_id = case.children[1].id
    result = run(
        "render",
        str(EXAMPLES_DIR / "sibling-group.json"),
        "--document",
        "plan",
        "--child",
        child_id,
        "--recipient",
        "father",
        "--out-dir",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    [path] = [Path(line) for line in result.stdout.splitlines()]
    assert path.name == f"{case.reference}-{child_id}-plan-father.docx"


def test_render_says_why_a_recipient_gets_nothing(tmp_path):
    result = run(
        "render",
        str(EXAMPLES_DIR / "sibling-group.json"),
        "--recipient",
        "grandmother",
        "--out-dir",
        str(tmp_path),
    )
    assert result.exit_code != 0
    assert "Must not receive a copy" in result.output
    result = run(
        "render",
        str(EXAMPLES_DIR / "sibling-group.json"),
        "--recipient",
        "nobody",
        "--out-dir",
        str(tmp_path),
    )
    assert result.exit_code != 0 and "no recipient 'nobody'" in result.output


def test_render_names_an_unknown_child(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "render",
            str(EXAMPLES_DIR / "sibling-group.json"),
            "--all",
            "--child",
            "nobody",
            "--out-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1
    assert "has no child 'nobody'" in result.output


def test_render_refuses_the_childs_version_of_an_unborn_baby(tmp_path):
    case_file = EXAMPLES_DIR / "pre-birth.json"
    child_id = load_case(case_file).children[0].id
    result = CliRunner().invoke(
        main,
        ["render", str(case_file), "--document", "child", "--child", child_id, "--out-dir", str(tmp_path)],
    )
    assert result.exit_code == 1
    assert "not yet born" in result.output


def test_render_reports_a_case_file_that_does_not_fit_the_form(tmp_path):
    case = json.loads((EXAMPLES_DIR / "pre-birth.json").read_text())
    case["household"]["referral_date"] = "last Tuesday"
    case_file = tmp_path / "broken.json"
    case_file.write_text(json.dumps(case))
    result = CliRunner().invoke(main, ["render", str(case_file), "--all", "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (
        f"{case_file}: household.referral_date: The date the referral was received must be a real date"
        in result.output
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_example_writes_a_complete_case_file_to_start_from(tmp_path):
    target = tmp_path / "start.json"
    result = run("example", "--out", str(target))
    assert result.exit_code == 0
    case = load_case(target)
    form = load_spec(SPEC_DIR, "general")
    for child in case.children:
        assert case.assessment(form, child.id, today=TODAY).errors() == []


def test_the_installed_command_runs(tmp_path):
    # The console script itself, as the README uses it.
    command = shutil.which("formgen", path=str(Path(sys.executable).parent)) or "formgen"
    completed = subprocess.run(
        [command, "timescales", "--referral", "2024-12-20", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    )
    assert json.loads(completed.stdout)["due_date"] == "2025-02-26"
