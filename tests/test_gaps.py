"""A gap (speech the recogniser gave no text for, transcribe/completeness.py) once stored: in
the result document, `gijiroku show`, the exports; typed into, it becomes a line like any
other; deleted (dismissed), it can be put back; both are history entries."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.domain import Segment, Transcript, Word
from gijiroku.errors import EditError
from gijiroku.export import export_meeting
from gijiroku.result import result_document
from gijiroku.storage import repository, session_scope
from tests.conftest import Ran


def store(engine: Engine, language: str) -> str:
    """A meeting of three lines, the second a gap, transcribed with two stretches decoded
    again."""
    with session_scope(engine) as session:
        meeting = repository.create_meeting(
            session, title="委員会", source_name="x.flac", source_path="meetings/x/original.flac",
            content_hash="0" * 64)
        segments = [
            Segment(0.0, 3.0, "Opening.", [Word(0.0, 3.0, "Opening.", 0.9)], source=0),
            Segment(58.0, 64.0, "", gap=True, source=1),
            Segment(65.0, 68.0, "Closing.", [Word(65.0, 68.0, "Closing.", 0.9)], source=2),
        ]
        repository.save_transcript(session, meeting_id=meeting.id, transcript=Transcript(
            language=language, duration=70.0, segments=segments, redecoded=2))
        repository.update_meeting(session, meeting.id, status="done", language=language,
                                  duration=70.0, redecoded=2)
        return meeting.id


def load(engine: Engine, meeting_id: str):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return repository.load_meeting(session, meeting_id)


def test_a_gap_is_shown_and_counted_everywhere(
    engine: Engine, settings: Settings, cli: Callable[..., Ran]
) -> None:
    meeting_id = store(engine, "en")
    document = result_document(load(engine, meeting_id))
    assert document["completeness"] == {"redecoded": 2, "gaps": 1}
    assert [(s["id"], s["gap"], s["text"]) for s in document["segments"]] == [
        (1, False, "Opening."), (2, True, ""), (3, False, "Closing.")]
    shown = cli("show", meeting_id, data_dir=settings.data_dir).stdout.splitlines()
    assert "2 stretch(es) decoded again, 1 gap(s)" in shown[0]
    assert shown[2].endswith(" [inaudible]") and "00:00:58" in shown[2]
    markdown = export_meeting(engine, meeting_id, "md").content.decode()
    assert "(#2): \\[inaudible\\]" in markdown  # (Markdown's escapes: read as [inaudible])
    subtitles = export_meeting(engine, meeting_id, "srt").content.decode()
    assert "[inaudible]" in subtitles


def test_in_japanese_the_gap_reads_as_the_kaigiroku_marks_it(engine: Engine) -> None:
    meeting_id = store(engine, "ja")
    assert "〔聴取不能〕" in export_meeting(engine, meeting_id, "md").content.decode()


def test_a_gap_typed_into_is_a_line_and_a_dismissed_one_comes_back_on_undo(
    engine: Engine
) -> None:
    meeting_id = store(engine, "en")
    typed = edits.edit_segment(engine, meeting_id, 2, text="The minutes were approved.")
    assert typed is not None
    line = load(engine, meeting_id).segments[1]
    assert (line.gap, line.text) == (False, "The minutes were approved.")
    edits.undo(engine, meeting_id, typed.id or 0)
    line = load(engine, meeting_id).segments[1]
    assert (line.gap, line.text) == (True, "")

    dismissed = edits.delete_line(engine, meeting_id, 2)
    assert [s.id for s in load(engine, meeting_id).segments] == [1, 3]
    assert result_document(load(engine, meeting_id))["completeness"]["gaps"] == 0
    edits.undo(engine, meeting_id, dismissed.id or 0)
    back = load(engine, meeting_id).segments
    assert [(s.id, s.gap) for s in back] == [(1, False), (2, True), (3, False)]
    kinds = [e.kind for e in edits.history_of(engine, meeting_id)]
    assert len(kinds) == 2, kinds


@pytest.mark.parametrize("text", ["", "   "])
def test_a_gap_cannot_be_saved_empty(engine: Engine, text: str) -> None:
    meeting_id = store(engine, "en")
    with pytest.raises(EditError):
        edits.edit_segment(engine, meeting_id, 2, text=text)
    assert load(engine, meeting_id).segments[1].gap

