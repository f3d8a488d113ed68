"""Every document of a case: which ones a child gets, rendering them, and writing them safely to disk."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from formgen.documents.context import DOCUMENTS, Sibling, build_context, household_children
from formgen.documents.formats import as_format
from formgen.documents.render import TemplateStore
from formgen.documents.scripts import for_script
from formgen.engine.casefile import CaseFile
from formgen.engine.distribution import Audience, CopyFormat, Recipient
from formgen.engine.recipients import language_name
from formgen.engine.review import Stage
from formgen.i18n import N_, SOURCE_LOCALE, Language, _, catalogs, speaking
from formgen.spec import known_fields as known
from formgen.spec.form import FormSpec

_UNSAFE_IN_FILE_NAMES = re.compile(r"[^A-Za-z0-9_-]+")


class NoSuchDocument(ValueError):
    """A document that this child does not get (the child's version of an unborn baby)."""


class NotInLanguage(NoSuchDocument):
    """A copy that cannot be made in its reader's language: no catalog, or one without all its words
    (K4: never half in English)."""


# Why a copy cannot be made, said on the pages that offer copies, in the language they are in.
NOT_APPROVED = N_("The %(document)s is written once the assessment is approved")


def documents_for(form: FormSpec, case: CaseFile, child_id: str, *, today: date) -> list[str]:
    """The documents a child's assessment produces: an unborn baby gets no child's version, and there
    is no outcome before the assessment is approved."""
    unborn = case.assessment(form, child_id, today=today).value(known.UNBORN) is True
    approved = case.child(child_id).review.stage is Stage.APPROVED
    return [
        kind.id
        for kind in DOCUMENTS.values()
        if not (unborn and not kind.for_unborn) and not (kind.after_approval and not approved)
    ]


@dataclass(frozen=True)
class Copy:
    """One recipient's copy of one of a child's documents, or why it cannot be made (`refused`)."""

    recipient: Recipient
    kind: str
    refused: str | None = None


def copies_for(form: FormSpec, case: CaseFile, child_id: str, *, today: date) -> list[Copy]:
    """Every copy of a child's plan and outcome that the distribution list calls for (K2, I4, I5)."""
    return [
        Copy(recipient, kind, refusal(form, case, child_id, kind, recipient, today=today))
        for recipient in case.distribution
        if not recipient.children or child_id in recipient.children
        for kind, document in DOCUMENTS.items()
        if document.per_recipient
    ]


def refusal(
    form: FormSpec, case: CaseFile, child_id: str, kind: str, recipient: Recipient, *, today: date
) -> str | None:
    """Why this recipient's copy of this document cannot be made, or None when it can."""
    if recipient not in case.distribution or (recipient.children and child_id not in recipient.children):
        return _("%(recipient)s is not on the distribution list for this child", recipient=recipient.id)
    if recipient.excluded_reason is not None:
        return _("Must not receive a copy: %(reason)s", reason=recipient.excluded_reason)
    assessment = case.assessment(form, child_id, today=today)
    if recipient.person is not None:
        if recipient.person not in {
            str(item.get("id")) for item in assessment.items(known.HOUSEHOLD_MEMBERS)
        }:
            return _("No longer among the people in the child’s life")
        if recipient.confirmed is None:
            return _("Not yet confirmed by the practitioner or a manager")
    if kind not in documents_for(form, case, child_id, today=today):
        return _(NOT_APPROVED, document=_named(kind))
    withheld = assessment.value(known.OUTCOME_WITHHELD) is True
    if kind == "outcome" and withheld and recipient.audience is Audience.FAMILY:
        return _("The outcome is being withheld from the child and family")
    return None


def _named(kind: str) -> str:
    return _(DOCUMENTS[kind].short_name).lower()


def render_document(
    form: FormSpec,
    store: TemplateStore,
    case: CaseFile,
    child_id: str,
    kind: str,
    *,
    today: date,
    recipient: Recipient | None = None,
    version: str | None = None,
    language: str | None = None,
    siblings: Sequence[Sibling] | None = None,
) -> bytes:
    """One document about one child; a plan or outcome for `recipient`, or addressed to nobody.

    A family member's copy is in their language unless `language` says which; a copy that cannot be
    made in it raises NotInLanguage. A run of documents of one household passes its `siblings`
    (formgen.documents.context.household_children), read once for all of them."""
    if kind not in documents_for(form, case, child_id, today=today):
        if kind not in DOCUMENTS:
            raise NoSuchDocument(f"there is no document {kind!r}")
        raise NoSuchDocument(
            _(NOT_APPROVED, document=_named(kind))
            if DOCUMENTS[kind].after_approval
            else _(
                "%(child)s is not yet born, so there is no %(document)s",
                child=child_id,
                document=_named(kind),
            )
        )
    refused = recipient and refusal(form, case, child_id, kind, recipient, today=today)
    if refused:
        raise NoSuchDocument(refused)
    spoken = _language(kind, language or copy_language(kind, recipient))
    with speaking(spoken):
        context = build_context(
            form, case, child_id, kind, today=today, recipient=recipient, version=version, siblings=siblings
        )
        document = store.render(DOCUMENTS[kind].template, context)
    if spoken.missing:
        raise NotInLanguage(_untranslated(kind, spoken))
    if spoken.is_source:
        return document
    return for_script(document, spoken.code, right_to_left=spoken.right_to_left)


def copy_language(kind: str, recipient: Recipient | None) -> str:
    """The language a copy is written in: a family member's plan and outcome in the language the
    distribution list gives for them (K4); everything else in English."""
    if DOCUMENTS[kind].in_family_language and recipient is not None and recipient.audience is Audience.FAMILY:
        return recipient.language
    return SOURCE_LOCALE


def with_english(kind: str, recipient: Recipient | None) -> bool:
    """Whether the English copy goes with this copy: its reader asked for both, and it is in another
    language."""
    return recipient is not None and recipient.in_both_languages and DOCUMENTS[kind].in_family_language


def _language(kind: str, code: str) -> Language:
    if code == SOURCE_LOCALE:
        return Language(code)
    name = language_name(code)
    if not DOCUMENTS[kind].in_family_language:
        raise NotInLanguage(f"The {_named(kind)} is written in English only, not in {name}")
    if code not in catalogs.available():
        raise NotInLanguage(
            f"The {_named(kind)} cannot be made in {name}: there is no {name} translation yet"
        )
    try:
        return catalogs.language(code)
    except catalogs.CatalogError as error:
        raise NotInLanguage(f"The {_named(kind)} cannot be made in {name}: {error}") from None


def _untranslated(kind: str, spoken: Language) -> str:
    name = language_name(spoken.code)
    missing = sorted(spoken.missing)
    stale = catalogs.about_language(spoken.code).stale & spoken.missing
    why = (
        f"the English of {len(stale)} of its sentences has changed since they were translated"
        if stale
        else f"{len(missing)} of its sentences are not translated yet"
    )
    return (
        f'The {_named(kind)} cannot be made in {name}: {why} (for example "{missing[0][:80]}"). '
        "It is never printed half in English; it can be made in English instead."
    )


def file_name(
    case: CaseFile, child_id: str, kind: str, recipient_id: str | None = None, language: str | None = None
) -> str:
    """REF-CHILD-KIND.docx, or REF-CHILD-KIND-RECIPIENT.docx for one recipient's copy, and
    REF-CHILD-KIND-RECIPIENT.en.docx for the English copy that goes with it (no id holds a dot)."""
    parts = (case.reference, child_id, kind, *([recipient_id] if recipient_id else []))
    named = "-".join(_UNSAFE_IN_FILE_NAMES.sub("_", part) for part in parts)
    return f"{named}.{language}.docx" if language else f"{named}.docx"


def write_documents(
    form: FormSpec,
    store: TemplateStore,
    case: CaseFile,
    out_dir: Path,
    *,
    today: date,
    kinds: Iterable[str] | None = None,
    child_ids: Iterable[str] | None = None,
    recipient_ids: Iterable[str] | None = None,
    copy_format: CopyFormat | None = None,
    language: str | None = None,
    untranslated: list[str] | None = None,
) -> list[Path]:
    """Render and write the chosen documents; return their paths in the order written.

    A plan or outcome is written once for each recipient of the distribution list whose copy can be
    made (or addressed to nobody, for a case without a list); `recipient_ids` writes only theirs.
    Each recipient's copy is in the format they asked for, the other documents in Word, unless
    `copy_format` says one format for every document; a family member's plan and outcome are in their
    language unless `language` says one for every copy of them, followed by the English copy
    (REF-CHILD-KIND-RECIPIENT.en) where they asked for both. A copy that cannot be made in its language
    raises NotInLanguage, or, given the list `untranslated`, is said there and the rest made.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen_children = list(child_ids) if child_ids is not None else [child.id for child in case.children]
    chosen_recipients = None if recipient_ids is None else [case.recipient(id_) for id_ in recipient_ids]
    written: list[Path] = []
    refusals: list[str] = []
    wanted_kinds = list(kinds) if kinds is not None else None
    siblings = household_children(form, case, today=today)
    for child_id in chosen_children:
        case.child(child_id)  # an unknown child is an error, not an empty result
        available = documents_for(form, case, child_id, today=today)
        for kind in wanted_kinds or available:
            if kind not in available and child_ids is None:
                continue  # asked for every child: the unborn baby simply has no child's version
            if not DOCUMENTS[kind].per_recipient or not case.distribution:
                if chosen_recipients is None:  # one copy, addressed to nobody where it is a plan or outcome
                    spoken = language if DOCUMENTS[kind].in_family_language else None
                    document = render_document(
                        form, store, case, child_id, kind, today=today, language=spoken, siblings=siblings
                    )
                    name = file_name(case, child_id, kind)
                    written.append(_write(out_dir, name, document, copy_format or CopyFormat.WORD))
                continue
            for copy in copies_for(form, case, child_id, today=today):
                if copy.kind != kind or (
                    chosen_recipients is not None and copy.recipient not in chosen_recipients
                ):
                    continue
                if copy.refused:
                    refusals.append(f"{copy.recipient.id}: no {kind} for {child_id}: {copy.refused}")
                    continue
                try:
                    versions = _versions(
                        form, store, case, child_id, kind, copy.recipient, today, language, siblings
                    )
                except NotInLanguage as error:
                    if untranslated is None:
                        raise
                    untranslated.append(f"{copy.recipient.id}: no {kind} for {child_id}: {error}")
                    continue
                as_asked = copy_format or copy.recipient.format
                written += [
                    _write(
                        out_dir, file_name(case, child_id, kind, copy.recipient.id, marked), content, as_asked
                    )
                    for content, marked in versions
                ]
    if chosen_recipients is not None and not written:
        raise NoSuchDocument("; ".join(refusals) or "no plan or outcome for these recipients")
    return written


def write_atomically(path: Path, content: bytes) -> Path:
    """Write beside the target and rename, so a crash never leaves half a document where a good one was."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _versions(
    form: FormSpec,
    store: TemplateStore,
    case: CaseFile,
    child_id: str,
    kind: str,
    recipient: Recipient,
    today: date,
    language: str | None,
    siblings: Sequence[Sibling],
) -> list[tuple[bytes, str | None]]:
    """A recipient's copy (in `language` where one is given for every copy), and the English copy
    after it where they asked for both: each with the language its file name marks."""
    spoken = language if DOCUMENTS[kind].in_family_language else None
    made = partial(render_document, form, store, case, child_id, kind, today=today, recipient=recipient)
    copy = made(language=spoken, siblings=siblings)
    if spoken is not None or not with_english(kind, recipient):
        return [(copy, None)]
    english = made(language=SOURCE_LOCALE, siblings=siblings)
    return [(copy, None), (english, SOURCE_LOCALE)]


def _write(out_dir: Path, name: str, document: bytes, copy_format: CopyFormat) -> Path:
    """A Word document written in `copy_format`, its file `name` given the format's extension."""
    made, extension = as_format(document, copy_format)
    return write_atomically(out_dir / (name.removesuffix(".docx") + extension), made)
