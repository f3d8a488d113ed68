"""`formgen check`: every spec, overlay, example and template, each problem named by file and place."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from datetime import date
from pathlib import Path

from docx import Document
from lxml import etree

from formgen.capabilities import Capability
from formgen.documents import DOCUMENTS, TemplateError, TemplateStore, documents_for, render_document
from formgen.documents.ooxml import W as _W
from formgen.documents.ooxml import parse
from formgen.documents.render import AUTHORITIES, override_dir
from formgen.engine import Assessment
from formgen.engine.casefile import CaseFile, answer_problems, load_case
from formgen.engine.review import Stage
from formgen.i18n.check import check_translations
from formgen.registry import DocumentKind
from formgen.settings import Settings
from formgen.spec import FormSpec, Problem, SpecError, available_authorities, load_spec

_BLOCK_START = re.compile(r"\{%-?p\s+(if|for)\b")
_BLOCK_END = re.compile(r"\{%-?p\s+end(if|for)\b")
BEFORE_APPROVAL = frozenset(Capability) - {Capability.APPROVE}


def check_everything(settings: Settings, *, today: date) -> list[Problem]:
    authorities = available_authorities(settings.spec_dir)
    forms, problems = _forms(settings.spec_dir, authorities)
    form = forms.get(settings.authority)
    if form is None and not problems:
        problems.append(Problem(f"authorities/{settings.authority}.yaml", None, "", "no such authority"))
    overrides, override_problems = authority_templates(settings.template_dir, authorities)
    problems.extend(override_problems)
    for path in [settings.template_dir / kind.template for kind in DOCUMENTS.values()]:
        problems.extend(check_template(path))
    for paths in overrides.values():
        for path in paths:
            problems.extend(check_template(path))
    problems.extend(check_translations())
    if form is None:
        return problems
    cases = []
    for path in sorted(settings.examples_dir.glob("*.json")):
        case, case_problems = check_example(form, path, today=today)
        problems.extend(case_problems)
        if case is not None and not case_problems:
            cases.append(case)
    store = TemplateStore(settings.template_dir, settings.authority)
    problems.extend(check_rendering(form, store, cases, today=today))
    # Another authority's own templates, rendered with its form and the examples that fit it.
    for authority, paths in overrides.items():
        if authority == settings.authority or authority not in forms:
            continue
        fitting = [case for case in cases if not answer_problems(forms[authority], case, "")]
        own = {path.name for path in paths}
        problems.extend(
            check_rendering(
                forms[authority],
                TemplateStore(settings.template_dir, authority),
                fitting,
                today=today,
                kinds=[kind for kind in DOCUMENTS.values() if kind.template in own],
            )
        )
    return problems


def authority_templates(
    directory: Path, authorities: list[str]
) -> tuple[dict[str, list[Path]], list[Problem]]:
    """Each authority's own templates (templates_docx/authorities/<id>/), and what there is not one: a
    folder for no authority, or a file that is no document's template, would be silently ignored."""
    found: dict[str, list[Path]] = {}
    problems = []
    templates = {kind.template for kind in DOCUMENTS.values()}
    for folder in sorted((directory / AUTHORITIES).glob("*")):
        if not folder.is_dir():
            continue
        if folder.name not in authorities or override_dir(directory, folder.name) is None:
            problems.append(
                Problem(
                    str(folder),
                    None,
                    "",
                    f"no authority {folder.name!r}: name the folder as an overlay in form_specs/authorities/ "
                    f"({', '.join(authorities) or 'none yet'})",
                )
            )
            continue
        for path in sorted(folder.iterdir()):
            if path.name.startswith(("~$", ".")):
                continue  # Word's lock file while a template is open, and hidden files
            if path.name not in templates:
                problems.append(
                    Problem(
                        str(path),
                        None,
                        "",
                        f"not a template formgen uses: name it as one of {', '.join(sorted(templates))}",
                    )
                )
                continue
            found.setdefault(folder.name, []).append(path)
    return found, problems


def _forms(spec_dir: Path, authorities: list[str]) -> tuple[dict[str, FormSpec], list[Problem]]:
    """Every authority's form that loads, and the problems of those that do not."""
    problems: list[Problem] = []
    forms = {}
    for authority in [None, *authorities]:
        try:
            loaded = load_spec(spec_dir, authority)
        except SpecError as error:
            # The base spec's problems come back with every overlay: list each once.
            problems.extend([problem for problem in error.problems if problem not in problems])
            continue
        problems.extend([problem for problem in loaded.advice if problem not in problems])
        if authority is not None:
            forms[authority] = loaded
    return forms, problems


def external_fields(form: FormSpec) -> list[str]:
    """Each document that leaves the authority, with every field it can print and who it is printed for:
    a field that names no audience is listed as the record's only, so a reviewer sees what an overlay
    added and where it goes."""
    lines = []
    for kind in DOCUMENTS.values():
        if kind.internal:
            continue
        lines.append(f"{kind.title} ({kind.id}):")
        for info in form.fields.values():
            if info.field.hidden or kind.id not in (
                info.field.documents
                or (info.group.documents if info.group else None)
                or info.section.documents
            ):
                continue
            audience = ", ".join(info.field.audience or []) or "nobody outside (the record only)"
            lines.append(f"  {info.key}: {audience}")
    return lines


def check_example(form: FormSpec, path: Path, *, today: date) -> tuple[CaseFile | None, list[Problem]]:
    """An example must fit the form and be complete: every question answered, every rule met."""
    try:
        case = load_case(path)
    except SpecError as error:
        return None, error.problems
    label = str(path)
    problems = answer_problems(form, case, label)
    household = Assessment(form, case.household, today=today)
    for error in household.errors():
        problems.append(Problem(label, None, f"household.{error.key}", error.message))
    child_sections = [section for section in form.sections if section.scope == "child"]
    household_sections = [section for section in form.sections if section.scope == "household"]
    for index, child in enumerate(case.children):
        assessment = case.assessment(form, child.id, today=today)
        # The manager's review is complete once the assessment is approved, and not before.
        answering = None if child.review.stage is Stage.APPROVED else BEFORE_APPROVAL
        found = [
            error for section in child_sections for error in assessment.errors(section, answering=answering)
        ]
        # The household's questions asked for each child (a person's relationship to them) are theirs.
        found += [
            error
            for section in household_sections
            for error in assessment.errors(section, answering=answering)
            if error.field in form.per_child.get(error.group or "", ())
        ]
        for error in found:
            problems.append(
                Problem(label, None, f"children[{index}] ({child.id}).{error.key}", error.message)
            )
    return case, problems


_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
DOCUMENT = "word/document.xml"
STYLES = "word/styles.xml"
SETTINGS = "word/settings.xml"
COMMENTS = "word/comments.xml"
_OTHER_PARTS = (STYLES, SETTINGS, COMMENTS)
_TAG = re.compile(r"\{([{%#]).*?[}%#]\}", re.DOTALL)
_OPENING = re.compile(r"\{[{%#]")
# Word's revision marks: insertions, deletions and moves of text, of cells, and changes of formatting.
_CHANGES = {
    _W + name
    for name in (
        "ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveToRangeStart", "rPrChange",
        "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange", "tblGridChange",
        "numberingChange", "cellIns", "cellDel", "cellMerge", "customXmlInsRangeStart",
        "customXmlDelRangeStart", "customXmlMoveFromRangeStart", "customXmlMoveToRangeStart",
    )
}  # fmt: skip
_COMMENT_MARKS = {_W + "commentRangeStart", _W + "commentReference"}
SPLIT_ADVICE = "retype the tag in one go in Word, with Track Changes off, or paste it as plain text"
TRACKED_ADVICE = "accept or reject every change in Word (Review, Accept All) and turn Track Changes off"
TRACKING_ADVICE = "Track Changes is on: turn it off in Word (Review, Track Changes)"
COMMENT_ADVICE = "delete them in Word (Review, Delete All Comments): they would be in every copy sent"
_HEADING_NAME = re.compile(r"heading ([1-9])")
_CURLY_QUOTES = set("‘’“”")
QUOTES_ADVICE = (
    "Word replaced its straight quotes with curly ones: retype them with AutoCorrect's "
    '"straight quotes with smart quotes" off'
)


def check_template(path: Path) -> list[Problem]:
    """What the builder used to guarantee, now that an authority edits its templates in Word: each tag
    in one run (docxtpl's clean-up does not join every split), no tracked change or comment (a tag
    partly inside a change makes docxtpl drop the rest of the document without a word; a comment would
    be in every copy sent), and headings in order (a reader's screen reader navigates by them)."""
    label = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            wanted = [name for name in archive.namelist() if _PARTS.fullmatch(name) or name in _OTHER_PARTS]
            raw = {name: archive.read(name) for name in wanted}
    # A damaged entry raises zlib's error; an encrypted one RuntimeError; an unknown compression
    # NotImplementedError: each is a file Word would not open either.
    except (OSError, zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError) as error:
        return [Problem(label, None, "", f"not a Word document: {error}")]
    if DOCUMENT not in raw:
        return [Problem(label, None, "", f"not a Word document: it has no {DOCUMENT}")]
    problems = []
    roots = {}
    for name in sorted(raw, key=_part_order):
        try:
            roots[name] = parse(raw[name])
        except etree.XMLSyntaxError as error:
            problems.append(Problem(label, None, name, f"not valid XML: {error}"))
    parts = {name: root for name, root in roots.items() if _PARTS.fullmatch(name)}
    # Comments are named where the text marks them; one the text does not mark is named by its part.
    marked = any(
        next(root.iter(_W + "commentReference", _W + "commentRangeStart"), None) is not None
        for root in parts.values()
    )
    comments = roots.get(COMMENTS)
    if comments is not None and comments.find(_W + "comment") is not None and not marked:
        problems.append(Problem(label, None, COMMENTS, f"the template has comments: {COMMENT_ADVICE}"))
    if SETTINGS in roots and _tracking_on(roots[SETTINGS]):
        problems.append(Problem(label, None, SETTINGS, TRACKING_ADVICE))
    levels = _heading_levels(roots[STYLES]) if STYLES in roots else {}
    for name, root in parts.items():
        paragraphs = list(root.iter(_W + "p"))
        problems.extend(_split_tags(label, name, paragraphs))
        problems.extend(_tracked_changes(label, name, root, paragraphs))
        if name == DOCUMENT:
            problems.extend(_heading_order(label, name, paragraphs, levels))
    return problems


def _tracking_on(settings: etree._Element) -> bool:
    """Whether Track Changes is on: every copy made from the template would open with it on, and the
    next edit to the template would be a tracked change."""
    found = settings.find(_W + "trackRevisions")
    return found is not None and found.get(_W + "val", "true") not in {"false", "0", "off"}


def _part_order(name: str) -> tuple[int, str]:
    # The document first, then its headers and footers, then the parts that serve them.
    return (0 if name == DOCUMENT else 1 if _PARTS.fullmatch(name) else 2, name)


def _paragraph_place(name: str, paragraphs: list, paragraph, excerpt: str | None = None) -> str:
    """'word/document.xml paragraph 42 ("Child's name {{ chi")': the paragraphs counted from 1 in the
    part's order, tables' paragraphs included, with the text that finds it in Word."""
    text = _paragraph_text(paragraph) if excerpt is None else excerpt
    text = " ".join(text.split())
    shown = f' ("{text[:60]}{"..." if len(text) > 60 else ""}")' if text else ""
    return f"{name} paragraph {paragraphs.index(paragraph) + 1}{shown}"


def _own_runs(paragraph) -> list:
    """The runs of this paragraph, not of a text box's paragraphs inside it."""
    return [run for run in paragraph.iter(_W + "r") if _nearest_paragraph(run) is paragraph]


def _nearest_paragraph(element):
    parent = element.getparent()
    while parent is not None and parent.tag != _W + "p":
        parent = parent.getparent()
    return parent


def _run_text(run) -> str:
    return "".join(text.text or "" for text in run.findall(_W + "t"))


def _paragraph_text(paragraph) -> str:
    return "".join(_run_text(run) for run in _own_runs(paragraph))


def _split_tags(label: str, name: str, paragraphs: list) -> list[Problem]:
    problems = []
    for paragraph in paragraphs:
        runs = [_run_text(run) for run in _own_runs(paragraph)]
        text = "".join(runs)
        if "{" not in text:
            continue
        ends, total = [], 0  # where each run's text ends in the paragraph's
        for run in runs:
            total += len(run)
            ends.append(total)

        def run_at(offset: int, ends: list[int] = ends) -> int:
            return next(index for index, end in enumerate(ends) if offset < end)

        covered = set()
        for match in _TAG.finditer(text):
            covered.update(range(match.start(), match.end()))
            first, last = run_at(match.start()), run_at(match.end() - 1)
            if first != last:
                excerpt = text[max(0, match.start() - 20) : ends[first]]
                count = sum(1 for run in runs[first : last + 1] if run)
                problems.append(
                    Problem(
                        label,
                        None,
                        _paragraph_place(name, paragraphs, paragraph, excerpt),
                        f"the tag {match.group(0)!r} is split across {count} runs: {SPLIT_ADVICE}",
                    )
                )
            if _CURLY_QUOTES & set(match.group(0)):
                problems.append(
                    Problem(
                        label,
                        None,
                        _paragraph_place(name, paragraphs, paragraph),
                        f"the tag {match.group(0)!r} has curly quotes: {QUOTES_ADVICE}",
                    )
                )
        for match in _OPENING.finditer(text):
            if match.start() not in covered:
                problems.append(
                    Problem(
                        label,
                        None,
                        _paragraph_place(name, paragraphs, paragraph),
                        "a tag is not closed within its paragraph: type it whole, on one line",
                    )
                )
                break
    return problems


def _tracked_changes(label: str, name: str, root, paragraphs: list) -> list[Problem]:
    """One problem for each paragraph holding a revision mark (or for the part, for one outside any)."""
    problems, seen = [], set()
    for element in root.iter():
        if element.tag in _CHANGES:
            where = _nearest_paragraph(element)
            if where is None:  # a table row's or cell's change: named by the row's first paragraph
                row = next((above for above in element.iterancestors(_W + "tr")), None)
                where = next(row.iter(_W + "p"), None) if row is not None else None
            key = id(where)
            if key in seen:
                continue
            seen.add(key)
            kind = etree.QName(element).localname
            author = element.get(_W + "author")
            change = f"a tracked change ({kind}{f' by {author}' if author else ''})"
            place = _paragraph_place(name, paragraphs, where) if where is not None else name
            problems.append(Problem(label, None, place, f"{change}: {TRACKED_ADVICE}"))
        elif element.tag in _COMMENT_MARKS and ("comment", id(_nearest_paragraph(element))) not in seen:
            where = _nearest_paragraph(element)
            seen.add(("comment", id(where)))
            place = _paragraph_place(name, paragraphs, where) if where is not None else name
            problems.append(Problem(label, None, place, f"a comment: {COMMENT_ADVICE}"))
    return problems


def _heading_levels(root: etree._Element) -> dict[str, int]:
    """Each paragraph style's heading level, by style id: Title 0, Heading 1 to 9; a style based on one
    (an authority's "Section heading" based on Heading 1) has its level; the outline level of a style
    that sets one counts too."""
    own: dict[str, int | None] = {}
    based: dict[str, str] = {}
    for style in root.iter(_W + "style"):
        if style.get(_W + "type") != "paragraph":
            continue
        style_id = style.get(_W + "styleId") or ""
        name_element = style.find(_W + "name")
        name = (name_element.get(_W + "val") if name_element is not None else "").strip().lower()
        outline = style.find(f"{_W}pPr/{_W}outlineLvl")
        heading = _HEADING_NAME.fullmatch(name)
        if name == "title":
            own[style_id] = 0
        elif heading:
            own[style_id] = int(heading.group(1))
        elif outline is not None and (outline.get(_W + "val") or "").isdigit():
            # Outline level 9 is body text; 0 to 8 are Heading 1 to 9.
            own[style_id] = int(outline.get(_W + "val")) + 1 if int(outline.get(_W + "val")) < 9 else None
        else:
            own[style_id] = None
        parent = style.find(_W + "basedOn")
        if parent is not None:
            based[style_id] = parent.get(_W + "val") or ""
    levels = {}
    for style_id in own:
        current, hops = style_id, 0
        while current in own and own[current] is None and current in based and hops < 20:
            current, hops = based[current], hops + 1
        if own.get(current) is not None:
            levels[style_id] = own[current]
    return levels


def _heading_order(label: str, name: str, paragraphs: list, levels: dict[str, int]) -> list[Problem]:
    """The first heading is the Title or a Heading 1, and no heading is more than one level below the
    one before it (no Heading 3 straight after a Heading 1)."""
    problems, previous = [], None
    for paragraph in paragraphs:
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        level = levels.get(style.get(_W + "val") or "") if style is not None else None
        if level is None:
            continue
        shown = "Title" if level == 0 else f"Heading {level}"
        if previous is None and level > 1:
            problems.append(
                Problem(
                    label,
                    None,
                    _paragraph_place(name, paragraphs, paragraph),
                    f"the first heading is a {shown}: start with the Title or a Heading 1",
                )
            )
        elif previous is not None and level > previous + 1:
            before = "Title" if previous == 0 else f"Heading {previous}"
            problems.append(
                Problem(
                    label,
                    None,
                    _paragraph_place(name, paragraphs, paragraph),
                    f"a {shown} straight after a {before}: use a Heading {previous + 1}",
                )
            )
        previous = level
    return problems


def check_rendering(
    form: FormSpec,
    store: TemplateStore,
    cases: list[CaseFile],
    *,
    today: date,
    kinds: list[DocumentKind] | None = None,
) -> list[Problem]:
    """Render every document (or `kinds`) of every example; each must keep the template's closing
    paragraph."""
    problems = []
    for kind in DOCUMENTS.values() if kinds is None else kinds:
        path = store.path(kind.template)
        try:
            closing = _closing_text(Document(path))
        except Exception as error:  # python-docx raises several kinds for a file that is not a document
            problems.append(Problem(str(path), None, "", f"cannot open: {error}"))
            continue
        for case in cases:
            for child in case.children:
                if kind.id not in documents_for(form, case, child.id, today=today):
                    continue
                try:
                    rendered = render_document(form, store, case, child.id, kind.id, today=today)
                except TemplateError as error:
                    problems.append(Problem(str(path), None, "", str(error)))
                    break
                if closing and closing not in _all_text(rendered):
                    problems.append(
                        Problem(str(path), None, "", f"rendering lost the end of the document ({closing!r})")
                    )
    return problems


def _closing_text(document) -> str:
    """The last paragraph without a tag that every rendering prints (outside any {%p if %} or
    {%p for %}): if rendering drops it, it dropped more than it should."""
    closing, depth = "", 0
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if _BLOCK_START.match(text):
            depth += 1
        elif _BLOCK_END.match(text):
            depth -= 1
        elif depth == 0 and text and "{" not in text and "%" not in text:
            closing = text
    return closing


def _all_text(content: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs)
