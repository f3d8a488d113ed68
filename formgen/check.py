"""`formgen check`: every spec, overlay, example and template, each problem named by file and place."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

from docx import Document

from formgen.capabilities import Capability
from formgen.documents import DOCUMENTS, TemplateError, TemplateStore, documents_for, render_document
from formgen.engine import Assessment
from formgen.engine.casefile import CaseFile, answer_problems, load_case
from formgen.engine.review import Stage
from formgen.settings import Settings
from formgen.spec import FormSpec, Problem, SpecError, available_authorities, load_spec

_TRACKED = re.compile(r"<w:(ins|del)\b.*?</w:\1>", re.DOTALL)
_TAG_MARKS = ("{", "}", "%")
TRACKED_ADVICE = "accept or reject every change in Word"
_XML_TEXT = re.compile(r"<[^>]+>")
_BLOCK_START = re.compile(r"\{%-?p\s+(if|for)\b")
_BLOCK_END = re.compile(r"\{%-?p\s+end(if|for)\b")
BEFORE_APPROVAL = frozenset(Capability) - {Capability.APPROVE}


def check_everything(settings: Settings, *, today: date) -> list[Problem]:
    problems: list[Problem] = []
    form = None
    for authority in [None, *available_authorities(settings.spec_dir)]:
        try:
            loaded = load_spec(settings.spec_dir, authority)
        except SpecError as error:
            # The base spec's problems come back with every overlay: list each once.
            problems.extend([problem for problem in error.problems if problem not in problems])
            continue
        problems.extend([problem for problem in loaded.advice if problem not in problems])
        if authority == settings.authority:
            form = loaded
    if form is None:
        if not problems:
            problems.append(Problem(f"authorities/{settings.authority}.yaml", None, "", "no such authority"))
        return problems
    cases = []
    for path in sorted(settings.examples_dir.glob("*.json")):
        case, case_problems = check_example(form, path, today=today)
        problems.extend(case_problems)
        if case is not None and not case_problems:
            cases.append(case)
    store = TemplateStore(settings.template_dir)
    for kind in DOCUMENTS.values():
        problems.extend(check_template(settings.template_dir / kind.template))
    problems.extend(check_rendering(form, store, cases, today=today))
    return problems


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


def check_template(path: Path) -> list[Problem]:
    """A tag partly inside a tracked change makes docxtpl drop the rest of the document without a word."""
    label = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = [
                name
                for name in archive.namelist()
                if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)
            ]
            texts = {name: archive.read(name).decode("utf-8") for name in parts}
    except (OSError, zipfile.BadZipFile) as error:
        return [Problem(label, None, "", f"not a Word document: {error}")]
    problems = []
    for name, xml in texts.items():
        for match in _TRACKED.finditer(xml):
            text = _XML_TEXT.sub("", match.group(0))
            if any(mark in text for mark in _TAG_MARKS):
                problems.append(
                    Problem(
                        label,
                        None,
                        name,
                        f"a tag is inside a tracked change ({text[:60]!r}): {TRACKED_ADVICE}",
                    )
                )
    return problems


def check_rendering(
    form: FormSpec, store: TemplateStore, cases: list[CaseFile], *, today: date
) -> list[Problem]:
    """Render every document of every example; each must keep the template's closing paragraph."""
    problems = []
    for kind in DOCUMENTS.values():
        path = store.directory / kind.template
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
