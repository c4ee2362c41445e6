"""Running a job: its stages (`gijiroku.stages`) in order, each storing its output as soon as
it is done.

A job runs the meeting's stages in order, skipping those already completed, so a crash or a
re-run resumes after the last finished stage. A stage that fails marks the job and meeting
failed with its reason (or queued again, when a retry policy allows); everything stored by
earlier stages stays. A job is claimed before it runs and held by a lease that is renewed
while it runs, so exactly one worker runs it and a dead worker's job can be taken over. The
pipeline knows nothing of HTTP or queues: the CLI, the API and the workers all go through
`Pipeline.execute` (`Pipeline.run` in the foreground).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Engine

from gijiroku.config import Settings
from gijiroku.domain import Progress, no_progress
from gijiroku.errors import (
    GijirokuError,
    JobCancelled,
    JobInterrupted,
    JobNotClaimable,
    StageError,
)
from gijiroku.stages import Stage, StageContext, stages_named
from gijiroku.stages.base import drop_decoded
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import JobRow, utcnow

log = logging.getLogger(__name__)


def worker_name() -> str:
    """Who holds a job: host, process and thread, so a restarted worker is a new holder."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_native_id()}"


class Lease:
    """A claimed job's hold: renewed in the background while the job runs, and the place
    the running job asks whether to stop (cancelled, taken over, or the worker stopping)."""

    def __init__(
        self,
        engine: Engine,
        job_id: str,
        worker: str,
        seconds: float,
        stopping: threading.Event | None = None,
    ) -> None:
        self.engine, self.job_id, self.worker, self.seconds = engine, job_id, worker, seconds
        self.stopping = stopping or threading.Event()
        self.cancelled = threading.Event()
        self.lost = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._renew_loop, name=f"lease-{job_id[:8]}",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=10)

    def _renew_loop(self) -> None:
        while not self._done.wait(self.seconds / 3):
            try:
                with session_scope(self.engine) as session:
                    job = repository.renew_lease(session, self.job_id, self.worker, self.seconds)
                    self.note(job)
            except Exception:  # the database may be briefly away; the next renewal retries
                log.warning("could not renew the lease of job %s", self.job_id, exc_info=True)

    def note(self, job: JobRow | None) -> None:
        """Take in the job's row as just read or written."""
        if job is None or job.worker != self.worker or job.status != "running":
            self.lost.set()
        elif job.cancel_requested:
            self.cancelled.set()

    def check(self) -> None:
        """Raise when the job must stop now; called between stages and on every progress."""
        if self.cancelled.is_set():
            raise JobCancelled("The job was cancelled.")
        if self.lost.is_set():
            raise JobInterrupted("Another worker took this job over.")
        if self.stopping.is_set():
            raise JobInterrupted("The worker is stopping; the job will continue later.")


class _JobProgress:
    """Turns a stage's (completed, total) into the job's overall fraction, written at most
    once a second (or on a stage change) so progress never floods the database."""

    def __init__(self, lease: Lease, stages: Sequence[Stage], echo: Progress):
        self.lease, self.echo = lease, echo
        total = sum(s.weight for s in stages) or 1.0
        self.starts: dict[str, float] = {}
        self.weights: dict[str, float] = {}
        done = 0.0
        for stage in stages:
            self.starts[stage.name] = done / total
            self.weights[stage.name] = stage.weight / total
            done += stage.weight
        self.last_write = 0.0

    def __call__(self, stage: str, completed: float, total: float) -> None:
        self.lease.check()
        self.echo(stage, completed, total)
        fraction = min(1.0, completed / total) if total > 0 else 0.0
        overall = self.starts.get(stage, 0.0) + self.weights.get(stage, 0.0) * fraction
        now = time.monotonic()
        if now - self.last_write >= 1.0 or fraction >= 1.0:
            self.last_write = now
            self.write(stage=stage, progress=round(overall, 4))

    def write(self, **fields: object) -> None:
        with session_scope(self.lease.engine) as session:
            self.lease.note(repository.update_job(session, self.lease.job_id, **fields))
        self.lease.check()


#: How a run leaves its job and meeting (both take the same word): queued again, or finished.
RunEnd = Literal["queued", "done", "failed", "cancelled"]

#: Given a transient error and the attempts made so far: seconds until the next attempt,
#: or None for no more attempts.
RetryPolicy = Callable[[GijirokuError, int], float | None]


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one run of a job ended: done | failed | cancelled | retry (again after
    `retry_in` seconds) | requeued (interrupted; run it again now) | lost (another worker
    took it over) | not_claimed (it was not waiting to run)."""

    status: Literal["done", "failed", "cancelled", "retry", "requeued", "lost", "not_claimed"]
    error: GijirokuError | None = None
    retry_in: float | None = None


class Pipeline:
    def __init__(self, engine: Engine, settings: Settings, stages: Sequence[Stage] | None = None):
        self.engine = engine
        self.settings = settings
        self.stages = list(stages) if stages is not None else None

    def run(self, job_id: str, progress: Progress = no_progress) -> None:
        """Run a queued job here and now; raises the error it failed with, after storing it."""
        outcome = self.execute(job_id, progress)
        if outcome.status == "not_claimed":
            raise JobNotClaimable(f"Job {job_id} is not waiting to run.")
        if outcome.error is not None and outcome.status in ("failed", "cancelled", "requeued"):
            raise outcome.error

    def execute(
        self,
        job_id: str,
        progress: Progress = no_progress,
        *,
        retry: RetryPolicy | None = None,
        stopping: threading.Event | None = None,
    ) -> Outcome:
        """Claim the job, run its remaining stages and store how it ended.

        Stages already completed for the meeting are skipped, so a job taken over from a
        dead worker resumes after the last stored stage. Never raises for a failed stage."""
        worker = worker_name()
        with session_scope(self.engine) as session:
            job = repository.claim_job(session, job_id, worker, self.settings.job_lease_seconds)
            if job is None:
                return Outcome("not_claimed")
            meeting_id, attempts, names = job.meeting_id, job.attempts, job.stages
            replace_edits = job.replace_edits
            repository.update_meeting(session, meeting_id, status="processing")
        outcome = self._run_claimed(job_id, worker, meeting_id, attempts, names, replace_edits,
                                    progress, retry, stopping)
        if outcome.status in ("done", "failed", "cancelled"):  # the job has ended
            drop_decoded(self.settings.data_dir, meeting_id)
        return outcome

    def _run_claimed(
        self, job_id: str, worker: str, meeting_id: str, attempts: int,
        names: list[str] | None, replace_edits: bool, progress: Progress,
        retry: RetryPolicy | None, stopping: threading.Event | None,
    ) -> Outcome:
        stages = self.stages if self.stages is not None else stages_named(names, self.settings)
        lease = Lease(self.engine, job_id, worker, self.settings.job_lease_seconds, stopping)
        lease.start()
        # whether a passing failure now would be tried again (the policy counts attempts)
        retries_left = retry is not None and retry(StageError("probe"), attempts) is not None
        try:
            self._run_stages(meeting_id, stages, lease, progress, replace_edits, retries_left)
        except JobCancelled as exc:
            self._finish(lease, meeting_id, "cancelled", exc)
            return Outcome("cancelled", exc)
        except JobInterrupted as exc:
            if lease.lost.is_set():  # another worker runs it now: leave everything to it
                return Outcome("lost", exc)
            self._finish(lease, meeting_id, "queued", exc)
            return Outcome("requeued", exc)
        except KeyboardInterrupt:
            self._finish(lease, meeting_id, "queued", JobInterrupted("The worker was stopped."))
            raise
        except GijirokuError as exc:
            delay = retry(exc, attempts) if retry is not None and not exc.permanent else None
            if delay is not None:
                log.warning("%s: attempt %d failed, again in %.0fs: %s", meeting_id, attempts,
                            delay, exc)
                self._finish(lease, meeting_id, "queued", exc)
                return Outcome("retry", exc, delay)
            log.warning("%s: failed: %s", meeting_id, exc)
            self._finish(lease, meeting_id, "failed", exc)
            return Outcome("failed", exc)
        finally:
            lease.stop()
        self._finish(lease, meeting_id, "done")
        return Outcome("done")

    def _run_stages(
        self, meeting_id: str, stages: Sequence[Stage], lease: Lease, echo: Progress,
        replace_edits: bool, retries_left: bool,
    ) -> None:
        with session_scope(self.engine) as session:
            completed = set(repository.get_meeting_row(session, meeting_id).completed_stages)
        reporter = _JobProgress(lease, stages, echo)
        context = StageContext(meeting_id, self.engine, self.settings, reporter, replace_edits,
                               retries_left)
        for stage in stages:
            lease.check()
            if stage.name in completed:
                continue
            reporter.write(stage=stage.name)
            started = time.monotonic()
            try:
                stage.run(context)
            except GijirokuError:
                raise
            except Exception as exc:
                raise StageError(f"The {stage.name} step failed: {exc}") from exc
            with session_scope(self.engine) as session:
                repository.mark_stage_done(session, meeting_id, stage.name)
            reporter(stage.name, 1.0, 1.0)
            log.info("%s: %s done in %.1fs", meeting_id, stage.name, time.monotonic() - started)

    def _finish(
        self, lease: Lease, meeting_id: str, status: RunEnd, error: GijirokuError | None = None
    ) -> None:
        """Record the end of a run, unless another worker has taken the job over since."""
        fields: dict[str, Any] = {"status": status}
        if status == "done":
            fields.update(progress=1.0, stage=None, error=None, error_code=None)
        elif error is not None:
            fields.update(error=error.message, error_code=error.code)
        if status != "queued":
            fields["finished_at"] = utcnow()
        else:
            fields["worker"] = None
        with session_scope(self.engine) as session:
            if repository.finish_job(session, lease.job_id, lease.worker, **fields):
                repository.update_meeting(session, meeting_id, status=status)




__all__ = ["Lease", "Outcome", "Pipeline", "RetryPolicy", "RunEnd", "worker_name"]
