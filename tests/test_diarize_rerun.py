"""Diarization run again over a proofread meeting (pyannote's sample, processed once for the
session): the minutes' citations and the marks follow the speech to the new lines, and a
line corrected while the speakers are being found is never written over."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.domain import ActionItem, Decision, Meeting
from gijiroku.errors import EditConflictError
from gijiroku.reruns import Rerun, run_rerun
from gijiroku.storage import repository, session_scope
from tests.processed import ProcessedMeetings

pytestmark = pytest.mark.slow


def stored(engine: Engine, meeting_id: str) -> Meeting:
    with session_scope(engine) as session:
        return repository.load_meeting(session, meeting_id)


def spans(meeting: Meeting, numbers: list[int]) -> list[tuple[float, float]]:
    by_number = {s.id: (s.start, s.end) for s in meeting.segments}
    return [by_number[n] for n in numbers]


def spans_text(meeting: Meeting, number: int) -> str:
    return next(s.text for s in meeting.segments if s.id == number)


def shares(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Two stretches share speech; one with no time of its own (a line split inside a word)
    lies within the other."""
    for point, span in ((a, b), (b, a)):
        if point[1] - point[0] <= 0.02:
            return span[0] <= (point[0] + point[1]) / 2 <= span[1]
    return min(a[1], b[1]) - max(a[0], b[0]) > 0.02


def test_citations_follow_the_speech_and_a_correction_meanwhile_stops_the_rerun(
    engine: Engine, settings: Settings, processed_meetings: ProcessedMeetings, tmp_path: Path
) -> None:
    meeting_id = processed_meetings["pyannote-sample"].store(engine, settings.data_dir)
    meeting = stored(engine, meeting_id)
    numbers = [s.id for s in meeting.segments]
    assert len(numbers) >= 6
    # a clerk splits one line and merges two others, then cites them (and an untouched one)
    first = meeting.segments[1]
    edits.split_line(engine, meeting_id, first.id, len(first.text) // 2)
    edits.merge_with_next(engine, meeting_id, numbers[3])
    proofread = stored(engine, meeting_id)
    split_off = max(s.id for s in proofread.segments)
    edits.add_minutes_item(engine, meeting_id, Decision(
        "Keep the call going.", segments=[first.id, split_off]))
    edits.add_minutes_item(engine, meeting_id, ActionItem(
        "Send the notes.", segments=[numbers[3], numbers[-1]]))
    items = stored(engine, meeting_id).minutes
    cited = {item.id: spans(proofread, item.segments)
             for item in [*items.decisions, *items.action_items]}
    numbered = {item.id: item.segments for item in [*items.decisions, *items.action_items]}
    # marks: the first word of the last line as personal information, a line as closed
    last = proofread.segments[-1]
    word = last.text.split()[0]
    named = edits.add_mark(engine, meeting_id, kind="personal", category="name",
                           segment=last.id or 0, start=0, end=len(word))
    closed_line = proofread.segments[4]
    closed = edits.add_mark(engine, meeting_id, kind="closed", segment=closed_line.id or 0)

    run_rerun(engine, settings, meeting_id,
              Rerun("diarize", num_speakers=3, replace_edits=True))
    again = stored(engine, meeting_id)
    # the marks went with the speech to the new lines, their text the same
    carried = {m.id: m for m in again.marks}
    assert not carried[named.id].lost and carried[named.id].text == word
    assert word in spans_text(again, carried[named.id].segment)
    assert shares((last.start, last.end), spans(again, [carried[named.id].segment])[0])
    assert not carried[closed.id].lost
    assert shares((closed_line.start, closed_line.end),
                  spans(again, [carried[closed.id].segment])[0])
    assert [s.id for s in again.segments] == list(range(1, len(again.segments) + 1))
    for item in [*again.minutes.decisions, *again.minutes.action_items]:
        now = spans(again, item.segments)
        # every stretch it cited is still cited, and it cites nothing else
        assert all(any(shares(old, new) for new in now) for old in cited[item.id]), item
        assert all(any(shares(old, new) for old in cited[item.id]) for new in now), item
        assert not item.flagged
        assert item.version == (1 if item.segments == numbered[item.id] else 2)

    # a line corrected while the speakers are being found: the re-run stops, the
    # correction stays, and nothing else changed
    before = stored(engine, meeting_id)
    corrected = "Corrected while the speakers were being found."

    def correct_once(stage: str, _done: float, _total: float) -> None:
        if stage == "diarize" and not correct_once.done:  # type: ignore[attr-defined]
            correct_once.done = True  # type: ignore[attr-defined]
            edits.edit_segment(engine, meeting_id, 2, text=corrected)

    correct_once.done = False  # type: ignore[attr-defined]
    with pytest.raises(EditConflictError, match="changed while the speakers"):
        run_rerun(engine, settings, meeting_id,
                  Rerun("diarize", num_speakers=2, replace_edits=True), correct_once)
    assert correct_once.done  # type: ignore[attr-defined]
    after = stored(engine, meeting_id)
    assert after.segments[1].text == corrected
    assert [(s.start, s.end, s.speaker) for s in after.segments] == [
        (s.start, s.end, s.speaker) for s in before.segments]
    assert after.minutes.decisions == before.minutes.decisions
