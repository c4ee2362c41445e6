"""How well the review page's underlined (doubtful) words point at the transcript's errors.

    .venv/bin/python bench/doubtful.py              # every sample bench/asr.py knows
    .venv/bin/python bench/doubtful.py --more       # and the plenary and the cast's meetings
    .venv/bin/python bench/doubtful.py --show       # and each error and mark, word by word

Each sample is transcribed as a meeting is (the multilingual base for Japanese with the
built-in council terms, tiny.en for English; completeness check on), and its words are
compared with the reference (bench/metrics.word_errors): a word is an error when it is
wrong or extra, and a run of the reference the transcript lacks is one error too, marked
when a word beside it is. For each sample it prints errors, marks, recall (errors marked)
and precision (marks on an error), for:
- before: Whisper's probability under 0.5 alone, what the page underlined until now;
- each signal of transcribe.doubt on its own ("disputed": words marked only by the
  completeness check's second decoding);
- doubtful: the words the page underlines now.
Totals are per language, over the recordings the rule was chosen on and over those held
out. Chosen on: the committee meetings and council-questions-ja (the signals), the
plenary sample (the words listened for and the Japanese bar), the cast's c5-en and c6-en
(the English bar), and school-committee-ja and counter-meeting-ja (made after those
choices, measured once, then two rules written on what they showed). Held out:
waste-committee-ja, roads-committee-ja and welfare-committee-ja (made later; welfare after
an earlier rule's last change), the pyannote call, the cast's other meetings (c1-ja,
c3-ja, c4-ja, c2-en, h1-en to h3-en), which no choice of the marks looked at before they
were measured (2026-12-07), and stockpile-committee-ja and snow-meeting-ja, written before
the last two rules and measured once after them.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.asr import SAMPLES, reference  # noqa: E402
from bench.metrics import mark_scores, word_errors  # noqa: E402
from gijiroku import audio  # noqa: E402
from gijiroku.dictionary import builtin_terms, listen_for  # noqa: E402
from gijiroku.domain import Transcript, Word  # noqa: E402
from transcribe import (  # noqa: E402
    ModelSpec,
    TranscriptionOptions,
    doubt,
    embedded_model,
    load_transcriber,
)
from transcribe.whisper_backend import doubt_terms  # noqa: E402

TUNED = ("committee-meeting-en", "committee-meeting-ja", "council-questions-ja",
         "council-plenary-ja", "c5-en", "c6-en", "school-committee-ja", "counter-meeting-ja")
#: Recordings made for other benchmarks: (language, path) by name.
MORE = {name: ("ja", ROOT / "samples" / f"{name}.flac")
        for name in ("council-plenary-ja", "school-committee-ja", "counter-meeting-ja",
                     "stockpile-committee-ja", "snow-meeting-ja")} | {
    path.stem: (path.stem.rsplit("-", 1)[-1], path)
    for path in sorted((ROOT / "samples" / "cast").glob("**/*.flac"))}


def transcribe(language: str, sample: Path, threads: int, folder: Path) -> Transcript:
    decoded = folder / f"{sample.stem}.f32"
    audio.decode(sample, decoded)
    whisper = load_transcriber(ModelSpec(model=embedded_model(language), device="cpu",
                                         cpu_threads=threads))
    return whisper.transcribe(np.array(audio.load(decoded)), meeting_options(language))


def meeting_options(language: str) -> TranscriptionOptions:
    """What a meeting in `language` is transcribed with: the built-in terms and the words
    listened for."""
    return TranscriptionOptions(language=language, terms=builtin_terms(),
                                listen_for=listen_for())


def _group(name: str, language: str) -> str:
    return f"{language} {'tuned on' if name in TUNED else 'held out'}"


def score(wrong: list[bool], missing: list[tuple[int, int]], marked: list[bool]) -> str:
    errors, caught, marks, right = mark_scores(wrong, missing, marked)
    recall = caught / errors if errors else 1.0
    precision = right / marks if marks else 1.0
    return (f"{errors:>6} {marks:>6} {caught:>6} {recall:7.0%} {right:>6} "
            f"{precision:9.0%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--show", action="store_true", help="print every error and mark")
    parser.add_argument("--more", action="store_true",
                        help="also the plenary sample and the cast's meetings")
    parser.add_argument("--keep", type=Path, help="keep the transcripts in this file and "
                        "read them from it on later runs (to try rules without decoding)")
    args = parser.parse_args()
    kept: dict[str, Transcript] = {}
    if args.keep and args.keep.is_file():
        kept = pickle.loads(args.keep.read_bytes())
    totals: dict[tuple[bool, str], list[list[bool] | list[tuple[int, int]]]] = {}
    print(f"{'sample':<21} {'marks by':<12} {'errors':>6} {'marks':>6} {'caught':>6} "
          f"{'recall':>7} {'right':>6} {'precision':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        chosen = SAMPLES | MORE if args.more else SAMPLES
        for name, (language, sample) in chosen.items():
            if not sample.is_file():
                continue
            if name not in kept:
                kept[name] = transcribe(language, sample, args.threads, Path(tmp))
            transcript = kept[name]
            words: list[Word] = [w for s in transcript.segments for w in s.words]
            wrong, missing = word_errors(language, reference(sample), [w.text for w in words])
            terms = doubt_terms(meeting_options(language), language)
            found = [r for s in transcript.segments if s.words
                     for r in doubt.reasons(s.words, language, terms)]
            rows = {"before": [w.probability < 0.5 for w in words]}
            for signal in sorted(doubt.MARKING):
                rows[signal] = [signal in r for r in found]
            rows["disputed"] = [w.doubtful and not (r & doubt.MARKING)
                                for w, r in zip(words, found, strict=True)]
            rows["doubtful"] = [w.doubtful for w in words]
            for label, marked in rows.items():
                print(f"{name:<21} {label:<12} {score(wrong, missing, marked)}")
                group = totals.setdefault((_group(name, language), label), [[], [], []])
                offset = len(group[0])
                group[0] += wrong  # type: ignore[operator]
                group[1] += [(a + offset if a >= 0 else -1, b + offset if b >= 0 else -1)
                             for a, b in missing]  # type: ignore[operator]
                group[2] += marked  # type: ignore[operator]
            if args.show:
                for index, (word, bad, reasons) in enumerate(zip(words, wrong, found,
                                                                 strict=True)):
                    beside = any(index in pair for pair in missing)
                    if bad or beside or word.doubtful or reasons:
                        error = "ERROR" if bad else "hole " if beside else ""
                        mark = "DOUBTFUL" if word.doubtful else ""
                        print(f"    {word.text:<16} {error:<5} {mark:<8} "
                              f"p={word.probability:.2f} {','.join(sorted(reasons))}")
    for title in ("ja tuned on", "ja held out", "en tuned on", "en held out"):
        for label in rows:
            if (title, label) in totals:
                wrong, missing, marked = totals[(title, label)]
                print(f"{title:<21} {label:<12} {score(wrong, missing, marked)}")  # type: ignore[arg-type]
    if args.keep:
        args.keep.write_bytes(pickle.dumps(kept))
    return 0


if __name__ == "__main__":
    sys.exit(main())
