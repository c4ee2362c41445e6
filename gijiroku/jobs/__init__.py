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

from gijiroku.jobs.queue import JobQueue
from gijiroku.jobs.recovery import Recovered, cancel, recover, retry_policy
from gijiroku.jobs.workers import EmbeddedWorker, prepare, run_worker

__all__ = [
    "EmbeddedWorker", "JobQueue", "Recovered", "cancel", "prepare", "recover", "retry_policy",
    "run_worker",
]
