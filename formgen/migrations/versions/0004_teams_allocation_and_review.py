"""Teams; cases allocated to a worker and a team; each assessment's review, and the manager's decisions

Revision ID: 0004
Revises: 0003

The answers saved before this revision typed the approver, the authorisation date and each manager's
name and date; they become records of who and when, as `formgen import` converts a format 2 case file.
"""

import json

import sqlalchemy as sa
from alembic import op

# The case file's own conversion, so that a database and an exported file of the same era convert
# alike; each step is frozen once released (engine/case_formats.py).
from formgen.engine.case_formats import STEPS
from formgen.engine.review import Review

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LIST = sa.text("'[]'")


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
        batch.create_foreign_key("fk_users_team_id_teams", "teams", ["team_id"], ["id"])
        batch.create_index("ix_users_team_id", ["team_id"])
    with op.batch_alter_table("cases") as batch:
        batch.alter_column(
            "owner_id", new_column_name="worker_id", existing_type=sa.Integer(), nullable=False
        )
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        for name in ("allocations", "decisions", "plan_reviews"):
            batch.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default=LIST))
        batch.create_foreign_key("fk_cases_team_id_teams", "teams", ["team_id"], ["id"])
    with op.batch_alter_table("cases") as batch:  # a column renamed in a batch is indexed in the next
        batch.create_index("ix_cases_worker_id", ["worker_id"])
        batch.create_index("ix_cases_team_id", ["team_id"])
    with op.batch_alter_table("children") as batch:
        batch.add_column(sa.Column("review", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch.add_column(sa.Column("stage", sa.String(length=32), nullable=False, server_default="draft"))
        batch.add_column(sa.Column("decisions", sa.JSON(), nullable=False, server_default=LIST))
        batch.create_index("ix_children_stage", ["stage"])
    _convert_saved_answers()


def _convert_saved_answers() -> None:
    """Each case through the case file's own step from format 2 to 3, written back where it now lives."""
    connection = op.get_bind()
    cases = connection.execute(sa.text("SELECT id, reference, household, worker_id FROM cases")).all()
    for case_id, reference, household, worker_id in cases:
        children = connection.execute(
            sa.text("SELECT id, key, answers FROM children WHERE case_id = :case"), {"case": case_id}
        ).all()
        old = {
            "format": "formgen-case/2",
            "reference": reference,
            "household": _loaded(household),
            "children": [{"id": key, "answers": _loaded(answers)} for _, key, answers in children],
        }
        new = STEPS[2](old)
        worker = connection.execute(
            sa.text("SELECT name, email FROM users WHERE id = :id"), {"id": worker_id}
        ).one()
        allocation = {"worker": {"name": worker.name, "email": worker.email}, "team": "No team"}
        connection.execute(
            sa.text("UPDATE cases SET household = :household, decisions = :decisions,"
                    " allocations = :allocations WHERE id = :id"),
            {"household": json.dumps(new["household"]), "decisions": json.dumps(new["decisions"]),
             "allocations": json.dumps([allocation]), "id": case_id},
        )  # fmt: skip
        for (child_id, _, _), record in zip(children, new["children"], strict=True):
            review = record["review"]
            stage = Review.model_validate(review).stage.value  # and refuse, by name, what cannot be read
            connection.execute(
                sa.text("UPDATE children SET answers = :answers, review = :review, stage = :stage,"
                        " decisions = :decisions WHERE id = :id"),
                {"answers": json.dumps(record["answers"]), "review": json.dumps(review), "stage": stage,
                 "decisions": json.dumps(record["decisions"]), "id": child_id},
            )  # fmt: skip


def _loaded(value: object) -> dict:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def downgrade() -> None:
    # The typed approvers and dates that upgrade() turned into records are not typed back.
    with op.batch_alter_table("children") as batch:
        batch.drop_index("ix_children_stage")
        for name in ("decisions", "stage", "review"):
            batch.drop_column(name)
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_team_id")
        batch.drop_index("ix_cases_worker_id")
        batch.drop_constraint("fk_cases_team_id_teams", type_="foreignkey")
        for name in ("plan_reviews", "decisions", "allocations", "team_id"):
            batch.drop_column(name)
        batch.alter_column(
            "worker_id", new_column_name="owner_id", existing_type=sa.Integer(), nullable=False
        )
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_team_id")
        batch.drop_constraint("fk_users_team_id_teams", type_="foreignkey")
        batch.drop_column("phone")
        batch.drop_column("team_id")
    op.drop_table("teams")
