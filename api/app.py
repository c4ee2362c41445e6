"""The HTTP API (FastAPI) and the web view's pages: upload, list and search, read, edit with
history, re-run, delete, job progress, downloads. Every API error answers
`{"error": {"code", "message"}}` with a fitting status."""

from __future__ import annotations

import asyncio
import mimetypes
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import PurePath
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import pages
from api.deps import Db
from api.schemas import (
    ERRORS,
    ActionItemIn,
    Created,
    DecisionIn,
    EditView,
    Health,
    JobView,
    MeetingPage,
    Rerun,
    SegmentPatch,
    SpeakerPatch,
    WatchedFileView,
    error_response,
    summary,
    utc_iso,
)
from api.security import Guard, Refused
from api.uploads import discard, receive_upload
from gijiroku import audio, editing
from gijiroku.config import Settings
from gijiroku.errors import (
    AudioError,
    EditConflictError,
    EditError,
    GijirokuError,
    InvalidInputError,
    JobNotClaimable,
    JobNotFoundError,
    NotFoundError,
    StageError,
    UploadError,
    UploadTooLargeError,
)
from gijiroku.export import FORMATS, Format, export_meeting
from gijiroku.export.document import Cleanup
from gijiroku.jobs import cancel
from gijiroku.recordings import accept_received, meeting_dir
from gijiroku.result import (
    minutes_document,
    result_document,
    segment_document,
    speakers_document,
)
from gijiroku.service import Service
from gijiroku.storage import repository, session_scope
from gijiroku.storage.db import get_engine
from gijiroku.storage.tables import WatchedFileRow
from web import STATIC

STATUS_BY_ERROR: list[tuple[type[GijirokuError], int]] = [
    (InvalidInputError, 422),
    (NotFoundError, 404),
    (UploadTooLargeError, 413),
    (UploadError, 400),
    (AudioError, 415),
    (EditConflictError, 409),
    (JobNotClaimable, 409),
    (EditError, 422),
    (StageError, 409),
]


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
            "language": {"type": "string", "description": "auto, ja, en, ..."},
            "num_speakers": {"type": "integer", "minimum": 1, "maximum": 100},
            "min_speakers": {"type": "integer", "minimum": 1, "maximum": 100},
            "max_speakers": {"type": "integer", "minimum": 1, "maximum": 100},
        },
    }},
}}}

#: A row number in a path: within what the databases store (a bigger one is simply not found).
Number = Annotated[int, Path(ge=1, le=2_147_483_647)]
#: `Prefer: return=minimal` (RFC 7240) on an edit: the answer holds only what changed (the
#: line, the speakers or the minutes), not the whole document: a 3-hour session's is ~10 MB.
def prefers_minimal(
    response: Response,
    prefer: Annotated[str | None, Header(description="return=minimal: only what changed")] = None,
) -> bool:
    wanted = prefer is not None and "return=minimal" in prefer.replace(" ", "").lower()
    if wanted:
        response.headers["Preference-Applied"] = "return=minimal"
    return wanted


Minimal = Annotated[bool, Depends(prefers_minimal)]



def create_app(settings: Settings, service: Service | None = None) -> FastAPI:
    """The application. With `service`, started and stopped with the app, uploads and
    re-runs are sent to its queue; without one they are only stored as queued."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if service is not None:
            service.start()
        try:
            yield
        finally:
            if service is not None:
                service.stop()

    app = FastAPI(
        title="Gijiroku", version="0.1.0", lifespan=lifespan,
        description="Meeting recordings to reviewed minutes, self-hosted.",
    )
    app.state.settings = settings

    guard = Guard(settings.api_token.get_secret_value() if settings.api_token else None,
                  settings.trusted_hosts)

    @app.middleware("http")
    async def _guard(request: Request, call_next: Any) -> Response:
        """Host names, the token and cross-site checks of api.security, before any route."""
        try:
            guard.check(request)
        except Refused as refused:
            if refused.status == 303:
                return pages.login_redirect(request)
            return error_response(refused.status, refused.code, refused.message)
        response: Response = await call_next(request)
        return response

    def submit(job_id: str) -> None:
        if service is not None and service.queue is not None:
            service.submit(job_id)

    @app.exception_handler(GijirokuError)
    async def _gijiroku_error(_: Request, exc: GijirokuError) -> JSONResponse:
        status = next((s for kind, s in STATUS_BY_ERROR if isinstance(exc, kind)), 500)
        return error_response(status, exc.code, exc.message)

    @app.exception_handler(OperationalError)
    async def _database_down(_: Request, exc: OperationalError) -> JSONResponse:
        return error_response(503, "database_unavailable",
                              f"The database cannot be reached: {exc.orig}")

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}"
            for e in exc.errors()
        )
        return error_response(422, "invalid_request", problems or "Invalid request.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 416: "range_not_satisfiable"}
        return error_response(exc.status_code, codes.get(exc.status_code, "http_error"),
                              str(exc.detail))

    router = APIRouter(prefix="/api", responses=ERRORS)

    @router.post("/meetings", status_code=201, response_model=Created,
                 summary="Upload a recording", openapi_extra=UPLOAD_BODY)
    async def upload(request: Request, db: Db) -> dict[str, Any]:
        """multipart/form-data: `file` (any audio or video), optional `title`, `date`,
        `place`, `language`,
        `num_speakers`, `min_speakers`, `max_speakers`. Streamed to disk; the content is
        probed, so a file that holds no audio is refused whatever its name."""
        received = await receive_upload(
            request, settings.data_dir / "uploads", settings.max_upload_mb * 1024 * 1024
        )
        try:
            options = upload_options(received.fields)
            await asyncio.to_thread(audio.probe, received.path, name=received.filename)
            accepted = await asyncio.to_thread(
                accept_received, db, settings.data_dir, received.path, received.filename,
                received.sha256, title=received.fields.get("title"), options=options,
            )
        except BaseException:
            discard(received)
            raise
        submit(accepted.job_id)
        with session_scope(db) as session:
            meeting = repository.get_meeting_row(session, accepted.meeting_id)
            job = repository.get_job(session, accepted.job_id)
            return {**summary(meeting, job), "job_id": accepted.job_id}

    @router.get("/meetings", response_model=MeetingPage, summary="List and search meetings")
    def list_meetings(
        db: Db,
        q: Annotated[str | None, Query(max_length=200, description="title or text")] = None,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    ) -> dict[str, Any]:
        with session_scope(db) as session:
            rows, total = repository.list_meetings(session, q, page)
            jobs = repository.latest_jobs(session, [r.id for r in rows])
            return {
                "items": [summary(r, jobs.get(r.id)) for r in rows], "page": page,
                "pages": max(1, -(-total // repository.PAGE_SIZE)), "total": total,
            }

    @router.get("/meetings/{meeting_id}", summary="The result document")
    def get_meeting(meeting_id: str, db: Db) -> dict[str, Any]:
        with session_scope(db) as session:
            document = result_document(repository.load_meeting(session, meeting_id))
            job = repository.latest_jobs(session, [meeting_id]).get(meeting_id)
        document["job"] = JobView.of(job).model_dump() if job else None
        return document

    @router.delete("/meetings/{meeting_id}", status_code=204, summary="Delete with its files")
    def delete_meeting(meeting_id: str, db: Db) -> Response:
        with session_scope(db) as session:
            unfinished = [job.id for job in repository.latest_jobs(session, [meeting_id]).values()
                          if job.status in ("queued", "running")]
        for job_id in unfinished:  # a running job stops instead of writing into the void
            cancel(db, job_id)
        with session_scope(db) as session:
            repository.delete_meeting(session, meeting_id)
        shutil.rmtree(meeting_dir(settings.data_dir, meeting_id), ignore_errors=True)
        return Response(status_code=204)

    @router.get("/meetings/{meeting_id}/audio", summary="The recording (HTTP Range)",
                response_class=FileResponse)
    def get_audio(meeting_id: str, db: Db) -> FileResponse:
        with session_scope(db) as session:
            row = repository.get_meeting_row(session, meeting_id)
        path = settings.data_dir / row.source_path
        if not path.is_file():
            raise NotFoundError("The recording file is missing from the data directory.")
        path = audio.playable(path)  # WMA, AMR...: the copy decode made (or made now)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return FileResponse(path, media_type=media_type)

    @router.patch("/meetings/{meeting_id}/segments/{segment_id}", summary="Edit a line")
    def patch_segment(meeting_id: str, segment_id: Number, patch: SegmentPatch,
                      db: Db, minimal: Minimal) -> dict[str, Any]:
        editing.edit_segment(db, meeting_id, segment_id, text=patch.text,
                             speaker=patch.speaker)
        if minimal:
            with session_scope(db) as session:
                return {"segment": segment_document(
                    repository.load_segment(session, meeting_id, segment_id))}
        return get_meeting(meeting_id, db)

    @router.patch("/meetings/{meeting_id}/speakers/{speaker_id}", summary="Rename a speaker")
    def patch_speaker(meeting_id: str, speaker_id: str, patch: SpeakerPatch,
                      db: Db, minimal: Minimal) -> dict[str, Any]:
        editing.rename_speaker(db, meeting_id, speaker_id, patch.name)
        if minimal:
            with session_scope(db) as session:
                return {"speakers": speakers_document(
                    repository.load_speakers(session, meeting_id))}
        return get_meeting(meeting_id, db)

    def change_list(db: Engine, meeting_id: str, kind: str, number: int | None,
                    body: BaseModel | None, minimal: bool) -> dict[str, Any]:
        """Add (no number), change (number and body) or delete (number) one item."""
        with session_scope(db) as session:
            minutes = repository.get_meeting_row(session, meeting_id).minutes or {}
        items = list(minutes.get(kind, []))
        if number is not None and not 1 <= number <= len(items):
            raise NotFoundError(f"No item {number} in {kind.replace('_', ' ')} "
                                f"(there are {len(items)}).")
        if body is not None:
            item = body.model_dump()
            item.update(flagged=not item["segments"], edited=True)
            if number is None:
                items.append(item)
            else:
                items[number - 1] = item
        elif number is not None:
            del items[number - 1]
        editing.set_minutes_list(db, meeting_id, kind, items)
        if minimal:
            with session_scope(db) as session:
                row = repository.get_meeting_row(session, meeting_id)
                return {"minutes": minutes_document(repository.minutes_of(row))}
        return get_meeting(meeting_id, db)

    @router.post("/meetings/{meeting_id}/decisions", status_code=201,
                 summary="Add a decision")
    def add_decision(meeting_id: str, body: DecisionIn, db: Db, minimal: Minimal) -> dict[str, Any]:
        return change_list(db, meeting_id, "decisions", None, body, minimal)

    @router.put("/meetings/{meeting_id}/decisions/{number}", summary="Change a decision")
    def put_decision(meeting_id: str, number: Number, body: DecisionIn, db: Db,
                     minimal: Minimal) -> dict[str, Any]:
        return change_list(db, meeting_id, "decisions", number, body, minimal)

    @router.delete("/meetings/{meeting_id}/decisions/{number}", summary="Delete a decision")
    def delete_decision(meeting_id: str, number: Number, db: Db,
                        minimal: Minimal) -> dict[str, Any]:
        return change_list(db, meeting_id, "decisions", number, None, minimal)

    @router.post("/meetings/{meeting_id}/action_items", status_code=201,
                 summary="Add an action item")
    def add_action(meeting_id: str, body: ActionItemIn, db: Db, minimal: Minimal) -> dict[str, Any]:
        return change_list(db, meeting_id, "action_items", None, body, minimal)

    @router.put("/meetings/{meeting_id}/action_items/{number}",
                summary="Change an action item")
    def put_action(meeting_id: str, number: Number, body: ActionItemIn, db: Db,
                   minimal: Minimal) -> dict[str, Any]:
        return change_list(db, meeting_id, "action_items", number, body, minimal)

    @router.delete("/meetings/{meeting_id}/action_items/{number}",
                   summary="Delete an action item")
    def delete_action(meeting_id: str, number: Number, db: Db, minimal: Minimal) -> dict[str, Any]:
        return change_list(db, meeting_id, "action_items", number, None, minimal)

    @router.get("/meetings/{meeting_id}/history", response_model=list[EditView],
                summary="Every edit, oldest first")
    def get_history(meeting_id: str, db: Db) -> list[EditView]:
        return [EditView.of(e) for e in editing.history(db, meeting_id)]

    @router.post("/meetings/{meeting_id}/history/{edit_id}/undo", response_model=EditView,
                 summary="Undo an edit")
    def undo(meeting_id: str, edit_id: Number, db: Db) -> EditView:
        return EditView.of(editing.undo(db, meeting_id, edit_id))

    @router.post("/meetings/{meeting_id}/rerun", status_code=202, response_model=JobView,
                 summary="Run diarization or the minutes again")
    def rerun(meeting_id: str, body: Rerun, db: Db) -> JobView:
        from gijiroku import reruns

        job_id = reruns.queue_rerun(db, meeting_id, reruns.Rerun(**body.model_dump()))
        submit(job_id)
        return job(job_id, db)

    @router.get("/jobs/{job_id}", response_model=JobView, summary="Job state and progress")
    def job(job_id: str, db: Db) -> JobView:
        with session_scope(db) as session:
            row = repository.get_job(session, job_id)
            if row is None:
                raise JobNotFoundError(f"No job with id {job_id!r}.")
            return JobView.of(row)

    @router.post("/jobs/{job_id}/cancel", response_model=JobView, summary="Cancel a job")
    def cancel_job(job_id: str, db: Db) -> JobView:
        cancel(db, job_id)
        return job(job_id, db)

    @router.get("/jobs/{job_id}/events", summary="Job progress as server-sent events",
                response_class=StreamingResponse)
    async def job_events(job_id: str, db: Db) -> StreamingResponse:
        job(job_id, db)  # 404 before streaming

        async def events() -> AsyncIterator[str]:
            last = None
            while True:
                view = await asyncio.to_thread(job, job_id, db)
                data = view.model_dump_json()
                if data != last:
                    last = data
                    yield f"data: {data}\n\n"
                if view.status in ("done", "failed", "cancelled"):
                    return
                await asyncio.sleep(0.5)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    @router.get("/meetings/{meeting_id}/export", summary="Download the meeting",
                response_class=Response)
    def export(
        meeting_id: str, db: Db,
        format: Annotated[Format, Query()] = "md",
        transcript: Annotated[bool, Query(description="include the transcript")] = True,
        cleanup: Annotated[Cleanup, Query(description="transcript wording")] = "verbatim",
    ) -> Response:
        exported = export_meeting(db, meeting_id, format, with_transcript=transcript,
                                  cleanup=cleanup, pdf_font=settings.pdf_font)
        headers = {"Content-Disposition": attachment(exported.filename)}
        if exported.notes:  # what the file lacks, for scripts; the file says it too
            headers["X-Gijiroku-Notes"] = quote(" | ".join(exported.notes))
        return Response(exported.content, media_type=exported.media_type, headers=headers)

    @router.get("/watched", response_model=list[WatchedFileView],
                summary="Files taken from the watched folders, newest first")
    def watched(
        db: Db,
        status: Annotated[Literal["queued", "duplicate", "failed"] | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> list[WatchedFileView]:
        with session_scope(db) as session:
            query = select(WatchedFileRow).order_by(col(WatchedFileRow.created_at).desc())
            if status is not None:
                query = query.where(WatchedFileRow.status == status)
            return [
                WatchedFileView(name=PurePath(row.path).name, status=row.status,
                                error=row.error, meeting_id=row.meeting_id,
                                created_at=utc_iso(row.created_at))
                for row in session.exec(query.limit(limit))
            ]

    app.include_router(router)
    app.include_router(pages.router(guard, FORMATS))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", response_model=Health, summary="200 when the database answers")
    def healthz() -> Any:
        try:
            with get_engine(settings.resolved_database_url).connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except Exception as exc:
            return error_response(503, "database_unavailable", f"Database: {exc}")
        return {"status": "ok"}

    return app


def attachment(name: str) -> str:
    """A Content-Disposition that keeps a Japanese title (RFC 6266) and is safe in a header."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def upload_options(fields: dict[str, str]) -> dict[str, Any]:
    """The optional form fields, checked: language and speaker-count hints."""
    from diarize import SpeakerHints

    options: dict[str, Any] = {}
    for key, limit in (("place", 200), ("date", 10)):
        value = fields.get(key, "").strip()
        if len(value) > limit:
            raise InvalidInputError(f"{key} is longer than {limit} characters.")
        if key == "date" and value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise InvalidInputError("date must be written YYYY-MM-DD.")
        if value:
            options[key] = value
    language = fields.get("language", "").strip().lower()
    if language and language != "auto":
        if not (2 <= len(language) <= 3 and language.isascii() and language.isalpha()):
            raise InvalidInputError(f"Unknown language {language!r}: use auto, ja, en...")
        options["language"] = language
    counts: dict[str, int | None] = {}
    for key in ("num_speakers", "min_speakers", "max_speakers"):
        value = fields.get(key, "").strip()
        if value:
            if not value.isdigit() or not 1 <= int(value) <= 100:
                raise InvalidInputError(f"{key} must be a whole number from 1 to 100.")
            counts[key] = int(value)
    try:
        SpeakerHints(**counts)  # refuses min > max
    except GijirokuError as exc:
        raise InvalidInputError(exc.message) from exc
    options.update(counts)
    return options
