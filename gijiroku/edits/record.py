"""The council's record of a meeting (`gijiroku.council.record`) changed by a person: body,
session, attendance, signing members, how speakers are headed, and the proceedings as
corrected. One history entry holds what each field was; undo puts it back. Naming the body
fills what the person left empty (members, officials, staff, chair, style) from that body's
last meeting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gijiroku import roster
from gijiroku.council.proceedings import Proceedings
from gijiroku.council.record import Record, checked_record, proceedings_of
from gijiroku.council.seibun import suggest
from gijiroku.edits.history import record as record_entry
from gijiroku.errors import EditConflictError
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import EditRow, MeetingRow


def meeting_record(engine: Engine, meeting_id: str) -> Record:
    """The record as a person gave it; members present and officials not given yet come
    from the meeting's roster."""
    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, meeting_id)
        options = repository.options_of(row)
        return roster.with_attendance(Record.stored(row.record), session, options.roster,
                                      options.date)


def meeting_proceedings(engine: Engine, meeting_id: str) -> tuple[Proceedings, bool]:
    """The proceedings (as corrected, else recognised from the transcript as it stands) and
    whether a person corrected them."""
    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, meeting_id)
        options = repository.options_of(row)
        segments = repository.load_meeting(session, meeting_id, with_words=False).segments
        return proceedings_of(Record.stored(row.record), segments, options.start_time,
                              options.date)


def correct_proceedings(engine: Engine, meeting_id: str,
                        lists: dict[str, Any] | None) -> EditRow | None:
    """The proceedings as a person corrected them: each of `agenda`, `votes`, `events` given
    replaces that list, the others stay as they are now; None drops every correction (they
    are recognised from the transcript again). One history entry."""
    if lists is None:
        return edit_record(engine, meeting_id, {"proceedings": None})
    current, _ = meeting_proceedings(engine, meeting_id)
    corrected = {name: lists.get(name, entries)
                 for name, entries in current.to_dict().items()}
    return edit_record(engine, meeting_id, {"proceedings": corrected})


def tidy_suggestions(engine: Engine, meeting_id: str) -> list[dict[str, Any]]:
    """整文 suggestions for a Japanese meeting's lines (a word said twice, a false start), one
    per line that has any, with the line's version to send back when one is accepted."""
    with session_scope(engine) as session:
        meeting = repository.load_meeting(session, meeting_id, with_words=False)
    if not (meeting.language or "").startswith("ja"):
        return []
    found = []
    for line in meeting.segments:
        suggestion = None if line.gap else suggest(line.text)
        if suggestion:
            found.append({"segment": line.id, "version": line.version, "text": line.text,
                          "proposed": suggestion.proposed, "kinds": list(suggestion.kinds)})
    return found


def edit_record(engine: Engine, meeting_id: str, changes: dict[str, Any]) -> EditRow | None:
    """Change fields of the record (one history entry); None when nothing changed.
    `proceedings` replaces the proceedings as a whole (None: recognised again)."""
    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, meeting_id)
        lines = {s.id for s in repository.load_meeting(session, meeting_id,
                                                       with_words=False).segments
                 if s.id is not None}
        checked = checked_record(changes, lines)
        current = Record.stored(row.record).to_stored()
        was = {name: current.get(name) for name in checked}
        changed = {name: value for name, value in checked.items()
                   if Record.stored({name: value}).to_stored().get(name) != was[name]}
        if not changed:
            return None
        if changed.get("body"):
            for name, value in _from_before(session, meeting_id, changed["body"]).items():
                if name not in checked and not current.get(name):
                    was[name], changed[name] = current.get(name), value
        _write(row, {**current, **changed})
        session.add(row)
        return record_entry(session, meeting_id, "record", "",
                            {name: was[name] for name in changed}, changed)


#: What a body's next meeting starts from: the same members, officials, staff, chair and
#: house style as its last one (a clerk changes who was absent, not the whole list).
CARRIED_OVER = ("present", "absent", "officials", "staff", "chair", "style")


def _from_before(session: Session, meeting_id: str, body: str) -> dict[str, Any]:
    """The record's details of the body's most recent other meeting, as defaults."""
    rows = session.exec(
        select(MeetingRow).where(MeetingRow.id != meeting_id,
                                 col(MeetingRow.record).is_not(None))
        .order_by(col(MeetingRow.created_at).desc()).limit(500)).all()
    for other in rows:
        stored = Record.stored(other.record).to_stored()
        if stored.get("body") == body:
            return {name: stored[name] for name in CARRIED_OVER if stored.get(name)}
    return {}


def _write(row: MeetingRow, data: dict[str, Any]) -> None:
    row.record = Record.stored({k: v for k, v in data.items() if v is not None}).to_stored()


def undo_record(session: Session, meeting: MeetingRow, edit: EditRow) -> None:
    """Undo an entry of kind `record`, if the fields it changed are still as it left them."""
    current = Record.stored(meeting.record).to_stored()
    after = Record.stored(edit.after).to_stored()
    if any(current.get(name) != after.get(name) for name in edit.after):
        raise EditConflictError(
            "This was changed again after that edit; undo the later edit first.")
    _write(meeting, {**current, **(edit.before or {})})


__all__ = ["correct_proceedings", "edit_record", "meeting_proceedings", "meeting_record",
           "tidy_suggestions", "undo_record"]
