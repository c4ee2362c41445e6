"""The HTTP API on a real SQLite file and real recordings (FastAPI's TestClient)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from api import create_app
from api.schemas import MeetingDocument
from gijiroku.config import Settings
from gijiroku.pipeline import Pipeline
from gijiroku.storage import close_database, repository, session_scope
from gijiroku.storage.tables import MeetingRow
from tests.conftest import ffmpeg
from tests.processed import ProcessedMeetings

LOCAL = "http://127.0.0.1:8000"  # the service answers to loopback names only by default
SAMPLE = Path(__file__).parents[2] / "samples" / "committee-meeting-en.flac"


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        yield client


def upload(client: TestClient, name: str, content: bytes, **fields: str):  # type: ignore[no-untyped-def]
    return client.post("/api/meetings", files={"file": (name, content, "audio/flac")},
                       data=fields)


def stored_files(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.data_dir.rglob("*") if p.is_file()
                  and p.suffix not in (".db", ".db-wal", ".db-shm") and p.name != "session.key")


def test_upload_stores_the_recording_and_queues_a_job(
    client: TestClient, settings: Settings
) -> None:
    answer = upload(client, "第3回 総務委員会.flac", SAMPLE.read_bytes(), language="en",
                    num_speakers="3", title="総務委員会 11月")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["title"] == "総務委員会 11月" and body["status"] == "queued"
    assert body["job"]["status"] == "queued" and body["job_id"] == body["job"]["id"]
    stored = settings.data_dir / "meetings" / body["id"] / "original.flac"
    assert stored.read_bytes() == SAMPLE.read_bytes()
    assert list((settings.data_dir / "uploads").iterdir()) == []
    job = client.get(f"/api/jobs/{body['job_id']}").json()
    assert job["status"] == "queued" and job["progress"] == 0.0


@pytest.mark.parametrize("name", ["../../etc/passwd.flac", "/etc/cron.d/x.flac",
                                  "evil\x00.sh.flac", "..\\..\\windows.flac"])
def test_hostile_file_names_are_harmless(
    client: TestClient, settings: Settings, tmp_path: Path, name: str
) -> None:
    answer = upload(client, name, SAMPLE.read_bytes())
    assert answer.status_code == 201, answer.text
    meeting = answer.json()
    assert "/" not in meeting["title"] and "\x00" not in meeting["title"]
    assert [p.relative_to(settings.data_dir).as_posix() for p in stored_files(settings)] == [
        f"meetings/{meeting['id']}/original.flac"
    ]
    assert not (tmp_path / "etc").exists()


def test_a_file_without_audio_is_refused_and_nothing_is_kept(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    answer = upload(client, "minutes.mp3", "これは音声ではありません".encode() * 100)
    assert answer.status_code == 415
    assert answer.json()["error"]["code"] == "audio_undecodable"
    assert "minutes.mp3" in answer.json()["error"]["message"]
    assert stored_files(settings) == []
    with session_scope(engine) as session:
        assert session.exec(select(MeetingRow)).all() == []


def test_an_oversize_upload_is_refused_with_nothing_half_stored(
    settings: Settings, engine: Engine
) -> None:
    small = settings.model_copy(update={"max_upload_mb": 1})
    big = b"\0" * (3 * 1024 * 1024)
    with TestClient(create_app(small), base_url=LOCAL) as client:
        declared = upload(client, "long.wav", big)  # refused on its Content-Length
        assert declared.status_code == 413
        assert declared.json()["error"]["code"] == "upload_too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: refused while streaming
            boundary = b"xyz"
            yield b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\""
            yield b"\r\n\r\n"
            for _ in range(48):
                yield b"\0" * 65536
            yield b"\r\n--" + boundary + b"--\r\n"

        streamed = client.post("/api/meetings", content=chunks(),
                               headers={"Content-Type": "multipart/form-data; boundary=xyz"})
        assert streamed.status_code == 413
    assert stored_files(small) == []
    with session_scope(engine) as session:
        assert session.exec(select(MeetingRow)).all() == []


def test_bad_forms_get_clear_errors(client: TestClient) -> None:
    no_file = client.post("/api/meetings", data={"title": "x"},
                          files={"other": ("a.txt", b"x")})
    assert no_file.status_code == 400 and "'file'" in no_file.json()["error"]["message"]
    not_multipart = client.post("/api/meetings", json={"file": "x"})
    assert not_multipart.status_code == 400
    bad_date = upload(client, "a.flac", SAMPLE.read_bytes(), date="20 Nov")
    assert bad_date.status_code == 422 and "YYYY-MM-DD" in bad_date.json()["error"]["message"]
    hints = upload(client, "a.flac", SAMPLE.read_bytes(), min_speakers="4", max_speakers="2")
    assert hints.status_code == 422 and "min speakers" in hints.json()["error"]["message"]
    assert client.get("/api/meetings/nope").json()["error"]["code"] == "meeting_not_found"
    missing_job = client.get("/api/jobs/nope")
    assert missing_job.status_code == 404
    assert missing_job.json()["error"]["code"] == "job_not_found"
    assert client.post("/api/jobs/nope/cancel").json()["error"]["code"] == "job_not_found"


@pytest.fixture
def processed(settings: Settings, engine: Engine, processed_meetings: ProcessedMeetings) -> str:
    """The committee sample as a real pipeline left it (diarized, no LLM), processed once for
    the session (tests/processed.py): a copy stored in this test's database."""
    return processed_meetings["committee-en"].store(engine, settings.data_dir,
                                                    title="教育委員会")


@pytest.mark.slow
def test_list_search_get_and_range(client: TestClient, processed: str) -> None:
    upload(client, "other.flac", SAMPLE.read_bytes(), title="予算特別委員会")
    listing = client.get("/api/meetings").json()
    assert listing["total"] == 2 and listing["pages"] == 1
    assert [m["title"] for m in listing["items"]] == ["予算特別委員会", "教育委員会"]
    assert listing["items"][1]["job"]["status"] == "done"
    assert [m["id"] for m in client.get("/api/meetings", params={"q": "教育"}).json()["items"]] \
        == [processed]
    by_text = client.get("/api/meetings", params={"q": "LIBRARY"}).json()["items"]
    assert [m["id"] for m in by_text] == [processed]  # the transcript mentions the library
    assert client.get("/api/meetings", params={"q": "100%_"}).json()["total"] == 0
    assert client.get("/api/meetings", params={"page": 2}).json()["items"] == []
    document = client.get(f"/api/meetings/{processed}").json()
    assert MeetingDocument.model_validate(document).model_dump() == document  # as documented

    document = client.get(f"/api/meetings/{processed}").json()
    assert document["status"] == "done" and 2 <= len(document["speakers"]) <= 4  # 3 voices
    assert document["segments"][0]["words"][0]["probability"] > 0
    assert document["minutes"]["status"] == "not_configured"

    size = SAMPLE.stat().st_size
    part = client.get(f"/api/meetings/{processed}/audio", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == SAMPLE.read_bytes()[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{size}"
    whole = client.get(f"/api/meetings/{processed}/audio")
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "audio/flac"
    beyond = client.get(f"/api/meetings/{processed}/audio",
                        headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416


def test_a_recording_browsers_cannot_play_is_served_as_a_playable_copy(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    wma = tmp_path / "ic-recorder.wma"
    ffmpeg("-i", str(SAMPLE), "-t", "5", "-c:a", "wmav2", str(wma))
    meeting = upload(client, wma.name, wma.read_bytes()).json()
    first = client.get(f"/api/meetings/{meeting['id']}/audio")
    assert first.status_code == 200 and first.headers["content-type"] == "audio/ogg"
    assert first.content[:4] == b"OggS"
    copy = settings.data_dir / "meetings" / meeting["id"] / "playback.ogg"
    made = copy.stat().st_mtime_ns
    part = client.get(f"/api/meetings/{meeting['id']}/audio", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == first.content[:10]
    assert copy.stat().st_mtime_ns == made  # made once
    assert (settings.data_dir / "meetings" / meeting["id"] / "original.wma").read_bytes() \
        == wma.read_bytes()  # the original is kept as it came


@pytest.mark.slow
def test_every_edit_is_kept_in_the_history_and_can_be_undone(
    client: TestClient, processed: str
) -> None:
    base = f"/api/meetings/{processed}"
    first = client.get(base).json()["segments"][0]
    edited = client.patch(f"{base}/segments/1", json={"text": "開会します。", "speaker": "S2"})
    assert edited.status_code == 200
    line = edited.json()["segments"][0]
    assert line["text"] == "開会します。" and line["speaker"] == "S2"
    assert {w["speaker"] for w in line["words"]} == {"S2"}
    renamed = client.patch(f"{base}/speakers/S2", json={"name": "山田委員長"}).json()
    assert {s["id"]: s["name"] for s in renamed["speakers"]}["S2"] == "山田委員長"
    assert client.patch(f"{base}/speakers/S9", json={"name": "x"}).status_code == 404
    assert client.patch(f"{base}/segments/1", json={"speaker": "S9"}).status_code == 422
    assert client.patch(f"{base}/segments/1", json={"text": "  "}).status_code == 422

    added = client.post(f"{base}/decisions", json={"text": "図書館を日曜も開館する。",
                                                   "segments": [5]})
    assert added.status_code == 201
    assert added.json()["minutes"]["decisions"][-1]["edited"] is True
    action = {"task": "勤務表を作る", "owner": "S3", "due": "2月末", "due_date": "2027-02-28",
              "segments": [7]}
    decision = added.json()["minutes"]["decisions"][-1]
    created = client.post(f"{base}/action_items", json=action)
    assert created.status_code == 201
    item = created.json()["minutes"]["action_items"][0]
    changed = client.put(f"{base}/action_items/{item['id']}",
                         json={**action, "owner": "佐藤", "version": 1}).json()
    assert changed["minutes"]["action_items"][0]["owner"] == "佐藤"
    assert client.put(f"{base}/action_items/abc5",
                      json={**action, "version": 1}).status_code == 404
    assert client.delete(f"{base}/decisions/{decision['id']}?version=1").json()[
        "minutes"]["decisions"] == []
    assert client.put(f"{base}/action_items/{item['id']}",
                      json={**action, "due_date": "Feb", "version": 2}).status_code == 422

    history = client.get(f"{base}/history").json()
    assert [(h["kind"], h["target"]) for h in history] == [
        ("segment", "1"), ("speaker", "S2"), ("decisions", decision["id"]),
        ("action_items", item["id"]), ("action_items", item["id"]),
        ("decisions", decision["id"]),
    ]
    assert history[0]["before"]["text"] == first["text"] and history[0]["created_at"]
    conflict = client.post(f"{base}/history/{history[3]['id']}/undo")
    assert conflict.status_code == 409  # a later edit changed the action items again
    for entry in reversed(history):
        assert client.post(f"{base}/history/{entry['id']}/undo").status_code == 200
    restored = client.get(base).json()
    assert restored["segments"][0]["text"] == first["text"]
    assert restored["segments"][0]["speaker"] == first["speaker"]
    assert all(s["name"] is None for s in restored["speakers"])
    assert restored["minutes"]["decisions"] == [] and restored["minutes"]["action_items"] == []
    assert all(h["undone_at"] for h in client.get(f"{base}/history").json())
    again = client.post(f"{base}/history/{history[0]['id']}/undo")
    assert again.status_code == 409


@pytest.mark.slow
def test_rerun_asks_before_replacing_edited_lines_and_delete_removes_everything(
    client: TestClient, processed: str, settings: Settings, engine: Engine
) -> None:
    base = f"/api/meetings/{processed}"
    client.patch(f"{base}/segments/2", json={"text": "訂正済み"})
    refused = client.post(f"{base}/rerun", json={"stage": "diarize", "num_speakers": 2})
    assert refused.status_code == 409 and "replace_edits" in refused.json()["error"]["message"]
    assert refused.json()["error"]["code"] == "edit_conflict"
    lines = client.get(base).json()["segments"]
    assert next(s["text"] for s in lines if s["id"] == 2) == "訂正済み"  # kept meanwhile
    job = client.post(f"{base}/rerun", json={"stage": "diarize", "num_speakers": 2,
                                             "replace_edits": True})
    assert job.status_code == 202 and job.json()["status"] == "queued"
    Pipeline(engine, settings).run(job.json()["id"])  # the worker's part, here
    assert client.get(f"/api/jobs/{job.json()['id']}").json()["status"] == "done"
    assert len(client.get(base).json()["speakers"]) == 2

    # the minutes keep a template once given, as `gijiroku minutes` does
    first = client.post(f"{base}/rerun", json={"stage": "minutes", "template": "ja"})
    assert first.status_code == 202
    Pipeline(engine, settings).run(first.json()["id"])
    minutes = client.post(f"{base}/rerun", json={"stage": "minutes"})
    assert minutes.status_code == 202
    with session_scope(engine) as session:
        assert repository.get_meeting_row(session, processed).options["template"] == "ja"
    assert client.post(f"{base}/rerun", json={"stage": "transcribe"}).status_code == 422
    bad_hints = client.post(f"{base}/rerun", json={"stage": "diarize", "min_speakers": 3,
                                                   "max_speakers": 2, "replace_edits": True})
    assert bad_hints.status_code == 422 and "min speakers" in bad_hints.text
    cancelled = client.post(f"/api/jobs/{minutes.json()['id']}/cancel").json()
    assert cancelled["status"] == "cancelled"

    assert client.delete(base).status_code == 204
    assert client.get(base).status_code == 404
    assert not (settings.data_dir / "meetings" / processed).exists()
    assert client.get(f"/api/jobs/{minutes.json()['id']}").status_code == 404


@pytest.mark.slow
def test_job_events_stream_progress_until_the_end(
    client: TestClient, processed: str
) -> None:
    job_id = client.get(f"/api/meetings/{processed}").json()["job"]["id"]
    with client.stream("GET", f"/api/jobs/{job_id}/events") as events:
        assert events.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in events.iter_lines() if line.startswith("data:")]
    assert len(lines) == 1 and '"status":"done"' in lines[0]


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/meetings", "/api/meetings/{meeting_id}",
                 "/api/meetings/{meeting_id}/audio", "/api/jobs/{job_id}",
                 "/api/meetings/{meeting_id}/segments/{segment_id}",
                 "/api/meetings/{meeting_id}/speakers/{speaker_id}"):
        assert path in paths
    # /docs shows the result document and the statuses a job can have
    answer = paths["/api/meetings/{meeting_id}"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/MeetingDocument")
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["JobView"]["properties"]["status"]["enum"] == [
        "queued", "running", "done", "failed", "cancelled"]


def test_health_fails_when_the_database_is_gone(settings: Settings, tmp_path: Path) -> None:
    broken = settings.model_copy(update={
        "database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    with TestClient(create_app(broken), base_url=LOCAL) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "database_unavailable"
    close_database(broken.resolved_database_url)


def test_with_a_token_the_api_answers_only_requests_that_carry_it(
    settings: Settings, engine: Engine
) -> None:
    from pydantic import SecretStr

    guarded = settings.model_copy(update={"api_token": SecretStr("s3cret-token-for-tests")})
    with TestClient(create_app(guarded), base_url=LOCAL) as client:
        refused = client.get("/api/meetings")
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
        wrong = client.get("/api/meetings", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        # the address now waits a moment before any token is checked (tests/test_hardening.py)
        client.app.state.guard.throttle.succeeded("testclient")  # type: ignore[attr-defined]
        right = client.get("/api/meetings",
                           headers={"Authorization": "Bearer s3cret-token-for-tests"})
        assert right.status_code == 200
        assert client.get("/healthz").status_code == 200  # health checks need no token
