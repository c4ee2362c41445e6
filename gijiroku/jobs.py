"""The job queue: Huey carries job ids to workers; the database holds every job's state.

Embedded default: Huey's SQLite storage in the data directory and one worker thread inside
`gijiroku serve`. At scale: Redis (`GIJIROKU_REDIS_URL`) and `gijiroku worker` on each
machine, all sharing one PostgreSQL database and one data path.

A queue message is only a wake-up call carrying a job id. A worker claims the job in the
database before running it (`Pipeline.execute`), so a message delivered twice still runs the
job once, and state and progress live where the web view reads them whatever the queue.
Messages can be lost: a worker killed after taking one, or Redis restarted without
persistence. So every worker regularly takes back running jobs whose lease ran out (their
worker died) and sends again queued jobs that no message carries. A job taken back resumes
after its last stored stage; one whose workers keep dying is failed after
`GIJIROKU_JOB_MAX_ATTEMPTS` tries rather than crash workers forever.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from huey import Huey
from huey.consumer import Consumer, Scheduler, Worker
from sqlalchemy import Engine, update
from sqlmodel import col

from gijiroku.config import Settings
from gijiroku.errors import GijirokuError, JobAbandoned, JobNotFoundError
from gijiroku.pipeline import Outcome, Pipeline, RetryPolicy
from gijiroku.storage import close_database, open_database, repository, session_scope
from gijiroku.storage.tables import JobRow, utcnow

log = logging.getLogger(__name__)

QUEUE_FILE = "queue.db"
TASK_NAME = "run_job"


class JobQueue:
    """Where job ids wait for a worker: Redis when configured, else a SQLite file."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.huey: Huey
        if settings.redis_url:
            from huey import RedisHuey

            self.huey = RedisHuey(
                settings.queue_name, url=settings.redis_url, results=False, blocking=True,
                read_timeout=1,
            )
        else:
            from huey import SqliteHuey

            settings.data_dir.mkdir(parents=True, exist_ok=True)
            self.huey = SqliteHuey(
                settings.queue_name, filename=str(settings.data_dir / QUEUE_FILE),
                results=False, timeout=30,
            )
        self._task = self.huey.task(name=TASK_NAME)(_run_job)

    def enqueue(self, job_id: str, delay: float | None = None) -> None:
        if delay:
            self._task.schedule(args=(job_id,), delay=delay)
        else:
            self._task(job_id)

    def waiting(self) -> set[str]:
        """Job ids that a message in the queue or the schedule (retries) still carries."""
        tasks = [*self.huey.pending(), *self.huey.scheduled()]
        return {str(task.args[0]) for task in tasks if task.args}

    def describe(self) -> str:
        if self.settings.redis_url:
            from redis.connection import parse_url

            where = parse_url(self.settings.redis_url)
            return f"Redis {where.get('host', 'localhost')}:{where.get('port', 6379)}"
        return f"SQLite {self.settings.data_dir / QUEUE_FILE}"

    def close(self) -> None:
        self.huey.storage.close()


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


def _run_job(job_id: str) -> None:
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


def _after(runtime: Runtime, job_id: str, outcome: Outcome) -> None:
    if outcome.status == "retry":
        runtime.queue.enqueue(job_id, delay=outcome.retry_in)
    elif outcome.status == "requeued":
        runtime.queue.enqueue(job_id)
    log.info("job %s: %s%s", job_id, outcome.status,
             f" ({outcome.error.code}: {outcome.error})" if outcome.error else "")


class _Worker(Worker):
    """Huey's worker, also running the recovery pass when idle between jobs."""

    #: The GPU (UUID) this worker process is pinned to; None: the default device.
    gpu: str | None = None

    def initialize(self) -> None:
        _child_started()
        if self.gpu is not None:  # a forked process, before CUDA starts in it
            os.environ["CUDA_VISIBLE_DEVICES"] = self.gpu
            log.info("worker process %d: CUDA_VISIBLE_DEVICES=%s", os.getpid(),
                     os.environ.get("CUDA_VISIBLE_DEVICES"))
        if _RUNTIME is not None and should_preload(_RUNTIME.settings):
            from gijiroku.stages import preload

            started = time.monotonic()
            try:
                preload(_RUNTIME.settings)
                log.info("models loaded in %.1f s", time.monotonic() - started)
            except GijirokuError as error:  # jobs will fail with the same clear message
                log.error("models could not be loaded: %s", error)
        super().initialize()

    def loop(self, now: Any = None) -> None:
        if _RUNTIME is not None:
            _RUNTIME.maybe_recover()
        super().loop(now)


class _Scheduler(Scheduler):
    def initialize(self) -> None:
        _child_started()
        super().initialize()


def _child_started() -> None:
    if _RUNTIME is not None and _RUNTIME.parent is not None:
        _die_with_parent(_RUNTIME.parent)


class _Consumer(Consumer):
    worker_class = _Worker
    scheduler_class = _Scheduler

    def __init__(self, *args: Any, embedded: bool = False, gpus: list[str] | None = None,
                 **kwargs: Any) -> None:
        self.embedded = embedded
        self.gpus = gpus or []
        self.made = 0
        super().__init__(*args, **kwargs)

    def _create_worker(self) -> _Worker:
        worker: _Worker = super()._create_worker()
        if self.gpus:  # the i-th worker process gets the i-th pin (restarts keep theirs)
            worker.gpu = self.gpus[self.made % len(self.gpus)]
        self.made += 1
        return worker

    def _set_signal_handlers(self) -> None:
        if not self.embedded:  # inside `serve`, the server owns the signals
            super()._set_signal_handlers()


def _die_with_parent(parent: int) -> None:
    """A worker process ends with its `gijiroku worker` parent, even one killed with
    SIGKILL: an orphan would go on holding jobs that a restarted worker should resume."""
    if sys.platform != "linux" or os.getpid() == parent:
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def on_gpu(settings: Settings) -> bool:
    """Whether jobs here run on a GPU, decided without initialising CUDA (workers fork)."""
    devices = {settings.device, settings.diarize_device or settings.device}
    if "cuda" in devices:
        return True
    return "auto" in devices and Path("/dev/nvidiactl").exists()


def should_preload(settings: Settings) -> bool:
    return settings.preload_models if settings.preload_models is not None else on_gpu(settings)


def gpu_pins(settings: Settings, per_gpu: int) -> list[str]:
    """On GPUs: `per_gpu` worker processes for each GPU chosen by GIJIROKU_GPUS, as the
    CUDA_VISIBLE_DEVICES value of each; empty when not on a GPU or the GPUs cannot be told
    apart (then every process uses the default GPU)."""
    if not on_gpu(settings):
        return []
    from gijiroku import gpus

    listed = gpus.visible()
    pinned = gpus.plan(settings.gpus, per_gpu, listed)
    for gpu in listed or []:
        if gpu.uuid in pinned:
            log.info("GPU %s: %d worker process(es)", gpu.describe(), pinned.count(gpu.uuid))
    return pinned


def worker_settings(settings: Settings, workers: int) -> Settings:
    """Split the CPU between worker processes unless a thread count is configured."""
    if settings.cpu_threads or workers <= 1:
        return settings
    return settings.model_copy(update={"cpu_threads": max(1, (os.cpu_count() or 1) // workers)})


def prepare(settings: Settings) -> JobQueue:
    """Check the database (migrating it) and the queue before any worker starts."""
    open_database(settings.resolved_database_url)
    queue = JobQueue(settings)
    queue.waiting()  # reaches the queue's storage now, so a wrong address fails at start
    return queue


def run_worker(settings: Settings, workers: int | None = None) -> None:
    """`gijiroku worker`: run jobs in `workers` processes until SIGINT (finish the running
    jobs first) or SIGTERM (stop now; running jobs are queued to continue later)."""
    global _RUNTIME
    count = workers or settings.workers
    pinned = gpu_pins(settings, count)
    if pinned:
        count = len(pinned)
    settings = worker_settings(settings, count)
    queue = prepare(settings)
    # Forked worker processes must not share the parent's database connections.
    close_database(settings.resolved_database_url)
    _RUNTIME = Runtime(settings, queue)
    _RUNTIME.parent = os.getpid()
    log.info("worker: %d process(es) on the %s queue", count, queue.describe())
    consumer = _Consumer(
        queue.huey, workers=count, worker_type="process", periodic=False, max_delay=1.0,
        health_check_interval=5, gpus=pinned,
    )
    consumer.run()


class EmbeddedWorker:
    """The worker inside `gijiroku serve`: one thread, stopped with the server."""

    def __init__(self, settings: Settings, queue: JobQueue) -> None:
        self.runtime = Runtime(settings, queue)
        self.consumer = _Consumer(
            queue.huey, workers=1, worker_type="thread", periodic=False, max_delay=1.0,
            embedded=True, shutdown_timeout=30,
        )

    def start(self) -> None:
        global _RUNTIME
        _RUNTIME = self.runtime
        self.consumer.start()

    def stop(self) -> None:
        """A running job stops at its next progress report and is queued to continue."""
        self.runtime.stopping.set()
        self.consumer.stop(graceful=True)


__all__ = [
    "EmbeddedWorker", "JobQueue", "Recovered", "cancel", "prepare", "recover", "retry_policy",
    "run_worker",
]
