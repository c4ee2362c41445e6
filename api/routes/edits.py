"""A person's edits: lines (text, speaker, merge, split, delete, insert, find and replace),
speakers (name, add, merge), decisions and action items, the history and undo.

Lines and items carry a `version`: a change sent with an older one is refused (409) with the
current object, so the person can compare. With `Prefer: return=minimal` an edit of one line,
the speakers or the minutes answers with only what changed; the other changes answer with the
whole document."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import Engine

from api.deps import Db, ItemId, ItemVersion, Minimal, Number
from api.pages import page_language
from api.routes.meetings import meeting_document
from api.schemas import (
    ActionItemIn,
    ActionItemPatch,
    DecisionIn,
    DecisionPatch,
    EditView,
    Hit,
    LineIn,
    Replace,
    Replaced,
    SegmentPatch,
    SpeakerIn,
    SpeakerMerge,
    SpeakerOfLines,
    SpeakerPatch,
    SplitIn,
    utc_iso,
)
from gijiroku import edits, limits
from gijiroku.domain import ActionItem, Decision
from gijiroku.result import minutes_document, segment_document, speakers_document
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import EditRow

router = APIRouter()


def _lines_answer(db: Engine, meeting_id: str, edit: EditRow,
                  minimal: bool) -> dict[str, Any]:
    """What a change of the lines answers: the whole document, or with `Prefer:
    return=minimal` the lines it wrote (as they are now), the numbers of those it removed,
    and the speakers and minutes (a merge moves citations; a speaker may have gone)."""
    if not minimal:
        return meeting_document(db, meeting_id)
    states = edit.after.get("lines", []) if edit.after else []
    written = [s["number"] for s in states]
    removed = sorted({s["number"] for s in (edit.before or {}).get("lines", [])}
                     - set(written))
    with session_scope(db) as session:
        row = repository.get_meeting_row(session, meeting_id)
        return {"lines": [segment_document(s) for s in
                          repository.load_segments(session, meeting_id, written)],
                "removed": removed,
                "speakers": speakers_document(repository.load_speakers(session, meeting_id)),
                "minutes": minutes_document(repository.minutes_of(session, row)),
                "updated_at": utc_iso(row.updated_at)}


@router.patch("/meetings/{meeting_id}/segments/{segment_id}", summary="Edit a line")
def patch_segment(meeting_id: str, segment_id: Number, patch: SegmentPatch,
                  db: Db, minimal: Minimal) -> dict[str, Any]:
    edits.edit_segment(db, meeting_id, segment_id, text=patch.text, speaker=patch.speaker,
                         version=patch.version)
    if minimal:
        with session_scope(db) as session:
            return {"segment": segment_document(
                repository.load_segment(session, meeting_id, segment_id))}
    return meeting_document(db, meeting_id)


@router.post("/meetings/{meeting_id}/segments/{segment_id}/merge",
             summary="Merge a line with the next")
def merge_segment(meeting_id: str, segment_id: Number, db: Db,
                  minimal: Minimal) -> dict[str, Any]:
    return _lines_answer(db, meeting_id, edits.merge_with_next(db, meeting_id, segment_id),
                         minimal)


@router.post("/meetings/{meeting_id}/segments/{segment_id}/split",
             summary="Split a line at a character")
def split_segment(meeting_id: str, segment_id: Number, body: SplitIn,
                  db: Db, minimal: Minimal) -> dict[str, Any]:
    return _lines_answer(db, meeting_id, edits.split_line(db, meeting_id, segment_id, body.at),
                         minimal)


@router.delete("/meetings/{meeting_id}/segments/{segment_id}", summary="Delete a line")
def delete_segment(meeting_id: str, segment_id: Number, db: Db,
                   minimal: Minimal) -> dict[str, Any]:
    return _lines_answer(db, meeting_id, edits.delete_line(db, meeting_id, segment_id), minimal)


@router.post("/meetings/{meeting_id}/segments", status_code=201, summary="Insert a line")
def insert_segment(meeting_id: str, body: LineIn, db: Db, minimal: Minimal) -> dict[str, Any]:
    return _lines_answer(db, meeting_id, edits.insert_line(
        db, meeting_id, body.after, body.text, body.speaker), minimal)


@router.post("/meetings/{meeting_id}/segments/speaker",
             summary="Give a range of lines to a speaker")
def speaker_of_lines(meeting_id: str, body: SpeakerOfLines, db: Db,
                     minimal: Minimal) -> dict[str, Any]:
    return _lines_answer(db, meeting_id, edits.set_speaker(
        db, meeting_id, body.first, body.last, body.speaker), minimal)


@router.get("/meetings/{meeting_id}/find", response_model=list[Hit],
            summary="Find text in the transcript")
def find(meeting_id: str, db: Db, q: Annotated[str, Query(min_length=1, max_length=limits.FIND)],
         whole_word: bool = True) -> list[Hit]:
    return [Hit(**asdict(hit)) for hit in edits.find(db, meeting_id, q, whole_word)]


@router.post("/meetings/{meeting_id}/replace", response_model=Replaced,
             summary="Replace text in the transcript (one undoable change)")
def replace(meeting_id: str, body: Replace, db: Db) -> Replaced:
    only = [(n, at) for n, at in body.only] if body.only is not None else None
    edit = edits.replace(db, meeting_id, body.find, body.replace, body.whole_word, only)
    entry = (edits.remember_correction(db, meeting_id, body.find, body.replace).id
             if body.add_to_dictionary else None)
    return Replaced(replaced=len(edit.after["lines"]) if edit else 0,
                    edit_id=edit.id if edit else None, dictionary_entry=entry)


@router.patch("/meetings/{meeting_id}/speakers/{speaker_id}", summary="Rename a speaker")
def patch_speaker(meeting_id: str, speaker_id: str, patch: SpeakerPatch,
                  db: Db, minimal: Minimal) -> dict[str, Any]:
    edits.rename_speaker(db, meeting_id, speaker_id, patch.name)
    if minimal:
        with session_scope(db) as session:
            return {"speakers": speakers_document(
                repository.load_speakers(session, meeting_id))}
    return meeting_document(db, meeting_id)


@router.post("/meetings/{meeting_id}/speakers", status_code=201, summary="Add a speaker")
def add_speaker(meeting_id: str, body: SpeakerIn, db: Db, minimal: Minimal) -> dict[str, Any]:
    return _lines_answer(db, meeting_id, edits.add_speaker(db, meeting_id, body.name), minimal)


@router.post("/meetings/{meeting_id}/speakers/{speaker_id}/merge",
             summary="Merge a speaker into another")
def merge_speaker(meeting_id: str, speaker_id: str, body: SpeakerMerge,
                  db: Db, minimal: Minimal) -> dict[str, Any]:
    return _lines_answer(db, meeting_id, edits.merge_speakers(db, meeting_id, speaker_id,
                                                              body.into), minimal)


def _minutes_answer(db: Engine, meeting_id: str, minimal: bool) -> dict[str, Any]:
    if minimal:
        with session_scope(db) as session:
            row = repository.get_meeting_row(session, meeting_id)
            return {"minutes": minutes_document(repository.minutes_of(session, row))}
    return meeting_document(db, meeting_id)


def _decision(body: DecisionIn) -> Decision:
    return Decision(**body.model_dump(exclude={"version"}))


def _action(body: ActionItemIn) -> ActionItem:
    return ActionItem(**body.model_dump(exclude={"version"}))


@router.post("/meetings/{meeting_id}/decisions", status_code=201, summary="Add a decision")
def add_decision(meeting_id: str, body: DecisionIn, db: Db, minimal: Minimal) -> dict[str, Any]:
    edits.add_minutes_item(db, meeting_id, _decision(body))
    return _minutes_answer(db, meeting_id, minimal)


@router.put("/meetings/{meeting_id}/decisions/{item_id}", summary="Change a decision")
def put_decision(meeting_id: str, item_id: ItemId, body: DecisionIn, db: Db,
                 minimal: Minimal) -> dict[str, Any]:
    edits.change_minutes_item(db, meeting_id, item_id, _decision(body), body.version)
    return _minutes_answer(db, meeting_id, minimal)


@router.patch("/meetings/{meeting_id}/decisions/{item_id}",
              summary="Change part of a decision")
def patch_decision(meeting_id: str, item_id: ItemId, body: DecisionPatch, db: Db,
                   minimal: Minimal) -> dict[str, Any]:
    edits.patch_minutes_item(db, meeting_id, "decisions", item_id,
                               body.model_dump(exclude={"version"}, exclude_none=True),
                               body.version)
    return _minutes_answer(db, meeting_id, minimal)


@router.delete("/meetings/{meeting_id}/decisions/{item_id}", summary="Delete a decision")
def delete_decision(meeting_id: str, item_id: ItemId, db: Db, minimal: Minimal,
                    version: ItemVersion = None) -> dict[str, Any]:
    edits.delete_minutes_item(db, meeting_id, "decisions", item_id, version)
    return _minutes_answer(db, meeting_id, minimal)


@router.post("/meetings/{meeting_id}/action_items", status_code=201,
             summary="Add an action item")
def add_action(meeting_id: str, body: ActionItemIn, db: Db, minimal: Minimal) -> dict[str, Any]:
    edits.add_minutes_item(db, meeting_id, _action(body))
    return _minutes_answer(db, meeting_id, minimal)


@router.put("/meetings/{meeting_id}/action_items/{item_id}", summary="Change an action item")
def put_action(meeting_id: str, item_id: ItemId, body: ActionItemIn, db: Db,
               minimal: Minimal) -> dict[str, Any]:
    edits.change_minutes_item(db, meeting_id, item_id, _action(body), body.version)
    return _minutes_answer(db, meeting_id, minimal)


@router.patch("/meetings/{meeting_id}/action_items/{item_id}",
              summary="Change part of an action item")
def patch_action(meeting_id: str, item_id: ItemId, body: ActionItemPatch, db: Db,
                 minimal: Minimal) -> dict[str, Any]:
    # owner, due and due_date may be cleared with null; what is not sent stays
    edits.patch_minutes_item(db, meeting_id, "action_items", item_id,
                               body.model_dump(exclude={"version"}, exclude_unset=True),
                               body.version)
    return _minutes_answer(db, meeting_id, minimal)


@router.delete("/meetings/{meeting_id}/action_items/{item_id}",
               summary="Delete an action item")
def delete_action(meeting_id: str, item_id: ItemId, db: Db, minimal: Minimal,
                  version: ItemVersion = None) -> dict[str, Any]:
    edits.delete_minutes_item(db, meeting_id, "action_items", item_id, version)
    return _minutes_answer(db, meeting_id, minimal)


@router.get("/meetings/{meeting_id}/history", response_model=list[EditView],
            summary="Every edit, oldest first")
def get_history(meeting_id: str, db: Db, request: Request) -> list[EditView]:
    names, language = _speaker_names(db, meeting_id), page_language(request)
    return [EditView.of(e, names, language) for e in edits.history_of(db, meeting_id)]


def _speaker_names(db: Engine, meeting_id: str) -> dict[str, str | None]:
    with session_scope(db) as session:
        return {s.id: s.name for s in repository.load_speakers(session, meeting_id)}


@router.post("/meetings/{meeting_id}/history/{edit_id}/undo", response_model=EditView,
             summary="Undo an edit")
def undo(meeting_id: str, edit_id: Number, db: Db, request: Request) -> EditView:
    edit = edits.undo(db, meeting_id, edit_id)
    return EditView.of(edit, _speaker_names(db, meeting_id), page_language(request))
