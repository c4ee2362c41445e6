"""`gijiroku worker` processes on the real Redis and PostgreSQL servers of this machine:
twelve jobs between two workers, a worker killed with SIGKILL mid-transcription, SIGTERM
(the job queued again at once) and SIGINT (the job finished first), a passing failure retried
through the queue with growing waits, `gijiroku cancel` from the command line, and a corrupt
recording failing once while the next job still runs."""

import os
import re
import shutil
import signal
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from gijiroku.config import Settings
from gijiroku.jobs import JobQueue
from gijiroku.pipeline import Pipeline
from gijiroku.recordings import accept_file
from gijiroku.storage import close_database, open_database, repository, session_scope
from gijiroku.storage.tables import JobRow
from tests.conftest import COMMITTEE_EN, new_postgres_database, speak
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

    def start_worker(self, **env: str) -> subprocess.Popen[bytes]:
        log = self.logs / f"worker-{len(self.workers) + 1}.log"
        with log.open("wb") as out:
            worker = subprocess.Popen(
                [str(GIJIROKU), "worker", "--workers", "1"], env={**self.env, **env},
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.workers.append((worker, log))
        assert wait_for(lambda: b"Huey consumer started" in log.read_bytes(), timeout=60), \
            log.read_text(errors="replace")
        return worker

    def submit(self, path: Path) -> str:
        return self.submit_meeting(path)[0]

    def submit_meeting(self, path: Path) -> tuple[str, str]:
        """Store `path` as a new meeting and send its job; (job id, meeting id)."""
        accepted = accept_file(self.engine, self.settings.data_dir, path)
        self.queue.enqueue(accepted.job_id)
        return accepted.job_id, accepted.meeting_id

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A `gijiroku` command run as an administrator would, on the cluster's settings."""
        return subprocess.run([str(GIJIROKU), *args], env=self.env, capture_output=True,
                              text=True, timeout=120)

    def completed_stages(self, job_id: str) -> list[str]:
        with session_scope(self.engine) as session:
            return repository.get_meeting_row(session, self.job(job_id).meeting_id)\
                .completed_stages

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
            "GIJIROKU_LLM_BACKEND": "off",
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


def test_two_workers_run_twelve_jobs_each_exactly_once(
    cluster: Cluster, tmp_path: Path
) -> None:
    # a clip the model hears with confidence (avg_logprob -0.57): one under -1.0 sends
    # Whisper to its sampled fallbacks, which differ from process to process
    clip = speak("The meeting is adjourned.", tmp_path / "clip.wav")
    cluster.start_worker()
    cluster.start_worker()
    jobs = [cluster.submit(clip) for _ in range(12)]
    assert wait_for(lambda: all(cluster.job(j).status == "done" for j in jobs), timeout=180), \
        Counter(cluster.job(j).status for j in jobs)
    rows = [cluster.job(j) for j in jobs]
    assert all(row.attempts == 1 for row in rows)
    ran = Counter(re.findall(r"job ([0-9a-f]{32}): done", cluster.log_text()))
    assert ran == Counter({j: 1 for j in jobs})  # every job finished once, in one worker
    holders = Counter(row.worker.split(":")[1] for row in rows if row.worker)
    assert len(holders) == 2, holders  # both workers took a share
    # none lost or doubled: every job holds the same lines, numbered once from 1 (the
    # model's own segmenting of the clip is not what is tested here)
    stored = {j: cluster.segments(j) for j in jobs}
    first = stored[jobs[0]]
    assert first == list(range(1, len(first) + 1)) and len(first) >= 1, stored
    assert all(lines == first for lines in stored.values()), stored


def test_a_worker_killed_mid_transcription_is_resumed_by_a_restarted_worker(
    settings: Settings, engine: Engine, cluster: Cluster
) -> None:
    # The committee sample (50 s; the one job here run to its end after a stop, twice: the
    # reference run, then the resumed one, since what is checked is the finished lines).
    # The reference: the same recording processed without interruption, same settings,
    # in this process on a SQLite file (the fixtures are made before the cluster's).
    reference = settings.model_copy(update={"diarize": False, "cpu_threads": 1})
    accepted = accept_file(engine, reference.data_dir, COMMITTEE_EN)
    Pipeline(engine, reference).run(accepted.job_id)
    with session_scope(engine) as session:
        expected = len(repository.load_transcript(session, accepted.meeting_id).segments)

    worker = cluster.start_worker()
    job_id = cluster.submit(COMMITTEE_EN)
    assert wait_for(lambda: cluster.job(job_id).stage == "transcribe", timeout=60)
    entered = cluster.job(job_id).progress
    assert wait_for(lambda: cluster.job(job_id).progress > entered, timeout=60)
    os.kill(worker.pid, signal.SIGKILL)  # `gijiroku worker` is killed, not its processes...
    worker.wait()
    assert wait_for(lambda: not group_alive(worker.pid), timeout=10)  # ...which end with it
    killed = cluster.job(job_id)
    assert killed.status == "running" and cluster.segments(job_id) == []  # mid-transcription
    decoded = cluster.settings.data_dir / "meetings" / killed.meeting_id / "audio.f32"
    assert decoded.is_file()

    cluster.start_worker()
    assert wait_for(lambda: cluster.job(job_id).status == "done", timeout=180), \
        cluster.log_text()[-3000:]
    finished = cluster.job(job_id)
    assert finished.attempts == 2 and finished.error is None
    assert cluster.segments(job_id) == list(range(1, expected + 1))  # none lost or doubled
    # resumed after decode, not from scratch; the decoded samples removed once it ended
    assert cluster.log_text().count(f"{killed.meeting_id}: decode done") == 1
    assert not decoded.exists()


def test_cancel_and_a_corrupt_file_fail_cleanly_while_the_next_job_runs(
    cluster: Cluster, tmp_path: Path, long_recording: Path
) -> None:
    cluster.start_worker()
    long_job = cluster.submit(long_recording)
    assert wait_for(lambda: cluster.job(long_job).stage == "transcribe", timeout=60)
    asked = cluster.cli("cancel", long_job)  # `gijiroku cancel JOB_ID`, as an admin types it
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout == "running\n"  # asked; the worker stops at its next report
    assert wait_for(lambda: cluster.job(long_job).status == "cancelled", timeout=60)
    assert cluster.job(long_job).error_code == "job_cancelled"
    assert cluster.completed_stages(long_job) == ["decode"]  # what was stored stays
    again = cluster.cli("cancel", long_job)
    assert again.returncode == 0 and again.stdout == "cancelled\n"
    unknown = cluster.cli("cancel", "0" * 32)
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert "No job with id" in unknown.stderr and "[job_not_found]" in unknown.stderr
    assert "Traceback" not in unknown.stderr

    corrupt = tmp_path / "broken.mp3"
    corrupt.write_bytes(os.urandom(64_000))
    bad_job = cluster.submit(corrupt)
    good_job = cluster.submit(speak("Thank you, next item.", tmp_path / "next.wav"))
    assert wait_for(lambda: cluster.job(good_job).status == "done", timeout=120), \
        cluster.log_text()[-3000:]
    # One worker process takes jobs in turn: the corrupt file's run, and whatever it decided
    # about a retry, ended before the next job started.
    bad = cluster.job(bad_job)
    assert bad.status == "failed" and bad.attempts == 1
    assert bad.error_code == "audio_undecodable" and "broken.mp3" in (bad.error or "")
    assert bad_job not in cluster.queue.waiting()  # no retry waits for a permanent failure
    assert cluster.job(long_job).status == "cancelled"


def test_a_queued_job_cancelled_from_the_command_line_never_runs(
    cluster: Cluster, tmp_path: Path
) -> None:
    job_id = cluster.submit(speak("Item two.", tmp_path / "two.wav"))  # no worker yet
    asked = cluster.cli("cancel", job_id)
    assert asked.returncode == 0 and asked.stdout == "cancelled\n"
    after = cluster.submit(speak("Item three.", tmp_path / "three.wav"))
    cluster.start_worker()
    assert wait_for(lambda: cluster.job(after).status == "done", timeout=120)
    cancelled = cluster.job(job_id)  # its message was taken before the later job's
    assert cancelled.status == "cancelled" and cancelled.attempts == 0
    assert cluster.completed_stages(job_id) == []


def test_sigterm_queues_the_running_job_again_at_once_for_the_next_worker(
    cluster: Cluster, long_recording: Path
) -> None:
    worker = cluster.start_worker()
    job_id = cluster.submit(long_recording)
    assert wait_for(lambda: cluster.job(job_id).stage == "transcribe", timeout=60)
    os.kill(worker.pid, signal.SIGTERM)  # what `docker stop`, systemd and `kill` send
    assert wait_for(lambda: worker.poll() is not None, timeout=60), cluster.log_text()[-3000:]
    assert worker.returncode == 0
    # Given back by the stopping worker itself: no other worker runs to take back a job
    # whose lease ran out, and the job was not finished first.
    stopped = cluster.job(job_id)
    assert stopped.status == "queued" and stopped.error_code == "job_interrupted"
    assert stopped.worker is None and cluster.segments(job_id) == []
    assert cluster.completed_stages(job_id) == ["decode"]
    assert job_id in cluster.queue.waiting()  # its message was sent again

    # the next worker takes it on from the transcription (running it to the end is the
    # killed-worker test's part)
    cluster.start_worker()

    def resumed() -> bool:
        row = cluster.job(job_id)
        return row.attempts == 2 and (row.stage == "transcribe" or row.status == "done")

    assert wait_for(resumed, timeout=120), cluster.log_text()[-3000:]
    assert cluster.log_text().count(f"{stopped.meeting_id}: decode done") == 1


def test_sigint_finishes_the_running_job_and_takes_no_new_one_before_exiting(
    cluster: Cluster, tmp_path: Path
) -> None:
    worker = cluster.start_worker()
    job_id = cluster.submit(COMMITTEE_EN)  # (50 s: the job is run to its end)
    assert wait_for(lambda: cluster.job(job_id).stage == "transcribe", timeout=60)
    waiting = cluster.submit(speak("The next item.", tmp_path / "next.wav"))
    os.kill(worker.pid, signal.SIGINT)  # Ctrl-C: stop once the running job is done
    assert wait_for(lambda: worker.poll() is not None, timeout=300), cluster.log_text()[-3000:]
    assert worker.returncode == 0
    finished = cluster.job(job_id)
    assert finished.status == "done" and finished.attempts == 1 and finished.error is None
    assert cluster.segments(job_id)  # transcribed to the end in the same run
    later = cluster.job(waiting)
    assert later.status == "queued" and later.attempts == 0  # left for the next worker
    assert waiting in cluster.queue.waiting()


def test_a_passing_failure_is_retried_through_the_queue_with_growing_waits(
    cluster: Cluster, tmp_path: Path
) -> None:
    clip = speak("The minutes of the last meeting were approved.", tmp_path / "clip.wav")
    accepted = accept_file(cluster.engine, cluster.settings.data_dir, clip)
    # The data share fails for a while: where the decoded recording goes, a folder stands
    # (an OS error in the decode step, which is worth trying again).
    blocker = cluster.settings.data_dir / "meetings" / accepted.meeting_id / "audio.f32"
    blocker.mkdir(parents=True)
    (blocker / "held").write_bytes(b"")
    cluster.start_worker(GIJIROKU_JOB_RETRY_SECONDS="2", GIJIROKU_JOB_MAX_ATTEMPTS="3")
    cluster.queue.enqueue(accepted.job_id)

    started: dict[int, float] = {}  # attempt -> when it was claimed (the database's record)

    def note_attempt() -> JobRow:
        row = cluster.job(accepted.job_id)
        if row.attempts and row.started_at is not None:
            started.setdefault(row.attempts, row.started_at.timestamp())
        return row

    def waiting_after(attempt: int) -> bool:
        row = note_attempt()
        return row.attempts == attempt and row.status == "queued"

    assert wait_for(lambda: waiting_after(1), timeout=120), cluster.log_text()[-3000:]
    row = cluster.job(accepted.job_id)
    assert row.error_code == "stage_failed" and "decode step failed" in (row.error or "")
    assert wait_for(lambda: waiting_after(2), timeout=120), cluster.log_text()[-3000:]
    shutil.rmtree(blocker)  # the share is back before the third and last attempt
    assert wait_for(lambda: note_attempt().status == "done", timeout=120), \
        cluster.log_text()[-3000:]
    finished = cluster.job(accepted.job_id)
    assert finished.attempts == 3 and finished.error is None
    assert sorted(started) == [1, 2, 3]
    # Each attempt came only after its wait (2 s, then twice that): a lower bound the
    # queue's schedule guarantees, however slow the machine.
    first_wait, second_wait = started[2] - started[1], started[3] - started[2]
    assert first_wait >= 2.0 and second_wait >= 4.0, (first_wait, second_wait)
    assert "attempt 1 failed, again in 2s" in cluster.log_text()
    assert "attempt 2 failed, again in 4s" in cluster.log_text()


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
