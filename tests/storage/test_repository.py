"""Storage round trips on a real SQLite file and the real PostgreSQL server."""


import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel

from gijiroku.domain import Segment, Transcript, Word
from gijiroku.errors import MeetingNotFoundError
from gijiroku.options import MeetingOptions
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import SegmentRow, WordRow, outside_the_tables


def transcript() -> Transcript:
    return Transcript(
        language="ja",
        duration=12.5,
        segments=[
            Segment(0.5, 3.0, "本日の会議を始めます。", [
                Word(0.5, 1.0, "本日", 0.91), Word(1.0, 1.2, "の", 0.88),
                Word(1.2, 1.8, "会議", 0.95), Word(1.8, 3.0, "を始めます。", 0.7),
            ], avg_logprob=-0.2, no_speech_prob=0.01),
            Segment(4.0, 6.0, "Agreed.", [Word(4.0, 6.0, "Agreed.", 0.99)]),
        ],
    )


def new_meeting(engine: Engine, title: str = "第3回 総務委員会") -> str:
    with session_scope(engine) as session:
        row = repository.create_meeting(
            session, title=title, source_name="rec.m4a",
            source_path="meetings/x/original.m4a", content_hash="0" * 64,
            options=MeetingOptions(language="ja"),
        )
        return row.id


def test_schema_after_migrations_matches_the_tables(db: Engine) -> None:
    with db.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": outside_the_tables})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_meeting_and_transcript_round_trip(db: Engine) -> None:
    meeting_id = new_meeting(db)
    with session_scope(db) as session:
        repository.save_transcript(session, meeting_id=meeting_id, transcript=transcript())
        repository.mark_stage_done(session, meeting_id, "transcribe")
    with session_scope(db) as session:
        meeting = repository.load_meeting(session, meeting_id)
        row = repository.get_meeting_row(session, meeting_id)
    assert meeting.title == "第3回 総務委員会"
    assert meeting.language == "ja" and meeting.duration == 12.5
    assert [s.id for s in meeting.segments] == [1, 2]
    assert meeting.segments[0].text == "本日の会議を始めます。"
    assert [w.text for w in meeting.segments[0].words] == ["本日", "の", "会議", "を始めます。"]
    assert meeting.segments[0].words[2].probability == pytest.approx(0.95)
    assert meeting.segments[0].avg_logprob == pytest.approx(-0.2)
    assert meeting.minutes.status == "not_configured"
    assert row.completed_stages == ["transcribe"] and row.options == {"language": "ja"}


def test_saving_again_replaces_instead_of_duplicating(db: Engine) -> None:
    meeting_id = new_meeting(db)
    for _ in range(2):
        with session_scope(db) as session:
            repository.save_transcript(session, meeting_id=meeting_id, transcript=transcript())
    with session_scope(db) as session:
        segments = session.scalar(
            select(func.count()).select_from(SegmentRow).where(SegmentRow.meeting_id == meeting_id)
        )
        words = session.scalar(
            select(func.count()).select_from(WordRow).where(WordRow.meeting_id == meeting_id)
        )
    assert (segments, words) == (2, 5)


def test_lines_saved_again_refuse_an_edit_from_a_page_opened_before(db: Engine) -> None:
    from gijiroku import edits
    from gijiroku.errors import StaleVersionError

    meeting_id = new_meeting(db)
    with session_scope(db) as session:
        repository.save_transcript(session, meeting_id=meeting_id, transcript=transcript())
    edits.edit_segment(db, meeting_id, 2, text="Agreed by all.", version=1)  # now 2
    opened = {s.id: s.version for s in _lines(db, meeting_id)}
    assert opened == {1: 1, 2: 2}
    with session_scope(db) as session:  # diarization again: the lines are rebuilt
        repository.save_transcript(session, meeting_id=meeting_id, transcript=transcript())
    assert {s.version for s in _lines(db, meeting_id)} == {3}  # above every earlier one
    for number, version in opened.items():  # the page opened before is out of date
        with pytest.raises(StaleVersionError):
            edits.edit_segment(db, meeting_id, number, text="Stale.", version=version)
    assert [s.text for s in _lines(db, meeting_id)] == ["本日の会議を始めます。", "Agreed."]
    edits.edit_segment(db, meeting_id, 2, text="Agreed by all.", version=3)
    with session_scope(db) as session:  # and the ids of the words still follow their lines
        repository.save_transcript(session, meeting_id=meeting_id, transcript=transcript())
    lines = _lines(db, meeting_id)
    assert [[w.text for w in s.words] for s in lines] == [
        ["本日", "の", "会議", "を始めます。"], ["Agreed."]]


def _lines(db: Engine, meeting_id: str) -> list[Segment]:
    with session_scope(db) as session:
        return repository.load_transcript(session, meeting_id).segments


def test_deleting_a_meeting_removes_its_segments_and_words(db: Engine) -> None:
    meeting_id = new_meeting(db)
    other = new_meeting(db, "other")
    for mid in (meeting_id, other):
        with session_scope(db) as session:
            repository.save_transcript(session, meeting_id=mid, transcript=transcript())
    with session_scope(db) as session:
        session.delete(repository.get_meeting_row(session, meeting_id))
    with session_scope(db) as session:
        left = session.scalars(select(WordRow.meeting_id).distinct()).all()
        with pytest.raises(MeetingNotFoundError):
            repository.load_meeting(session, meeting_id)
    assert left == [other]


def test_a_failed_write_leaves_nothing_behind(db: Engine) -> None:
    meeting_id = new_meeting(db)
    with pytest.raises(RuntimeError), session_scope(db) as session:
        repository.save_transcript(session, meeting_id=meeting_id, transcript=transcript())
        raise RuntimeError("disk full")
    with session_scope(db) as session:
        assert repository.load_meeting(session, meeting_id).segments == []
