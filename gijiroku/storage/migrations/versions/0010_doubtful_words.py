"""words a proofreader should check marked as doubtful

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("word") as batch:
        batch.add_column(sa.Column("doubtful", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    # words stored before: Whisper's probability was the only sign, as the page used it
    op.execute("UPDATE word SET doubtful = (probability < 0.5)")


def downgrade() -> None:
    with op.batch_alter_table("word") as batch:
        batch.drop_column("doubtful")
