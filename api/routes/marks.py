"""Marks on the transcript (取消し, 秘密会, 個人情報) and the marks suggested for it.

`POST /meetings/{id}/marks` sets one (characters of a line, the whole line, or a range of
lines), `GET` lists them, `DELETE /meetings/{id}/marks/{mark_id}` removes one; each is an
entry of the history (undo takes it back). `GET /meetings/{id}/suggestions?kind=personal`
lists suggested marks (`withdrawn`, or `marks` for both; without `kind`, the 整文
suggestions of the council's record); `POST .../suggestions/{suggestion_id}/accept` sets one,
`.../dismiss` turns it down for good.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from api.deps import Db
from api.schemas import MarkIn, MarkOut, MarkSuggestionOut, TidySuggestion
from gijiroku import edits, mark_suggestions
from gijiroku.result import mark_document
from gijiroku.storage import repository, session_scope

router = APIRouter()
SuggestionId = Annotated[str, Path(max_length=80, pattern=r"^[a-z]+-\d+-\d+-\d+-[a-z_]+$")]


@router.get("/meetings/{meeting_id}/marks", response_model=list[MarkOut],
            summary="The marks: withdrawn remarks, closed sessions, personal information")
def list_marks(meeting_id: str, db: Db) -> list[dict[str, Any]]:
    with session_scope(db) as session:
        repository.get_meeting_row(session, meeting_id)
        return [mark_document(m) for m in repository.load_marks(session, meeting_id)]


@router.post("/meetings/{meeting_id}/marks", status_code=201, response_model=MarkOut,
             summary="Mark a passage, a line or a range of lines")
def add_mark(meeting_id: str, body: MarkIn, db: Db) -> dict[str, Any]:
    return mark_document(edits.add_mark(
        db, meeting_id, kind=body.kind, segment=body.segment_id, start=body.start,
        end=body.end, last_segment=body.last_segment_id, category=body.category,
        note=body.note, permitted_by=body.permitted_by))


@router.delete("/meetings/{meeting_id}/marks/{mark_id}", response_model=MarkOut,
               summary="Remove a mark")
def remove_mark(meeting_id: str, mark_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                db: Db) -> dict[str, Any]:
    return mark_document(edits.remove_mark(db, meeting_id, mark_id))


@router.get("/meetings/{meeting_id}/suggestions",
            response_model=list[MarkSuggestionOut] | list[TidySuggestion],
            summary="Suggested marks (kind=personal, withdrawn or marks: both), or 整文 "
                    "suggestions line by line (kind=tidy, the default)")
def list_suggestions(meeting_id: str, db: Db, kind: Annotated[
        Literal["personal", "withdrawn", "marks", "tidy"], Query()] = "tidy",
) -> list[dict[str, Any]]:
    """Marks suggested (`kind=personal`, `withdrawn`, or `marks` for both): accept one with
    `POST .../suggestions/{id}/accept`, turn it down for good with `.../dismiss`. Without
    `kind` (or `kind=tidy`), for a Japanese meeting: each line with a word said twice or a
    false start, and the line as it would read without them; nothing changes until a
    person accepts one (an ordinary edit of the line, `PATCH .../segments/{n}` with `text`
    and `version`)."""
    if kind == "tidy":
        return edits.tidy_suggestions(db, meeting_id)
    return [mark_suggestions.suggestion_document(s) for s in mark_suggestions.suggestions(
        db, meeting_id, None if kind == "marks" else kind)]


@router.post("/meetings/{meeting_id}/suggestions/{suggestion_id}/accept", status_code=201,
             response_model=MarkOut, summary="Accept a suggested mark")
def accept_suggestion(meeting_id: str, suggestion_id: SuggestionId, db: Db) -> dict[str, Any]:
    return mark_document(mark_suggestions.accept(db, meeting_id, suggestion_id))


@router.post("/meetings/{meeting_id}/suggestions/{suggestion_id}/dismiss",
             response_model=MarkSuggestionOut, summary="Dismiss a suggested mark for good")
def dismiss_suggestion(meeting_id: str, suggestion_id: SuggestionId,
                       db: Db) -> dict[str, Any]:
    return mark_suggestions.suggestion_document(
        mark_suggestions.turn_down(db, meeting_id, suggestion_id))
