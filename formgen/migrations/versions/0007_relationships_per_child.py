"""Each person's relationship to each child, and parental responsibility for each, in each child's answers

Revision ID: 0007
Revises: 0006

Until now a household member's `relationship` and `parental_responsibility` were kept once, on the
household's item, for all the children. They are answered for each child now (`per_child` in the spec)
and kept in each child's answers under the list's id, by the person's item id, as a format 4 case file
keeps them (formgen.engine.case_formats). This moves them: every child of the case gets the values the
household held (a value the child already has is kept) and the household's items lose them. Only
answers change, and running it again changes nothing.

Each record it changes keeps a revision, "Changed when formgen was upgraded", the children's before the
household's, so the history and the assessment read as at any revision say what the answers said.
Going back puts the values on the household's items again (from the first child that has them) and
takes those revisions away, which the older formgen could not name.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The lists and the answers this moves, as they were when it was written (not read from the spec,
# which may change after).
PER_CHILD = {"household_members": ("relationship", "parental_responsibility")}
UPGRADED = "upgraded"  # formgen.web.revisions.Kind.UPGRADED

cases = sa.table(
    "cases", sa.column("id", sa.Integer), sa.column("household", sa.JSON), sa.column("version", sa.Integer)
)
children = sa.table(
    "children",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("answers", sa.JSON),
    sa.column("version", sa.Integer),
)
revisions = sa.table(
    "revisions",
    sa.column("case_id", sa.Integer),
    sa.column("child_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("author_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("saved_at", sa.DateTime(timezone=True)),
    sa.column("answers", sa.JSON),
)


def _shared(household: dict) -> tuple[dict, dict[tuple[str, str], dict]]:
    """The household's answers without the values said once for all the children, and those values by
    (list, item id)."""
    household = dict(household)
    said: dict[tuple[str, str], dict] = {}
    for group, keys in PER_CHILD.items():
        items = household.get(group)
        if not isinstance(items, list):
            continue
        kept = []
        for item in items:
            if isinstance(item, dict) and any(key in item for key in keys):
                if isinstance(item.get("id"), str):
                    said[(group, item["id"])] = {key: item[key] for key in keys if key in item}
                item = {key: value for key, value in item.items() if key not in keys}
            kept.append(item)
        household[group] = kept
    return household, said


def _given(answers: dict, said: dict[tuple[str, str], dict]) -> dict:
    """A child's answers with the values the household said for all the children."""
    answers = dict(answers)
    for (group, item_id), values in said.items():
        entries = answers.get(group)
        entries = (
            [dict(entry) for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []
        )
        entry = next((entry for entry in entries if entry.get("id") == item_id), None)
        if entry is None:
            entries.append(entry := {"id": item_id})
        for key, value in values.items():
            entry.setdefault(key, value)
        answers[group] = entries
    return answers


def _children_of(connection, case_id: int):
    query = (
        sa.select(children.c.id, children.c.answers, children.c.version)
        .where(children.c.case_id == case_id)
        .order_by(children.c.position, children.c.id)
    )
    return connection.execute(query).all()


def _revision(connection, case_id: int, child_id: int | None, version: int, answers: dict) -> None:
    connection.execute(
        revisions.insert().values(
            case_id=case_id,
            child_id=child_id,
            version=version,
            author_id=None,
            kind=UPGRADED,
            saved_at=datetime.now(UTC),
            answers=answers,
        )
    )


def upgrade() -> None:
    connection = op.get_bind()
    for case in connection.execute(sa.select(cases.c.id, cases.c.household, cases.c.version)).all():
        household, said = _shared(case.household or {})
        if household == (case.household or {}):
            continue  # nothing said once for all the children: moved already, or never answered
        for child in _children_of(connection, case.id):
            answers = _given(child.answers or {}, said)
            if answers != (child.answers or {}):
                connection.execute(children.update().where(children.c.id == child.id).values(answers=answers))
                _revision(connection, case.id, child.id, child.version, answers)
        connection.execute(cases.update().where(cases.c.id == case.id).values(household=household))
        _revision(connection, case.id, None, case.version, household)


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(revisions.delete().where(revisions.c.kind == UPGRADED))
    for case in connection.execute(sa.select(cases.c.id, cases.c.household)).all():
        household = dict(case.household or {})
        kids = _children_of(connection, case.id)
        for group, keys in PER_CHILD.items():
            items = household.get(group)
            if not isinstance(items, list):
                continue
            restored = []
            for item in items:
                if isinstance(item, dict):
                    item = {**_first_said(kids, group, item.get("id"), keys), **item}
                restored.append(item)
            household[group] = restored
        if household != (case.household or {}):
            connection.execute(cases.update().where(cases.c.id == case.id).values(household=household))
        for child in kids:
            answers = {key: value for key, value in (child.answers or {}).items() if key not in PER_CHILD}
            if answers != (child.answers or {}):
                connection.execute(children.update().where(children.c.id == child.id).values(answers=answers))


def _first_said(kids, group: str, item_id, keys: tuple[str, ...]) -> dict:
    """What the first child (in the household's order) that answered says of the item."""
    for child in kids:
        entries = (child.answers or {}).get(group)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and entry.get("id") == item_id:
                found = {key: entry[key] for key in keys if key in entry}
                if found:
                    return found
    return {}
