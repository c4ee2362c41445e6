"""sign-in sessions kept on the server, so logging out or changing the token ends them; the
error code of a watched-folder file, for its reason in the page's language

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(length=64), primary_key=True),
        sa.Column("token_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_session_expires_at", "web_session", ["expires_at"])
    with op.batch_alter_table("watched_file") as batch:
        batch.add_column(sa.Column("error_code", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("watched_file") as batch:
        batch.drop_column("error_code")
    op.drop_index("ix_web_session_expires_at", table_name="web_session")
    op.drop_table("web_session")
