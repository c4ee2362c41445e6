"""A meeting's history as a list, and undo: each kind of entry (`edits.history.KINDS`) is put
back by the module of its subject, only when what it changed is still as it left it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gijiroku import audit, workflow
from gijiroku.edits import (
    corrections,
    facts,
    marks,
    minutes,
    people,
    record,
    speakers,
    transcript,
)
from gijiroku.edits.history import undoable
from gijiroku.errors import EditConflictError, EditError, NotFoundError
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import EditRow, MeetingRow, utcnow

#: Who puts back each kind of entry (`edits.history.KINDS` says which kinds can be undone).
UNDO: dict[str, Callable[[Session, MeetingRow, EditRow], None]] = {
    "segment": transcript.undo_segment,
    "lines": transcript.undo_lines,
    "speaker": speakers.undo_rename,
    "speakers": speakers.undo_speakers,
    "person": people.undo_person,
    "mark": marks.undo_mark,
    "dictionary": corrections.undo_line,
    "meeting": facts.undo_facts,
    "record": record.undo_record,
    "decisions": minutes.undo_item,
    "action_items": minutes.undo_item,
}


def history_of(engine: Engine, meeting_id: str) -> list[EditRow]:
    """The meeting's history, oldest first."""
    with session_scope(engine) as session:
        repository.get_meeting_row(session, meeting_id)
        return list(session.exec(
            select(EditRow).where(EditRow.meeting_id == meeting_id).order_by(col(EditRow.id))
        ).all())


def undo(engine: Engine, meeting_id: str, edit_id: int) -> EditRow:
    """Put back what an edit replaced, if nothing has changed it again since."""
    with session_scope(engine) as session:
        edit = session.get(EditRow, edit_id)
        if edit is None or edit.meeting_id != meeting_id:
            raise NotFoundError(f"No edit {edit_id} in meeting {meeting_id!r}.")
        if edit.undone_at is not None:
            raise EditConflictError(f"Edit {edit_id} was already undone.")
        if not undoable(edit):
            raise EditError(f"Edits of kind {edit.kind!r} cannot be undone"
                            + (" (made before items had their own ids)."
                               if edit.kind in minutes.MINUTES_LISTS else "."))
        meeting = repository.get_meeting_row(session, meeting_id)
        workflow.check_unlocked(session, meeting_id)
        UNDO[edit.kind](session, meeting, edit)
        audit.append(session, "undo", "meeting", meeting_id, {"edit": edit_id,
                                                               "kind": edit.kind})
        edit.undone_at = utcnow()
        session.add(edit)
        repository.update_meeting(session, meeting_id)  # bumps updated_at
        return edit


def edited_segments(engine: Engine, meeting_id: str) -> int:
    """How many lines a person changed (a diarization re-run asks before replacing them)."""
    with session_scope(engine) as session:
        return repository.edited_segments(session, meeting_id)


__all__ = ["edited_segments", "history_of", "undo"]
