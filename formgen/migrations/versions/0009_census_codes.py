"""Each child's ethnic group as the Children in Need census's code

Revision ID: 0009
Revises: 0008

Until now the ethnic group was kept in formgen's own words (`white_british`); the census's codes
(`WBRI`) are the choices now, so the census export reads them as they are. This converts each child's
answer the way a format 4 case file is converted on import (formgen.engine.case_formats.census_codes);
the census's other answers (sex, UPN, referral source, primary need, disability codes) are new and left
to be asked for. Running it again changes nothing.

Each child it changes keeps a revision, "Changed when formgen was upgraded", so the history says what
the answers said. Going back puts formgen's own words back and takes those revisions away.
"""

import importlib.util
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# As it was when this was written (not imported from the engine, which may change after).
ETHNICITY = {
    "white_british": "WBRI",
    "white_irish": "WIRI",
    "traveller_of_irish_heritage": "WIRT",
    "gypsy_roma": "WROM",
    "white_other": "WOTH",
    "mixed_white_black_caribbean": "MWBC",
    "mixed_white_black_african": "MWBA",
    "mixed_white_asian": "MWAS",
    "mixed_other": "MOTH",
    "indian": "AIND",
    "pakistani": "APKN",
    "bangladeshi": "ABAN",
    "chinese": "CHNE",
    "asian_other": "AOTH",
    "caribbean": "BCRB",
    "african": "BAFR",
    "black_other": "BOTH",
    "arab": "OOTH",
    "other_ethnic_group": "OOTH",
    "refused": "REFU",
    "not_yet_obtained": "NOBT",
}
# Going back: the census code to formgen's old words. OOTH was both "arab" and "other_ethnic_group";
# the revision kept before the change is not read back, so OOTH goes back as the wider one.
BACK = {code: word for word, code in ETHNICITY.items() if word != "arab"}
UPGRADED = "upgraded"  # formgen.web.revisions.Kind.UPGRADED

children = sa.table(
    "children",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("answers", sa.JSON),
    sa.column("version", sa.Integer),
)
revisions = sa.table(
    "revisions",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("child_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("author_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("saved_at", sa.DateTime(timezone=True)),
    sa.column("answers", sa.JSON),
)


def _converted(answers: dict, codes: dict[str, str]) -> dict:
    value = answers.get("ethnicity")
    if isinstance(value, str) and value in codes:
        return {**answers, "ethnicity": codes[value]}
    return answers


def _children(connection):
    query = sa.select(children.c.id, children.c.case_id, children.c.answers, children.c.version)
    return connection.execute(query).all()


def _revisions_of(connection, child_id: int):
    query = (
        sa.select(revisions.c.id, revisions.c.kind, revisions.c.answers)
        .where(revisions.c.child_id == child_id)
        .order_by(revisions.c.id)
    )
    return connection.execute(query).all()


def _summaries_again(case_ids: list[int]) -> None:
    """The lists' rows of the cases whose answers changed, worked out again as 0008 works them out
    (with the engine and today's form): 0008 filled them from the answers before this conversion."""
    connection = op.get_bind()
    if not case_ids or not sa.inspect(connection).has_table("assessment_summaries"):
        return
    path = Path(__file__).with_name("0008_assessment_summaries.py")
    found = importlib.util.spec_from_file_location("formgen_migration_0008", path)
    summaries = importlib.util.module_from_spec(found)
    found.loader.exec_module(summaries)
    connection.execute(summaries.summaries.delete().where(summaries.summaries.c.case_id.in_(case_ids)))
    summaries._fill(case_ids)


def upgrade() -> None:
    connection = op.get_bind()
    changed: set[int] = set()
    for child in _children(connection):
        before = child.answers or {}
        answers = _converted(before, ETHNICITY)
        if answers == before:
            continue
        connection.execute(children.update().where(children.c.id == child.id).values(answers=answers))
        changed.add(child.case_id)
        kept = _revisions_of(connection, child.id)
        if kept and kept[-1].answers == answers:
            continue  # the history says it already (answers taken back by a downgrade, come again)
        connection.execute(
            revisions.insert().values(
                case_id=child.case_id,
                child_id=child.id,
                version=child.version,
                author_id=None,
                kind=UPGRADED,
                saved_at=datetime.now(UTC),
                answers=answers,
            )
        )
    _summaries_again(sorted(changed))


def downgrade() -> None:
    connection = op.get_bind()
    for child in _children(connection):
        before = child.answers or {}
        answers = _converted(before, BACK)
        if answers != before:
            connection.execute(children.update().where(children.c.id == child.id).values(answers=answers))
        # This migration's revisions only: those that changed formgen's own words into a census code
        # (0007's, and a case imported with codes, stay as they are).
        kept = _revisions_of(connection, child.id)
        ours = [
            revision.id
            for earlier, revision in pairwise(kept)
            if revision.kind == UPGRADED
            and isinstance(earlier.answers, dict)
            and isinstance(revision.answers, dict)
            and earlier.answers.get("ethnicity") in ETHNICITY
            and revision.answers.get("ethnicity") in BACK
        ]
        if ours:
            connection.execute(revisions.delete().where(revisions.c.id.in_(ours)))
