"""the roster (名簿): people, rosters, memberships, voiceprints; speakers tied to people

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("reading", sa.String(200), nullable=False),
        sa.Column("affiliation", sa.String(200), nullable=False),
        sa.Column("active_from", sa.String(10), nullable=True),
        sa.Column("active_to", sa.String(10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "roster",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "membership",
        sa.Column("roster_id", sa.Integer(),
                  sa.ForeignKey("roster.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("person_id", sa.Integer(),
                  sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(100), nullable=False),
    )
    op.create_table(
        "voiceprint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(),
                  sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("vector", sa.JSON(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("meeting_id", sa.String(32), nullable=True),
        sa.Column("speaker_key", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_voiceprint_person_id", "voiceprint", ["person_id"])
    with op.batch_alter_table("speaker") as batch:
        batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("confirmed", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("suggestion_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("suggestion_score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("voice", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("voice_model", sa.String(200), nullable=True))
        batch.add_column(sa.Column("voice_seconds", sa.Float(), nullable=True))
        batch.create_foreign_key("fk_speaker_person_id_person", "person", ["person_id"], ["id"],
                                 ondelete="SET NULL")
        batch.create_foreign_key("fk_speaker_suggestion_id_person", "person",
                                 ["suggestion_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("speaker") as batch:
        batch.drop_constraint("fk_speaker_suggestion_id_person", type_="foreignkey")
        batch.drop_constraint("fk_speaker_person_id_person", type_="foreignkey")
        for column in ("voice_seconds", "voice_model", "voice", "suggestion_score",
                       "suggestion_id", "confirmed", "person_id"):
            batch.drop_column(column)
    op.drop_index("ix_voiceprint_person_id", "voiceprint")
    for table in ("voiceprint", "membership", "roster", "person"):
        op.drop_table(table)
