"""What the queue's one task needs inside a worker: the settings, the queue, a stop flag, and
the task itself, which runs a job and sends it again when it must go on."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from gijiroku.config import Settings
from gijiroku.jobs.recovery import recover, retry_policy
from gijiroku.pipeline import Outcome, Pipeline
from gijiroku.storage import open_database

if TYPE_CHECKING:
    from gijiroku.jobs.queue import JobQueue

log = logging.getLogger(__name__)


class Runtime:
    """What the queue's task needs in a worker: settings, the queue, and a stop flag."""

    def __init__(self, settings: Settings, queue: JobQueue) -> None:
        self.settings = settings
        self.queue = queue
        self.stopping = threading.Event()
        #: The `gijiroku worker` process whose forked worker processes end with it.
        self.parent: int | None = None
        self.retry = retry_policy(settings)
        self.recover_every = min(30.0, max(0.5, settings.job_lease_seconds / 2))
        self._last_recovery = 0.0
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        return open_database(self.settings.resolved_database_url)

    def maybe_recover(self) -> None:
        with self._lock:
            if time.monotonic() - self._last_recovery < self.recover_every:
                return
            self._last_recovery = time.monotonic()
        try:
            recover(self.engine, self.queue, self.settings)
        except Exception:  # the database or queue may be briefly away: try again later
            log.warning("recovery pass failed", exc_info=True)


_RUNTIME: Runtime | None = None


def install(runtime: Runtime) -> None:
    """Make `runtime` the one the queue's task uses in this process."""
    global _RUNTIME
    _RUNTIME = runtime


def current() -> Runtime | None:
    return _RUNTIME


def run_job(job_id: str) -> None:
    """The queue's one task: run a job in this worker, then re-send it if it must go on."""
    runtime = _RUNTIME
    if runtime is None:  # a consumer started without `start_worker`: configure from the env
        raise RuntimeError("Gijiroku's job runtime is not set up in this process.")
    pipeline = Pipeline(runtime.engine, runtime.settings)
    try:
        outcome = pipeline.execute(job_id, retry=runtime.retry, stopping=runtime.stopping)
    except KeyboardInterrupt:  # the worker process was told to stop now (SIGTERM)
        runtime.queue.enqueue(job_id)
        log.warning("job %s: interrupted; queued to continue later", job_id)
        raise
    _after(runtime, job_id, outcome)


#: Huey names a task after its function's module: keep the name messages have carried since
#: the queue was one module, so jobs queued before an upgrade still find their task.
run_job.__module__ = "gijiroku.jobs"


def _after(runtime: Runtime, job_id: str, outcome: Outcome) -> None:
    if outcome.status == "retry":
        runtime.queue.enqueue(job_id, delay=outcome.retry_in)
    elif outcome.status == "requeued":
        runtime.queue.enqueue(job_id)
    log.info("job %s: %s%s", job_id, outcome.status,
             f" ({outcome.error.code}: {outcome.error})" if outcome.error else "")


__all__ = ["Runtime", "current", "install", "run_job"]
