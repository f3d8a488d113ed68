"""Authority overlays adapt the form without touching the base spec, and report their own mistakes."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from formgen.spec import SpecError, load_spec
from tests.support import SPEC_DIR, assess, error_messages

AUTHORITY = """\
authority:
  name: Eastwick Test Council
  nation: WLS
  closure_days: [2025-12-29]
changes:
"""


def choice_values(form, field_id):
    return [choice.value for choice in form.info(field_id).field.choices]


def test_the_general_edition_lets_an_early_help_lead_practitioner_lead():
    general = load_spec(SPEC_DIR, "general")
    kent = load_spec(SPEC_DIR, "kent-medway")
    base = load_spec(SPEC_DIR, None)
    assert "early_help_lead" in choice_values(general, "lead_practitioner_role")
    assert "early_help_lead" not in choice_values(kent, "lead_practitioner_role")
    assert "early_help_lead" not in choice_values(base, "lead_practitioner_role")


def pre_birth_text(form) -> str:
    page = next(page for section in form.sections for page in section.pages if page.id == "pre_birth")
    return " ".join(f"{field.label} {field.hint or ''}" for field in page.fields)


def test_the_kent_edition_points_pre_birth_assessments_to_its_local_guidance():
    assert "Kent Procedures Online" in pre_birth_text(load_spec(SPEC_DIR, "kent-medway"))
    assert "Kent" not in pre_birth_text(load_spec(SPEC_DIR, "general"))


def test_each_edition_points_trafficking_referrals_to_its_own_procedure():
    general_hint = load_spec(SPEC_DIR, "general").info("nrm_referral_date").field.hint
    kent_hint = load_spec(SPEC_DIR, "kent-medway").info("nrm_referral_date").field.hint
    assert "London" in general_hint and "Kent and Medway" in kent_hint


def test_the_base_spec_is_untouched_by_loading_an_overlay():
    before = {path: path.read_bytes() for path in SPEC_DIR.rglob("*.yaml")}
    load_spec(SPEC_DIR, "general")
    load_spec(SPEC_DIR, "kent-medway")
    assert before == {path: path.read_bytes() for path in SPEC_DIR.rglob("*.yaml")}


@pytest.fixture
def overlay(tmp_path: Path):
    """Write an overlay with the given changes into a copy of the specs and load it."""
    target = tmp_path / "form_specs"
    shutil.copytree(SPEC_DIR, target)

    def load(changes: str):
        (target / "authorities" / "test.yaml").write_text(AUTHORITY + changes, encoding="utf-8")
        return load_spec(target, "test")

    return load


def test_relabel_rehint_and_hide(overlay):
    form = overlay(
        "  - relabel: {field: referral_source, label: 'Who referred the family?'}\n"
        "  - rehint: {field: household_members.phone, hint: A mobile if they have one}\n"
        "  - hide: {field: professional_disagreements}\n"
    )
    assert form.info("referral_source").field.label == "Who referred the family?"
    assert form.info("phone", "household_members").field.hint == "A mobile if they have one"
    assessment = assess(form, {"referral_date": "2025-03-03"})
    assert not assessment.is_visible(form.info("professional_disagreements"))


def test_add_and_hide_choices(overlay):
    form = overlay(
        "  - add_choice: {field: enquiry_route, after: cfab,\n"
        "                 choice: {value: local_team, label: Our international team}}\n"
        "  - hide_choice: {field: enquiry_route, value: icacu}\n"
    )
    values = choice_values(form, "enquiry_route")
    assert values[values.index("cfab") + 1] == "local_team"
    assert "icacu" not in values
    errors = error_messages(assess(form, {"family_abroad": True, "enquiry_route": "icacu"}))
    assert "'icacu' is not one of the choices" in errors["enquiry_route"]


def test_an_added_field_is_asked_checked_and_can_use_conditions(overlay):
    form = overlay(
        "  - add_field:\n"
        "      after: family_abroad_country\n"
        "      field: {id: embassy_contacted, type: yes_no, label: 'Has the embassy been contacted?',\n"
        "              name: the embassy has been contacted, required_if: 'family_abroad = yes'}\n"
    )
    page = form.info("embassy_contacted").page
    ids = [field.id for field in page.fields]
    assert ids[ids.index("family_abroad_country") + 1] == "embassy_contacted"
    errors = error_messages(assess(form, {"family_abroad": True}))
    assert errors["embassy_contacted"] == "Select yes if the embassy has been contacted"
    assert "embassy_contacted" not in error_messages(assess(form, {"family_abroad": False}))


def test_the_authoritys_nation_and_closure_days_set_the_timescale(overlay):
    form = overlay("")
    assert form.authority.name == "Eastwick Test Council"
    assessment = assess(form, {"referral_date": "2025-12-01"})
    # Wales: 45 working days from 1 December 2025 skip 25, 26 December and 1 January (5 February 2026);
    # the closure day 29 December moves it one working day later.
    assert assessment.due_date == date(2026, 2, 6)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            "  - rename: {field: referral_source}\n",
            "changes[0]: unknown change 'rename' (known: relabel, rehint",
        ),
        (
            "  - relabel: {field: no_such_field, label: X}\n",
            "changes[0].relabel: the form has no field 'no_such_field'",
        ),
        (
            "  - relabel: {field: referral_source, lable: X}\n",
            "changes[0].relabel.lable: Extra inputs are not permitted",
        ),
        (
            "  - add_choice: {field: enquiry_route, choice: {value: cfab, label: Again}}\n",
            "already has the choice 'cfab'",
        ),
        (
            "  - hide_choice: {field: enquiry_route, value: carrier_pigeon}\n",
            "'enquiry_route' has no choice 'carrier_pigeon'",
        ),
        (
            "  - add_choice: {field: referral_source, choice: {value: x, label: X}}\n",
            "has no fixed list of choices",
        ),
        ("  - add_field: {field: {id: extra, type: text, label: Extra}}\n", "say where the field goes"),
        (
            "  - add_field: {page: no_page, field: {id: extra, type: text, label: Extra}}\n",
            "the form has no page 'no_page'",
        ),
    ],
)
def test_a_bad_change_is_named_with_its_line(overlay, changes, message):
    with pytest.raises(SpecError) as raised:
        overlay(changes)
    [problem] = raised.value.problems
    assert problem.file == "authorities/test.yaml"
    assert problem.line == AUTHORITY.count("\n") + 1
    assert message in str(problem)


def test_an_overlay_cannot_hide_a_field_the_timescale_needs(overlay):
    with pytest.raises(
        SpecError, match="'referral_date' cannot be hidden: it is read by the timescale and the new-case page"
    ):
        overlay("  - hide: {field: referral_date}\n")


def test_an_added_field_with_a_broken_condition_is_located_in_the_overlay(overlay):
    with pytest.raises(SpecError) as raised:
        overlay(
            "  - add_field: {page: pre_birth,\n"
            "                field: {id: extra, type: text, label: Extra, show_if: unborn = maybe}}\n"
        )
    [problem] = raised.value.problems
    assert problem.file == "authorities/test.yaml" and "unknown field id 'maybe'" in problem.message


def test_a_closure_day_outside_the_accepted_range_is_located_not_a_crash_later(tmp_path):
    # The calendar refuses such a day, and every page builds one: the loader must refuse it first.
    target = tmp_path / "form_specs"
    shutil.copytree(SPEC_DIR, target)
    (target / "authorities" / "test.yaml").write_text(
        AUTHORITY.replace("[2025-12-29]", "[2025-12-29, 2199-12-29]"), encoding="utf-8"
    )
    with pytest.raises(SpecError) as raised:
        load_spec(target, "test")
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.place) == (
        "authorities/test.yaml",
        4,
        "authority.closure_days[1]",
    )
    assert "2199-12-29 is not between 1 January 1900 and 31 December 2100" in problem.message
