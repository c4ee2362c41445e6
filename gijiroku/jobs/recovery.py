"""Jobs whose worker went away or whose message was lost, cancelling, and the retry policy."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Engine, update
from sqlmodel import col

from gijiroku.config import Settings
from gijiroku.errors import GijirokuError, JobAbandoned, JobNotFoundError
from gijiroku.pipeline import RetryPolicy
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import JobRow, utcnow

if TYPE_CHECKING:
    from gijiroku.jobs.queue import JobQueue

log = logging.getLogger(__name__)


def retry_policy(settings: Settings) -> RetryPolicy:
    """Transient failures are tried up to `job_max_attempts` times, waiting
    `job_retry_seconds`, then twice as long each time."""

    def policy(error: GijirokuError, attempts: int) -> float | None:
        if attempts >= settings.job_max_attempts:
            return None
        return float(settings.job_retry_seconds * 2 ** (attempts - 1))

    return policy


def cancel(engine: Engine, job_id: str) -> str:
    """Cancel a job: a queued one at once, a running one at its next progress report (within
    about a second). Returns the job's status after the request; finished jobs are left as
    they are. What earlier stages stored is kept."""
    with session_scope(engine) as session:
        stopped = session.execute(
            update(JobRow)
            .where(col(JobRow.id) == job_id, col(JobRow.status) == "queued")
            .values(status="cancelled", cancel_requested=True, finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        job = session.get(JobRow, job_id, populate_existing=True)
        if job is None:
            raise JobNotFoundError(f"No job with id {job_id!r}.")
        if stopped.rowcount == 1:  # type: ignore[attr-defined]
            repository.update_meeting(session, job.meeting_id, status="cancelled")
        elif job.status == "running":
            job.cancel_requested = True
            session.add(job)
        return job.status


@dataclass
class Recovered:
    requeued: list[str] = field(default_factory=list)  # taken back from dead workers
    abandoned: list[str] = field(default_factory=list)  # failed: workers died too often
    resent: list[str] = field(default_factory=list)  # queued jobs no message carried


def recover(engine: Engine, queue: JobQueue, settings: Settings) -> Recovered:
    """Take back jobs of dead workers and re-send queued jobs whose message was lost.

    Safe to run from every worker at once: each job is taken back by one of them, and a
    message sent twice still runs its job once."""
    now = utcnow()
    found = Recovered()
    with session_scope(engine) as session:
        expired = repository.expired_jobs(session, now)
    for job_id in expired:
        with session_scope(engine) as session:
            job = repository.get_job(session, job_id)
            if job is None:
                continue
            status: Literal["queued", "failed"]
            fields: dict[str, Any] = {}
            if job.attempts >= settings.job_max_attempts:
                error: GijirokuError = JobAbandoned(
                    f"Processing stopped {job.attempts} times before it finished (the worker "
                    "was killed, crashed or ran out of memory), so it is not tried again. "
                    "Check the worker's log, then re-run it."
                )
                status, fields["finished_at"] = "failed", now
            else:
                error = GijirokuError(
                    f"The worker stopped during the {job.stage or 'first'} step; the job "
                    "continues from the last finished step."
                )
                status = "queued"
            if not repository.requeue_expired(session, job_id, now, status=status,
                                              error=error.message, error_code=error.code,
                                              **fields):
                continue
            repository.update_meeting(session, job.meeting_id, status=status)
        if status == "queued":
            queue.enqueue(job_id)
            found.requeued.append(job_id)
        else:
            found.abandoned.append(job_id)
        log.warning("job %s: its worker stopped; %s", job_id, status)
    settle = now - timedelta(seconds=max(10.0, settings.job_lease_seconds))
    with session_scope(engine) as session:
        queued = repository.queued_jobs(session, settle)
    if queued:
        carried = queue.waiting()
        for job_id in queued:
            if job_id not in carried:
                queue.enqueue(job_id)
                found.resent.append(job_id)
                log.warning("job %s: queued without a message; sent again", job_id)
    return found


__all__ = ["Recovered", "cancel", "recover", "retry_policy"]
