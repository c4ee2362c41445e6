"""decisions and action items as rows with stable ids; the author of each history entry;
the highest line number each meeting has given; a word's text without a length limit

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

KINDS = ("decisions", "action_items")


def upgrade() -> None:
    items = op.create_table(
        "minutes_item",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("meeting_id", sa.String(32),
                  sa.ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("due", sa.String(200), nullable=True),
        sa.Column("due_date", sa.String(10), nullable=True),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("edited", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
    )
    op.create_index("ix_minutes_item_meeting_id", "minutes_item", ["meeting_id"])
    with op.batch_alter_table("edit") as batch:
        batch.add_column(sa.Column("author", sa.String(200), nullable=True))
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("last_line", sa.Integer(), nullable=False,
                                   server_default=sa.text("0")))
    op.execute("UPDATE meeting SET last_line = (SELECT COALESCE(MAX(number), 0) FROM segment "
               "WHERE segment.meeting_id = meeting.id)")
    # a replacement shared out over a line's words can make one word longer than 200
    with op.batch_alter_table("word") as batch:
        batch.alter_column("text", type_=sa.Text(), existing_type=sa.String(200),
                           existing_nullable=False)
    # the items stored inside each meeting's minutes move to rows (each gets an id)
    connection = op.get_bind()
    meeting = sa.table("meeting", sa.column("id", sa.String), sa.column("minutes", sa.JSON))
    for meeting_id, minutes in connection.execute(
            sa.select(meeting.c.id, meeting.c.minutes)).all():
        if not minutes or not any(minutes.get(kind) for kind in KINDS):
            continue
        rows = []
        for kind in KINDS:
            for position, item in enumerate(minutes.get(kind) or []):
                rows.append({
                    "id": uuid.uuid4().hex[:12], "meeting_id": meeting_id, "kind": kind,
                    "position": position,
                    "text": str(item.get("text") if kind == "decisions" else item.get("task")),
                    "owner": item.get("owner"), "due": item.get("due"),
                    "due_date": item.get("due_date"),
                    "segments": [int(n) for n in item.get("segments") or []],
                    "flagged": bool(item.get("flagged")), "edited": bool(item.get("edited")),
                    "version": int(item.get("version") or 1)})
        op.bulk_insert(items, rows)
        rest = {k: v for k, v in minutes.items() if k not in KINDS}
        connection.execute(meeting.update().where(meeting.c.id == meeting_id)
                           .values(minutes=rest))


def downgrade() -> None:
    connection = op.get_bind()
    meeting = sa.table("meeting", sa.column("id", sa.String), sa.column("minutes", sa.JSON))
    item = sa.table("minutes_item", *(sa.column(n) for n in (
        "meeting_id", "kind", "position", "text", "owner", "due", "due_date", "version")),
        sa.column("segments", sa.JSON), sa.column("flagged", sa.Boolean),
        sa.column("edited", sa.Boolean))
    lists: dict[str, dict[str, list[dict]]] = {}
    for row in connection.execute(sa.select(item).order_by(item.c.position)).mappings():
        stored = {"segments": list(row["segments"]), "flagged": bool(row["flagged"]),
                  "edited": bool(row["edited"]), "version": int(row["version"])}
        if row["kind"] == "decisions":
            stored["text"] = row["text"]
        else:
            stored.update(task=row["text"], owner=row["owner"], due=row["due"],
                          due_date=row["due_date"])
        lists.setdefault(row["meeting_id"], {k: [] for k in KINDS})[row["kind"]].append(stored)
    for meeting_id, found in lists.items():
        minutes = connection.execute(sa.select(meeting.c.minutes).where(
            meeting.c.id == meeting_id)).scalar() or {}
        connection.execute(meeting.update().where(meeting.c.id == meeting_id)
                           .values(minutes={**minutes, **found}))
    with op.batch_alter_table("word") as batch:
        batch.alter_column("text", type_=sa.String(200), existing_type=sa.Text(),
                           existing_nullable=False)
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("last_line")
    with op.batch_alter_table("edit") as batch:
        batch.drop_column("author")
    op.drop_index("ix_minutes_item_meeting_id", "minutes_item")
    op.drop_table("minutes_item")
