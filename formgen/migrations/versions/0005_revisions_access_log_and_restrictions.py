"""Revisions of every save; an append-only access log; restricted cases; accounts that can be deactivated

Revision ID: 0005
Revises: 0004

The log's tables refuse UPDATE and DELETE in the database itself (and TRUNCATE on PostgreSQL), so no
code path, ours or a console's, can rewrite who saw a child's record. The answers saved before this
revision become each record's first revision, by nobody, "saved before history was kept".
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LOG_TABLES = ("access_events", "accessed_children")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default="1"))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("restriction", sa.JSON(), nullable=True))
    op.create_table(
        "case_access",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("case_id", "user_id"),
    )
    op.create_index("ix_case_access_user_id", "case_access", ["user_id"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_revisions_case_id", "revisions", ["case_id"])
    op.create_index("ix_revisions_child_id", "revisions", ["child_id"])
    op.create_table(
        "access_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("case_reference", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_access_events_at", "access_events", ["at"])
    op.create_index("ix_access_events_user_id", "access_events", ["user_id"])
    op.create_index("ix_access_events_case_id", "access_events", ["case_id"])
    op.create_table(
        "accessed_children",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["access_events.id"]),
        sa.PrimaryKeyConstraint("event_id", "child_id"),
    )
    op.create_index("ix_accessed_children_child_id", "accessed_children", ["child_id"])
    _append_only()
    _first_revisions()


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION formgen_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN RAISE EXCEPTION '% is append-only: its rows cannot be changed or deleted',"
            " TG_TABLE_NAME; END $$"
        )
        for table in LOG_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION formgen_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION formgen_append_only()"
            )
        return
    for table in LOG_TABLES:
        for statement in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{statement.lower()} BEFORE {statement} ON {table} BEGIN"
                f" SELECT RAISE(ABORT, '{table} is append-only: its rows cannot be changed or deleted');"
                " END"
            )


def _first_revisions() -> None:
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "INSERT INTO revisions (case_id, child_id, version, author_id, kind, saved_at, answers)"
            " SELECT id, NULL, version, NULL, 'before_history', updated_at, household FROM cases"
        )
    )
    connection.execute(
        sa.text(
            "INSERT INTO revisions (case_id, child_id, version, author_id, kind, saved_at, answers)"
            " SELECT children.case_id, children.id, children.version, NULL, 'before_history',"
            " cases.updated_at, children.answers FROM children JOIN cases ON cases.id = children.case_id"
        )
    )


def downgrade() -> None:
    # The log goes with its tables: a downgrade is an administrator's deliberate act.
    if op.get_bind().dialect.name == "postgresql":
        for table in LOG_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION formgen_append_only()")
    op.drop_table("accessed_children")
    op.drop_table("access_events")
    op.drop_table("revisions")
    op.drop_table("case_access")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("restriction")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("active")
