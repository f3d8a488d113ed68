"""A rendered document made fit for its language's script: the font Word and LibreOffice use for it,
and, for a language written right to left, every paragraph, table and section laid out that way.

Word reads the font of Arabic, Urdu, Bengali or Gurmukhi text from a run's complex-script font
(`w:cs`), never from its Latin one: the templates name Arial for both, which has none of these
scripts. Right to left (FIELD-NOTES "Languages"): `w:bidi` on each paragraph and in `w:sectPr`,
`w:rtl` on each run, `w:bidiVisual` on each table, and `w:bCs`/`w:szCs` beside `w:b`/`w:sz` so that
bold and size apply to the script too, each inserted where the schema puts it (Word refuses a part whose
children are out of order; LibreOffice forgives it, so the tests check the order). `jc="left"` goes: in
a right-to-left paragraph it would push the text to the wrong side. Latin text and numbers inside
(names, the worker's English, phone numbers) are wrapped in Unicode isolates so that their full stops
and brackets stay where they belong.
"""

from __future__ import annotations

import re

from lxml import etree

from formgen.documents.ooxml import W, parse, rewrite_parts, serialise

# The Noto fonts the set-up installs (Debian's fonts-noto-core), by language.
SCRIPT_FONTS: dict[str, str] = {
    "ar": "Noto Naskh Arabic",
    "fa": "Noto Naskh Arabic",
    "ps": "Noto Naskh Arabic",
    "ur": "Noto Nastaliq Urdu",
    "bn": "Noto Sans Bengali",
    "gu": "Noto Sans Gujarati",
    "pa": "Noto Sans Gurmukhi",
}

# Schema order of the children that are inserted (ECMA-376 Part 1, CT_PPrBase, CT_RPr, CT_TblPr,
# CT_SectPr): each new element goes before the first sibling that the schema puts after it.
_PPR_AFTER_BIDI = [
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
_RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
_TBLPR_AFTER_BIDI_VISUAL = [
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
    "tblPrChange",
]
_SECTPR_AFTER_BIDI = ["rtlGutter", "docGrid", "printerSettings", "sectPrChange"]

_PARTS = re.compile(r"word/(document|header[0-9]*|footer[0-9]*|styles)\.xml")
# A stretch of Latin letters or digits with what joins them (spaces, punctuation), from an opening
# bracket or a letter to a letter, a digit or closing punctuation: an English sentence, a name, a phone
# number, a date.
_LATIN_CHARACTER = "A-Za-z0-9\u00c0-\u024f"
_LATIN = re.compile(
    rf"[(\"]?[{_LATIN_CHARACTER}]"
    rf"(?:[{_LATIN_CHARACTER}\s.,:;'’()/&@+\-–!?\"%]*[{_LATIN_CHARACTER}.)!?\"%])?"
)
LRI, PDI = "\u2066", "\u2069"


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def insert_in_order(parent: etree._Element, tag: str, after: list[str]) -> etree._Element:
    """`parent`'s child `tag`, made if missing and put before the first child the schema puts after it."""
    found = parent.find(W + tag)
    if found is not None:
        return found
    made = etree.Element(W + tag)
    for child in parent:
        if _local(child) in after:
            child.addprevious(made)
            return made
    parent.append(made)
    return made


def _properties(element: etree._Element, tag: str) -> etree._Element:
    """A paragraph's pPr, a run's rPr or a table's tblPr: always its first child."""
    found = element.find(W + tag)
    if found is None:
        found = etree.Element(W + tag)
        element.insert(0, found)
    return found


def _rpr(rpr: etree._Element, font: str | None, right_to_left: bool) -> None:
    if font is not None:
        fonts = insert_in_order(rpr, "rFonts", _RPR_ORDER[_RPR_ORDER.index("rFonts") + 1 :])
        fonts.set(W + "cs", font)
    for latin, script in (("b", "bCs"), ("i", "iCs"), ("sz", "szCs")):
        given = rpr.find(W + latin)
        if given is not None and rpr.find(W + script) is None:
            made = insert_in_order(rpr, script, _RPR_ORDER[_RPR_ORDER.index(script) + 1 :])
            if given.get(W + "val") is not None:
                made.set(W + "val", given.get(W + "val"))
    if right_to_left:
        insert_in_order(rpr, "rtl", _RPR_ORDER[_RPR_ORDER.index("rtl") + 1 :])


def _isolate(text: str) -> str:
    return _LATIN.sub(lambda match: f"{LRI}{match.group(0)}{PDI}", text)


def _part(root: etree._Element, font: str | None, right_to_left: bool) -> None:
    for rpr in root.iter(W + "rPr"):
        _rpr(rpr, font, right_to_left)
    if not right_to_left:
        return
    for paragraph in root.iter(W + "p"):
        ppr = _properties(paragraph, "pPr")
        insert_in_order(ppr, "bidi", _PPR_AFTER_BIDI)
        jc = ppr.find(W + "jc")
        if jc is not None and jc.get(W + "val") == "left":
            ppr.remove(jc)
    for run in root.iter(W + "r"):
        _rpr(_properties(run, "rPr"), font, right_to_left)
    for table in root.iter(W + "tbl"):
        insert_in_order(_properties(table, "tblPr"), "bidiVisual", _TBLPR_AFTER_BIDI_VISUAL)
    for section in root.iter(W + "sectPr"):
        insert_in_order(section, "bidi", _SECTPR_AFTER_BIDI)
    for text in root.iter(W + "t"):
        if text.text:
            text.text = _isolate(text.text)


def for_script(document: bytes, code: str, *, right_to_left: bool) -> bytes:
    """`document` with its language's font and, if `right_to_left`, laid out right to left."""
    font = SCRIPT_FONTS.get(code.split("-")[0])
    if font is None and not right_to_left:
        return document

    def change(name: str, data: bytes) -> bytes | None:
        if not _PARTS.fullmatch(name):
            return None
        root = parse(data)
        _part(root, font, right_to_left and name != "word/styles.xml")
        if name == "word/styles.xml" and font is not None:
            for fonts in root.iter(W + "rFonts"):
                fonts.set(W + "cs", font)
        return serialise(root)

    return rewrite_parts(document, change)
