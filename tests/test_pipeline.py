"""The pipeline on real recordings: stages store as they go; a failure keeps what was done."""

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import Engine

from gijiroku.config import Settings
from gijiroku.errors import AudioDecodeError, JobNotClaimable, StageError
from gijiroku.options import MeetingOptions
from gijiroku.pipeline import Pipeline
from gijiroku.recordings import accept_file
from gijiroku.stages import DecodeStage, StageContext, TranscribeStage
from gijiroku.storage import close_database, open_database, repository, session_scope

pytestmark = pytest.mark.slow


class ExplodingStage:
    """A later stage (diarization, say) that breaks."""

    name = "explode"
    weight = 0.1

    def run(self, context: StageContext) -> None:
        raise RuntimeError("GPU fell off the bus")


class MustNotRunStage:
    def __init__(self, name: str) -> None:
        self.name, self.weight = name, 1.0

    def run(self, context: StageContext) -> None:
        raise AssertionError(f"{self.name} ran again although it had finished")


class RecordingStage:
    name = "after"
    weight = 0.1

    def __init__(self) -> None:
        self.segments = -1

    def run(self, context: StageContext) -> None:
        with session_scope(context.engine) as session:
            self.segments = len(repository.load_transcript(session, context.meeting_id).segments)


def job_and_meeting(engine: Engine, job_id: str, meeting_id: str):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return repository.get_job(session, job_id), repository.load_meeting(session, meeting_id)


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_recording_goes_through_every_stage(
    request: pytest.FixtureRequest, settings: Settings, media: dict[str, Path], database: str
) -> None:
    url = (
        settings.resolved_database_url if database == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    engine = open_database(url)
    accepted = accept_file(engine, settings.data_dir, media["m4a"],
                           options=MeetingOptions(language="en"))
    seen: list[str] = []
    Pipeline(engine, settings).run(accepted.job_id, lambda stage, *_: seen.append(stage))
    job, meeting = job_and_meeting(engine, accepted.job_id, accepted.meeting_id)
    if database == "sqlite":
        close_database(url)
    assert job.status == "done" and job.progress == 1.0 and job.error is None
    assert job.attempts == 1 and job.finished_at is not None
    assert meeting.status == "done" and meeting.title == "sample"
    assert meeting.duration == pytest.approx(30.0, abs=0.1)
    assert len(meeting.segments) >= 3 and meeting.language == "en"
    assert seen.index("decode") < seen.index("transcribe") < seen.index("diarize")
    assert len(meeting.speakers) == 2
    stored = settings.data_dir / "meetings" / accepted.meeting_id
    assert hashlib.sha256((stored / "original.m4a").read_bytes()).digest() == hashlib.sha256(
        media["m4a"].read_bytes()
    ).digest()
    # the decoded samples (230 MB an hour) are not kept once the job has ended
    assert sorted(p.name for p in stored.iterdir()) == ["original.m4a"]


def test_a_failed_stage_keeps_everything_before_it_and_resumes_after(
    settings: Settings, engine: Engine, media: dict[str, Path]
) -> None:
    accepted = accept_file(engine, settings.data_dir, media["wav"])
    with pytest.raises(StageError, match="GPU fell off the bus"):
        Pipeline(engine, settings, [DecodeStage(), TranscribeStage(), ExplodingStage()]).run(
            accepted.job_id
        )
    job, meeting = job_and_meeting(engine, accepted.job_id, accepted.meeting_id)
    assert job.status == "failed" and job.stage == "explode"
    assert job.error_code == "stage_failed" and "GPU fell off the bus" in job.error
    assert meeting.status == "failed"
    kept = [s.text for s in meeting.segments]
    assert len(kept) >= 3  # the transcript survived the later failure

    after = RecordingStage()
    resumed = [MustNotRunStage("decode"), MustNotRunStage("transcribe"), after]
    with pytest.raises(JobNotClaimable):  # a failed job runs again only when asked
        Pipeline(engine, settings, resumed).run(accepted.job_id)
    with session_scope(engine) as session:
        assert repository.reopen_job(session, accepted.job_id)
    Pipeline(engine, settings, resumed).run(accepted.job_id)
    job, meeting = job_and_meeting(engine, accepted.job_id, accepted.meeting_id)
    assert job.status == "done" and job.attempts == 2 and job.error is None
    assert after.segments == len(kept)
    assert [s.text for s in meeting.segments] == kept  # nothing duplicated


def test_a_recording_browsers_cannot_play_gets_its_playable_copy_when_decoded(
    settings: Settings, engine: Engine, media: dict[str, Path], tmp_path: Path
) -> None:
    from tests.conftest import ffmpeg

    wma = tmp_path / "ic-recorder.wma"
    ffmpeg("-i", str(media["wav"]), "-c:a", "wmav2", str(wma))
    accepted = accept_file(engine, settings.data_dir, wma)
    Pipeline(engine, settings, [DecodeStage()]).run(accepted.job_id)
    folder = settings.data_dir / "meetings" / accepted.meeting_id
    assert (folder / "playback.ogg").read_bytes()[:4] == b"OggS"  # ready before anyone plays
    assert (folder / "original.wma").read_bytes() == wma.read_bytes()
    flac = accept_file(engine, settings.data_dir, media["flac"])
    Pipeline(engine, settings, [DecodeStage()]).run(flac.job_id)
    assert not (settings.data_dir / "meetings" / flac.meeting_id / "playback.ogg").exists()


def test_corrupt_recording_fails_with_a_clear_reason_and_is_kept(
    settings: Settings, engine: Engine, media: dict[str, Path]
) -> None:
    accepted = accept_file(engine, settings.data_dir, media["garbage"], title="Budget hearing")
    with pytest.raises(AudioDecodeError):
        Pipeline(engine, settings).run(accepted.job_id)
    job, meeting = job_and_meeting(engine, accepted.job_id, accepted.meeting_id)
    assert job.status == "failed" and job.stage == "decode"
    assert job.error_code == "audio_undecodable" and "garbage.mp3" in job.error
    assert meeting.status == "failed" and meeting.title == "Budget hearing"
    original = settings.data_dir / "meetings" / accepted.meeting_id / "original.mp3"
    assert original.read_bytes() == media["garbage"].read_bytes()


def test_hostile_file_names_never_become_paths(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    from gijiroku.recordings import display_title, safe_extension

    assert safe_extension("../../etc/passwd") == "bin"
    assert safe_extension("evil.m4a\x00.sh") == "sh"  # a label only; never a path or run
    assert safe_extension("会議録音.M4A") == "m4a"
    assert display_title("/abs/path/../会議\x00録音.mp3") == "会議録音"
    assert display_title("..\\..\\win.wav") == "win"
    odd = tmp_path / "..weird name;rm -rf.wav"
    odd.write_bytes(b"RIFF")
    accepted = accept_file(engine, settings.data_dir, odd)
    stored = list((settings.data_dir / "meetings" / accepted.meeting_id).iterdir())
    assert [p.name for p in stored] == ["original.wav"]
