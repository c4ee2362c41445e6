"""The session's processed meetings (tests/processed.py): a stored copy holds what the
pipeline stored, so that the tests that take one test what a processed meeting really is."""

from pathlib import Path

from sqlalchemy import Engine

from gijiroku.config import Settings
from gijiroku.storage import repository, session_scope
from tests.processed import ProcessedMeetings


def test_a_stored_copy_is_what_the_pipeline_stored(
    engine: Engine, settings: Settings, processed_meetings: ProcessedMeetings
) -> None:
    processed = processed_meetings["committee-en"]
    first = processed.store(engine, settings.data_dir)
    second = processed.store(engine, settings.data_dir, title="二つ目",
                             stages=("decode", "transcribe"))
    original = processed.meeting
    with session_scope(engine) as session:
        copy = repository.load_meeting(session, first)
        row = repository.get_meeting_row(session, first)
        other = repository.get_meeting_row(session, second)
        job = repository.latest_jobs(session, [first])[first]
    assert copy.id != original.id and copy.title == original.title == "教育委員会"
    assert (copy.status, copy.language, copy.duration) == (
        "done", original.language, original.duration)
    assert copy.speakers == original.speakers and copy.minutes == original.minutes
    assert len(copy.segments) == len(original.segments) >= 5
    for mine, theirs in zip(copy.segments, original.segments, strict=True):
        assert (mine.id, mine.start, mine.end, mine.text, mine.speaker, mine.source) == (
            theirs.id, theirs.start, theirs.end, theirs.text, theirs.speaker, theirs.source)
        assert mine.words == theirs.words and mine.words
    assert tuple(row.completed_stages) == processed.completed_stages
    assert repository.options_of(row) == processed.options
    assert (settings.data_dir / row.source_path).read_bytes() == \
        processed.recording.read_bytes()
    assert row.audio_path == f"meetings/{first}/{processed.audio_name}"
    assert Path(row.audio_path).parent == Path(row.source_path).parent
    assert job.status == "done" and job.attempts == 1
    # a stage left out is not marked done, so a job on the copy runs it
    assert other.completed_stages == ["decode", "transcribe"] and other.title == "二つ目"


def test_a_step_left_out_of_a_copy_runs_on_its_recording(
    engine: Engine, settings: Settings, processed_meetings: ProcessedMeetings
) -> None:
    """A re-run on a copy decodes the copied recording again, as after any finished job."""
    from gijiroku.pipeline import Pipeline

    processed = processed_meetings["committee-en"]
    meeting_id = processed.store(engine, settings.data_dir, stages=("decode", "transcribe"))
    with session_scope(engine) as session:
        job_id = repository.create_job(session, meeting_id=meeting_id).id
    Pipeline(engine, settings).run(job_id)  # decode and transcribe are skipped
    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, meeting_id)
        meeting = repository.load_meeting(session, meeting_id)
    assert row.completed_stages[:2] == ["decode", "transcribe"] and "diarize" in \
        row.completed_stages
    assert [s.text for s in meeting.segments] and {s.speaker for s in meeting.segments} == {
        s.id for s in meeting.speakers}
    assert len(meeting.speakers) == len(processed.meeting.speakers)  # the same recording
