"""The language a person says they wrote in (issue 13): asked on a page of free-text answers where either
language is likely, kept with the answers, and marked with `lang` wherever the answer is shown in the
other language."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document

from formgen.engine.casefile import parse_case
from formgen.engine.written_in import KEY
from formgen.web.commands import import_case
from tests.web.conftest import EMAIL, submit, with_overlay
from tests.web.pagecheck import CheckedClient
from tests.web.test_wizard import child_answers, summary_links, tree

OBSERVATION = "child_views/observation"  # a page of one free-text question, observation_notes
WELSH_NOTES = "Roedd Kai yn chwarae'n dawel gyda'i frawd."


def _paths(reference: str) -> tuple[str, str]:
    child = f"/cases/{reference}/children/child-kai"
    return f"{child}/{OBSERVATION}", f"{child}/child_views/check"


def _in_welsh(client) -> None:
    assert client.get("/language/cy").status_code == 302


def test_an_english_page_of_a_council_in_england_does_not_ask(client, example_case):
    page, _check = _paths(example_case)
    assert not tree(client.get(page)).xpath("//input[@name='written-in']")


def test_a_welsh_page_asks_and_the_answer_keeps_the_language_chosen(app, client, example_case):
    page, check = _paths(example_case)
    _in_welsh(client)
    radios = tree(client.get(page)).xpath("//input[@name='written-in']")
    # The example's answer was typed before anyone said its language: nothing is chosen for them.
    assert [(radio.get("value"), radio.get("checked") is not None) for radio in radios] == [
        ("en", False),
        ("cy", False),
    ]
    labels = tree(client.get(page)).xpath("//label[starts-with(@for, 'written-in')]")
    assert [(label.text_content().strip(), label.get("lang")) for label in labels] == [
        ("English", "en"),
        ("Cymraeg", "cy"),
    ]
    assert submit(client, page, {"observation_notes": WELSH_NOTES, "written-in": "cy"}).status_code == 302
    saved = child_answers(app, example_case, "child-kai")
    assert saved["observation_notes"] == WELSH_NOTES and saved[KEY]["observation_notes"] == "cy"

    # In Welsh the answer is in the page's language; in English it is marked as Welsh.
    assert not tree(client.get(check)).xpath("//dd//*[@lang]")
    assert client.get("/language/en").status_code == 302
    (marked,) = tree(client.get(check)).xpath("//dd//span[@lang='cy']")
    assert marked.text_content() == WELSH_NOTES
    (box,) = tree(client.get(page)).xpath("//textarea[@name='observation_notes']")
    assert box.get("lang") == "cy" and box.text_content() == WELSH_NOTES


def test_english_written_on_a_welsh_page_is_marked_english_there(app, client, example_case):
    page, check = _paths(example_case)
    _in_welsh(client)
    written = "Kai played quietly with his brother."
    assert submit(client, page, {"observation_notes": written, "written-in": "en"}).status_code == 302
    assert child_answers(app, example_case, "child-kai")[KEY]["observation_notes"] == "en"
    (marked,) = tree(client.get(check)).xpath("//dd//span[@lang='en']")
    assert marked.text_content() == written
    # Asked again, the page starts at what was said before.
    (chosen,) = tree(client.get(page)).xpath("//input[@name='written-in'][@checked]")
    assert chosen.get("value") == "en"


def test_continue_without_a_choice_says_nothing_of_the_language(app, client, example_case):
    page, check = _paths(example_case)
    _in_welsh(client)
    assert submit(client, page, {"observation_notes": WELSH_NOTES}).status_code == 302
    saved = child_answers(app, example_case, "child-kai")
    assert saved["observation_notes"] == WELSH_NOTES and KEY not in saved
    assert client.get("/language/en").status_code == 302
    assert not tree(client.get(check)).xpath("//dd//*[@lang]")


def test_a_cleared_answer_keeps_no_language(app, client, example_case):
    page, _check = _paths(example_case)
    _in_welsh(client)
    submit(client, page, {"observation_notes": WELSH_NOTES, "written-in": "cy"})
    submit(client, page, {"observation_notes": "", "written-in": "cy", "action": "save-later"})
    assert KEY not in child_answers(app, example_case, "child-kai")


def test_a_language_not_offered_is_refused_by_name_keeping_what_was_typed(app, client, example_case):
    page, _check = _paths(example_case)
    _in_welsh(client)
    before = child_answers(app, example_case, "child-kai")
    response = submit(client, page, {"observation_notes": WELSH_NOTES, "written-in": "xx"})
    assert response.status_code == 400
    assert summary_links(response) == [("Dewiswch yr iaith rydych chi wedi ysgrifennu ynddi", "#written-in")]
    assert tree(response).xpath("//textarea[@name='observation_notes']")[0].text_content() == WELSH_NOTES
    assert child_answers(app, example_case, "child-kai") == before


def _in_wales(overlay: str) -> str:
    assert "  nation: ENG\n" in overlay
    return overlay.replace("  nation: ENG\n", "  nation: WLS\n", 1)


@pytest.fixture
def welsh_council(tmp_path, monkeypatch) -> tuple[CheckedClient, str]:
    """A council in Wales (an overlay saying so), with the sibling group and a signed-in practitioner."""
    _app, client, reference = with_overlay(tmp_path, monkeypatch, _in_wales)
    return client, reference


def test_a_council_in_wales_asks_on_its_english_pages_too(welsh_council):
    client, reference = welsh_council
    page, check = _paths(reference)
    assert len(tree(client.get(page)).xpath("//input[@name='written-in']")) == 2
    assert submit(client, page, {"observation_notes": WELSH_NOTES, "written-in": "cy"}).status_code == 302
    (marked,) = tree(client.get(check)).xpath("//dd//span[@lang='cy']")
    assert marked.text_content() == WELSH_NOTES


def test_the_record_and_the_case_file_carry_an_answer_with_its_language(app, client, example_case):
    page, _check = _paths(example_case)
    _in_welsh(client)
    submit(client, page, {"observation_notes": WELSH_NOTES, "written-in": "cy"})
    record = client.get(f"/cases/{example_case}/children/child-kai/documents/record.docx")
    assert record.status_code == 200
    cells = [
        cell.text
        for table in Document(io.BytesIO(record.data)).tables
        for r in table.rows
        for cell in r.cells
    ]
    assert WELSH_NOTES in cells

    exported = json.loads(client.get(f"/cases/{example_case}/case-file.json").data)
    (kai,) = [child for child in exported["children"] if child["id"] == "child-kai"]
    assert kai["answers"][KEY] == {"observation_notes": "cy"}
    again = import_case(
        app, parse_case(json.dumps({**exported, "reference": "EX-AGAIN"}).encode(), "x"), EMAIL, "x"
    )
    assert child_answers(app, again, "child-kai")[KEY] == {"observation_notes": "cy"}
