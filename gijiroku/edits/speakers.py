"""The meeting's speakers as a proofreader changes them: name one, add one the diarizer
missed, merge two that are one person, give a range of lines to one. Each change is one
entry of the history; a merge keeps every line it gave to the other speaker (`edits.line`)
so undo brings the speaker and their lines back.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gijiroku import limits
from gijiroku.edits import line
from gijiroku.edits.history import record
from gijiroku.errors import EditConflictError, EditError, NotFoundError
from gijiroku.limits import checked_text
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import EditRow, MeetingRow, SegmentRow, SpeakerRow, WordRow


def rename_speaker(
    engine: Engine, meeting_id: str, speaker_id: str, name: str | None
) -> EditRow | None:
    """Name a speaker; the name shows on every line of theirs."""
    name = checked_text(name, "name", limits.NAME, one_line=True) or None
    with session_scope(engine) as session:
        repository.get_meeting_row(session, meeting_id)
        before, after = repository.rename_speaker(session, meeting_id, speaker_id, name)
        if before == after:
            return None
        return record(session, meeting_id, "speaker", speaker_id, before, after)


def speaker_keys(session: Session, meeting_id: str) -> list[str]:
    return list(session.exec(select(SpeakerRow.key).where(
        SpeakerRow.meeting_id == meeting_id).order_by(col(SpeakerRow.id))).all())


def known_speaker(session: Session, meeting_id: str, speaker: str | None) -> None:
    """Refuse a speaker the meeting does not have (None: no speaker, allowed)."""
    if speaker is not None and speaker not in speaker_keys(session, meeting_id):
        keys = ", ".join(speaker_keys(session, meeting_id)) or "none"
        raise EditError(f"No speaker {speaker!r} in this meeting (known: {keys}).")


def set_speaker(engine: Engine, meeting_id: str, first: int, last: int,
                speaker: str) -> EditRow:
    """Lines `first` to `last` (in time order, both included) are said by `speaker`."""
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        known_speaker(session, meeting_id, speaker)
        rows = line.ordered(session, meeting_id)
        a, b = sorted((line.index_of(rows, first), line.index_of(rows, last)))
        before = line.snapshots(session, rows[a:b + 1])
        after = [line.Line(**{**s, "speaker": speaker, "edited": True,
                              "words": [w._replace(speaker=speaker) for w in s["words"]]})
                 for s in before]
        line.write(session, meeting_id, after, [])
        return record(session, meeting.id, "lines", "speaker",
                      {"lines": before, "minutes": None}, {"lines": after, "minutes": None})


def add_speaker(engine: Engine, meeting_id: str, name: str | None = None) -> EditRow:
    """A speaker the diarizer missed (next free id, S4 after S3), to give lines to."""
    cleaned = checked_text(name, "name", limits.NAME, one_line=True)
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        # never an id a merged-away speaker had: undoing that merge brings it back
        merged = session.exec(select(EditRow.before).where(
            EditRow.meeting_id == meeting_id, EditRow.kind == "speakers",
            EditRow.target == "merge")).all()
        keys = [*speaker_keys(session, meeting_id), *(b["speaker"][0] for b in merged)]
        taken = {int(k[1:]) for k in keys if k[1:].isdigit()}
        key = f"S{max(taken, default=0) + 1}"
        session.add(SpeakerRow(meeting_id=meeting_id, key=key, label=key,
                               name=cleaned or None))
        return record(session, meeting.id, "speakers", "add", None,
                      {"speaker": [key, key, cleaned or None]})


def merge_speakers(engine: Engine, meeting_id: str, source: str, into: str) -> EditRow:
    """Speaker `source` is the same person as `into`: their lines become `into`'s and
    `source` leaves the list (one name among the attendees)."""
    if source == into:
        raise EditError("Choose two different speakers to merge.")
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        gone = repository.get_speaker_row(session, meeting_id, source)
        repository.get_speaker_row(session, meeting_id, into)
        # lines of theirs, and lines of others where some words were given to them
        with_words = set(session.exec(select(WordRow.segment_id).where(
            WordRow.meeting_id == meeting_id, WordRow.speaker_key == source).distinct()))
        rows = [r for r in line.ordered(session, meeting_id)
                if r.speaker_key == source or r.id in with_words]
        before = line.snapshots(session, rows)
        after = [line.Line(**{
            **s, "speaker": into if s["speaker"] == source else s["speaker"],
            "words": [w._replace(speaker=into) if w.speaker == source else w
                      for w in s["words"]]}) for s in before]
        speaker = [gone.key, gone.label, gone.name]
        session.delete(gone)
        line.write(session, meeting_id, after, [])
        return record(session, meeting.id, "speakers", "merge",
                      {"speaker": speaker, "lines": before, "into": into},
                      {"lines": after, "into": into})


def undo_speakers(session: Session, meeting: MeetingRow, edit: EditRow) -> None:
    """Undo an entry of kind `speakers`: a speaker added goes, a speaker merged comes back
    with the lines that were theirs."""
    if edit.target == "add":
        key = edit.after["speaker"][0]
        if session.exec(select(SegmentRow.id).where(
                SegmentRow.meeting_id == meeting.id, SegmentRow.speaker_key == key)).first():
            raise EditConflictError(f"Lines are given to {key}; give them to another "
                                    "speaker before undoing.")
        session.delete(repository.get_speaker_row(session, meeting.id, key))
        return
    key, label, name = edit.before["speaker"]
    if key in speaker_keys(session, meeting.id):
        raise EditConflictError(f"There is a speaker {key} again; it cannot come back.")
    line.put_back(session, meeting.id, edit.before["lines"], edit.after["lines"])
    session.add(SpeakerRow(meeting_id=meeting.id, key=key, label=label, name=name))


def undo_rename(session: Session, meeting: MeetingRow, edit: EditRow) -> None:
    """Undo an entry of kind `speaker` (a name given)."""
    try:
        speaker = repository.get_speaker_row(session, meeting.id, edit.target)
    except NotFoundError as exc:
        raise EditConflictError("That speaker no longer exists (diarization re-ran).") from exc
    if speaker.name != edit.after:
        raise EditConflictError(
            "This was changed again after that edit; undo the later edit first.")
    speaker.name = edit.before
    session.add(speaker)


__all__ = ["add_speaker", "known_speaker", "merge_speakers", "rename_speaker", "set_speaker",
           "speaker_keys", "undo_rename", "undo_speakers"]
