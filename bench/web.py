"""The web service under load: latency of the list, search and meeting reads with 1,000 stored
meetings, of line edits in a 3-hour session, and the server's memory while a 1 GB upload
streams in.

    .venv/bin/python bench/web.py                      # SQLite file (the embedded default)
    .venv/bin/python bench/web.py --database-url postgresql://127.0.0.1:5432/gijiroku_bench
    .venv/bin/python bench/web.py --meetings 1000 --upload-mb 1024

A real `gijiroku serve` process is started on a fresh data directory holding N meetings of
120 transcript lines (12 words each, about 1 hour of speech). Requests are sent one at a time
from this process over loopback; p50 and p99 are over all requests of a kind. Memory is the
resident set of the server process, read from /proc every 50 ms, before and during the upload
of a WAV file (a header and noise) of the given size; the server hashes it to disk as it comes.
Line edits go to one more meeting, a 3-hour session (2,700 lines, ~100,000 words, as
bench/export.py builds it), answered with the whole document and with `Prefer:
return=minimal` (only the line), as the web view asks; then a replace over every line, a
range of 500 lines given to a speaker and a merge of the session's two speakers (one
request each).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import Sampler, rss_mb  # noqa: E402

WORDS = ["予算", "委員会", "図書館", "開館", "日曜", "職員", "配置", "試行", "budget", "library",
         "staff", "schedule", "committee", "approve", "motion", "report", "council", "agenda"]


def fill(database_url: str, data_dir: Path, count: int, lines: int) -> list[str]:
    """N meetings with transcripts and speakers, written straight through the repository."""
    from gijiroku.domain import Segment, Speaker, Transcript, Word
    from gijiroku.storage import open_database, repository, session_scope

    engine = open_database(database_url)
    rng = random.Random(7)
    ids = []
    for n in range(count):
        segments = []
        for i in range(lines):
            words = [Word(start=i * 30 + k, end=i * 30 + k + 0.8, text=rng.choice(WORDS),
                          probability=rng.random(), speaker=f"S{i % 4 + 1}") for k in range(12)]
            segments.append(Segment(start=i * 30.0, end=i * 30 + 12.0, speaker=f"S{i % 4 + 1}",
                                    text=" ".join(w.text for w in words), words=words))
        with session_scope(engine) as session:
            row = repository.create_meeting(
                session, title=f"第{n + 1}回 委員会 meeting {n + 1}", source_name="a.flac",
                source_path="meetings/none/original.flac", content_hash=f"{n:064x}",
            )
            repository.save_transcript(session, meeting_id=row.id, transcript=Transcript(
                language="ja", duration=lines * 30.0, segments=segments))
            repository.save_speakers(session, meeting_id=row.id, speakers=[
                Speaker(id=f"S{k}", label=f"SPEAKER_0{k}") for k in range(1, 5)])
            repository.update_meeting(session, row.id, status="done", duration=lines * 30.0)
            ids.append(row.id)
    return ids


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def timed(client: httpx.Client, paths: list[str]) -> list[float]:
    times = []
    for path in paths:
        start = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        answer.raise_for_status()
    return times


def edits(client: httpx.Client, meeting: str, count: int, headers: dict[str, str]) -> list[float]:
    times = []
    for number in range(1, count + 1):
        start = time.perf_counter()
        answer = client.patch(f"/api/meetings/{meeting}/segments/{number}", headers=headers,
                              json={"text": f"edited {time.time()}"})
        times.append((time.perf_counter() - start) * 1000)
        answer.raise_for_status()
    return times


def once(client: httpx.Client, method: str, path: str, body: dict[str, object]) -> float:
    """One request's time in ms (the answer with `Prefer: return=minimal`)."""
    start = time.perf_counter()
    answer = client.request(method, path, json=body, headers={"Prefer": "return=minimal"})
    took = (time.perf_counter() - start) * 1000
    answer.raise_for_status()
    return took


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{name:<44} n={len(times):<4} p50 {statistics.median(times):7.1f} ms   "
          f"p99 {p99:7.1f} ms")


def wav_stream(size: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    """A 16 kHz mono 16-bit WAV of `size` bytes, produced chunk by chunk."""
    header_file = Path(tempfile.mkstemp(suffix=".wav")[1])
    with wave.open(str(header_file), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.setnframes((size - 44) // 2)
        out.writeframes(b"")
    header = bytearray(header_file.read_bytes())
    header_file.unlink()
    data_bytes = (size - len(header)) // 2 * 2
    header[4:8] = (data_bytes + len(header) - 8).to_bytes(4, "little")
    header[-4:] = data_bytes.to_bytes(4, "little")
    yield bytes(header)
    noise = random.Random(1).randbytes(chunk)
    sent = 0
    while sent < data_bytes:
        part = noise[: min(chunk, data_bytes - sent)]
        sent += len(part)
        yield part


def upload_memory(address: str, pid: int, megabytes: int) -> tuple[float, float, float]:
    """(RSS before, peak RSS during, seconds) for one streamed upload of `megabytes`."""
    size = megabytes * 1024 * 1024
    boundary = "benchboundary"

    def body() -> Iterator[bytes]:
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
               f"filename=\"long.wav\"\r\nContent-Type: audio/wav\r\n\r\n").encode()
        yield from wav_stream(size)
        yield f"\r\n--{boundary}--\r\n".encode()

    sampler = Sampler(pid).start()
    before = sampler.overall
    start = time.perf_counter()
    try:
        answer = httpx.post(f"{address}/api/meetings", content=body(), timeout=600,
                            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    finally:
        sampler.stop()
    answer.raise_for_status()
    return before, sampler.overall, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=120)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--upload-mb", type=int, default=1024)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--session-hours", type=float, default=3.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gijiroku-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        database_url = args.database_url or f"sqlite:///{data_dir / 'gijiroku.db'}"
        start = time.perf_counter()
        ids = fill(database_url, data_dir, args.meetings, args.lines)
        print(f"stored {len(ids)} meetings x {args.lines} lines in "
              f"{time.perf_counter() - start:.0f} s ({database_url.split(':')[0]})")
        from bench.export import build
        from gijiroku.storage import close_database, open_database

        session = build(open_database(database_url), args.session_hours, "ja")
        close_database(database_url)

        port = free_port()
        env = {**os.environ, "GIJIROKU_DATA_DIR": str(data_dir),
               "GIJIROKU_DATABASE_URL": database_url,
               "GIJIROKU_MAX_UPLOAD_MB": str(args.upload_mb + 16)}
        log = (Path(tmp) / "serve.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "gijiroku", "serve", "--port",
                                   str(port)], env=env, start_new_session=True,
                                  stdout=log, stderr=subprocess.STDOUT)
        address = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=address, timeout=60) as client:
                for _ in range(600):
                    try:
                        if client.get("/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                rng = random.Random(3)
                pages = -(-len(ids) // 20)
                n = args.requests
                timed(client, ["/api/meetings"] * 5)  # warm up
                report("list, page 1", timed(client, ["/api/meetings"] * n))
                report("list, random page", timed(
                    client, [f"/api/meetings?page={rng.randint(1, pages)}" for _ in range(n)]))
                report("search title (委員会 meeting 5)", timed(
                    client, ["/api/meetings?q=meeting%205"] * (n // 5)))
                report("search transcript (図書館 開館)", timed(
                    client, ["/api/meetings?q=図書館 開館"] * (n // 5)))
                report(f"get meeting ({args.lines} lines, words)", timed(
                    client, [f"/api/meetings/{rng.choice(ids)}" for _ in range(n)]))
                hours = f"{args.session_hours:g} h session"
                report(f"get {hours}", timed(client, [f"/api/meetings/{session}"] * 10))
                report(f"edit a line of the {hours}: whole", edits(client, session, 20, {}))
                report(f"edit a line of the {hours}: minimal",
                       edits(client, session, 20, {"Prefer": "return=minimal"}))
                # changes over every line of the session, one request each
                base = f"/api/meetings/{session}"
                report(f"replace in every line of the {hours}", [once(
                    client, "POST", f"{base}/replace",
                    {"find": "図書館", "replace": "市立図書館", "whole_word": False})])
                report(f"give 500 lines of the {hours} a speaker", [once(
                    client, "POST", f"{base}/segments/speaker",
                    {"first": 1, "last": 500, "speaker": "S2"})])
                report(f"merge two speakers of the {hours}", [once(
                    client, "POST", f"{base}/speakers/S2/merge", {"into": "S1"})])
            print(f"server RSS after the reads: {rss_mb(server.pid):.0f} MB")
            before, peak, seconds = upload_memory(address, server.pid, args.upload_mb)
            print(f"upload {args.upload_mb} MB: server RSS {before:.0f} MB before, peak "
                  f"{peak:.0f} MB during (+{peak - before:.0f} MB); {seconds:.1f} s, "
                  f"{args.upload_mb / seconds:.0f} MB/s")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
            log.close()


if __name__ == "__main__":
    main()
