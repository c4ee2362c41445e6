"""A stored meeting as the pipeline leaves it, written straight into a real database: for the
tests of what a person does afterwards (proofreading, facts, retry), which need no model run.

The recording is the committee sample; the lines are a Japanese committee session with word
timings, three speakers in the order the diarizer labels them (SPEAKER_01, SPEAKER_02,
SPEAKER_00), one sentence cut over two lines, and one misrecognition (総務医院会) repeated.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine

from gijiroku.domain import Segment, Speaker, Transcript, Word
from gijiroku.options import MeetingOptions
from gijiroku.storage import repository, session_scope

SAMPLE = Path(__file__).parents[1] / "samples" / "committee-meeting-en.flac"

#: (speaker, start, end, words): each word is said in equal parts of the line's time.
LINES: list[tuple[str, float, float, list[str]]] = [
    ("S1", 0.0, 4.0, ["ただいま", "から", "総務医院会", "を", "開会", "します。"]),
    ("S2", 4.0, 7.0, ["図書館", "を", "日曜日", "の", "朝", "に", "開く", "のは、"]),
    ("S2", 7.0, 9.5, ["平日", "に", "働く", "人", "が", "多い", "から", "です。"]),
    ("S3", 9.5, 13.0, ["総務医院会", "の", "資料", "について", "質問", "します。"]),
    ("S1", 13.0, 16.0, ["予算", "は", "総務医院会", "で", "確認", "しました。"]),
    ("S3", 16.0, 19.0, ["それでは", "採決", "します。"]),
]


def transcript() -> Transcript:
    segments = []
    for source, (speaker, start, end, words) in enumerate(LINES):
        step = (end - start) / len(words)
        segments.append(Segment(
            start=start, end=end, text="".join(words), speaker=speaker, source=source,
            words=[Word(start + i * step, start + (i + 1) * step, w, 0.9, speaker)
                   for i, w in enumerate(words)]))
    return Transcript(language="ja", duration=30.0, segments=segments)


def seed_meeting(engine: Engine, data_dir: Path, *, title: str = "総務委員会（第3回）",
                 stages: tuple[str, ...] = ("decode", "transcribe", "diarize", "minutes"),
                 job_status: str = "done", error_code: str | None = None,
                 error: str | None = None, failed_stage: str | None = None) -> str:
    """A meeting with its recording, lines, speakers and one job; returns its id. A job
    `failed` at `failed_stage` has the other stages stored."""
    with session_scope(engine) as session:
        meeting = repository.create_meeting(
            session, title=title, source_name="somu.flac", source_path="", content_hash="0",
            options=MeetingOptions(language="ja", place="第1委員会室"))
        folder = data_dir / "meetings" / meeting.id
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE, folder / "original.flac")
        meeting.source_path = f"meetings/{meeting.id}/original.flac"
        if "transcribe" in stages:
            repository.save_transcript(session, meeting_id=meeting.id, transcript=transcript())
        if "diarize" in stages:
            repository.save_speakers(session, meeting_id=meeting.id, speakers=[
                Speaker("S1", "SPEAKER_01"), Speaker("S2", "SPEAKER_02"),
                Speaker("S3", "SPEAKER_00")])
        for stage in stages:
            repository.mark_stage_done(session, meeting.id, stage)
        job = repository.create_job(session, meeting_id=meeting.id)
        job.status = job_status  # type: ignore[assignment]
        job.stage = failed_stage
        job.error_code, job.error = error_code, error
        job.progress = 1.0 if job_status == "done" else 0.5
        session.add(job)
        status = "done" if job_status == "done" else job_status
        repository.update_meeting(session, meeting.id, status=status)  # type: ignore[arg-type]
        return meeting.id
