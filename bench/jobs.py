"""Job throughput: how many 1-minute recordings one worker finishes per hour, and what the
queue adds per job compared with running the same pipeline directly.

    .venv/bin/python bench/jobs.py --jobs 12                     # SQLite queue
    .venv/bin/python bench/jobs.py --jobs 12 --redis redis://127.0.0.1:6379/0

Both runs use the default pipeline (decode, transcribe, diarize; no LLM configured) on the
same synthetic 1-minute meeting (bench/long_meeting.py) with warm models:
- direct: `Pipeline.run` on each job in this process, one after another;
- queue: a `gijiroku worker` process (1 worker) takes the same number of jobs, all enqueued
  at once; the first job (model loading) is left out of the steady-state figure.
Queue overhead per job = steady-state seconds per job through the queue - direct seconds
per job. The pick-up delay (enqueue to claim) of an idle worker is reported on its own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / ".cache" / "bench"


def recording() -> Path:
    from bench.long_meeting import build

    path = CACHE / "meeting-1min.flac"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        build(1.0, path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=12)
    parser.add_argument("--redis", help="use this Redis server as the queue")
    args = parser.parse_args()
    path = recording()

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "GIJIROKU_DATA_DIR": str(Path(tmp) / "data"),
            "GIJIROKU_QUEUE_NAME": f"bench-{uuid.uuid4().hex[:8]}",
        }
        if args.redis:
            env["GIJIROKU_REDIS_URL"] = args.redis
        os.environ.update(env)

        from gijiroku.config import load_settings
        from gijiroku.jobs import JobQueue
        from gijiroku.pipeline import Pipeline
        from gijiroku.recordings import accept_file
        from gijiroku.storage import open_database, repository, session_scope

        settings = load_settings()
        engine = open_database(settings.resolved_database_url)

        # Direct: warm the models with one job, then time the rest.
        direct: list[float] = []
        for index in range(args.jobs + 1):
            job_id = accept_file(engine, settings.data_dir, path).job_id
            started = time.perf_counter()
            Pipeline(engine, settings).run(job_id)
            if index:
                direct.append(time.perf_counter() - started)
        per_job_direct = statistics.mean(direct)

        # Queue: one worker process, idle first, then all jobs at once.
        queue = JobQueue(settings)
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("gijiroku")), "worker", "--workers", "1"],
            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            warm = accept_file(engine, settings.data_dir, path).job_id
            queue.enqueue(warm)
            wait_done(engine, [warm])
            time.sleep(2.0)  # idle, as a worker is between arrivals
            probe = accept_file(engine, settings.data_dir, path).job_id
            sent = time.time()
            queue.enqueue(probe)
            wait_done(engine, [probe])
            with session_scope(engine) as session:
                job = repository.get_job(session, probe)
                assert job is not None and job.started_at is not None
                pickup = job.started_at.timestamp() - sent

            jobs = [accept_file(engine, settings.data_dir, path).job_id for _ in range(args.jobs)]
            started = time.perf_counter()
            for job_id in jobs:
                queue.enqueue(job_id)
            wait_done(engine, jobs)
            per_job_queue = (time.perf_counter() - started) / args.jobs
        finally:
            worker.terminate()
            worker.wait()
            queue.close()

    print(f"queue: {'Redis' if args.redis else 'SQLite'}; recording: 60 s; jobs: {args.jobs}")
    print(f"direct:   {per_job_direct:6.2f} s per job (RTF {per_job_direct / 60:.3f})")
    print(f"queue:    {per_job_queue:6.2f} s per job, one worker")
    print(f"overhead: {per_job_queue - per_job_direct:+6.2f} s per job "
          f"({100 * (per_job_queue / per_job_direct - 1):+.1f} %)")
    print(f"pick-up delay of an idle worker: {pickup:.2f} s")
    print(f"jobs per hour, one worker, 1-minute recordings: {3600 / per_job_queue:.0f}")
    return 0


def wait_done(engine: object, jobs: list[str], timeout: float = 3600) -> None:
    from gijiroku.storage import repository, session_scope

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(engine) as session:  # type: ignore[arg-type]
            states = [repository.get_job(session, j) for j in jobs]
        if all(s is not None and s.status in ("done", "failed") for s in states):
            failed = [s.id for s in states if s is not None and s.status == "failed"]
            if failed:
                raise SystemExit(f"jobs failed: {failed}")
            return
        time.sleep(0.05)
    raise SystemExit("timed out")


if __name__ == "__main__":
    sys.exit(main())
