"""pyannote.audio speaker diarization: community-1 weights, or the offline starter set.

Both go through pyannote's `SpeakerDiarization` pipeline, so everything after the weights
(hints, progress, output) is one code path. The starter set is pyannote's PyanNet
segmentation model shipped in the whisperx wheel, CAM++ embeddings (`diarize.campplus`; or
Resemblyzer's, `diarize.embedding`), and agglomerative clustering with a threshold chosen on
real people's voices.
"""

from __future__ import annotations

import copy
import logging
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from diarize import NO_HINTS, DiarizerSpec, SpeakerHints
from gijiroku.domain import SAMPLE_RATE, Progress, SpeakerTurn, no_progress
from gijiroku.errors import ModelNotFoundError

STAGE = "diarize"
log = logging.getLogger(__name__)

#: Starter-set parameters for each speaker embedding. The clustering threshold is a distance
#: between unit-length centroids. CAM++ (the default) at 0.66 sits in the middle of the range
#: where real people's voices come out right: twelve meetings of LibriSpeech readers
#: (samples/cast/real; right from 0.64 to 0.70, 9 of 12 at 0.66, mean DER 0.17) and
#: pyannote's real two-person call (right from 0.62 to 0.68, DER 0.054). Resemblyzer's 0.47
#: was tuned on that call and samples/committee-meeting-en, a synthetic meeting: it keeps
#: synthetic voices apart but splits real people into two or three speakers each (1 of the
#: 12 real meetings right); CAM++ at 0.66 merges synthetic voices unless the number of
#: speakers is given (then 14 of 16 of the sweep's synthetic meetings are right). README
#: "Benchmarks", bench/diarize_sweep.py --real.
_SEGMENTATION = {"threshold": 0.6, "min_duration_off": 0.0}
STARTER_PARAMETERS: dict[str, dict[str, Any]] = {
    "resemblyzer": {
        "segmentation": _SEGMENTATION,
        "clustering": {"method": "centroid", "min_cluster_size": 8, "threshold": 0.47},
    },
    "campplus": {
        "segmentation": _SEGMENTATION,
        "clustering": {"method": "centroid", "min_cluster_size": 12, "threshold": 0.66},
    },
}
#: How far the segmentation window moves between embeddings, as a share of its length
#: (pyannote's `segmentation_step`). Every window a voice is heard in is embedded once per
#: local speaker, so this sets the embedding cost: CAM++ spends about 90 ms of a 2-core CPU
#: per 5-s window.
STARTER_STEP = 0.1
#: Where each pipeline step sits in the progress bar (steps run in this order).
_STEP_SHARE = {
    "segmentation": (0.0, 0.25),
    "speaker_counting": (0.25, 0.25),
    "embeddings": (0.25, 0.95),
    "discrete_diarization": (0.95, 1.0),
}


@lru_cache(maxsize=2)
def load_pyannote(spec: DiarizerSpec) -> PyannoteDiarizer:
    return PyannoteDiarizer(spec)


def _device(requested: str) -> Any:
    import torch

    if requested == "cuda" or (requested == "auto" and torch.cuda.is_available()):
        return torch.device("cuda")
    return torch.device("cpu")


def _unused_plda() -> Any:
    """pyannote always loads a PLDA, even for clustering that never uses one; the starter set
    gives it this placeholder instead of a file from the hub."""
    from pyannote.audio.core.plda import PLDA

    class UnusedPLDA(PLDA):
        def __init__(self) -> None:  # no files: agglomerative clustering never calls it
            self.lda_dimension = 0

        def __call__(self, embeddings: np.ndarray) -> np.ndarray:
            raise RuntimeError("the starter diarization set has no PLDA")

    return UnusedPLDA()


class PyannoteDiarizer:
    def __init__(self, spec: DiarizerSpec) -> None:
        from pyannote.audio.telemetry import set_telemetry_metrics

        set_telemetry_metrics(False)  # nothing leaves a closed network
        self.spec = spec
        self.device = _device(spec.device)
        self.pipeline = self._load_production(spec) if spec.pipeline else self._load_starter(
            spec
        )
        on_gpu = self.device.type == "cuda"
        self.pipeline.segmentation_batch_size = 64 if on_gpu else 16
        self.pipeline.embedding_batch_size = 64 if on_gpu else 16
        self.pipeline.to(self.device)

    @staticmethod
    def _load_production(spec: DiarizerSpec) -> Any:
        from pyannote.audio import Pipeline

        assert spec.pipeline is not None
        local = Path(spec.pipeline).expanduser()
        source = str(local) if local.exists() else spec.pipeline
        try:
            pipeline = Pipeline.from_pretrained(
                source, token=spec.hf_token, cache_dir=spec.models_dir
            )
        except Exception as exc:  # hub, file and format errors all mean "not usable here"
            raise ModelNotFoundError(
                f"The diarization pipeline {spec.pipeline!r} could not be loaded ({exc}). "
                "Copy the pipeline folder to this machine and set GIJIROKU_DIARIZATION_PIPELINE "
                "to its path, or give GIJIROKU_HF_TOKEN for a hub id (see README, 'Models')."
            ) from exc
        if pipeline is None:
            raise ModelNotFoundError(
                f"The diarization pipeline {spec.pipeline!r} is not on this machine."
            )
        return pipeline

    @staticmethod
    def _load_starter(spec: DiarizerSpec, step: float | None = None) -> Any:
        """The starter pipeline; `step` replaces its segmentation step (for
        bench/diarize_sweep.py)."""
        from pyannote.audio import Model
        from pyannote.audio.pipelines import SpeakerDiarization

        from diarize.clustering import BoundedAgglomerativeClustering

        # The checkpoint predates Lightning 2; its upgrade notice is noise for a person.
        logging.getLogger("lightning.pytorch.utilities.migration.utils").setLevel(logging.WARNING)
        path = Path(spec.starter_segmentation or "")
        if not path.is_file():
            raise ModelNotFoundError(
                f"The starter diarization model is missing ({path}). Run "
                "'gijiroku models fetch-starter' (the README's setup does this once)."
            )
        segmentation = Model.from_pretrained(str(path))
        if segmentation is None:
            raise ModelNotFoundError(f"The starter diarization model at {path} is unreadable.")
        if spec.embedding not in STARTER_PARAMETERS:
            raise ModelNotFoundError(
                f"Unknown speaker embedding {spec.embedding!r} for the starter set "
                f"(known: {', '.join(STARTER_PARAMETERS)}).")
        pipeline = SpeakerDiarization(
            segmentation=segmentation,
            embedding=_starter_embedding(spec.embedding),
            clustering="AgglomerativeClustering",
            plda=_unused_plda(),
            segmentation_step=step or STARTER_STEP,
        )
        pipeline.clustering = BoundedAgglomerativeClustering(metric="cosine")
        parameters = copy.deepcopy(STARTER_PARAMETERS[spec.embedding])
        specifications = segmentation.specifications
        if isinstance(specifications, tuple):  # a model of several tasks: its first
            specifications = specifications[0]
        if specifications.powerset:
            # a powerset model (segmentation-3.0) says who speaks outright: no threshold
            parameters["segmentation"].pop("threshold", None)
        return pipeline.instantiate(parameters)

    def diarize(
        self,
        audio: np.ndarray,
        hints: SpeakerHints = NO_HINTS,
        progress: Progress = no_progress,
    ) -> list[SpeakerTurn]:
        import torch

        duration = len(audio) / SAMPLE_RATE
        progress(STAGE, 0.0, 1.0)
        if len(audio) < SAMPLE_RATE // 10:  # under 0.1 s: nothing anyone could have said
            progress(STAGE, 1.0, 1.0)
            return []
        # A read-only memory map would make torch warn and copy; a copy-on-write view of the
        # same pages is writable and shares memory until written (pyannote never writes).
        samples = audio if audio.flags.writeable else _copy_on_write(audio)
        waveform = torch.from_numpy(samples).unsqueeze(0)
        file = {"waveform": waveform, "sample_rate": SAMPLE_RATE, "uri": "meeting"}

        reached = [0.0]

        def hook(step: str, _artifact: Any, file: Any = None, total: int | None = None,
                 completed: int | None = None) -> None:
            if step not in _STEP_SHARE:
                return
            low, high = _STEP_SHARE[step]
            fraction = (completed / total) if total and completed is not None else 1.0
            reached[0] = max(reached[0], low + (high - low) * min(fraction, 1.0))
            progress(STAGE, reached[0], 1.0)

        try:
            output = self.pipeline(
                file,
                num_speakers=hints.num_speakers,
                min_speakers=hints.min_speakers,
                max_speakers=hints.max_speakers,
                hook=hook,
            )
        except ValueError as exc:
            # pyannote's clustering cannot run on zero embeddings: nobody spoke.
            if "at least one" in str(exc) or "empty" in str(exc):
                log.info("no speech found for diarization (%.1f s): %s", duration, exc)
                progress(STAGE, 1.0, 1.0)
                return []
            raise
        annotation = getattr(output, "speaker_diarization", output)
        turns = [
            SpeakerTurn(round(float(turn.start), 3), round(float(turn.end), 3), str(label))
            for turn, _, label in annotation.itertracks(yield_label=True)
            if math.isfinite(turn.start) and turn.end > turn.start
        ]
        progress(STAGE, 1.0, 1.0)
        return sorted(turns, key=lambda t: (t.start, t.end))


def _starter_embedding(name: str) -> Any:
    if name == "campplus":
        from diarize.campplus import CampplusEmbedding

        try:
            return CampplusEmbedding()
        except FileNotFoundError as exc:
            raise ModelNotFoundError(
                f"The CAM++ speaker embedding is not installed ({exc}); reinstall Gijiroku "
                "(pip install -e .) or set GIJIROKU_SPEAKER_EMBEDDING=resemblyzer.") from exc
    from diarize.embedding import ResemblyzerEmbedding

    return ResemblyzerEmbedding()


def _copy_on_write(audio: np.ndarray) -> np.ndarray:
    filename = getattr(audio, "filename", None)
    if filename:
        return np.memmap(filename, dtype=audio.dtype, mode="c", shape=audio.shape)
    return np.array(audio)
