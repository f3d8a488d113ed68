"""Helpers shared by the tests: where the shipped files are, a fixed today, and short ways to assess."""

from __future__ import annotations

from datetime import date

from formgen.engine import Assessment, CaseFile, load_case
from formgen.settings import PROJECT_ROOT
from formgen.spec import FormSpec

SPEC_DIR = PROJECT_ROOT / "form_specs"
TEMPLATE_DIR = PROJECT_ROOT / "templates_docx"
EXAMPLES_DIR = PROJECT_ROOT / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))
# A fixed "today" keeps the tests' dates and timescales the same whenever they run.
TODAY = date(2026, 11, 20)


def load_example(name: str) -> CaseFile:
    return load_case(EXAMPLES_DIR / f"{name}.json")


def assess(form: FormSpec, household: dict | None = None, child: dict | None = None) -> Assessment:
    return Assessment(form, household or {}, child if child is not None else {}, today=TODAY)


def error_messages(assessment: Assessment, **kwargs) -> dict[str, str]:
    """Each field's message by its key (group[index].field for an item's field)."""
    return {error.key: error.message for error in assessment.errors(**kwargs)}
