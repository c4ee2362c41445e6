"""The dictionary (辞書): terms for Whisper, correction rules on stored lines, the built-in
council vocabulary; checked on the Japanese sample with the embedded models."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import hypothesis
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import col, select

from api import create_app
from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.dictionary import (
    add_entry,
    builtin_entries,
    correct,
    entries,
    remove_entry,
    rules_for,
    share_out,
)
from gijiroku.edits import apply_dictionary
from gijiroku.errors import EditConflictError, InvalidInputError, NotFoundError
from gijiroku.pipeline import Pipeline
from gijiroku.recordings import accept_file
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import EditRow, SegmentRow, WordRow
from tests.api.test_api import LOCAL
from tests.conftest import Ran, ffmpeg
from tests.processed import ProcessedMeetings, a_heard_word
from transcribe import HOTWORD_BUDGET, TranscriptionOptions, hotwords_for

SAMPLE = Path(__file__).parents[1] / "samples" / "committee-meeting-ja.flac"


def test_a_rule_changes_the_text_and_the_words_that_spell_it() -> None:
    rules = rules_for(list(builtin_entries()), "ja")
    text, words, used = correct("ご意義ありませんか？", ["ご", "意義", "ありませ", "んか？"], "ja",
                                rules)
    assert text == "ご異議ありませんか？" and words == ["ご", "異議", "ありませ", "んか？"]
    assert [(r.heard, r.meant) for r in used] == [("意義あり", "異議あり")]  # longest first
    # a replacement of another length is shared out; the words still spell the line
    own = [*rules_for([*entries_of("correction", "控えいたします", "閉会いたします")], "ja")]
    text, words, _ = correct("委員会を控えいたします。", ["委員会", "を", "控え", "いたします。"],
                             "ja", own)
    assert "".join(words) == text == "委員会を閉会いたします。"
    # Latin words match whole, never inside a longer word
    latin = rules_for(entries_of("correction", "Sato", "Satoh", language="en"), "en")
    assert correct("Satoko and Sato", ["Satoko", "and", "Sato"], "en", latin)[:2] == (
        "Satoko and Satoh", ["Satoko", "and", "Satoh"])
    # rules of another language are not used
    assert rules_for(entries_of("correction", "Sato", "Satoh", language="en"), "ja") == []


def entries_of(kind: str, text: str, replacement: str, language: str = "ja"):  # type: ignore[no-untyped-def]
    from gijiroku.dictionary import Entry

    return [Entry(1, "correction" if kind == "correction" else "term", text, replacement,
                  language)]


def test_entries_are_checked_and_built_in_ones_stay(engine: Engine) -> None:
    add_entry(engine, "term", "  総務常任委員会 ", note="委員会名")
    with pytest.raises(InvalidInputError, match="already"):
        add_entry(engine, "term", "総務常任委員会")
    with pytest.raises(InvalidInputError, match="empty"):
        add_entry(engine, "correction", "本県", " ")
    with pytest.raises(InvalidInputError, match="again"):
        add_entry(engine, "correction", "本件", "本件は")
    with pytest.raises(InvalidInputError, match="language"):
        add_entry(engine, "term", "議会", language="japanese")
    with pytest.raises(InvalidInputError, match="longer"):
        add_entry(engine, "term", "議" * 101)
    with pytest.raises(InvalidInputError, match="kind"):
        add_entry(engine, "phrase", "議会")
    listed = entries(engine)
    assert listed[0].text == "総務常任委員会" and listed[0].note == "委員会名"
    assert any(e.builtin and e.text == "意義なし" for e in listed)
    removed = remove_entry(engine, listed[0].id or 0)
    assert removed.text == "総務常任委員会" and not any(not e.builtin for e in entries(engine))
    for missing in (999, 0, 2**63):
        with pytest.raises(NotFoundError, match="built-in"):
            remove_entry(engine, missing)


def test_terms_go_to_whisper_by_language_within_the_budget() -> None:
    options = TranscriptionOptions(hotwords="山田", terms=(
        ("ja", "総務常任委員会"), ("en", "Satoh"), ("", "ICT"), ("ja", "山田"),
        ("ja", "第二委員会室"), *[("ja", "異議なし")] * 3, ("ja", "あ" * 40)))
    assert hotwords_for(options, "ja") == "山田 総務常任委員会 ICT 第二委員会室 異議なし"
    assert hotwords_for(options, "en") == "山田 Satoh ICT"
    chosen = hotwords_for(options, "ja") or ""
    assert len(chosen) + 1 <= HOTWORD_BUDGET
    assert hotwords_for(TranscriptionOptions(), "ja") is None


def lines(engine: Engine, meeting_id: str) -> list[str]:
    with session_scope(engine) as session:
        return [s.text for s in repository.load_meeting(session, meeting_id).segments]


def corrections(engine: Engine, meeting_id: str) -> list[EditRow]:
    """The meeting's history entries made by the dictionary, oldest first."""
    return [e for e in edits.history_of(engine, meeting_id) if e.kind == "dictionary"]


#: a committee's name in the Japanese sample, given to Whisper as a term
TERM = "総務常任委員会"
#: seconds: the sample's first two lines (the chair opens, the secretariat announces)
OPENING = 19.4


@pytest.mark.slow
def test_terms_and_rules_change_a_japanese_meeting_and_show_in_its_history(
    engine: Engine, settings: Settings, processed_meetings: ProcessedMeetings, tmp_path: Path
) -> None:
    """The Japanese sample is processed once for the session (tests/processed.py); its
    opening is transcribed again here with a term (what a term does cannot be stored)."""
    processed = processed_meetings["committee-ja"]
    plain = processed.store(engine, settings.data_dir)
    before = lines(engine, plain)
    # A rule added later is applied to the stored meeting on request, as history entries.
    # It corrects a word the recogniser wrote (the most frequent one; which word that is
    # depends on the model), never one inside the term below.
    heard = a_heard_word(processed.meeting, avoid=(TERM,))
    meant = "〓訂正〓"
    add_entry(engine, "correction", heard, meant, note="人事課の表記")
    expected = {n for n, text in enumerate(before, 1) if heard in text}
    assert len(expected) >= 2, (heard, before)
    edited = min(expected)  # a person corrects one of those lines first
    edits.edit_segment(engine, plain, edited, text=before[edited - 1] + "（確認済み）")
    expected.discard(edited)
    with session_scope(engine) as session:  # every word underlined, to see which stay so
        session.exec(update(WordRow).where(col(WordRow.segment_id).in_(
            select(SegmentRow.id).where(SegmentRow.meeting_id == plain))).values(
                doubtful=True))
    changes = apply_dictionary(engine, plain)
    changed = {c.number for c in changes}
    assert changed == expected  # every line with the word but the hand-edited one
    after = lines(engine, plain)
    assert all(heard not in after[n - 1] and meant in after[n - 1] for n in changed)
    assert heard in after[edited - 1]  # a person's line is never touched
    history = corrections(engine, plain)
    assert {int(e.target) for e in history} == changed
    assert all(e.after["rules"] == [[heard, meant]] for e in history)
    with session_scope(engine) as session:  # the words follow the text
        meeting = repository.load_meeting(session, plain, with_words=True)
    for number in changed:
        segment = next(s for s in meeting.segments if s.id == number)
        assert "".join(w.text for w in segment.words) == segment.text
        # the words a rule wrote are no longer doubtful; the rest of the line still is
        fixed = [w.doubtful for w in segment.words if set(w.text) & set(meant)]
        assert fixed and not any(fixed), segment.words
        assert any(w.doubtful for w in segment.words), segment.words
    assert apply_dictionary(engine, plain) == []  # nothing left to correct

    # undo puts a line back; undoing twice is refused
    first = history[0]
    number = int(first.target)
    edits.undo(engine, plain, first.id or 0)
    restored = lines(engine, plain)
    assert heard in restored[number - 1] and meant not in restored[number - 1]
    with session_scope(engine) as session:  # and its words are underlined again
        words = repository.load_segment(session, plain, number).words
    assert all(w.doubtful for w in words), words
    with pytest.raises(EditConflictError):
        edits.undo(engine, plain, first.id or 0)
    # so is undoing a correction after a later change of its line: the rule corrects the
    # line again, a person then rewrites it, and the correction can no longer be undone
    [again] = apply_dictionary(engine, plain)
    assert again.number == number
    again_entry = corrections(engine, plain)[-1]
    assert again_entry.target == str(number) and again_entry.undone_at is None
    edits.edit_segment(engine, plain, number, text="書き直した行です。")
    with pytest.raises(EditConflictError):
        edits.undo(engine, plain, again_entry.id or 0)
    assert lines(engine, plain)[number - 1] == "書き直した行です。"

    # A term given before processing makes Whisper hear it; the rules apply by themselves.
    # The opening (19 s: the committee's name, then the next meeting's date and room) is
    # processed again with the term; the speakers and the minutes do not change with a term.
    opening = tmp_path / "opening.flac"
    ffmpeg("-i", str(SAMPLE), "-t", str(OPENING), str(opening))
    said_first = replace(processed.meeting, segments=[
        s for s in processed.meeting.segments if s.end <= OPENING])
    heard_first = a_heard_word(said_first, avoid=(TERM, heard), unlike=TERM)
    add_entry(engine, "correction", heard_first, "〓冒頭〓")
    add_entry(engine, "term", TERM, note="委員会名")
    accepted = accept_file(engine, settings.data_dir, opening)
    Pipeline(engine, settings.model_copy(update={"diarize": False})).run(accepted.job_id)
    text = "".join(lines(engine, accepted.meeting_id))
    assert TERM in text
    assert heard_first not in text and "〓冒頭〓" in text, text
    assert any([heard_first, "〓冒頭〓"] in e.after["rules"]
               for e in corrections(engine, accepted.meeting_id))


def test_the_dictionary_is_managed_from_the_command_line(
    tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    def gijiroku(*args: str) -> Ran:
        return cli("dictionary", *args, data_dir=tmp_path / "d")  # (tests/conftest.py)

    assert "added rule 1: 本県 -> 本件" in gijiroku("add-rule", "本県", "本件").stdout
    assert "added term 2" in gijiroku("add-term", "第二委員会室", "--note", "会議室").stdout
    listing = gijiroku("list").stdout.splitlines()
    assert listing[0].split()[:2] == ["1", "correction"] and "本県 -> 本件" in listing[0]
    assert "第二委員会室" in listing[1] and "(会議室)" in listing[1]
    assert any(line.startswith("built-in") and "意義なし -> 異議なし" in line for line in listing)
    refused = gijiroku("add-rule", "本件", "本件は")
    assert refused.returncode == 2 and "again" in refused.stderr
    assert "removed correction 1" in gijiroku("remove", "1").stdout
    missing = gijiroku("apply", "nosuchmeeting")
    assert missing.returncode == 1 and "No meeting" in missing.stderr


def test_the_dictionary_through_the_api(settings: Settings, engine: Engine) -> None:
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        created = client.post("/api/dictionary", json={
            "kind": "correction", "text": "意義あり", "replacement": "異議あり", "note": "上書き"})
        assert created.status_code == 201 and created.json()["id"] == 1
        assert not created.json()["builtin"]
        listed = client.get("/api/dictionary").json()
        assert listed[0]["text"] == "意義あり" and listed[-1]["builtin"] is True
        assert client.post("/api/dictionary", json={"kind": "term", "text": " "}).status_code \
            == 422
        duplicate = client.post("/api/dictionary", json={
            "kind": "correction", "text": "意義あり", "replacement": "異議あり"})
        assert duplicate.status_code == 422 and "already" in duplicate.json()["error"]["message"]
        assert client.delete("/api/dictionary/1").json()["text"] == "意義あり"
        assert client.delete("/api/dictionary/1").status_code == 404
        assert client.post("/api/meetings/nosuch/dictionary").status_code == 404
        page = client.get("/dictionary", headers={"Accept-Language": "ja"})
        assert page.status_code == 200 and "訂正を追加" in page.text


def _shared_one_at_a_time(words: list[str], separator: str, start: int, end: int,
                          meant: str) -> list[str]:
    """The sharing as it was done before, one span per pass over the words (the reference
    the one-pass `share_out` must agree with)."""
    result, cursor = [], 0
    for word in words:
        lo, hi = cursor, cursor + len(word)
        a, b = max(lo, start), min(hi, end)
        if a < b:
            first = round((a - start) * len(meant) / (end - start))
            last = round((b - start) * len(meant) / (end - start)) if b < end else len(meant)
            word = word[: a - lo] + meant[first:last] + word[b - lo:]
        result.append(word)
        cursor = hi + len(separator)
    return result


@hypothesis.given(
    words=hypothesis.strategies.lists(
        hypothesis.strategies.text(alphabet="あいうab", min_size=1, max_size=4), max_size=12),
    separator=hypothesis.strategies.sampled_from(["", " "]),
    heard=hypothesis.strategies.text(alphabet="あいうab ", min_size=1, max_size=5),
    meant=hypothesis.strategies.text(alphabet="漢字XY", max_size=7))
@hypothesis.settings(max_examples=300, deadline=None, derandomize=True)
def test_sharing_a_replacement_in_one_pass_gives_what_one_span_at_a_time_gave(
        words: list[str], separator: str, heard: str, meant: str) -> None:
    """Every replacement of a line's words is shared out in one pass over the words and the
    hits (linear in the line's length: a line with thousands of hits does not take
    quadratic time), with the same words as the earlier sharing one hit at a time."""
    joined = separator.join(words)
    spans = [m.span() for m in re.finditer(re.escape(heard), joined)]
    expected = words
    for start, end in reversed(spans):
        expected = _shared_one_at_a_time(expected, separator, start, end, meant)
    shared = share_out(words, separator, spans, meant)
    assert shared == expected
    assert len(shared) == len(words)
