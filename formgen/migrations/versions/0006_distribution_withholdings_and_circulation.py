"""Each case's distribution list, the answers withheld from named recipients, and the circulation log

Revision ID: 0006
Revises: 0005

All three are kept as the case file holds them (formgen.engine.distribution), empty for every
existing case: nobody is on a distribution list until someone puts them there.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = ("distribution", "withheld", "circulation")


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
