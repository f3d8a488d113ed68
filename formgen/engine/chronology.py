"""A child's chronology (K5, H2): what happened to them, when, and where it is known from.

One function makes it, so the record, the chronology page and the chronology document cannot disagree.
Its events come from four places, and nobody types an event twice:
- dated answers the spec marks with `chronology:` (list items included: visits, agencies consulted,
  strategy discussions, police and NRM referrals), a visit where the child was seen alone being its own
  event ("Child seen alone"), and the manager's approval;
- the household's events, entered once in the family section and shown in every sibling's chronology;
- the child's own events, which the practitioner adds by hand (date, what happened, source, significance);
- the circulation log: each document sent on a day, naming everyone it went to.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from formgen.display import clean_text, fill_placeholders, join_words
from formgen.engine.assessment import Assessment
from formgen.engine.casefile import CaseFile
from formgen.engine.review import UK, approval_date
from formgen.fieldtypes import display
from formgen.i18n import N_, _
from formgen.registry import DOCUMENTS
from formgen.spec import known_fields as known
from formgen.spec.form import FieldInfo, FormSpec


class Kind(StrEnum):
    ASSESSMENT = "assessment"  # a dated answer of the assessment, or its approval
    SEEN_ALONE = "seen_alone"
    HOUSEHOLD = "household"  # entered once for the household
    ADDED = "added"  # added by hand to this child's chronology
    SENT = "sent"  # a document sent, from the circulation log


KIND_LABELS: dict[Kind, str] = {
    Kind.ASSESSMENT: N_("From the assessment"),
    Kind.SEEN_ALONE: N_("Child seen alone"),
    Kind.HOUSEHOLD: N_("Family event"),
    Kind.ADDED: N_("Added for this child"),
    Kind.SENT: N_("Document sent"),
}

# The chronology is built each time it is read, so its own words are in the language being spoken.
AUTHORISED = N_("Assessment authorised")
APPROVAL_SOURCE = N_("Manager's approval")
CIRCULATION_SOURCE = N_("Circulation log")

# The lists whose items are events typed by hand, with the item fields that give their source and
# significance; the kind each list's events have.
_TYPED: dict[str, tuple[Kind, str, str]] = {
    known.CHILD_EVENTS: (Kind.ADDED, known.CHILD_EVENT_SOURCE, known.CHILD_EVENT_SIGNIFICANCE),
    known.HOUSEHOLD_EVENTS: (
        Kind.HOUSEHOLD,
        known.HOUSEHOLD_EVENT_SOURCE,
        known.HOUSEHOLD_EVENT_SIGNIFICANCE,
    ),
}

# Whether a reader's copy leaves out an answer (a top-level one when the item is None): documents that
# leave the authority pass theirs; the record, the page and the chronology document leave out nothing.
Hidden = Callable[[FieldInfo, Mapping[str, Any] | None], bool]


@dataclass(frozen=True)
class Event:
    day: date
    what: str
    kind: Kind
    source: str = ""
    significance: str = ""
    household: bool = False  # shown in every sibling's chronology

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def chronology(
    form: FormSpec,
    case: CaseFile,
    child_id: str,
    *,
    today: date,
    assessment: Assessment | None = None,
    hidden: Hidden | None = None,
    sendings: bool = True,
) -> list[Event]:
    """The child's events, oldest first; those of one day in the order the spec and the log give them."""
    assessment = assessment or case.assessment(form, child_id, today=today)
    hidden = hidden or _nothing_hidden
    events = list(_answered(form, assessment, hidden))
    authorised = approval_date(case.child(child_id).review)
    if authorised is not None:
        events.append(Event(authorised, _(AUTHORISED), Kind.ASSESSMENT, _(APPROVAL_SOURCE)))
    if sendings:
        events.extend(_sendings(form, case, child_id, assessment))
    return sorted(events, key=lambda event: event.day)


def filtered(
    events: Iterable[Event],
    *,
    kinds: Collection[Kind] = (),
    since: date | None = None,
    until: date | None = None,
) -> list[Event]:
    """The events of the kinds asked for (none asked: every kind) within the dates, both included."""
    return [
        event
        for event in events
        if (not kinds or event.kind in kinds)
        and (since is None or event.day >= since)
        and (until is None or event.day <= until)
    ]


def _nothing_hidden(info: FieldInfo, item: Mapping[str, Any] | None) -> bool:
    return False


def _answered(form: FormSpec, assessment: Assessment, hidden: Hidden) -> Iterable[Event]:
    for info in form.fields.values():
        if not info.field.chronology or info.field.hidden:
            continue
        household = info.section.scope == "household"
        source = _("Assessment: %(section)s", section=clean_text(_(info.section.title)))
        if info.group is None:
            day = None if hidden(info, None) else assessment.value(info.field.id)
            if day is not None:
                yield Event(day, clean_text(_(info.field.chronology)), Kind.ASSESSMENT, source, "", household)
            continue
        group = form.info(info.group.id)
        fields = {other.field.id: other for other in form.item_fields(group.field)}
        for index, item in enumerate(assessment.items(group.field.id)):
            day = None if hidden(info, item) else assessment.item_value(info, item, index)
            if day is None:
                continue

            def text(
                field_id: str,
                item: Mapping[str, Any] = item,
                index: int = index,
                fields: Mapping[str, FieldInfo] = fields,
            ) -> str:
                return _item_text(assessment, fields, hidden, item, index, field_id)

            what = clean_text(
                fill_placeholders(_(info.field.chronology), {name: text(name) for name in fields})
            )
            typed = _TYPED.get(group.field.id)
            if typed is not None:
                kind, source_field, significance_field = typed
                yield Event(day, what, kind, text(source_field), text(significance_field), household)
            elif group.field.id == known.CHILD_VISITS and text(known.SEEN_ALONE) == "Yes":
                yield Event(day, _(KIND_LABELS[Kind.SEEN_ALONE]), Kind.SEEN_ALONE, source, "", household)
            else:
                yield Event(day, what, Kind.ASSESSMENT, source, "", household)


def _item_text(
    assessment: Assessment,
    fields: Mapping[str, FieldInfo],
    hidden: Hidden,
    item: Mapping[str, Any],
    index: int,
    field_id: str,
) -> str:
    info = fields.get(field_id)
    if info is None or hidden(info, item):
        return ""
    value = assessment.item_value(info, item, index)
    return clean_text(display(info.field, value, assessment.people(info)))


def _sendings(form: FormSpec, case: CaseFile, child_id: str, assessment: Assessment) -> list[Event]:
    """One event per document and day, naming everyone it went to: the log knows; nobody types these."""
    members = {str(item.get("id")): item for item in assessment.items(known.HOUSEHOLD_MEMBERS)}
    names: dict[str, str] = {}
    for recipient in case.distribution:
        member = members.get(recipient.person or "")
        names[recipient.id] = clean_text(
            str(member.get(known.PERSON_NAME) or "") if member is not None else recipient.name
        )
    sent: dict[tuple[date, str], list[str]] = {}
    for sending in case.circulation:
        if sending.child != child_id:
            continue
        key = (sending.at.astimezone(UK).date(), sending.document)
        name = names.get(sending.recipient, "") or _("someone since removed from the list")
        if name not in sent.setdefault(key, []):
            sent[key].append(name)
    return [
        Event(
            day,
            clean_text(
                _(
                    "%(document)s sent to %(people)s",
                    document=_(DOCUMENTS[document].short_name),
                    people=join_words(people),
                )
            ),
            Kind.SENT,
            _(CIRCULATION_SOURCE),
        )
        for (day, document), people in sent.items()
        if document in DOCUMENTS
    ]
