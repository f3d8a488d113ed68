"""A recipient's copy in their format: Word as rendered, large print, PDF (through the converter)."""

import io
import re
import shutil
import subprocess
import threading
import zipfile

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from formgen.documents import render_document
from formgen.documents.formats import FormatUnavailable, as_format
from formgen.engine.distribution import CopyFormat
from tests.integration.test_documents import all_text
from tests.support import TODAY, load_example

SIXTEEN_POINTS = Pt(16)


@pytest.fixture(scope="module")
def plan(form, store) -> tuple[bytes, str]:
    """A real plan, as rendered for a child of the sibling group, and that child's name."""
    case = load_example("sibling-group")
    child = case.children[1]
    content = render_document(form, store, case, child.id, "plan", today=TODAY)
    return content, child.answers["child_name"]


def default_size(document) -> int | None:
    """The size, in half points, of text whose styles set none."""
    path = "/".join(qn(name) for name in ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:sz"))
    found = document.styles.element.find(path)
    return None if found is None else int(found.get(qn("w:val")))


def style_size(style, default: int | None):
    """A style's size in EMU: its own, else the style it is based on, else the document's default."""
    while style is not None:
        if style.font.size is not None:
            return style.font.size
        style = style.base_style
    return None if default is None else Pt(default / 2)


def sizes_in_parts(content: bytes) -> list[int]:
    """Every size (w:sz, w:szCs) in every part that holds text or its formatting."""
    sizes = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"word/[A-Za-z]+\d*\.xml", name):
                root = etree.fromstring(archive.read(name))
                sizes += [int(element.get(qn("w:val"))) for element in root.iter(qn("w:sz"), qn("w:szCs"))]
    return sizes


def every_run(document):
    def paragraphs_of(container):
        yield from container.paragraphs
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from paragraphs_of(cell)

    containers = [document]
    for section in document.sections:
        containers += [section.header, section.footer, section.first_page_header, section.first_page_footer]
    for container in containers:
        for paragraph in paragraphs_of(container):
            yield from paragraph.runs


def test_a_word_copy_is_the_document_as_rendered(plan):
    content, _ = plan
    assert as_format(content, CopyFormat.WORD) == (content, ".docx")


def test_large_print_sets_every_style_and_run_at_16_points_or_more_with_headings_larger(plan):
    content, _ = plan
    large, extension = as_format(content, CopyFormat.LARGE_PRINT)
    assert extension == ".docx"
    document = Document(io.BytesIO(large))
    default = default_size(document)
    assert default is not None and default >= 32
    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE):
            assert style_size(style, default) >= SIXTEEN_POINTS, style.name
    for run in every_run(document):
        assert run.font.size is None or run.font.size >= SIXTEEN_POINTS, run.text
    assert min(sizes_in_parts(large)) >= 32
    styles = document.styles
    assert style_size(styles["Heading 1"], default) > style_size(styles["Normal"], default)
    assert style_size(styles["Title"], default) > style_size(styles["Heading 1"], default)


def test_large_print_keeps_every_word_and_the_a4_page_and_its_tables_within_the_margins(plan):
    content, _ = plan
    original = Document(io.BytesIO(content))
    large = Document(io.BytesIO(as_format(content, CopyFormat.LARGE_PRINT)[0]))
    assert all_text(as_format(content, CopyFormat.LARGE_PRINT)[0]) == all_text(content)
    for before, after in zip(original.sections, large.sections, strict=True):
        assert (after.page_width, after.page_height) == (before.page_width, before.page_height)
        text_width = after.page_width - after.left_margin - after.right_margin
        for table in large.tables:
            assert sum(column.width or 0 for column in table.columns) <= text_width


def without_default_size(content: bytes) -> bytes:
    """The document as Word may save it: no default size, so unstyled text is 10 pt."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(output, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/styles.xml":
                root = etree.fromstring(data)
                defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
                for size in defaults.findall(qn("w:sz")) + defaults.findall(qn("w:szCs")):
                    defaults.remove(size)
                data = etree.tostring(root)
            target.writestr(entry, data)
    return output.getvalue()


def test_large_print_gives_a_document_without_a_default_size_one_in_the_schemas_order(plan):
    content, _ = plan
    large = Document(io.BytesIO(as_format(without_default_size(content), CopyFormat.LARGE_PRINT)[0]))
    assert default_size(large) == 32
    defaults = large.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    names = [etree.QName(child).localname for child in defaults]
    assert names == ["rFonts", "sz", "szCs", "lang"]


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def test_a_pdf_copy_is_made_by_libreoffice_and_holds_the_document(plan, tmp_path):
    content, name = plan
    pdf, extension = as_format(content, CopyFormat.PDF)
    assert extension == ".pdf"
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        assert name in pdf_text(pdf, tmp_path)


def test_two_pdf_copies_asked_for_at_once_both_succeed(plan):
    """One LibreOffice converts one document at a time: the second waits its turn."""
    content, _ = plan
    results: list[bytes] = []

    def convert() -> None:
        results.append(as_format(content, CopyFormat.PDF)[0])

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert all(pdf.startswith(b"%PDF") for pdf in results)


def test_without_the_converter_a_pdf_copy_is_refused_not_sent_as_word(plan, monkeypatch, tmp_path):
    content, _ = plan
    monkeypatch.setenv("FORMGEN_UNOSERVER", str(tmp_path / "unoserver"))  # a server without it
    with pytest.raises(FormatUnavailable) as caught:
        as_format(content, CopyFormat.PDF)
    assert re.search(r"its PDF converter .* is not installed", caught.value.detail)
