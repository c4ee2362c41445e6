"""A speaker confirmed as a roster person ("this is 田中太郎"): one action that names the
speaker, ties them to the person and keeps their voice as a voiceprint. Confirming someone
else than the suggestion is a correction: the voice goes to the right person, and a voiceprint
this speaker gave to a wrong person before is taken back. One entry of the history; undo
unties the speaker and removes the voiceprint it kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, select

from gijiroku import roster
from gijiroku.domain import Person
from gijiroku.edits.history import record
from gijiroku.errors import EditConflictError
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import EditRow, MeetingRow, PersonRow, SpeakerRow, VoiceprintRow


@dataclass(frozen=True, slots=True)
class Enrolled:
    person: Person
    edit: EditRow
    #: The voiceprint kept (None: the speaker's voice was too short, or not heard by this
    #: version: run diarization again to have one).
    voiceprint: int | None
    #: Speakers of the meeting that now have a suggestion (matched again after this one).
    suggested: int


def _state(row: SpeakerRow) -> dict[str, object]:
    return {"name": row.name, "person": row.person_id, "confirmed": row.confirmed,
            "suggestion": row.suggestion_id, "score": row.suggestion_score}


def enrol(engine: Engine, meeting_id: str, speaker_id: str, name: str,
          threshold: float | None = None) -> Enrolled:
    """Confirm `speaker_id` as the roster person `name`, name the speaker after them and
    keep the voice; the meeting's other speakers are matched again without that person."""
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        row = repository.get_speaker_row(session, meeting_id, speaker_id)
        person = roster.find_person(session, name)
        assert person.id is not None
        for other in repository.speaker_rows(session, meeting_id):
            if other.key != row.key and other.confirmed and other.person_id == person.id:
                raise EditConflictError(
                    f"{other.key} is already confirmed as {person.name}; one person is one "
                    "speaker (merge the two speakers if they are the same voice).")
        before = _state(row)
        taken_back = _take_back(session, meeting_id, row, person.id)
        row.person_id, row.confirmed, row.name = person.id, True, person.name
        row.suggestion_id, row.suggestion_score = None, None
        session.add(row)
        kept = None
        if (row.voice and row.voice_model
                and (row.voice_seconds or 0.0) >= roster.MIN_VOICEPRINT_SECONDS):
            voiceprint = VoiceprintRow(person_id=person.id, model=row.voice_model,
                                       vector=list(row.voice["vector"]),
                                       seconds=row.voice_seconds or 0.0,
                                       meeting_id=meeting_id, speaker_key=row.key)
            session.add(voiceprint)
            session.flush()
            kept = voiceprint.id
        edit = record(session, meeting.id, "person", row.key, before,
                      {**_state(row), "voiceprint": kept, "taken_back": taken_back})
        suggested = roster.suggest(session, meeting_id, threshold)
        shown = repository.load_people(session, [person.id],
                                       repository.options_of(meeting).roster)[person.id]
        return Enrolled(shown, edit, kept, suggested)


def _take_back(session: Session, meeting_id: str, row: SpeakerRow,
               person_id: int) -> list[dict[str, object]]:
    """A voiceprint this speaker gave to another person before (a confirmation corrected):
    removed, and returned as it was so undo can put it back."""
    if not row.confirmed or row.person_id in (None, person_id):
        return []
    gone = session.exec(select(VoiceprintRow).where(
        VoiceprintRow.meeting_id == meeting_id, VoiceprintRow.speaker_key == row.key,
        VoiceprintRow.person_id == row.person_id)).all()
    kept = [{"person": v.person_id, "model": v.model, "vector": v.vector,
             "seconds": v.seconds} for v in gone]
    for voiceprint in gone:
        session.delete(voiceprint)
    return kept


def undo_person(session: Session, meeting: MeetingRow, edit: EditRow) -> None:
    """Undo an entry of kind `person`: the speaker as it was, its voiceprint removed (and a
    voiceprint the confirmation took back from another person returned)."""
    row = repository.get_speaker_row(session, meeting.id, edit.target)
    after = edit.after or {}
    if row.person_id != after.get("person") or row.name != after.get("name"):
        raise EditConflictError(
            "This speaker was changed again after that edit; undo the later edit first.")
    kept = after.get("voiceprint")
    if kept is not None:
        voiceprint = session.get(VoiceprintRow, kept)
        if voiceprint is not None:
            session.delete(voiceprint)
    for old in after.get("taken_back") or []:
        if session.get(PersonRow, old["person"]) is not None:
            session.add(VoiceprintRow(person_id=old["person"], model=old["model"],
                                      vector=old["vector"], seconds=old["seconds"],
                                      meeting_id=meeting.id, speaker_key=row.key))
    before = edit.before or {}

    def existing(person: object) -> int | None:  # someone removed from the roster since
        if isinstance(person, int) and session.get(PersonRow, person) is not None:
            return person
        return None

    row.name, row.person_id = before.get("name"), existing(before.get("person"))
    row.confirmed = bool(before.get("confirmed")) and row.person_id is not None
    row.suggestion_id = existing(before.get("suggestion"))
    row.suggestion_score = before.get("score") if row.suggestion_id else None
    session.add(row)


__all__ = ["Enrolled", "enrol", "undo_person"]
