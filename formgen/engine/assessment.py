"""One child's assessment: which questions are asked, which answers are missing or wrong, and where it stands.

Pure Python over plain JSON answers: the web wizard, the command line and the documents all ask this
module, so a follow-up or a rule behaves the same everywhere. Household answers are shared by the
siblings' assessments (B1); a child's answers are theirs alone. A household list's `per_child` questions
(a person's relationship to the child) are kept in each child's answers, under the list's id, and a
child's assessment reads the household's items with that child's answers to them.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from formgen.capabilities import Capability
from formgen.display import item_label
from formgen.engine import written_in
from formgen.fieldtypes import (
    Checks,
    Invalid,
    display,
    field_type,
    is_blank,
    missing_message,
    subject,
    typed_value,
)
from formgen.i18n import N_
from formgen.spec import known_fields as known
from formgen.spec.form import FieldInfo, FormSpec
from formgen.spec.model import Section
from formgen.timescales import Timescale, WorkingCalendar, assessment_timescale, due_date

Answers = Mapping[str, Any]


class Status(enum.StrEnum):
    """A section's progress, as a code; STATUS_LABELS says it in words."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


STATUS_LABELS: dict[Status, str] = {
    Status.NOT_STARTED: N_("Not yet started"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.COMPLETED: N_("Completed"),
}


PRACTITIONER = frozenset({Capability.EDIT_ASSESSMENT})  # the practitioner's side of the form


def answers(info: FieldInfo, answering: Collection[Capability] | None) -> bool:
    """Whether someone with the capabilities `answering` answers this question (None: anyone)."""
    return answering is None or info.field.answered_by in answering


@dataclass(frozen=True)
class PendingDecision:
    """A decision the procedure reserves to a manager, called for by the answers and not yet recorded."""

    info: FieldInfo
    item: Mapping[str, Any] | None = None  # the person (an item of a list) it is about, if one


@dataclass(frozen=True)
class FieldError:
    """A message for one field, or for one field of one item of a group."""

    field: str  # the field id (an item's field id when `group` is set)
    message: str
    group: str | None = None
    item: int | None = None  # index of the item in the group
    section: str = ""

    @property
    def key(self) -> str:
        return f"{self.group}[{self.item}].{self.field}" if self.group is not None else self.field


class Assessment:
    """The answers of a household and, optionally, one of its children, read through the form."""

    def __init__(
        self, form: FormSpec, household: Answers, child: Answers | None = None, *, today: date
    ) -> None:
        self.form = form
        self.for_child = child is not None  # without a child, the questions asked per child are not asked
        self.household = household if child is None else household_for_child(form, household, child)
        self.child = child or {}
        self.today = today
        self.calendar = WorkingCalendar(form.authority.nation, form.closure_days())
        self._visible: dict[tuple[str, str | None, int | None], bool] = {}
        self._deriving: set[str] = set()

    # --- answers ---------------------------------------------------------------------------------

    def raw(self, info: FieldInfo) -> Any:
        """The stored answer of a top-level field, from the household's or the child's answers."""
        source = self.household if info.section.scope == "household" else self.child
        return source.get(info.field.id)

    def written_in(self, info: FieldInfo) -> str | None:
        """The language an answer to a top-level question was said to be written in, if any."""
        source = self.household if info.section.scope == "household" else self.child
        return written_in.language_of(source, info.field.id) if written_in.written(info) else None

    def value(self, field_id: str) -> Any:
        """The typed answer of a visible top-level field; None when hidden, unanswered or invalid."""
        info = self.form.fields.get(field_id)
        if info is None or info.group is not None or not self.is_visible(info):
            return None
        value = typed_value(info.field, self.raw(info))
        return None if isinstance(value, Invalid) else value

    def items(self, group_id: str) -> list[dict[str, Any]]:
        """The items of a visible group (each a dict with its `id`)."""
        value = self.value(group_id)
        return value if isinstance(value, list) else []

    def item_value(self, info: FieldInfo, item: Mapping[str, Any], index: int) -> Any:
        if not self.is_visible(info, item, index):
            return None
        value = typed_value(info.field, item.get(info.field.id))
        return None if isinstance(value, Invalid) else value

    # --- derived values (docs/form-specs.md) -----------------------------------------------------

    def derived(self, name: str) -> Any:
        if name == "today":
            return self.today
        if name in self._deriving:  # a spec that makes a derived value depend on itself gets None
            return None
        self._deriving.add(name)
        try:
            return self.age if name == "age" else self.due_date if name == "due_date" else None
        finally:
            self._deriving.discard(name)

    @property
    def age(self) -> int | None:
        born = self.value(known.DATE_OF_BIRTH)
        on = self.value(known.START_DATE) or self.value(known.REFERRAL_DATE)
        if born is None or on is None:
            return None
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    @property
    def expected_delivery(self) -> date | None:
        return self.value(known.EXPECTED_DELIVERY) if self.value(known.UNBORN) is True else None

    @property
    def due_date(self) -> date | None:
        referral = self.value(known.REFERRAL_DATE)
        return None if referral is None else due_date(referral, self.calendar, self.expected_delivery)[0]

    def timescale(self, on: date | None = None) -> Timescale | None:
        referral = self.value(known.REFERRAL_DATE)
        if referral is None:
            return None
        on = on or self.value(known.COMPLETION_DATE) or self.today
        return assessment_timescale(
            referral, self.calendar, on=on, expected_delivery_date=self.expected_delivery
        )

    # --- visibility ------------------------------------------------------------------------------

    def section_visible(self, section: Section) -> bool:
        condition = self.form.section_conditions.get(section.id)
        return condition is None or condition.evaluate(self._lookup(None, None, None))

    def page_visible(self, section: Section, page_id: str) -> bool:
        condition = self.form.page_conditions.get(page_id)
        if not self.section_visible(section):
            return False
        return condition is None or condition.evaluate(self._lookup(None, None, None))

    def is_visible(
        self, info: FieldInfo, item: Mapping[str, Any] | None = None, index: int | None = None
    ) -> bool:
        """Whether the question is asked: not hidden, its section, page and group shown, its show_if true."""
        key = (info.key, item.get("id") if item else None, index)
        if key not in self._visible:
            self._visible[key] = False  # a cycle (refused by the loader) cannot recurse forever
            self._visible[key] = self._compute_visible(info, item, index)
        return self._visible[key]

    def _compute_visible(self, info: FieldInfo, item: Mapping[str, Any] | None, index: int | None) -> bool:
        if info.field.hidden or (info.field.per_child and not self.for_child):
            return False
        if not self.page_visible(info.section, info.page.id):
            return False
        if info.group is not None and not self.is_visible(self.form.info(info.group.id)):
            return False
        return info.show_if is None or info.show_if.evaluate(self._lookup(info, item, index))

    def _lookup(self, owner: FieldInfo | None, item: Mapping[str, Any] | None, index: int | None):
        def lookup(name: str) -> Any:
            if owner is not None and owner.group is not None and item is not None:
                own = self.form.fields.get(f"{owner.group.id}.{name}")
                if own is not None:
                    return self.item_value(own, item, index if index is not None else -1)
            if name in self.form.fields:
                return self.value(name)
            return self.derived(name)

        return lookup

    def visible_fields(self, section: Section) -> Iterator[FieldInfo]:
        for info in self.form.top_fields(section):
            if self.is_visible(info):
                yield info

    # --- validation ------------------------------------------------------------------------------

    def is_required(
        self, info: FieldInfo, item: Mapping[str, Any] | None = None, index: int | None = None
    ) -> bool:
        if info.field.required:
            return True
        return info.required_if is not None and info.required_if.evaluate(self._lookup(info, item, index))

    def errors(
        self, section: Section | None = None, *, answering: Collection[Capability] | None = None
    ) -> list[FieldError]:
        """Every message for the visible questions of one section (or of the whole form), in form order:
        of the questions answered with one of the capabilities `answering`, or of all when it is None."""
        sections = [section] if section else self.relevant_sections()
        found: list[FieldError] = []
        for current in sections:
            if not self.section_visible(current):
                continue
            for info in self.visible_fields(current):
                if answers(info, answering):
                    found.extend(self._field_errors(info, self.raw(info), None, None, answering))
            found.extend(self._rule_errors(current))
        return _first_per_field(found)

    def relevant_sections(self) -> list[Section]:
        """The household's sections, and the child's when this assessment has a child."""
        return [s for s in self.form.sections if s.scope == "household" or self.child]

    def _field_errors(
        self,
        info: FieldInfo,
        raw: Any,
        item: Mapping[str, Any] | None,
        index: int | None,
        answering: Collection[Capability] | None,
    ) -> list[FieldError]:
        field = info.field

        def error(message: str) -> FieldError:
            group = info.group.id if info.group else None
            return FieldError(field.id, message, group, index, info.section.id)

        value = typed_value(field, raw)
        if isinstance(value, Invalid):
            return [error(value.message)]
        if value is None:
            return [error(missing_message(field))] if self.is_required(info, item, index) else []
        checks = Checks(
            self.today, self._lookup(info, item, index), self._subject, self._allowed_values(info)
        )
        problem = field_type(field).constraint(field, value, checks)
        if problem:
            return [error(problem)]
        if field.type == "group":
            return self._group_errors(info, value, answering, error)
        return []

    def _group_errors(
        self, info: FieldInfo, items: list[dict[str, Any]], answering: Collection[Capability] | None, error
    ) -> list[FieldError]:
        minimum = info.field.min_items if info.field.min_items is not None else int(info.field.required)
        found = [error(missing_message(info.field))] if len(items) < minimum else []
        for index, item in enumerate(items):
            for item_info in self.form.item_fields(info.field):
                if answers(item_info, answering) and self.is_visible(item_info, item, index):
                    found.extend(
                        self._field_errors(item_info, item.get(item_info.field.id), item, index, answering)
                    )
        return found

    def _allowed_values(self, info: FieldInfo) -> set[str] | None:
        """The items a `choices_from` field may name; None for a field whose choices the spec fixes."""
        source = info.field.choices_from
        if source is None:
            return None
        return {str(item.get("id")) for item in self.items(source)}

    def _subject(self, field_id: str) -> str:
        info = self.form.fields.get(field_id)
        return subject(info.field) if info else field_id

    def _rule_errors(self, section: Section) -> list[FieldError]:
        found = []
        for compiled in self.form.rules:
            if compiled.section is not section:
                continue
            target = self.form.fields.get(compiled.rule.field)
            if target is None or not self.is_visible(target):
                continue
            if compiled.condition.evaluate(self._lookup(None, None, None)):
                found.append(FieldError(target.field.id, compiled.rule.message, section=section.id))
        return found

    # --- progress --------------------------------------------------------------------------------

    def has_answers(self, section: Section, answering: Collection[Capability] = PRACTITIONER) -> bool:
        return any(
            not is_blank(self.raw(info)) for info in self.visible_fields(section) if answers(info, answering)
        )

    def status(self, section: Section, answering: Collection[Capability] = PRACTITIONER) -> Status:
        """The task-list status of a section from one side: by default the practitioner's, whose part of
        a section is complete while the decisions reserved to a manager wait."""
        if not self.has_answers(section, answering):
            return Status.NOT_STARTED
        if self.errors(section, answering=answering):
            return Status.IN_PROGRESS
        return Status.COMPLETED

    def pending_decisions(self) -> list[PendingDecision]:
        """The manager's decisions the answers call for that nobody has recorded yet, in form order."""
        pending = []
        for section in self.relevant_sections():
            if not self.section_visible(section):
                continue
            for info in self.visible_fields(section):
                if self._waits(info, self.raw(info), None, None):
                    pending.append(PendingDecision(info))
                if info.field.type != "group":
                    continue
                for index, item in enumerate(self.items(info.field.id)):
                    for item_info in self.form.item_fields(info.field):
                        if self.is_visible(item_info, item, index) and self._waits(
                            item_info, item.get(item_info.field.id), item, index
                        ):
                            pending.append(PendingDecision(item_info, item))
        return pending

    def _waits(self, info: FieldInfo, raw: Any, item: Mapping[str, Any] | None, index: int | None) -> bool:
        return (
            info.field.answered_by == Capability.RECORD_MANAGER_DECISION
            and is_blank(raw)
            and self.is_required(info, item, index)
        )

    def people(self, info: FieldInfo, exclude: str | None = None) -> dict[str, str]:
        """The items a `choices_from` field offers, by id (an item never offers itself)."""
        if info.field.choices_from is None:
            return {}
        group = self.form.info(info.field.choices_from)
        items = [item for item in self.items(group.field.id) if str(item.get("id")) != exclude]
        return {str(item.get("id")): self.item_label(group, item) for item in items}

    def item_label(self, group: FieldInfo, item: Mapping[str, Any]) -> str:
        """An item's name from its group's item_label; a field naming someone from another list shows
        the name."""
        fields = {info.field.id: info for info in self.form.item_fields(group.field)}

        def text_of(field_id: str) -> str:
            info = fields[field_id]
            names = self.people(info) if info.field.choices_from not in (None, group.field.id) else None
            return display(info.field, self.item_value(info, item, -1), names)

        return item_label(group.field, text_of)

    @cached_property
    def child_name(self) -> str:
        return self.value(known.CHILD_NAME) or ""


def household_for_child(form: FormSpec, household: Answers, child: Answers) -> dict[str, Any]:
    """The household's answers as one child's assessment reads them: each item of a list with `per_child`
    questions carries this child's answers to them (kept in the child's answers, by item id), and no
    other child's: a value left on the household's item is not read, since it would speak for every child.
    """
    merged = dict(household)
    for group_id, per_child in form.per_child.items():
        items = household.get(group_id)
        if not isinstance(items, list):
            continue
        entries = child.get(group_id)
        own = {
            str(entry.get("id")): entry
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, Mapping)
        }
        merged[group_id] = [
            _with_child_part(item, own.get(str(item.get("id")), {}), per_child)
            if isinstance(item, Mapping)
            else item
            for item in items
        ]
    return merged


def _with_child_part(item: Mapping[str, Any], entry: Mapping[str, Any], per_child: tuple[str, ...]):
    shared = {key: value for key, value in item.items() if key not in per_child}
    return {**shared, **{key: value for key, value in entry.items() if key in per_child}}


def _first_per_field(errors: list[FieldError]) -> list[FieldError]:
    """One message per field, as GOV.UK pages show: a field's own problem before a cross-field rule."""
    kept: dict[str, FieldError] = {}
    for error in errors:
        kept.setdefault(error.key, error)
    return list(kept.values())
