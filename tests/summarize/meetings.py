"""A stored meeting to write minutes for, without running speech recognition."""

from sqlalchemy import Engine

from gijiroku.config import Settings
from gijiroku.domain import Segment, Speaker, Transcript, Word
from gijiroku.options import MeetingOptions
from gijiroku.pipeline import Pipeline
from gijiroku.stages import MinutesStage
from gijiroku.storage import repository, session_scope

LINES = [
    ("S1", "Good morning. I call the education committee to order."),
    ("S2", "Residents asked us to open the library on Sunday mornings."),
    ("S3", "We need two more staff members for Sunday shifts."),
    ("S1", "Then we decide to open the library on Sunday mornings from April."),
    ("S3", "I will prepare the new staff schedule by the end of February."),
]
GOOD = {
    "summary": "The committee agreed to open the library on Sunday mornings.",
    "topics": ["Library opening hours"],
    "decisions": [{"text": "Open the library on Sunday mornings from April.", "segments": [4]}],
    "action_items": [{"task": "Prepare the new staff schedule", "owner": "S3",
                      "due": "by the end of February", "due_date": "2027-02-28",
                      "segments": [5]}],
}


def store_meeting(engine: Engine, lines=LINES, language: str = "en", names=None) -> str:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        meeting = repository.create_meeting(
            session, title="Education committee", source_name="x.flac",
            source_path="meetings/x/original.flac", content_hash="0" * 64,
            options=MeetingOptions(date="2026-11-20"),
        )
        segments = [
            Segment(
                i * 6.0, i * 6.0 + 5.0, text,
                [Word(i * 6.0, i * 6.0 + 1, text.split()[0], 0.9, who)],
                speaker=who, source=i,
            )
            for i, (who, text) in enumerate(lines)
        ]
        repository.save_transcript(session, meeting_id=meeting.id, transcript=Transcript(
            language=language, duration=len(lines) * 6.0, segments=segments))
        speakers = sorted({who for who, _ in lines})
        repository.save_speakers(session, meeting_id=meeting.id, speakers=[
            Speaker(s, f"SPEAKER_0{n}", (names or {}).get(s)) for n, s in enumerate(speakers)])
        repository.mark_stage_done(session, meeting.id, "transcribe")
        return meeting.id


def run_minutes(engine: Engine, settings: Settings, meeting_id: str):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        job = repository.create_job(session, meeting_id=meeting_id)
    Pipeline(engine, settings, [MinutesStage()]).run(job.id)
    with session_scope(engine) as session:
        return repository.get_job(session, job.id), repository.load_meeting(session, meeting_id)
