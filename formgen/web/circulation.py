"""Circulating a case's plans and outcomes (K2, A3): every recipient's copy of every child's documents
on one page, each downloadable, all of them as one zip, and a record of each copy sent.

Which copies exist and why one cannot be made are formgen.documents.copies_for's; where each stands
(ready, sent, changed since it was sent) is formgen.engine.circulation's. Every download and every
sending is in the access log, naming the children whose documents they were.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from sqlalchemy.orm.exc import StaleDataError

from formgen.capabilities import Capability
from formgen.display import format_day
from formgen.documents import DOCUMENTS, copies_for, formats, render_document
from formgen.documents.assemble import NotInLanguage, copy_language, with_english
from formgen.documents.context import Sibling, household_children
from formgen.documents.languages import language_note, unreviewed
from formgen.documents.names import download_name, pack_name, unique
from formgen.engine import circulation as rules
from formgen.engine.casefile import CaseFile
from formgen.engine.distribution import METHOD_LABELS, CopyFormat, Interpretation, Method, Recipient, Sending
from formgen.engine.interpretations import family_languages
from formgen.engine.recipients import household_people, language_name, recipient_name, wants_welsh
from formgen.engine.review import UK, Stage
from formgen.i18n import SOURCE_LOCALE, _, ngettext
from formgen.registry import circulated
from formgen.spec.form import FormSpec
from formgen.web import audit, revisions, summaries
from formgen.web.access import needs, visible_case
from formgen.web.extensions import db
from formgen.web.models import Case, Child
from formgen.web.pages import child_name
from formgen.web.security import require_sign_in
from formgen.web.services import services

blueprint = Blueprint("circulation", __name__, url_prefix="/cases/<reference>/circulation")
blueprint.before_request(require_sign_in)  # every page here is about a child

MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
NOT_INCLUDED = "NOT-INCLUDED.txt"  # in a zip that left out a copy the converter could not make
WORD = "word"  # ?format=word: a PDF recipient's copy as Word, for when the PDF cannot be made
# Recording a translated copy as sent asks that its reader knows no qualified translator has checked it.
TRANSLATIONS_KNOWN = "translations-known"


@dataclass
class ChildCopies:
    """One child's copies as the page lists them."""

    child: Child
    name: str
    revision: int
    copies: list[rules.CopyState]


@dataclass
class Pack:
    """Every copy of a case's circulated documents, and what they are made from."""

    case: Case
    case_file: CaseFile
    children: list[ChildCopies]
    people: dict[str, str]  # household members' names, by item id
    word_instead: set[str]  # copies refused only because this server cannot make their PDF now

    def find(self, key: str) -> rules.CopyState | None:
        return next((copy for entry in self.children for copy in entry.copies if copy.key == key), None)

    def of(self, child: str) -> ChildCopies:
        return next(entry for entry in self.children if entry.child.key == child)

    @cached_property
    def siblings(self) -> tuple[Sibling, ...]:
        """The household's children as each copy's table of them prints them: read once per request."""
        return household_children(services().form, self.case_file, today=date.today())

    @property
    def makeable(self) -> list[rules.CopyState]:
        return [copy for entry in self.children for copy in entry.copies if copy.refused is None]


def pack_of(case: Case) -> Pack:
    form, today = services().form, date.today()
    case_file = case.to_case_file()
    children, word_instead = [], set()
    for child in case.children:
        revision = int(revisions.number(case, child))
        copies = []
        for copy in copies_for(form, case_file, child.key, today=today):
            no_pdf = None if copy.refused else _format_refusal(copy.recipient)
            if no_pdf:
                word_instead.add(f"{child.key}/{copy.kind}/{copy.recipient.id}")
            copies.append((copy.recipient, copy.kind, copy.refused or no_pdf))
        states = rules.states(copies, child.key, case_file.circulation, revision, case_file.interpretations)
        children.append(ChildCopies(child, child_name(case, child), revision, states))
    return Pack(case, case_file, children, household_people(case.household), word_instead)


# --- the page ------------------------------------------------------------------------------------


@blueprint.route("")
@needs(Capability.CIRCULATE)
def circulation(reference: str):
    return _page(pack_of(visible_case(reference)), {}, [])


def _page(pack: Pack, typed: dict[str, Any], errors: list[dict[str, str]], status: int = 200):
    reference = pack.case.reference
    children = [
        {
            "key": entry.child.key,
            "name": entry.name,
            "revision": entry.revision,
            "copies": [_row(pack, copy, typed) for copy in entry.copies],
        }
        for entry in pack.children
    ]
    page = render_template(
        "circulation/page.html",
        case=pack.case,
        children=children,
        methods=[{"value": method.value, "text": _(label)} for method, label in METHOD_LABELS.items()],
        typed=typed,
        errors=errors,
        any_makeable=bool(pack.makeable),
        any_to_send=any(copy.to_send for copy in pack.makeable),
        any_unreviewed=any(unreviewed(copy.kind, copy.recipient) for copy in pack.makeable),
        translations_known=TRANSLATIONS_KNOWN,
        can_edit_list=g.user.can(Capability.EDIT_DISTRIBUTION),
        interpreted=[
            {
                "href": url_for("interpreting.translations", reference=reference, language=code),
                "language": language_name(code),
            }
            for code in family_languages(pack.case_file)
        ],
        zip_href=url_for("circulation.every_copy", reference=reference),
        back=url_for("cases.case", reference=reference),
    )
    return page, status


def _row(pack: Pack, copy: rules.CopyState, typed: dict[str, Any]) -> dict[str, Any]:
    state, last = copy.state, copy.last
    sent = (
        _(
            "Sent on %(day)s by %(name)s (%(method)s)",
            day=format_day(last.at.astimezone(UK).date()),
            name=last.by.name,
            method=_(METHOD_LABELS[last.method]).lower(),
        )
        if last is not None
        else ""
    )
    return {
        "key": copy.key,
        "recipient": recipient_name(copy.recipient, pack.people),
        "wants_welsh": wants_welsh(pack.case.household, copy.recipient.person),
        "language_code": copy.recipient.language,
        "document": _(DOCUMENTS[copy.kind].short_name),
        "language": language_note(copy.kind, copy.recipient),
        "state": state.value,
        "sent": sent,
        "refused": copy.refused,
        "checked": copy.key in typed.get("copies", ()),
        "href": _href(pack, copy) if copy.refused is None else None,
        "word_href": _href(pack, copy, format=WORD) if copy.key in pack.word_instead else None,
        "english_href": (
            _href(pack, copy, language=SOURCE_LOCALE)
            if copy.refused is None and with_english(copy.kind, copy.recipient)
            else None
        ),
    }


def _href(pack: Pack, copy: rules.CopyState, **arguments: str) -> str:
    return url_for(
        "circulation.one_copy",
        reference=pack.case.reference,
        key=copy.child,
        document=copy.kind,
        recipient=copy.recipient.id,
        **arguments,
    )


# --- downloads -----------------------------------------------------------------------------------


def _format_refusal(recipient: Recipient) -> str | None:
    """Why this server cannot make a copy in the recipient's format, or None."""
    reason = formats.pdf_unavailable() if recipient.format is CopyFormat.PDF else None
    if reason:
        return _(
            "%(reason)s. The Word copy can be downloaded instead, or their format changed to Word",
            reason=reason,
        )
    return None


def _render(
    pack: Pack, copy: rules.CopyState, copy_format: CopyFormat | None = None, language: str | None = None
) -> tuple[bytes, str]:
    """One copy's bytes and its file name, in the recipient's format or in `copy_format`, and in their
    language or in `language`."""
    loaded = services()
    content = render_document(
        loaded.form,
        loaded.templates,
        pack.case_file,
        copy.child,
        copy.kind,
        today=date.today(),
        recipient=copy.recipient,
        version=str(copy.revision),
        language=language,
        siblings=pack.siblings,
    )
    made, extension = formats.as_format(content, copy_format or copy.recipient.format)
    return made, _name(pack, copy, extension, in_english=language == SOURCE_LOCALE)


def _name(pack: Pack, copy: rules.CopyState, extension: str, *, in_english: bool = False) -> str:
    """The copy's file name, for the child and the recipient (formgen.documents.names)."""
    return download_name(
        copy.kind,
        pack.of(copy.child).name,
        for_whom=recipient_name(copy.recipient, pack.people),
        extension=extension,
        large_print=copy.recipient.format is CopyFormat.LARGE_PRINT,
        in_english=in_english and copy_language(copy.kind, copy.recipient) != SOURCE_LOCALE,
    )


def _refused(pack: Pack, reason: str, word_href: str | None = None, english_href: str | None = None):
    page = render_template(
        "circulation/refused.html",
        case=pack.case,
        reason=reason,
        word_href=word_href,
        english_href=english_href,
        back=url_for("circulation.circulation", reference=pack.case.reference),
    )
    return page, 409


@blueprint.route("/<key>/<document>/<recipient>")
@needs(Capability.CIRCULATE)
def one_copy(reference: str, key: str, document: str, recipient: str):
    """One recipient's copy of one child's plan or outcome, in their format; with ?format=word, a PDF
    recipient's copy as Word, offered when the PDF cannot be made."""
    pack = pack_of(visible_case(reference))
    found = pack.find(f"{key}/{document}/{recipient}")
    as_word = request.args.get("format") == WORD
    # ?language=en: the English copy, which goes with the copy in the recipient's language when they
    # asked for both, and is offered in its place when that copy cannot be made.
    language = request.args.get("language")
    if (
        found is None
        or not g.user.capabilities & DOCUMENTS[document].made_by
        or request.args.get("format", WORD) != WORD
        or (as_word and found.recipient.format is not CopyFormat.PDF)
        or language not in (None, SOURCE_LOCALE)
    ):
        abort(404)
    audit.shown(pack.case, [pack.of(key).child])
    if found.refused is not None and not (as_word and found.key in pack.word_instead):
        return _refused(pack, found.refused)
    try:
        content, name = _render(pack, found, CopyFormat.WORD if as_word else None, language)
    except formats.FormatError as error:  # the converter failed: say so, never send another format
        return _refused(
            pack, _("The PDF could not be made. %(error)s.", error=error), _href(pack, found, format=WORD)
        )
    except NotInLanguage as error:
        return _refused(pack, str(error), english_href=_href(pack, found, language=SOURCE_LOCALE))
    instead = " (as Word, in place of the PDF)" if as_word else ""
    if language and with_english(document, found.recipient):
        instead += " (in English, as they asked for with their own language's copy)"
    elif language:
        instead += " (in English, in place of their language)"
    audit.about(audit.Action.DOWNLOADED, f"{DOCUMENTS[document].title} for {recipient}{instead}")
    return send_file(
        io.BytesIO(content),
        mimetype=MIMETYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream"),
        as_attachment=True,
        download_name=name,
    )


def _may_make(copy: rules.CopyState) -> bool:
    """Whether the person asking may make this copy (the pack holds, and its note offers, only theirs)."""
    return bool(g.user.capabilities & DOCUMENTS[copy.kind].made_by)


@blueprint.route("/copies.zip")
@needs(Capability.CIRCULATE)
def every_copy(reference: str):
    """Every copy that can be made, of every child's documents, as one zip."""
    pack = pack_of(visible_case(reference))
    copies = [copy for copy in pack.makeable if _may_make(copy)]
    if not copies:
        return _refused(pack, _("No copy can be made yet: the reasons are beside each one."))
    audit.shown(pack.case, [entry.child for entry in pack.children if any(c in copies for c in entry.copies)])
    body, made = io.BytesIO(), []
    # Copies refused only for want of a PDF converter are listed with those it failed to make: only
    # those this person may make, as the Word copy the note offers is theirs to download.
    failed = [
        f"{_name(pack, copy, '')}: {copy.refused}"
        for copy in (pack.find(key) for key in sorted(pack.word_instead))
        if copy is not None and _may_make(copy)
    ]
    untranslated: list[str] = []
    unavailable: formats.FormatUnavailable | None = None
    for entry in copies:
        if unavailable is not None and entry.recipient.format is CopyFormat.PDF:
            # The converter cannot make PDFs now: asking again for each copy would only keep the
            # person waiting longer for the same answer.
            failed.append(f"{_name(pack, entry, '')}: {unavailable}")
            continue
        try:
            made.append(_render(pack, entry))
            if with_english(entry.kind, entry.recipient):  # asked for both: the English copy goes with it
                made.append(_render(pack, entry, language=SOURCE_LOCALE))
        except formats.FormatUnavailable as error:
            unavailable = error
            failed.append(f"{_name(pack, entry, '')}: {error}")
        except formats.FormatError as error:  # left out, and the zip says so
            failed.append(f"{_name(pack, entry, '')}: {error}")
        except NotInLanguage as error:
            untranslated.append(f"{_name(pack, entry, '')}: {error}")
    with zipfile.ZipFile(body, "w", zipfile.ZIP_DEFLATED) as archive:
        # Two recipients may share a name (two "Class teacher"s): every entry keeps its own file.
        names = unique(name for _content, name in made)
        for (content, _given), name in zip(made, names, strict=True):
            archive.writestr(name, content)
        note = []
        if failed:
            note.append(
                _(
                    "These PDF copies could not be made. Each one's Word copy can be downloaded from the "
                    "case's circulation page:"
                )
                + "\n"
                + "\n".join(failed)
                + "\n"
            )
        if untranslated:
            note.append(
                _(
                    "These copies could not be made in their reader's language. Each one's English copy "
                    "can be downloaded from the case's circulation page:"
                )
                + "\n"
                + "\n".join(untranslated)
                + "\n"
            )
        if note:
            archive.writestr(NOT_INCLUDED, "\n".join(note))
    audit.about(audit.Action.DOWNLOADED, f"{len(made)} copies")
    body.seek(0)
    return send_file(
        body,
        mimetype="application/zip",
        as_attachment=True,
        download_name=pack_name([entry.name for entry in pack.children], date.today()),
    )


# --- recording what was sent ---------------------------------------------------------------------


@blueprint.route("/sent", methods=["POST"])
@needs(Capability.CIRCULATE)
def record_sent(reference: str):
    """Record that copies were sent (the ticked ones, or every one ready), how, by whom and when."""
    pack = pack_of(visible_case(reference))
    typed = {
        "copies": request.form.getlist("copies"),
        "method": request.form.get("method", ""),
        "translations_known": request.form.get(TRANSLATIONS_KNOWN) == "yes",
    }
    chosen, errors, stale = _chosen(pack, request.form.get("action"), typed)
    if not errors:
        at, by = datetime.now(UTC), g.user.as_person()
        method = Method(typed["method"])
        added = rules.sendings(chosen, method, by, at)
        pack.case.circulation = [
            *(pack.case.circulation or []),
            *(sending.model_dump(mode="json", exclude_none=True) for sending in added),
        ]
        children = [entry.child for entry in pack.children if any(copy in chosen for copy in entry.copies)]
        try:
            summaries.refresh(pack.case)
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            errors = [
                {"text": _("Someone changed this case at the same moment. Try again"), "href": "#copies"}
            ]
            pack, stale = pack_of(visible_case(reference)), True
        else:
            audit.shown(pack.case, children)
            copies = "; ".join(f"{copy.kind} of {copy.child} for {copy.recipient.id}" for copy in chosen)
            audit.about(
                audit.Action.CIRCULATED, f"{len(chosen)} by {METHOD_LABELS[method].lower()}: {copies}"
            )
            flash(
                ngettext(
                    "%(num)d copy recorded as sent by %(method)s.",
                    "%(num)d copies recorded as sent by %(method)s.",
                    len(chosen),
                    method=_(METHOD_LABELS[method]).lower(),
                )
            )
            return redirect(url_for("circulation.circulation", reference=reference))
    return _page(pack, typed, errors, 409 if stale else 400)


def _chosen(
    pack: Pack, action: str | None, typed: dict[str, Any]
) -> tuple[list[rules.CopyState], list[dict[str, str]], bool]:
    """The copies a sending records, messages for what cannot be recorded, and whether one is that
    an assessment changed after the page was opened."""
    errors: list[dict[str, str]] = []
    stale = False
    if action == "all":
        chosen = [copy for copy in pack.makeable if copy.to_send]
        if not chosen:
            errors.append({"text": _("There are no copies waiting to be sent"), "href": "#copies"})
    else:
        found = [pack.find(key) for key in dict.fromkeys(typed["copies"])]
        chosen = [copy for copy in found if copy is not None and copy.refused is None]
        if not typed["copies"]:
            errors.append({"text": _("Select the copies that were sent"), "href": "#copies"})
        elif len(chosen) != len(found):
            errors.append({"text": _("Select copies that can be made"), "href": "#copies"})
    if typed["method"] not in {method.value for method in Method}:
        errors.append({"text": _("Select how the copies were sent"), "href": "#method"})
    if not typed["translations_known"] and any(unreviewed(copy.kind, copy.recipient) for copy in chosen):
        errors.append(
            {
                "text": _(
                    "Confirm that the family were told their translated copies are not yet reviewed "
                    "by a qualified translator"
                ),
                "href": f"#{TRANSLATIONS_KNOWN}",
            }
        )
    for entry in pack.children:
        if any(copy in chosen for copy in entry.copies):
            opened = request.form.get(f"revision-{entry.child.key}", type=int)
            if opened != entry.revision:
                stale = True
                errors.append(
                    {
                        "text": _(
                            "%(name)s’s assessment has changed since you opened this page. "
                            "Download the copies again, then record them as sent",
                            name=entry.name,
                        ),
                        "href": f"#child-{entry.child.key}",
                    }
                )
    return chosen, errors, stale


# --- what waits to be circulated (the home pages) -----------------------------------------------


def waiting_lines(form: FormSpec, case: Case, child: Child, revision: int, *, today: date) -> list[str]:
    """What of one child's copies waits to be sent, as the home pages say it ("Plan: 2 not yet sent");
    empty when nothing does: a plan not yet sent to every recipient who is to have it, or changed since;
    an approved outcome not yet sent. The answers are read only where an outcome for the family waits
    (the I4 exception). Kept with the lists' other figures (formgen.web.summaries)."""
    if not case.distribution:
        return []
    distribution = [Recipient.model_validate(entry) for entry in case.distribution]
    circulation = [Sending.model_validate(entry) for entry in case.circulation or []]
    waiting = rules.waiting(
        distribution,
        circulation,
        child.key,
        revision,
        approved=child.stage == Stage.APPROVED.value,
        household=set(household_people(case.household)),
        interpretations=[Interpretation.model_validate(entry) for entry in case.interpretations or []],
    )
    if any(copy.kind == "outcome" and copy.recipient.person is not None for copy in waiting):
        refused = {
            (copy.kind, copy.recipient.id)
            for copy in copies_for(form, case.to_case_file(), child.key, today=today)
            if copy.refused
        }
        waiting = [copy for copy in waiting if (copy.kind, copy.recipient.id) not in refused]
    waiting = [copy for copy in waiting if _format_refusal(copy.recipient) is None]
    return _waiting_words(waiting) if waiting else []


def _waiting_words(waiting: list[rules.CopyState]) -> list[str]:
    """ "Plan: 2 not yet sent, 1 changed since sent" and the same of the outcome."""
    lines = []
    for kind in circulated():
        new = sum(1 for copy in waiting if copy.kind == kind and copy.last is None)
        changed = sum(1 for copy in waiting if copy.kind == kind and copy.last is not None)
        parts = [f"{new} not yet sent"] * bool(new) + [f"{changed} changed since sent"] * bool(changed)
        if parts:
            lines.append(f"{DOCUMENTS[kind].short_name}: {', '.join(parts)}")
    return lines
