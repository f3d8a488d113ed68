"""Write the Word templates in templates_docx/: record.docx, plan.docx, child.docx and outcome.docx.

Run from anywhere: .venv/bin/python tools/build_templates.py

The names used in the tags are the context contract in docs/templates.md. Each tag is written as one
run, so nothing here depends on docxtpl joining tags that Word split.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section, _Footer, _Header
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

OUT_DIR = Path(__file__).resolve().parent.parent / "templates_docx"

FONT = "Arial"
HEADING_COLOUR = RGBColor(0x1F, 0x38, 0x64)
HEADER_SHADING = "D9E2F3"
LABEL_SHADING = "F2F2F2"  # a label beside its answer: lighter than a header row, which repeats
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_MM = 20
TEXT_WIDTH_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM
TABLE_STYLE = "Table Grid"

# Point sizes per style; the child's version uses larger text.
SIZES = {"Normal": 11, "Title": 24, "Heading 1": 16, "Heading 2": 13, "Heading 3": 12}
CHILD_SIZES = {"Normal": 13, "Title": 26, "Heading 1": 18, "Heading 2": 15, "Heading 3": 14}
# The outcome is a letter a parent reads: slightly larger text than the record, a smaller title.
LETTER_SIZES = {"Normal": 12, "Title": 20, "Heading 1": 15, "Heading 2": 13, "Heading 3": 12}
# A paragraph style for blocks of short lines (an address, a signature): no space between the lines.
LINES_STYLE = "Address"


class Bold(str):
    """Text written as a bold run."""


Runs = Sequence[str]
# A row of a label-and-value table: (label, value runs...), or (tag,) for a row docxtpl removes.
KeyValueRow = tuple[str, ...]


# Document setup ----------------------------------------------------------------------------------


def set_arial(fonts: BaseOxmlElement) -> None:
    """Set Arial on a w:rFonts, dropping the theme fonts that would win over it."""
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme_attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def set_default_language(doc: DocxDocument, lang: str) -> None:
    """Make `lang` the proofing language of every run that does not set its own."""
    lang_el = default_run_properties(doc).find(qn("w:lang"))
    lang_el.set(qn("w:val"), lang)
    lang_el.set(qn("w:eastAsia"), lang)


def default_run_properties(doc: DocxDocument) -> BaseOxmlElement:
    return doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))


def set_fonts(doc: DocxDocument) -> None:
    set_arial(default_run_properties(doc).find(qn("w:rFonts")))
    for style in doc.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE):
            set_arial(style.element.get_or_add_rPr().get_or_add_rFonts())


def set_size(style: BaseStyle, points: int) -> None:
    """Size for Latin and for complex scripts (Arabic, Urdu), which Word sizes separately."""
    style.font.size = Pt(points)
    rpr = style.element.get_or_add_rPr()
    cs_size = rpr.find(qn("w:szCs"))
    if cs_size is None:
        cs_size = OxmlElement("w:szCs")
        rpr.find(qn("w:sz")).addnext(cs_size)
    cs_size.set(qn("w:val"), str(points * 2))


def set_sizes_and_colours(doc: DocxDocument, sizes: dict[str, int]) -> None:
    for name, size in sizes.items():
        set_size(doc.styles[name], size)
        font = doc.styles[name].font
        if name != "Normal":
            # The template's accent blue is below 4.5:1 contrast on white.
            font.color.rgb = HEADING_COLOUR
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)


def set_page(section: Section) -> None:
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def set_properties(doc: DocxDocument) -> None:
    props = doc.core_properties
    # docxtpl renders core properties too; "safe" because python-docx escapes them itself.
    props.title = "{{ document.title|safe }}"
    props.author = ""
    props.comments = ""
    props.subject = ""
    props.language = "en-GB"


def new_document(sizes: dict[str, int]) -> DocxDocument:
    doc = Document()
    set_page(doc.sections[0])
    set_fonts(doc)
    set_default_language(doc, "en-GB")
    set_sizes_and_colours(doc, sizes)
    set_properties(doc)
    return doc


def add_lines_style(doc: DocxDocument) -> None:
    """For the documents that print an address or a signature."""
    style = doc.styles.add_style(LINES_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.paragraph_format.space_after = Pt(0)


# Paragraphs --------------------------------------------------------------------------------------


def add_runs(paragraph: Paragraph, runs: Runs) -> Paragraph:
    """One run per string, so a tag is never split across runs."""
    for text in runs:
        run = paragraph.add_run(text)
        if isinstance(text, Bold):
            run.bold = True
    return paragraph


def para(doc: DocxDocument, *runs: str, style: str = "Normal") -> Paragraph:
    return add_runs(doc.add_paragraph(style=style), runs)


def after_table(paragraph: Paragraph) -> Paragraph:
    """Space a paragraph off the table above it, which has no spacing of its own."""
    paragraph.paragraph_format.space_before = Pt(6)
    return paragraph


def tag(doc: DocxDocument, text: str) -> Paragraph:
    """A paragraph-level tag ({%p ... %}), alone in its paragraph as docxtpl requires."""
    return para(doc, text)


def heading(doc: DocxDocument, text: str, level: int) -> Paragraph:
    return para(doc, text, style=f"Heading {level}")


def add_field_char(paragraph: Paragraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def add_field(paragraph: Paragraph, instruction: str) -> None:
    """A complex field (PAGE, NUMPAGES) with a placeholder result that Word updates on layout."""
    add_field_char(paragraph, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    add_field_char(paragraph, "separate")
    paragraph.add_run("1")
    add_field_char(paragraph, "end")


# Header and footer -------------------------------------------------------------------------------


def fill_header(header: _Header, *, draft: bool = False, authority: bool = True) -> None:
    """The marking and the authority; with `draft`, DRAFT above them until the assessment is approved."""
    marking = header.paragraphs[0]
    marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if draft:
        add_runs(marking, [Bold("{% if document.draft %}DRAFT: NOT YET APPROVED – {% endif %}")])
    add_runs(marking, [Bold("{{ marking }}")])
    last = marking
    if authority:
        last = header.add_paragraph(style="Header")
        last.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        add_runs(last, ["{{ authority.name }}"])
    # The header grows down into the page as it needs; without a gap under it, the first heading or
    # table of every page after the first sits right against the authority's name.
    last.paragraph_format.space_after = Pt(6)


def add_header(section: Section, *, draft: bool = False) -> None:
    fill_header(section.header, draft=draft)


def fill_footer(footer: _Footer, note: str | None = None, *, draft: bool = False) -> None:
    pages = footer.paragraphs[0]
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pages.add_run("Page ")
    add_field(pages, "PAGE")
    pages.add_run(" of ")
    add_field(pages, "NUMPAGES")
    if note:
        add_runs(footer.add_paragraph(style="Footer"), [note]).alignment = WD_ALIGN_PARAGRAPH.CENTER
    marking = footer.add_paragraph(style="Footer")
    if draft:  # on every page's foot too, so a page copied on its own still says so
        add_runs(marking, [Bold("{% if document.draft %}DRAFT: NOT YET APPROVED – {% endif %}")])
    add_runs(marking, [Bold("{{ marking }}")])
    marking.alignment = WD_ALIGN_PARAGRAPH.CENTER


def add_footer(section: Section, note: str | None = None, *, draft: bool = False) -> None:
    fill_footer(section.footer, note, draft=draft)


# Tables ------------------------------------------------------------------------------------------


def fill_cell(cell: _Cell, runs: Runs) -> None:
    add_runs(cell.paragraphs[0], runs)


def set_widths(table: Table, widths_mm: Sequence[float]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def shade(cell: _Cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def keep_together(row: _Row) -> None:
    """Move a row that would break across a page to the next page (a row longer than a page still flows)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def mark_header_row(row: _Row) -> None:
    """Repeat the row at the top of each page, and tell screen readers it holds the column headers."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell in row.cells:
        shade(cell, HEADER_SHADING)


def new_table(doc: DocxDocument, rows: int, widths_mm: Sequence[float]) -> Table:
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.style = doc.styles[TABLE_STYLE]
    set_widths(table, widths_mm)
    return table


def key_value_table(doc: DocxDocument, rows: Sequence[KeyValueRow], label_mm: float = 60) -> Table:
    table = new_table(doc, len(rows), [label_mm, TEXT_WIDTH_MM - label_mm])
    for row, spec in zip(table.rows, rows, strict=True):
        keep_together(row)
        if len(spec) == 1:
            fill_cell(row.cells[0], spec)
            continue
        fill_cell(row.cells[0], [Bold(spec[0])])
        fill_cell(row.cells[1], spec[1:])
    return table


def fill_row(row: _Row, cells: Sequence[Runs]) -> None:
    for cell, runs in zip(row.cells, cells, strict=True):
        fill_cell(cell, runs)


def looped_table(
    doc: DocxDocument,
    widths_mm: Sequence[float],
    header: Sequence[Runs],
    loop: str,
    body: Sequence[Runs],
) -> Table:
    """A header row, then the body row once per item of `loop`, between {%tr %} rows docxtpl drops."""
    table = new_table(doc, 4, widths_mm)
    header_row, start_row, body_row, end_row = table.rows
    fill_row(header_row, header)
    mark_header_row(header_row)
    keep_together(header_row)
    keep_together(body_row)
    fill_cell(start_row.cells[0], [f"{{%tr for {loop} %}}"])
    fill_row(body_row, body)
    fill_cell(end_row.cells[0], ["{%tr endfor %}"])
    return table


def loop_table(
    doc: DocxDocument,
    headers: Sequence[str],
    loop: str,
    cells: Sequence[Runs],
    widths_mm: Sequence[float],
) -> Table:
    return looped_table(doc, widths_mm, [[Bold(text)] for text in headers], loop, cells)


def auto_width(table: Table) -> None:
    """Full page width, columns shared out: the column count is only known once rendered."""
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")
    for cell in table._cells:
        cell_width = cell._tc.tcPr.find(qn("w:tcW"))
        cell_width.set(qn("w:type"), "auto")
        cell_width.set(qn("w:w"), "0")


def repeated_columns_table(doc: DocxDocument) -> Table:
    """A repeatable group: headers and cells repeat with {%tc %}, rows with {%tr %}."""
    table = looped_table(
        doc,
        [TEXT_WIDTH_MM / 3] * 3,
        [["{%tc for h in block.headers %}"], [Bold("{{ h }}")], ["{%tc endfor %}"]],
        "row in block.rows",
        [["{%tc for cell in row %}"], ["{{ cell }}"], ["{%tc endfor %}"]],
    )
    auto_width(table)
    return table


# Parts shared by the record and the plan ---------------------------------------------------------


def answers_table(doc: DocxDocument, loop: str = "row in block.rows", label_mm: float = 62) -> Table:
    """Labels beside answers, one row each, with no header row: the labels are the headers."""
    table = new_table(doc, 3, [label_mm, TEXT_WIDTH_MM - label_mm])
    start_row, body_row, end_row = table.rows
    for row in table.rows:
        keep_together(row)
    fill_cell(start_row.cells[0], [f"{{%tr for {loop} %}}"])
    fill_cell(body_row.cells[0], [Bold("{{ row.label }}")])
    shade(body_row.cells[0], LABEL_SHADING)
    fill_cell(body_row.cells[1], ["{{ row.value }}"])
    fill_cell(end_row.cells[0], ["{%tr endfor %}"])
    return table


def add_sections(doc: DocxDocument) -> None:
    """Every section of the form: its answers beside their labels, then each list as a titled table
    (and, in the record, each item's other answers under its name)."""
    tag(doc, "{%p for section in sections %}")
    heading(doc, "{{ section.title }}", 1)
    tag(doc, "{%p for block in section.blocks %}")
    tag(doc, '{%p if block.kind == "answers" %}')
    answers_table(doc)
    tag(doc, '{%p elif block.kind == "table" %}')
    # Heading 2, not 3: a list sits directly under its section's Heading 1, and skipping a level
    # breaks the document outline that screen readers navigate by.
    heading(doc, "{{ block.title }}", 2)
    # A list with no items would print its header row alone, an empty table under the heading.
    tag(doc, "{%p if block.rows %}")
    repeated_columns_table(doc)
    tag(doc, "{%p else %}")
    para(doc, "{{ block.empty }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    # An item's other answers, under its list's Heading 2 (the details follow their list).
    heading(doc, "{{ block.title }}", 3)
    answers_table(doc)
    tag(doc, "{%p endif %}")
    # Two tables with nothing between them become one table in Word, under the first one's headers.
    spacer(doc)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")


def spacer(doc: DocxDocument) -> Paragraph:
    """An empty paragraph that keeps one table apart from the next."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def if_else(
    doc: DocxDocument, condition: str, body: Callable[[DocxDocument], object], otherwise: str
) -> None:
    """`body` when `condition` holds, else the one sentence `otherwise`."""
    tag(doc, f"{{%p if {condition} %}}")
    body(doc)
    tag(doc, "{%p else %}")
    para(doc, otherwise)
    tag(doc, "{%p endif %}")


def generated_line(doc: DocxDocument, text: str) -> None:
    para(doc, text, "{{ generated_on }}", ".")


def lines(doc: DocxDocument, *runs: str, align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:
    """One line of a block of short lines (an address, a signature)."""
    paragraph = para(doc, *runs, style=LINES_STYLE)
    paragraph.alignment = align
    return paragraph


def line_if(doc: DocxDocument, value: str, *runs: str, align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    """A line printed only when `value` is not empty, so a missing detail leaves no blank line."""
    tag(doc, f"{{%p if {value} %}}")
    lines(doc, *runs, align=align)
    tag(doc, "{%p endif %}")


def space_before(paragraph: Paragraph, points: int = 12) -> Paragraph:
    paragraph.paragraph_format.space_before = Pt(points)
    return paragraph


def recipient_address(doc: DocxDocument) -> Paragraph:
    """The recipient's name and postal address, or their email when there is no address (top left)."""
    name = lines(doc, "{{ recipient.name }}")
    # A professional's letter names their post, as the list of who has a copy does.
    line_if(doc, "recipient.role", "{{ recipient.role }}")
    # An address that starts with the organisation (a school's) would print its name twice.
    line_if(
        doc,
        "recipient.organisation and recipient.organisation not in recipient.address_lines",
        "{{ recipient.organisation }}",
    )
    tag(doc, "{%p for line in recipient.address_lines %}")
    lines(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    line_if(doc, "recipient.email and not recipient.address_lines", "{{ recipient.email }}")
    return name


def salutation(doc: DocxDocument) -> None:
    tag(doc, "{%p if recipient.salutation %}")
    space_before(para(doc, "{{ recipient.salutation }}"))
    tag(doc, "{%p endif %}")


def recipient_name(doc: DocxDocument) -> None:
    """One recipient in a list: "Name, role" (or the name alone)."""
    item = para(doc, "{{ r.name }}", "{% if r.role %}, {{ r.role }}{% endif %}", style="List Bullet")
    # The list is short: kept on one page with its heading, so no name is left over on a page of its own.
    item.paragraph_format.keep_with_next = True


def who_has_a_copy(doc: DocxDocument, heading_text: str) -> None:
    """The people this document goes to, as this reader may see them; nothing when it goes to no one."""
    tag(doc, "{%p if recipients %}")
    heading(doc, heading_text, 1)
    tag(doc, "{%p for r in recipients %}")
    recipient_name(doc)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


# The record (K1) ---------------------------------------------------------------------------------


RECORD_SUMMARY: list[KeyValueRow] = [
    ("Child", "{{ child.name }}"),
    ("{%tr if child.unborn %}",),
    ("Expected delivery date", "{{ child.expected_delivery_date }}"),
    ("{%tr else %}",),
    ("Date of birth", "{{ child.date_of_birth }}"),
    ("Age", "{{ child.age }}"),
    ("{%tr endif %}",),
    ("Case reference", "{{ case.reference }}"),
    ("Local case number", "{{ case.local_number or 'Not recorded' }}"),
    ("Local child number", "{{ child.local_number or 'Not recorded' }}"),
    ("Legal basis", "{{ child.legal_basis }}"),
    ("Lead practitioner", "{{ worker.name }}", "{% if worker.role %}, {{ worker.role }}{% endif %}"),
    ("Team", "{{ worker.team }}"),
    ("Status", "{{ document.stage }}"),
    ("Referral received", "{{ timescale.referral_date }}"),
    ("Assessment started", "{{ timescale.start_date }}"),
    (
        "Due",
        "{{ timescale.due_date }}",
        "{% if timescale.due_rule %} ({{ timescale.due_rule }}){% endif %}",
    ),
    (
        "Working days",
        "{{ timescale.working_days_used }}",
        " used, ",
        "{{ timescale.working_days_left }}",
        " left",
    ),
    ("Completed", "{{ timescale.completion_date or 'Not yet' }}"),
    ("Authorised", "{{ approval.date or 'Not yet' }}"),
    ("{%tr if document.version %}",),
    ("Made from revision", "{{ document.version }}"),
    ("{%tr endif %}",),
]

APPROVAL: list[KeyValueRow] = [
    ("Decision", "{{ approval.decision }}"),
    ("Approved by", "{{ approval.by }}"),
    ("Date", "{{ approval.date }}"),
    ("Version approved", "{{ approval.version or 'Not recorded' }}"),
    ("Reasoning", "{{ approval.reasoning }}"),
]


def fitted(table: Table) -> Table:
    """A table whose columns are sized to what they hold once rendered (formgen/documents/layout.py)."""
    auto_width(table)
    return table


def record_summary(doc: DocxDocument) -> None:
    heading(doc, "Summary", 1)
    key_value_table(doc, RECORD_SUMMARY)
    tag(doc, "{%p if timescale.overdue %}")
    after_table(para(doc, Bold("The assessment is past its due date.")))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if timescale.late_reason %}")
    after_table(para(doc, Bold("Reason the assessment is late: "), "{{ timescale.late_reason }}"))
    tag(doc, "{%p endif %}")


def record_children(doc: DocxDocument) -> None:
    heading(doc, "Children in the household", 1)
    fitted(
        loop_table(
            doc,
            ["Name", "Date of birth", "Seen"],
            "c in children",
            [
                ["{{ c.name }}", "{% if c.is_subject %} (the child this assessment is about){% endif %}"],
                ["{{ c.date_of_birth }}"],
                ["{{ c.seen }}"],
            ],
            [100, 45, TEXT_WIDTH_MM - 145],
        )
    )


def chronology_table(doc: DocxDocument) -> Table:
    return fitted(
        loop_table(
            doc,
            ["Date", "Event"],
            "e in chronology",
            [["{{ e.date }}"], ["{{ e.event }}"]],
            [40, TEXT_WIDTH_MM - 40],
        )
    )


def decisions_table(doc: DocxDocument) -> Table:
    return fitted(
        loop_table(
            doc,
            ["Decision", "By", "Date", "Reason"],
            "d in manager_decisions",
            [["{{ d.decision }}"], ["{{ d.by }}"], ["{{ d.date }}"], ["{{ d.reason }}"]],
            [45, 30, 28, TEXT_WIDTH_MM - 103],
        )
    )


def checklist_table(doc: DocxDocument) -> Table:
    return fitted(
        loop_table(
            doc,
            ["Check", "Met", "Manager's comment"],
            "c in review_checklist",
            [["{{ c.check }}"], ["{{ c.met }}"], ["{{ c.comment }}"]],
            [85, 22, TEXT_WIDTH_MM - 107],
        )
    )


def approval_table(doc: DocxDocument) -> Table:
    """The approval is read as one statement: its rows stay on one page, with who approved it."""
    table = key_value_table(doc, APPROVAL)
    for row in table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
    return table


def record_history(doc: DocxDocument) -> None:
    """The case's events in date order, then the manager's part: decisions, review and approval."""
    heading(doc, "Chronology", 1)
    if_else(doc, "chronology", chronology_table, "No events recorded.")
    heading(doc, "Manager's decisions", 1)
    if_else(doc, "manager_decisions", decisions_table, "No decisions recorded.")
    heading(doc, "Manager's review", 1)
    if_else(doc, "review_checklist", checklist_table, "The manager has not reviewed the assessment.")
    heading(doc, "Approval", 1)
    if_else(doc, "approval.decision", approval_table, "Not yet approved.")


def circulation_table(doc: DocxDocument) -> Table:
    return fitted(
        loop_table(
            doc,
            ["Date", "Sent to", "Document", "How", "Sent by"],
            "s in circulation",
            [
                ["{{ s.date }}"],
                ["{{ s.recipient }}"],
                ["{{ s.document }}"],
                ["{{ s.method }}"],
                ["{{ s.by }}"],
            ],
            [30, 36, 36, 28, TEXT_WIDTH_MM - 130],
        )
    )


def distribution_table(doc: DocxDocument) -> Table:
    return fitted(
        loop_table(
            doc,
            ["Name", "Role", "Format", "Sent to", "Status"],
            "r in distribution.receiving",
            [["{{ r.name }}"], ["{{ r.role }}"], ["{{ r.format }}"], ["{{ r.contact }}"], ["{{ r.status }}"]],
            [36, 38, 22, 46, TEXT_WIDTH_MM - 142],
        )
    )


def excluded_table(doc: DocxDocument) -> Table:
    return fitted(
        loop_table(
            doc,
            ["Name", "Why they must not receive a copy"],
            "r in distribution.excluded",
            [["{{ r.name }}"], ["{{ r.reason }}"]],
            [50, TEXT_WIDTH_MM - 50],
        )
    )


def record_circulation(doc: DocxDocument) -> None:
    """Each copy of the plan and the outcome sent, from the circulation log; then who is to get them."""
    heading(doc, "Circulation of the plan and outcome", 1)
    if_else(doc, "circulation", circulation_table, "Nothing has been sent yet.")
    heading(doc, "Distribution list", 1)
    if_else(doc, "distribution.receiving", distribution_table, "Nobody is on the list yet.")
    tag(doc, "{%p if distribution.excluded %}")
    heading(doc, "Must not receive a copy", 2)
    excluded_table(doc)
    tag(doc, "{%p endif %}")


def build_record() -> DocxDocument:
    doc = new_document(SIZES)
    add_header(doc.sections[0], draft=True)
    add_footer(doc.sections[0], draft=True)
    para(doc, "Child and family assessment record", style="Title")
    generated_line(doc, "Made on ")
    record_summary(doc)
    record_children(doc)
    add_sections(doc)
    record_history(doc)
    record_circulation(doc)
    after_table(para(doc, "End of record"))
    return doc


# The plan (K2) -----------------------------------------------------------------------------------


PLAN_TIMESCALE: list[KeyValueRow] = [
    ("Referral received", "{{ timescale.referral_date }}"),
    ("Assessment started", "{{ timescale.start_date }}"),
    ("Assessment due to finish by", "{{ timescale.due_date }}"),
    ("How this date is worked out", "{{ timescale.due_rule }}"),
]

PLAN_CONTACTS: list[KeyValueRow] = [
    ("Lead worker", "{{ worker.name }}"),
    ("Role", "{{ worker.role }}"),
    ("Phone", "{{ worker.phone }}"),
    ("Office phone", "{{ authority.phone }}"),
    ("Email", "{{ authority.email }}"),
    ("Address", "{{ authority.address }}"),
]


def plan_address(doc: DocxDocument) -> None:
    """A copy for one person starts with their name and address; a copy for no one goes without."""
    tag(doc, "{%p if recipient.addressed %}")
    recipient_address(doc)
    spacer(doc).paragraph_format.space_after = Pt(18)
    tag(doc, "{%p endif %}")


def plan_opening(doc: DocxDocument) -> None:
    plan_address(doc)
    para(doc, "Assessment plan", style="Title")
    para(doc, Bold("About: "), "{{ child.name }}")
    para(doc, Bold("Case reference: "), "{{ case.reference }}")
    # A label and a date like the two lines above it, not a sentence: no full stop.
    para(doc, Bold("Date of this plan: "), "{{ generated_on }}")
    # The plan goes out during the assessment: its revision tells one copy from a later one.
    tag(doc, "{%p if document.version %}")
    para(doc, Bold("Revision: "), "{{ document.version }}")
    tag(doc, "{%p endif %}")
    salutation(doc)
    # From formgen/documents/letters.py, with the outcome's sentences, so it is translated with them.
    para(doc, "{{ letter.plan_opening }}")


def plan_children(doc: DocxDocument) -> None:
    heading(doc, "Children in the household", 1)
    loop_table(
        doc,
        ["Name", "Seen by the worker"],
        "c in children",
        [["{{ c.name }}"], ["{{ c.seen }}"]],
        [110, TEXT_WIDTH_MM - 110],
    )


def plan_contacts(doc: DocxDocument) -> None:
    heading(doc, "Who to contact", 1)
    para(doc, "If you have a question about this plan, please contact:")
    key_value_table(doc, PLAN_CONTACTS, label_mm=50)


def build_plan() -> DocxDocument:
    doc = new_document(SIZES)
    add_lines_style(doc)
    add_header(doc.sections[0])
    add_footer(doc.sections[0], note="{{ recipient.prepared_for }}")
    plan_opening(doc)
    heading(doc, "Timescale", 1)
    key_value_table(doc, PLAN_TIMESCALE)
    plan_children(doc)
    add_sections(doc)
    plan_contacts(doc)
    who_has_a_copy(doc, "Who has a copy of this plan")
    after_table(para(doc, "End of plan"))
    return doc


# The child's version (K3) ------------------------------------------------------------------------
# Fixed text here must read at Flesch-Kincaid grade 5 or below: short sentences, short words.


def child_opening(doc: DocxDocument) -> None:
    para(doc, "About the help for ", "{{ child.first_name }}", style="Title")
    para(doc, "We wrote this for you. It says what we did and why.")
    # A young child, or one who finds reading hard, is told at once that help is there.
    para(doc, "A grown-up you trust can read it with you.")
    generated_line(doc, "We wrote it on ")
    # Before the manager approves, what it says may still change: the child is told so in words,
    # besides the DRAFT in the header and footer that every page carries.
    tag(doc, "{%p if document.draft %}")
    para(doc, Bold("This is a draft. It is not finished yet, so some of it may change."))
    tag(doc, "{%p endif %}")


def child_why(doc: DocxDocument) -> None:
    heading(doc, "Why we met you", 1)
    para(doc, "Our job is to help keep children safe and well.")
    para(doc, "Someone asked us to check that things are OK for you and your family. So we came to see you.")


def child_what_happened(doc: DocxDocument) -> None:
    heading(doc, "What we did", 1)
    # Without a date the child may not have been met, so "we listened to you" would not be true.
    tag(doc, "{%p if child_version.met_on %}")
    para(doc, "We met you on ", "{{ child_version.met_on }}", ". We listened to you.")
    tag(doc, "{%p endif %}")
    para(doc, "We talked to the grown-ups who look after you.")
    para(doc, "We also talked to other people who know you.")


def child_items(doc: DocxDocument) -> None:
    # Each answer's heading is the spec's child wording, never "What you told us" again.
    tag(doc, "{%p for item in child_version.said %}")
    para(doc, Bold("{{ item.heading }}"))
    para(doc, "{{ item.text }}")
    tag(doc, "{%p endfor %}")
    para(doc, "Thank you for talking to us.")


def child_what_you_said(doc: DocxDocument) -> None:
    heading(doc, "What you told us", 1)
    if_else(doc, "child_version.said", child_items, "You can ask your worker what we wrote down.")


def child_decision_list(doc: DocxDocument) -> None:
    tag(doc, "{%p for decision in child_version.decisions %}")
    para(doc, Bold("{{ decision.decision }}"), style="List Bullet")
    tag(doc, "{%p if decision.reason %}")
    para(doc, "{{ decision.reason }}", style="List Continue")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def child_decisions(doc: DocxDocument) -> None:
    heading(doc, "What we decided", 1)
    if_else(doc, "child_version.decisions", child_decision_list, "Your worker will tell you what we decided.")
    tag(doc, "{%p if child_version.explanation %}")
    para(doc, "{{ child_version.explanation }}")
    tag(doc, "{%p endif %}")


def next_steps_table(doc: DocxDocument) -> Table:
    # Who helps is said in the step's own words for the child: the plan's "provided by" is the
    # practitioner's (an agency's name, a job title), so it is not printed here.
    return loop_table(
        doc,
        ["What will happen", "When"],
        "step in child_version.next_steps",
        [["{{ step.what }}"], ["{{ step.when }}"]],
        [110, TEXT_WIDTH_MM - 110],
    )


def child_next_steps(doc: DocxDocument) -> None:
    heading(doc, "What happens next", 1)
    if_else(doc, "child_version.next_steps", next_steps_table, "Your worker will tell you what happens next.")


def child_contacts(doc: DocxDocument) -> None:
    heading(doc, "Who you can talk to", 1)
    # A number nobody gave is left out, not printed as "phone them on ."
    tag(doc, "{%p if worker.name %}")
    para(
        doc,
        "Your worker is ",
        "{{ worker.name }}",
        ".",
        "{% if worker.phone %}",
        " You can phone them on ",
        "{{ worker.phone }}",
        ".",
        "{% endif %}",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if authority.phone %}")
    para(doc, "You can phone ", "{{ authority.name }}", " on ", "{{ authority.phone }}", ".")
    tag(doc, "{%p endif %}")
    para(doc, "You can also talk to a grown-up you trust, like a teacher.")


def child_closing(doc: DocxDocument) -> None:
    heading(doc, "Your records", 1)
    para(doc, "Your records are what we write down about you.")
    para(doc, "You can ask to see your records at any time. You can ask us any questions you have, too.")


def build_child() -> DocxDocument:
    doc = new_document(CHILD_SIZES)
    add_header(doc.sections[0], draft=True)
    add_footer(doc.sections[0], note="This is private. Please keep it safe.", draft=True)
    child_opening(doc)
    child_why(doc)
    child_what_happened(doc)
    child_what_you_said(doc)
    child_decisions(doc)
    child_next_steps(doc)
    child_contacts(doc)
    child_closing(doc)
    return doc


# The written outcome (I3 to I5) ------------------------------------------------------------------
# A letter to one recipient after the manager's approval. Its sentences are `letter.*`, written in
# formgen/documents/letters.py (one place, for translation); the template holds only short headings.

RIGHT = WD_ALIGN_PARAGRAPH.RIGHT


def authority_address(doc: DocxDocument) -> None:
    """Who the letter is from, top right."""
    lines(doc, Bold("{{ authority.name }}"), align=RIGHT)
    line_if(doc, "authority.address", "{{ authority.address }}", align=RIGHT)
    line_if(doc, "authority.phone", "Phone: ", "{{ authority.phone }}", align=RIGHT)
    line_if(doc, "authority.email", "Email: ", "{{ authority.email }}", align=RIGHT)


def outcome_letter_head(doc: DocxDocument) -> None:
    authority_address(doc)
    tag(doc, "{%p if recipient.addressed %}")
    space_before(recipient_address(doc), 24)
    tag(doc, "{%p endif %}")
    space_before(para(doc, "{{ generated_on }}"), 18)
    para(doc, Bold("Case reference: "), "{{ case.reference }}")


def approval_lines(doc: DocxDocument) -> None:
    """Who approved the outcome and when (J2)."""
    tag(doc, "{%p if approval.decision %}")
    space_before(lines(doc, Bold("Approved by: "), "{{ approval.by }}"))
    lines(doc, Bold("Date approved: "), "{{ approval.date }}")
    tag(doc, "{%p endif %}")


def outcome_body(doc: DocxDocument) -> None:
    """What was decided and why; or, where the I4 exception applies to this reader, only that it
    cannot be shared yet (the opening, which promises the outcome, is left out then)."""
    tag(doc, "{%p if outcome.withheld_from_reader %}")
    para(doc, "{{ letter.withheld }}")
    tag(doc, "{%p else %}")
    para(doc, "{{ letter.opening }}")
    add_sections(doc)
    approval_lines(doc)
    tag(doc, "{%p endif %}")


def outcome_contact(doc: DocxDocument) -> None:
    """`letter.contact` names the worker and both phone numbers; the email address follows it."""
    heading(doc, "Who to contact", 1)
    para(doc, "{{ letter.contact }}")
    line_if(doc, "authority.email", Bold("Email: "), "{{ authority.email }}")


def outcome_signature(doc: DocxDocument) -> None:
    """The closing, the sign-off and the worker's name, kept on one page."""
    together = [
        space_before(para(doc, "{{ letter.closing }}")),
        space_before(para(doc, "{{ letter.signoff }}")),
        space_before(lines(doc, Bold("{{ worker.name }}")), 24),
    ]
    for value in ("worker.role", "worker.team"):
        tag(doc, f"{{%p if {value} %}}")
        together.append(lines(doc, f"{{{{ {value} }}}}"))
        tag(doc, "{%p endif %}")
    lines(doc, "{{ authority.name }}")
    for paragraph in together:
        paragraph.paragraph_format.keep_with_next = True


def build_outcome() -> DocxDocument:
    doc = new_document(LETTER_SIZES)
    add_lines_style(doc)
    section = doc.sections[0]
    # The first page carries the authority's name and address in the letter itself.
    section.different_first_page_header_footer = True
    fill_header(section.first_page_header, authority=False)
    fill_header(section.header)
    fill_footer(section.first_page_footer, note="{{ recipient.prepared_for }}")
    fill_footer(section.footer, note="{{ recipient.prepared_for }}")
    outcome_letter_head(doc)
    para(doc, "The outcome of the assessment of ", "{{ child.name_in_sentence }}", style="Title")
    salutation(doc)
    outcome_body(doc)
    outcome_contact(doc)
    outcome_signature(doc)
    who_has_a_copy(doc, "Who has a copy of this letter")
    return doc


def main() -> None:
    OUT_DIR.mkdir(exist_ok=True)
    builds = {"record": build_record, "plan": build_plan, "child": build_child, "outcome": build_outcome}
    for name, build in builds.items():
        build().save(OUT_DIR / f"{name}.docx")


if __name__ == "__main__":
    main()
