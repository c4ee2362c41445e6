"""Export cost of a long meeting: time and memory of each format for a synthetic 3-hour
Japanese council session stored in a SQLite file.

    .venv/bin/python bench/export.py [--hours 3] [--language ja|en]

The transcript has a line every 12 s (900 per hour) of about 30 recognised words, two
speakers named, minutes with decisions and action items. Each format is exported once to
warm up, then measured: wall time of one export, the peak of Python allocations during
another (tracemalloc, which slows it) and the process's peak resident memory so far.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

JA = [
    "えー", "、", "ただいま", "から", "本", "委員会", "を", "開会", "いたし", "ます",
    "。", "図書館", "の", "日曜", "開館", "に", "つい", "て", "、", "事務局",
    "から", "説明", "を", "求め", "ます", "。", "職員", "配置", "と", "予算",
    "の", "見込み", "を", "示し", "て", "ください", "。",
]
EN = [
    "Um,", "the", "committee", "will", "now", "consider", "the", "proposal", "to", "open",
    "the", "library", "on", "Sunday", "mornings,", "and", "I", "ask", "the", "clerk", "to",
    "explain", "the", "staffing", "plan", "and", "the", "budget.",
]


def build(engine: object, hours: float, language: str) -> str:
    from gijiroku.domain import (
        ActionItem,
        Decision,
        Minutes,
        Segment,
        Speaker,
        Transcript,
        Word,
        join_words,
    )
    from gijiroku.storage import repository, session_scope

    pieces = JA if language == "ja" else EN
    segments = []
    for i in range(int(hours * 900)):
        start = i * 12.0
        words = [Word(start=start + k * 0.35, end=start + k * 0.35 + 0.3, text=w,
                      probability=0.9, speaker=f"S{i % 2 + 1}") for k, w in enumerate(pieces)]
        segments.append(Segment(start=start, end=words[-1].end, speaker=f"S{i % 2 + 1}",
                                text=join_words(pieces, language), words=words))
    minutes = Minutes(status="done", summary="図書館の日曜開館について審議した。" * 5,
                      decisions=[Decision(text="日曜開館を試行する。", segments=[10, 11])] * 8,
                      action_items=[ActionItem(task="勤務表を作成する", owner="S1",
                                               due="二月末", segments=[12])] * 12)
    with session_scope(engine) as session:  # type: ignore[arg-type]
        row = repository.create_meeting(session, title="令和8年第4回定例会 本会議",
                                        source_name="a.wav", source_path="x",
                                        content_hash="0" * 64)
        repository.save_transcript(session, meeting_id=row.id, transcript=Transcript(
            language=language, duration=hours * 3600, segments=segments))
        repository.save_speakers(session, meeting_id=row.id, speakers=[
            Speaker(id="S1", label="SPEAKER_00", name="議長"),
            Speaker(id="S2", label="SPEAKER_01", name="事務局長")])
        repository.save_minutes(session, row.id, minutes)
        repository.update_meeting(session, row.id, status="done", language=language,
                                  duration=hours * 3600)
        return row.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--language", default="ja", choices=("ja", "en"))
    args = parser.parse_args()

    from gijiroku.config import Settings
    from gijiroku.export import export_meeting
    from gijiroku.storage import open_database

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(Settings(data_dir=Path(tmp)).resolved_database_url)
        meeting = build(engine, args.hours, args.language)
        print(f"{args.hours:g} h meeting, {int(args.hours * 900)} lines ({args.language})")
        for format in ("json", "md", "srt", "vtt", "docx", "pdf"):
            export_meeting(engine, meeting, format)  # warm: imports, font parsing
            start = time.perf_counter()
            size = len(export_meeting(engine, meeting, format).content)
            seconds = time.perf_counter() - start
            tracemalloc.start()  # a second run for memory: tracing slows everything down
            export_meeting(engine, meeting, format)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{format:>5}: {seconds:6.2f} s  {size / 1e6:6.2f} MB out  "
                  f"Python peak {peak / 1e6:6.1f} MB  process max RSS {rss:6.0f} MB")


if __name__ == "__main__":
    main()
