"""The dictionary (辞書): terms for Whisper, correction rules on stored lines, the built-in
council vocabulary; checked on the Japanese sample with the embedded models."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api import create_app
from gijiroku import editing
from gijiroku.config import Settings
from gijiroku.dictionary import (
    add_entry,
    apply_dictionary,
    builtin_entries,
    correct,
    entries,
    remove_entry,
    rules_for,
)
from gijiroku.errors import EditConflictError, InvalidInputError, NotFoundError
from gijiroku.pipeline import Pipeline
from gijiroku.recordings import accept_file
from gijiroku.storage import close_database, open_database, repository, session_scope
from tests.api.test_api import LOCAL
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


@pytest.fixture(scope="module")
def japanese(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Engine]]:
    data = tmp_path_factory.mktemp("dictionary")
    settings = Settings(data_dir=data, cpu_threads=2, llm_backend="off")
    engine = open_database(settings.resolved_database_url)
    yield settings, engine
    close_database(settings.resolved_database_url)


def process(settings: Settings, engine: Engine) -> str:
    accepted = accept_file(engine, settings.data_dir, SAMPLE)
    Pipeline(engine, settings).run(accepted.job_id)
    return accepted.meeting_id


def lines(engine: Engine, meeting_id: str) -> list[str]:
    with session_scope(engine) as session:
        return [s.text for s in repository.load_meeting(session, meeting_id).segments]


@pytest.mark.slow
def test_terms_and_rules_change_a_japanese_meeting_and_show_in_its_history(
    japanese: tuple[Settings, Engine],
) -> None:
    settings, engine = japanese
    plain = process(settings, engine)
    before = lines(engine, plain)
    assert "総務常任委員会" not in "".join(before)  # base mishears the committee's name

    # A rule added later is applied to the stored meeting on request, as history entries.
    add_entry(engine, "correction", "募集", "公募", note="人事課の表記")
    edited = next(n for n, text in enumerate(before, 1) if "委員会" in text and "募集" not in text)
    editing.edit_segment(engine, plain, edited, text=before[edited - 1] + "（募集）")
    changes = apply_dictionary(engine, plain)
    changed = {c.number for c in changes}
    expected = {n for n, text in enumerate(before, 1) if "募集" in text}
    assert changed == expected and expected  # every line with 募集 but the hand-edited one
    after = lines(engine, plain)
    assert all("募集" not in after[n - 1] and "公募" in after[n - 1] for n in changed)
    assert "（募集）" in after[edited - 1]  # a person's line is never touched
    history = [e for e in editing.history(engine, plain) if e.kind == "dictionary"]
    assert {int(e.target) for e in history} == changed
    assert all(e.after["rules"] == [["募集", "公募"]] for e in history)
    with session_scope(engine) as session:  # the words follow the text
        meeting = repository.load_meeting(session, plain, with_words=True)
    for number in changed:
        segment = meeting.segments[number - 1]
        assert "".join(w.text for w in segment.words) == segment.text
    assert apply_dictionary(engine, plain) == []  # nothing left to correct
    # undo puts a line back; undoing twice, or after a later change, is refused
    editing.undo(engine, plain, history[0].id or 0)
    assert lines(engine, plain)[int(history[0].target) - 1] == before[int(history[0].target) - 1]
    with pytest.raises(EditConflictError):
        editing.undo(engine, plain, history[0].id or 0)
    number = int(history[1].target) if len(history) > 1 else None
    if number is not None:
        editing.edit_segment(engine, plain, number, text="書き直した行です。")
        with pytest.raises(EditConflictError):
            editing.undo(engine, plain, history[1].id or 0)

    # A term given before processing makes Whisper hear it; the rule applies by itself.
    add_entry(engine, "term", "総務常任委員会", note="委員会名")
    with_term = process(settings, engine)
    text = "".join(lines(engine, with_term))
    assert "総務常任委員会" in text
    assert "募集" not in text and "公募" in text
    assert any(e.kind == "dictionary" for e in editing.history(engine, with_term))


@pytest.mark.slow
def test_the_dictionary_is_managed_from_the_command_line(tmp_path: Path) -> None:
    environment = {"GIJIROKU_DATA_DIR": str(tmp_path / "d"), "PATH": "/usr/bin:/bin"}

    def gijiroku(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gijiroku", "dictionary", *args],
                              capture_output=True, text=True, env=environment, timeout=120)

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
