"""Transcription benchmark: overhead against bare faster-whisper, real-time factor, peak memory.

    .venv/bin/python bench/transcribe.py                       # overhead + RTF on the sample
    .venv/bin/python bench/transcribe.py --long-minutes 60     # also peak memory, 60 minutes
    .venv/bin/python bench/transcribe.py --file meeting.m4a --threads 4

Overhead: the same model object and the same settings (int8 on CPU, word timestamps, VAD,
beam 5) run once through Gijiroku's transcriber and once as a bare `WhisperModel.transcribe`
call on the same decoded samples; the ratio of the best of `--repeat` runs is printed.
Peak memory: each side runs in a fresh process on a recording this script builds by looping
the sample, and reports its own peak resident set size (ffmpeg's decoding process apart).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gijiroku import audio  # noqa: E402
from transcribe import ModelSpec, TranscriptionOptions, load_transcriber  # noqa: E402
from transcribe.whisper_backend import whisper_kwargs  # noqa: E402

DEFAULT_FILE = ROOT / "samples" / "committee-meeting-en.flac"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def decode_to_temp(source: Path, folder: Path) -> Path:
    decoded = folder / "audio.f32"
    audio.decode(source, decoded)
    return decoded


def bare_call(model, decoded: Path, options: TranscriptionOptions) -> int:  # type: ignore[no-untyped-def]
    """What a WhisperX-style script does: the whole recording in memory, in one call, words
    timed while decoding (Gijiroku times them in a pass of its own instead)."""
    samples = np.array(audio.load(decoded))  # a plain array, as faster-whisper's decode gives
    segments, _ = model.transcribe(
        samples, **{**whisper_kwargs(options, options.language), "word_timestamps": True}
    )
    return sum(len(s.words or []) for s in segments)


def ours(transcriber, decoded: Path, options: TranscriptionOptions) -> int:  # type: ignore[no-untyped-def]
    transcript = transcriber.transcribe(audio.load(decoded), options)
    return sum(len(s.words) for s in transcript.segments)


def overhead(source: Path, threads: int, repeat: int) -> None:
    transcriber = load_transcriber(ModelSpec(device="cpu", cpu_threads=threads))
    options = TranscriptionOptions(language="en")
    with tempfile.TemporaryDirectory() as tmp:
        decoded = decode_to_temp(source, Path(tmp))
        duration = len(audio.load(decoded)) / audio.SAMPLE_RATE
        timings: dict[str, list[float]] = {"bare": [], "ours": []}
        words: dict[str, int] = {}
        ours(transcriber, decoded, options)  # warm-up: first call pays one-off costs
        for run in range(repeat):
            # Alternate which side goes first: the second call of a pair runs warmer.
            for name in ("bare", "ours") if run % 2 == 0 else ("ours", "bare"):
                started = time.perf_counter()
                if name == "bare":
                    words[name] = bare_call(transcriber.model, decoded, options)
                else:
                    words[name] = ours(transcriber, decoded, options)
                timings[name].append(time.perf_counter() - started)
    best_bare, best_ours = min(timings["bare"]), min(timings["ours"])
    print(f"file: {source.name} ({duration:.1f} s), {threads} CPU threads, int8, best of {repeat}")
    print(f"  bare faster-whisper: {best_bare:7.2f} s  ({words['bare']} words)")
    print(f"  gijiroku transcribe: {best_ours:7.2f} s  ({words['ours']} words)")
    print(f"  overhead ratio:      {best_ours / best_bare:7.3f}  (target <= 1.10)")
    print(f"  real-time factor:    {best_ours / duration:7.3f}")


def build_long_recording(source: Path, minutes: float, folder: Path) -> Path:
    target = folder / f"long-{int(minutes)}min.flac"
    subprocess.run(
        [audio.find_ffmpeg(), "-nostdin", "-loglevel", "error", "-y", "-stream_loop", "-1",
         "-i", str(source), "-t", str(minutes * 60), "-ac", "1", "-ar", "16000",
         "-c:a", "flac", str(target)],
        check=True,
    )
    return target


def child(mode: str, path: Path, threads: int) -> None:
    """Runs in a fresh process; prints one JSON line with its time and peak memory."""
    options = TranscriptionOptions(language="en")
    with tempfile.TemporaryDirectory() as tmp:
        decoded = decode_to_temp(path, Path(tmp))
        transcriber = load_transcriber(ModelSpec(device="cpu", cpu_threads=threads))
        started = time.perf_counter()
        if mode == "bare":
            count = bare_call(transcriber.model, decoded, options)
        else:
            count = ours(transcriber, decoded, options)
        elapsed = time.perf_counter() - started
    print(json.dumps({"mode": mode, "seconds": elapsed, "words": count,
                      "peak_rss_mb": peak_rss_mb()}))


def memory(source: Path, minutes: float, threads: int, with_bare: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        long = build_long_recording(source, minutes, Path(tmp))
        print(f"{minutes:.0f}-minute recording built from {source.name}")
        for mode in (["ours", "bare"] if with_bare else ["ours"]):
            result = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--file", str(long),
                 "--threads", str(threads)],
                capture_output=True, text=True, check=True,
            )
            data = json.loads(result.stdout.strip().splitlines()[-1])
            label = "gijiroku (windows)" if mode == "ours" else "bare faster-whisper"
            print(f"  {label:<20} peak RSS {data['peak_rss_mb']:8.0f} MB, "
                  f"{data['seconds']:7.1f} s, RTF {data['seconds'] / (minutes * 60):.3f}, "
                  f"{data['words']} words")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--long-minutes", type=float, default=0.0,
                        help="also measure peak memory on a recording this long")
    parser.add_argument("--no-bare-long", action="store_true",
                        help="skip the bare faster-whisper run on the long recording")
    parser.add_argument("--child", choices=["ours", "bare"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file, args.threads)
        return 0
    overhead(args.file, args.threads, args.repeat)
    if args.long_minutes > 0:
        memory(args.file, args.long_minutes, args.threads, not args.no_bare_long)
    return 0


if __name__ == "__main__":
    sys.exit(main())
