"""The extractors that put the specs, choice lists and Word templates into the catalog template."""

from __future__ import annotations

import io

from formgen.i18n.extract import extract_csv, extract_docx, extract_yaml
from formgen.settings import PROJECT_ROOT

KEYWORDS = ("_", "ngettext")


def _found(extracted) -> dict[str, int]:
    return {message: line for line, _function, message, _comments in extracted}


def test_a_spec_gives_the_texts_people_read_at_their_lines_and_not_its_ids_or_conditions():
    spec = b"""id: case
title: The case
pages:
  - id: household
    title: Who lives here
    fields:
      - id: relationship
        type: single_choice
        label: What is their relationship to the child?
        record_label: Relationship
        show_if: unborn == false
        choices:
          - {value: mother, label: "Mother"}
"""
    found = _found(extract_yaml(io.BytesIO(spec), KEYWORDS, (), {}))
    assert found == {
        "The case": 2,
        "Who lives here": 5,
        "What is their relationship to the child?": 9,
        "Relationship": 10,
        "Mother": 13,
    }


def test_a_choice_lists_columns_are_not_texts():
    spec = b"""title: Child and family assessment
choice_lists:
  cin_census_factors:
    file: choice_lists/cin-census-assessment-factors.csv
    value: code
    label: short
    hint: description
"""
    assert _found(extract_yaml(io.BytesIO(spec), KEYWORDS, (), {})) == {"Child and family assessment": 1}


def test_a_choice_list_gives_every_column_but_its_codes():
    rows = b"code,label,hint\nN1,Abuse or neglect,The risk of it\nN2,Disability,\n"
    found = _found(extract_csv(io.BytesIO(rows), KEYWORDS, (), {"skip": "code"}))
    assert found == {"Abuse or neglect": 2, "The risk of it": 2, "Disability": 3}


def test_a_word_template_gives_its_fixed_text_including_its_footer():
    raw = (PROJECT_ROOT / "templates_docx" / "plan.docx").read_bytes()
    found = _found(extract_docx(io.BytesIO(raw), KEYWORDS, (), {}))
    assert {"Timescale", "Who has a copy of this plan", "Page", "of"} <= set(found)
    assert not any("{{" in message or "letter." in message for message in found)
