"""The family's plan and outcome in their language (K4): every shipped catalog writes every example's
copies whole, in its own dates and script; a broken or stale catalog refuses its document and says why."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner
from lxml import etree

from formgen.cli import main
from formgen.display import format_day
from formgen.documents import documents_for, render_document, write_documents
from formgen.documents.assemble import NotInLanguage
from formgen.documents.languages import coverage, family_documents, needed_messages
from formgen.documents.ooxml import W
from formgen.documents.scripts import LRI, PDI, SCRIPT_FONTS
from formgen.engine.distribution import Audience
from formgen.i18n import Language, catalogs, speaking
from formgen.settings import PROJECT_ROOT
from tests.support import EXAMPLES, TODAY, load_example

# The largest main languages of the 2021 Census in England and Wales after English, and of recent
# arrivals (issue 12): each must write the whole plan and outcome.
LANGUAGES = ("cy", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "gu", "tr", "fa", "ps", "uk")
RIGHT_TO_LEFT = {"ar", "ur", "fa", "ps"}
SHIPPED = catalogs.available(PROJECT_ROOT / "translations")
_LATIN = re.compile(r"[A-Za-z]")


def _zip_parts(document: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(document)) as docx:
        return {
            name: etree.fromstring(docx.read(name))
            for name in docx.namelist()
            if re.fullmatch(r"word/(document|header[0-9]*|footer[0-9]*)\.xml", name)
        }


def _text(document: bytes) -> str:
    """Every paragraph's text, one per line, isolates removed."""
    lines = []
    for root in _zip_parts(document).values():
        for paragraph in root.iter(W + "p"):
            lines.append("".join(t.text or "" for t in paragraph.iter(W + "t")))
    return "\n".join(lines).replace(LRI, "").replace(PDI, "")


def _family_copies():
    """(example, child, recipient) of one family member's copies in each example: each example's
    answers, in every language, at a cost the suite can keep."""
    for path in EXAMPLES:
        case = load_example(path.stem)
        yield next(
            (path.stem, child.id, recipient.id)
            for child in case.children
            for recipient in case.distribution
            if recipient.audience is Audience.FAMILY and recipient.receives(child.id)
        )


FAMILY_COPIES = list(_family_copies())


@pytest.fixture(scope="module")
def needs(form, store) -> dict[str, frozenset[str]]:
    examples = [load_example(path.stem) for path in EXAMPLES]
    return {kind: needed_messages(form, store, examples, kind) for kind in family_documents()}


def test_every_language_of_the_issue_is_shipped_and_writes_the_whole_of_each_family_document(needs):
    assert set(LANGUAGES) <= set(SHIPPED)
    for code in LANGUAGES:
        for kind, needed in needs.items():
            found = coverage(needed, code)
            assert found.complete, f"{code} {kind}: {found.percent}%, first missing {found.first_missing!r}"


_ENGLISH: dict[tuple[str, str, str, str], str] = {}


def _english(form, store, name: str, child_id: str, kind: str, recipient_id: str) -> str:
    """The English copy's text, made once for all the languages compared with it."""
    key = (name, child_id, kind, recipient_id)
    if key not in _ENGLISH:
        case = load_example(name)
        document = render_document(
            form,
            store,
            case,
            child_id,
            kind,
            today=TODAY,
            recipient=case.recipient(recipient_id),
            language="en",
        )
        _ENGLISH[key] = _text(document)
    return _ENGLISH[key]


def _fragments(message: str) -> list[str]:
    """The fixed words of a message long enough to be found only where it is printed."""
    return [
        part.strip() for part in re.split(r"%\([a-z_]+\)s|\{[a-z_]+\}", message) if len(part.strip()) >= 12
    ]


@pytest.mark.parametrize("code", SHIPPED)
def test_a_translated_copy_prints_no_fixed_english_sentence_and_dates_in_its_own_words(
    code, form, store, needs
):
    spoken = catalogs.language(code)
    for name, child_id, recipient_id in FAMILY_COPIES:
        case = load_example(name)
        recipient = case.recipient(recipient_id)
        free_text = json.dumps(
            json.loads((PROJECT_ROOT / "examples" / f"{name}.json").read_text()), ensure_ascii=False
        )
        for kind in family_documents():
            if kind not in documents_for(form, case, child_id, today=TODAY):
                continue  # no outcome before approval
            english = _english(form, store, name, child_id, kind, recipient_id)
            translated = _text(
                render_document(
                    form, store, case, child_id, kind, today=TODAY, recipient=recipient, language=code
                )
            )
            for message in needs[kind]:
                own = spoken.gettext_or_none(message) or ""
                for fragment in _fragments(message):
                    if fragment in english and fragment not in free_text and fragment not in own:
                        assert fragment not in translated, f"{code} {name} {kind}: English left: {fragment!r}"
            with speaking(Language(code)):
                assert format_day(TODAY) in translated  # the day it was made, in the language's words
            assert format_day(TODAY, "en_GB") not in translated


def _order_is_the_schemas(parent: etree._Element, order: list[str]) -> bool:
    known = [etree.QName(child).localname for child in parent if etree.QName(child).localname in order]
    return known == sorted(known, key=order.index)


@pytest.mark.parametrize("code", sorted(RIGHT_TO_LEFT & set(SHIPPED)))
def test_a_right_to_left_copy_is_laid_out_right_to_left_in_schema_order_with_latin_isolated(
    code, form, store
):
    from formgen.documents import scripts

    case = load_example("unaccompanied-asylum-seeker")
    document = render_document(
        form,
        store,
        case,
        "child-yasir",
        "plan",
        today=TODAY,
        recipient=case.recipient("uncle"),
        language=code,
    )
    parts = _zip_parts(document)
    body = parts["word/document.xml"]
    paragraphs = list(body.iter(W + "p"))
    assert paragraphs
    for root in parts.values():
        for paragraph in root.iter(W + "p"):
            properties = paragraph.find(W + "pPr")
            assert properties is not None and properties.find(W + "bidi") is not None
            assert _order_is_the_schemas(
                properties, ["pStyle", "keepNext", "keepLines", "bidi", *scripts._PPR_AFTER_BIDI]
            )
            jc = properties.find(W + "jc")
            assert jc is None or jc.get(W + "val") != "left"
        for run in root.iter(W + "r"):
            properties = run.find(W + "rPr")
            assert properties is not None and properties.find(W + "rtl") is not None
            assert _order_is_the_schemas(properties, scripts._RPR_ORDER)
            fonts = properties.find(W + "rFonts")
            assert fonts is not None and fonts.get(W + "cs") == SCRIPT_FONTS[code]
        for text in root.iter(W + "t"):
            # Outside the isolates there is no Latin letter: each one is inside an LRI ... PDI.
            outside = re.sub(f"{LRI}[^{PDI}]*{PDI}", "", text.text or "")
            assert not _LATIN.search(outside), f"{code}: Latin not isolated in {text.text!r}"
    for table in body.iter(W + "tbl"):
        properties = table.find(W + "tblPr")
        assert properties.find(W + "bidiVisual") is not None
        assert _order_is_the_schemas(
            properties, ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", *scripts._TBLPR_AFTER_BIDI_VISUAL]
        )
    for section in body.iter(W + "sectPr"):
        assert section.find(W + "bidi") is not None
        assert _order_is_the_schemas(
            section,
            ["pgSz", "pgMar", "cols", "titlePg", "textDirection", "bidi", *scripts._SECTPR_AFTER_BIDI],
        )
    assert "Khalid Abdalla Mahmoud" in _text(document)


def test_a_left_to_right_copy_gets_no_right_to_left_markup(form, store):
    case = load_example("sibling-group")
    document = render_document(
        form,
        store,
        case,
        "child-tilly",
        "plan",
        today=TODAY,
        recipient=case.recipient("family-friend"),
        language="pl",
    )
    xml = etree.tostring(_zip_parts(document)["word/document.xml"]).decode()
    assert "w:bidi" not in xml and "<w:rtl" not in xml and LRI not in xml


# --- catalogs made for the test: a translation that would corrupt XML, a stale one, a broken one -------


def _catalog(directory: Path, code: str, change) -> Path:
    """A copy of the shipped catalog of `code` under `directory`, changed by `change(catalog)`."""
    source = catalogs.po_path(code, PROJECT_ROOT / "translations")
    target = catalogs.po_path(code, directory)
    target.parent.mkdir(parents=True)
    shutil.copy(source, target)
    with target.open("rb") as file:
        catalog = read_po(file)
    change(catalog)
    with target.open("wb") as file:
        write_po(file, catalog, width=0)
    return target


def test_a_translation_holding_xml_characters_is_escaped_and_the_document_stays_valid(
    form, store, tmp_path, monkeypatch
):
    def ampersands(catalog):
        catalog["Timescale"].string = "Terminy & <czas> \"dni\" 'robocze'"

    _catalog(tmp_path, "pl", ampersands)
    monkeypatch.setenv("FORMGEN_TRANSLATIONS_DIR", str(tmp_path))
    case = load_example("sibling-group")
    document = render_document(
        form, store, case, "child-tilly", "plan", today=TODAY, recipient=case.recipient("family-friend")
    )
    assert "Terminy & <czas> \"dni\" 'robocze'" in _text(document)  # parsed: the XML is valid


def test_a_stale_catalog_refuses_its_document_and_says_the_english_changed(
    form, store, tmp_path, monkeypatch
):
    def stale(catalog):
        catalog["Who to contact"].flags.add("fuzzy")

    path = _catalog(tmp_path, "pl", stale)
    monkeypatch.setenv("FORMGEN_TRANSLATIONS_DIR", str(tmp_path))
    case = load_example("sibling-group")
    with pytest.raises(NotInLanguage, match="changed since they were translated"):
        render_document(
            form, store, case, "child-tilly", "plan", today=TODAY, recipient=case.recipient("family-friend")
        )
    # The English copy, and every other recipient's, is still made.
    render_document(form, store, case, "child-tilly", "plan", today=TODAY, recipient=case.recipient("mother"))
    checked = subprocess.run(
        [sys.executable, "-m", "formgen", "check"],
        capture_output=True,
        text=True,
        env={"FORMGEN_TRANSLATIONS_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert checked.returncode == 1
    assert f"{path}:" in checked.stderr + checked.stdout and "stale" in checked.stderr + checked.stdout


def test_a_translation_that_changes_a_placeholder_is_not_used_and_check_names_its_line(
    form, store, tmp_path, monkeypatch
):
    def renamed(catalog):
        catalog["Dear %(name)s,"].string = "Szanowni %(imie)s,"

    path = _catalog(tmp_path, "pl", renamed)
    monkeypatch.setenv("FORMGEN_TRANSLATIONS_DIR", str(tmp_path))
    case = load_example("sibling-group")
    with pytest.raises(NotInLanguage, match="not translated yet"):
        render_document(
            form, store, case, "child-tilly", "plan", today=TODAY, recipient=case.recipient("family-friend")
        )
    from formgen.i18n.check import check_catalog

    problems = [str(problem) for problem in check_catalog(path, frozenset())]
    assert any(
        f"{path}:" in problem and "Dear %(name)s," in problem and "not used" in problem
        for problem in problems
    )


def test_a_language_without_a_catalog_is_refused_by_name(form, store):
    case = load_example("sibling-group")
    with pytest.raises(NotInLanguage, match="no Somali translation yet"):
        render_document(
            form,
            store,
            case,
            "child-tilly",
            "plan",
            today=TODAY,
            recipient=case.recipient("mother"),
            language="so",
        )
    with pytest.raises(NotInLanguage, match="English only"):
        render_document(form, store, case, "child-tilly", "record", today=TODAY, language="pl")


def test_the_family_is_told_the_translation_is_not_yet_reviewed_in_their_language(form, store):
    case = load_example("sibling-group")
    about = catalogs.about_language("pl")
    assert not about.reviewed and "AI" in about.translated_by
    document = _text(
        render_document(
            form, store, case, "child-tilly", "plan", today=TODAY, recipient=case.recipient("family-friend")
        )
    )
    note = catalogs.language("pl").gettext_or_none(
        "This translation has not yet been checked by a qualified translator. You can ask us for the English "
        "copy, or for an interpreter to explain it to you."
    )
    assert note and note in document
    english = _text(
        render_document(
            form, store, case, "child-tilly", "plan", today=TODAY, recipient=case.recipient("mother")
        )
    )
    assert "qualified translator" not in english


def _asking_for_both(case, recipient_id: str):
    """The case with one recipient asking for the English copy beside theirs."""
    asking = case.recipient(recipient_id).model_copy(update={"english_too": True})
    return case.model_copy(
        update={"distribution": [asking if r.id == recipient_id else r for r in case.distribution]}
    )


def test_a_family_member_who_asks_for_both_gets_the_english_copy_with_theirs(form, store, tmp_path):
    case = _asking_for_both(_asking_for_both(load_example("sibling-group"), "family-friend"), "mother")
    chosen = {"kinds": ["plan"], "child_ids": ["child-tilly"], "today": TODAY}
    written = write_documents(form, store, case, tmp_path, recipient_ids=["family-friend"], **chosen)
    assert [path.name for path in written] == [
        f"{case.reference}-child-tilly-plan-family-friend.docx",
        f"{case.reference}-child-tilly-plan-family-friend.en.docx",
    ]
    polish, english = (_text(path.read_bytes()) for path in written)
    prepared = "Prepared for Agnieszka Wróbel on "
    assert prepared not in polish and prepared in english
    assert "qualified translator" not in english  # the original, not a translation
    # The mother's copy is in English already: asking for both gives her one copy, not two.
    (mothers,) = write_documents(form, store, case, tmp_path / "mother", recipient_ids=["mother"], **chosen)
    assert mothers.name == f"{case.reference}-child-tilly-plan-mother.docx"
    # One language for every copy (--language): that copy alone.
    (override,) = write_documents(
        form, store, case, tmp_path / "cy", recipient_ids=["family-friend"], language="cy", **chosen
    )
    assert override.name == f"{case.reference}-child-tilly-plan-family-friend.docx"


def test_render_notes_only_the_unreviewed_languages_it_wrote(tmp_path):
    def render(*arguments: str) -> str:
        result = CliRunner().invoke(
            main,
            [
                "render",
                str(PROJECT_ROOT / "examples" / "sibling-group.json"),
                "--out-dir",
                str(tmp_path),
                *arguments,
            ],
        )
        assert result.exit_code == 0, result.output
        return result.stderr

    assert "Polish" in render("--recipient", "family-friend")
    assert "Polish" not in render("--recipient", "police")
    assert "Polish" not in render("--document", "record")
    assert "Welsh" in render("--recipient", "police", "--language", "cy")
