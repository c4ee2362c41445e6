"""marks on the transcript (取消し, 秘密会, 個人情報) and dismissed suggestions

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _meeting() -> sa.Column:
    return sa.Column("meeting_id", sa.String(32),
                     sa.ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "mark",
        sa.Column("id", sa.Integer(), primary_key=True),
        _meeting(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("last_segment", sa.Integer(), nullable=True),
        sa.Column("permitted_by", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lost", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_mark_meeting_id", "mark", ["meeting_id"])
    op.create_table(
        "dismissal",
        sa.Column("id", sa.Integer(), primary_key=True),
        _meeting(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_dismissal_meeting_id", "dismissal", ["meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_dismissal_meeting_id", "dismissal")
    op.drop_table("dismissal")
    op.drop_index("ix_mark_meeting_id", "mark")
    op.drop_table("mark")
