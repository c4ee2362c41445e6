"""full-text search: each line's index terms, and the database's index over them

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

SQLite: an FTS5 table over segment.terms, kept current by triggers. PostgreSQL: a stored
tsvector of the terms with a GIN index. The terms of the lines already stored are computed
here, a batch at a time (`gijiroku.terms.index_terms`, the function used for every line
written afterwards), each with its meeting's section term.
"""

import sqlalchemy as sa
from alembic import op

from gijiroku.terms import index_terms

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

BATCH = 5000

SQLITE = [
    "CREATE VIRTUAL TABLE segment_fts USING fts5(terms, content='segment', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER segment_fts_insert AFTER INSERT ON segment BEGIN "
    "INSERT INTO segment_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER segment_fts_delete AFTER DELETE ON segment BEGIN "
    "INSERT INTO segment_fts(segment_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
    "END",
    "CREATE TRIGGER segment_fts_update AFTER UPDATE OF terms ON segment BEGIN "
    "INSERT INTO segment_fts(segment_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
    "INSERT INTO segment_fts(rowid, terms) VALUES (new.id, new.terms); END",
]


def upgrade() -> None:
    with op.batch_alter_table("segment") as table:
        table.add_column(sa.Column("terms", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    last = 0
    while True:  # the lines stored so far, a batch at a time
        rows = bind.execute(sa.text(
            "SELECT s.id, s.text, m.section_id FROM segment s JOIN meeting m "
            "ON m.id = s.meeting_id WHERE s.id > :last ORDER BY s.id LIMIT :batch"),
            {"last": last, "batch": BATCH}).all()
        if not rows:
            break
        bind.execute(sa.text("UPDATE segment SET terms = :terms WHERE id = :id"),
                     [{"id": row.id, "terms": index_terms(row.text, row.section_id)}
                      for row in rows])
        last = rows[-1].id
    if bind.dialect.name == "sqlite":
        for statement in SQLITE:
            op.execute(statement)
        op.execute("INSERT INTO segment_fts(segment_fts) VALUES ('rebuild')")
    else:
        op.execute("ALTER TABLE segment ADD COLUMN terms_vector tsvector GENERATED ALWAYS AS "
                   "(to_tsvector('simple', terms)) STORED")
        op.execute("CREATE INDEX segment_terms_gin ON segment USING gin (terms_vector)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("segment_fts_insert", "segment_fts_delete", "segment_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS segment_fts")
    else:
        op.execute("DROP INDEX IF EXISTS segment_terms_gin")
        op.execute("ALTER TABLE segment DROP COLUMN IF EXISTS terms_vector")
    with op.batch_alter_table("segment") as table:
        table.drop_column("terms")
