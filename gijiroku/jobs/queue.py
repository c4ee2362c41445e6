"""Where job ids wait for a worker: Huey on Redis, or on a SQLite file in the data directory.
A message is only a wake-up call carrying a job id; the database holds the job's state."""

from __future__ import annotations

from huey import Huey

from gijiroku.config import Settings
from gijiroku.jobs.runtime import run_job

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
        self._task = self.huey.task(name=TASK_NAME)(run_job)

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


__all__ = ["QUEUE_FILE", "JobQueue"]
