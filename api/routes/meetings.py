"""Meetings: upload a recording, list and search, the result document, the recording itself,
delete."""

from __future__ import annotations

import asyncio
import json
import mimetypes
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import pydantic_core
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from sqlalchemy import Engine

from api.access import principal
from api.deps import Config, Db, Send
from api.schemas import (
    Created,
    GroupIn,
    JobView,
    MeetingDocument,
    MeetingPage,
    MeetingPatch,
    StateIn,
    summary,
    utc_iso,
)
from api.uploads import discard, receive_upload, release
from gijiroku import accounts, audio, copies, edits, limits, meetings, workflow
from gijiroku.copies import Copy
from gijiroku.errors import NotFoundError
from gijiroku.principal import Principal
from gijiroku.result import result_document
from gijiroku.storage import repository, session_scope
from gijiroku.workflow import State

router = APIRouter()

#: The upload's form, described by hand: the route reads the stream itself (api.uploads).
UPLOAD_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary",
                     "description": "any audio or video file"},
            "title": {"type": "string", "maxLength": 200},
            "date": {"type": "string", "format": "date", "description": "the meeting's date"},
            "place": {"type": "string", "maxLength": 200},
            "kind": {"type": "string", "enum": ["honkaigi", "iinkai", "other"],
                     "description": "本会議, 委員会 or another meeting"},
            "start_time": {"type": "string", "pattern": "^[0-2]?[0-9]:[0-5][0-9]$",
                           "description": "when the recording began, HH:MM"},
            "language": {"type": "string", "description": "auto, ja, en, ..."},
            "roster": {"type": "string", "maxLength": 200,
                       "description": "the roster (名簿) of the body that met"},
            "num_speakers": {"type": "integer", "minimum": 1, "maximum": 100},
            "min_speakers": {"type": "integer", "minimum": 1, "maximum": 100},
            "max_speakers": {"type": "integer", "minimum": 1, "maximum": 100},
        },
    }},
}}}


def meeting_document(db: Engine, meeting_id: str, copy: str = "official",
                     reader: copies.Reader | Principal = copies.STAFF) -> dict[str, Any]:
    """The result document (README.md, "Result document") with the meeting's newest job,
    its facts (date, place) and when anything in it last changed; as the `copy` asked for
    (the public copy: withdrawn remarks, closed sessions and personal information left
    out, and no marks)."""
    with session_scope(db) as session:
        row = repository.get_meeting_row(session, meeting_id)
        meeting = repository.load_meeting(session, meeting_id)
        chosen = copies.copy_for(reader, copy)
        document = result_document(copies.public(meeting) if chosen == "public" else meeting)
        document["copy"] = chosen
        options = repository.options_of(row)
        document.update(date=options.date, place=options.place, kind=options.kind,
                        start_time=options.start_time, roster=options.roster,
                        updated_at=utc_iso(row.updated_at))
        job = repository.latest_jobs(session, [meeting_id]).get(meeting_id)
    document["job"] = JobView.of(job).model_dump() if job else None
    return document


@router.post("/meetings", status_code=201, response_model=Created,
             summary="Upload a recording", openapi_extra=UPLOAD_BODY)
async def upload(request: Request, db: Db, settings: Config, send: Send) -> dict[str, Any]:
    """multipart/form-data: `file` (any audio or video), optional `title`, `date`,
    `place`, `kind` (honkaigi, iinkai, other), `start_time` (HH:MM), `language`, `roster`,
    `num_speakers`, `min_speakers`, `max_speakers`. Streamed to disk; the content is
    probed, so a file that holds no audio is refused whatever its name; one longer than
    GIJIROKU_MAX_DURATION_HOURS is refused with 413, one the disk has no room to decode with
    507."""
    received = await receive_upload(
        request, settings.data_dir / "uploads", settings.max_upload_mb * 1024 * 1024
    )
    try:
        # the uploader's section, or the one of theirs the form names (`group`)
        section = await asyncio.to_thread(_section_for_upload, db, principal(request),
                                          received.fields.get("group"))
        accepted = await asyncio.to_thread(
            meetings.accept_upload, db, settings.data_dir, received.path, received.filename,
            received.sha256, received.fields, settings.limits,
        )
        if section is not None:
            await asyncio.to_thread(accounts.put_in_section, db, accepted.meeting_id, section)
    except BaseException:
        discard(received)
        raise
    release(received)
    send(accepted.job_id)
    with session_scope(db) as session:
        meeting = repository.get_meeting_row(session, accepted.meeting_id)
        job = repository.get_job(session, accepted.job_id)
        return {**summary(meeting, job), "job_id": accepted.job_id}


def _section_for_upload(db: Engine, who: accounts.Principal, asked: str | None) -> int | None:
    with session_scope(db) as session:
        return accounts.section_for_upload(session, who, asked)


@router.get("/meetings", response_model=MeetingPage, summary="List and search meetings")
def list_meetings(
    db: Db, request: Request,
    q: Annotated[str | None, Query(max_length=limits.FIND, description="title or text")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    copy: Annotated[Copy, Query(description="public: search the public copy (what a "
                                "marked passage hides is not found)")] = "official",
    state: Annotated[State | None, Query(description="only meetings in this state of the "
                                         "workflow")] = None,
    queue: Annotated[Literal["mine"] | None, Query(description="mine: the caller's review "
                     "queue (an editor's drafts to proofread, an approver's meetings in "
                     "review), processed and not failed")] = None,
) -> dict[str, Any]:
    who = principal(request)
    statuses: tuple[str, ...] = ()
    if queue is not None:
        state, statuses = workflow.queue_of(who), ("done",)
        if state is None:  # a viewer: nothing waits for them
            return {"items": [], "page": page, "pages": 1, "total": 0}
    with session_scope(db) as session:
        sections = who.sections  # (None: every meeting, as an admin)
        if q and copies.copy_for(who, copy) == "public":
            rows, total = copies.search_public(session, q, page, sections, state, statuses)
        else:
            rows, total = repository.list_meetings(session, q, page, statuses=statuses,
                                                   sections=sections, state=state)
        ids = [r.id for r in rows]
        jobs, steps = repository.latest_jobs(session, ids), repository.last_steps(session, ids)
        return {
            "items": [summary(r, jobs.get(r.id), steps.get(r.id)) for r in rows],
            "page": page, "pages": repository.page_count(total), "total": total,
        }


@router.get("/meetings/{meeting_id}", response_model=MeetingDocument,
            summary="The result document")
def get_meeting(meeting_id: str, db: Db, request: Request, copy: Annotated[Copy, Query(
        description="official (every word, with the marks) or public; a viewer always "
                    "gets the public copy")] = "official",
) -> Response:
    # The model documents the answer; the document is sent as built, without validating
    # a 3-hour session's 100,000 words once more, by pydantic-core's JSON writer (several
    # times faster than the json module on 9 MB).
    return Response(pydantic_core.to_json(meeting_document(db, meeting_id, copy,
                                                           principal(request))),
                    media_type="application/json")


@router.patch("/meetings/{meeting_id}", response_model=MeetingDocument,
              summary="Change the title, date, place, summary or agenda items")
def patch_meeting(meeting_id: str, patch: MeetingPatch, db: Db) -> Response:
    edits.edit_meeting(db, meeting_id, patch.model_dump(exclude_unset=True))
    return Response(pydantic_core.to_json(meeting_document(db, meeting_id)),
                    media_type="application/json")


def _stamp(db: Engine, meeting_id: str) -> str:
    with session_scope(db) as session:
        return utc_iso(repository.get_meeting_row(session, meeting_id).updated_at)


@router.get("/meetings/{meeting_id}/events", summary="Changes to a meeting as server-sent "
            "events", response_class=StreamingResponse)
async def meeting_events(meeting_id: str, request: Request, db: Db) -> StreamingResponse:
    """An event `{"updated_at": ...}` each time anything in the meeting changes (an edit in
    another page, a job's step stored), so open pages show it; a comment every 15 s keeps
    the connection and finds closed ones."""
    stamp = await asyncio.to_thread(_stamp, db, meeting_id)  # 404 before streaming

    async def events() -> AsyncIterator[str]:
        nonlocal stamp
        yield f"data: {json.dumps({'updated_at': stamp})}\n\n"
        quiet = 0.0
        while not await request.is_disconnected():
            await asyncio.sleep(1.0)
            try:
                now = await asyncio.to_thread(_stamp, db, meeting_id)
            except NotFoundError:
                yield 'data: {"deleted": true}\n\n'
                return
            quiet += 1.0
            if now != stamp:
                stamp, quiet = now, 0.0
                yield f"data: {json.dumps({'updated_at': stamp})}\n\n"
            elif quiet >= 15:
                quiet = 0.0
                yield ": still here\n\n"

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache"})


@router.delete("/meetings/{meeting_id}", status_code=204, summary="Delete with its files")
def delete_meeting(meeting_id: str, db: Db, settings: Config) -> Response:
    meetings.delete_meeting(db, settings.data_dir, meeting_id)
    return Response(status_code=204)


@router.get("/meetings/{meeting_id}/audio", summary="The recording (HTTP Range)",
            response_class=FileResponse)
def get_audio(meeting_id: str, db: Db, settings: Config) -> FileResponse:
    with session_scope(db) as session:
        row = repository.get_meeting_row(session, meeting_id)
    path = settings.data_dir / row.source_path
    if not path.is_file():
        raise NotFoundError("The recording file is missing from the data directory.")
    path = audio.playable(path)  # WMA, AMR...: the copy decode made (or made now)
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media_type)


@router.put("/meetings/{meeting_id}/group", response_model=MeetingDocument,
            summary="Move the meeting to another group (admins)")
def move_to_group(meeting_id: str, body: GroupIn, db: Db) -> Response:
    """The group's members see it from now on, and the members of the group it left no
    longer do; `null`: no group, only admins see it. In the audit log."""
    accounts.move_meeting(db, meeting_id, body.group)
    return Response(pydantic_core.to_json(meeting_document(db, meeting_id)),
                    media_type="application/json")


@router.post("/meetings/{meeting_id}/state", response_model=MeetingDocument,
             summary="A step of the workflow: draft, review, approved, published")
def change_state(meeting_id: str, body: StateIn, db: Db, request: Request) -> Response:
    """下書き → 校正中 → 承認済 → 公開, and back (reopening an approved meeting needs a
    `comment` with the reason). Approving and publishing need the approver role. An
    approved or published meeting refuses every change until it is reopened."""
    workflow.change_state(db, meeting_id, body.state, body.comment, principal(request))
    return Response(pydantic_core.to_json(meeting_document(db, meeting_id)),
                    media_type="application/json")
