"""Worker processes: `gijiroku worker` (forked processes, one per GPU or as configured) and
the worker thread inside `gijiroku serve`, on Huey's consumer."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from typing import Any

from huey.consumer import Consumer, Scheduler, Worker

from gijiroku import gpus
from gijiroku.config import Settings
from gijiroku.errors import ConfigError, GijirokuError
from gijiroku.jobs import runtime
from gijiroku.jobs.queue import JobQueue
from gijiroku.jobs.runtime import Runtime
from gijiroku.stages import preload
from gijiroku.storage import close_database, open_database

log = logging.getLogger(__name__)


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
        running = runtime.current()
        if running is not None and should_preload(running.settings):
            started = time.monotonic()
            try:
                preload(running.settings)
                log.info("models loaded in %.1f s", time.monotonic() - started)
            except GijirokuError as error:  # jobs will fail with the same clear message
                log.error("models could not be loaded: %s", error)
        super().initialize()

    def loop(self, now: Any = None) -> None:
        running = runtime.current()
        if running is not None:
            running.maybe_recover()
        super().loop(now)


class _Scheduler(Scheduler):
    def initialize(self) -> None:
        _child_started()
        super().initialize()


def _child_started() -> None:
    running = runtime.current()
    if running is not None and running.parent is not None:
        _die_with_parent(running.parent)


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


def should_preload(settings: Settings) -> bool:
    return settings.preload_models if settings.preload_models is not None else gpus.on_gpu(settings)


def gpu_pins(settings: Settings, per_gpu: int) -> list[str]:
    """On GPUs: `per_gpu` worker processes for each GPU chosen by GIJIROKU_GPUS, as the
    CUDA_VISIBLE_DEVICES value of each; empty when not on a GPU or the GPUs cannot be told
    apart (then every process uses the default GPU)."""
    if not gpus.on_gpu(settings):
        return []
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
    try:
        queue.waiting()  # reaches the queue's storage now, so a wrong address fails at start
    except Exception as exc:  # redis-py's and SQLite's errors share no base class
        where = "GIJIROKU_REDIS_URL" if settings.redis_url else "GIJIROKU_DATA_DIR"
        raise ConfigError(f"The job queue ({queue.describe()}) cannot be reached: "
                          f"{str(exc).rstrip('.')} ({where}).") from exc
    return queue


def run_worker(settings: Settings, workers: int | None = None) -> None:
    """`gijiroku worker`: run jobs in `workers` processes until SIGINT (finish the running
    jobs first) or SIGTERM (stop now; running jobs are queued to continue later)."""
    count = workers or settings.workers
    pinned = gpu_pins(settings, count)
    if pinned:
        count = len(pinned)
    settings = worker_settings(settings, count)
    queue = prepare(settings)
    # Forked worker processes must not share the parent's database connections.
    close_database(settings.resolved_database_url)
    parent = Runtime(settings, queue)
    parent.parent = os.getpid()
    runtime.install(parent)  # the forked processes inherit it
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
        runtime.install(self.runtime)
        self.consumer.start()

    def stop(self) -> None:
        """A running job stops at its next progress report and is queued to continue."""
        self.runtime.stopping.set()
        self.consumer.stop(graceful=True)


__all__ = ["EmbeddedWorker", "prepare", "run_worker"]
