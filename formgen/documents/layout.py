"""Column widths that suit a rendered table's content.

A table whose columns repeat in the template (`{%tc for ... %}`, a list's fields) cannot carry its
widths in the template: the number of columns is only known once rendered, and docxtpl then shares
the page width out equally, so a date gets as much room as an address. The template marks such a
table by giving it the full page width in percent and leaving its cells' widths to Word (`auto`);
after rendering, each such table gets widths from what its columns hold: a column of dates stays
narrow, one of notes or addresses grows, and no column is narrower than its longest word (so a word is
never broken, in large print too, whose text grows in proportion). Tables with widths of their own are
left as the template has them.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from formgen.documents.ooxml import W as _W
from formgen.documents.ooxml import parse, rewrite_parts, serialise

DOCUMENT = "word/document.xml"
# Room for one character of Arial at the body's size (11 point), in twentieths of a point, and a
# cell's own margins (Table Grid's 0.19 cm each side, and a little to spare).
BODY_POINTS = 11.0
_CHARACTER = 112
# A column's longest word gets more room a character than text that may wrap: it may be a bold
# header of wide letters ("Bedroom" in bold Arial needs 119 a letter, its space included), and a word
# too wide for its column is broken in two. More than this and a large-print table of five columns
# no longer fits the page.
_WORD_CHARACTER = 124
_CELL_MARGINS = 230
_LONGEST_SHARE = 60  # characters: past this a column wraps rather than taking more of the page
_SHORT = 18  # characters: an answer this long or shorter ("18 September 2021") is kept on one line


def fit_columns(content: bytes, points: float = BODY_POINTS) -> bytes:
    """The document with each auto-width table's columns sized to their content, for body text of
    `points` (a large-print copy is fitted again at its size)."""
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        root = parse(source.read(DOCUMENT))
    changed, width = False, _text_width(root)
    for table in root.iter(f"{_W}tbl"):
        changed |= _fit(table, width, points / BODY_POINTS)
    if not changed:
        return content
    return rewrite_parts(content, lambda name, _: serialise(root) if name == DOCUMENT else None)


def _text_width(root: etree._Element) -> int:
    """The page's width between its margins, in twentieths of a point (A4 with 20 mm margins if unset)."""
    section = root.find(f".//{_W}sectPr")
    size = section.find(f"{_W}pgSz") if section is not None else None
    margins = section.find(f"{_W}pgMar") if section is not None else None
    try:
        width = int(size.get(f"{_W}w")) - int(margins.get(f"{_W}left")) - int(margins.get(f"{_W}right"))
    except (AttributeError, TypeError, ValueError):
        width = 0
    return width if width > 0 else 9638


def _fit(table: etree._Element, text_width: int, scale: float) -> bool:
    width = table.find(f"{_W}tblPr/{_W}tblW")
    if width is None or width.get(f"{_W}type") != "pct":
        return False
    rows = [row.findall(f"{_W}tc") for row in table.findall(f"{_W}tr")]
    count = max((len(cells) for cells in rows), default=0)
    if count < 2 or any(len(cells) != count for cells in rows):
        return False  # merged cells: leave the template's layout alone
    texts = [[_cell_text(cell) for cell in cells] for cells in rows]
    # A header row's labels ("Date of birth") may not break a word, but are not answers to keep on one
    # line: only a row Word repeats as the header counts as one, not whatever row comes first.
    answers = texts[1:] if rows and _is_header(table.findall(f"{_W}tr")[0]) else texts
    needs = []
    for column in range(count):
        # No word is broken (the header's included); a short answer (a date, a name) is kept on one
        # line where the page has room; a long one wraps.
        words = [len(word) for row in texts for word in row[column].split()]
        lines = [len(line) for row in answers for line in row[column].splitlines()]
        longest = max(lines, default=0)
        word = max(words, default=1) + 1
        short = max(word, min(longest, _SHORT) + 1)
        needs.append((word, short, max(short, min(longest, _LONGEST_SHARE))))
    widths = _share(needs, text_width, scale)
    grid = table.find(f"{_W}tblGrid")
    if grid is not None:
        for column in grid.findall(f"{_W}gridCol"):
            grid.remove(column)
        for value in widths:
            etree.SubElement(grid, f"{_W}gridCol").set(f"{_W}w", str(value))
    for cells in rows:
        for cell, value in zip(cells, widths, strict=True):
            properties = cell.find(f"{_W}tcPr")
            if properties is None:
                properties = etree.Element(f"{_W}tcPr")
                cell.insert(0, properties)  # a cell's properties come before its paragraphs
            cell_width = properties.find(f"{_W}tcW")
            if cell_width is None:
                cell_width = etree.Element(f"{_W}tcW")
                properties.insert(0, cell_width)
            cell_width.set(f"{_W}type", "dxa")
            cell_width.set(f"{_W}w", str(value))
    return True


def _is_header(row: etree._Element) -> bool:
    """Whether the row is marked to repeat as the table's header (w:trPr/w:tblHeader, on unless its
    value says off)."""
    header = row.find(f"{_W}trPr/{_W}tblHeader")
    return header is not None and header.get(f"{_W}val", "true") not in {"false", "0", "off"}


def _share(needs: list[tuple[int, int, int]], total: int, scale: float) -> list[int]:
    """Each column its longest word at least; then, as far as the width allows, its short answers on
    one line; then the rest of the width in proportion to how much more its longest text wants."""

    def room(characters: int, character: int = _CHARACTER) -> int:
        return round(characters * character * scale) + _CELL_MARGINS

    words = [room(word, _WORD_CHARACTER) for word, _, _ in needs]
    shorts = [max(room(short), least) for (_, short, _), least in zip(needs, words, strict=True)]
    wants = [max(room(want), least) for (_, _, want), least in zip(needs, shorts, strict=True)]
    if sum(words) >= total:  # too many long words to fit: in proportion to them
        return [total * width // sum(words) for width in words]
    base, goal = (shorts, wants) if sum(shorts) <= total else (words, shorts)
    spare = total - sum(base)
    extra = [more - width for width, more in zip(base, goal, strict=True)]
    if not any(extra):
        return [width + spare // len(base) for width in base]
    return [width + spare * more // sum(extra) for width, more in zip(base, extra, strict=True)]


def _cell_text(cell: etree._Element) -> str:
    """The cell's text, one line per paragraph or line break, as its longest line decides its width."""
    lines = []
    for paragraph in cell.iter(f"{_W}p"):
        line = []
        for node in paragraph.iter(f"{_W}t", f"{_W}br"):
            line.append("\n" if node.tag == f"{_W}br" else node.text or "")
        lines.append("".join(line))
    return "\n".join(lines).strip()
