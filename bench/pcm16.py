"""Decoded audio as 16-bit integers instead of 32-bit floats: the disk it would save, and
whether the transcript and the speakers would change.

    .venv/bin/python bench/pcm16.py

For each sample (Japanese: the embedded multilingual base; English: tiny.en), as its FLAC and
as a 64 kbit/s AAC copy, the recording is decoded as Gijiroku does (float32) and as 16-bit
PCM (read back as float32 / 32768),
and both are transcribed and diarized with the embedded models on the CPU. Printed: bytes
per hour of each, the lines and words that differ, the largest shift of a word's time, and
how much of the recording the two diarizations give the same speaker.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = {"ja": ROOT / "samples" / "committee-meeting-ja.flac",
           "en": ROOT / "samples" / "committee-meeting-en.flac"}


def as_pcm16(source: Path, folder: Path) -> np.ndarray:
    from gijiroku.audio import SAMPLE_RATE, find_ffmpeg

    target = folder / "audio.s16"
    subprocess.run([find_ffmpeg(), "-loglevel", "error", "-y", "-i", str(source), "-ac", "1",
                    "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", "-f", "s16le", str(target)],
                   check=True)
    return np.fromfile(target, dtype="<i2").astype(np.float32) / 32768.0


def speaker_agreement(first: list[Any], second: list[Any], duration: float) -> float:
    """Share of 10 ms frames given the same speaker, after matching the labels greedily."""
    frames = int(duration * 100) + 1

    def grid(turns: list[Any]) -> Any:
        labels = np.full(frames, "", dtype=object)
        for turn in turns:
            labels[int(turn.start * 100):int(turn.end * 100)] = turn.label
        return labels

    a, b = grid(first), grid(second)
    pairs: dict[tuple[str, str], int] = {}
    for x, y in zip(a, b, strict=True):
        pairs[(x, y)] = pairs.get((x, y), 0) + 1
    mapping: dict[str, str] = {}
    for (x, y), _ in sorted(pairs.items(), key=lambda item: -item[1]):
        if x not in mapping and y not in mapping.values():
            mapping[x] = y
    same = sum(1 for x, y in zip(a, b, strict=True) if mapping.get(x) == y)
    return same / frames


def compare(label: str, source: Path, language: str, transcriber: Any, diarizer: Any) -> None:
    from gijiroku import audio
    from transcribe import TranscriptionOptions

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        audio.decode(source, folder / "audio.f32")
        as_float = np.array(audio.load(folder / "audio.f32"))
        as_int = as_pcm16(source, folder)
        hour = 3600 * audio.SAMPLE_RATE
        print(f"[{label}] {len(as_float) / audio.SAMPLE_RATE:.1f} s: float32 "
              f"{hour * 4 / 1e6:.0f} MB/hour, 16-bit {hour * 2 / 1e6:.0f} MB/hour; largest "
              f"sample difference {np.max(np.abs(as_float - as_int)):.2e}")
    options = TranscriptionOptions(language=language)
    one = transcriber.transcribe(as_float, options)
    two = transcriber.transcribe(as_int, options)
    lines = sum(a.text != b.text for a, b in zip(one.segments, two.segments, strict=False))
    lines += abs(len(one.segments) - len(two.segments))
    words_one = [w for s in one.segments for w in s.words]
    words_two = [w for s in two.segments for w in s.words]
    differ = sum(a.text != b.text for a, b in zip(words_one, words_two, strict=False))
    differ += abs(len(words_one) - len(words_two))
    shift = max((abs(a.start - b.start) for a, b in zip(words_one, words_two, strict=False)),
                default=0.0)
    print(f"[{label}] transcript: {len(one.segments)} lines, {lines} differ; "
          f"{len(words_one)} words, {differ} differ; largest word time shift "
          f"{shift * 1000:.0f} ms")
    turns_one = diarizer.diarize(as_float)
    turns_two = diarizer.diarize(as_int)
    agree = speaker_agreement(turns_one, turns_two, len(as_float) / audio.SAMPLE_RATE)
    print(f"[{label}] speakers: {len({t.label for t in turns_one})} vs "
          f"{len({t.label for t in turns_two})}; same speaker for {agree:.2%} of the recording")


def main() -> int:
    warnings.filterwarnings("ignore")
    from diarize import DiarizerSpec, load_diarizer
    from gijiroku.audio import find_ffmpeg
    from gijiroku.config import Settings
    from gijiroku.models import starter_segmentation_path
    from gijiroku.stages.transcribe import model_spec
    from transcribe import load_transcriber

    settings = Settings(cpu_threads=2)
    diarizer = load_diarizer(DiarizerSpec(
        starter_segmentation=str(starter_segmentation_path()), device="cpu",
        embedding=settings.speaker_embedding))
    for language, flac in SAMPLES.items():
        transcriber = load_transcriber(model_spec(settings, language))
        compare(f"{language} flac", flac, language, transcriber, diarizer)
        with tempfile.TemporaryDirectory() as tmp:
            # a lossy recording decodes to values between the 16-bit steps
            lossy = Path(tmp) / "recording.m4a"
            subprocess.run([find_ffmpeg(), "-loglevel", "error", "-i", str(flac), "-c:a", "aac",
                            "-b:a", "64k", str(lossy)], check=True)
            compare(f"{language} m4a", lossy, language, transcriber, diarizer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
