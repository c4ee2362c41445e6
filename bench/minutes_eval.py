"""Minutes evaluation against reference decisions and action items, on any LLM endpoint.

    .venv/bin/python bench/minutes_eval.py                      # the embedded model
    .venv/bin/python bench/minutes_eval.py --model-file other.gguf --long-minutes 60
    .venv/bin/python bench/minutes_eval.py --base-url http://gpu-server:8000/v1 \
        --model Qwen/Qwen2.5-14B-Instruct [--folder bench/minutes_reference] [--from-recordings]

Without --base-url the embedded llama.cpp server runs the embedded model (or --model-file)
on --threads CPU threads, as a worker would. --long-minutes N also times the minutes of a
transcript of about N minutes (the reference meetings repeated, ids and times continued).
--rules-only scores the stepwise method's items without starting a model (they do not
depend on it unless --restate); --show prints each item, matched or not.

Each JSON file in the folder holds a meeting's transcript (`segments` with ids, times,
speakers), its `speakers`, `title`, `date`, `language`, and a `reference` with the decisions
and action items a clerk would write. With `--from-recordings`, files that name a
`recording` are processed by the whole pipeline first (speech recognition and diarization),
and items are then matched by their text alone.

Reported per meeting, per language and in total: reference items found (a produced item of
the same kind matches it) and, whatever the wording, found at their line (an item of the
same kind cites the line the reference item is stated in), produced items that match no
reference item, produced items whose
cited lines carry them (at least half of the item's words, or character pairs in Japanese,
are in those lines), duplicates (an item that repeats another, of either kind), decisions
that are a question, a greeting or an agenda announcement copied from the transcript, and
seconds per meeting. Citations of segments that do not exist are dropped by the checks and
counted as invalid.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gijiroku.config import Settings  # noqa: E402
from gijiroku.domain import Meeting, Minutes, Segment, Speaker  # noqa: E402
from gijiroku.stages.minutes import backend, build_request  # noqa: E402
from summarize import MinutesRequest, MinutesWriter, Usage, load_template  # noqa: E402
from summarize.checks import checked_minutes  # noqa: E402
from summarize.cues import JA_MOTION, JA_PUTS_STATED, SENTENCE  # noqa: E402
from summarize.embedded import default_model_path  # noqa: E402
from summarize.grounding import (  # noqa: E402
    CARRIED,
    containment,
    not_a_decision,
    similarity,
)
from summarize.schema import MinutesOut  # noqa: E402
from summarize.stepwise import StepwiseMinutesWriter, as_minutes, found_items  # noqa: E402
from summarize.writer import OpenAIMinutesWriter  # noqa: E402

MATCH = 0.5  # text similarity at which a produced item counts as the reference item


@dataclass
class Score:
    meetings: int = 0
    seconds: float = 0.0
    reference: int = 0
    found: int = 0
    produced: int = 0
    unmatched: int = 0
    carried: int = 0
    duplicates: int = 0
    not_decisions: int = 0
    citations: int = 0
    valid_citations: int = 0
    at_line: int = 0  # reference items whose line an item of their kind cites

    def add(self, other: Score) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def score_items(produced: list[str], reference: list[str]) -> tuple[int, int]:
    """(reference items found, produced items matching no reference item)."""
    found = sum(1 for ref in reference if any(similarity(ref, p) >= MATCH for p in produced))
    unmatched = sum(1 for p in produced if all(similarity(ref, p) < MATCH for ref in reference))
    return found, unmatched


def at_their_line(minutes: Minutes, reference: dict[str, Any]) -> int:
    """Reference items the minutes found whatever their wording: an item of the same kind
    cites the line the reference item is stated in (its last line)."""
    cited = {"decisions": {n for d in minutes.decisions for n in d.segments},
             "action_items": {n for a in minutes.action_items for n in a.segments}}
    return sum(1 for kind, lines in cited.items() for item in reference[kind]
               if item["segments"] and item["segments"][-1] in lines)


def evaluate(minutes: Minutes, reference: dict[str, Any],
             segments: dict[int, str] | None = None, by_line: bool = True) -> Score:
    """How `minutes` compare with the `reference` of a meeting whose lines are `segments`
    (number -> text); `by_line`: the lines are the reference's own (not a recording's, whose
    lines are numbered as the recogniser cut them)."""
    segments = segments or {}
    items = [(d.text, d.segments) for d in minutes.decisions] + [
        (a.task, a.segments) for a in minutes.action_items]
    carried = sum(1 for text, cited in items if containment(
        text, " ".join(segments.get(n, "") for n in cited)) >= CARRIED)
    duplicates = sum(1 for i, (text, _) in enumerate(items)
                     if any(similarity(text, other) >= MATCH for other, _ in items[:i]))
    # (a motion's content stated as the decision is no copy: 「〜でよろしいですか」 is a
    # motion, as is the chair's 「〜、ということでいいですか」)
    copied = sum(1 for d in minutes.decisions for line in segments.values()
                 if not_a_decision(line) and not JA_MOTION.search(line)
                 and not any(JA_PUTS_STATED.search(s) for s in SENTENCE.split(line))
                 and similarity(d.text, line) >= 0.7)
    decisions = [d.text for d in minutes.decisions]
    actions = [a.task for a in minutes.action_items]
    found_d, extra_d = score_items(decisions, [d["text"] for d in reference["decisions"]])
    found_a, extra_a = score_items(actions, [a["task"] for a in reference["action_items"]])
    kept = sum(len(d.segments) for d in minutes.decisions) + sum(
        len(a.segments) for a in minutes.action_items
    )
    return Score(
        meetings=1, carried=carried, duplicates=duplicates, not_decisions=copied,
        reference=len(reference["decisions"]) + len(reference["action_items"]),
        found=found_d + found_a,
        produced=len(decisions) + len(actions),
        unmatched=extra_d + extra_a,
        citations=kept + minutes.dropped_citations,
        valid_citations=kept,
        at_line=at_their_line(minutes, reference) if by_line else 0,
    )


def print_totals(totals: dict[str, Score]) -> None:
    """A line per language, then the total."""
    for key, total in sorted(totals.items(), key=lambda kv: kv[0] == "TOTAL"):
        found = f"{100 * total.found / total.reference:.0f} %" if total.reference else "-"
        print(f"{key}: found {total.found}/{total.reference} ({found}; "
              f"{total.at_line} at their line), "
              f"unmatched {total.unmatched}/{total.produced}, "
              f"carried {total.carried}/{total.produced}, duplicates {total.duplicates}, "
              f"copied non-decisions {total.not_decisions}, "
              f"valid citations {total.valid_citations}/{total.citations}, "
              f"{total.seconds / max(total.meetings, 1):.1f} s per meeting")


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


def long_meeting(meetings: list[Meeting], minutes: float) -> Meeting:
    """About `minutes` of transcript: the meetings' lines over and over, renumbered and
    shifted in time, as one meeting (in the first one's language)."""
    segments: list[Segment] = []
    offset = 0.0
    while offset < minutes * 60:
        for meeting in meetings:
            for s in meeting.segments:
                segments.append(Segment(s.start + offset, s.end + offset, s.text,
                                        speaker=s.speaker, id=len(segments) + 1))
            offset += meeting.duration or 0.0
    first = meetings[0]
    return Meeting(id="long", title=first.title, status="done", language=first.language,
                   duration=offset, speakers=first.speakers, segments=segments)


class RulesOnly:
    """The stepwise method's items without a model (and so without a summary)."""

    def write(self, request: MinutesRequest, progress: Any = None) -> tuple[MinutesOut, Usage]:
        return as_minutes(found_items(request)), Usage()


def show(minutes: Minutes, reference: dict[str, Any]) -> None:
    """Every produced item (+ matches a reference item, - matches none) and every missed
    reference item (!), decisions then action items."""
    for kind, produced, wanted in (
        ("decision", [d.text for d in minutes.decisions],
         [d["text"] for d in reference.get("decisions", [])]),
        ("action", [a.task for a in minutes.action_items],
         [a["task"] for a in reference.get("action_items", [])]),
    ):
        for text in produced:
            mark = "+" if any(similarity(ref, text) >= MATCH for ref in wanted) else "-"
            print(f"   {mark} {kind}: {text}")
        for ref in wanted:
            if not any(similarity(ref, text) >= MATCH for text in produced):
                print(f"   ! {kind}: {ref}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="an OpenAI-compatible server (default: embedded)")
    parser.add_argument("--model", help="the model's name on that server")
    parser.add_argument("--api-key")
    parser.add_argument("--model-file", type=Path, default=default_model_path(),
                        help="the embedded server's GGUF model")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--context-tokens", type=int)
    parser.add_argument("--max-output-tokens", type=int)
    parser.add_argument(
        "--folder", type=Path, default=Path(__file__).with_name("minutes_reference")
    )
    parser.add_argument("--from-recordings", action="store_true")
    parser.add_argument("--long-minutes", type=float, default=0.0)
    parser.add_argument("--method", choices=["stepwise", "compose"], default="stepwise",
                        help="stepwise (the default): items found from the meeting's words, "
                        "stated by the model; compose: the whole minutes in one answer")
    parser.add_argument("--rules-only", action="store_true",
                        help="stepwise items without the model (no summary): the items are "
                        "the same as with it unless --restate; seconds are the rules' only")
    parser.add_argument("--show", action="store_true",
                        help="print every produced item and every reference item missed")
    parser.add_argument("--restate", action="store_true",
                        help="stepwise with the model restating each item "
                        "(GIJIROKU_MINUTES_RESTATE): what the model adds")
    args = parser.parse_args(argv)
    if args.base_url and not args.model:
        parser.error("--model names the model on the server given by --base-url")
    if args.rules_only and (args.method != "stepwise" or args.restate or args.long_minutes):
        parser.error("--rules-only is the stepwise method's items alone")
    # the backend the minutes stage would use with these settings (embedded: started here)
    settings = Settings(
        llm_backend="openai" if args.base_url else "embedded", llm_base_url=args.base_url,
        llm_model=args.model, llm_api_key=args.api_key, llm_model_file=args.model_file,
        llm_threads=args.threads, llm_context_tokens=args.context_tokens,
        llm_max_output_tokens=args.max_output_tokens,
    )
    writer: MinutesWriter = RulesOnly()
    if not args.rules_only:
        started = time.monotonic()
        chosen = backend(settings)
        assert chosen is not None
        config = chosen.config
        if not args.base_url:
            print(f"embedded {config.model} ({args.model_file.name}), {args.threads} "
                  f"threads, context {config.context_tokens}: started in "
                  f"{time.monotonic() - started:.1f} s")
        writer = (
            OpenAIMinutesWriter(config, count_tokens=chosen.count_tokens)
            if args.method == "compose" else
            StepwiseMinutesWriter(config, count_tokens=chosen.count_tokens,
                                  state=args.restate))
    print(f"method: {args.method}{' with the model restating items' if args.restate else ''}"
          f"{' (items only, no model)' if args.rules_only else ''}")
    totals: dict[str, Score] = {}
    meetings: list[Meeting] = []
    for path in sorted(args.folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if args.from_recordings and data.get("recording"):
            meeting = meeting_from_recording((path.parent / data["recording"]).resolve(), data)
        else:
            meeting = meeting_from_file(data)
        meetings.append(meeting)
        template = load_template(None, meeting.language or "en")
        request = build_request(meeting, template, data.get("date"))
        started = time.monotonic()
        out, usage = writer.write(request)
        took = time.monotonic() - started
        minutes = checked_minutes(out, request, {s.id: s.name for s in meeting.speakers})
        lines = {s.id: s.text for s in meeting.segments if s.id is not None}
        score = evaluate(minutes, data["reference"], lines,
                         by_line=not (args.from_recordings and data.get("recording")))
        if args.show:
            show(minutes, data["reference"])
        score.seconds = took
        for key in (meeting.language or "?", "TOTAL"):
            totals.setdefault(key, Score()).add(score)
        print(f"{path.name}: found {score.found}/{score.reference} reference items, "
              f"{score.unmatched}/{score.produced} produced items match none, "
              f"{score.carried}/{score.produced} carried by their lines, "
              f"{score.duplicates} duplicates, {score.not_decisions} copied non-decisions, "
              f"{score.valid_citations}/{score.citations} citations valid "
              f"({usage.calls} calls, {took:.1f} s)")
    print_totals(totals)
    for language in sorted({m.language for m in meetings} if args.long_minutes else []):
        same = [m for m in meetings if m.language == language]
        long = long_meeting(same, args.long_minutes)
        request = build_request(long, load_template(None, language or "en"), None)
        started = time.monotonic()
        out, usage = writer.write(request)
        took = time.monotonic() - started
        print(f"long {language}: {len(long.segments)} lines, {(long.duration or 0) / 60:.0f} "
              f"min of transcript, {sum(len(s.text) for s in long.segments)} characters: "
              f"{took:.0f} s ({usage.chunks} parts, {usage.calls} calls), "
              f"{len(out.decisions)} decisions, {len(out.action_items)} action items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
