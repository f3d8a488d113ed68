"""Removing an item from a list (a person, an agency, a visit): what goes with it, and what must not.

Other answers may name the item: a choice of people (`choices_from`), or an entry of another list that
exists to describe it (a parent's involvement, named by its `item_label`). Removing the item takes
those with it, and the confirmation lists each, so nothing goes silently and no nameless row is left
behind. One thing is refused rather than done: a removal that would leave a confidential detail
withheld from nobody, and so printed for everyone (F5); the practitioner decides that first.

Pure Python over stored answers: the household's, and each child's, since a child's answer may name
someone of the household.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from formgen.display import PLACEHOLDER
from formgen.fieldtypes import is_blank
from formgen.spec.form import FieldInfo, FormSpec

Answers = dict[str, Any]
HOUSEHOLD = None  # the key of the household's answers among the records a removal changes


@dataclass(frozen=True)
class Consequence:
    """One more thing a removal changes, as the confirmation lists it."""

    field: FieldInfo  # the question that names the item
    entry: Mapping[str, Any] | None  # the entry of another list it is in, or None for a question of its own
    child: str | None  # the child whose answer it is, or None for the household's
    removes_entry: bool  # the whole entry goes (it describes the item); otherwise the item is taken off


@dataclass(frozen=True)
class Exposure:
    """A confidential detail that nobody would be kept from once the item is removed."""

    detail: FieldInfo
    entry: Mapping[str, Any] | None  # the entry it belongs to (a person's phone number), if any
    child: str | None


@dataclass
class Removal:
    """The answers once the item has gone, and what else goes with it."""

    records: dict[str | None, Answers] = field(default_factory=dict)  # changed answers, by child key
    consequences: list[Consequence] = field(default_factory=list)
    exposures: list[Exposure] = field(default_factory=list)
    # The records of who decided what about an entry that goes, which go with it, by child key.
    decisions: dict[str | None, list[dict[str, Any]]] = field(default_factory=dict)
    dropped: list[FieldInfo] = field(default_factory=list)  # the decisions those records were of

    @property
    def allowed(self) -> bool:
        return not self.exposures


def identifies(group: FieldInfo, item_field: FieldInfo) -> bool:
    """Whether an item field names its entry (it is in the group's item_label, or is its first field)."""
    template = group.field.item_label or "{" + (group.field.fields or [])[0].id + "}"
    return item_field.field.id in PLACEHOLDER.findall(template)


def plan_removal(
    form: FormSpec,
    household: Mapping[str, Any],
    children: Mapping[str, Mapping[str, Any]],
    group_id: str,
    item_id: str,
    child: str | None = None,
    decisions: Mapping[str | None, Sequence[Mapping[str, Any]]] | None = None,
) -> Removal:
    """What removing item `item_id` of list `group_id` does (from the household's answers, or `child`'s).

    `decisions` are the records of who made each manager's decision, by child key (HOUSEHOLD for the
    household's): a record about an entry that goes, goes too, so none names a person no longer there.
    """
    group = form.info(group_id)
    household_list = group.section.scope == "household"
    scope: dict[str | None, Mapping[str, Any]] = {HOUSEHOLD: household}
    if household_list:
        scope.update(children)  # a child's answer may name someone of the household
    elif child is not None:
        scope[child] = children[child]
    plan = Removal()
    owner = HOUSEHOLD if household_list else child
    gone = {(group_id, item_id)}
    for key, answers in scope.items():
        changed = _Remover(form, group_id, item_id, key, plan).record(answers, owns_list=key == owner)
        if changed != answers:
            plan.records[key] = changed
    gone |= {(c.field.group.id, str(c.entry.get("id"))) for c in plan.consequences if c.removes_entry}
    for key, records in (decisions or {}).items():
        kept = [record for record in records if (_group_of(record["field"]), record.get("item")) not in gone]
        if len(kept) != len(records):
            plan.decisions[key] = kept
            plan.dropped += [
                form.fields[r["field"]] for r in records if r not in kept and r["field"] in form.fields
            ]
    return plan


def _group_of(field_key: str) -> str | None:
    """The list a decision's question belongs to ("household_members.reason"), or None."""
    return field_key.rpartition(".")[0] or None


class _Remover:
    def __init__(self, form: FormSpec, group_id: str, item_id: str, child: str | None, plan: Removal) -> None:
        self.form = form
        self.group_id = group_id
        self.item_id = item_id
        self.child = child
        self.plan = plan
        self.pointing = [info for info in form.fields.values() if info.field.choices_from == group_id]

    def record(self, answers: Mapping[str, Any], *, owns_list: bool) -> Answers:
        kept = dict(answers)
        if owns_list:
            kept[self.group_id] = [
                item for item in kept.get(self.group_id) or [] if item.get("id") != self.item_id
            ]
        elif self.group_id in self.form.per_child and isinstance(kept.get(self.group_id), list):
            # A child's answers about the person (their relationship to the child) go with the person.
            entries = [entry for entry in kept[self.group_id] if entry.get("id") != self.item_id]
            kept[self.group_id] = entries or None
        for info in self.pointing:
            if info.group is None and info.field.id in kept:
                self.top_level(kept, info)
            elif info.group is not None and isinstance(kept.get(info.group.id), list):
                kept[info.group.id] = self.entries(kept[info.group.id], info)
        self.check_exposures(answers, kept)
        return {key: value for key, value in kept.items() if value is not None}

    def top_level(self, kept: Answers, info: FieldInfo) -> None:
        before = kept[info.field.id]
        after = self.without(before)
        if after != before:
            kept[info.field.id] = after
            self.plan.consequences.append(Consequence(info, None, self.child, removes_entry=False))

    def entries(self, items: list[dict[str, Any]], info: FieldInfo) -> list[dict[str, Any]]:
        group = self.form.info(info.group.id)
        kept = []
        for entry in items:
            before = entry.get(info.field.id)
            after = self.without(before)
            if after == before:
                kept.append(entry)
                continue
            whole = identifies(group, info) and after is None  # it would be left without a name
            self.plan.consequences.append(Consequence(info, entry, self.child, removes_entry=whole))
            if not whole:
                kept.append(
                    {
                        key: value
                        for key, value in {**entry, info.field.id: after}.items()
                        if value is not None
                    }
                )
        return kept

    def without(self, value: Any) -> Any:
        """An answer less the item: off a list of choices, or cleared where it was the one choice."""
        if isinstance(value, list):
            if self.item_id not in value:
                return value
            return [chosen for chosen in value if chosen != self.item_id] or None
        return None if value == self.item_id else value

    def check_exposures(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        """A confidential detail whose "who must not see" list this removal empties (F5)."""
        for info in self.form.fields.values():
            names = info.field.confidential_from
            if not info.field.confidential or names is None:
                continue
            if info.group is None:
                if _emptied(before, after, names) and not is_blank(after.get(info.field.id)):
                    self.plan.exposures.append(Exposure(info, None, self.child))
                continue
            own_list = f"{info.group.id}.{names}" in self.form.fields  # the entry's own "who must not see"
            kept = {entry.get("id"): entry for entry in after.get(info.group.id) or []}
            for entry in before.get(info.group.id) or []:
                now = kept.get(entry.get("id"))
                if now is None or is_blank(now.get(info.field.id)):
                    continue
                if _emptied(entry, now, names) if own_list else _emptied(before, after, names):
                    self.plan.exposures.append(Exposure(info, now, self.child))


def _emptied(before: Mapping[str, Any], after: Mapping[str, Any], key: str) -> bool:
    return not is_blank(before.get(key)) and is_blank(after.get(key))
