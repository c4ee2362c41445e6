"""Marks on both databases: set, followed through line surgery, removed and brought back by
undo (the row put back with its own id)."""

from pathlib import Path

from sqlalchemy import Engine

from gijiroku import edits
from gijiroku.storage import repository, session_scope
from tests.seed import seed_meeting


def test_marks_follow_lines_and_come_back_by_undo(db: Engine, tmp_path: Path) -> None:
    meeting = seed_meeting(db, tmp_path)
    mark = edits.add_mark(db, meeting, kind="personal", category="name", segment=2,
                          start=0, end=3)  # 図書館
    closed = edits.add_mark(db, meeting, kind="closed", segment=4, last_segment=5)
    edits.merge_with_next(db, meeting, 2)  # line 3 joins line 2: the mark stays
    edits.split_line(db, meeting, 4, 5)
    with session_scope(db) as session:
        marks = {m.id: m for m in repository.load_marks(session, meeting)}
    assert (marks[mark.id].segment, marks[mark.id].text) == (2, "図書館")
    assert marks[closed.id].last_segment == 5 and not marks[closed.id].lost
    edits.remove_mark(db, meeting, mark.id)
    edits.undo(db, meeting, edits.history_of(db, meeting)[-1].id or 0)
    again = edits.add_mark(db, meeting, kind="withdrawn", segment=1)  # ids go on
    with session_scope(db) as session:
        ids = [m.id for m in repository.load_marks(session, meeting)]
    assert mark.id in ids and again.id not in (mark.id, closed.id)
