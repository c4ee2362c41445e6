"""a version on each transcript line, for saves made over someone else's change

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("segment") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False,
                                   server_default=sa.text("1")))


def downgrade() -> None:
    with op.batch_alter_table("segment") as batch:
        batch.drop_column("version")
