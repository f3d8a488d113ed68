"""How much of each family document a language's catalog can write (K4): `formgen languages` reports
it, and rendering refuses a copy that would need a message the catalog lacks.

What a document needs is found by making it: every example case's copy of it for each reader on the
distribution list (and addressed to nobody: `formgen render --language` writes the professionals' copies
in it too), in English, with every message asked for recorded; to which are added the template's own
fixed text (every branch, not only those the examples take) and the label and every choice label of
each answer the document may show anyone, so that other answers are covered too. A real case may still
ask for something no example does: its copy is refused at rendering, never half in English.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from formgen.documents.assemble import copy_language, documents_for, refusal, with_english
from formgen.documents.context import INTERPRETED, build_context
from formgen.documents.render import TemplateStore
from formgen.engine.casefile import CaseFile
from formgen.engine.distribution import Recipient
from formgen.engine.interpretations import translatable
from formgen.engine.recipients import language_name
from formgen.i18n import SOURCE_LOCALE, Language, _, catalogs, speaking
from formgen.i18n.extract import extract_docx
from formgen.registry import DOCUMENTS
from formgen.spec.form import FormSpec


def language_note(kind: str, recipient: Recipient) -> str:
    """What the worker making a copy is told of its language: nothing for English; which language, and
    that the translation is not yet reviewed until a qualified translator has reviewed it."""
    code = copy_language(kind, recipient)
    if code == SOURCE_LOCALE:
        return ""
    name = language_name(code)
    if code not in catalogs.available():
        return _("In %(language)s: there is no %(language)s translation yet", language=name)
    both = with_english(kind, recipient)
    if catalogs.about_language(code).reviewed:
        return (
            _("In %(language)s and in English", language=name)
            if both
            else _("In %(language)s", language=name)
        )
    if both:
        return _(
            "In %(language)s and in English: the %(language)s translation is not yet reviewed by a qualified"
            " translator",
            language=name,
        )
    return _("In %(language)s: the translation is not yet reviewed by a qualified translator", language=name)


def unreviewed(kind: str, recipient: Recipient) -> bool:
    """Whether this copy is in a translation no qualified translator has reviewed yet."""
    code = copy_language(kind, recipient)
    return (
        code != SOURCE_LOCALE and code in catalogs.available() and not catalogs.about_language(code).reviewed
    )


def family_documents() -> list[str]:
    return [kind.id for kind in DOCUMENTS.values() if kind.in_family_language]


@dataclass(frozen=True)
class Coverage:
    """One language's words for one document."""

    needed: int
    translated: int
    stale: int  # needed messages whose English changed since they were translated
    first_missing: str | None

    @property
    def complete(self) -> bool:
        return self.translated == self.needed

    @property
    def percent(self) -> int:
        # Rounded down: 99.9% is not 100%, and only 100% is printed.
        return 100 * self.translated // self.needed if self.needed else 100


def needed_messages(
    form: FormSpec, store: TemplateStore, examples: Iterable[CaseFile], kind: str
) -> frozenset[str]:
    """Every message the document `kind` needs, over the example cases."""
    today = date.today()
    # Which copies are made is found before listening: why a copy is refused is said on a page, not in it.
    made = [
        (case, record.id, reader)
        for case in examples
        for record in case.children
        if kind in documents_for(form, case, record.id, today=today)
        for reader in [*case.distribution, None]
        if reader is None or not refusal(form, case, record.id, kind, reader, today=today)
    ]
    english = Language(SOURCE_LOCALE, asked=set())
    with speaking(english):
        for case, child_id, reader in made:
            build_context(form, case, child_id, kind, today=today, recipient=reader)
    asked = english.asked or set()
    return frozenset(asked | _printable(form, kind) | _template_messages(store.raw(DOCUMENTS[kind].template)))


def _printable(form: FormSpec, kind: str) -> set[str]:
    """What the document could print for any reader, whatever the answers: the title of each section
    it prints from, the label and every choice of each answer it may show someone, and the words over
    an interpreter's translation where one of them may have one."""
    found: set[str] = set()
    for info in form.fields.values():
        if kind not in (info.field.documents or info.section.documents) or not info.field.audience:
            continue
        found.update({info.section.title, info.field.document_label})
        found.update(choice.label for choice in info.field.choices or [])
        if translatable(info):
            found.add(INTERPRETED)
    return found


@cache
def _template_messages(raw: bytes) -> frozenset[str]:
    found = set()
    for _line, _function, message, _comments in extract_docx(io.BytesIO(raw), ("_", "ngettext"), (), {}):
        found.update(message if isinstance(message, tuple) else (message,))
    return frozenset(found - {None, ""})


def coverage(needed: frozenset[str], code: str) -> Coverage:
    """How many of `needed` the catalog of `code` translates (a stale or broken entry does not count)."""
    spoken = catalogs.language(code)
    translated = {message for message in needed if spoken.gettext_or_none(message) is not None}
    missing = sorted(needed - translated)
    stale = catalogs.about_language(code).stale & needed
    return Coverage(len(needed), len(translated), len(stale), missing[0] if missing else None)
