"""Jobs: re-run a stage, a job's state, cancel, and progress as server-sent events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine

from api.deps import Db, Send
from api.schemas import JobView, Rerun
from gijiroku import reruns
from gijiroku.domain import FINISHED
from gijiroku.errors import JobNotFoundError
from gijiroku.jobs import cancel
from gijiroku.storage import repository, session_scope

router = APIRouter()


def job_view(db: Engine, job_id: str) -> JobView:
    with session_scope(db) as session:
        row = repository.get_job(session, job_id)
        if row is None:
            raise JobNotFoundError(f"No job with id {job_id!r}.")
        return JobView.of(row)


@router.post("/meetings/{meeting_id}/rerun", status_code=202, response_model=JobView,
             summary="Run diarization or the minutes again")
def rerun(meeting_id: str, body: Rerun, db: Db, send: Send) -> JobView:
    job_id = reruns.queue_rerun(db, meeting_id, reruns.Rerun(**body.model_dump()))
    send(job_id)
    return job_view(db, job_id)


@router.post("/meetings/{meeting_id}/retry", status_code=202, response_model=JobView,
             summary="Run a failed or cancelled job again from the step that failed")
def retry(meeting_id: str, db: Db, send: Send) -> JobView:
    job_id = reruns.retry(db, meeting_id)
    send(job_id)
    return job_view(db, job_id)


@router.get("/jobs/{job_id}", response_model=JobView, summary="Job state and progress")
def job(job_id: str, db: Db) -> JobView:
    return job_view(db, job_id)


@router.post("/jobs/{job_id}/cancel", response_model=JobView, summary="Cancel a job")
def cancel_job(job_id: str, db: Db) -> JobView:
    cancel(db, job_id)
    return job_view(db, job_id)


@router.get("/jobs/{job_id}/events", summary="Job progress as server-sent events",
            response_class=StreamingResponse)
async def job_events(job_id: str, db: Db) -> StreamingResponse:
    job_view(db, job_id)  # 404 before streaming

    async def events() -> AsyncIterator[str]:
        last = None
        while True:
            view = await asyncio.to_thread(job_view, db, job_id)
            data = view.model_dump_json()
            if data != last:
                last = data
                yield f"data: {data}\n\n"
            if view.status in FINISHED:
                return
            await asyncio.sleep(0.5)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache"})
