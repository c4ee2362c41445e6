"""Storing a 3-hour session's transcript: how long `repository.save_transcript` takes (the
transcription stage and every diarization re-run call it) on a SQLite file and on PostgreSQL.

    .venv/bin/python bench/storage.py [--lines 3600] [--words 12] [--postgres URL]

The transcript is synthetic (a line every 3 s, `--words` words each). It is saved twice, the
second time over the first as a re-run does. PostgreSQL: a database of its own is made on
the server of `--postgres` (default the local one, trust auth) and dropped afterwards; it is
skipped, with the reason, when the server does not answer.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gijiroku.domain import Segment, Transcript, Word  # noqa: E402
from gijiroku.options import MeetingOptions  # noqa: E402
from gijiroku.storage import close_database, open_database, repository, session_scope  # noqa: E402


def transcript(lines: int, words: int) -> Transcript:
    return Transcript("ja", lines * 3.0, [
        Segment(i * 3.0, i * 3.0 + 2.5, "議会" * words,
                [Word(i * 3.0 + j * 0.2, i * 3.0 + j * 0.2 + 0.2, "議会", 0.9)
                 for j in range(words)])
        for i in range(lines)])


def measure(url: str, made: Transcript) -> list[float]:
    engine = open_database(url)
    with session_scope(engine) as session:
        meeting = repository.create_meeting(
            session, title="bench", source_name="bench.flac", source_path="bench.flac",
            content_hash="0" * 64, options=MeetingOptions()).id
    took = []
    for _ in range(2):
        start = time.perf_counter()
        with session_scope(engine) as session:
            repository.save_transcript(session, meeting_id=meeting, transcript=made)
        took.append(time.perf_counter() - start)
    close_database(url)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=3600)
    parser.add_argument("--words", type=int, default=12)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    made = transcript(args.lines, args.words)
    print(f"{args.lines} lines, {args.lines * args.words} words")
    with tempfile.TemporaryDirectory() as folder:
        first, again = measure(f"sqlite:///{Path(folder) / 'bench.db'}", made)
    print(f"sqlite      first save {first:6.2f} s   saved again {again:6.2f} s")

    import psycopg

    admin = args.postgres.replace("postgresql+psycopg://", "postgresql://")
    name = f"gijiroku_bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"postgresql  skipped: the server does not answer ({exc})")
        return
    try:
        first, again = measure(f"{args.postgres.rsplit('/', 1)[0]}/{name}", made)
        print(f"postgresql  first save {first:6.2f} s   saved again {again:6.2f} s")
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
