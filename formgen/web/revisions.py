"""Every save of the household's or a child's answers kept as a revision (J3): who, when, and the
answers it left, so a manager can see what changed and read the assessment as it stood at any point.

An assessment's revisions are its household's and its own, numbered 1, 2, 3 in the order they were
saved; a document names the number it was made from, and so does an approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import or_

from formgen.engine.case_formats import relationships_for_child
from formgen.i18n import N_
from formgen.web.extensions import db
from formgen.web.models import Case, Child, Revision, User


class Kind(StrEnum):
    CREATED = "created"
    SAVED = "saved"
    DECISION = "decision"  # a decision reserved to a manager, recorded
    REMOVED = "removed"  # a person or an entry removed, and every answer that named them
    IMPORTED = "imported"
    BEFORE_HISTORY = "before_history"  # the answers an installation had when revisions began
    UPGRADED = "upgraded"  # answers a migration moved (0007: relationships into each child's answers)


KIND_LABELS: dict[Kind, str] = {
    Kind.CREATED: N_("Started"),
    Kind.SAVED: N_("Answers saved"),
    Kind.DECISION: N_("Manager’s decision recorded"),
    Kind.REMOVED: N_("Removed from the list"),
    Kind.IMPORTED: N_("Imported from a case file"),
    Kind.BEFORE_HISTORY: N_("Saved before history was kept"),
    Kind.UPGRADED: N_("Changed when formgen was upgraded"),
}


def keep(case: Case, child: Child | None, kind: Kind, author: User | None) -> None:
    """Add the revision a save makes, after the flush that gave the record its new version."""
    record = child if child is not None else case
    answers = child.answers if child is not None else case.household
    db.session.add(
        Revision(
            case_id=case.id,
            child_id=child.id if child is not None else None,
            version=record.version,
            author=author,
            kind=kind.value,
            answers=dict(answers),
        )
    )


def _of(case: Case, child: Child | None):
    """The revisions of an assessment: its household's, and the child's own."""
    condition = Revision.case_id == case.id
    if child is None:
        return condition & Revision.child_id.is_(None)
    return condition & or_(Revision.child_id.is_(None), Revision.child_id == child.id)


def history(case: Case, child: Child | None) -> list[Revision]:
    """The assessment's revisions, oldest first: their position in this list is their number."""
    return list(db.session.scalars(db.select(Revision).where(_of(case, child)).order_by(Revision.id)))


def number(case: Case, child: Child | None) -> str:
    """The number of the revision the assessment stands at, as documents and approvals name it."""
    count = db.session.scalar(db.select(db.func.count()).select_from(Revision).where(_of(case, child)))
    return str(count)


def numbers(cases: list[Case]) -> dict[tuple[int, int], int]:
    """`number` of every child's assessment of `cases`, by (case id, child id), in one query."""
    counted = db.session.execute(
        db.select(Revision.case_id, Revision.child_id, db.func.count())
        .where(Revision.case_id.in_([case.id for case in cases]))
        .group_by(Revision.case_id, Revision.child_id)
    ).all()
    household = {case_id: count for case_id, child_id, count in counted if child_id is None}
    own = {(case_id, child_id): count for case_id, child_id, count in counted if child_id is not None}
    return {
        (case.id, child.id): household.get(case.id, 0) + own.get((case.id, child.id), 0)
        for case in cases
        for child in case.children
    }


@dataclass(frozen=True)
class AsAt:
    """The assessment as one of its revisions left it: the household's and the child's answers."""

    number: int
    revision: Revision
    household: dict[str, Any]
    child: dict[str, Any] | None
    before: dict[str, Any]  # what this revision's record held before it (empty for its first)
    first: bool  # the record's first revision


def readable(
    household: dict[str, Any], child: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A household's and a child's answers as kept by one revision each, as today's form reads them.

    Revisions kept before migration 0007 say each person's relationship to the children once, on the
    household's item: they are read as the child's own, as 0007 moved them (a child's own value first).
    """
    return relationships_for_child(household, child)


def as_at(revisions: list[Revision], number: int) -> AsAt | None:
    """The assessment as at revision `number` (counted from 1) of `revisions`, or None if it has none."""
    if not 1 <= number <= len(revisions):
        return None
    upto = revisions[:number]
    revision = upto[-1]
    household = _last(upto, household=True)
    child = _last(upto, household=False)
    earlier = [kept for kept in upto[:-1] if kept.child_id == revision.child_id]
    return AsAt(
        number=number,
        revision=revision,
        household=household or {},
        child=child,
        before=dict(earlier[-1].answers) if earlier else {},
        first=not earlier,
    )


def _last(revisions: list[Revision], *, household: bool) -> dict[str, Any] | None:
    for revision in reversed(revisions):
        if (revision.child_id is None) is household:
            return dict(revision.answers)
    return None


def _record(record: Case | Child):
    """The revisions of one record: a child's answers, or the household's."""
    if isinstance(record, Child):
        return Revision.child_id == record.id
    return (Revision.case_id == record.id) & Revision.child_id.is_(None)


def at_version(record: Case | Child, version: int) -> dict[str, Any] | None:
    """The record's answers as a page opened at `version` showed them, if kept."""
    revision = db.session.scalar(
        db.select(Revision)
        .where(_record(record), Revision.version <= version)
        .order_by(Revision.version.desc(), Revision.id.desc())
        .limit(1)
    )
    return dict(revision.answers) if revision is not None else None


def saved_since(record: Case | Child, version: int) -> list[Revision]:
    """The saves of the record's answers after a page was opened at `version`, oldest first."""
    query = db.select(Revision).where(_record(record), Revision.version > version).order_by(Revision.id)
    return list(db.session.scalars(query))
