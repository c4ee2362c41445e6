"""The history as a clerk reads it: every kind of entry has a summary in Japanese and in
English made by the server, and `undoable` says what undo then does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api import create_app
from gijiroku import dictionary, edits
from gijiroku.config import Settings
from gijiroku.domain import ActionItem, Decision
from gijiroku.edits.history import KINDS
from gijiroku.storage import session_scope
from gijiroku.storage.tables import EditRow
from tests.api.test_api import LOCAL
from tests.seed import seed_meeting

JA = {"Accept-Language": "ja"}
EN = {"Accept-Language": "en"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        yield client


def every_kind(engine: Engine, meeting_id: str) -> None:
    """One change of each kind there is (in the order a clerk might make them)."""
    edits.edit_segment(engine, meeting_id, 1, text="ただいまから総務委員会を開会します。")
    edits.add_mark(engine, meeting_id, kind="personal", category="name", segment=3,
                   start=0, end=2)  # followed through every change below
    removed = edits.add_mark(engine, meeting_id, kind="withdrawn", segment=1)
    edits.remove_mark(engine, meeting_id, removed.id)
    edits.edit_segment(engine, meeting_id, 6, speaker="S1")
    edits.rename_speaker(engine, meeting_id, "S2", "田中委員")
    edits.add_minutes_item(engine, meeting_id, Decision("予算案を可決", segments=[6]))
    edits.add_minutes_item(engine, meeting_id, ActionItem("資料を配布", segments=[4]))
    dictionary.add_entry(engine, "correction", "総務医院会", "総務委員会")
    edits.apply_dictionary(engine, meeting_id)
    edits.merge_with_next(engine, meeting_id, 2)
    edits.split_line(engine, meeting_id, 2, 4)
    edits.insert_line(engine, meeting_id, 4, "（資料配布）")
    edits.set_speaker(engine, meeting_id, 4, 5, "S3")
    edits.replace(engine, meeting_id, "確認", "承認")
    added = edits.add_speaker(engine, meeting_id, "佐藤課長")
    edits.merge_speakers(engine, meeting_id, added.after["speaker"][0], "S3")
    edits.delete_line(engine, meeting_id, 7)
    from gijiroku import roster

    roster.add_person(engine, "山田太郎", title="総務部長")
    edits.enrol(engine, meeting_id, "S2", "山田太郎")
    edits.edit_meeting(engine, meeting_id, {"title": "総務委員会（第4回）",
                                              "agenda": ["予算"], "kind": "iinkai"})
    edits.edit_record(engine, meeting_id, {"body": "総務委員会", "signers": ["田中委員"],
                                           "proceedings": {"votes": [{
                                               "bill": "議案第1号", "method": "挙手",
                                               "result": "可決", "segments": [5]}]}})
    with session_scope(engine) as session:  # as a replaced recording leaves it
        session.add(EditRow(meeting_id=meeting_id, kind="recording", target="",
                            before={"content_hash": "a"}, after={"content_hash": "b"}))


def test_every_kind_reads_in_both_languages_and_undo_does_what_it_says(
        client: TestClient, engine: Engine, settings: Settings) -> None:
    meeting_id = seed_meeting(engine, settings.data_dir)
    every_kind(engine, meeting_id)
    base = f"/api/meetings/{meeting_id}"
    ja = client.get(f"{base}/history", headers=JA).json()
    en = client.get(f"{base}/history", headers=EN).json()
    assert {e["kind"] for e in ja} == set(KINDS)  # every kind is made above
    assert {e["target"] for e in ja if e["kind"] == "lines"} == {
        "merge", "split", "insert", "speaker", "replace", "delete"}
    for said, theirs in zip(ja, en, strict=True):
        assert said["author"] is None and said["id"] == theirs["id"]
        assert JAPANESE.search(said["summary"]), said
        assert re.match(r"[A-Z][a-z]+ ", theirs["summary"]), theirs  # English words first
        for text in (said["summary"], theirs["summary"]):
            assert not re.search(r"undefined|None|null|\{|\[", text), text
    # speakers read as the page names them: a name, else 話者3 / Speaker 3 (never S3)
    speaker = next(e for e in ja if e["kind"] == "segment" and e["target"] == "6")
    assert "話者3 → 話者1" in speaker["summary"]
    assert "Speaker 3 → Speaker 1" in next(e for e in en if e["id"] == speaker["id"])["summary"]
    renamed = next(e for e in ja if e["kind"] == "speaker")
    assert renamed["summary"] == "話者の名前：話者2 → 田中委員"
    item = next(e for e in ja if e["kind"] == "decisions")
    assert item["summary"] == "決定事項を追加：「予算案を可決」"

    # undo, newest first: what says it can be undone is undone, the rest is refused
    for entry in reversed(ja):
        answer = client.post(f"{base}/history/{entry['id']}/undo")
        assert (answer.status_code == 200) == entry["undoable"], (entry, answer.text)
    after = client.get(f"{base}/history", headers=JA).json()
    assert [e["undoable"] for e in after] == [False] * len(after)  # undone, or not undoable
    assert [e["kind"] for e in after if e["undone_at"] is None] == ["recording"]


def test_one_table_of_limits_for_every_door(client: TestClient, engine: Engine,
                                            settings: Settings) -> None:
    """gijiroku/limits.py: what the pages' fields allow is what the API takes; text over a
    limit is refused with the limit, never cut short (a speaker's name, a dictionary note
    and a title were cut at 200 characters by some doors and refused by others)."""
    from gijiroku import limits

    meeting_id = seed_meeting(engine, settings.data_dir)
    page = client.get(f"/meetings/{meeting_id}").text
    for field, limit in (("fact-title", limits.TITLE), ("fact-place", limits.NAME),
                         ("find-text", limits.FIND), ("new-speaker", limits.NAME)):
        assert re.search(rf'id="{field}"[^>]*maxlength="{limit}"', page), field
    assert f'data-name-limit="{limits.NAME}"' in page
    assert f'maxlength="{limits.DICTIONARY}"' in client.get("/dictionary").text
    base = f"/api/meetings/{meeting_id}"
    for path, body in ((f"{base}/speakers/S1", {"name": "名" * (limits.NAME + 1)}),
                       (base, {"title": "題" * (limits.TITLE + 1)}),
                       (base, {"summary": "要" * (limits.SUMMARY + 1)})):
        refused = client.patch(path, json=body, headers=EN)
        assert refused.status_code == 422, (path, refused.text)
    with pytest.raises(Exception, match="longer than 200"):
        edits.rename_speaker(engine, meeting_id, "S1", "名" * (limits.NAME + 1))
    with pytest.raises(Exception, match="longer than 200"):
        dictionary.add_entry(engine, "term", "総務委員会", note="注" * (limits.NAME + 1))
    named = edits.rename_speaker(engine, meeting_id, "S1", "名" * limits.NAME)
    assert named is not None and named.after == "名" * limits.NAME


def test_an_unnamed_speaker_reads_the_same_in_the_cli_and_the_exports(
        engine: Engine, settings: Settings, cli: Any) -> None:
    """話者2 in `gijiroku show`, in the Markdown export and in the history alike (the page
    says it the same way: web/static/meeting/speakers.js speakerLabel)."""
    meeting_id = seed_meeting(engine, settings.data_dir)
    edits.rename_speaker(engine, meeting_id, "S1", "山田委員長")
    shown = cli("show", meeting_id, data_dir=settings.data_dir).stdout
    assert " 山田委員長: " in shown and " 話者2: 図書館を" in shown and " S2:" not in shown
    markdown = cli("export", meeting_id, "--format", "md", "--output",
                   str(settings.data_dir / "m.md"), data_dir=settings.data_dir)
    assert markdown.returncode == 0, markdown.stderr
    assert "話者2" in (settings.data_dir / "m.md").read_text(encoding="utf-8")


def test_entries_written_before_lines_had_one_shape_are_still_undone(
        engine: Engine, settings: Settings) -> None:
    """A database from an older version holds `segment` entries with the text, speaker and
    the words' speakers only, and `dictionary` entries with the text and the words' texts:
    each is undone as it was written (and refused once the line changed again), beside the
    entries of today, which hold whole lines (`edits.line`)."""
    from gijiroku.edits import line
    from gijiroku.errors import EditConflictError
    from gijiroku.storage.tables import SegmentRow

    meeting_id = seed_meeting(engine, settings.data_dir)
    with session_scope(engine) as session:
        row = line.row_of(session, meeting_id, 1)
        words = [w.text for w in line.snapshot(session, row)["words"]]
        was = {"text": row.text, "speaker": row.speaker_key}
        # what an older version did to the line, and the entries it wrote for it
        row.text, row.speaker_key, row.edited = "開会します。", "S2", True
        session.add(row)
        old_segment = EditRow(
            meeting_id=meeting_id, kind="segment", target="1",
            before={"text": was["text"], "speaker": was["speaker"], "edited": False,
                    "word_speakers": [was["speaker"]] * len(words)},
            after={"text": "開会します。", "speaker": "S2", "edited": True,
                   "word_speakers": [was["speaker"]] * len(words)})
        row3 = line.row_of(session, meeting_id, 3)
        heard = row3.text
        row3.text = heard.replace("総務医院会", "総務委員会")
        session.add(row3)
        words3 = [w.text for w in line.snapshot(session, row3)["words"]]
        old_dictionary = EditRow(
            meeting_id=meeting_id, kind="dictionary", target="3",
            before={"text": heard, "words": words3},
            after={"text": row3.text, "words": words3, "rules": [["総務医院会", "総務委員会"]]})
        session.add_all([old_segment, old_dictionary])
        session.flush()
        ids = old_segment.id, old_dictionary.id
    edits.undo(engine, meeting_id, ids[0])
    edits.undo(engine, meeting_id, ids[1])
    with session_scope(engine) as session:
        first = line.snapshot(session, line.row_of(session, meeting_id, 1))
        third = session.get(SegmentRow, line.row_of(session, meeting_id, 3).id)
        assert (first["text"], first["speaker"], first["edited"]) == (
            was["text"], was["speaker"], False)
        assert third is not None and third.text == heard
    # refused when the line changed after the entry (as entries of today are)
    edits.edit_segment(engine, meeting_id, 2, text="図書館を日曜日の朝に開きます。")
    with session_scope(engine) as session:
        stale = EditRow(meeting_id=meeting_id, kind="segment", target="2",
                        before={"text": "x", "speaker": "S1", "edited": False,
                                "word_speakers": []},
                        after={"text": "y", "speaker": "S1", "edited": True,
                               "word_speakers": []})
        session.add(stale)
        session.flush()
        stale_id = stale.id
    with pytest.raises(EditConflictError):
        edits.undo(engine, meeting_id, stale_id)


def test_entries_of_today_hold_whole_lines(engine: Engine, settings: Settings) -> None:
    """A line's text or speaker changed, and a dictionary correction, keep the whole line
    before and after (times, speaker, words with their marks): the shape line surgery keeps,
    put back by the same code."""
    meeting_id = seed_meeting(engine, settings.data_dir)
    fixed = edits.edit_segment(engine, meeting_id, 1, text="ただいまから総務委員会を開会します。")
    dictionary.add_entry(engine, "correction", "総務医院会", "総務委員会")
    edits.apply_dictionary(engine, meeting_id)
    corrected = [e for e in edits.history_of(engine, meeting_id) if e.kind == "dictionary"]
    assert fixed is not None and corrected
    for entry in (fixed, *corrected):
        for state in (entry.before, entry.after):
            assert set(edits.line.Line.__annotations__) <= set(state), state
            assert all(len(w) == 6 for w in state["words"])
    assert corrected[0].after["rules"] == [["総務医院会", "総務委員会"]]
