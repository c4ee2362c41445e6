"""`gijiroku worker` processes on the real Redis and PostgreSQL servers of this machine:
twenty jobs between two workers, a worker killed with SIGKILL mid-transcription, cancel, and
a corrupt recording failing once while the next job still runs."""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from gijiroku.config import Settings
from gijiroku.jobs import JobQueue, cancel
from gijiroku.pipeline import Pipeline
from gijiroku.recordings import accept_file
from gijiroku.storage import close_database, open_database, repository, session_scope
from gijiroku.storage.tables import JobRow
from tests.conftest import ffmpeg, new_postgres_database, speak
from tests.test_watch import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]

GIJIROKU = Path(sys.executable).with_name("gijiroku")


class Cluster:
    """Worker processes sharing one PostgreSQL database, one Redis queue and a data path."""

    def __init__(self, settings: Settings, env: dict[str, str], logs: Path) -> None:
        self.settings, self.env, self.logs = settings, env, logs
        self.engine = open_database(settings.resolved_database_url)
        self.queue = JobQueue(settings)
        self.workers: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start_worker(self) -> subprocess.Popen[bytes]:
        log = self.logs / f"worker-{len(self.workers) + 1}.log"
        with log.open("wb") as out:
            worker = subprocess.Popen(
                [str(GIJIROKU), "worker", "--workers", "1"], env=self.env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.workers.append((worker, log))
        assert wait_for(lambda: b"Huey consumer started" in log.read_bytes(), timeout=60), \
            log.read_text(errors="replace")
        return worker

    def submit(self, path: Path) -> str:
        accepted = accept_file(self.engine, self.settings.data_dir, path)
        self.queue.enqueue(accepted.job_id)
        return accepted.job_id

    def job(self, job_id: str) -> JobRow:
        with session_scope(self.engine) as session:
            row = repository.get_job(session, job_id)
            assert row is not None
            return row

    def segments(self, job_id: str) -> list[int]:
        with session_scope(self.engine) as session:
            meeting_id = self.job(job_id).meeting_id
            return [s.id or 0 for s in repository.load_transcript(session, meeting_id).segments]

    def log_text(self) -> str:
        return "\n".join(log.read_text(errors="replace") for _, log in self.workers)

    def stop(self) -> None:
        for worker, _ in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker, _ in self.workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()


@pytest.fixture
def cluster(
    tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Cluster]:
    import redis

    with new_postgres_database() as database_url:
        env = {
            "GIJIROKU_DATA_DIR": str(tmp_path / "shared-data"),
            "GIJIROKU_DATABASE_URL": database_url,
            "GIJIROKU_REDIS_URL": redis_url,
            "GIJIROKU_QUEUE_NAME": f"test-{uuid.uuid4().hex[:12]}",
            "GIJIROKU_DIARIZE": "false",
            "GIJIROKU_CPU_THREADS": "1",
            "GIJIROKU_JOB_LEASE_SECONDS": "3",
            "GIJIROKU_JOB_RETRY_SECONDS": "1",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        settings = Settings()
        cluster = Cluster(settings, {**os.environ, **env}, tmp_path)
        try:
            yield cluster
        finally:
            cluster.stop()
            cluster.queue.close()
            close_database(settings.resolved_database_url)
            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(f"huey.*.{env['GIJIROKU_QUEUE_NAME']}"):
                client.delete(key)
            client.close()


@pytest.fixture(scope="module")
def long_recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About three minutes of speech: long enough to kill a worker mid-transcription."""
    sample = Path(__file__).parents[1] / "samples" / "committee-meeting-en.flac"
    path = tmp_path_factory.mktemp("long") / "long-meeting.flac"
    ffmpeg("-stream_loop", "3", "-i", str(sample), "-c:a", "flac", str(path))
    return path


def test_two_workers_run_twenty_jobs_each_exactly_once(
    cluster: Cluster, tmp_path: Path
) -> None:
    clip = speak("The budget was approved.", tmp_path / "clip.wav")
    cluster.start_worker()
    cluster.start_worker()
    jobs = [cluster.submit(clip) for _ in range(20)]
    assert wait_for(lambda: all(cluster.job(j).status == "done" for j in jobs), timeout=180), \
        Counter(cluster.job(j).status for j in jobs)
    rows = [cluster.job(j) for j in jobs]
    assert all(row.attempts == 1 for row in rows)
    ran = Counter(re.findall(r"job ([0-9a-f]{32}): done", cluster.log_text()))
    assert ran == Counter({j: 1 for j in jobs})  # every job finished once, in one worker
    holders = Counter(row.worker.split(":")[1] for row in rows if row.worker)
    assert len(holders) == 2, holders  # both workers took a share
    assert all(cluster.segments(j) == [1] for j in jobs)  # no duplicated segments


def test_a_worker_killed_mid_transcription_is_resumed_by_a_restarted_worker(
    settings: Settings, engine: Engine, cluster: Cluster, long_recording: Path
) -> None:
    # The reference: the same recording processed without interruption, same settings,
    # in this process on a SQLite file (the fixtures are made before the cluster's).
    reference = settings.model_copy(update={"diarize": False, "cpu_threads": 1})
    accepted = accept_file(engine, reference.data_dir, long_recording)
    Pipeline(engine, reference).run(accepted.job_id)
    with session_scope(engine) as session:
        expected = len(repository.load_transcript(session, accepted.meeting_id).segments)

    worker = cluster.start_worker()
    job_id = cluster.submit(long_recording)
    assert wait_for(lambda: cluster.job(job_id).stage == "transcribe", timeout=60)
    entered = cluster.job(job_id).progress
    assert wait_for(lambda: cluster.job(job_id).progress > entered, timeout=60)
    os.kill(worker.pid, signal.SIGKILL)  # `gijiroku worker` is killed, not its processes...
    worker.wait()
    assert wait_for(lambda: not group_alive(worker.pid), timeout=10)  # ...which end with it
    killed = cluster.job(job_id)
    assert killed.status == "running" and cluster.segments(job_id) == []  # mid-transcription
    decoded = cluster.settings.data_dir / "meetings" / killed.meeting_id / "audio.f32"
    decoded_at = decoded.stat().st_mtime_ns

    cluster.start_worker()
    assert wait_for(lambda: cluster.job(job_id).status == "done", timeout=180), \
        cluster.log_text()[-3000:]
    finished = cluster.job(job_id)
    assert finished.attempts == 2 and finished.error is None
    assert cluster.segments(job_id) == list(range(1, expected + 1))  # none lost or doubled
    assert decoded.stat().st_mtime_ns == decoded_at  # resumed after decode, not from scratch


def test_cancel_and_a_corrupt_file_fail_cleanly_while_the_next_job_runs(
    cluster: Cluster, tmp_path: Path, long_recording: Path
) -> None:
    cluster.start_worker()
    long_job = cluster.submit(long_recording)
    assert wait_for(lambda: cluster.job(long_job).stage == "transcribe", timeout=60)
    assert cancel(cluster.engine, long_job) == "running"
    assert wait_for(lambda: cluster.job(long_job).status == "cancelled", timeout=10)

    corrupt = tmp_path / "broken.mp3"
    corrupt.write_bytes(os.urandom(64_000))
    bad_job = cluster.submit(corrupt)
    good_job = cluster.submit(speak("Thank you, next item.", tmp_path / "next.wav"))
    assert wait_for(lambda: cluster.job(good_job).status == "done", timeout=120), \
        cluster.log_text()[-3000:]
    time.sleep(2 * cluster.settings.job_retry_seconds + 1)  # no retry comes later
    bad = cluster.job(bad_job)
    assert bad.status == "failed" and bad.attempts == 1
    assert bad.error_code == "audio_undecodable" and "broken.mp3" in (bad.error or "")
    assert cluster.job(long_job).status == "cancelled"


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
