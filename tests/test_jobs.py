"""Job lifecycle on a real SQLite database and a real Huey SQLite queue, in this process:
claiming, retries, cancellation, recovery of dead workers' jobs, and the embedded service."""

import shutil
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col, select

from gijiroku.config import Settings
from gijiroku.errors import AudioDecodeError, StageError
from gijiroku.jobs import JobQueue, cancel, recover, retry_policy
from gijiroku.pipeline import Pipeline
from gijiroku.recordings import accept_file
from gijiroku.service import Service
from gijiroku.stages import StageContext
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import JobRow, MeetingRow, WatchedFileRow, utcnow
from tests.conftest import speak
from tests.test_watch import listing, looked_again, wait_for


class Step:
    """A stage that stores a marker, reports progress, and can fail or wait."""

    def __init__(self, name: str, fail: Exception | None = None, seconds: float = 0.0):
        self.name, self.weight = name, 1.0
        self.fail, self.seconds, self.runs = fail, seconds, 0
        self.finished = 0  # runs that got to the end of their work (not stopped midway)

    def run(self, context: StageContext) -> None:
        self.runs += 1
        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline:
            context.progress(self.name, self.seconds - (deadline - time.monotonic()),
                             self.seconds)
            time.sleep(0.05)
        self.finished += 1
        if self.fail is not None:
            raise self.fail


@pytest.fixture
def job(engine: Engine, settings: Settings, tmp_path: Path) -> tuple[str, str]:
    recording = tmp_path / "rec.wav"
    recording.write_bytes(b"RIFF not really a recording")
    accepted = accept_file(engine, settings.data_dir, recording)
    return accepted.job_id, accepted.meeting_id


def state(engine: Engine, job_id: str) -> tuple[JobRow, MeetingRow]:
    with session_scope(engine) as session:
        row = repository.get_job(session, job_id)
        assert row is not None
        return row, repository.get_meeting_row(session, row.meeting_id)


def test_a_job_is_claimed_by_exactly_one_worker(engine: Engine, job: tuple[str, str]) -> None:
    job_id, _ = job
    with session_scope(engine) as session:
        first = repository.claim_job(session, job_id, "host:1:1", 60)
    with session_scope(engine) as session:
        second = repository.claim_job(session, job_id, "host:2:2", 60)
    assert first is not None and first.status == "running" and first.attempts == 1
    assert second is None
    assert state(engine, job_id)[0].worker == "host:1:1"


def test_a_passing_failure_is_retried_with_growing_waits_then_fails(
    engine: Engine, settings: Settings, job: tuple[str, str]
) -> None:
    job_id, _ = job
    settings = settings.model_copy(update={"job_max_attempts": 3, "job_retry_seconds": 30})
    flaky = Step("flaky", StageError("the database went away for a moment"))
    pipeline = Pipeline(engine, settings, [flaky])
    outcomes = [pipeline.execute(job_id, retry=retry_policy(settings)) for _ in range(4)]
    assert [o.status for o in outcomes] == ["retry", "retry", "failed", "not_claimed"]
    assert [o.retry_in for o in outcomes[:2]] == [30.0, 60.0]
    row, meeting = state(engine, job_id)
    assert flaky.runs == 3 and row.attempts == 3
    assert row.status == "failed" and row.error_code == "stage_failed"
    assert "went away" in (row.error or "") and meeting.status == "failed"


def test_a_permanent_failure_is_not_retried(
    engine: Engine, settings: Settings, job: tuple[str, str]
) -> None:
    job_id, _ = job
    broken = Step("decode", AudioDecodeError("ffmpeg cannot read 'rec.wav'"))
    outcome = Pipeline(engine, settings, [broken]).execute(job_id, retry=retry_policy(settings))
    assert outcome.status == "failed" and broken.runs == 1
    row, _ = state(engine, job_id)
    assert row.attempts == 1 and row.error_code == "audio_undecodable"


def test_a_queued_job_cancelled_never_runs(
    engine: Engine, settings: Settings, job: tuple[str, str]
) -> None:
    job_id, _ = job
    assert cancel(engine, job_id) == "cancelled"
    step = Step("decode")
    assert Pipeline(engine, settings, [step]).execute(job_id).status == "not_claimed"
    row, meeting = state(engine, job_id)
    assert step.runs == 0 and row.status == "cancelled" and meeting.status == "cancelled"


def test_a_running_job_stops_soon_after_cancel_and_keeps_earlier_stages(
    engine: Engine, settings: Settings, job: tuple[str, str]
) -> None:
    job_id, _ = job
    first, slow, last = Step("first"), Step("slow", seconds=30), Step("last")
    outcome: list[str] = []
    runner = threading.Thread(target=lambda: outcome.append(
        Pipeline(engine, settings, [first, slow, last]).execute(job_id).status))
    runner.start()
    assert wait_for(lambda: state(engine, job_id)[0].stage == "slow")
    assert cancel(engine, job_id) == "running"  # asked; the worker stops at its next report
    runner.join(timeout=120)  # generous: a slow machine is not a failure, a stage run out is
    assert outcome == ["cancelled"]
    assert slow.runs == 1 and slow.finished == 0  # stopped midway, not at the stage's end
    row, meeting = state(engine, job_id)
    assert row.status == "cancelled" and row.error_code == "job_cancelled"
    assert meeting.status == "cancelled" and last.runs == 0
    assert meeting.completed_stages == ["first"]
    assert cancel(engine, job_id) == "cancelled"  # a second request changes nothing


def test_a_dead_workers_job_is_taken_back_and_resumes_after_its_last_stage(
    engine: Engine, settings: Settings, job: tuple[str, str]
) -> None:
    job_id, meeting_id = job
    settings = settings.model_copy(update={"job_max_attempts": 3})
    queue = JobQueue(settings)
    with session_scope(engine) as session:  # a worker took it, stored one stage, then died
        repository.claim_job(session, job_id, "gone:1:1", 60)
        repository.mark_stage_done(session, meeting_id, "first")
    assert recover(engine, queue, settings).requeued == []  # its lease still runs
    expire(engine, job_id)
    found = recover(engine, queue, settings)
    assert found.requeued == [job_id] and job_id in queue.waiting()
    row, meeting = state(engine, job_id)
    assert row.status == "queued" and row.worker is None and meeting.status == "queued"
    assert "continues from the last finished step" in (row.error or "")
    assert recover(engine, queue, settings).requeued == []  # taken back once only

    first, second = Step("first"), Step("second")
    assert Pipeline(engine, settings, [first, second]).execute(job_id).status == "done"
    assert (first.runs, second.runs) == (0, 1)
    row, meeting = state(engine, job_id)
    assert row.attempts == 2 and row.error is None and meeting.status == "done"


def test_a_job_whose_workers_keep_dying_is_failed_not_retried_forever(
    engine: Engine, settings: Settings, job: tuple[str, str]
) -> None:
    job_id, _ = job
    settings = settings.model_copy(update={"job_max_attempts": 2})
    queue = JobQueue(settings)
    for attempt in (1, 2):
        with session_scope(engine) as session:
            assert repository.claim_job(session, job_id, f"oom:{attempt}:1", 60) is not None
        expire(engine, job_id)
        found = recover(engine, queue, settings)
    assert found.abandoned == [job_id]
    row, meeting = state(engine, job_id)
    assert row.status == "failed" and row.error_code == "job_abandoned"
    assert "stopped 2 times" in (row.error or "") and meeting.status == "failed"


def test_the_queue_task_keeps_the_name_queued_messages_carry(settings: Settings) -> None:
    queue = JobQueue(settings)  # messages written by earlier versions name this task
    assert "gijiroku.jobs.run_job" in queue.huey._registry._registry
    queue.close()


def test_a_queued_job_whose_message_was_lost_is_sent_again(
    engine: Engine, settings: Settings, job: tuple[str, str]
) -> None:
    job_id, _ = job
    queue = JobQueue(settings)  # e.g. Redis restarted without persistence: the queue is empty
    assert recover(engine, queue, settings).resent == []  # too new: its sender may be busy
    with session_scope(engine) as session:
        session.execute(update(JobRow).values(created_at=utcnow() - timedelta(minutes=5)))
    assert recover(engine, queue, settings).resent == [job_id]
    assert recover(engine, queue, settings).resent == []  # the queue holds it now
    assert queue.waiting() == {job_id}


def expire(engine: Engine, job_id: str) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(JobRow).where(col(JobRow.id) == job_id)
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )


@pytest.fixture
def service_settings(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    yield settings.model_copy(update={
        "watch_dir": str(tmp_path / "share"), "watch_stable_seconds": 0.5, "diarize": False,
        "job_lease_seconds": 4.0,
    })


@pytest.mark.slow
def test_a_recording_dropped_while_the_service_was_stopped_is_processed_after_start(
    engine: Engine, service_settings: Settings, tmp_path: Path
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    sample = speak("The committee is called to order. The minutes of the last meeting are "
                   "approved.", tmp_path / "recorder.wav")  # a few seconds: processed to the end
    shutil.copy(sample, share / "第3回委員会.wav")
    shutil.copy(sample, share / "same-recording-again.wav")
    (share / ".hidden.wav").write_bytes(sample.read_bytes())
    (share / "gijiroku.toml").write_text('language = "en"\nmax_speakers = 3\n',
                                         encoding="utf-8")  # the share's own settings
    before = listing(share)
    service = Service(service_settings)
    service.start()
    try:
        assert wait_for(lambda: done_meetings(engine) == 1, timeout=120)
        # the copy under another name is recorded as a duplicate, not made a second meeting,
        # and neither the hidden file nor the settings file is ever taken
        assert wait_for(lambda: watched_files(engine) == 2)
        assert service.watcher is not None and looked_again(service.watcher)
    finally:
        service.stop()
    with session_scope(engine) as session:
        meeting = session.exec(select(MeetingRow)).one()
        records = {Path(r.path).name: r.status for r in session.exec(select(WatchedFileRow))}
        segments = len(repository.load_transcript(session, meeting.id).segments)
    assert meeting.title in ("第3回委員会", "same-recording-again") and segments >= 1
    assert repository.options_of(meeting).to_stored() == {"language": "en", "max_speakers": 3}
    assert sorted(records.values()) == ["duplicate", "queued"]
    assert ".hidden.wav" not in records
    assert listing(share) == before  # nothing taken away from the share


@pytest.mark.slow
def test_stopping_the_service_mid_job_queues_it_to_continue_at_the_next_start(
    engine: Engine, service_settings: Settings, long_recording: Path
) -> None:
    settings = service_settings.model_copy(update={"watch_dir": None, "cpu_threads": 1})
    accepted = accept_file(engine, settings.data_dir, long_recording)
    service = Service(settings)
    service.start()
    service.submit(accepted.job_id)
    try:
        assert wait_for(lambda: state(engine, accepted.job_id)[0].stage == "transcribe",
                        timeout=60)
    finally:
        service.stop()
    row, meeting = state(engine, accepted.job_id)
    assert row.status == "queued" and row.error_code == "job_interrupted"
    assert meeting.completed_stages == ["decode"]

    # started again, it takes the job on from the transcription (a resumed job run to its
    # end: tests/test_workers.py's killed worker)
    service = Service(settings)
    service.start()
    try:
        def resumed() -> bool:
            row = state(engine, accepted.job_id)[0]
            return row.attempts == 2 and (row.stage == "transcribe" or row.status == "done")

        assert wait_for(resumed, timeout=120)
    finally:
        service.stop()
    row, meeting = state(engine, accepted.job_id)
    assert row.attempts == 2 and meeting.completed_stages[:1] == ["decode"]


def watched_files(engine: Engine) -> int:
    with session_scope(engine) as session:
        return len(session.exec(select(WatchedFileRow)).all())


def done_meetings(engine: Engine) -> int:
    with session_scope(engine) as session:
        return len(session.exec(select(MeetingRow).where(MeetingRow.status == "done")).all())
