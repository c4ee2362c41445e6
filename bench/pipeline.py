"""The whole pipeline on one recording: real-time factor of each stage, the total, and peak
memory (resident set of this process; GPU memory when on CUDA).

    .venv/bin/python bench/pipeline.py RECORDING [--device auto|cpu|cuda]
        [--whisper-model NAME_OR_PATH] [--diarization-pipeline PATH] [--no-diarize]
    .venv/bin/python bench/pipeline.py --synthetic-minutes 10     # builds a meeting first
    .venv/bin/python bench/pipeline.py --synthetic-minutes 10 --device cpu --diarize-device cuda

It runs `Pipeline.run` on a fresh SQLite data folder, exactly as a worker does, with each
stage wrapped to time it; RTF = stage seconds / recording seconds (below 1: faster than real
time). Memory is sampled every 50 ms from /proc/self/status; "peak" is the highest resident
set seen while that stage ran. Model loading counts in the stage that loads the model.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import Sampler  # noqa: E402


class Timed:
    """A stage, timed: same name and weight, so the pipeline treats it as the original."""

    def __init__(self, stage: Any, sampler: Sampler, results: list[tuple[str, float, float]]):
        self.stage, self.sampler, self.results = stage, sampler, results
        self.name, self.weight = stage.name, stage.weight

    def run(self, context: Any) -> None:
        self.sampler.reset()
        started = time.perf_counter()
        self.stage.run(context)
        self.results.append((self.name, time.perf_counter() - started, self.sampler.peak))


def gpu_peak_mb() -> float | None:
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    return float(torch.cuda.max_memory_allocated()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording", nargs="?", type=Path)
    parser.add_argument("--synthetic-minutes", type=float)
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--diarize-device", default=None, choices=("auto", "cpu", "cuda"),
                        help="diarization's device when it differs (Whisper stays on --device)")
    parser.add_argument("--whisper-model", default=None)
    parser.add_argument("--diarization-pipeline", default=None)
    parser.add_argument("--no-diarize", action="store_true")
    parser.add_argument("--language", default="auto")
    args = parser.parse_args()

    from gijiroku.config import Settings
    from gijiroku.pipeline import Pipeline
    from gijiroku.recordings import accept_file
    from gijiroku.stages import default_stages
    from gijiroku.storage import open_database, repository, session_scope

    recording = args.recording
    if recording is None:
        if not args.synthetic_minutes:
            parser.error("give a recording or --synthetic-minutes")
        from bench.long_meeting import build

        recording = ROOT / ".cache" / "bench" / f"meeting-{args.synthetic_minutes:g}min.flac"
        if not recording.exists():
            recording.parent.mkdir(parents=True, exist_ok=True)
            build(args.synthetic_minutes, recording)

    sampler = Sampler().start()
    with tempfile.TemporaryDirectory(prefix="gijiroku-bench-") as tmp:
        options: dict[str, Any] = {"data_dir": Path(tmp), "device": args.device,
                                   "diarize": not args.no_diarize, "language": args.language}
        if args.whisper_model:
            options["whisper_model"] = args.whisper_model
        if args.diarize_device:
            options["diarize_device"] = args.diarize_device
        if args.diarization_pipeline:
            options["diarization_pipeline"] = args.diarization_pipeline
        settings = Settings(**options)
        engine = open_database(settings.resolved_database_url)
        results: list[tuple[str, float, float]] = []
        stages = [Timed(s, sampler, results) for s in default_stages(settings)]
        accepted = accept_file(engine, settings.data_dir, recording)
        started = time.perf_counter()
        Pipeline(engine, settings, stages=stages).run(accepted.job_id)
        total = time.perf_counter() - started
        with session_scope(engine) as session:
            meeting = repository.load_meeting(session, accepted.meeting_id, with_words=False)
    duration = meeting.duration or 1.0
    devices = args.device + (f" (diarization {args.diarize_device})"
                             if args.diarize_device else "")
    print(f"{recording.name}: {duration / 60:.1f} min, device {devices}, "
          f"{len(meeting.segments)} lines, {len(meeting.speakers)} speakers")
    for name, seconds, peak in results:
        print(f"  {name:<10} {seconds:8.1f} s   RTF {seconds / duration:6.3f}   "
              f"peak RSS {peak:7.0f} MB")
    print(f"  {'total':<10} {total:8.1f} s   RTF {total / duration:6.3f}   "
          f"peak RSS {sampler.overall:7.0f} MB")
    gpu = gpu_peak_mb()
    if gpu is not None:
        print(f"  GPU memory peak (torch allocations): {gpu:.0f} MB")


if __name__ == "__main__":
    main()
