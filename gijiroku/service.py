"""What `gijiroku serve` runs beside the web server: the database, the job queue, a worker
in this process (unless `GIJIROKU_SERVE_WORKER=false`) and the watched folders."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy import Engine

from gijiroku import accounts, retention
from gijiroku.config import Settings
from gijiroku.jobs import EmbeddedWorker, JobQueue, prepare
from gijiroku.recordings import remove_abandoned_files, remove_partial_uploads
from gijiroku.storage import open_database
from gijiroku.watch import FolderWatcher, take_file

log = logging.getLogger(__name__)


class Service:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.queue: JobQueue | None = None
        self.worker: EmbeddedWorker | None = None
        self.watcher: FolderWatcher | None = None
        self._stopping = threading.Event()
        self._retention: threading.Thread | None = None

    @property
    def engine(self) -> Engine:
        return open_database(self.settings.resolved_database_url)

    def start(self) -> None:
        """Fails before starting anything when the database or queue cannot be reached."""
        self.queue = prepare(self.settings)
        removed = remove_partial_uploads(self.settings.data_dir)
        if removed:
            log.info("removed %d upload(s) left half-written: %s", len(removed),
                     ", ".join(removed))
        abandoned = remove_abandoned_files(self.settings.data_dir)
        if abandoned:
            log.info("removed %d temporary file(s) left by stopped processes: %s",
                     len(abandoned), ", ".join(abandoned))
        if self.settings.serve_worker:
            self.worker = EmbeddedWorker(self.settings, self.queue)
            self.worker.start()
        folders = self.settings.watch_dirs
        if folders:
            self.watcher = FolderWatcher(
                folders, self._take, stable_seconds=self.settings.watch_stable_seconds
            )
            self.watcher.start()
        if self.settings.retention_days is not None:
            self._retention = threading.Thread(target=self._keep_retention, daemon=True,
                                               name="gijiroku-retention")
            self._retention.start()
        log.info(
            "queue: %s; worker: %s; watched folders: %s", self.queue.describe(),
            "in this process" if self.worker else "separate (gijiroku worker)",
            ", ".join(str(f) for f in folders) or "none",
        )

    def _keep_retention(self) -> None:
        """Recordings of meetings approved long enough ago removed, every hour."""
        days = self.settings.retention_days
        while days is not None and not self._stopping.is_set():
            try:
                retention.apply(self.engine, self.settings.data_dir, days)
            except Exception:  # a database hiccup: tried again at the next round
                log.exception("retention could not be applied")
            self._stopping.wait(retention.INTERVAL_SECONDS)

    def _take(self, path: Path) -> None:
        assert self.queue is not None
        taken = take_file(self.engine, self.settings.data_dir, path,
                          on_queued=self.queue.enqueue, limits=self.settings.limits,
                          incomplete_seconds=self.settings.watch_incomplete_seconds,
                          folders=self.settings.watch_dirs)
        group = self.settings.watch_group
        if group and taken.status == "queued" and taken.meeting_id:
            accounts.put_in_section(self.engine, taken.meeting_id, name=group)

    def submit(self, job_id: str) -> None:
        """Send a job stored as queued to the workers."""
        assert self.queue is not None, "the service is not started"
        self.queue.enqueue(job_id)

    def stop(self) -> None:
        self._stopping.set()
        if self.watcher is not None:
            self.watcher.stop()
        if self.worker is not None:
            self.worker.stop()
        if self.queue is not None:
            self.queue.close()


__all__ = ["Service"]
