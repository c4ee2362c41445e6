"""Minutes evaluation against reference decisions and action items, on any LLM endpoint.

    .venv/bin/python bench/minutes_eval.py --base-url http://gpu-server:8000/v1 \
        --model Qwen/Qwen2.5-14B-Instruct [--folder bench/minutes_reference] [--from-recordings]

Each JSON file in the folder holds a meeting's transcript (`segments` with ids, times,
speakers), its `speakers`, `title`, `date`, `language`, and a `reference` with the decisions
and action items a clerk would write. With `--from-recordings`, files that name a
`recording` are processed by the whole pipeline first (speech recognition and diarization),
and items are then matched by their text alone.

Reported per meeting and in total: reference items found (a produced item of the same kind
matches it), produced items that match no reference item, and citations that point at a
segment that exists.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gijiroku.domain import Meeting, Minutes, Segment, Speaker  # noqa: E402
from gijiroku.stages.minutes import build_request  # noqa: E402
from summarize import LLMConfig, load_template  # noqa: E402
from summarize.checks import checked_minutes  # noqa: E402
from summarize.writer import OpenAIMinutesWriter  # noqa: E402

MATCH = 0.5  # text similarity at which a produced item counts as the reference item


@dataclass
class Score:
    reference: int = 0
    found: int = 0
    produced: int = 0
    unmatched: int = 0
    citations: int = 0
    valid_citations: int = 0

    def add(self, other: Score) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def tokens(text: str) -> set[str]:
    """Words for spaced languages; character pairs for Japanese (no spaces to split on)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    words = re.findall(r"[a-z0-9]+", text)
    cjk = re.sub(r"[^\u3040-\u30ff\u4e00-\u9fff]", "", text)
    return set(words) | {cjk[i : i + 2] for i in range(len(cjk) - 1)}


def similarity(a: str, b: str) -> float:
    left, right = tokens(a), tokens(b)
    if not left or not right:
        return 0.0
    common = len(left & right)
    return 2 * common / (len(left) + len(right))


def score_items(produced: list[str], reference: list[str]) -> tuple[int, int]:
    """(reference items found, produced items matching no reference item)."""
    found = sum(1 for ref in reference if any(similarity(ref, p) >= MATCH for p in produced))
    unmatched = sum(1 for p in produced if all(similarity(ref, p) < MATCH for ref in reference))
    return found, unmatched


def evaluate(minutes: Minutes, reference: dict[str, Any]) -> Score:
    decisions = [d.text for d in minutes.decisions]
    actions = [a.task for a in minutes.action_items]
    found_d, extra_d = score_items(decisions, [d["text"] for d in reference["decisions"]])
    found_a, extra_a = score_items(actions, [a["task"] for a in reference["action_items"]])
    kept = sum(len(d.segments) for d in minutes.decisions) + sum(
        len(a.segments) for a in minutes.action_items
    )
    return Score(
        reference=len(reference["decisions"]) + len(reference["action_items"]),
        found=found_d + found_a,
        produced=len(decisions) + len(actions),
        unmatched=extra_d + extra_a,
        citations=kept + minutes.dropped_citations,
        valid_citations=kept,
    )


def meeting_from_file(data: dict[str, Any]) -> Meeting:
    return Meeting(
        id="eval", title=data["title"], status="done", language=data["language"],
        duration=max((s["end"] for s in data["segments"]), default=0.0),
        speakers=[Speaker(s["id"], s["id"], s.get("name")) for s in data["speakers"]],
        segments=[Segment(s["start"], s["end"], s["text"], speaker=s["speaker"], id=s["id"])
                  for s in data["segments"]],
    )


def meeting_from_recording(path: Path, data: dict[str, Any]) -> Meeting:
    """Run decoding, transcription and diarization on the recording (no minutes yet)."""
    from gijiroku.config import Settings
    from gijiroku.pipeline import Pipeline
    from gijiroku.recordings import accept_file
    from gijiroku.stages import DecodeStage, DiarizeStage, TranscribeStage
    from gijiroku.storage import open_database, repository, session_scope

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        engine = open_database(settings.resolved_database_url)
        accepted = accept_file(engine, settings.data_dir, path, title=data["title"])
        Pipeline(engine, settings, [DecodeStage(), TranscribeStage(), DiarizeStage()]).run(
            accepted.job_id
        )
        with session_scope(engine) as session:
            return repository.load_meeting(session, accepted.meeting_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--api-key")
    parser.add_argument("--context-tokens", type=int, default=8192)
    parser.add_argument(
        "--folder", type=Path, default=Path(__file__).with_name("minutes_reference")
    )
    parser.add_argument("--from-recordings", action="store_true")
    args = parser.parse_args(argv)
    config = LLMConfig(base_url=args.base_url, api_key=args.api_key, model=args.model,
                       context_tokens=args.context_tokens)
    writer = OpenAIMinutesWriter(config)
    total = Score()
    for path in sorted(args.folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if args.from_recordings and data.get("recording"):
            meeting = meeting_from_recording((path.parent / data["recording"]).resolve(), data)
        else:
            meeting = meeting_from_file(data)
        template = load_template(None, meeting.language or "en")
        request = build_request(meeting, template, data.get("date"))
        out, usage = writer.write(request)
        minutes = checked_minutes(out, request, {s.id: s.name for s in meeting.speakers})
        score = evaluate(minutes, data["reference"])
        total.add(score)
        print(f"{path.name}: found {score.found}/{score.reference} reference items, "
              f"{score.unmatched}/{score.produced} produced items match none, "
              f"{score.valid_citations}/{score.citations} citations valid "
              f"({usage.calls} calls)")
    if total.reference:
        print(f"TOTAL: found {total.found}/{total.reference} "
              f"({100 * total.found / total.reference:.0f} %), "
              f"unmatched {total.unmatched}/{total.produced}, "
              f"valid citations {total.valid_citations}/{total.citations}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
