"""Hardening (issue 18, first part): security headers, strict Host parsing, guessable tokens
refused, subtitle text that players would read as markup, and half-written uploads removed
when the service starts again after a SIGKILL. (Framing refused by a real chromium is tested
with the other browser tests, in tests/web/test_browser.py.)"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError
from sqlalchemy import Engine

from api import create_app
from api.app import SECURITY_HEADERS
from gijiroku.config import Settings
from gijiroku.export import export_meeting
from gijiroku.recordings import remove_partial_uploads
from gijiroku.storage import repository, session_scope
from tests.api.test_api import LOCAL
from tests.api.test_web import csrf_of
from tests.seed import SAMPLE, seed_meeting
from tests.serving import Server
from tests.test_watch import wait_for


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        yield client


def test_every_answer_carries_the_security_headers(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    meeting = seed_meeting(engine, settings.data_dir)
    for path in ("/", f"/meetings/{meeting}", f"/api/meetings/{meeting}", "/api/meetings/x",
                 "/static/app.css", "/healthz"):
        answer = client.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers[name] == value, (path, name)
    csp = client.get("/").headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    refused = client.get("/", headers={"Host": "rebound.example"})
    assert refused.status_code == 400 and refused.headers["x-frame-options"] == "DENY"
    # FastAPI's own API pages run an inline script: they may, but are not framed either
    docs = client.get("/docs")
    assert "frame-ancestors 'self'" in docs.headers["content-security-policy"]
    assert docs.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("host", ["evil@127.0.0.1:8000", "127.0.0.1/evil", "127.0.0.1:80:80",
                                  "127.0.0.1 evil", "127.0.0.1\\evil", ""])
def test_host_headers_are_parsed_strictly(client: TestClient, host: str) -> None:
    answer = client.get("/api/meetings", headers={"Host": host})
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "untrusted_host"


def test_host_headers_that_name_this_service_pass(client: TestClient) -> None:
    for host in ("127.0.0.1:8000", "localhost", "[::1]:8000", "LOCALHOST:1"):
        assert client.get("/api/meetings", headers={"Host": host}).status_code == 200, host


@pytest.mark.parametrize("token", ["a", "password1234", "aaaaaaaaaaaaaaaaaaaaaaaa",
                                   "abcabcabcabcabcabc"])
def test_guessable_tokens_are_refused_at_start(token: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="too easy to guess"):
        Settings(data_dir=tmp_path, api_token=token)  # type: ignore[arg-type]
    Settings(data_dir=tmp_path, api_token="k3-Zq8vN1xT0pLw7")  # type: ignore[arg-type]


def test_subtitles_show_angle_brackets_as_text(settings: Settings, engine: Engine) -> None:
    meeting = seed_meeting(engine, settings.data_dir)
    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, meeting)
        row.language = "en"
        session.add(row)
    from gijiroku import edits

    edits.edit_segment(engine, meeting, 1, text="<font color=red>Vote</font> {\\an8}now <b>")
    srt = export_meeting(engine, meeting, "srt").content.decode()
    assert "<font" not in srt and "<b>" not in srt and "{\\an8}" not in srt
    assert "＜font color=red＞Vote＜/font＞" in srt and "｛\\an8}now ＜b＞" in srt
    vtt = export_meeting(engine, meeting, "vtt").content.decode()
    assert "&lt;font color=red&gt;Vote&lt;/font&gt;" in vtt


def test_a_half_written_upload_is_removed_when_the_service_starts_again(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    server = Server(data, tmp_path / "serve.log")
    address = server.start()
    port = int(address.rsplit(":", 1)[1])
    body = SAMPLE.read_bytes()
    boundary = "gijirokutestboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"a.flac\"\r\nContent-Type: audio/flac\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port)) as upload:
        upload.sendall(
            (f"POST /api/meetings HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
             f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
             f"Content-Length: {len(head) + len(body) + 100}\r\n\r\n").encode()
            + head + body[: len(body) // 2])
        uploads = data / "uploads"
        assert wait_for(lambda: any(uploads.glob("*.upload")), timeout=20)
        partial = next(uploads.glob("*.upload"))
        time.sleep(0.5)
        assert server.process is not None
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
    assert partial.exists()  # what a killed process leaves
    # a file another process is still receiving is locked, and kept
    receiving = uploads / "other.upload"
    receiving.write_bytes(b"x")
    # a decode that a killed worker left, untouched for two hours, and one still being written
    abandoned = data / "meetings" / "m1" / "audio.f32.part"
    abandoned.parent.mkdir(parents=True)
    abandoned.write_bytes(b"\0" * 1024)
    os.utime(abandoned, (time.time() - 7200, time.time() - 7200))
    writing = data / "meetings" / "m2" / "playback.ogg.4242.part"
    writing.parent.mkdir(parents=True)
    writing.write_bytes(b"OggS")
    handle = os.open(receiving, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        server.start()
        assert not partial.exists()
        assert receiving.exists()
        assert f"removed 1 upload(s) left half-written: {partial.name}" in server.log_text()
        assert not abandoned.exists() and writing.exists()
        assert "removed 1 temporary file(s) left by stopped processes: " \
               "meetings/m1/audio.f32.part" in server.log_text()
    finally:
        os.close(handle)
        server.close()
    assert remove_partial_uploads(data) == ["other.upload"]


def test_wrong_tokens_are_throttled_per_address_then_locked_out(
    settings: Settings, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    token = "k3-Zq8vN1xT0pLw7"
    app = create_app(settings.model_copy(update={"api_token": SecretStr(token)}))
    now = [1000.0]
    app.state.guard.throttle.clock = lambda: now[0]
    bad = {"Authorization": "Bearer a-wrong-guess-000"}
    good = {"Authorization": f"Bearer {token}"}
    with TestClient(app, base_url=LOCAL) as client, caplog.at_level("WARNING"):
        def wait_after_a_wrong_one() -> int:
            assert client.get("/api/meetings", headers=bad).status_code == 401
            waiting = client.get("/api/meetings", headers=good)  # not even checked
            assert waiting.status_code == 429, waiting.text
            assert waiting.json()["error"]["code"] == "too_many_attempts"
            return int(waiting.headers["Retry-After"])

        assert wait_after_a_wrong_one() == 1
        with ThreadPoolExecutor(20) as pool:  # guesses sent at once gain nothing
            codes = list(pool.map(
                lambda _: client.get("/api/meetings", headers=bad).status_code, range(20)))
        assert codes == [429] * 20
        waits = []
        for _ in range(9):
            now[0] += 120  # past any wait but the lockout
            waits.append(wait_after_a_wrong_one())
        assert waits == [2, 4, 8, 16, 32, 60, 60, 60, 15 * 60]  # the 10th: locked out
        assert any("locked out for 15 minutes" in r.getMessage() for r in caplog.records)

        form = client.get("/login?lang=en")
        locked = client.post("/login", data={"token": token, "csrf": csrf_of(form.text)})
        assert locked.status_code == 429 and "try again in 900 seconds" in locked.text
        assert client.get("/api/meetings").status_code == 401  # no session was made

        now[0] += 15 * 60
        assert client.get("/api/meetings", headers=good).status_code == 200
        assert wait_after_a_wrong_one() == 1  # a success starts the count again
        now[0] += 2
        for _ in range(3):  # the login form counts too
            now[0] += 120
            wrong = client.post("/login", data={"token": "nope", "csrf": csrf_of(form.text)})
            assert wrong.status_code == 401
        assert client.get("/api/meetings", headers=good).headers["Retry-After"] == "8"
    other = app.state.guard.throttle
    other.check("10.0.0.9")  # another address is not held back



@pytest.mark.parametrize(("limit", "status", "code", "japanese"), [
    ({"max_duration_hours": 0.01}, 413, "recording_too_long", "録音が長すぎる"),  # 36 s
    ({"min_free_mb": 2**40}, 507, "disk_full", "ディスクの空き容量が足りません"),
])
def test_uploads_too_long_or_too_big_for_the_disk_are_refused_before_decoding(
    settings: Settings, engine: Engine, limit: dict[str, float], status: int, code: str,
    japanese: str,
) -> None:
    with TestClient(create_app(settings.model_copy(update=limit)), base_url=LOCAL) as client:
        refused = client.post("/api/meetings", files={"file": ("a.flac", SAMPLE.read_bytes())})
        assert refused.status_code == status and refused.json()["error"]["code"] == code
        in_japanese = client.post("/api/meetings", headers={"Accept-Language": "ja"},
                                  files={"file": ("a.flac", SAMPLE.read_bytes())})
        assert japanese in in_japanese.json()["error"]["message"]
        assert client.get("/api/meetings").json()["total"] == 0
    assert not any((settings.data_dir / "uploads").iterdir())  # nothing kept


def test_a_playlist_upload_never_reads_a_file_outside_its_folder(
        client: TestClient, settings: Settings, tmp_path: Path) -> None:
    """Finding 1: an HLS playlist line naming a file elsewhere on the disk, then MP3 frames,
    uploaded as agenda.m3u8. Its content probes as MP3: it is stored as `original.bin`, and
    decoding and the player's copy read it as MP3 alone, so the other file is never decoded
    or served. A file whose probing finds a playlist (the same bytes named .m3u8 in a watched
    folder) is refused."""
    from gijiroku import audio
    from gijiroku.errors import AudioDecodeError
    from tests.api.test_api import stored_files, upload
    from tests.conftest import ffmpeg

    elsewhere = tmp_path / "elsewhere.flac"  # 20 s, where 3 s of MP3 follow the playlist
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=880:duration=20", "-ac", "1", str(elsewhere))
    tone = tmp_path / "tone.mp3"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-ac", "1", "-ar", "16000",
           "-c:a", "libmp3lame", str(tone))
    playlist = (b"#EXTM3U\n#EXT-X-TARGETDURATION:20\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:20,\n"
                + str(elsewhere).encode() + b"\n#EXT-X-ENDLIST\n") + tone.read_bytes()

    accepted = upload(client, "agenda.m3u8", playlist)
    assert accepted.status_code == 201, accepted.text
    [stored] = [p for p in stored_files(settings) if p.name.startswith("original.")]
    assert stored.name == "original.bin"  # no extension of the sender's choosing
    assert audio.probe(stored).container == "mp3"
    assert audio.decode(stored, tmp_path / "out.f32") == pytest.approx(3.1, abs=0.3)
    served = client.get(f"/api/meetings/{accepted.json()['id']}/audio")
    assert served.status_code == 200  # the player's Ogg copy, of the MP3 alone
    copy = _written(tmp_path / "served.ogg", served.content)
    assert audio.probe(copy).duration == pytest.approx(3.1, abs=0.3)
    # the bytes as ffmpeg would have read them by their name: what was found elsewhere
    named = _written(tmp_path / "agenda.m3u8", playlist)
    with pytest.raises(AudioDecodeError) as caught:
        audio.probe(named)
    assert caught.value.code == "audio_references_files"
    with pytest.raises(AudioDecodeError):
        audio.decode(named, tmp_path / "named.f32")


def _written(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_a_stored_recording_keeps_only_an_audio_or_video_extension() -> None:
    from gijiroku.recordings import stored_extension

    assert [stored_extension(n) for n in (
        "会議.M4A", "agenda.m3u8", "list.ffconcat", "x.sdp", "録音.DSS", "a.txt", "noext")] == [
        "m4a", "bin", "bin", "bin", "dss", "bin", "bin"]


def _answer_to(port: int, head: str, first: bytes = b"", timeout: float = 10) -> str:
    """Send a request's head (and the start of its body) and read the answer's first line,
    without sending the rest of the body: an answer comes only if the server refuses the
    request without reading it all."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(timeout)
        sock.sendall(head.encode() + first)
        return sock.recv(4096).decode(errors="replace").split("\r\n", 1)[0]


def test_bodies_are_bounded_before_they_are_parsed_and_before_the_token(
        tmp_path: Path) -> None:
    """Finding 2: the login form (which anyone may post to) takes a few kilobytes, a JSON
    route a megabyte; a larger body is refused (413) by its Content-Length before a byte of
    it is read, and a body without one once it passes the limit; a request without the
    token is refused (401) without its body being read at all. The server's memory stays
    flat under a 200 MB login body."""
    token = "k3-Zq8vN1xT0pLw7"
    server = Server(tmp_path / "data", tmp_path / "serve.log", GIJIROKU_API_TOKEN=token)
    port = int(server.start().rsplit(":", 1)[1])
    host = f"Host: 127.0.0.1:{port}\r\n"
    try:
        form = "Content-Type: application/x-www-form-urlencoded\r\n"
        assert " 413 " in _answer_to(port, f"POST /login HTTP/1.1\r\n{host}{form}"
                                           "Content-Length: 400000000\r\n\r\n", b"token=")
        boundary = "----gijiroku"
        multipart = f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"token\"; "
                f"filename=\"x.bin\"\r\n\r\n").encode() + b"x" * 65536
        chunked = "Transfer-Encoding: chunked\r\n\r\n"
        assert " 413 " in _answer_to(port, f"POST /login HTTP/1.1\r\n{host}{multipart}{chunked}",
                                     f"{len(part):x}\r\n".encode() + part + b"\r\n")
        bearer = f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        assert " 413 " in _answer_to(port, f"PATCH /api/meetings/x HTTP/1.1\r\n{host}{bearer}"
                                           "Content-Length: 200000000\r\n\r\n", b'{"summary')
        json = "Content-Type: application/json\r\n"
        assert " 401 " in _answer_to(port, f"PATCH /api/meetings/x HTTP/1.1\r\n{host}{json}"
                                           "Content-Length: 1000\r\n\r\n")
        # a form of 200 fields of 1 MB, sent whole: refused, and never held
        assert server.process is not None
        before = _peak_rss_kb(server.process.pid)
        field = b"a=" + b"x" * (1024 * 1024 - 2)
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(f"POST /login HTTP/1.1\r\n{host}{form}Transfer-Encoding: chunked"
                         "\r\n\r\n".encode())
            answer = b""
            try:
                for _ in range(200):
                    sock.sendall(f"{len(field) + 1:x}\r\n".encode() + field + b"&\r\n")
            except OSError:
                pass  # refused and closed while it was still sending
            sock.settimeout(10)
            answer = sock.recv(4096)
        assert b" 413 " in answer.split(b"\r\n", 1)[0]
        assert _peak_rss_kb(server.process.pid) - before < 50_000  # kB: not 200 MB held
    finally:
        server.close()


def _peak_rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines()
                    if line.startswith("VmHWM:")))


@pytest.mark.parametrize("proxies", ["", "127.0.0.1"])
def test_forwarded_addresses_count_only_from_a_trusted_proxy(
        tmp_path: Path, proxies: str) -> None:
    """Finding 3: X-Forwarded-For from a client that is not a configured proxy changes
    nothing (every guess counts for the address it comes from, so the second waits); from
    a proxy named in GIJIROKU_TRUSTED_PROXIES, each forwarded client is counted apart."""
    import httpx

    token = "k3-Zq8vN1xT0pLw7"
    server = Server(tmp_path / "data", tmp_path / "serve.log", GIJIROKU_API_TOKEN=token,
                    GIJIROKU_TRUSTED_PROXIES=proxies)
    address = server.start()
    try:
        def guess(client: str) -> int:
            return httpx.get(f"{address}/api/meetings", timeout=30, headers={
                "Authorization": "Bearer a-wrong-guess-000",
                "X-Forwarded-For": client}).status_code

        codes = [guess("10.0.0.1"), guess("10.0.0.2"), guess("10.0.0.1")]
        if proxies:
            assert codes == [401, 401, 429]  # two clients behind the proxy, each counted
        else:
            assert codes == [401, 429, 429]  # one client, whatever it claims
            right = httpx.get(f"{address}/api/meetings", timeout=30, headers={
                "Authorization": f"Bearer {token}", "X-Forwarded-For": "10.9.9.9"})
            assert right.status_code == 429  # no way around the wait
    finally:
        server.close()


def test_a_fault_of_ours_answers_500_with_the_security_headers(settings: Settings) -> None:
    """Finding 6: an answer made because a route failed carries the same headers as every
    other (it is made outside the middleware that adds them), and says nothing of the
    fault itself."""
    app = create_app(settings)

    def broken() -> None:
        raise RuntimeError("a secret detail of the fault")

    app.add_api_route("/api/broken", broken)
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as client:
        for language in ("en", "ja"):
            answer = client.get("/api/broken", headers={"Accept-Language": language})
            assert answer.status_code == 500
            for name, value in SECURITY_HEADERS.items():
                assert answer.headers[name] == value, name
            assert answer.json()["error"]["code"] == "internal_error"
            assert "secret" not in answer.text
        assert "サーバーで問題が起きました" in answer.json()["error"]["message"]
