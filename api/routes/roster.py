"""The roster (名簿): people, their titles and seats, CSV import, and a meeting's speaker
confirmed as a roster person (the voice kept as a voiceprint)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile

from api.deps import Config, Db, Minimal
from api.routes.meetings import meeting_document
from api.schemas import PersonIn, RosterEntry, RosterImported, RosterOut, SpeakerPerson
from gijiroku import edits, roster
from gijiroku.errors import InvalidInputError
from gijiroku.result import roster_entry_document, speakers_document
from gijiroku.storage import repository, session_scope

router = APIRouter()
#: The largest roster CSV taken: thousands of people fit in far less.
CSV_LIMIT = 2 * 1024 * 1024


def _entry(entry: roster.Entry) -> RosterEntry:
    return RosterEntry(**roster_entry_document(entry))


@router.get("/roster", response_model=list[RosterEntry],
            summary="The people (on one roster, or everyone), with their voiceprints")
def list_people(db: Db, roster_name: Annotated[str | None, Query(
        alias="roster", max_length=200)] = None) -> list[RosterEntry]:
    return [_entry(e) for e in roster.entries(db, roster_name)]


@router.get("/rosters", response_model=list[RosterOut], summary="The rosters")
def list_rosters(db: Db) -> list[RosterOut]:
    return [RosterOut(name=name, people=count) for name, count in roster.rosters(db)]


@router.post("/roster", status_code=201, response_model=RosterEntry,
             summary="Put someone on a roster, or change their entry")
def add_person(body: PersonIn, db: Db) -> RosterEntry:
    person = roster.add_person(db, body.name, roster=body.roster, reading=body.reading,
                               seat=body.seat, title=body.title, group=body.group,
                               active_from=body.active_from, active_to=body.active_to)
    return next(_entry(e) for e in roster.entries(db, body.roster or roster.DEFAULT_ROSTER)
                if e.person.id == person.id)


@router.post("/roster/import", response_model=RosterImported,
             summary="People from a CSV file (name, reading, seat, title, group; or 氏名, "
                     "ふりがな, 議席, 役職, 会派), all rows or none")
async def import_people(db: Db, file: Annotated[UploadFile, File()],
                        roster_name: Annotated[str | None, Form(
                            alias="roster", max_length=200)] = None) -> RosterImported:
    data = await file.read(CSV_LIMIT + 1)
    if len(data) > CSV_LIMIT:
        raise InvalidInputError("The CSV file is larger than 2 MB; a roster is far smaller.",
                                code="csv_row_invalid", row=0)
    done = roster.import_csv(db, data, roster_name)
    return RosterImported(added=done.added, updated=done.updated)


@router.delete("/roster/{name}", summary="Take someone off a roster (none named: off every "
                                         "roster, with their voiceprints)")
def remove_person(name: str, db: Db, roster_name: Annotated[str | None, Query(
        alias="roster", max_length=200)] = None) -> dict[str, str]:
    return {"removed": roster.remove_person(db, name, roster_name)}


@router.post("/meetings/{meeting_id}/speakers/{speaker_id}/person",
             summary="This speaker is this roster person: names them, keeps the voiceprint")
def confirm_person(meeting_id: str, speaker_id: str, body: SpeakerPerson, db: Db,
                   settings: Config, minimal: Minimal) -> dict[str, Any]:
    done = edits.enrol(db, meeting_id, speaker_id, body.name, settings.voiceprint_threshold)
    if minimal:
        with session_scope(db) as session:
            return {"speakers": speakers_document(
                repository.load_speakers(session, meeting_id)),
                "voiceprint": done.voiceprint is not None}
    return meeting_document(db, meeting_id)


@router.post("/meetings/{meeting_id}/speakers/match",
             summary="Match the speakers against the roster's voiceprints as they are now")
def match_speakers(meeting_id: str, db: Db, settings: Config) -> dict[str, Any]:
    roster.suggest_again(db, meeting_id, settings.voiceprint_threshold)
    with session_scope(db) as session:
        return {"speakers": speakers_document(repository.load_speakers(session, meeting_id))}
