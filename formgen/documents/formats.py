"""A rendered Word document in the format its recipient asked for: Word, large print or PDF.

- Word: the document as rendered.
- Large print (RNIB clear print): every size in the document raised to at least 16 pt, headings kept
  larger than the text, by rewriting the sizes in the document's XML (styles, defaults and any size set
  on a run, in the body, headers, footers and lists). Page size and margins stay as they are; the
  tables' columns are fitted again to the larger text, so they still fit an A4 page.
- PDF: converted by this process's long-lived LibreOffice (formgen.documents.converter). Without it
  the copy cannot be made: that is an error to show, never a Word file sent in its place.
"""

from __future__ import annotations

from lxml import etree

from formgen.documents.converter import (
    ConversionFailed,
    FormatError,
    FormatUnavailable,
    pdf_unavailable,
    to_pdf,
)
from formgen.documents.layout import BODY_POINTS, fit_columns
from formgen.documents.ooxml import W, parse, rewrite_parts, serialise
from formgen.engine.distribution import CopyFormat

__all__ = [
    "ConversionFailed",
    "FormatError",
    "FormatUnavailable",
    "as_format",
    "large_print",
    "pdf_unavailable",
    "to_pdf",
]

WORD_EXTENSION = ".docx"
PDF_EXTENSION = ".pdf"

# Sizes in Word's XML are in half points.
LARGE_PRINT_MINIMUM = 32  # 16 pt: the smallest size in a large print copy
LARGE_PRINT_INCREASE = 10  # 5 pt more on every size, so headings stay larger than the text

_SIZES = (f"{W}sz", f"{W}szCs")
# The parts of a document that hold text or its formatting; media, relationships and settings do not.
_TEXT_PARTS = ("document", "styles", "stylesWithEffects", "numbering", "footnotes", "endnotes", "comments")


def as_format(content: bytes, copy_format: CopyFormat) -> tuple[bytes, str]:
    """The document in `copy_format`, and the file extension that goes with it (".docx" or ".pdf")."""
    if copy_format is CopyFormat.WORD:
        return content, WORD_EXTENSION
    if copy_format is CopyFormat.LARGE_PRINT:
        return large_print(content), WORD_EXTENSION
    if copy_format is CopyFormat.PDF:
        return to_pdf(content), PDF_EXTENSION
    raise ValueError(f"unknown format {copy_format!r}")


# Large print -------------------------------------------------------------------------------------


def large_print(content: bytes) -> bytes:
    """The same document with every size at least 16 pt and every size raised by 5 pt."""
    enlarged = rewrite_parts(content, lambda name, data: _enlarge(data) if _is_text_part(name) else None)
    # Larger words need wider columns: the lists' tables are fitted again at the larger size.
    return fit_columns(enlarged, points=BODY_POINTS + LARGE_PRINT_INCREASE / 2)


def _is_text_part(name: str) -> bool:
    if not name.startswith("word/") or not name.endswith(".xml") or name.count("/") != 1:
        return False
    stem = name.removeprefix("word/").removesuffix(".xml")
    return stem in _TEXT_PARTS or stem.rstrip("0123456789") in ("header", "footer")


def _enlarge(xml: bytes) -> bytes:
    root = parse(xml)
    for element in root.iter(*_SIZES):
        element.set(f"{W}val", str(_larger(element.get(f"{W}val"))))
    if etree.QName(root).localname == "styles":
        _enlarge_default(root)
    return serialise(root)


def _larger(value: str | None) -> int:
    try:
        half_points = int(value or "")
    except ValueError:  # a size Word would ignore: make it readable all the same
        return LARGE_PRINT_MINIMUM
    return max(LARGE_PRINT_MINIMUM, half_points + LARGE_PRINT_INCREASE)


def _enlarge_default(styles: etree._Element) -> None:
    """Text whose style sets no size takes the document's default, which may be absent (then 10 pt)."""
    defaults = _child(styles, "docDefaults", first=True)
    run_defaults = _child(defaults, "rPrDefault", first=True)
    properties = _child(run_defaults, "rPr", first=True)
    for name in ("sz", "szCs"):
        if properties.find(f"{W}{name}") is None:
            size = etree.Element(f"{W}{name}")
            size.set(f"{W}val", str(LARGE_PRINT_MINIMUM))
            _insert_size(properties, size)


def _child(parent: etree._Element, name: str, *, first: bool) -> etree._Element:
    found = parent.find(f"{W}{name}")
    if found is None:
        found = etree.Element(f"{W}{name}")
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


# w:rPr's children before w:sz in the schema's order (Word refuses a document with them out of order).
_BEFORE_SIZE = {
    f"{W}{name}"
    for name in (
        *("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike"),
        *("outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden"),
        *("color", "spacing", "w", "kern", "position", "sz"),
    )
}


def _insert_size(properties: etree._Element, size: etree._Element) -> None:
    """Put w:sz (or w:szCs, which follows it) where the schema wants it."""
    index = 0
    for position, child in enumerate(properties):
        if child.tag in _BEFORE_SIZE:
            index = position + 1
    properties.insert(index, size)
