"""Withholdings (F5): which answers and list items may be kept from named recipients, whether one fits
the form and the case, and a case's list of them as one of them changes.

A withholding names a top-level question (a list's id, for one of its items), whose answer it is (a
child's, or the household's), and recipients of the case's distribution list. It matters only for a
document that leaves the authority: the record stays within it and prints everything. One more kind
keeps a recipient (its item, of DISTRIBUTION_LIST) out of the list of who has a copy that the others'
documents print.

Pure Python over the form and the case file; what a reader's copy then prints is decided in
formgen.documents.context.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from formgen.engine.distribution import (
    DISTRIBUTION_LIST,
    Audience,
    Recipient,
    Withholding,
)
from formgen.registry import audiences_of
from formgen.spec.form import FieldInfo, FormSpec

if TYPE_CHECKING:  # the case file checks its withholdings with this module
    from formgen.engine.casefile import CaseFile


def reaches_outside(info: FieldInfo) -> bool:
    """Whether a question's answer may be printed in a document that leaves the authority: one of its
    documents does, for an audience the question names (none named: the record only)."""
    audiences = {Audience(audience) for audience in info.field.audience or ()}
    return any(audiences & audiences_of(kind) for kind in info.field.documents or info.section.documents)


def withholding_problem(form: FormSpec, case: CaseFile, withholding: Withholding) -> str | None:
    """Why a withholding does not fit the form and the case, or None when it does: its question must be
    a top-level question printed outside the authority, answered for the child it names (or the
    household), its item an item of that list, and each recipient one of the case's."""
    if withholding.field == DISTRIBUTION_LIST:
        return _listed_problem(case, withholding)
    info = form.fields.get(withholding.field)
    if info is None or info.group is not None or info.field.hidden:
        return f"{withholding.field!r} is not a question of the form"
    if not reaches_outside(info):
        return f"{withholding.field!r} is printed only in the record, which stays within the authority"
    answers, problem = _answers(info, case, withholding.child)
    if problem is None and withholding.item is not None:
        problem = _item_problem(info, answers, withholding.item)
    return problem or _recipients_problem(case, withholding.recipients)


def _answers(info: FieldInfo, case: CaseFile, child_id: str | None) -> tuple[Mapping[str, Any], str | None]:
    """The answers a question's withholding is about: the household's, or the child's it names."""
    if info.section.scope == "household":
        if child_id is not None:
            return {}, f"{info.field.id!r} is answered for the household, not for one child"
        return case.household, None
    if child_id is None:
        return {}, f"{info.field.id!r} is answered for each child: name the child"
    child = next((child for child in case.children if child.id == child_id), None)
    if child is None:
        return {}, f"case {case.reference} has no child {child_id!r}"
    return child.answers, None


def _item_problem(info: FieldInfo, answers: Mapping[str, Any], item_id: str) -> str | None:
    if info.field.type != "group":
        return f"{info.field.id!r} is not a list, so it has no items"
    items = answers.get(info.field.id)
    ids = {str(item.get("id")) for item in items if isinstance(item, dict)} if isinstance(items, list) else ()
    if item_id not in ids:
        return f"the list {info.field.id!r} has no item {item_id!r}"
    return None


def _listed_problem(case: CaseFile, withholding: Withholding) -> str | None:
    """A recipient kept out of the list of who has a copy: one of the case's, kept from the others."""
    if withholding.child is not None:
        return "the distribution list is the household's, not one child's"
    if withholding.item is None or withholding.item not in {recipient.id for recipient in case.distribution}:
        return f"case {case.reference} has no recipient {withholding.item!r}"
    if withholding.item in withholding.recipients:
        return "a recipient's own copy always names them"
    return _recipients_problem(case, withholding.recipients)


def _recipients_problem(case: CaseFile, recipients: Sequence[str]) -> str | None:
    known = {recipient.id for recipient in case.distribution}
    for recipient_id in recipients:
        if recipient_id not in known:
            return f"case {case.reference} has no recipient {recipient_id!r}"
    if len(set(recipients)) != len(recipients):
        return "a recipient is named twice"
    return None


def _same_place(one: Withholding, other: Withholding) -> bool:
    return (one.field, one.child, one.item) == (other.field, other.child, other.item)


def find(
    withheld: Iterable[Withholding], field: str, child: str | None, item: str | None
) -> Withholding | None:
    """The withholding of one answer (`child` None for the household's) or one item of a list."""
    return next(
        (entry for entry in withheld if (entry.field, entry.child, entry.item) == (field, child, item)), None
    )


def withheld_from(distribution: Sequence[Recipient], withholding: Withholding | None) -> list[Recipient]:
    """The recipients a withholding keeps its answer from, in the distribution list's order; a
    recipient since removed from the list no longer counts."""
    if withholding is None:
        return []
    named = set(withholding.recipients)
    return [recipient for recipient in distribution if recipient.id in named]


def replaced(withheld: Sequence[Withholding], withholding: Withholding) -> list[Withholding]:
    """A case's withholdings with this one in place of any of the same answer or item: where the
    earlier one was, or last if it is new; gone when it names nobody."""
    updated: list[Withholding] = []
    placed = False
    for entry in withheld:
        if _same_place(entry, withholding):
            if not placed and withholding.recipients:
                updated.append(withholding)
            placed = True
        else:
            updated.append(entry)
    if not placed and withholding.recipients:
        updated.append(withholding)
    return updated


def fitting_after(
    withheld: Sequence[Withholding], records: Mapping[str | None, Mapping[str, Any]]
) -> list[Withholding]:
    """The withholdings that still name an item once answers change (`records`: the new answers by
    child id, None for the household's): one whose item a removal took goes with it."""

    def gone(withholding: Withholding) -> bool:
        if withholding.item is None or withholding.field == DISTRIBUTION_LIST:
            return False
        if withholding.child not in records:
            return False
        items = records[withholding.child].get(withholding.field) or []
        return not any(str(item.get("id")) == withholding.item for item in items)

    return [withholding for withholding in withheld if not gone(withholding)]
