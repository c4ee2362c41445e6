"""The plenary sample processed by the embedded defaults (the multilingual base model, no
language given), then its proceedings and its 会議録: what a clerk gets before proofreading.
The recogniser misspells many formulae (「切りつたす」, 「3回いたします」, 「性感大産号」); the
proceedings must still hold at least 90 % of the reference's agenda items, votes and events,
and nothing the meeting did not do."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine

from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.export import export_meeting
from tests.processed import ProcessedMeetings

REFERENCE = Path(__file__).parents[2] / "samples" / "council-plenary-ja.proceedings.json"
pytestmark = pytest.mark.slow


def test_the_plenary_recording_s_proceedings_and_kaigiroku(
        processed_meetings: ProcessedMeetings, engine: Engine, settings: Settings) -> None:
    from docx import Document

    meeting = processed_meetings["plenary-ja"].store(engine, settings.data_dir)
    found, edited = edits.meeting_proceedings(engine, meeting)
    assert not edited
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    shapes = {"agenda": lambda x: (x["item"], x["bill"]),
              "votes": lambda x: (x["bill"], x["method"], x["result"]),
              "events": lambda x: x["kind"]}
    got = found.to_dict()
    for name, shape in shapes.items():
        want = Counter(shape(x) for x in reference[name])
        have = Counter(shape(x) for x in got[name])
        assert sum((want & have).values()) >= 0.9 * sum(want.values()), (name, got[name])
        assert not have - want, (name, "invented", have - want)
    # with no language model, the minutes' decisions are the votes the chair declared
    from gijiroku.storage import repository, session_scope

    with session_scope(engine) as session:
        minutes = repository.load_meeting(session, meeting, with_words=False).minutes
    assert minutes.status == "not_configured"
    assert [d.segments == v["segments"] for d, v in zip(minutes.decisions, got["votes"],
                                                         strict=True)] == [True] * 5
    assert minutes.decisions[0].text.startswith("議案第98号")
    # the times come from the recording's clock: 10:00 plus where each was said
    assert got["events"][0]["at"] == "10:00"
    assert all(e["at"] and "10:00" <= e["at"] <= "10:07" for e in got["events"])
    word = Document(io.BytesIO(export_meeting(engine, meeting, "docx",
                                              layout="kaigiroku").content))
    styles = Counter(p.style.name for p in word.paragraphs)
    assert styles["会議録 日程"] >= 5  # an agenda heading per item
    assert styles["会議録 時刻"] >= 3  # recess, resume, adjournment with their times
    assert styles["会議録 署名"] >= 2
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "本会議会議録"
    assert "令和８年１２月１０日（木曜日）　午前１０時００分開議" in texts
