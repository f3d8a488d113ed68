"""When a save is refused because another came first: what that save changed on this page, beside what
the person typed, and who saved it, so they can keep theirs or take the other knowingly."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask import g

from formgen.display import join_words
from formgen.engine import Assessment
from formgen.engine.changes import changes
from formgen.spec.model import Section
from formgen.web import revisions
from formgen.web.pages import Subject
from formgen.web.services import services


@dataclass(frozen=True)
class Row:
    question: str
    theirs: str  # as the other save left it
    yours: str  # as typed on this page


YOU = "you, in another window"


@dataclass(frozen=True)
class Conflict:
    who: list[str]  # "Morgan Manager", YOU
    rows: list[Row]

    @property
    def sentence(self) -> str:
        if self.who == [YOU]:
            return "You saved this page in another window after opening it here."
        return f"{join_words(self.who) or 'Someone'} saved this page after you opened it."


def conflict(
    subject: Subject, section: Section, opened: int | None, yours: Assessment, fields: Collection[str]
) -> Conflict:
    """What the saves since the page was opened (at version `opened`) changed among `fields`."""
    record = subject.record(section)
    form = services().form
    since = opened if opened is not None else 0
    base = subject.assessment(form, section, revisions.at_version(record, since) or {})
    theirs = subject.assessment(form, section)
    mine = {change.question: change.after for change in changes(base, yours, section.scope, fields)}
    rows = [
        Row(change.question, change.after, mine.get(change.question, change.before))
        for change in changes(base, theirs, section.scope, fields)
    ]
    names: list[str] = []
    for revision in revisions.saved_since(record, since):
        if revision.author_id == g.user.id:
            name = YOU
        else:
            name = revision.author.name if revision.author else "an import"
        if name not in names:
            names.append(name)
    return Conflict(names, rows)
