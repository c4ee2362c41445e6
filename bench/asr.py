"""Accuracy and speed of speech recognition on the bundled samples: tiny.en and the
multilingual base, bare faster-whisper against Gijiroku's pipeline.

    .venv/bin/python bench/asr.py                 # both samples, both models
    .venv/bin/python bench/asr.py --threads 4

For each sample (English: WER; Japanese: CER, see bench/metrics.py) and model it prints:
- bare: faster-whisper alone on the decoded samples, set to lose nothing (VAD, no
  conditioning on earlier text, no word timings while decoding), and also with
  `word_timestamps=True` as scripts usually call it;
- pipeline: `gijiroku process` on the embedded defaults for that language (SQLite, speakers
  found, the dictionary's built-in terms and rules; models loaded beforehand, as a worker
  has them), timed from the recording to the stored lines, with the real-time factor
  (seconds of processing per second of audio).
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

from bench.metrics import error_rate  # noqa: E402
from gijiroku import audio  # noqa: E402
from gijiroku.config import Settings  # noqa: E402
from gijiroku.pipeline import Pipeline  # noqa: E402
from gijiroku.recordings import accept_file  # noqa: E402
from gijiroku.stages import preload  # noqa: E402
from gijiroku.storage import close_database, open_database, repository, session_scope  # noqa: E402
from transcribe import (  # noqa: E402
    EMBEDDED_ENGLISH,
    EMBEDDED_MULTILINGUAL,
    ModelSpec,
    load_transcriber,
)

SAMPLES = {"en": ROOT / "samples" / "committee-meeting-en.flac",
           "ja": ROOT / "samples" / "committee-meeting-ja.flac"}
MODELS = {"tiny.en": EMBEDDED_ENGLISH, "base": EMBEDDED_MULTILINGUAL}


def reference(sample: Path) -> str:
    script = json.loads(sample.with_suffix(".json").read_text(encoding="utf-8"))
    return " ".join(line["text"] for line in script["lines"])


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
    settings = Settings(data_dir=folder / f"{model}-{language}".replace(":", "-"),
                        cpu_threads=threads, language=language, whisper_model=model)
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
    args = parser.parse_args()
    print(f"{args.threads} CPU threads, int8, beam 5")
    print(f"{'sample':<6} {'model':<8} {'run':<26} {'error':>7} {'seconds':>8} {'RTF':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for language, sample in SAMPLES.items():
            decoded = Path(tmp) / f"{language}.f32"
            audio.decode(sample, decoded)
            samples = audio.load(decoded)
            duration = len(samples) / audio.SAMPLE_RATE
            truth = reference(sample)
            metric = "CER" if language == "ja" else "WER"
            for name, model in MODELS.items():
                if language != "en" and model == EMBEDDED_ENGLISH:
                    continue
                runs = [
                    ("bare", *bare(model, samples, language, args.threads, False)),
                    ("bare, word_timestamps=True",
                     *bare(model, samples, language, args.threads, True)),
                    ("pipeline (gijiroku process)",
                     *pipeline(model, sample, language, args.threads, Path(tmp))),
                ]
                for run, text, seconds in runs:
                    rate = error_rate(language, truth, text)
                    print(f"{language:<6} {name:<8} {run:<26} {metric} {rate:.3f} "
                          f"{seconds:8.1f} {seconds / duration:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
