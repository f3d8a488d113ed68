"""When a save is refused because another came first: what that save changed on this page, beside what
the person typed, and who saved it, so they can keep theirs or take the other knowingly."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask import g

from formgen.display import join_words
from formgen.engine import Assessment
from formgen.engine.changes import changes
from formgen.i18n import N_, _
from formgen.spec.model import Section
from formgen.web import revisions
from formgen.web.models import Case, Child
from formgen.web.pages import Subject, reading
from formgen.web.services import services


@dataclass(frozen=True)
class Row:
    question: str
    theirs: str  # as the other save left it
    yours: str  # as typed on this page


YOU = N_("you, in another window")
AN_IMPORT = N_("an import")  # a save without an author


@dataclass(frozen=True)
class Conflict:
    who: list[str]  # "Morgan Manager", YOU
    rows: list[Row]

    @property
    def sentence(self) -> str:
        """Who saved, in the language being spoken."""
        if self.who == [YOU]:
            return _("You saved this page in another window after opening it here.")
        if not self.who:
            return _("Someone saved this page after you opened it.")
        names = join_words([_(name) if name in (YOU, AN_IMPORT) else name for name in self.who])
        return _("%(names)s saved this page after you opened it.", names=names)


def conflict(
    subject: Subject, section: Section, opened: int | None, yours: Assessment, fields: Collection[str]
) -> Conflict:
    """What the saves since the page was opened (at version `opened`) changed among `fields`."""
    record = subject.record(section)
    form = services().form
    since = opened if opened is not None else 0
    base = subject.assessment(form, section, revisions.at_version(record, since) or {})
    theirs = subject.assessment(form, section)
    return _between(record, since, base, theirs, yours, section.scope, fields)


def child_conflict(
    child: Child, opened: int | None, yours: Assessment, fields: Collection[str], name: str
) -> Conflict:
    """What the saves of a child's answers since a household page was opened changed among `fields`
    (the child's answers about the household's people), each row naming the child."""
    since = opened if opened is not None else 0
    household = child.case.household
    base = reading(household, revisions.at_version(child, since) or {})
    theirs = reading(household, child.answers)
    found = _between(child, since, base, theirs, yours, "child", fields)
    rows = [
        Row(_("%(question)s (for %(name)s)", question=row.question, name=name), row.theirs, row.yours)
        for row in found.rows
    ]
    return Conflict(found.who, rows)


def combined(conflicts: list[Conflict]) -> Conflict:
    """One banner for the saves of several records (a household page that writes each child's too)."""
    who: list[str] = []
    for found in conflicts:
        who += [name for name in found.who if name not in who]
    return Conflict(who, [row for found in conflicts for row in found.rows])


def _between(
    record: Case | Child,
    since: int,
    base: Assessment,
    theirs: Assessment,
    yours: Assessment,
    scope: str,
    fields: Collection[str],
) -> Conflict:
    mine = {change.key: change.after for change in changes(base, yours, scope, fields)}
    rows = [
        Row(_(change.question), change.after, mine.get(change.key, change.before))
        for change in changes(base, theirs, scope, fields)
    ]
    names: list[str] = []
    for revision in revisions.saved_since(record, since):
        if revision.author_id == g.user.id:
            name = YOU
        else:
            name = revision.author.name if revision.author else AN_IMPORT
        if name not in names:
            names.append(name)
    return Conflict(names, rows)
