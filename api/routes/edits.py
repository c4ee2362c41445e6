"""A person's edits: lines, speaker names, decisions and action items, the history and undo.
With `Prefer: return=minimal` an edit answers with only what changed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import Engine

from api.deps import Db, Minimal, Number
from api.routes.meetings import meeting_document
from api.schemas import ActionItemIn, DecisionIn, EditView, SegmentPatch, SpeakerPatch
from gijiroku import editing
from gijiroku.domain import ActionItem, Decision
from gijiroku.result import minutes_document, segment_document, speakers_document
from gijiroku.storage import repository, session_scope

router = APIRouter()


@router.patch("/meetings/{meeting_id}/segments/{segment_id}", summary="Edit a line")
def patch_segment(meeting_id: str, segment_id: Number, patch: SegmentPatch,
                  db: Db, minimal: Minimal) -> dict[str, Any]:
    editing.edit_segment(db, meeting_id, segment_id, text=patch.text, speaker=patch.speaker)
    if minimal:
        with session_scope(db) as session:
            return {"segment": segment_document(
                repository.load_segment(session, meeting_id, segment_id))}
    return meeting_document(db, meeting_id)


@router.patch("/meetings/{meeting_id}/speakers/{speaker_id}", summary="Rename a speaker")
def patch_speaker(meeting_id: str, speaker_id: str, patch: SpeakerPatch,
                  db: Db, minimal: Minimal) -> dict[str, Any]:
    editing.rename_speaker(db, meeting_id, speaker_id, patch.name)
    if minimal:
        with session_scope(db) as session:
            return {"speakers": speakers_document(
                repository.load_speakers(session, meeting_id))}
    return meeting_document(db, meeting_id)


def _minutes_answer(db: Engine, meeting_id: str, minimal: bool) -> dict[str, Any]:
    if minimal:
        with session_scope(db) as session:
            row = repository.get_meeting_row(session, meeting_id)
            return {"minutes": minutes_document(repository.minutes_of(row))}
    return meeting_document(db, meeting_id)


@router.post("/meetings/{meeting_id}/decisions", status_code=201, summary="Add a decision")
def add_decision(meeting_id: str, body: DecisionIn, db: Db, minimal: Minimal) -> dict[str, Any]:
    editing.add_minutes_item(db, meeting_id, Decision(**body.model_dump()))
    return _minutes_answer(db, meeting_id, minimal)


@router.put("/meetings/{meeting_id}/decisions/{number}", summary="Change a decision")
def put_decision(meeting_id: str, number: Number, body: DecisionIn, db: Db,
                 minimal: Minimal) -> dict[str, Any]:
    editing.change_minutes_item(db, meeting_id, number, Decision(**body.model_dump()))
    return _minutes_answer(db, meeting_id, minimal)


@router.delete("/meetings/{meeting_id}/decisions/{number}", summary="Delete a decision")
def delete_decision(meeting_id: str, number: Number, db: Db,
                    minimal: Minimal) -> dict[str, Any]:
    editing.delete_minutes_item(db, meeting_id, "decisions", number)
    return _minutes_answer(db, meeting_id, minimal)


@router.post("/meetings/{meeting_id}/action_items", status_code=201,
             summary="Add an action item")
def add_action(meeting_id: str, body: ActionItemIn, db: Db, minimal: Minimal) -> dict[str, Any]:
    editing.add_minutes_item(db, meeting_id, ActionItem(**body.model_dump()))
    return _minutes_answer(db, meeting_id, minimal)


@router.put("/meetings/{meeting_id}/action_items/{number}", summary="Change an action item")
def put_action(meeting_id: str, number: Number, body: ActionItemIn, db: Db,
               minimal: Minimal) -> dict[str, Any]:
    editing.change_minutes_item(db, meeting_id, number, ActionItem(**body.model_dump()))
    return _minutes_answer(db, meeting_id, minimal)


@router.delete("/meetings/{meeting_id}/action_items/{number}",
               summary="Delete an action item")
def delete_action(meeting_id: str, number: Number, db: Db, minimal: Minimal) -> dict[str, Any]:
    editing.delete_minutes_item(db, meeting_id, "action_items", number)
    return _minutes_answer(db, meeting_id, minimal)


@router.get("/meetings/{meeting_id}/history", response_model=list[EditView],
            summary="Every edit, oldest first")
def get_history(meeting_id: str, db: Db) -> list[EditView]:
    return [EditView.of(e) for e in editing.history(db, meeting_id)]


@router.post("/meetings/{meeting_id}/history/{edit_id}/undo", response_model=EditView,
             summary="Undo an edit")
def undo(meeting_id: str, edit_id: Number, db: Db) -> EditView:
    return EditView.of(editing.undo(db, meeting_id, edit_id))
