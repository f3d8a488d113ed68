"""A loaded form: the sections after the overlay, with every field indexed and every condition compiled."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from formgen.capabilities import Capability
from formgen.conditions import Condition
from formgen.spec.model import Authority, FormField, Page, Rule, Section

DECISION = Capability.RECORD_MANAGER_DECISION  # answered on a page of its own, whatever the section
# Values that are not questions but can be used in conditions (docs/form-specs.md).
DERIVED_CHILD = {"age": "number", "due_date": "date"}
DERIVED_ANY = {"today": "date"}


@dataclass(frozen=True)
class Origin:
    """Where a spec element was written: its file and its path in that file."""

    file: str
    path: tuple[str | int, ...]


@dataclass
class FieldInfo:
    field: FormField
    section: Section
    page: Page
    group: FormField | None  # the group a field of an item belongs to
    origin: Origin
    show_if: Condition | None = None
    required_if: Condition | None = None

    @property
    def key(self) -> str:
        return f"{self.group.id}.{self.field.id}" if self.group else self.field.id


@dataclass
class CompiledRule:
    section: Section
    rule: Rule
    condition: Condition


@dataclass
class FormSpec:
    title: str
    sections: list[Section]
    authority: Authority
    authority_id: str
    edition: str | None
    fields: dict[str, FieldInfo] = field(default_factory=dict)  # keyed by FieldInfo.key
    page_conditions: dict[str, Condition] = field(default_factory=dict)
    section_conditions: dict[str, Condition] = field(default_factory=dict)
    rules: list[CompiledRule] = field(default_factory=list)
    # The household lists whose items have questions answered for each child: their ids, by the list's.
    per_child: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Free-text questions whose answer the child's version prints in words for the child: the id of
    # the field holding those words (its `for_child_of`), by the question's.
    for_child: dict[str, str] = field(default_factory=dict)

    def info(self, field_id: str, group_id: str | None = None) -> FieldInfo:
        return self.fields[f"{group_id}.{field_id}" if group_id else field_id]

    def child_words(self, info: FieldInfo) -> FieldInfo | None:
        """The field that holds this answer in words for the child, if the form has one (K3)."""
        companion = self.fields.get(self.for_child.get(info.key, ""))
        return None if companion is None or companion.field.hidden else companion

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def top_fields(self, section: Section | None = None) -> Iterator[FieldInfo]:
        """Fields outside groups, in form order."""
        for info in self.fields.values():
            if info.group is None and (section is None or info.section is section):
                yield info

    def item_fields(self, group: FormField) -> list[FieldInfo]:
        return [self.fields[f"{group.id}.{item.id}"] for item in group.fields or []]

    def answered_by(self, section: Section) -> Capability:
        """Who answers a section's questions (the decisions reserved to a manager aside): the loader
        checks there is one."""
        found = {info.field.answered_by for info in self.top_fields(section)} - {DECISION}
        return next(iter(found), Capability.EDIT_ASSESSMENT)

    def closure_days(self) -> frozenset[date]:
        return frozenset(self.authority.closure_days)
