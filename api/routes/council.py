"""The council's record of a meeting (会議録): its proceedings (議事経過) recognised from the
chair's words and corrected by a person, and what the record says beyond the transcript
(body, session, attendance, signing members, how speakers are headed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import Db
from api.schemas import (
    ProceedingsOut,
    ProceedingsPatch,
    RecordPatch,
    RecordView,
)
from gijiroku import edits

router = APIRouter()


def _proceedings(db: Db, meeting_id: str) -> dict[str, Any]:
    found, edited = edits.meeting_proceedings(db, meeting_id)
    return {**found.to_dict(), "edited": edited}


@router.get("/meetings/{meeting_id}/proceedings", response_model=ProceedingsOut,
            summary="The proceedings: agenda items, votes, events")
def get_proceedings(meeting_id: str, db: Db) -> dict[str, Any]:
    """Recognised from the chair's formulae in the transcript as it stands, until a person
    corrects them (`edited`)."""
    return _proceedings(db, meeting_id)


@router.patch("/meetings/{meeting_id}/proceedings", response_model=ProceedingsOut,
              summary="Correct the proceedings")
def patch_proceedings(meeting_id: str, patch: ProceedingsPatch, db: Db) -> dict[str, Any]:
    """Each list given replaces that list (the others stay as they are now);
    `recognise: true` drops every correction. One history entry, undoable."""
    edits.correct_proceedings(db, meeting_id, None if patch.recognise else patch.model_dump(
        exclude_unset=True, exclude={"recognise"}))
    return _proceedings(db, meeting_id)


@router.get("/meetings/{meeting_id}/record", response_model=RecordView,
            summary="The council record's facts")
def get_record(meeting_id: str, db: Db) -> dict[str, Any]:
    return edits.meeting_record(db, meeting_id).view()


@router.patch("/meetings/{meeting_id}/record", response_model=RecordView,
              summary="Change the council record's facts")
def patch_record(meeting_id: str, patch: RecordPatch, db: Db) -> dict[str, Any]:
    """Body, session, sitting number, chair, attendance lists, signing members, style: the
    fields given change (a list replaces the list). One history entry, undoable."""
    edits.edit_record(db, meeting_id, patch.model_dump(exclude_unset=True))
    return edits.meeting_record(db, meeting_id).view()


