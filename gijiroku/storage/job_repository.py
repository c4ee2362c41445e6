"""Job rows: created, claimed by one worker under a lease, renewed, finished, taken back from
dead workers. Every change is one conditional UPDATE, so two workers never both win."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from gijiroku.errors import JobNotFoundError
from gijiroku.storage.tables import JobRow, utcnow


def create_job(
    session: Session, *, meeting_id: str, stages: list[str] | None = None,
    replace_edits: bool = False,
) -> JobRow:
    job = JobRow(meeting_id=meeting_id, stages=stages, replace_edits=replace_edits)
    session.add(job)
    session.flush()
    return job


def claim_job(session: Session, job_id: str, worker: str, lease_seconds: float) -> JobRow | None:
    """Take a queued job for `worker`, atomically: of two workers given the same job (a
    message delivered twice, say), exactly one gets it. None when it is not claimable."""
    now = utcnow()
    claimed = session.execute(
        update(JobRow)
        .where(
            col(JobRow.id) == job_id,
            col(JobRow.status) == "queued",
            col(JobRow.cancel_requested).is_(False),
        )
        .values(
            status="running", worker=worker, lease_until=now + timedelta(seconds=lease_seconds),
            started_at=now, finished_at=None, error=None, error_code=None,
            attempts=col(JobRow.attempts) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(JobRow, job_id, populate_existing=True)


def renew_lease(
    session: Session, job_id: str, worker: str, lease_seconds: float
) -> JobRow | None:
    """Extend the worker's hold on a running job; None if the job is no longer its own."""
    renewed = session.execute(
        update(JobRow)
        .where(
            col(JobRow.id) == job_id, col(JobRow.worker) == worker,
            col(JobRow.status) == "running",
        )
        .values(lease_until=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    if renewed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(JobRow, job_id, populate_existing=True)


def finish_job(session: Session, job_id: str, holder: str, **fields: Any) -> bool:
    """Move a running job out of `running`, only if `holder` (a worker) still holds it."""
    fields.setdefault("lease_until", None)
    finished = session.execute(
        update(JobRow)
        .where(
            col(JobRow.id) == job_id, col(JobRow.worker) == holder,
            col(JobRow.status) == "running",
        )
        .values(**fields)
        .execution_options(synchronize_session=False)
    )
    return bool(finished.rowcount == 1)  # type: ignore[attr-defined]


def expired_jobs(session: Session, now: datetime) -> list[str]:
    """Running jobs whose lease ran out: their worker died or lost the database."""
    return list(session.exec(
        select(JobRow.id).where(
            col(JobRow.status) == "running", col(JobRow.lease_until) < now
        )
    ).all())


def requeue_expired(session: Session, job_id: str, now: datetime, **fields: Any) -> bool:
    """Take an expired job back from its dead worker (once, whoever else tries too)."""
    taken = session.execute(
        update(JobRow)
        .where(
            col(JobRow.id) == job_id, col(JobRow.status) == "running",
            col(JobRow.lease_until) < now,
        )
        .values(worker=None, lease_until=None, **fields)
        .execution_options(synchronize_session=False)
    )
    return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


def queued_jobs(session: Session, created_before: datetime) -> list[str]:
    return list(session.exec(
        select(JobRow.id).where(
            col(JobRow.status) == "queued", col(JobRow.created_at) < created_before,
            col(JobRow.cancel_requested).is_(False),
        ).order_by(col(JobRow.created_at))
    ).all())


def get_job(session: Session, job_id: str) -> JobRow | None:
    return session.get(JobRow, job_id)


def update_job(session: Session, job_id: str, **fields: Any) -> JobRow:
    job = session.get(JobRow, job_id)
    if job is None:
        raise JobNotFoundError(f"No job with id {job_id!r}.")
    for name, value in fields.items():
        setattr(job, name, value)
    session.add(job)
    return job


def latest_jobs(session: Session, meeting_ids: list[str]) -> dict[str, JobRow]:
    """Each meeting's most recent job."""
    latest: dict[str, JobRow] = {}
    if not meeting_ids:
        return latest
    for job in session.exec(
        select(JobRow).where(col(JobRow.meeting_id).in_(meeting_ids))
        .order_by(col(JobRow.created_at))
    ):
        latest[job.meeting_id] = job
    return latest


__all__ = [
    "claim_job",
    "create_job",
    "expired_jobs",
    "finish_job",
    "get_job",
    "latest_jobs",
    "queued_jobs",
    "renew_lease",
    "requeue_expired",
    "update_job",
]
