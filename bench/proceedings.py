"""The proceedings of council meetings (agenda items, votes, events) recognised from the
samples, against references written by hand (`bench/proceedings/*.json`).

    .venv/bin/python bench/proceedings.py                    # from the samples' scripts
    .venv/bin/python bench/proceedings.py --from-recordings  # as the default model hears them

Each reference names its sample (`samples/<name>.flac` and its script `samples/<name>.json`)
and lists agenda items as [item, bill], votes as [bill, method, result] (a method of null is
not compared: the script does not say how the vote was taken) and events by kind. Reported
per sample and in total: found / in the reference for each list, and what was found that
the reference does not hold (invented), counted as a multiset.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gijiroku.council.proceedings import Line, Proceedings, recognise  # noqa: E402

REFERENCES = Path(__file__).with_name("proceedings")


def keys(found: Proceedings, reference: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """What was found, in the reference's terms (a vote's method only where it gives one)."""
    methods = {(v[0], v[2]): v[1] for v in reference["votes"]}
    return {
        "agenda": [(a.item, a.bill) for a in found.agenda],
        "votes": [(v.bill, v.method if methods.get((v.bill, v.result)) else None, v.result)
                  for v in found.votes],
        "events": [(e.kind,) for e in found.events],
    }


def score(found: Proceedings, reference: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """Per list: (found, in the reference, invented)."""
    have = keys(found, reference)
    out = {}
    for name in ("agenda", "votes", "events"):
        want = Counter(tuple(x) if isinstance(x, list) else (x,) for x in reference[name])
        got = Counter(have[name])
        hit = sum((want & got).values())
        out[name] = (hit, sum(want.values()), sum((got - want).values()))
    return out


def from_script(name: str) -> list[Line]:
    script = json.loads((ROOT / "samples" / f"{name}.json").read_text(encoding="utf-8"))
    return [Line(n, line["speaker"], line["text"], line["start"], line["end"])
            for n, line in enumerate(script["lines"], start=1)]


def from_recording(name: str, folder: Path) -> list[Line]:
    from gijiroku.config import Settings
    from gijiroku.options import MeetingOptions
    from gijiroku.pipeline import Pipeline
    from gijiroku.recordings import accept_file
    from gijiroku.storage import open_database, repository, session_scope

    settings = Settings(data_dir=folder / name, llm_backend="off")
    engine = open_database(settings.resolved_database_url)
    accepted = accept_file(engine, settings.data_dir, ROOT / "samples" / f"{name}.flac",
                           title=name, options=MeetingOptions())
    Pipeline(engine, settings).run(accepted.job_id)
    with session_scope(engine) as session:
        meeting = repository.load_meeting(session, accepted.meeting_id, with_words=False)
    return [Line(s.id or 0, s.speaker, s.text, s.start, s.end) for s in meeting.segments]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-recordings", action="store_true",
                        help="process each sample with the default models first")
    parser.add_argument("--show", action="store_true", help="print what was found")
    args = parser.parse_args(argv)
    totals: dict[str, list[int]] = {name: [0, 0, 0] for name in ("agenda", "votes", "events")}
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(REFERENCES.glob("*.json")):
            reference = json.loads(path.read_text(encoding="utf-8"))
            name = reference["sample"]
            started = time.monotonic()
            lines = from_recording(name, Path(tmp)) if args.from_recordings \
                else from_script(name)
            found = recognise(lines)
            took = time.monotonic() - started
            scored = score(found, reference)
            print(f"{name}: " + ", ".join(
                f"{list_name} {hit}/{want} ({extra} invented)"
                for list_name, (hit, want, extra) in scored.items()) + f" ({took:.1f} s)")
            if args.show:
                for list_name, entries in keys(found, reference).items():
                    print(f"   {list_name}: {entries}")
            for list_name, counts in scored.items():
                totals[list_name] = [a + b for a, b in zip(totals[list_name], counts,
                                                           strict=True)]
    print("TOTAL: " + ", ".join(
        f"{name} {hit}/{want} ({100 * hit / max(want, 1):.0f} %, {extra} invented)"
        for name, (hit, want, extra) in totals.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
