"""Resemblyzer's speaker encoder as a pyannote embedding model, batched in torch.

Resemblyzer (PyPI, ships `pretrained.pt`) is a 3-layer LSTM over 40-channel mel frames that
gives 256-dimensional, L2-normalised speaker embeddings. pyannote's diarization pipeline asks
an embedding model for one embedding per (window, local speaker), passing the window's samples
and a per-frame mask of where that speaker talks. This adapter keeps the masked frames, cuts
them into 1.6 s partials (half overlapping, as Resemblyzer does), runs every partial of the
whole batch through the LSTM in one packed call on the pipeline's device, and averages each
item's partials. The Resemblyzer package is never imported (its VAD pulls in pkg_resources);
only its weights file is read.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import torch
from pyannote.audio import Model
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from gijiroku.domain import SAMPLE_RATE

N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s
PARTIAL_STEP = 80  # 50 % overlap
MIN_FRAMES = 20  # below 0.2 s of speech an embedding is noise: report NaN instead
TARGET_DBFS = -30.0  # Resemblyzer raises quiet recordings to this level
HIDDEN = 256
LAYERS = 3


def resemblyzer_weights() -> Path:
    """Where the Resemblyzer wheel put `pretrained.pt` (found without importing it)."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the resemblyzer package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"


class ResemblyzerEmbedding(Model):
    """pyannote `Model` whose forward(waveforms, weights) returns (batch, 256) embeddings."""

    def __init__(self, weights: Path | None = None) -> None:
        super().__init__(sample_rate=SAMPLE_RATE, num_channels=1)
        import torchaudio

        self.mel = torchaudio.transforms.MelSpectrogram(
            sample_rate=SAMPLE_RATE, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS,
            power=2.0, norm="slaney", mel_scale="slaney", center=True, pad_mode="constant",
        )
        self.lstm = nn.LSTM(N_MELS, HIDDEN, LAYERS, batch_first=True)
        self.linear = nn.Linear(HIDDEN, HIDDEN)
        state = torch.load(weights or resemblyzer_weights(), map_location="cpu")["model_state"]
        self.lstm.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("lstm.")})
        self.linear.load_state_dict(
            {k[7:]: v for k, v in state.items() if k.startswith("linear.")}
        )
        self.eval()

    @property
    def dimension(self) -> int:
        return HIDDEN

    def forward(  # type: ignore[override]
        self, waveforms: torch.Tensor, weights: torch.Tensor | None = None
    ) -> torch.Tensor:
        """waveforms: (batch, 1, samples); weights: (batch, frames) in [0, 1] or None."""
        batch = waveforms.shape[0]
        audio = waveforms[:, 0, :]
        # Raise quiet windows to -30 dBFS (never lower loud ones), as Resemblyzer does.
        rms = audio.pow(2).mean(dim=1, keepdim=True).clamp_min(1e-10).sqrt()
        gain = (10 ** (TARGET_DBFS / 20) / rms).clamp(min=1.0, max=100.0)
        mels = self.mel(audio * gain).transpose(1, 2)  # (batch, frames, 40)
        frames = mels.shape[1]
        if weights is None:
            active = torch.ones(batch, frames, dtype=torch.bool, device=mels.device)
        else:  # the mask has its own frame rate: map each mel frame to the nearest mask frame
            index = torch.clamp(
                (torch.arange(frames, device=mels.device) * weights.shape[1]) // frames,
                max=weights.shape[1] - 1,
            )
            active = weights[:, index] > 0.5

        partials: list[torch.Tensor] = []
        lengths: list[int] = []
        owner: list[int] = []
        for item in range(batch):
            kept = mels[item][active[item]]  # only the frames where this speaker talks
            count = kept.shape[0]
            if count < MIN_FRAMES:
                continue
            starts = list(range(0, max(count - PARTIAL_FRAMES, 0) + 1, PARTIAL_STEP))
            if starts[-1] + PARTIAL_FRAMES < count:  # cover the tail too
                starts.append(count - PARTIAL_FRAMES)
            for start in starts:
                piece = kept[start : start + PARTIAL_FRAMES]
                partials.append(piece)
                lengths.append(piece.shape[0])
                owner.append(item)

        output = torch.full((batch, HIDDEN), float("nan"), device=mels.device)
        if not partials:
            return output
        padded = torch.zeros(len(partials), PARTIAL_FRAMES, N_MELS, device=mels.device)
        for row, piece in enumerate(partials):
            padded[row, : piece.shape[0]] = piece
        packed = pack_padded_sequence(
            padded, torch.tensor(lengths), batch_first=True, enforce_sorted=False
        )
        _, (hidden, _) = self.lstm(packed)
        embeds = torch.relu(self.linear(hidden[-1]))
        embeds = embeds / embeds.norm(dim=1, keepdim=True).clamp_min(1e-8)
        owners = torch.tensor(owner, device=mels.device)
        sums = torch.zeros(batch, HIDDEN, device=mels.device).index_add_(0, owners, embeds)
        counts = torch.bincount(owners, minlength=batch).unsqueeze(1)
        has = counts[:, 0] > 0
        mean = sums[has] / counts[has]
        output[has] = mean / mean.norm(dim=1, keepdim=True).clamp_min(1e-8)
        return output


def _check_against_reference(samples: np.ndarray) -> float:  # pragma: no cover - dev aid
    """Cosine similarity between this adapter and Resemblyzer's own embed_utterance."""
    from resemblyzer import VoiceEncoder

    ours = ResemblyzerEmbedding()(torch.from_numpy(samples)[None, None])[0].detach().numpy()
    theirs = VoiceEncoder("cpu", verbose=False).embed_utterance(samples)
    return float(np.dot(ours, theirs))
