"""Interpreters' translations (K4): what the practitioner wrote, put into a family member's language by
an interpreter, to print beside the original in that family's copies of the plan and the outcome.

A translation is of one top-level free-text answer (a child's, or the household's) as it read when it
was translated: once the practitioner changes the answer, the translation no longer matches it and is
left out until an interpreter translates the new words. Pure Python over the form and the case file;
formgen.documents.context prints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from formgen.engine.distribution import Audience, Interpretation
from formgen.fieldtypes import field_type
from formgen.registry import DOCUMENTS
from formgen.spec.form import FieldInfo, FormSpec

if TYPE_CHECKING:  # the case file checks its translations with this module
    from formgen.engine.casefile import CaseFile


def translatable(info: FieldInfo) -> bool:
    """Whether an interpreter may translate this answer: a top-level free-text question printed in a
    family member's plan or outcome (those written in their language)."""
    if info.group is not None or info.field.hidden or not field_type(info.field).prose:
        return False
    if Audience.FAMILY.value not in (info.field.audience or ()):
        return False
    return any(DOCUMENTS[kind].in_family_language for kind in info.field.documents or info.section.documents)


def answer_of(info: FieldInfo, case: CaseFile, child: str | None) -> str:
    """The answer a translation is of, as the practitioner wrote it ("" when there is none)."""
    answers: Mapping[str, Any] = case.household
    if child is not None:
        answers = next((record.answers for record in case.children if record.id == child), {})
    value = answers.get(info.field.id)
    return value.strip() if isinstance(value, str) else ""


def interpretation_problem(form: FormSpec, case: CaseFile, entry: Interpretation) -> str | None:
    """Why a translation does not fit the form and the case, or None when it does."""
    info = form.fields.get(entry.field)
    if info is None or not translatable(info):
        return f"{entry.field!r} is not a free-text answer printed in the family's documents"
    household = info.section.scope == "household"
    if household and entry.child is not None:
        return f"{entry.field!r} is answered for the household, not for one child"
    if not household and entry.child is None:
        return f"{entry.field!r} is answered for each child: name the child"
    if entry.child is not None and entry.child not in {record.id for record in case.children}:
        return f"case {case.reference} has no child {entry.child!r}"
    return None


def find(
    interpretations: Iterable[Interpretation], field: str, child: str | None, language: str
) -> Interpretation | None:
    """The translation of one answer into one language, whether or not it still matches the answer."""
    return next(
        (
            entry
            for entry in interpretations
            if (entry.field, entry.child, entry.language) == (field, child, language)
        ),
        None,
    )


def matching(
    interpretations: Iterable[Interpretation], field: str, child: str | None, language: str, answer: str
) -> Interpretation | None:
    """The translation to print beside an answer: one of the answer as it reads now."""
    entry = find(interpretations, field, child, language)
    return entry if entry is not None and entry.original == answer else None


def replaced(interpretations: Iterable[Interpretation], entry: Interpretation) -> list[Interpretation]:
    """The case's translations with `entry` in place of any earlier one of the same answer and language."""
    place = (entry.field, entry.child, entry.language)
    kept = [other for other in interpretations if (other.field, other.child, other.language) != place]
    return [*kept, entry]


def without(
    interpretations: Iterable[Interpretation], field: str, child: str | None, language: str
) -> list[Interpretation]:
    return [
        entry
        for entry in interpretations
        if (entry.field, entry.child, entry.language) != (field, child, language)
    ]
