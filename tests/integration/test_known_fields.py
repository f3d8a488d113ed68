"""Every field the code reads by name is declared once (spec/known_fields.py) and checked on loading."""

from __future__ import annotations

import pytest

from formgen.spec import known_fields
from formgen.spec.form import FormSpec
from tests.integration.test_spec_loading import edit, line_of, problems


@pytest.fixture
def specs(project_copy):
    return project_copy.spec_dir


def test_the_shipped_form_has_every_known_field_with_its_type_and_scope(form: FormSpec):
    for key, known in known_fields.KNOWN.items():
        info = form.fields[key]
        assert (info.field.type, info.section.scope) == (known.type, known.scope), key


def test_a_known_field_of_another_type_is_located_and_says_what_reads_it(specs):
    path = specs / "sections" / "outcome.yaml"
    edit(path, "id: outcome_for_child\n        type: long_text", "id: outcome_for_child\n        type: text")
    [found] = problems(specs)
    line = line_of(path, "id: outcome_for_child")
    assert found.startswith(f"sections/outcome.yaml:{line}: ")
    assert found.endswith(
        "'outcome_for_child' must be a long_text field in a child section: it is read by the child's version"
    )


def test_the_new_case_page_cannot_hang_on_a_condition(specs):
    path = specs / "sections" / "case.yaml"
    edit(path, "  - id: referral\n    title: The referral\n", "  - id: referral\n    title: The referral\n"
         "    show_if: \"answered(household_address)\"\n")  # fmt: skip
    found = problems(specs)
    assert any(
        "the page of 'referral_date' is asked on its own, before the case or child exists" in problem
        for problem in found
    )


@pytest.mark.parametrize("page_field", known_fields.STANDALONE_PAGES)
def test_the_pages_asked_before_a_case_or_child_exists_hold_no_list(form: FormSpec, page_field):
    page = form.fields[page_field].page
    assert all(field.type != "group" for field in page.fields)
