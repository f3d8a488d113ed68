"""Interpreters' translations of what the practitioner wrote, kept with each case

Revision ID: 0010
Revises: 0009

As the case file holds them (formgen.engine.distribution.Interpretation), empty for every existing
case: nothing has been translated by an interpreter until someone enters it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("interpretations", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("interpretations")
