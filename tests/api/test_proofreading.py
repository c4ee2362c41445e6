"""Proofreading through the API on a real SQLite file: versions and stale saves, line surgery
(merge, split, delete, insert, a range's speaker), speakers added and merged, find and replace,
the meeting's facts, retry of a failed job, validation, and errors in the asker's language.
Each change is undone again from the history."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api import create_app
from gijiroku.config import Settings
from gijiroku.errors import GijirokuError
from gijiroku.messages import CATALOGUE, message
from gijiroku.pipeline import Pipeline
from tests.api.test_api import LOCAL
from tests.seed import seed_meeting

JA = {"Accept-Language": "ja-JP,ja;q=0.9"}


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        yield client


@pytest.fixture
def meeting(settings: Settings, engine: Engine) -> str:
    return seed_meeting(engine, settings.data_dir)


def document(client: TestClient, meeting: str) -> dict[str, Any]:
    answer = client.get(f"/api/meetings/{meeting}")
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def texts(client: TestClient, meeting: str) -> list[str]:
    return [s["text"] for s in document(client, meeting)["segments"]]


def last_edit(client: TestClient, meeting: str) -> dict[str, Any]:
    return client.get(f"/api/meetings/{meeting}/history").json()[-1]  # type: ignore[no-any-return]


def undo_last(client: TestClient, meeting: str) -> None:
    edit = last_edit(client, meeting)
    answer = client.post(f"/api/meetings/{meeting}/history/{edit['id']}/undo")
    assert answer.status_code == 200, answer.text


def test_a_stale_save_is_refused_with_the_current_line(client: TestClient, meeting: str) -> None:
    line = document(client, meeting)["segments"][0]
    assert line["version"] == 1
    path = f"/api/meetings/{meeting}/segments/{line['id']}"
    first = client.patch(path, json={"text": "ただいまから総務委員会を開会します。",
                                     "version": 1}, headers={"Prefer": "return=minimal"})
    assert first.status_code == 200, first.text
    assert first.json()["segment"]["version"] == 2
    # B opened the page before A saved: B's save is refused, with A's text to compare
    stale = client.patch(path, json={"text": "B の修正", "version": 1}, headers=JA)
    assert stale.status_code == 409
    body = stale.json()
    assert body["error"]["code"] == "stale_version"
    assert "ほかの人が先に変更" in body["error"]["message"]
    assert body["current"]["text"] == "ただいまから総務委員会を開会します。"
    assert body["current"]["version"] == 2
    assert texts(client, meeting)[0] == "ただいまから総務委員会を開会します。"
    # with the current version B's save goes through; without a version, as before
    assert client.patch(path, json={"text": "B の修正", "version": 2}).status_code == 200
    assert client.patch(path, json={"text": "C の修正"}).status_code == 200
    assert document(client, meeting)["segments"][0]["version"] == 4


def test_a_stale_minutes_item_is_refused_with_the_current_item(
    client: TestClient, meeting: str
) -> None:
    base = f"/api/meetings/{meeting}"
    assert client.post(f"{base}/decisions", json={"text": "予算案を可決", "segments": [6]}
                       ).status_code == 201
    item = document(client, meeting)["minutes"]["decisions"][0]
    assert item["version"] == 1 and item["id"]
    path = f"{base}/decisions/{item['id']}"
    changed = client.patch(path, json={"text": "予算案を原案どおり可決", "version": 1})
    assert changed.status_code == 200, changed.text
    assert changed.json()["minutes"]["decisions"][0]["version"] == 2
    assert changed.json()["minutes"]["decisions"][0]["segments"] == [6]  # kept by PATCH
    assert changed.json()["minutes"]["decisions"][0]["id"] == item["id"]
    stale = client.put(path, json={"text": "古い画面からの保存", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current"]["text"] == "予算案を原案どおり可決"
    # no version: refused too (an item is never saved over blindly), with the current item
    blind = client.patch(path, json={"text": "版なし"})
    assert blind.status_code == 409 and blind.json()["error"]["code"] == "version_missing"
    assert blind.json()["current"]["version"] == 2
    assert client.post(f"{base}/action_items", json={"task": "資料を配布"}).status_code == 201
    action = document(client, meeting)["minutes"]["action_items"][0]
    apath = f"{base}/action_items/{action['id']}"
    patched = client.patch(apath, json={"owner": "総務課", "version": 1})
    assert patched.json()["minutes"]["action_items"][0]["owner"] == "総務課"
    stale = client.patch(apath, json={"owner": "x", "version": 1})
    assert stale.status_code == 409 and stale.json()["current"]["owner"] == "総務課"
    # an id of the other list, or of no item, is not found
    assert client.patch(f"{base}/decisions/{action['id']}",
                        json={"text": "x", "version": 2}).status_code == 404
    assert client.delete(f"{base}/decisions/0123abcd?version=1").status_code == 404

    # DELETE needs the version too: missing or stale, refused with the item as it is
    assert client.delete(path).status_code == 409
    assert client.delete(f"{path}?version=1").json()["current"]["version"] == 2
    assert client.delete(f"{path}?version=2").status_code == 200
    assert document(client, meeting)["minutes"]["decisions"] == []
    # undo brings the item back with its id (a later version), and undoing the add of the
    # action item after a change of it is refused until the change is undone
    undo_last(client, meeting)
    back = document(client, meeting)["minutes"]["decisions"][0]
    assert back["id"] == item["id"] and back["version"] == 3
    assert back["text"] == "予算案を原案どおり可決"
    history = client.get(f"{base}/history").json()
    added = next(e for e in history if e["kind"] == "action_items" and e["before"] is None)
    assert client.post(f"{base}/history/{added['id']}/undo").status_code == 409


def test_merge_split_delete_insert_and_undo(client: TestClient, meeting: str) -> None:
    base = f"/api/meetings/{meeting}"
    original = texts(client, meeting)
    assert client.post(f"{base}/decisions", json={"text": "d", "segments": [3, 4]}
                       ).status_code == 201

    # the sentence cut over lines 2 and 3 becomes one line; citations of 3 go to 2
    merged = client.post(f"{base}/segments/2/merge")
    assert merged.status_code == 200, merged.text
    lines = merged.json()["segments"]
    assert [s["id"] for s in lines] == [1, 2, 4, 5, 6]
    assert lines[1]["text"] == "図書館を日曜日の朝に開くのは、平日に働く人が多いからです。"
    assert lines[1]["end"] == 9.5 and len(lines[1]["words"]) == 16
    assert merged.json()["minutes"]["decisions"][0]["segments"] == [2, 4]
    undo_last(client, meeting)
    assert texts(client, meeting) == original
    assert document(client, meeting)["minutes"]["decisions"][0]["segments"] == [3, 4]
    assert client.post(f"{base}/segments/6/merge").status_code == 422  # the last line

    # split at a character: the second part starts at its first word's time
    at = len("図書館を日曜日の朝に")
    split = client.post(f"{base}/segments/2/split", json={"at": at})
    assert split.status_code == 200, split.text
    lines = split.json()["segments"]
    assert [s["id"] for s in lines] == [1, 2, 7, 3, 4, 5, 6]
    assert (lines[1]["text"], lines[2]["text"]) == ("図書館を日曜日の朝に", "開くのは、")
    assert lines[2]["start"] == pytest.approx(4.0 + 6 * 3.0 / 8)
    assert lines[1]["end"] == lines[2]["start"]
    assert [w["text"] for w in lines[2]["words"]] == ["開く", "のは、"]
    assert client.post(f"{base}/segments/2/split", json={"at": 100}).status_code == 422
    undo_last(client, meeting)
    assert texts(client, meeting) == original

    # delete: citations of the line are dropped, an item left with none is flagged
    deleted = client.delete(f"{base}/segments/3")
    assert deleted.status_code == 200
    assert [s["id"] for s in deleted.json()["segments"]] == [1, 2, 4, 5, 6]
    assert deleted.json()["minutes"]["decisions"][0]["segments"] == [4]
    undo_last(client, meeting)
    assert texts(client, meeting) == original

    # insert after line 4, with the speaker of line 4 unless another is named
    inserted = client.post(f"{base}/segments", json={"after": 4, "text": "（資料配布）"})
    assert inserted.status_code == 201, inserted.text
    lines = inserted.json()["segments"]
    # (#8: the split off #7 was undone, and a number is never given twice)
    assert [s["id"] for s in lines] == [1, 2, 3, 4, 8, 5, 6]
    assert lines[4]["speaker"] == "S3" and lines[4]["start"] == pytest.approx(12.99)
    assert client.post(f"{base}/segments", json={"after": 4, "text": "x", "speaker": "S9"}
                       ).status_code == 422
    missing = client.post(f"{base}/segments", json={"after": 99, "text": "x"}, headers=JA)
    assert missing.status_code == 404
    assert missing.json()["error"] == {"code": "line_not_found",
                                       "message": "発言 #99 はこの会議にありません。"}
    undo_last(client, meeting)
    assert texts(client, meeting) == original
    assert [s["id"] for s in document(client, meeting)["segments"]] == [1, 2, 3, 4, 5, 6]


def test_speakers_range_add_and_merge(client: TestClient, meeting: str) -> None:
    base = f"/api/meetings/{meeting}"
    added = client.post(f"{base}/speakers", json={"name": "事務局"})
    assert added.status_code == 201
    assert [s["id"] for s in added.json()["speakers"]] == ["S1", "S2", "S3", "S4"]
    ranged = client.post(f"{base}/segments/speaker",
                         json={"first": 2, "last": 3, "speaker": "S4"})
    assert ranged.status_code == 200, ranged.text
    lines = ranged.json()["segments"]
    assert [s["speaker"] for s in lines] == ["S1", "S4", "S4", "S3", "S1", "S3"]
    assert {w["speaker"] for w in lines[1]["words"]} == {"S4"}
    # S3 and S1 are one person (the chair named twice): S3 goes, its lines are S1's
    client.patch(f"{base}/speakers/S1", json={"name": "田中 議長"})
    merged = client.post(f"{base}/speakers/S3/merge", json={"into": "S1"})
    assert merged.status_code == 200, merged.text
    assert [s["id"] for s in merged.json()["speakers"]] == ["S1", "S2", "S4"]
    assert [s["speaker"] for s in merged.json()["segments"]] == [
        "S1", "S4", "S4", "S1", "S1", "S1"]
    markdown = client.get(f"{base}/export", params={"format": "md"}).text
    assert markdown.count("田中 議長") >= 1 and "話者3" not in markdown.split("\n\n")[1]
    assert client.post(f"{base}/speakers/S1/merge", json={"into": "S1"}).status_code == 422
    undo_last(client, meeting)
    assert [s["speaker"] for s in document(client, meeting)["segments"]] == [
        "S1", "S4", "S4", "S3", "S1", "S3"]
    assert [s["id"] for s in document(client, meeting)["speakers"]] == [
        "S1", "S2", "S4", "S3"]


def test_find_and_replace_all_is_one_undoable_change(client: TestClient, meeting: str) -> None:
    base = f"/api/meetings/{meeting}"
    original = texts(client, meeting)
    hits = client.get(f"{base}/find", params={"q": "総務医院会"}).json()
    assert [(h["number"], h["start"]) for h in hits] == [(1, 6), (4, 0), (5, 3)]
    one = client.post(f"{base}/replace", json={"find": "総務医院会", "replace": "総務委員会",
                                               "only": [[4, 0]]})
    assert one.json()["replaced"] == 1
    assert texts(client, meeting)[3] == "総務委員会の資料について質問します。"
    undo_last(client, meeting)
    replaced = client.post(f"{base}/replace", json={
        "find": "総務医院会", "replace": "総務委員会", "add_to_dictionary": True})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["replaced"] == 3 and replaced.json()["dictionary_entry"]
    now = texts(client, meeting)
    assert "総務医院会" not in "".join(now) and now[0] == "ただいまから総務委員会を開会します。"
    # words keep their times and spell the new text
    first = document(client, meeting)["segments"][0]
    assert "".join(w["text"] for w in first["words"]) == first["text"]
    entries = client.get("/api/dictionary").json()
    assert any(e["text"] == "総務医院会" and e["replacement"] == "総務委員会" for e in entries)
    assert len([e for e in client.get(f"{base}/history").json() if e["kind"] == "lines"]) == 2
    undo_last(client, meeting)
    assert texts(client, meeting) == original
    nothing = client.post(f"{base}/replace", json={"find": "存在しない", "replace": "x"})
    assert nothing.json() == {"replaced": 0, "edit_id": None, "dictionary_entry": None}


def test_whole_words_in_english_exact_text_in_japanese(
    client: TestClient, settings: Settings, engine: Engine, meeting: str
) -> None:
    from gijiroku import edits
    from gijiroku.storage import repository, session_scope

    assert len(edits.find(engine, meeting, "会", whole_word=True)) >= 4  # inside words
    with session_scope(engine) as session:
        repository.update_meeting(session, meeting, language="en")
    client.patch(f"/api/meetings/{meeting}/segments/6", json={"text": "The cat sat on a cat."})
    client.patch(f"/api/meetings/{meeting}/segments/5", json={"text": "Concatenate cats."})
    hits = client.get(f"/api/meetings/{meeting}/find", params={"q": "cat"}).json()
    assert [(h["number"], h["start"]) for h in hits] == [(6, 4), (6, 17)]
    loose = client.get(f"/api/meetings/{meeting}/find",
                       params={"q": "cat", "whole_word": "false"}).json()
    assert len(loose) == 4


def test_meeting_facts_are_editable_and_undoable(client: TestClient, meeting: str) -> None:
    base = f"/api/meetings/{meeting}"
    answer = client.patch(base, json={"title": "総務委員会（第4回）", "date": "2026-11-20",
                                      "place": "第2委員会室", "summary": "予算案を審議した。",
                                      "agenda": ["予算案", " ", "図書館の開館時間"]})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["title"], body["date"], body["place"]) == (
        "総務委員会（第4回）", "2026-11-20", "第2委員会室")
    assert body["minutes"]["summary"] == "予算案を審議した。"
    assert body["minutes"]["topics"] == ["予算案", "図書館の開館時間"]
    assert body["minutes"]["status"] == "not_configured"  # written by a person, no LLM
    markdown = client.get(f"{base}/export", params={"format": "md"}).text
    assert "2026" in markdown and "第2委員会室" in markdown and "予算案を審議した。" in markdown
    undo_last(client, meeting)
    again = document(client, meeting)
    assert (again["title"], again["date"], again["place"]) == (
        "総務委員会（第3回）", None, "第1委員会室")
    assert again["minutes"]["summary"] == ""
    assert client.patch(base, json={"date": ""}).json()["date"] is None


@pytest.mark.parametrize(("path", "method", "body", "code"), [
    ("", "patch", {"date": "2026-13-45"}, "invalid_date"),
    ("", "patch", {"date": "2026-02-30"}, "invalid_date"),
    ("", "patch", {"title": "議" * 201}, "invalid_request"),
    ("", "patch", {"title": "  "}, "text_empty"),
    ("", "patch", {"color": "red"}, "invalid_request"),
    ("/action_items", "post", {"task": "t", "due_date": "2026-02-30"}, "invalid_date"),
    ("/decisions", "post", {"text": "t", "segments": [-5, 0, 10**30]}, "invalid_request"),
    ("/decisions", "post", {"text": "t", "segments": [1, 99]}, "invalid_citation"),
    ("/rerun", "post", {"stage": "minutes", "language": "xx"}, "invalid_language"),
])
def test_validation_answers_422_with_a_clear_message(
    client: TestClient, meeting: str, path: str, method: str, body: dict[str, Any], code: str
) -> None:
    answer = getattr(client, method)(f"/api/meetings/{meeting}{path}", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == code
    japanese = getattr(client, method)(f"/api/meetings/{meeting}{path}", json=body, headers=JA)
    assert not japanese.json()["error"]["message"].isascii()


def test_upload_validation_and_errors_in_japanese(client: TestClient) -> None:
    from tests.api.test_api import SAMPLE, upload

    content = SAMPLE.read_bytes()
    for fields, code in [({"date": "2026-13-45"}, "invalid_date"),
                         ({"language": "xx"}, "invalid_language"),
                         ({"title": "長" * 201}, "text_too_long")]:
        answer = upload(client, "a.flac", content, **fields)
        assert answer.status_code == 422 and answer.json()["error"]["code"] == code
    answer = client.post("/api/meetings", files={"file": ("a.txt", b"not audio", "text/plain")},
                         headers=JA)
    assert answer.status_code == 415
    assert answer.json()["error"]["message"] == CATALOGUE[answer.json()["error"]["code"]]["ja"]
    missing = client.get("/api/meetings/nope", headers=JA).json()["error"]
    assert missing == {"code": "meeting_not_found", "message": CATALOGUE[
        "meeting_not_found"]["ja"]}
    # the page's language cookie wins over the browser's languages
    client.cookies.set("gijiroku_lang", "en")
    assert client.get("/api/meetings/nope", headers=JA).json()["error"]["message"].isascii()


def _codes(kind: type[GijirokuError]) -> set[str]:
    found = {kind.code}
    for sub in kind.__subclasses__():
        found |= _codes(sub)
    return found


def test_every_error_code_has_japanese_and_english() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).parents[2]
    codes = _codes(GijirokuError)
    for source in [*root.glob("gijiroku/**/*.py"), *root.glob("api/**/*.py"),
                   *root.glob("summarize/**/*.py"), *root.glob("transcribe/**/*.py")]:
        text = source.read_text(encoding="utf-8")
        codes |= set(re.findall(r'code="([a-z_]+)"', text))
        codes |= set(re.findall(r'Refused\(\d+, "([a-z_]+)"', text))
        codes |= set(re.findall(r'error_response\(\s*\d+, "([a-z_]+)"', text))
    assert {"stale_version", "invalid_date", "csrf_failed", "invalid_request"} <= codes
    assert codes <= set(CATALOGUE), codes - set(CATALOGUE)
    for code, entry in CATALOGUE.items():
        assert set(entry) == {"ja", "en"}, code
        assert not entry["ja"].isascii() and "?" not in entry["ja"], code
    assert message("text_too_long", "ja", "x", {"field": "title", "limit": 200}) == \
        "「title」は200文字以内で入力してください。"
    # a sentence whose value is missing falls back to its class's, still in Japanese
    assert message("invalid_date", "ja", "x", {}, "invalid_input") == \
        CATALOGUE["invalid_input"]["ja"]


def test_retry_runs_a_failed_job_from_the_failed_step(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    failed = seed_meeting(engine, settings.data_dir, stages=("decode", "transcribe", "diarize"),
                          job_status="failed", error_code="llm_unavailable",
                          error="The minutes server cannot be reached.", failed_stage="minutes")
    job = document(client, failed)["job"]
    assert (job["status"], job["error_code"]) == ("failed", "llm_unavailable")
    retried = client.post(f"/api/meetings/{failed}/retry")
    assert retried.status_code == 202, retried.text
    assert retried.json()["id"] == job["id"] and retried.json()["status"] == "queued"
    Pipeline(engine, settings).run(job["id"])
    after = document(client, failed)
    assert after["status"] == "done" and after["job"]["status"] == "done"
    assert texts(client, failed)[0] == "ただいまから総務医院会を開会します。"  # kept
    again = client.post(f"/api/meetings/{failed}/retry", headers=JA)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "nothing_to_retry"
    assert "やり直す処理はありません" in again.json()["error"]["message"]


def test_one_vocabulary_in_page_and_exports_and_japanese_punctuation() -> None:
    import re

    from gijiroku.export.document import HEADINGS, NOTES
    from web import messages

    for language in ("ja", "en"):
        page = messages(language)
        for key in ("summary", "topics", "decisions", "action_items", "task", "owner", "due"):
            assert page[key] == HEADINGS[language][key], (language, key)
    # no half-width ? ! : ( ) beside Japanese text in what a Japanese clerk reads
    half = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff][?!:()]|[?!:()][\u3040-\u30ff\u4e00-\u9fff]")
    japanese = [*messages("ja").values(), *NOTES["ja"].values(), *HEADINGS["ja"].values(),
                *(entry["ja"] for entry in CATALOGUE.values())]
    assert [text for text in japanese if half.search(text)] == []


def test_an_export_without_a_date_does_not_pass_the_upload_off_as_one(
    client: TestClient, meeting: str
) -> None:
    markdown = client.get(f"/api/meetings/{meeting}/export", params={"format": "md"}).text
    assert "- **日時**: 未入力（録音の追加：" in markdown
    client.patch(f"/api/meetings/{meeting}", json={"date": "2026-11-20"})
    markdown = client.get(f"/api/meetings/{meeting}/export", params={"format": "md"}).text
    assert "- **日時**: 2026-11-20" in markdown


def test_japanese_pages_use_japanese_punctuation(client: TestClient, meeting: str) -> None:
    import re

    half = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff][?!:()]|[?!:()][\u3040-\u30ff\u4e00-\u9fff]")
    for path in ("/", "/dictionary", f"/meetings/{meeting}"):
        page = client.get(path, headers=JA).text
        shown = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", page, flags=re.S))
        assert half.findall(shown) == [], path
