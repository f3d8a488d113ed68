"""What a save changed, question by question, in the words a manager reads: each question's label and
its answers as pages show them (choice labels, people's names), the entries of lists included."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from formgen.engine.assessment import Assessment
from formgen.fieldtypes import display
from formgen.spec.form import FieldInfo

ADDED = "Added to the list"
REMOVED = "Removed from the list"


@dataclass(frozen=True)
class Change:
    field: str  # the field's id, or the list's: which question a page asks
    question: str  # the question and, in a list, the entry it is about
    before: str  # "" when it was not answered
    after: str
    entry: str | None = None  # in a list: the entry's id
    answer: str | None = None  # in a list's entry kept: the id of the item's field that changed

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        """Which answer changed, whatever the entry's name said before and after."""
        return self.field, self.entry, self.answer


def changes(
    before: Assessment, after: Assessment, scope: str, fields: Collection[str] | None = None
) -> list[Change]:
    """What differs between two readings of one record's answers (`scope` "household" or "child"), in
    form order; only `fields` (ids of questions outside lists, or of lists) when given.

    A household list's `per_child` questions are the child's record's: a child's changes include their
    answers to them, entry by entry, and the household's changes leave them out.
    """
    found: list[Change] = []
    for info in after.form.top_fields():
        if fields is not None and info.field.id not in fields:
            continue
        per_child = after.form.per_child.get(info.field.id, ())
        if info.section.scope != scope:
            if scope == "child" and per_child:
                found.extend(_entries(before, after, info, only=per_child))
            continue
        if info.field.type == "group":
            found.extend(_entries(before, after, info, leaving_out=per_child))
        elif before.raw(info) != after.raw(info):
            found.append(Change(info.field.id, _question(info), _text(before, info), _text(after, info)))
    return found


def _question(info: FieldInfo) -> str:
    return info.field.document_label if info.group else info.field.label


def _text(assessment: Assessment, info: FieldInfo) -> str:
    return display(info.field, assessment.value(info.field.id), assessment.people(info))


def _entries(
    before: Assessment,
    after: Assessment,
    group: FieldInfo,
    *,
    only: Collection[str] | None = None,
    leaving_out: Collection[str] = (),
) -> Iterator[Change]:
    """A list's changes: entries added or removed, and each answer changed in an entry kept; with
    `only`, just those answers of the entries kept (a child's own answers about the household's people)."""
    old = _by_id(before.items(group.field.id))
    new = _by_id(after.items(group.field.id))
    title = _question(group)
    for key, item in new.items():
        name = after.item_label(group, item)
        if key not in old:
            if only is None:
                yield Change(group.field.id, f"{title}: {name}", "", ADDED, key)
            continue
        for info in after.form.item_fields(group.field):
            if info.field.id in leaving_out or (only is not None and info.field.id not in only):
                continue
            was = _item_text(before, info, old[key])
            now = _item_text(after, info, item)
            if old[key].get(info.field.id) != item.get(info.field.id):
                question = f"{title}: {name}: {_question(info)}"
                yield Change(group.field.id, question, was, now, key, info.field.id)
    for key, item in old.items():
        if key not in new and only is None:
            yield Change(group.field.id, f"{title}: {before.item_label(group, item)}", "", REMOVED, key)


def _by_id(items: list[dict[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(item.get("id")): item for item in items}


def _item_text(assessment: Assessment, info: FieldInfo, item: Mapping[str, Any]) -> str:
    return display(info.field, assessment.item_value(info, item, -1), assessment.people(info))
