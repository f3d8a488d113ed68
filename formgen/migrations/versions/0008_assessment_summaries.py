"""What the lists show of each assessment, kept beside it: the summaries (formgen.web.summaries)

Revision ID: 0008
Revises: 0007

One row per child: its status, stage, dates, the decisions and plan days waiting, who wrote it, what
waits to be circulated, and the hash of the form it was worked out with. The rows of existing
assessments are worked out here with the engine and the form the settings name (FORMGEN_SPEC_DIR,
FORMGEN_AUTHORITY); when that form does not load, none are, and the app works them out at its first
request instead, as it does for every row of another form's hash.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 500

summaries = sa.table(
    "assessment_summaries",
    *(
        sa.column(name, kind)
        for name, kind in (
            ("child_id", sa.Integer),
            ("case_id", sa.Integer),
            ("worker_id", sa.Integer),
            ("team_id", sa.Integer),
            ("restricted", sa.Boolean),
            ("child_name", sa.String),
            ("status", sa.String),
            ("stage", sa.String),
            ("referral_date", sa.Date),
            ("due_date", sa.Date),
            ("due_order", sa.Date),
            ("completion_date", sa.Date),
            ("pending_decisions", sa.Integer),
            ("next_date", sa.Date),
            ("writers", sa.JSON),
            ("to_circulate", sa.JSON),
            ("circulate", sa.Boolean),
            ("form_hash", sa.String),
            ("computed_at", sa.DateTime(timezone=True)),
        )
    ),
)
CASE_COLUMNS = ("id", "reference", "worker_id", "team_id", "restriction", "household", "allocations")
CASE_COLUMNS += ("decisions", "plan_reviews")
CASE_COLUMNS += ("distribution", "withheld", "circulation")
CHILD_COLUMNS = ("id", "case_id", "key", "position", "answers", "review", "stage", "decisions")
PLAIN = {"id": sa.Integer, "case_id": sa.Integer, "position": sa.Integer, "worker_id": sa.Integer}
PLAIN["team_id"] = sa.Integer
PLAIN.update({"reference": sa.String, "key": sa.String, "stage": sa.String})
cases = sa.table("cases", *(sa.column(name, PLAIN.get(name, sa.JSON)) for name in CASE_COLUMNS))
children = sa.table("children", *(sa.column(name, PLAIN.get(name, sa.JSON)) for name in CHILD_COLUMNS))
revisions = sa.table("revisions", sa.column("case_id", sa.Integer), sa.column("child_id", sa.Integer))


def upgrade() -> None:
    op.create_table(
        "assessment_summaries",
        sa.Column("child_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("child_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("referral_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("due_order", sa.Date(), nullable=False),
        sa.Column("completion_date", sa.Date(), nullable=True),
        sa.Column("pending_decisions", sa.Integer(), nullable=False),
        sa.Column("next_date", sa.Date(), nullable=True),
        sa.Column("writers", sa.JSON(), nullable=False),
        sa.Column("to_circulate", sa.JSON(), nullable=False),
        sa.Column("circulate", sa.Boolean(), nullable=False),
        sa.Column("form_hash", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("child_id"),
    )
    for name, columns in (
        ("case_id", ["case_id"]),
        ("stage_order", ["team_id", "stage", "due_order", "child_name", "child_id", "restricted"]),
        ("pending", ["team_id", "pending_decisions"]),
        ("worker_stage", ["worker_id", "stage", "due_order", "child_name", "child_id", "restricted"]),
        ("circulate", ["circulate", "case_id", "child_id"]),
        ("form_hash", ["form_hash"]),
        ("team_order", ["team_id", "due_order", "child_name", "child_id", "restricted"]),
        ("worker_order", ["worker_id", "due_order", "child_name", "child_id", "restricted"]),
    ):
        op.create_index(f"ix_assessment_summaries_{name}", "assessment_summaries", columns)
    _fill()


def _fill(only: list[int] | None = None) -> None:
    """Work out every existing assessment's row (or those of the cases `only` names, which a later
    migration that changes answers asks for), a batch of cases at a time."""
    from formgen.settings import Settings
    from formgen.spec import SpecError, load_spec
    from formgen.web.models import Case, Child
    from formgen.web.summaries import compute, form_hash

    settings = Settings.from_environment()
    try:
        form = load_spec(settings.spec_dir, settings.authority)
    except (SpecError, OSError):
        return  # the app works the rows out at its first request, with the form it loads
    stamp, at = form_hash(settings, form), datetime.now(UTC)
    connection = op.get_bind()
    ids = list(connection.scalars(sa.select(cases.c.id).order_by(cases.c.id)))
    if only is not None:
        ids = [case_id for case_id in ids if case_id in set(only)]
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        counted = connection.execute(
            sa.select(revisions.c.case_id, revisions.c.child_id, sa.func.count())
            .where(revisions.c.case_id.in_(batch))
            .group_by(revisions.c.case_id, revisions.c.child_id)
        ).all()
        numbers = {(case_id, child_id): count for case_id, child_id, count in counted}
        kept = {
            row.id: Case(**{name: _or_empty(name, getattr(row, name)) for name in CASE_COLUMNS}, children=[])
            for row in connection.execute(sa.select(cases).where(cases.c.id.in_(batch)))
        }
        rows = connection.execute(
            sa.select(children).where(children.c.case_id.in_(batch)).order_by(children.c.position)
        )
        for row in rows:
            child = Child(
                id=row.id,
                key=row.key,
                position=row.position,
                answers=row.answers,
                decisions=row.decisions or [],
            )
            child.review_steps, child.stage = row.review or {}, row.stage
            kept[row.case_id].children.append(child)
        values = []
        for case in kept.values():
            for child in case.children:
                revision = numbers.get((case.id, None), 0) + numbers.get((case.id, child.id), 0)
                computed = compute(form, case, child, revision)
                computed.update(child_id=child.id, case_id=case.id, form_hash=stamp, computed_at=at)
                values.append(computed)
        if values:
            connection.execute(summaries.insert(), values)


def _or_empty(name: str, value):
    """A case's column as the app would give it: an empty list or dict where none was stored."""
    if value is not None or name in ("id", "reference", "team_id", "restriction"):
        return value
    return {} if name == "household" else []


def downgrade() -> None:
    op.drop_table("assessment_summaries")
