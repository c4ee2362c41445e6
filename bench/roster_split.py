"""Speakers the diarizer merged, told apart by the roster's voiceprints
(`gijiroku.roster.split_merged`, run in the diarize stage when two people or more are
enrolled): speakers found, speech on the right speaker and names suggested, without and with
the split, on the meetings of samples/cast.

    .venv/bin/python bench/roster_split.py                 # the cast and its held-out set
    .venv/bin/python bench/roster_split.py --set held-out

People are enrolled as bench/voiceprints.py enrols them (each diarized speaker of the
enrolment meetings goes to the person who said most of its speech; roster people only),
with the product's encoder (CAM++) and threshold; the other meetings are diarized by the
starter diarizer with no speaker count, as a clerk who gives none gets them. Per meeting:

- speakers: the diarizer's speakers (with 2 s of speech or more) against the people who
  spoke;
- right: the share of the script's speech on the speaker paired with its person (speakers
  and people paired one to one for the most shared time: a merge and a split both cost);
- named: speakers suggested as their own person / as someone else (a false accept);
- seconds: embedding every turn, the split's own cost.

`--enrol diarized` takes the voiceprints from the enrolment meetings' diarized speakers
(a speaker the diarizer merged, confirmed as one person, gives that person a print of two
voices); `--enrol script` from each person's own lines (people kept apart where they were
enrolled, as a clerk who gave the count or corrected the speakers would enrol them).

The split's margin rule was set on c4-ja of the cast (two similar Japanese voices merged:
with prints from the script each turn leans to its own person by 0.01 to 0.17); the
held-out set has no merge of two enrolled people (its merges join an enrolled voice with a
stranger's), so there it can only show that nothing is split wrongly.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.voiceprints import SETS, _samples  # noqa: E402

MIN_SPEECH = 2.0  # seconds a diarized speaker needs to count as one


def _people(script: dict[str, Any]) -> set[str]:
    return {line["speaker"] for line in script["lines"]}


def _shared(turns: list[Any], script: dict[str, Any]) -> dict[tuple[str, str], float]:
    """Seconds each (diarized label, person of the script) share."""
    shared: dict[tuple[str, str], float] = defaultdict(float)
    for turn in turns:
        for line in script["lines"]:
            both = min(turn.end, line["end"]) - max(turn.start, line["start"])
            if both > 0:
                shared[(turn.label, line["speaker"])] += both
    return shared


def _owner(label: str, shared: dict[tuple[str, str], float]) -> str | None:
    said = Counter({who: s for (key, who), s in shared.items() if key == label})
    return said.most_common(1)[0][0] if said else None


def score(turns: list[Any], script: dict[str, Any], voices: dict[str, Any],
          prints: dict[int, np.ndarray], names: list[str], threshold: float
          ) -> dict[str, Any]:
    from scipy.optimize import linear_sum_assignment

    from gijiroku.roster import match_voices

    shared = _shared(turns, script)
    speech: Counter[str] = Counter()
    for turn in turns:
        speech[turn.label] += turn.end - turn.start
    labels = sorted(label for label, seconds in speech.items() if seconds >= MIN_SPEECH)
    people = sorted(_people(script))
    matrix = np.array([[shared.get((label, who), 0.0) for who in people] for label in labels])
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    total = sum(line["end"] - line["start"] for line in script["lines"])
    right = float(matrix[rows, cols].sum()) / total if total else 0.0
    named = wrong = 0
    for label, (person, _score) in match_voices(voices, prints, threshold).items():
        if names[person] == _owner(label, shared):
            named += 1
        else:
            wrong += 1
    return {"speakers": len(labels), "people": len(people), "right": right, "named": named,
            "wrong": wrong}


def run(which: str, enrolment: str) -> list[dict[str, Any]]:
    from diarize import DiarizerSpec
    from diarize.pyannote_backend import PyannoteDiarizer
    from diarize.voices import VoiceEncoder
    from gijiroku.config import Settings
    from gijiroku.domain import SpeakerTurn
    from gijiroku.models import starter_segmentation_path
    from gijiroku.roster import split_merged, threshold_for

    folder, enrol, match = SETS[which]
    roster = {line.split(",")[0] for line in
              (folder / "roster.csv").read_text(encoding="utf-8").splitlines()[1:] if line}
    diarizer = PyannoteDiarizer(DiarizerSpec(
        starter_segmentation=str(starter_segmentation_path()), device="cpu",
        embedding=Settings().speaker_embedding))
    encoder = VoiceEncoder("campplus")
    threshold = threshold_for(encoder.model_name, None)
    assert threshold is not None
    vectors: dict[str, list[np.ndarray]] = defaultdict(list)
    for name in enrol:
        path = folder / f"{name}.flac"
        script = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        samples = _samples(path)
        turns = (diarizer.diarize(samples) if enrolment == "diarized" else
                 [SpeakerTurn(line["start"], line["end"], line["speaker"])
                  for line in script["lines"]])
        shared = _shared(turns, script)
        for label, voice in encoder.voices(samples, turns).items():
            who = _owner(label, shared)
            if who in roster:
                vectors[who].append(np.asarray(voice.vector))
    names = sorted(vectors)
    prints = {}
    for index, who in enumerate(names):
        mean = np.mean(vectors[who], axis=0)
        prints[index] = mean / np.linalg.norm(mean)
    print(f"{which}: {len(names)} people enrolled from {', '.join(enrol)} ({enrolment})")
    rows = []
    for name in match:
        path = folder / f"{name}.flac"
        script = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        samples = _samples(path)
        turns = diarizer.diarize(samples)
        started = time.perf_counter()
        split, made = split_merged(turns, encoder.turn_vectors(samples, turns), prints,
                                   threshold)
        seconds = time.perf_counter() - started
        for view, these in (("unaided", turns), ("split by the roster", split)):
            row = score(these, script, encoder.voices(samples, these), prints, names,
                        threshold)
            row.update(meeting=name, view=view, made=made if these is split else 0,
                       seconds=seconds if these is split else 0.0,
                       duration=len(samples) / 16000)
            rows.append(row)
            print(f"{name:8} {view:20} speakers {row['speakers']}/{row['people']}  right "
                  f"{row['right']:.3f}  named {row['named']} (wrong {row['wrong']})"
                  + (f"  split {made}, {seconds:.1f} s for {row['duration']:.0f} s"
                     if these is split else ""), flush=True)
    return rows


def main() -> int:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=list(SETS), action="append")
    parser.add_argument("--enrol", choices=["diarized", "script"], action="append",
                        help="voiceprints from the diarized speakers (a merged speaker "
                             "confirmed as one person gives a print of two voices) or from "
                             "each person's lines by the script's times (people kept apart "
                             "where they were enrolled)")
    args = parser.parse_args()
    for which, enrolment in ((w, e) for w in args.set or list(SETS)
                             for e in args.enrol or ["diarized", "script"]):
        rows = run(which, enrolment)
        for view in ("unaided", "split by the roster"):
            mine = [r for r in rows if r["view"] == view]
            found = sum(r["speakers"] == r["people"] for r in mine)
            print(f"{which} ({enrolment}), {view}: every speaker found in {found}/"
                  f"{len(mine)} meetings, mean right "
                  f"{np.mean([r['right'] for r in mine]):.3f}, named "
                  f"{sum(r['named'] for r in mine)}, wrong {sum(r['wrong'] for r in mine)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
