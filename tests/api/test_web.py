"""The web view's pages and the rules that guard the service: host names, cross-site requests,
the login form and its cookie; downloads and watched-folder failures as the pages use them."""

import posixpath
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import select

from api import create_app
from api.security import SESSION_COOKIE, SESSION_SECONDS, Guard
from gijiroku.config import Settings
from gijiroku.storage import session_scope
from gijiroku.storage.tables import MeetingRow, WatchedFileRow, WebSessionRow
from tests.api.test_api import LOCAL, SAMPLE, upload
from web import choose_language, messages

TOKEN = "s3cret-token-for-tests"


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        yield client


@pytest.fixture
def guarded(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"api_token": SecretStr(TOKEN)})),
                    base_url=LOCAL, follow_redirects=False) as client:
        yield client


def csrf_of(page: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page)
    assert found, page[:500]
    return found.group(1)


def test_the_language_follows_the_browser_and_can_be_switched(client: TestClient) -> None:
    assert choose_language("en-US,en;q=0.9,ja;q=0.8") == "en"
    assert choose_language("fr-FR, ja;q=0.5, en;q=0.4") == "ja"
    assert choose_language("ja;q=0, en") == "en"
    assert choose_language(None) == "en" and choose_language("de") == "en"
    assert set(messages("ja")) == set(messages("en"))

    japanese = client.get("/", headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8"})
    assert japanese.status_code == 200
    assert '<html lang="ja">' in japanese.text and "録音を追加" in japanese.text
    english = client.get("/", headers={"Accept-Language": "en-GB"})
    assert '<html lang="en">' in english.text and "Add a recording" in english.text
    switched = client.get("/?lang=ja", headers={"Accept-Language": "en-GB"})
    assert "録音を追加" in switched.text
    # the choice is remembered by the cookie the switch set
    assert "録音を追加" in client.get("/", headers={"Accept-Language": "en-GB"}).text


def test_pages_and_static_files(client: TestClient) -> None:
    meeting = upload(client, "会議.flac", SAMPLE.read_bytes(), title="議会運営委員会 <b>").json()
    page = client.get(f"/meetings/{meeting['id']}", headers={"Accept-Language": "ja"})
    assert page.status_code == 200
    assert "議会運営委員会 &lt;b&gt;" in page.text  # titles are escaped
    assert f'src="/api/meetings/{meeting["id"]}/audio"' in page.text
    assert 'data-formats="docx,pdf,md,srt,vtt,json"' in page.text
    missing = client.get("/meetings/nope")
    assert missing.status_code == 404 and "No such meeting" in missing.text
    assert client.get("/static/app.css").status_code == 200
    # each page's script is an ES module: every module it imports, and theirs, is served as
    # JavaScript (a browser refuses a module of another type) and names what it imports
    for html in (page.text, client.get("/").text, client.get("/dictionary").text):
        entry = re.search(r'<script type="module" src="(/static/[^"]+)"', html)
        assert entry, "a page without its module"
        modules = _modules(client, entry.group(1))
        assert "/static/common.js" in modules
    assert len(_modules(client, "/static/meeting/main.js")) >= 10  # one per subject
    assert client.get("/static/../api/app.py").status_code == 404
    assert meeting["created_at"].endswith("+00:00")  # times carry their offset


def _modules(client: TestClient, entry: str) -> set[str]:
    """The module `entry` and every module it imports, directly or not (each one checked)."""
    seen: set[str] = set()
    waiting = [entry]
    while waiting:
        path = waiting.pop()
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "javascript" in answer.headers["content-type"], path
        source = answer.text
        for names, target in re.findall(r'import \{([^}]*)\} from "([^"]+)"', source):
            imported = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            exported = client.get(imported).text
            for name in filter(None, (n.strip() for n in names.split(","))):
                assert re.search(rf"export (async )?(function|const|class|let) {name}\b",
                                 exported), f"{path} imports {name}, which {imported} lacks"
        for target in re.findall(r'(?:import|from) "(\.[^"]+)"', source):
            waiting.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), target)))
    return seen


def test_untrusted_host_names_are_refused(settings: Settings, engine: Engine) -> None:
    with TestClient(create_app(settings), base_url="http://rebound.example:8000") as client:
        refused = client.get("/api/meetings")
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "untrusted_host"
    for base in ("http://localhost:8000", "http://[::1]:8000"):
        with TestClient(create_app(settings), base_url=base) as client:
            assert client.get("/api/meetings").status_code == 200
    named = settings.model_copy(update={"allowed_hosts": "minutes.city.example"})
    with TestClient(create_app(named), base_url="http://minutes.city.example") as client:
        assert client.get("/api/meetings").status_code == 200


def test_changes_from_other_sites_are_refused(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    def meetings() -> int:
        with session_scope(engine) as session:
            return len(session.exec(select(MeetingRow)).all())

    files = {"file": ("a.flac", SAMPLE.read_bytes(), "audio/flac")}
    forged = client.post("/api/meetings", files=files,
                         headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "cross_site_request"
    by_fetch = client.post("/api/meetings", files=files, headers={"Sec-Fetch-Site": "cross-site"})
    assert by_fetch.status_code == 403
    no_token = client.post("/api/meetings", files=files, headers={"Origin": LOCAL})
    assert no_token.status_code == 403 and no_token.json()["error"]["code"] == "csrf_failed"
    assert meetings() == 0 and not list((settings.data_dir / "uploads").glob("*"))

    token = csrf_of(client.get("/").text)
    from_page = client.post("/api/meetings", files=files,
                            headers={"Origin": LOCAL, "Sec-Fetch-Site": "same-origin",
                                     "X-CSRF-Token": token})
    assert from_page.status_code == 201, from_page.text
    assert upload(client, "b.flac", SAMPLE.read_bytes()).status_code == 201  # no browser: curl
    assert meetings() == 2
    # reading is not a change: no token needed
    assert client.get("/api/meetings", headers={"Origin": "http://evil.example"}).status_code \
        == 200


def test_login_form_cookie_and_csrf(guarded: TestClient) -> None:
    to_login = guarded.get("/?lang=en")
    assert to_login.status_code == 303
    assert to_login.headers["location"] == "/login?next=/%3Flang%3Den"
    form = guarded.get("/login", params={"next": "/"})
    assert form.status_code == 200 and 'type="password"' in form.text
    login_csrf = csrf_of(form.text)

    wrong = guarded.post("/login", data={"token": "guess", "csrf": login_csrf, "next": "/"})
    assert wrong.status_code == 401 and SESSION_COOKIE not in wrong.cookies
    guarded.app.state.guard.throttle.succeeded("testclient")  # type: ignore[attr-defined]
    for sent in ("x", "議会"):  # compared as bytes in constant time: no 500 on any text
        no_csrf = guarded.post("/login", data={"token": TOKEN, "csrf": sent, "next": "/"})
        assert no_csrf.status_code == 401
        guarded.app.state.guard.throttle.succeeded("testclient")  # type: ignore[attr-defined]
    forged = guarded.post("/login", data={"token": TOKEN, "csrf": login_csrf},
                          headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403

    right = guarded.post("/login", data={"token": TOKEN, "csrf": login_csrf,
                                         "next": "//evil.example/x"})
    assert right.status_code == 303 and right.headers["location"] == "/"  # no open redirect
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert guarded.get("/").status_code == 200
    meeting = upload(guarded, "a.flac", SAMPLE.read_bytes())  # the cookie is enough for curl...
    assert meeting.status_code == 201
    path = f"/api/meetings/{meeting.json()['id']}/decisions"
    browser = {"Origin": LOCAL}
    refused = guarded.post(path, json={"text": "可決"}, headers=browser)  # ...not for a page
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    page_token = csrf_of(guarded.get("/").text)
    assert page_token != login_csrf  # bound to the session
    added = guarded.post(path, json={"text": "可決"},
                         headers={**browser, "X-CSRF-Token": page_token})
    assert added.status_code == 201, added.text

    session = guarded.cookies[SESSION_COOKIE]
    guarded.cookies.clear()
    guarded.cookies.set(SESSION_COOKIE, session[:-2] + ("00" if session[-2:] != "00" else "11"))
    assert guarded.get("/api/meetings").status_code == 401  # tampered
    assert guarded.post("/logout", headers=browser).status_code == 303


def test_sessions_are_stored_and_end_with_logout_expiry_or_a_new_token(
    settings: Settings, engine: Engine
) -> None:
    def database() -> Engine:
        return engine

    guard = Guard(TOKEN, ["*"], database)
    other = Guard("another-token-entirely", ["*"], database)

    class Fake:
        def __init__(self, cookie: str) -> None:
            self.cookies = {SESSION_COOKIE: cookie}
            self.scope: dict[str, object] = {}
            self.state = type("State", (), {})()

    def signed_in(which: Guard, cookie: str) -> bool:
        return which.session_of(Fake(cookie)) is not None  # type: ignore[arg-type]

    fresh, stale, ended = (guard.new_session("127.0.0.1") for _ in range(3))
    with session_scope(engine) as session:
        rows = session.exec(select(WebSessionRow)).all()
        assert len(rows) == 3 and all(row.client == "127.0.0.1" for row in rows)
        assert fresh.split(".")[0] not in {row.id for row in rows}  # only hashes are stored
        for row in rows:
            if row.id == Guard._row_id(stale.split(".")[0]):
                row.expires_at = datetime.now(UTC) - timedelta(seconds=5)
                session.add(row)
    assert signed_in(guard, fresh)
    assert not signed_in(guard, stale)
    assert not signed_in(other, fresh)  # the token changed
    guard.end_session(Fake(ended))  # type: ignore[arg-type]
    assert not signed_in(guard, ended)
    unsigned = "0" * 32 + "." + fresh.split(".")[1]
    assert not signed_in(guard, unsigned)
    assert SESSION_SECONDS == 12 * 3600


def test_logging_out_ends_the_session_on_the_server(guarded: TestClient) -> None:
    form = guarded.get("/login")
    assert guarded.post("/login", data={"token": TOKEN, "csrf": csrf_of(form.text)}) \
        .status_code == 303
    cookie = guarded.cookies[SESSION_COOKIE]
    assert guarded.get("/api/meetings").status_code == 200
    assert guarded.post("/logout").status_code == 303
    guarded.cookies.set(SESSION_COOKIE, cookie)  # a copy of the cookie kept by someone
    assert guarded.get("/api/meetings").status_code == 401
    assert guarded.get("/").status_code == 303


def test_export_download_and_watched_failures(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    meeting = upload(client, "a.flac", SAMPLE.read_bytes(), title="第3回 総務委員会").json()
    download = client.get(f"/api/meetings/{meeting['id']}/export", params={"format": "json"})
    assert download.status_code == 200
    assert download.json()["title"] == "第3回 総務委員会"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="_3_')
    assert "filename*=UTF-8''%E7%AC%AC3%E5%9B%9E" in disposition
    unknown = client.get(f"/api/meetings/{meeting['id']}/export", params={"format": "exe"})
    assert unknown.status_code == 422

    with session_scope(engine) as session:
        session.add(WatchedFileRow(path="/share/recorder/broken.wma", size=10, mtime=1.0,
                                   content_hash="0" * 64, status="failed",
                                   error="The file holds no audio."))
        session.add(WatchedFileRow(path="/share/recorder/ok.wav", size=10, mtime=1.0,
                                   content_hash="1" * 64, status="queued"))
    failed = client.get("/api/watched", params={"status": "failed"}).json()
    assert [(f["name"], f["error"]) for f in failed] == [("broken.wma",
                                                          "The file holds no audio.")]
    assert len(client.get("/api/watched").json()) == 2


def stored_meeting(engine: Engine) -> str:
    """A finished three-line meeting with two speakers and minutes, stored directly."""
    from gijiroku.domain import Decision, Minutes, Segment, Speaker, Transcript, Word
    from gijiroku.storage import repository, session_scope

    lines = [("S1", ["開会", "します"]), ("S2", ["予算", "案", "を", "説明", "します"]),
             ("S1", ["質疑", "に", "入り", "ます"])]
    segments = [Segment(start=i * 5.0, end=i * 5.0 + 4.0, speaker=who, text="".join(words),
                        words=[Word(start=i * 5.0 + k * 0.5, end=i * 5.0 + k * 0.5 + 0.4,
                                    text=w, probability=0.3 if k == 0 else 0.9, speaker=who)
                               for k, w in enumerate(words)])
                for i, (who, words) in enumerate(lines)]
    with session_scope(engine) as session:
        row = repository.create_meeting(session, title="総務委員会", source_name="a.flac",
                                        source_path="x.flac", content_hash="1" * 64)
        repository.save_transcript(session, meeting_id=row.id, transcript=Transcript(
            language="ja", duration=15.0, segments=segments))
        repository.save_speakers(session, meeting_id=row.id, speakers=[
            Speaker(id="S1", label="SPEAKER_00"), Speaker(id="S2", label="SPEAKER_01")])
        repository.save_minutes(session, row.id, Minutes(
            status="done", summary="予算案を審議した。",
            decisions=[Decision(text="予算案を了承する。", segments=[2])]))
        repository.update_meeting(session, row.id, status="done", language="ja", duration=15.0)
        return row.id


def test_edits_can_answer_with_only_what_changed(client: TestClient, engine: Engine) -> None:
    """The web view edits with `Prefer: return=minimal`: a 3-hour session's whole document
    is ~10 MB, so each edit answers with the changed line, speakers or minutes only."""
    base = f"/api/meetings/{stored_meeting(engine)}"
    prefer = {"Prefer": "return=minimal"}
    whole = client.patch(f"{base}/segments/2", json={"text": "予算案を説明します。"})
    assert whole.status_code == 200 and "preference-applied" not in whole.headers
    assert whole.json()["segments"][1]["text"] == "予算案を説明します。"  # the default: all

    line = client.patch(f"{base}/segments/2", json={"speaker": "S1"}, headers=prefer)
    assert line.status_code == 200 and line.headers["preference-applied"] == "return=minimal"
    assert list(line.json()) == ["segment"]
    document = client.get(base).json()
    assert line.json()["segment"] == document["segments"][1]  # as the whole document has it
    assert line.json()["segment"]["speaker"] == "S1"
    assert [w["speaker"] for w in line.json()["segment"]["words"]] == ["S1"] * 5

    named = client.patch(f"{base}/speakers/S2", json={"name": "田中議長"}, headers=prefer)
    assert named.json() == {"speakers": client.get(base).json()["speakers"]}
    assert named.json()["speakers"][1]["name"] == "田中議長"

    added = client.post(f"{base}/action_items", headers=prefer, json={
        "task": "資料を配布する", "owner": "S1", "due": None, "due_date": None, "segments": [3]})
    assert added.status_code == 201
    assert added.json() == {"minutes": client.get(base).json()["minutes"]}
    assert added.json()["minutes"]["action_items"][0]["task"] == "資料を配布する"
    decision = client.get(base).json()["minutes"]["decisions"][0]
    removed = client.delete(f"{base}/decisions/{decision['id']}?version={decision['version']}",
                            headers=prefer)
    assert list(removed.json()) == ["minutes"] and removed.json()["minutes"]["decisions"] == []

    # refusals read the same either way
    assert client.patch(f"{base}/segments/9", json={"text": "x"}, headers=prefer).status_code \
        == 404
    assert client.patch(f"{base}/segments/1", json={"text": " "}, headers=prefer).status_code \
        == 422


def test_line_surgery_answers_only_what_it_changed(client: TestClient, engine: Engine) -> None:
    """Merge, split, delete, insert, a range given to a speaker, a speaker added and two
    merged, each with `Prefer: return=minimal`: the lines written and the numbers removed
    (with the speakers and minutes), which put into the document held before give the
    whole document the server has now (the page does just that)."""
    meeting_id = stored_meeting(engine)
    base = f"/api/meetings/{meeting_id}"
    prefer = {"Prefer": "return=minimal"}
    with_citation = client.post(f"{base}/decisions", json={"text": "可決", "segments": [3]})
    assert with_citation.status_code == 201
    changes = [("post", f"{base}/segments/2/merge", None),
               ("post", f"{base}/segments/1/split", {"at": 3}),
               ("post", f"{base}/segments", {"after": 1, "text": "（資料配布）"}),
               ("delete", f"{base}/segments/2", None),
               ("post", f"{base}/segments/speaker", {"first": 1, "last": 4, "speaker": "S2"}),
               ("post", f"{base}/speakers", {"name": "佐藤課長"}),
               ("post", f"{base}/speakers/S1/merge", {"into": "S2"})]
    for method, path, body in changes:
        held = client.get(base).json()
        answer = client.request(method.upper(), path, json=body, headers=prefer)
        assert answer.status_code in (200, 201), (path, answer.text)
        assert answer.headers["preference-applied"] == "return=minimal"
        small = answer.json()
        assert set(small) == {"lines", "removed", "speakers", "minutes", "updated_at"}
        written = {line["id"]: line for line in small["lines"]}
        if path.endswith("/2/merge"):  # only the merged line, and the one merged into it
            assert (list(written), small["removed"]) == ([2], [3])
        segments = [s for s in held["segments"]
                    if s["id"] not in written and s["id"] not in small["removed"]]
        segments = sorted([*segments, *written.values()], key=lambda s: (s["start"], s["id"]))
        now = client.get(base).json()
        assert segments == now["segments"], path
        assert (small["speakers"], small["minutes"], small["updated_at"]) == (
            now["speakers"], now["minutes"], now["updated_at"]), path


def test_a_token_changed_and_changed_back_does_not_bring_its_sessions_back(
        settings: Settings, engine: Engine) -> None:
    """Finding 10: a session belongs to the token it was made under. Starting with another
    token deletes it, so going back to the first token later finds no session to revive."""
    first = settings.model_copy(update={"api_token": SecretStr(TOKEN)})
    second = settings.model_copy(update={"api_token": SecretStr("another-token-42xyZ")})
    with TestClient(create_app(first), base_url=LOCAL) as client:
        form = client.get("/login")
        client.post("/login", data={"token": TOKEN, "csrf": csrf_of(form.text)})
        cookie = client.cookies[SESSION_COOKIE]
        assert client.get("/api/meetings").status_code == 200
    with TestClient(create_app(second), base_url=LOCAL):
        pass  # the service ran a while with the second token
    with session_scope(engine) as session:
        assert session.exec(select(WebSessionRow)).all() == []
    with TestClient(create_app(first), base_url=LOCAL) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        assert client.get("/api/meetings").status_code == 401
