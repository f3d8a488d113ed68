"""What each Word template receives (docs/templates.md): every name always present, every text clean.

The context is built from the spec and the saved answers alone, so a field an authority adds in its
overlay appears in the documents without a template change. What one reader may see is decided here,
in `_Builder.withheld` and `_Builder.items`, before any template sees anything (F5, I4, I5): a document
that leaves the authority prints a field only for the audiences its spec names (none named: the
record only), never a detail confidential from its reader, and nothing the practitioner withheld from
them; a copy addressed to nobody prints only what every reader may see.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from formgen.capabilities import Capability
from formgen.display import clean_text, format_day, item_label, join_words
from formgen.documents.letters import letter
from formgen.engine.assessment import Assessment
from formgen.engine.casefile import CaseFile, ChildRecord
from formgen.engine.chronology import Event, chronology
from formgen.engine.distribution import (
    DISTRIBUTION_LIST,
    FORMAT_LABELS,
    METHOD_LABELS,
    Audience,
    Recipient,
)
from formgen.engine.interpretations import answer_of, matching, translatable
from formgen.engine.review import STAGE_LABELS, UK, Decision, Stage, approval_date
from formgen.fieldtypes import capitalised, display, field_type, subject
from formgen.i18n import ENGLISH, N_, _, catalogs, current, speaking
from formgen.registry import DOCUMENTS, DocumentKind  # DOCUMENTS is imported from here too
from formgen.spec import known_fields as known
from formgen.spec.form import FieldInfo, FormSpec
from formgen.spec.model import Section

MARKING = "OFFICIAL-SENSITIVE"
NOT_ANSWERED = N_("Not answered")
# The label of a section's last row in the record, beside every answer it has not got: a list of
# what is missing reads as one, where a row of "Not answered" per question would bury the answers.
ASKED_NOT_ANSWERED = N_("Questions not answered")
NOTHING_RECORDED = N_("Nothing recorded.")
NOT_APPLICABLE = N_("Not applicable")
INTERPRETED = N_("Translated by the interpreter %(name)s:")  # over an interpreter's translation (K4)


@dataclass(frozen=True)
class Reader:
    """Who a copy is for: one recipient of the distribution list, or None for a copy addressed to nobody,
    which must be fit for every audience the document has and keeps back anything kept from anyone."""

    kind: DocumentKind
    recipient: Recipient | None = None

    @property
    def audiences(self) -> frozenset[Audience]:
        return frozenset({self.recipient.audience}) if self.recipient else self.kind.audiences

    def kept_from(self, names: list[str]) -> bool:
        """Whether a detail kept from `names` (recipient ids or household members' item ids) is kept
        from this reader: a copy for nobody in particular could reach any of them."""
        if self.recipient is None:
            return bool(names)
        return self.recipient.id in names or (
            self.recipient.person is not None and self.recipient.person in names
        )


def build_context(
    form: FormSpec,
    case: CaseFile,
    child_id: str,
    kind: str,
    *,
    today: date,
    recipient: Recipient | None = None,
    version: str | None = None,
    siblings: Sequence[Sibling] | None = None,
) -> dict[str, Any]:
    """The template context of one document about one child, for one reader; `version` is the saved
    answers' version (or revision); `siblings`, the household's children when a run of documents has
    read them already."""
    reader = Reader(DOCUMENTS[kind], recipient)
    assessment = case.assessment(form, child_id, today=today)
    builder = _Builder(form, assessment, reader, case, case.child(child_id))
    review = case.child(child_id).review
    worker = builder.worker()
    child = builder.child()
    return {
        "document": {
            "kind": kind,
            "title": reader.kind.title,
            "version": version or "",
            # Until approval the record is a draft (J3); the plan, circulated during the assessment,
            # says instead when it was made and from which version.
            "draft": review.stage is not Stage.APPROVED,
            "stage": STAGE_LABELS[review.stage],
        },
        "authority": _authority(form),
        "language": _language(),
        "marking": MARKING,
        "generated_on": format_day(today),
        "case": {
            "reference": clean_text(case.reference),
            "local_number": builder.text(known.LOCAL_CASE_NUMBER),
        },
        "child": child,
        "children": _children(
            household_children(form, case, today=today) if siblings is None else siblings, child_id
        ),
        "worker": worker,
        "timescale": builder.timescale(),
        "sections": builder.sections(),
        "chronology": builder.chronology(),
        "manager_decisions": builder.manager_decisions(),
        "review_checklist": builder.review_checklist(),
        "approval": builder.approval(),
        "answers": builder.answers(),
        "child_version": builder.child_version(),
        "recipient": builder.recipient(today),
        "recipients": builder.recipients(),
        "letter": letter(
            child=child["name_in_sentence"],
            worker=worker["name"],
            worker_phone=worker["phone"],
            authority=clean_text(_(form.authority.name)),
            authority_phone=clean_text(form.authority.phone),
        ),
        "outcome": {"withheld_from_reader": builder.outcome_withheld_from_reader()},
        "circulation": builder.circulation(),
        "distribution": builder.distribution(),
    }


def chronology_rows(events: list[Event]) -> list[dict[str, Any]]:
    """Events as the templates read them (docs/templates.md, `chronology`)."""
    return [
        {
            "date": format_day(event.day),
            "event": event.what,
            "kind": event.kind_label,
            "source": event.source,
            "significance": event.significance,
            "household": event.household,
        }
        for event in events
    ]


def _due(day: str) -> str:
    return _("Due %(day)s", day=day) if day else ""


def _in_sentence(name: str, *, unborn: bool, to_a_parent: bool = False) -> str:
    """The child's name as it reads after "our assessment of": to an unborn baby's parent, "your unborn
    baby"; to anyone else an unborn baby is often recorded as "Unborn baby of ...", a description
    whose capital belongs only at the start of a sentence."""
    if unborn and to_a_parent:
        return _("your unborn baby")
    # The rest is English grammar applied to a name written in English: other languages print it as written.
    if unborn and name.lower().startswith("unborn ") and current().is_source:
        return f"the {name[0].lower()}{name[1:]}"
    return name


def _label(info: FieldInfo) -> str:
    """How the documents name an answer, in the reader's language; in a translated copy, an answer the
    practitioner wrote (printed as they wrote it) is marked as their words (K4)."""
    label = clean_text(_(info.field.document_label))
    if field_type(info.field).prose:
        note = _("(in the words of the social worker)")  # asked in English too: the catalog needs it
        return label if current().is_source else f"{label}\n{note}"
    return label


def _language() -> dict[str, Any]:
    """The language of this copy, and what its reader is told about the translation."""
    spoken = current()
    translated = not spoken.is_source
    reviewed = not translated or catalogs.about_language(spoken.code).reviewed
    note = _(
        "This translation has not yet been checked by a qualified translator. You can ask us for "
        "the English copy, or for an interpreter to explain it to you."
    )
    return {
        "code": spoken.code,
        "right_to_left": spoken.right_to_left,
        "translated": translated,
        "review_note": "" if reviewed else note,
    }


def _decided(info: FieldInfo) -> bool:
    return info.field.answered_by == Capability.RECORD_MANAGER_DECISION


def _authority(form: FormSpec) -> dict[str, str]:
    authority = form.authority
    # The name and address may be given in the reader's language (a Welsh council's name in Welsh).
    return {
        "name": clean_text(_(authority.name)),
        "phone": clean_text(authority.phone),
        "email": clean_text(authority.email),
        "address": clean_text(_(authority.address)),
    }


@dataclass(frozen=True)
class Sibling:
    """What every document of the household says of one of its children (B1): read once for a run of
    documents, so that a household's documents cost no more per child as it grows."""

    id: str
    name: str
    unborn: bool
    due: date | None
    born: date | None
    seen: bool | None


def household_children(form: FormSpec, case: CaseFile, *, today: date) -> tuple[Sibling, ...]:
    """Each child of the household as the documents' table of children needs them."""
    found = []
    for record in case.children:
        sibling = case.assessment(form, record.id, today=today)
        found.append(
            Sibling(
                id=record.id,
                name=sibling.child_name,
                unborn=sibling.value(known.UNBORN) is True,
                due=sibling.value(known.EXPECTED_DELIVERY),
                born=sibling.value(known.DATE_OF_BIRTH),
                seen=sibling.value(known.CHILD_SEEN),
            )
        )
    return tuple(found)


def _children(siblings: Sequence[Sibling], subject_id: str) -> list[dict[str, Any]]:
    """Every child of the household and whether each was seen (B1)."""
    seen_words = {True: _("Yes"), False: _("No"), None: _(NOT_ANSWERED)}
    return [
        {
            "name": clean_text(sibling.name),
            # A table of dates of birth: an unborn baby's is the day it is due, and says so.
            "date_of_birth": _due(format_day(sibling.due)) if sibling.unborn else format_day(sibling.born),
            "seen": _("Not yet born") if sibling.unborn else seen_words.get(sibling.seen, seen_words[None]),
            "is_subject": sibling.id == subject_id,
        }
        for sibling in siblings
    ]


class _Builder:
    def __init__(
        self, form: FormSpec, assessment: Assessment, reader: Reader, case: CaseFile, record: ChildRecord
    ) -> None:
        self.form = form
        self.assessment = assessment
        self.reader = reader
        self.case = case
        self.record = record

    # --- reading answers, as this reader may see them -------------------------------------------

    def items(self, group_id: str) -> list[tuple[int, Mapping[str, Any]]]:
        """A list's items with their positions, leaving out those withheld from this reader."""
        info = self.form.info(group_id)
        return [
            (index, item)
            for index, item in enumerate(self.assessment.items(group_id))
            if not self.kept(info, str(item.get("id")))
        ]

    def people(self, info: FieldInfo) -> dict[str, str]:
        """Item ids to names, for a field whose choices are the items of a group: a person withheld
        from this reader is not named to them."""
        if info.field.choices_from is None:
            return {}
        group = self.form.info(info.field.choices_from)
        return {str(item.get("id")): self.item_label(group, item) for _, item in self.items(group.field.id)}

    def item_label(self, group: FieldInfo, item: Mapping[str, Any]) -> str:
        fields = {info.field.id: info for info in self.form.item_fields(group.field)}
        return item_label(group.field, lambda field_id: self.item_text(fields[field_id], item))

    def item_text(self, info: FieldInfo, item: Mapping[str, Any], index: int = -1) -> str:
        if self.withheld(info, item):
            return ""
        return self.shown(info, self.assessment.item_value(info, item, index))

    def text(self, field_id: str) -> str:
        info = self.form.fields.get(field_id)
        if info is None or self.withheld(info, None):
            return ""
        return self.shown(info, self.assessment.value(field_id))

    def shown(self, info: FieldInfo, value: Any, *, child: bool = False) -> str:
        people = self.people(info)
        if info.field.choices_from is not None and isinstance(value, list):
            value = [name for name in value if name in people]  # nobody withheld is named
        elif info.field.choices_from is not None and value is not None and value not in people:
            return ""
        return display(info.field, value, people, child=child)

    def withheld(self, info: FieldInfo, item: Mapping[str, Any] | None) -> bool:
        """Whether this reader's copy leaves an answer out: one outside its audience, confidential from
        them (F5), or withheld from them by the practitioner."""
        if self.reader.kind.internal:
            return False
        if not self.reader.audiences <= set(info.field.audience or ()):
            return True  # fails closed: a field that names no audience is for the record only
        if info.group is None and self.kept(info, None):
            return True
        if not info.field.confidential:
            return False
        if info.field.confidential_from is None:
            return True
        if (
            item is not None
            and info.group
            and f"{info.group.id}.{info.field.confidential_from}" in self.form.fields
        ):
            names = item.get(info.field.confidential_from) or []
        else:
            names = self.assessment.value(info.field.confidential_from) or []
        return self.reader.kept_from(list(names))

    def kept(self, info: FieldInfo, item_id: str | None) -> bool:
        """Whether the practitioner withheld this top-level answer (or one item of this list) from this
        reader."""
        if self.reader.kind.internal:
            return False
        child = self.record.id if info.section.scope == "child" else None
        return any(
            self.reader.kept_from(entry.recipients)
            for entry in self.case.withheld
            if entry.field == info.field.id and entry.child == child and entry.item == item_id
        )

    def in_document(self, info: FieldInfo) -> bool:
        return self.reader.kind.id in (info.field.documents or info.section.documents)

    # --- parts of the context ---------------------------------------------------------------------

    def child(self) -> dict[str, Any]:
        name = self.assessment.child_name
        unborn = self.assessment.value(known.UNBORN) is True
        age = self.assessment.age
        return {
            "name": clean_text(name),
            "name_in_sentence": clean_text(
                _in_sentence(name, unborn=unborn, to_a_parent=self.reader_is_parent())
            ),
            "first_name": clean_text(name.split()[0]) if name.split() else "",
            "date_of_birth": self.text(known.DATE_OF_BIRTH),
            "age": "" if age is None else str(age),
            "unborn": unborn,
            "expected_delivery_date": self.text(known.EXPECTED_DELIVERY),
            "legal_basis": self.text(known.LEGAL_BASIS),
            "local_number": self.text(known.LOCAL_CHILD_NUMBER),
        }

    def reader_is_parent(self) -> bool:
        """Whether this copy is addressed to the child's mother or father (their relationship to
        this child, which may differ for a sibling)."""
        person = self.reader.recipient.person if self.reader.recipient else None
        return person is not None and any(
            str(item.get("id")) == person and item.get(known.RELATIONSHIP) in known.PARENTS
            for item in self.assessment.items(known.HOUSEHOLD_MEMBERS)
        )

    def recipient(self, today: date) -> dict[str, Any]:
        """Who this copy is addressed to, as its letter and its footer name them."""
        recipient = self.reader.recipient
        if recipient is None:
            return {
                "addressed": False,
                "name": "",
                "role": "",
                "organisation": "",
                "address_lines": [],
                "email": "",
                "salutation": "",
                "prepared_for": _("Not addressed to anyone"),
            }
        name = self.recipient_name(recipient)
        return {
            "addressed": True,
            "name": name,
            "role": clean_text(recipient.role),
            "organisation": clean_text(recipient.organisation),
            "address_lines": [line for line in clean_text(recipient.address).splitlines() if line.strip()],
            "email": clean_text(recipient.email),
            "salutation": _("Dear %(name)s,", name=name) if name else "",
            "prepared_for": _("Prepared for %(name)s on %(day)s", name=name, day=format_day(today)),
        }

    def recipient_name(self, recipient: Recipient) -> str:
        """A household member's name is the answers'; anyone else's is the distribution list's."""
        if recipient.person is None:
            return clean_text(recipient.name)
        name = self.form.info(known.PERSON_NAME, known.HOUSEHOLD_MEMBERS)
        for item in self.assessment.items(known.HOUSEHOLD_MEMBERS):
            if str(item.get("id")) == recipient.person:
                return self.shown(name, item.get(known.PERSON_NAME))
        return ""

    def recipients(self) -> list[dict[str, str]]:
        """Who is sent this child's copies of this document, as this reader may see them: a household
        member withheld from the reader is not named to them, nor anyone kept from their list (F5)."""
        if not self.reader.kind.per_recipient:
            return []
        shown = {str(item.get("id")) for _, item in self.items(known.HOUSEHOLD_MEMBERS)}
        family_left_out = self.reader.kind.id == "outcome" and self.outcome_withheld()
        listed = []
        for recipient in self.case.distribution:
            if not recipient.receives(self.record.id) or (
                family_left_out and recipient.audience is Audience.FAMILY
            ):
                continue
            if recipient.person is not None and recipient.person not in shown:
                continue
            if recipient != self.reader.recipient and self.kept_recipient(recipient):
                continue
            name = self.recipient_name(recipient)
            role = ", ".join(part for part in (recipient.role, recipient.organisation) if part)
            if name:
                listed.append({"name": name, "role": clean_text(role)})
        return listed

    def kept_recipient(self, recipient: Recipient) -> bool:
        return any(
            self.reader.kept_from(entry.recipients)
            for entry in self.case.withheld
            if entry.field == DISTRIBUTION_LIST and entry.item == recipient.id
        )

    def outcome_withheld(self) -> bool:
        return self.assessment.value(known.OUTCOME_WITHHELD) is True

    def outcome_withheld_from_reader(self) -> bool:
        """I4: while the outcome is withheld from the child and family, the referrer's copy (and one
        addressed to nobody) says only that the assessment is finished; the family gets none."""
        recipient = self.reader.recipient
        return self.outcome_withheld() and (
            recipient is None or recipient.referrer or recipient.audience is Audience.FAMILY
        )

    def circulation(self) -> list[dict[str, str]]:
        """Every copy of this child's plan and outcome sent, for the record (K2)."""
        if not self.reader.kind.internal:
            return []
        names = {recipient.id: self.recipient_name(recipient) for recipient in self.case.distribution}
        return [
            {
                "date": format_day(sending.at.astimezone(UK).date()),
                "recipient": names.get(sending.recipient, "") or "Removed from the list",
                "document": DOCUMENTS[sending.document].short_name
                + ("" if sending.revision is None else f" (revision {sending.revision})"),
                "child": clean_text(self.assessment.child_name),
                "revision": "" if sending.revision is None else str(sending.revision),
                "method": METHOD_LABELS[sending.method],
                "by": clean_text(sending.by.name),
            }
            for sending in self.case.circulation
            if sending.child == self.record.id
        ]

    def worker(self) -> dict[str, str]:
        """The lead practitioner: the worker the case is allocated to, in the role the answers give."""
        allocation = self.case.allocation
        person = allocation.worker if allocation else None
        return {
            "name": clean_text(person.name) if person else "",
            "role": self.text(known.WORKER_ROLE),
            "phone": clean_text(person.phone or "") if person else "",
            "team": clean_text(allocation.team) if allocation else "",
        }

    def timescale(self) -> dict[str, Any]:
        timescale = self.assessment.timescale()
        return {
            "referral_date": self.text(known.REFERRAL_DATE),
            "start_date": self.text(known.START_DATE),
            "due_date": format_day(timescale.due_date) if timescale else "",
            "due_rule": _(timescale.due_rule) if timescale else "",
            "working_days_used": str(timescale.working_days_used) if timescale else "",
            "working_days_left": str(timescale.working_days_left) if timescale else "",
            "overdue": bool(timescale and timescale.overdue),
            "completion_date": self.text(known.COMPLETION_DATE),
            "late_reason": self.text(known.LATE_REASON),
        }

    def sections(self) -> list[dict[str, Any]]:
        """Each section with something to print, as headed blocks; the record prints the manager's
        review as its checklist at the end (`review_checklist`), not here."""
        printed = []
        for section in self.assessment.relevant_sections():
            if not self.assessment.section_visible(section):
                continue
            if self.reader.kind.internal and self.is_review(section):
                continue
            blocks = list(self.blocks(section))
            if blocks:
                printed.append({"id": section.id, "title": clean_text(_(section.title)), "blocks": blocks})
        return printed

    def is_review(self, section: Section) -> bool:
        return self.form.answered_by(section) == Capability.APPROVE

    def blocks(self, section: Section) -> Iterator[dict[str, Any]]:
        """A section's answers as one label-and-answer table, then each of its lists as a titled table
        (with, in the record, each item's answers that have no column): the answers come first, so no
        answer is printed under a list's heading it does not belong to. The record shows what was asked
        and not answered once, as the table's last row; a copy that leaves shows only answers."""
        rows: list[dict[str, str]] = []
        unanswered: list[str] = []
        lists: list[dict[str, Any]] = []
        for info in self.assessment.visible_fields(section):
            if not self.in_document(info) or self.withheld(info, None):
                continue
            if info.field.type == "group":
                table = self.table(info)
                if table["rows"] or self.reader.kind.internal:
                    lists.append(table)
                if self.reader.kind.internal:
                    lists.extend(self.item_details(info))
                continue
            text = self.text(info.field.id) or self.logged(info)
            if text:
                rows.append({"label": _label(info), "value": text + self.interpreted(info)})
            elif self.reader.kind.internal:
                unanswered.append(_label(info))
        if unanswered:
            rows.append({"label": _(ASKED_NOT_ANSWERED), "value": "\n".join(unanswered)})
        if rows:
            yield {"kind": "answers", "rows": rows}
        yield from lists

    def interpreted(self, info: FieldInfo) -> str:
        """In a translated copy, the interpreter's translation of an answer the practitioner wrote,
        marked as theirs, to follow the original (K4); "" when there is none for the answer as it
        reads now."""
        spoken = current()
        if spoken.is_source or not translatable(info):
            return ""
        child = self.record.id if info.section.scope == "child" else None
        entry = matching(
            self.case.interpretations, info.field.id, child, spoken.code, answer_of(info, self.case, child)
        )
        if entry is None:
            return ""
        said = _(INTERPRETED, name=clean_text(entry.interpreter))
        return f"\n\n{said}\n{clean_text(entry.text)}"

    def logged(self, info: FieldInfo) -> str:
        """An answer the record takes from the circulation log when nobody typed it: the day the
        written outcome first went to the family (K2)."""
        if info.field.id != known.OUTCOME_SENT or not self.reader.kind.internal:
            return ""
        family = {r.id for r in self.case.distribution if r.audience is Audience.FAMILY}
        days = [
            sending.at.astimezone(UK).date()
            for sending in self.case.circulation
            if sending.child == self.record.id
            and sending.document == "outcome"
            and sending.recipient in family
        ]
        return f"{format_day(min(days))} (from the circulation log)" if days else ""

    def table(self, group: FieldInfo) -> dict[str, Any]:
        """A list as a table: its columns' labels over one row per item; dated events oldest first."""
        items = self.items(group.field.id)
        fields = self.form.item_fields(group.field)
        dated = next((info for info in fields if info.field.chronology), None)
        if dated is not None:
            # A list of events reads in date order whatever order they were added in; undated last.
            items.sort(key=lambda pair: self._day_key(dated, pair[1], pair[0]))
        columns = [
            info
            for info in fields
            if not info.field.hidden
            and (group.field.columns is None or info.field.id in group.field.columns)
            and not self.withheld(info, {})
        ]
        return {
            "kind": "table",
            "title": _label(group),
            "headers": [_label(info) for info in columns],
            "rows": [[self.cell(info, item, index) for info in columns] for index, item in items],
            "empty": _(NOTHING_RECORDED),
        }

    def cell(self, info: FieldInfo, item: Mapping[str, Any], index: int) -> str:
        """One item's answer in its list's table: a question its answers did not call for (a bedroom
        on a visit to school) is "Not applicable", not a blank that reads as forgotten."""
        text = self.item_text(info, item, index)
        if text or self.withheld(info, item) or self.assessment.is_visible(info, item, index):
            return text
        return _(NOT_APPLICABLE)

    def _day_key(self, info: FieldInfo, item: Mapping[str, Any], index: int) -> tuple[bool, date]:
        day = self.assessment.item_value(info, item, index)
        return (day is None, day or date.max)

    def item_details(self, group: FieldInfo) -> list[dict[str, Any]]:
        """The answers of each item that its table has no column for: the record keeps every answer.
        One such question prints as one table, a row per item; several print under each item's name."""
        columns = group.field.columns
        if columns is None:
            return []
        extra = [
            info
            for info in self.form.item_fields(group.field)
            if info.field.id not in columns and not info.field.hidden
        ]
        items = self.items(group.field.id)
        answers = [
            (self.item_label(group, item), [(info, self.item_text(info, item, index)) for info in extra])
            for index, item in items
        ]
        if len(extra) == 1:
            rows = [
                {"label": clean_text(name), "value": found[0][1]} for name, found in answers if found[0][1]
            ]
            return [{"kind": "details", "title": _label(extra[0]), "rows": rows}] if rows else []
        details = []
        for name, found in answers:
            rows = [{"label": _label(info), "value": text} for info, text in found if text]
            if rows:
                details.append({"kind": "details", "title": clean_text(name), "rows": rows})
        return details

    def chronology(self) -> list[dict[str, Any]]:
        """The child's chronology (K5) as this reader may see it; the sendings in the record only. In
        English: only the record and the chronology print it, and they are made in English, so a family
        document's catalog is not asked for words none of them prints."""
        with speaking(ENGLISH):
            events = chronology(
                self.form,
                self.case,
                self.record.id,
                today=self.assessment.today,
                assessment=self.assessment,
                hidden=self.hidden,
                sendings=self.reader.kind.internal,
            )
        return chronology_rows(events)

    def hidden(self, info: FieldInfo, item: Mapping[str, Any] | None) -> bool:
        """An answer, or a list's item, this reader's copy leaves out."""
        if (
            item is not None
            and info.group is not None
            and self.kept(self.form.info(info.group.id), str(item.get("id")))
        ):
            return True
        return self.withheld(info, item)

    def manager_decisions(self) -> list[dict[str, str]]:
        """The decisions reserved to a manager that the answers hold (A2): what, who, when and why.

        Who and when are the decision's record, made from the manager's account; why is the answer.
        """
        recorded = {(decision.field, decision.item): decision for decision in self.decision_records()}
        found: list[tuple[FieldInfo, Mapping[str, Any] | None, str]] = []
        for section in self.assessment.relevant_sections():
            for info in self.assessment.visible_fields(section):
                if _decided(info):
                    found.append((info, None, self.text(info.field.id)))
                if info.field.type != "group":
                    continue
                for index, item in self.items(info.field.id):
                    for other in self.form.item_fields(info.field):
                        if _decided(other) and self.assessment.is_visible(other, item, index):
                            found.append((other, item, self.item_text(other, item, index)))
        decisions = [
            (recorded.get((info.key, item.get("id") if item else None)), info, item, reason)
            for info, item, reason in found
            if reason
        ]
        # Oldest first, as a reader follows the case; a decision no one recorded the time of, last.
        decisions.sort(key=lambda entry: (entry[0] is None, entry[0].at if entry[0] else None))
        return [self.decision(*entry) for entry in decisions]

    def decision_records(self) -> list[Decision]:
        return [*self.case.decisions, *self.record.decisions]

    def decision(
        self, record: Decision | None, info: FieldInfo, item: Mapping[str, Any] | None, reason: str
    ) -> dict[str, str]:
        """One decision's row: what it decided (its question's subject, for whom), who, when, why."""
        what = capitalised(subject(info.field))
        if item is not None:
            what = f"{what}, for {self.item_label(self.form.info(info.group.id), item)}"
        return {
            "decision": clean_text(what),
            "by": clean_text(record.by.name) if record else "",
            "date": format_day(record.at.astimezone(UK).date()) if record else "",
            "reason": reason,
        }

    def review_checklist(self) -> list[dict[str, str]]:
        """J1: the manager's review as a checklist: each check, whether it is met, and the manager's
        comment (the section's other answers that are asked because of that check). Record only."""
        if not self.reader.kind.internal:
            return []
        checks = []
        for section in self.assessment.relevant_sections():
            if not self.is_review(section):
                continue
            shown = list(self.assessment.visible_fields(section))
            for info in shown:
                if info.field.type != "yes_no":
                    continue
                value = self.assessment.value(info.field.id)
                comments = [
                    self.text(other.field.id)
                    for other in shown
                    if other.show_if is not None and info.field.id in other.show_if.names
                ]
                checks.append(
                    {
                        "check": _label(info),
                        "met": {True: "Met", False: "Not met"}.get(value, "Not yet checked"),
                        "comment": "\n".join(text for text in comments if text),
                    }
                )
        return checks

    def distribution(self) -> dict[str, list[dict[str, str]]]:
        """The case's distribution list as it concerns this child, for the record: who gets copies, in
        what format, who is waiting to be confirmed, and who must not receive a copy and why (K2, F5)."""
        if not self.reader.kind.internal:
            return {"receiving": [], "excluded": []}
        receiving, excluded = [], []
        for recipient in self.case.distribution:
            if recipient.children and self.record.id not in recipient.children:
                continue
            name = self.member_label(recipient) or self.recipient_name(recipient) or clean_text(recipient.id)
            role = ", ".join(part for part in (recipient.role, recipient.organisation) if part)
            if recipient.excluded_reason is not None:
                excluded.append({"name": name, "reason": clean_text(recipient.excluded_reason)})
                continue
            how = clean_text(recipient.email) or ", ".join(
                line for line in clean_text(recipient.address).splitlines() if line.strip()
            )
            receiving.append(
                {
                    "name": name,
                    "role": clean_text(role) or ("Family member" if recipient.person else ""),
                    "format": FORMAT_LABELS[recipient.format],
                    "contact": how,
                    "status": "Confirmed" if recipient.receives(self.record.id) else "Awaiting confirmation",
                }
            )
        return {"receiving": receiving, "excluded": excluded}

    def member_label(self, recipient: Recipient) -> str:
        """A household member as the record names them, with who they are to this child:
        "Shannon Colbeck (Mother)"."""
        if recipient.person is None:
            return ""
        group = self.form.info(known.HOUSEHOLD_MEMBERS)
        for item in self.assessment.items(known.HOUSEHOLD_MEMBERS):
            if str(item.get("id")) == recipient.person:
                return clean_text(self.item_label(group, item))
        return ""

    def approval(self) -> dict[str, str]:
        """The standing approval (J2): who, the authorisation date, the reasoning and the version approved."""
        review = self.record.review
        approval = review.approval
        return {
            "decision": "Approved" if approval else "",
            "by": clean_text(approval.by.name) if approval else "",
            "date": format_day(approval_date(review)),
            "reasoning": self.text(known.APPROVAL_REASONING) if approval else "",
            "version": f"Revision {approval.version}" if approval and approval.version else "",
        }

    def answers(self) -> dict[str, str]:
        return {
            info.field.id: self.text(info.field.id)
            if self.in_document(info) or self.reader.kind.internal
            else ""
            for info in self.form.top_fields()
            if info.field.type != "group"
        }

    def child_version(self) -> dict[str, Any]:
        """K3: only words written for the child: the spec's for its questions and choices, and the
        practitioner's where they wrote to the child; never the practitioner's own notes."""
        return {
            "met_on": join_words(self.visit_dates()),
            "said": self.child_items(),
            "decisions": self.child_decisions(),
            "explanation": self.text(known.OUTCOME_FOR_CHILD),
            "next_steps": self.next_steps(),
        }

    def visit_dates(self) -> list[str]:
        if known.CHILD_VISITS not in self.form.fields:
            return []
        group = self.form.info(known.CHILD_VISITS)
        dates = [
            self.assessment.item_value(info, item, index)
            for index, item in self.items(known.CHILD_VISITS)
            for info in self.form.item_fields(group.field)
            if info.field.type == "date"
        ]
        return [format_day(day) for day in sorted(day for day in dates if day is not None)]

    def child_items(self) -> list[dict[str, str]]:
        items = []
        for section in self.assessment.relevant_sections():
            for info in self.assessment.visible_fields(section):
                if (
                    "child" not in (info.field.documents or section.documents)
                    or info.field.id in known.CHILD_VERSION_OWN
                    or info.field.type == "group"
                ):
                    continue
                text = self.child_text(info)
                if text:
                    items.append({"heading": clean_text(info.field.child_wording or ""), "text": text})
        return items

    def child_text(self, info: FieldInfo) -> str:
        """An answer in words for the child: a choice in its child wording; free text only as the
        practitioner put it for the child (its `for_child_of` field), never their notes. What is
        withheld from this reader is withheld in the child's words too, and so are words for the child
        that are themselves withheld (their own audience, confidential_from, or the practitioner's
        choice): the words tell what the notes say."""
        if self.withheld(info, None):
            return ""
        if info.field.type in ("text", "long_text"):
            words = self.form.child_words(info)
            if words is None or self.withheld(words, None):
                return ""
            return self.shown(words, self.assessment.value(words.field.id))
        return self.shown(info, self.assessment.value(info.field.id), child=True)

    def child_decisions(self) -> list[dict[str, str]]:
        """Each decision in the child's words, with why it was made: the spec's reason for that choice."""
        info = self.form.fields.get(known.OUTCOMES)
        if info is None or self.withheld(info, None):
            return []
        chosen = self.assessment.value(known.OUTCOMES) or []
        return [
            {
                "decision": clean_text(choice.child_wording or ""),
                "reason": clean_text(choice.child_reason or ""),
            }
            for choice in info.field.choices or []
            if choice.value in chosen and choice.child_wording
        ]

    def next_steps(self) -> list[dict[str, str]]:
        """The plan's steps that concern the child: those the practitioner put in words for the child
        (help for the adults has none; who helps is said in those words), with when they happen in
        words. A step withheld from anyone
        is left out: the child's version is the child's to show, often read with a parent."""
        if known.PLAN_OF_ACTION not in self.form.fields:
            return []
        group = self.form.info(known.PLAN_OF_ACTION)
        fields = {info.field.id: info for info in self.form.item_fields(group.field)}
        columns = {"what": known.PLAN_WHAT, "when": known.PLAN_WHEN}
        steps = [
            {
                key: self.item_text(fields[id_], item, index) if id_ in fields else ""
                for key, id_ in columns.items()
            }
            for index, item in self.items(known.PLAN_OF_ACTION)
        ]
        return [step for step in steps if step["what"]]
