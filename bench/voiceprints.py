"""Speaker identification against the roster: accuracy and false accepts by threshold, for
each speaker embedding, and the time to match a meeting against a roster of 50 people.

    .venv/bin/python bench/voiceprints.py
    .venv/bin/python bench/voiceprints.py --model campplus --thresholds 0.6 0.7

The cast of samples/cast (`--set cast`, the default; the thresholds were chosen on it):
people are enrolled from `c1-ja` and `c2-en` (each diarized
speaker's voice goes to the person who said most of its speech, as a clerk confirming it
would), then the four other meetings are diarized and matched. Per threshold:

- identified: speakers whose person is enrolled and who got that person suggested, out of
  all such speakers;
- false accepts: speakers suggested as someone they are not (a voice not on the roster given
  a name, or one member taken for another), out of all speakers matched;
- missed: enrolled people left unnamed.

`--set held-out` scores samples/cast/held-out, made after the thresholds were chosen: other
voices, people enrolled from `h1-en`, matched in `h2-en` and `h3-en`. `--set real` scores
samples/cast/real, real people's voices (LibriSpeech readers): the seven readers of `r1` and
`r2` enrolled, `r3` to `r12` matched (three readers and four visitors are not enrolled).

Two views: `diarized` (each speaker the diarizer found, embedded from its turns: what the
product does) and `oracle` (each person's lines embedded from the script's times: the
encoder alone, without the diarizer's mistakes). A false accept costs more than a miss: the
threshold to choose is the lowest at which no false accept happens, with room above the
highest impostor score.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
#: Each set: its folder, the meetings people are enrolled from, the meetings matched.
SETS = {
    "cast": (ROOT / "samples" / "cast", ("c1-ja", "c2-en"),
             ("c3-ja", "c4-ja", "c5-en", "c6-en")),
    "held-out": (ROOT / "samples" / "cast" / "held-out", ("h1-en",), ("h2-en", "h3-en")),
    # real people's voices (LibriSpeech readers): seven readers enrolled from r1 and r2, the
    # three others and the visitors of r3 to r12 are not on the roster
    "real": (ROOT / "samples" / "cast" / "real", ("r1", "r2"),
             tuple(f"r{n}" for n in range(3, 13))),
}
CAST, ENROL, MATCH = SETS["cast"]
DEFAULT_THRESHOLDS = [0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.93, 0.95]

Voices = dict[str, tuple[str, Any]]  # speaker -> (true person, gijiroku.domain.Voice)


def roster_names() -> set[str]:
    """The set's roster: its roster.csv, or (the real set) everyone of the enrolment meetings."""
    if not (CAST / "roster.csv").is_file():
        return {line["speaker"] for name in ENROL for line in json.loads(
            (CAST / f"{name}.json").read_text(encoding="utf-8"))["lines"]}
    lines = (CAST / "roster.csv").read_text(encoding="utf-8").splitlines()[1:]
    return {line.split(",")[0] for line in lines if line.strip()}


def _samples(path: Path) -> np.ndarray:
    from gijiroku import audio

    with tempfile.TemporaryDirectory() as tmp:
        audio.decode(path, Path(tmp) / "a.f32")
        return np.array(audio.load(Path(tmp) / "a.f32"))


def diarized(embedding: str, model: str) -> dict[str, Voices]:
    """Each meeting's speakers as the starter diarizer (with `embedding`) finds them, their
    voices embedded by `model` from their turns, each named by who said most."""
    from diarize import DiarizerSpec
    from diarize.pyannote_backend import PyannoteDiarizer
    from diarize.voices import VoiceEncoder
    from gijiroku.models import starter_segmentation_path

    diarizer = PyannoteDiarizer(DiarizerSpec(
        starter_segmentation=str(starter_segmentation_path()), device="cpu",
        embedding=embedding))
    encoder = VoiceEncoder(model)
    found: dict[str, Voices] = {}
    for name in (*ENROL, *MATCH):
        path = CAST / f"{name}.flac"
        script = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        samples = _samples(path)
        turns = diarizer.diarize(samples)
        voices: Voices = {}
        for label, voice in encoder.voices(samples, turns).items():
            overlap: Counter[str] = Counter()
            for turn in (t for t in turns if t.label == label):
                for line in script["lines"]:
                    shared = min(turn.end, line["end"]) - max(turn.start, line["start"])
                    if shared > 0:
                        overlap[line["speaker"]] += shared
            if overlap:
                voices[label] = (overlap.most_common(1)[0][0], voice)
        people = {line["speaker"] for line in script["lines"]}
        lost = people - {who for who, _ in voices.values()}
        print(f"  {embedding} diarizer, {model} voices, {name}: {len(voices)} of "
              f"{len(people)} voices found"
              + (f" (merged away: {', '.join(sorted(lost))})" if lost else ""),
              file=sys.stderr, flush=True)
        found[name] = voices
    return found


def oracle(model: str) -> dict[str, Voices]:
    """Each person's voice embedded from the script's times (no diarizer's mistakes)."""
    from diarize.voices import VoiceEncoder
    from gijiroku.domain import SpeakerTurn

    encoder = VoiceEncoder(model)
    found: dict[str, Voices] = {}
    for name in (*ENROL, *MATCH):
        path = CAST / f"{name}.flac"
        script = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        turns = [SpeakerTurn(line["start"], line["end"], line["speaker"])
                 for line in script["lines"]]
        found[name] = {who: (who, voice)
                       for who, voice in encoder.voices(_samples(path), turns).items()}
    return found


def score(found: dict[str, Voices], thresholds: list[float],
          check_agreement: bool = True) -> list[dict[str, Any]]:
    """Identified, false accepts and misses per threshold; with `check_agreement` as the
    product matches (a speaker's own stretches must agree with the person), else by the
    mean voice alone."""
    from gijiroku.roster import agreement, best_matches, match_voices

    on_roster = roster_names()
    prints: dict[str, list[np.ndarray]] = defaultdict(list)
    for name in ENROL:
        for who, voice in found[name].values():
            if who in on_roster:
                prints[who].append(np.asarray(voice.vector))
    people = sorted(prints)
    index = {who: i for i, who in enumerate(people)}
    centroids = {}
    for who, vectors in prints.items():
        mean = np.mean(vectors, axis=0)
        centroids[index[who]] = mean / np.linalg.norm(mean)
    genuine, impostor = [], []
    for name in MATCH:
        for who, voice in found[name].values():
            for person, centroid in centroids.items():
                (genuine if people[person] == who else impostor).append(
                    (float(np.asarray(voice.vector) @ centroid), person, voice))
    rows = []
    for threshold in thresholds:
        right = wrong = missed = enrolled = speakers = 0
        for name in MATCH:
            voices = {key: voice for key, (_who, voice) in found[name].items()}
            matched = (match_voices(voices, centroids, threshold) if check_agreement else
                       best_matches({k: np.asarray(v.vector) for k, v in voices.items()},
                                    centroids, threshold))
            for key, (who, _voice) in found[name].items():
                speakers += 1
                known = who in prints
                enrolled += known
                got = matched.get(key)
                if got is None:
                    missed += known
                elif people[got[0]] == who:
                    right += 1
                else:
                    wrong += 1
        rows.append({"threshold": threshold, "identified": right, "enrolled": enrolled,
                     "false_accepts": wrong, "speakers": speakers, "missed": missed})
    if check_agreement:
        top = max(genuine, key=lambda g: g[0])
        low = min(genuine, key=lambda g: g[0])
        worst = max(impostor, key=lambda g: g[0])
        print(f"    genuine scores {low[0]:.3f}-{top[0]:.3f}, impostor scores "
              f"{min(i[0] for i in impostor):.3f}-{worst[0]:.3f}")
        at = 0.85
        print(f"    stretches agreeing at {at}: genuine "
              + " ".join(f"{agreement(v, centroids[p], at):.2f}"
                         for score_, p, v in sorted(genuine, key=lambda g: g[0]))
              + "; impostors scoring over 0.75: "
              + " ".join(f"{score_:.2f}→{agreement(v, centroids[p], at):.2f}"
                         for score_, p, v in impostor if score_ > 0.75))
    return rows


def match_time(people: int = 50, prints_each: int = 3, speakers: int = 6) -> float:
    """Seconds to match a stored meeting's speakers against `people` with voiceprints."""
    from gijiroku.domain import Speaker, Voice
    from gijiroku.roster import suggest
    from gijiroku.storage import open_database, repository, session_scope
    from gijiroku.storage.tables import PersonRow, VoiceprintRow

    rng = np.random.default_rng(5)
    model = "bench:random-192"

    def unit() -> list[float]:
        v = rng.normal(size=192)
        return list(v / np.linalg.norm(v))

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(f"sqlite:///{tmp}/bench.db")
        with session_scope(engine) as session:
            for number in range(people):
                person = PersonRow(name=f"person {number}")
                session.add(person)
                session.flush()
                assert person.id is not None
                for _ in range(prints_each):
                    session.add(VoiceprintRow(person_id=person.id, model=model, vector=unit(),
                                              seconds=10.0))
            meeting = repository.create_meeting(session, title="bench", source_name="x.wav",
                                                source_path="x.wav", content_hash="0")
            repository.save_speakers(session, meeting_id=meeting.id, speakers=[
                Speaker(f"S{i + 1}", f"SPEAKER_{i:02d}",
                        voice=Voice(tuple(unit()), model, 10.0)) for i in range(speakers)])
            meeting_id = meeting.id
        started = time.perf_counter()
        runs = 20
        for _ in range(runs):
            with session_scope(engine) as session:
                suggest(session, meeting_id, 0.5)
        elapsed = (time.perf_counter() - started) / runs
        engine.dispose()
    return elapsed


def main() -> int:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", nargs="+", default=["campplus", "resemblyzer"],
                        choices=["campplus", "resemblyzer"], help="voiceprint encoders")
    parser.add_argument("--diarizer-embedding", default=None,
                        choices=["campplus", "resemblyzer"],
                        help="the starter diarizer's embedding (default: the setting's)")
    parser.add_argument("--thresholds", type=float, nargs="+", default=DEFAULT_THRESHOLDS)
    parser.add_argument("--set", choices=list(SETS), default="cast")
    args = parser.parse_args()
    global CAST, ENROL, MATCH
    CAST, ENROL, MATCH = SETS[args.set]
    from gijiroku.config import Settings

    embedding = args.diarizer_embedding or Settings().speaker_embedding
    for model in args.model:
        for view, found in (("diarized", diarized(embedding, model)), ("oracle", oracle(model))):
            print(f"\n{model} voiceprints, {view} turns: enrolled from {', '.join(ENROL)}, "
                  f"matched in {', '.join(MATCH)}")
            plain = {r["threshold"]: r for r in score(found, args.thresholds, False)}
            rows = score(found, args.thresholds)
            print("threshold  identified        false accepts  missed   (mean voice alone: "
                  "identified, false accepts)")
            for row in rows:
                alone = plain[row["threshold"]]
                print(f"{row['threshold']:9.2f}  {row['identified']:2d}/{row['enrolled']:2d} "
                      f"({row['identified'] / max(row['enrolled'], 1):5.1%})  "
                      f"{row['false_accepts']:2d}/{row['speakers']:2d} "
                      f"({row['false_accepts'] / max(row['speakers'], 1):5.1%})  "
                      f"{row['missed']:6d}   ({alone['identified']}/{alone['enrolled']}, "
                      f"{alone['false_accepts']}/{alone['speakers']})", flush=True)
    seconds = match_time()
    print(f"\nmatching one meeting (6 speakers) against a roster of 50 people with 3 "
          f"voiceprints each (SQLite): {1000 * seconds:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
