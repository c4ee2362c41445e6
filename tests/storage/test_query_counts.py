"""Edits over a whole 3-hour session run a bounded number of database statements, however
many lines they touch: a speaker merge, a find and replace over every line, a range of lines
given to a speaker. Counted on a real SQLite file and PostgreSQL server (each `execute`,
an `executemany` counting once), on a synthetic session of 3,000 lines and one of 300."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event

from gijiroku import edits
from gijiroku.domain import Segment, Speaker, Transcript, Word
from gijiroku.options import MeetingOptions
from gijiroku.storage import repository, session_scope

#: A 3-hour council session: a line every 3.6 s, eight words each, three speakers.
LONG, SHORT = 3000, 300


def session_of(engine: Engine, count: int) -> str:
    segments = []
    for n in range(count):
        start, who = n * 3.6, f"S{n % 3 + 1}"
        words = [Word(start + i * 0.4, start + i * 0.4 + 0.35, w, 0.9, who)
                 for i, w in enumerate(["本日", "の", "議題", "は", "総務医院会", "の", "報告",
                                        "です。"])]
        segments.append(Segment(start, start + 3.4, "".join(w.text for w in words), words,
                                speaker=who, source=n))
    with session_scope(engine) as session:
        meeting = repository.create_meeting(
            session, title="定例会", source_name="x.flac", source_path="x/original.flac",
            content_hash="0" * 64, options=MeetingOptions(language="ja"))
        repository.save_transcript(session, meeting_id=meeting.id, transcript=Transcript(
            language="ja", duration=count * 3.6, segments=segments))
        repository.save_speakers(session, meeting_id=meeting.id, speakers=[
            Speaker(id=f"S{i}", label=f"SPEAKER_0{i}") for i in (1, 2, 3)])
        repository.update_meeting(session, meeting.id, language="ja")
        return meeting.id


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement.split()[0])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


EDITS: dict[str, Callable[[Engine, str], object]] = {
    "merge speakers": lambda e, m: edits.merge_speakers(e, m, "S2", "S1"),
    "replace everywhere": lambda e, m: edits.replace(e, m, "総務医院会", "総務委員会"),
    "lines to a speaker": lambda e, m: edits.set_speaker(e, m, 1, SHORT, "S3"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_over_a_whole_session_runs_a_bounded_number_of_statements(
        db: Engine, edit: str) -> None:
    used = {}
    for count in (SHORT, LONG):
        meeting_id = session_of(db, count)
        with counted(db) as statements:
            EDITS[edit](db, meeting_id)
        used[count] = len(statements)
    # the same for ten times the lines (the lines and words are read, and the words
    # deleted, in chunks of edits.line.CHUNK: a few statements more, never one per line)
    assert used[LONG] <= used[SHORT] + 3 * (LONG // edits.line.CHUNK + 1), used
    assert used[LONG] <= 40, used


def test_a_minutes_item_change_is_one_transaction(db: Engine) -> None:
    """A change of a decision (claimed at its version, read, checked, written, recorded)
    takes one connection from the pool, once; a refused one reads the current item in a
    second (what the 409 shows)."""
    from gijiroku.domain import Decision
    from gijiroku.errors import StaleVersionError

    meeting_id = session_of(db, 10)
    edits.add_minutes_item(db, meeting_id, Decision("予算案を可決", segments=[1]))
    with session_scope(db) as session:
        [item] = repository.minutes_items(session, meeting_id)
        item_id, version = item.id, item.version
    taken: list[int] = []

    def take(*_: object) -> None:
        taken.append(1)

    event.listen(db, "checkout", take)
    try:
        with counted(db) as statements:
            edits.patch_minutes_item(db, meeting_id, "decisions", item_id,
                                     {"segments": [1, 2]}, version)
        # (the change's own statements, and its audit entry: a lock on PostgreSQL, the
        # entry inserted, the entry before it read, the entry chained: gijiroku.audit)
        assert len(taken) == 1 and len(statements) <= 10 + 4, (taken, statements)
        taken.clear()
        with pytest.raises(StaleVersionError):
            edits.patch_minutes_item(db, meeting_id, "decisions", item_id,
                                     {"text": "古い版からの変更"}, version)
        assert len(taken) == 2, taken
    finally:
        event.remove(db, "checkout", take)
