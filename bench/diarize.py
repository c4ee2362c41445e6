"""Diarization benchmark: real-time factor, peak memory, speakers found and DER.

    .venv/bin/python bench/diarize.py --minutes 10 60          # CPU, starter weights
    .venv/bin/python bench/diarize.py --minutes 10 --device cuda
    .venv/bin/python bench/diarize.py --minutes 10 --runtime onnx torch   # CAM++ on CPU

Each size runs in a fresh process on a six-voice synthetic meeting (bench/long_meeting.py,
built once into .cache/bench/) and reports its own peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / ".cache" / "bench"


def child(path: Path, device: str, runtime: str) -> None:
    warnings.filterwarnings("ignore")
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    from diarize import DiarizerSpec, load_diarizer
    from gijiroku import audio
    from gijiroku.config import Settings
    from gijiroku.models import starter_segmentation_path

    reference = json.loads(path.with_suffix(".json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        audio.decode(path, Path(tmp) / "a.f32")
        samples = audio.load(Path(tmp) / "a.f32")
        diarizer = load_diarizer(DiarizerSpec(
            starter_segmentation=str(starter_segmentation_path()), device=device,
            embedding=Settings().speaker_embedding))
        model = getattr(diarizer, "pipeline", None) and diarizer.pipeline._embedding.model_
        if runtime == "torch" and hasattr(model, "session"):
            model.session = None  # CAM++ in PyTorch, as on GPU
        started = time.perf_counter()
        turns = diarizer.diarize(samples)
        elapsed = time.perf_counter() - started
    ref, hyp = Annotation(), Annotation()
    for turn in reference["turns"]:
        ref[Segment(turn["start"], turn["end"])] = turn["speaker"]
    for turn in turns:
        hyp[Segment(turn.start, turn.end)] = turn.label
    der = DiarizationErrorRate(collar=0.0, skip_overlap=False)(
        ref, hyp, uem=Timeline([Segment(0, reference["duration"])]))
    print(json.dumps({
        "seconds": elapsed, "duration": reference["duration"],
        "speakers": len({t.label for t in turns}), "reference_speakers": reference["speakers"],
        "der": float(der), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "device": str(diarizer.device), "runtime": getattr(model, "runtime", "torch"),
    }))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[10.0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"])
    parser.add_argument("--runtime", nargs="+", default=["onnx"], choices=["onnx", "torch"],
                        help="what runs CAM++ on CPU (each in its own process)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.device, args.runtime[0])
        return 0
    from bench.long_meeting import build

    for minutes in args.minutes:
        path = CACHE / f"meeting-{minutes:g}.flac"
        if not path.with_suffix(".json").is_file():
            build(minutes, path)
        for runtime in args.runtime:
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(path), "--device", args.device,
                 "--runtime", runtime], capture_output=True, text=True,
            )
            if result.returncode != 0:
                print(result.stderr[-3000:], file=sys.stderr)
                return 1
            report(minutes, json.loads(result.stdout.strip().splitlines()[-1]))
    return 0


def report(minutes: float, data: dict[str, Any]) -> None:
    print(f"{minutes:g} min on {data['device']} ({data['runtime']}): {data['seconds']:.1f} s, "
          f"RTF {data['seconds'] / data['duration']:.4f}, peak RSS "
          f"{data['peak_rss_mb']:.0f} MB, speakers {data['speakers']} "
          f"(reference {data['reference_speakers']}), DER {data['der']:.3f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
