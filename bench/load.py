"""Load: a real `gijiroku serve` and two `gijiroku worker` processes on PostgreSQL + Redis take
uploads from concurrent clients while the workers are killed (SIGKILL) and restarted at
random; then every meeting is checked to be done exactly once with all its lines.

    .venv/bin/python bench/load.py                       # 50 uploads, 10 clients
    .venv/bin/python bench/load.py --uploads 20 --clients 4 --kill-every 15

Needs the PostgreSQL (trust auth) and Redis servers the tests use on 127.0.0.1 (another
PostgreSQL: GIJIROKU_TEST_POSTGRES, as the tests use). A database and a queue name of its
own are made and dropped. The recordings are distinct 10-second clips of the English sample
(tiny.en transcribes them; diarization runs; no minutes model), so the figures measure the
service, the queue and the recovery of killed jobs rather than a large model.

Prints: throughput (recordings and audio minutes per wall minute), API latency under load
(p50/p95/p99 of each kind of request), every error seen (answers of 500 and over, refused
connections, unexpected 4xx), kills and jobs taken back, and the checks. Exit status 1 when a
check fails: a meeting not done, done twice, or with missing or duplicated lines.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "committee-meeting-en.flac"
GIJIROKU = Path(sys.executable).with_name("gijiroku")
POSTGRES = os.environ.get("GIJIROKU_TEST_POSTGRES",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TOKEN = "load-bench-" + uuid.uuid4().hex


def clips(folder: Path, count: int, seconds: float) -> list[Path]:
    """`count` different clips of the sample (each starts at another offset)."""
    from gijiroku.audio import find_ffmpeg, probe

    length = probe(SAMPLE).duration or 50.0
    made = []
    for number in range(count):
        start = (number * 0.77) % max(length - seconds, 1.0)
        path = folder / f"clip-{number:03d}.flac"
        subprocess.run([find_ffmpeg(), "-loglevel", "error", "-y", "-ss", f"{start:.2f}",
                        "-t", str(seconds), "-i", str(SAMPLE), "-ac", "1", str(path)],
                       check=True)
        made.append(path)
    return made


class Database:
    """A PostgreSQL database of the bench's own, dropped at the end."""

    def __init__(self) -> None:
        import psycopg

        self.admin = POSTGRES.replace("postgresql+psycopg://", "postgresql://")
        self.name = f"gijiroku_load_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.admin, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        self.url = f"{POSTGRES.rsplit('/', 1)[0]}/{self.name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Process:
    """A `gijiroku` command in a process group of its own (so a kill takes its children)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen([str(GIJIROKU), *self.args], env=self.env,
                                          stdout=out, stderr=subprocess.STDOUT,
                                          start_new_session=True)

    def kill(self, signum: int = signal.SIGKILL) -> None:
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signum)
            self.popen.wait()


class Recorder:
    """Every request's time and outcome, from all client threads."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.lock = threading.Lock()

    def call(self, kind: str, send: Any, expect: tuple[int, ...] = (200,)) -> Any:
        started = time.perf_counter()
        try:
            answer = send()
        except Exception as exc:  # refused or reset connections are errors to report
            with self.lock:
                self.errors[f"{kind}: {type(exc).__name__}"] += 1
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.times[kind].append(elapsed)
            if answer.status_code not in expect:
                self.errors[f"{kind}: HTTP {answer.status_code}"] += 1
        return answer if answer.status_code in expect else None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def client(address: str, files: list[Path], recorder: Recorder, made: list[str],
           timeout: float) -> None:
    """One person's browser or script: uploads its recordings, then follows them until done,
    looking at the list now and then as the web view does."""
    import httpx

    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=address, headers=headers, timeout=120) as http:
        mine = []
        for path in files:
            answer = recorder.call("upload", lambda p=path: http.post(
                "/api/meetings", files={"file": (p.name, p.read_bytes(), "audio/flac")},
                data={"language": "en", "title": p.stem}), expect=(201,))
            if answer is not None:
                mine.append(answer.json()["id"])
            recorder.call("list", lambda: http.get("/api/meetings", params={"size": 20}))
        made.extend(mine)
        deadline = time.monotonic() + timeout
        waiting = set(mine)
        while waiting and time.monotonic() < deadline:
            for meeting in list(waiting):
                answer = recorder.call("meeting", lambda m=meeting: http.get(
                    f"/api/meetings/{m}"))
                if answer is not None and answer.json()["status"] in ("done", "failed"):
                    waiting.discard(meeting)
            recorder.call("list", lambda: http.get("/api/meetings", params={"size": 20}))
            time.sleep(1.0)


def chaos(workers: list[Process], stop: threading.Event, every: float,
          kills: list[float]) -> None:
    """Kill a random worker (SIGKILL, the whole process group) now and then; restart it
    after a moment, as a supervisor would."""
    rng = random.Random(18)
    while not stop.wait(rng.uniform(every * 0.5, every * 1.5)):
        victim = rng.choice(workers)
        victim.kill()
        kills.append(time.monotonic())
        if stop.wait(rng.uniform(1.0, 3.0)):
            victim.start()
            return
        victim.start()


def check(database_url: str, made: list[str]) -> tuple[list[str], dict[str, int]]:
    """Every meeting done exactly once, with its lines whole: numbered 1..n without gaps,
    none twice, each with its words and a speaker; what was wrong, and job figures."""
    from sqlmodel import col, select

    from gijiroku.storage import open_database, session_scope
    from gijiroku.storage.tables import JobRow, MeetingRow, SegmentRow, WordRow

    problems: list[str] = []
    figures: Counter[str] = Counter()
    engine = open_database(database_url)
    with session_scope(engine) as session:
        meetings = session.exec(select(MeetingRow)).all()
        if sorted(m.id for m in meetings) != sorted(made):
            problems.append(f"{len(meetings)} meetings stored for {len(made)} uploads accepted")
        for meeting in meetings:
            jobs = session.exec(select(JobRow).where(JobRow.meeting_id == meeting.id)).all()
            done = [job for job in jobs if job.status == "done"]
            figures["jobs"] += len(jobs)
            figures["attempts"] += sum(job.attempts for job in jobs)
            figures["jobs taken again"] += sum(max(job.attempts - 1, 0) for job in jobs)
            if meeting.status != "done" or len(done) != 1:
                problems.append(f"{meeting.id}: meeting {meeting.status}, "
                                f"{len(done)} job(s) done of {len(jobs)}: "
                                f"{[job.error for job in jobs if job.error]}")
                continue
            if not {"decode", "transcribe", "diarize"} <= set(meeting.completed_stages):
                problems.append(f"{meeting.id}: stages {meeting.completed_stages}")
            lines = session.exec(select(SegmentRow).where(SegmentRow.meeting_id == meeting.id)
                                 .order_by(col(SegmentRow.number))).all()
            numbers = [line.number for line in lines]
            figures["lines"] += len(lines)
            if not lines or numbers != list(range(1, len(lines) + 1)):
                problems.append(f"{meeting.id}: lines numbered {numbers}")
            if len({(line.start, line.text) for line in lines}) != len(lines):
                problems.append(f"{meeting.id}: a line stored twice")
            if any(line.speaker_key is None for line in lines):
                problems.append(f"{meeting.id}: a line without a speaker")
            worded = set(session.exec(select(WordRow.segment_id).where(
                WordRow.meeting_id == meeting.id)).all())
            if any(line.id not in worded for line in lines if line.text.strip()):
                problems.append(f"{meeting.id}: a line without its words")
    return problems, dict(figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each clip")
    parser.add_argument("--kill-every", type=float, default=20.0,
                        help="mean seconds between worker kills (0: none)")
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()

    from tests.serving import answers, free_port

    database = Database()
    workers: list[Process] = []
    server: Process | None = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            files = clips(folder, args.uploads, args.seconds)
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("GIJIROKU_")},
                   "GIJIROKU_DATA_DIR": str(folder / "data"),
                   "GIJIROKU_DATABASE_URL": database.url,
                   "GIJIROKU_REDIS_URL": "redis://127.0.0.1:6379/0",
                   "GIJIROKU_QUEUE_NAME": f"load-{uuid.uuid4().hex[:8]}",
                   "GIJIROKU_SERVE_WORKER": "false", "GIJIROKU_API_TOKEN": TOKEN,
                   "GIJIROKU_LLM_BACKEND": "off", "GIJIROKU_CPU_THREADS": "1",
                   # a killed worker's job is taken back once its lease runs out
                   "GIJIROKU_JOB_LEASE_SECONDS": "10"}
            port = free_port()
            address = f"http://127.0.0.1:{port}"
            server = Process(["serve", "--port", str(port)], env, folder / "serve.log")
            server.start()
            deadline = time.monotonic() + 60
            while not answers(address):
                if time.monotonic() > deadline:
                    raise SystemExit("gijiroku serve did not start:\n"
                                     + (folder / "serve.log").read_text()[-3000:])
                time.sleep(0.2)
            workers = [Process(["worker", "--workers", "1"], env, folder / f"worker{n}.log")
                       for n in range(2)]
            for worker in workers:
                worker.start()

            recorder = Recorder()
            made: list[str] = []
            shares = [files[n::args.clients] for n in range(args.clients)]
            stop = threading.Event()
            kills: list[float] = []
            killer = threading.Thread(target=chaos, args=(workers, stop, args.kill_every,
                                                          kills), daemon=True)
            started = time.monotonic()
            if args.kill_every > 0:
                killer.start()
            threads = [threading.Thread(target=client, args=(address, share, recorder, made,
                                                             args.timeout))
                       for share in shares if share]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            stop.set()
            if killer.is_alive():
                killer.join(timeout=10)
            problems, figures = check(database.url, made)
    finally:
        for process in [*workers, *([server] if server else [])]:
            process.kill(signal.SIGTERM)
        database.drop()

    audio_minutes = len(made) * args.seconds / 60
    print(f"uploads accepted: {len(made)} of {args.uploads}, from {args.clients} clients")
    print(f"wall time: {elapsed:.1f} s, with {len(kills)} worker kill(s) (SIGKILL)")
    print(f"throughput: {len(made) / elapsed * 60:.1f} recordings/min, "
          f"{audio_minutes / (elapsed / 60):.2f} audio min per wall min")
    for kind, times in sorted(recorder.times.items()):
        print(f"latency {kind:<8} n={len(times):4d}  p50 {statistics.median(times) * 1000:7.1f}"
              f" ms  p95 {percentile(times, 0.95) * 1000:7.1f} ms  "
              f"p99 {percentile(times, 0.99) * 1000:7.1f} ms")
    every = [t for times in recorder.times.values() for t in times]
    if every:
        print(f"latency all      n={len(every):4d}  p99 {percentile(every, 0.99) * 1000:.1f} ms")
    print(f"jobs: {figures.get('jobs', 0)}, attempts {figures.get('attempts', 0)}, taken again "
          f"after a kill or failure: {figures.get('jobs taken again', 0)}; "
          f"lines stored: {figures.get('lines', 0)}")
    print(f"errors seen: {sum(recorder.errors.values())}"
          + "".join(f"\n  {what}: {count}" for what, count in recorder.errors.items()))
    print(f"checks: {'every meeting done exactly once with all its lines' if not problems else ''}"
          + "".join(f"\n  FAILED {problem}" for problem in problems))
    return 1 if problems or len(made) != args.uploads else 0


if __name__ == "__main__":
    raise SystemExit(main())
