"""Marks set by a person: a withdrawn remark (取消し), a closed session (秘密会) or personal
information (個人情報) on the transcript, each one entry of the history that undo takes back;
suggested marks dismissed so that they are not suggested again.

Where marks go when lines change is `gijiroku.marks`; what they do to a copy is
`gijiroku.copies`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from gijiroku import limits
from gijiroku.domain import Mark
from gijiroku.edits import line
from gijiroku.edits.history import record
from gijiroku.errors import EditConflictError, InvalidInputError, NotFoundError
from gijiroku.limits import checked_text
from gijiroku.marks import CATEGORIES, KINDS, Lines, covered_text, pieces
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import DismissalRow, MarkRow, MeetingRow

NOTE = 500


def _invalid(message: str, field: str, value: Any = None) -> InvalidInputError:
    return InvalidInputError(message, code="invalid_mark", field=field, value=value)


def add_mark(engine: Engine, meeting_id: str, *, kind: str, segment: int,
             start: int | None = None, end: int | None = None,
             last_segment: int | None = None, category: str | None = None,
             note: str = "", permitted_by: int | None = None) -> Mark:
    """Mark characters `start`..`end` of line `segment` (the whole line when neither is
    given), or lines `segment`..`last_segment`; one entry of the history."""
    if kind not in KINDS:
        raise _invalid(f"kind is one of {', '.join(KINDS)}.", "kind", kind)
    if kind == "personal":
        category = category or "other"
        if category not in CATEGORIES:
            raise _invalid(f"category is one of {', '.join(CATEGORIES)}.", "category",
                           category)
    else:
        category = ""
    note = checked_text(note or "", "note", NOTE).strip()
    with session_scope(engine) as session:
        repository.get_meeting_row(session, meeting_id)
        rows = line.ordered(session, meeting_id)
        lines = Lines.of((row.number, row.text) for row in rows)
        texts = lines.texts
        first = line.index_of(rows, segment)
        last_number = last_segment if last_segment is not None else segment
        if line.index_of(rows, last_number) < first:
            raise _invalid("The range ends before it starts.", "last_segment_id",
                           last_segment)
        if kind == "closed":  # a closed session is whole lines
            start = end = None
        for name, value, length in (("start", start, len(texts[segment])),
                                    ("end", end, len(texts[last_number]))):
            if value is not None and not 0 <= value <= length:
                raise _invalid(f"{name} is a character of the line (0 to {length}).", name,
                               value)
        if last_number == segment and start is not None and end is not None and end <= start:
            raise _invalid("end comes after start.", "end", end)
        if permitted_by is not None:
            line.index_of(rows, permitted_by)
        mark = Mark(id=0, kind=kind, segment=segment, start=start, end=end,  # type: ignore[arg-type]
                    last_segment=last_segment if last_number != segment else None,
                    category=category, note=note, permitted_by=permitted_by)
        found = pieces(mark, lines)
        if not found:
            raise _invalid("The mark covers no text.", "end", end)
        mark.text = covered_text(found, texts)
        row = MarkRow(meeting_id=meeting_id, **_columns(mark))
        session.add(row)
        session.flush()
        mark.id = row.id or 0
        record(session, meeting_id, "mark", str(mark.id), None, asdict(mark))
        return mark


def _columns(mark: Mark) -> dict[str, Any]:
    values = asdict(mark)
    values.pop("id")
    return values


def remove_mark(engine: Engine, meeting_id: str, mark_id: int) -> Mark:
    with session_scope(engine) as session:
        row = session.get(MarkRow, mark_id)
        if row is None or row.meeting_id != meeting_id:
            raise NotFoundError(f"No mark {mark_id} in this meeting.", code="mark_not_found",
                                value=mark_id)
        mark = repository.mark_of(row)
        session.delete(row)
        record(session, meeting_id, "mark", str(mark_id), asdict(mark), None)
        return mark


def undo_mark(session: Session, meeting: MeetingRow, edit: Any) -> None:
    """Undo an entry of kind `mark`: a mark set is taken away, a mark removed comes back."""
    if edit.after is not None:  # set: take it away (as it is now: it followed its text)
        row = session.get(MarkRow, int(edit.target))
        if row is not None and row.meeting_id == meeting.id:
            session.delete(row)
        return
    was = dict(edit.before)
    if session.get(MarkRow, int(was["id"])) is not None:
        raise EditConflictError("That mark is there already.")
    session.add(MarkRow(meeting_id=meeting.id, id=int(was.pop("id")), **was))
    session.flush()
    # the lines may have changed since: the mark is placed as it was, and lost when its
    # text is no longer there
    rows = line.ordered(session, meeting.id)
    lines = Lines.of((row.number, row.text) for row in rows)
    restored = session.get(MarkRow, int(edit.target))
    if restored is not None and restored.segment in lines.texts:
        mark = repository.mark_of(restored)
        now = covered_text(pieces(mark, lines), lines.texts)
        restored.lost = restored.lost or now != restored.text
        session.add(restored)


def dismiss(engine: Engine, meeting_id: str, *, kind: str, segment: int, text: str,
            category: str = "") -> None:
    """A suggestion a person turned down: not suggested again for that line's text."""
    text = checked_text(text, "text", limits.LINE)
    with session_scope(engine) as session:
        repository.get_meeting_row(session, meeting_id)
        exists = session.exec(select(DismissalRow).where(
            DismissalRow.meeting_id == meeting_id, DismissalRow.kind == kind,
            DismissalRow.segment == segment, DismissalRow.text == text,
            DismissalRow.category == category)).first()
        if exists is None:
            session.add(DismissalRow(meeting_id=meeting_id, kind=kind, segment=segment,
                                     text=text, category=category))


def dismissed(session: Session, meeting_id: str) -> set[tuple[str, str, int, str]]:
    """(kind, category, line, text) of every dismissed suggestion of the meeting."""
    return {(row.kind, row.category, row.segment, row.text) for row in session.exec(
        select(DismissalRow).where(DismissalRow.meeting_id == meeting_id))}


__all__ = ["add_mark", "dismiss", "dismissed", "remove_mark", "undo_mark"]
