"""Every document as Word and as PDF in the web app, through the real converter; and with the converter
missing or unable to start, a page that says so and offers the Word copy, never a Word file sent as a
PDF, on the task list's downloads and in business support's pack."""

from __future__ import annotations

import io
import subprocess
import zipfile

import docx
import pytest

from formgen.documents import converter
from formgen.documents.converter import UNAVAILABLE
from formgen.web.extensions import db
from formgen.web.models import Case
from tests.integration.test_documents import all_text_with_headers
from tests.support import draft, load_example
from tests.web.test_circulation import CHILDREN, PAGE, SUPPORT, people, row, text, tree

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_text(content: bytes) -> str:
    output = subprocess.run(["pdftotext", "-", "-"], input=content, check=True, capture_output=True)
    return " ".join(output.stdout.decode().split())


def document_links(client, reference: str) -> list[str]:
    tasks = client.get(f"/cases/{reference}/children/child-tilly")
    return tree(tasks).xpath("//a[contains(@href, '/documents/')]/@href")


def test_every_document_the_task_list_offers_downloads_as_word_and_as_pdf(client, example_case, running):
    links = document_links(client, example_case)
    words = [link for link in links if link.endswith(".docx")]
    pdfs = [link for link in links if link.endswith(".pdf")]
    assert len(words) >= 3 and [link.removesuffix(".pdf") for link in pdfs] == [
        link.removesuffix(".docx") for link in words
    ]
    for link in pdfs:
        response = client.get(link)
        assert response.status_code == 200 and response.mimetype == "application/pdf", link
        assert response.data.startswith(b"%PDF")
        assert (
            response.headers["Content-Disposition"].endswith('.pdf"')
            or ".pdf" in (response.headers["Content-Disposition"])
        )
        assert "Tilly" in pdf_text(response.data)
    word = client.get(words[0])
    assert word.mimetype == WORD and "Tilly Dacres" in all_text_with_headers(word.data)


@pytest.fixture(params=["missing", "will not start"])
def no_converter(request, monkeypatch, tmp_path) -> str:
    """A server whose converter is not installed, or is there but stops as soon as it starts."""
    program = tmp_path / "unoserver" if request.param == "missing" else "/bin/false"
    monkeypatch.setenv("FORMGEN_UNOSERVER", str(program))
    return request.param


def plainly(page: str) -> None:
    """The person asking is told plainly, with nothing of the server: no path, no program, no log."""
    assert UNAVAILABLE in page
    for detail in ("/tmp", "/bin/false", "unoserver", "setup.sh", "not installed", "stopped as it started"):
        assert detail not in page, detail


def test_without_the_converter_the_pdf_link_explains_and_offers_the_word_copy(
    client, example_case, no_converter, caplog
):
    (record,) = [link for link in document_links(client, example_case) if link.endswith("record.pdf")]
    response = client.get(record)
    assert response.status_code == 409 and response.mimetype == "text/html"
    page = text(response)
    assert "The PDF cannot be made now" in page and "The Word copy holds the same document" in page
    plainly(page)
    # What went wrong is in the server's log, for whoever runs it.
    assert ("is not installed" if no_converter == "missing" else "stopped as it started") in caplog.text
    (word_link,) = tree(response).xpath("//a[@id='word-instead']/@href")
    word = client.get(word_link)
    assert word.status_code == 200 and word.mimetype == WORD
    assert "Tilly Dacres" in all_text_with_headers(word.data)


@pytest.fixture
def team(app):
    """The sibling group as a draft with the example's distribution list, business support among them."""
    return people(app, draft(load_example("sibling-group")))


def police_want_pdf(app) -> None:
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        case.distribution = [
            {**entry, "format": "pdf"} if entry["id"] == "police" else entry for entry in case.distribution
        ]
        db.session.commit()


def test_business_support_are_told_which_pdf_copies_cannot_be_made_and_offered_word(app, team, no_converter):
    police_want_pdf(app)
    support = team[SUPPORT]
    page = support.get(PAGE)
    police = row(page, "child-kai", "plan", "police")
    if no_converter == "missing":  # known before anyone asks: said beside the copy
        assert UNAVAILABLE in police and "Download as Word" in police
        plainly(police)
        (link,) = tree(page).xpath("//tr[@id='copy-child-kai-plan-police']//a/@href")
    else:  # found out on asking: the page that answers says so
        refused = support.get(tree(page).xpath("//tr[@id='copy-child-kai-plan-police']//a/@href")[0])
        assert refused.status_code == 409 and refused.mimetype == "text/html"
        assert f"The PDF could not be made. {UNAVAILABLE}." in text(refused)
        plainly(text(refused))
        (link,) = tree(refused).xpath("//a[@id='word-instead']/@href")
    word = support.get(link)
    assert word.status_code == 200 and word.mimetype == WORD
    assert ".docx" in word.headers["Content-Disposition"]
    docx.Document(io.BytesIO(word.data))  # a Word document that opens
    assert "Prepared for PC Dana Whitlock on " in all_text_with_headers(word.data)

    pack = support.get(f"{PAGE}/copies.zip")
    assert pack.status_code == 200
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        names = archive.namelist()
        note = archive.read("NOT-INCLUDED.txt").decode()
    assert not [name for name in names if name.endswith(".pdf")]
    assert len([name for name in names if name.endswith(".docx")]) == 11  # every copy but the police's
    assert "These PDF copies could not be made" in note and "Word copy can be downloaded" in note
    plainly(note)
    for child in ("Tilly Dacres", "Kai Dacres", "Poppy Dacres"):
        assert f"Assessment plan - {child} - for PC Dana Whitlock: " in note  # named for people


def pack_note(client) -> str:
    pack = client.get(f"{PAGE}/copies.zip")
    assert pack.status_code == 200
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        return archive.read("NOT-INCLUDED.txt").decode()


def test_every_copy_the_packs_note_lists_is_one_whose_word_copy_business_support_may_download(
    app, monkeypatch, tmp_path
):
    """The approved case: the police's plans and outcomes want PDF; the note lists each, and each one's
    Word copy downloads for the person the note was made for (business support make both, A3)."""
    team = people(app, load_example("sibling-group"))
    monkeypatch.setenv("FORMGEN_UNOSERVER", str(tmp_path / "unoserver"))
    police_want_pdf(app)
    support = team[SUPPORT]
    note = pack_note(support)
    for key, child in CHILDREN.items():
        for kind, title in (("plan", "Assessment plan"), ("outcome", "Assessment outcome")):
            assert f"{title} - {child} - for PC Dana Whitlock: " in note
            word = support.get(f"{PAGE}/{key}/{kind}/police?format=word")
            assert word.status_code == 200 and word.mimetype == WORD, (key, kind)


def test_a_pack_of_several_pdf_copies_waits_for_one_failed_start_not_one_for_each(
    app, team, monkeypatch, tmp_path
):
    # A converter that says each time it is started, then never answers.
    starts, silent = tmp_path / "starts", tmp_path / "silent-unoserver"
    silent.write_text(f"#!/bin/sh\necho started >> '{starts}'\nexec sleep 60\n", encoding="utf-8")
    silent.chmod(0o755)
    monkeypatch.setenv("FORMGEN_UNOSERVER", str(silent))
    monkeypatch.setattr(converter, "START_TIMEOUT_SECONDS", 2.0)
    police_want_pdf(app)  # a plan for each of three children: three PDF copies
    note = pack_note(team[SUPPORT])
    assert starts.read_text().splitlines() == ["started"]  # one start's wait, not three
    for child in CHILDREN.values():
        assert f"Assessment plan - {child} - for PC Dana Whitlock: {UNAVAILABLE}" in note
