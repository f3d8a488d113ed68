"""Interpreters' translations (K4): what the practitioner wrote, put into a family member's language by
an interpreter, to print beside the original in that family's copies of the plan and the outcome.

A translation is of one top-level free-text answer (a child's, or the household's) as it read when it
was translated: once the practitioner changes the answer, the translation no longer matches it and is
left out until an interpreter translates the new words. Pure Python over the form and the case file;
formgen.documents.context prints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from formgen.engine.distribution import Audience, Interpretation
from formgen.fieldtypes import field_type
from formgen.i18n import SOURCE_LOCALE
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


@dataclass(frozen=True)
class Translatable:
    """One answer of a case an interpreter may translate, as it reads now, with the translation of it
    into one language that the case holds, if any."""

    info: FieldInfo
    child: str | None  # whose answer: None for the household's
    answer: str
    translation: Interpretation | None

    @property
    def stale(self) -> bool:
        """Whether the practitioner changed the answer after it was translated (so it is not printed)."""
        return self.translation is not None and self.translation.original != self.answer


def family_languages(case: CaseFile) -> list[str]:
    """The languages other than English in which family members on the distribution list read."""
    return sorted(
        {
            recipient.language
            for recipient in case.distribution
            if recipient.audience is Audience.FAMILY
            and recipient.excluded_reason is None
            and recipient.language != SOURCE_LOCALE
        }
    )


def to_translate(form: FormSpec, case: CaseFile, language: str) -> list[Translatable]:
    """Every answer of the case an interpreter may translate into `language`, in the form's order: the
    household's once, each child's for each child; an unanswered question has nothing to translate."""
    found = []
    for info in form.fields.values():
        if not translatable(info):
            continue
        for child in [None] if info.section.scope == "household" else [record.id for record in case.children]:
            answer = answer_of(info, case, child)
            if answer:
                entry = find(case.interpretations, info.field.id, child, language)
                found.append(Translatable(info, child, answer, entry))
    return found


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


def without(
    interpretations: Iterable[Interpretation], field: str, child: str | None, language: str
) -> list[Interpretation]:
    """The case's translations less any of one answer into one language."""
    return [
        entry
        for entry in interpretations
        if (entry.field, entry.child, entry.language) != (field, child, language)
    ]


def replaced(interpretations: Iterable[Interpretation], entry: Interpretation) -> list[Interpretation]:
    """The case's translations with `entry` in place of any earlier one of the same answer and language."""
    return [*without(interpretations, entry.field, entry.child, entry.language), entry]
