"""Does giving the roster's names to Whisper lose speech? Sentence recall and error rate with
and without them.

    .venv/bin/python bench/roster_terms.py [--threads 2]

A meeting with a roster gets its members' names as recognition terms before the dictionary's
(gijiroku/stages/transcribe.py), within the same hotword budget. Terms can make Whisper skip
speech (README, "Nothing said is dropped silently"), so this transcribes each recording
twice with the completeness check on, as a meeting is: with the terms every meeting gets
(the built-in council terms for Japanese, none for English) and with the roster's names put
first, and prints the error rate (CER for Japanese, WER for English), sentences kept (at
least 60 % found, in order), the gaps left and how many times the members' names said in
the script were written right. The recordings: the roster cast (samples/cast, its own
roster.csv; nobody says a member's name in them, so this measures harm, not benefit), the
Japanese committee samples with the cast's Japanese names as their roster, and the plenary
sample with a roster of the members it names (「三番、木村誠議員」).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.asr import MODELS, recall, reference  # noqa: E402
from bench.metrics import error_rate  # noqa: E402
from gijiroku import audio  # noqa: E402
from gijiroku.dictionary import builtin_terms  # noqa: E402
from gijiroku.roster import term_language  # noqa: E402
from transcribe import ModelSpec, TranscriptionOptions, load_transcriber  # noqa: E402

CAST = ROOT / "samples" / "cast"
RECORDINGS = [*sorted(CAST.glob("c*.flac")),
              *(ROOT / "samples" / f"{name}.flac" for name in (
                  "committee-meeting-ja", "council-questions-ja", "waste-committee-ja",
                  "roads-committee-ja", "welfare-committee-ja", "council-plenary-ja"))]
#: The plenary's members as a roster would list them (the script says 「木村誠議員」,
#: 「石川隆之議員」, and only the family names 中川 and 森).
PLENARY_ROSTER = ["木村誠", "石川隆之", "中川裕子", "森正樹"]


def roster_names(path: Path) -> list[str]:
    if path.stem == "council-plenary-ja":
        return PLENARY_ROSTER
    with (CAST / "roster.csv").open(encoding="utf-8") as file:
        return [row["name"] for row in csv.DictReader(file)]


def roster_terms(path: Path, language: str) -> tuple[tuple[str, str], ...]:
    """The roster's names as the transcribe stage gives them (Japanese script: ja)."""
    terms = tuple((term_language(n), n) for n in roster_names(path))
    return tuple(t for t in terms if not t[0] or t[0] == language)


def names_written(path: Path, truth: str, text: str) -> str:
    """Names of the roster (or their family names, as said) in the script: how many of
    those mentions the text has."""
    said = written = 0
    for name in roster_names(path):
        japanese = term_language(name) == "ja"
        for form in dict.fromkeys([name, name[:2] if japanese else name.split()[-1]]):
            count = truth.count(form)
            if count:
                said += count
                written += min(count, text.count(form))
                break
    return f"{written}/{said}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print(f"{'recording':<22} {'terms':<14} {'error':>6}  {'sentences kept':>14}  gaps  names")
    for path in RECORDINGS:
        language = "ja" if path.stem.endswith("-ja") else "en"
        model = MODELS["base" if language == "ja" else "tiny.en"]
        whisper = load_transcriber(ModelSpec(model=model, device="cpu",
                                             cpu_threads=args.threads))
        with tempfile.TemporaryDirectory() as tmp:
            audio.decode(path, Path(tmp) / "a.f32")
            samples = np.array(audio.load(Path(tmp) / "a.f32"))
        usual = builtin_terms() if language == "ja" else ()
        truth = reference(path)
        for label, terms in (("usual", usual),
                             ("roster first", (*roster_terms(path, language), *usual))):
            result = whisper.transcribe(samples, TranscriptionOptions(
                language=language, completeness=True, terms=terms))
            text = ("" if language == "ja" else " ").join(s.text for s in result.segments)
            gaps = sum(1 for s in result.segments if s.gap)
            print(f"{path.stem:<22} {label:<14} {error_rate(language, truth, text):6.3f}  "
                  f"{recall(language, truth, text):>14}  {gaps:4d}  "
                  f"{names_written(path, truth, text)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
