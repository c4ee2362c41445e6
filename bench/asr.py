"""Accuracy, completeness and speed of speech recognition: tiny.en and the multilingual base,
bare faster-whisper against Gijiroku's transcriber and its whole pipeline.

    .venv/bin/python bench/asr.py                 # every sample, both models
    .venv/bin/python bench/asr.py --threads 4 --only council-questions-ja

Samples: the two committee meetings (the settings were tuned on them), two held-out
Japanese recordings, samples/council-questions-ja.flac and waste-committee-ja.flac (no
setting of the transcriber was chosen on them; the completeness check's `thin` rule was
then chosen on waste-committee-ja, and roads-committee-ja.flac made after it to test it),
and, when the test assets are there (`python -m tests.assets`), pyannote's telephone call
(.cache/assets, held out).

For each sample (English: WER; Japanese: CER, see bench/metrics.py) and model it prints the
error rate, sentence recall (sentences with at least 60 % of their characters found in
order, aligned by character in Japanese and by word in English, and the lowest share),
seconds and real-time factor (seconds of processing per second of audio) of:
- bare: faster-whisper alone, set to lose nothing (VAD, no conditioning on earlier text, no
  word timings while decoding), and with `word_timestamps=True` as scripts usually call it;
- transcriber: Gijiroku's transcriber alone, with and without hotwords (Japanese: the
  built-in council terms, as every Japanese meeting gets; English: a council word list) and
  with and without the completeness check, with the stretches it decoded again and the
  gaps it left, and the time the check added (a difference of two noisy times), then the
  check's own pass timed alone (the VAD over the recording and the search for stretches
  the text does not account for: all the check costs when nothing is suspect);
- pipeline: `gijiroku process` on the embedded defaults for that language (SQLite, speakers
  found, the dictionary's built-in terms and rules; models loaded beforehand, as a worker
  has them), timed from the recording to the stored lines with their speakers (minutes off:
  bench/minutes_eval.py measures the language model).
The English-only tiny.en has no Japanese row.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.metrics import error_rate, sentence_recall, sentences  # noqa: E402
from gijiroku import audio  # noqa: E402
from gijiroku.config import Settings  # noqa: E402
from gijiroku.dictionary import builtin_terms  # noqa: E402
from gijiroku.domain import Segment  # noqa: E402
from gijiroku.pipeline import Pipeline  # noqa: E402
from gijiroku.recordings import accept_file  # noqa: E402
from gijiroku.stages import preload  # noqa: E402
from gijiroku.storage import close_database, open_database, repository, session_scope  # noqa: E402
from transcribe import (  # noqa: E402
    EMBEDDED_ENGLISH,
    EMBEDDED_MULTILINGUAL,
    ModelSpec,
    TranscriptionOptions,
    load_transcriber,
)

SAMPLES = {"committee-meeting-en": ("en", ROOT / "samples" / "committee-meeting-en.flac"),
           "committee-meeting-ja": ("ja", ROOT / "samples" / "committee-meeting-ja.flac"),
           "council-questions-ja": ("ja", ROOT / "samples" / "council-questions-ja.flac"),
           "waste-committee-ja": ("ja", ROOT / "samples" / "waste-committee-ja.flac"),
           "roads-committee-ja": ("ja", ROOT / "samples" / "roads-committee-ja.flac"),
           "welfare-committee-ja": ("ja", ROOT / "samples" / "welfare-committee-ja.flac"),
           "pyannote-call-en": ("en", ROOT / ".cache" / "assets" / "pyannote-sample" /
                                "sample.wav")}
MODELS = {"tiny.en": EMBEDDED_ENGLISH, "base": EMBEDDED_MULTILINGUAL}
#: Hotwords for the English rows (the built-in terms are Japanese).
ENGLISH_HOTWORDS = "committee agenda adjourned motion"


def reference(sample: Path) -> str:
    """The sample's script (samples/*.json), or the call's transcript (an STM file)."""
    if sample.with_suffix(".json").is_file():
        script = json.loads(sample.with_suffix(".json").read_text(encoding="utf-8"))
        return " ".join(line["text"] for line in script["lines"])
    lines = sample.with_suffix(".stm").read_text(encoding="utf-8").splitlines()
    return " ".join(line.split(maxsplit=5)[5] for line in lines if len(line.split()) > 5)


def recall(language: str, truth: str, text: str) -> str:
    """Sentences kept (at least 60 % of them found) of all, and the lowest share."""
    said = sentences(language, truth)
    shares = sentence_recall(said, text, language)
    kept = sum(1 for share in shares if share >= 0.6)
    return f"{kept:>3}/{len(said):<3} {min(shares):4.2f}"


def transcriber(model: str, samples: np.ndarray, language: str, threads: int,
                hotwords: bool, check: bool) -> tuple[str, float, int, int, list[Segment]]:
    """Gijiroku's transcriber alone: (text, the faster of two runs' seconds, stretches
    decoded again, gaps, the lines)."""
    whisper = load_transcriber(ModelSpec(model=model, device="cpu", cpu_threads=threads))
    terms = builtin_terms()
    options = TranscriptionOptions(
        language=language, completeness=check,
        terms=terms if hotwords and language == "ja" else (),
        hotwords=ENGLISH_HOTWORDS if hotwords and language == "en" else None)
    elapsed = float("inf")
    for _ in range(2):  # the faster of two: the check's cost is a difference of two times
        started = time.perf_counter()
        result = whisper.transcribe(np.array(samples), options)
        elapsed = min(elapsed, time.perf_counter() - started)
    gaps = sum(1 for s in result.segments if s.gap)
    separator = "" if language == "ja" else " "
    return (separator.join(s.text for s in result.segments), elapsed, result.redecoded, gaps,
            result.segments)


def check_pass(samples: np.ndarray, language: str, segments: list[Segment]) -> float:
    """Seconds (the fastest of three) of the completeness check's own pass over lines
    decoded without it: where speech is, and which stretches the lines leave unexplained."""
    from transcribe import completeness

    fastest = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        completeness.suspects(completeness.speech_regions(np.array(samples)), segments,
                              language)
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


def bare(model: str, samples: np.ndarray, language: str, threads: int,
         word_timestamps: bool) -> tuple[str, float]:
    whisper = load_transcriber(ModelSpec(model=model, device="cpu", cpu_threads=threads)).model
    started = time.perf_counter()
    segments, _ = whisper.transcribe(
        np.array(samples), language=language, vad_filter=True, beam_size=5,
        condition_on_previous_text=False, word_timestamps=word_timestamps)
    text = " ".join(s.text for s in segments)
    return text, time.perf_counter() - started


def pipeline(model: str, sample: Path, language: str, threads: int,
             folder: Path) -> tuple[str, float]:
    settings = Settings(data_dir=folder / f"{model}-{sample.stem}".replace(":", "-"),
                        cpu_threads=threads, language=language, whisper_model=model,
                        llm_backend="off")
    engine = open_database(settings.resolved_database_url)
    accepted = accept_file(engine, settings.data_dir, sample)
    preload(settings)  # model loading is not processing: a worker loads them once
    started = time.perf_counter()
    Pipeline(engine, settings).run(accepted.job_id)
    elapsed = time.perf_counter() - started
    with session_scope(engine) as session:
        meeting = repository.load_meeting(session, accepted.meeting_id)
    close_database(settings.resolved_database_url)
    return " ".join(s.text for s in meeting.segments), elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", action="append", choices=list(SAMPLES),
                        help="this sample only (may be given more than once)")
    args = parser.parse_args()
    print(f"{args.threads} CPU threads, int8, beam 5")
    print(f"{'sample':<21} {'model':<8} {'run':<36} {'error':>9} {'sentences':>12} "
          f"{'seconds':>8} {'RTF':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (language, sample) in SAMPLES.items():
            if (args.only and name not in args.only) or not sample.is_file():
                continue
            decoded = Path(tmp) / f"{name}.f32"
            audio.decode(sample, decoded)
            samples = audio.load(decoded)
            duration = len(samples) / audio.SAMPLE_RATE
            truth = reference(sample)
            metric = "CER" if language == "ja" else "WER"
            for model_name, model in MODELS.items():
                if language != "en" and model == EMBEDDED_ENGLISH:
                    continue
                runs = [
                    ("bare", *bare(model, samples, language, args.threads, False)),
                    ("bare, word_timestamps=True",
                     *bare(model, samples, language, args.threads, True)),
                ]
                unchecked: dict[bool, float] = {}
                alone = 0.0
                for hotwords in (True, False):
                    for check in (False, True):
                        text, seconds, again, gaps, lines = transcriber(
                            model, samples, language, args.threads, hotwords, check)
                        if hotwords and not check:
                            alone = check_pass(samples, language, lines)
                        label = (f"transcriber, {'hotwords' if hotwords else 'none'}, "
                                 + (f"check ({again} again, {gaps} gaps)" if check
                                    else "no check"))
                        if check:
                            added = seconds - unchecked[hotwords]
                            label += f" +{100 * added / unchecked[hotwords]:.0f}%"
                        else:
                            unchecked[hotwords] = seconds
                        runs.append((label, text, seconds))
                runs.append(("pipeline (gijiroku process)",
                             *pipeline(model, sample, language, args.threads, Path(tmp))))
                for run, text, seconds in runs:
                    rate = error_rate(language, truth, text)
                    print(f"{name:<21} {model_name:<8} {run:<36} {metric} {rate:.3f} "
                          f"{recall(language, truth, text):>12} {seconds:8.1f} "
                          f"{seconds / duration:6.3f}", flush=True)
                print(f"{name:<21} {model_name:<8} the check's own pass: {alone:.2f} s, "
                      f"{100 * alone / unchecked[True]:.1f} % of the transcriber's time "
                      "without it", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
