"""accounts, sections, API keys, the meetings' section and workflow state, the audit log

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "section",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        _created(),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        _created(),
    )
    op.create_table(
        "section_member",
        sa.Column("account_id", sa.Integer(),
                  sa.ForeignKey("account.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("section_id", sa.Integer(),
                  sa.ForeignKey("section.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(),
                  sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        _created(),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_api_key_account_id", "api_key", ["account_id"])
    op.create_table(
        "state_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.String(32),
                  sa.ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False),
        sa.Column("from_state", sa.String(20), nullable=False),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("comment", sa.String(2000), nullable=False),
        _created(),
    )
    op.create_index("ix_state_change_meeting_id", "state_change", ["meeting_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("previous", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    with op.batch_alter_table("web_session") as batch:
        batch.add_column(sa.Column("account", sa.String(200), nullable=True))
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("section_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("state", sa.String(20), nullable=False,
                                   server_default="draft"))
        batch.create_foreign_key("fk_meeting_section_id_section", "section", ["section_id"],
                                 ["id"], ondelete="SET NULL")
        batch.create_index("ix_meeting_section_id", ["section_id"])


def downgrade() -> None:
    with op.batch_alter_table("web_session") as batch:
        batch.drop_column("account")
    with op.batch_alter_table("meeting") as batch:
        batch.drop_index("ix_meeting_section_id")
        batch.drop_constraint("fk_meeting_section_id_section", type_="foreignkey")
        batch.drop_column("state")
        batch.drop_column("section_id")
    op.drop_index("ix_audit_at", "audit")
    op.drop_table("audit")
    op.drop_index("ix_state_change_meeting_id", "state_change")
    op.drop_table("state_change")
    op.drop_index("ix_api_key_account_id", "api_key")
    op.drop_table("api_key")
    op.drop_table("section_member")
    op.drop_table("account")
    op.drop_table("section")
