"""speech left without text marked on its line (gap), and how many stretches of a meeting
were decoded again

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("segment") as batch:
        batch.add_column(sa.Column("gap", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("redecoded", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("redecoded")
    with op.batch_alter_table("segment") as batch:
        batch.drop_column("gap")
