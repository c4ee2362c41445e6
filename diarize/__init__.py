"""Who spoke when: the `Diarizer` interface, speaker-count hints, and word attribution.

A backend takes the decoded 16 kHz mono samples and returns `SpeakerTurn`s labelled with its
own raw labels; `diarize.assign` then gives every word to a speaker and splits segments where
the speaker changes, and `diarize.voices` embeds each speaker's voice from their turns (what
the roster's voiceprints are compared with). The pyannote.audio backend
(`diarize.pyannote_backend`) serves both the production community-1 weights and the offline
starter set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from gijiroku.domain import Progress, SpeakerTurn, no_progress
from gijiroku.errors import ConfigError


@dataclass(frozen=True, slots=True)
class SpeakerHints:
    """What a person knows about the number of speakers: exact, or a range."""

    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None

    def __post_init__(self) -> None:
        for name in ("num_speakers", "min_speakers", "max_speakers"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ConfigError(f"{name.replace('_', ' ')} must be at least 1 (got {value}).")
        if (
            self.min_speakers is not None
            and self.max_speakers is not None
            and self.min_speakers > self.max_speakers
        ):
            raise ConfigError(
                f"min speakers ({self.min_speakers}) is more than max speakers "
                f"({self.max_speakers})."
            )


@dataclass(frozen=True, slots=True)
class DiarizerSpec:
    """Which weights to load and where they run; equal specs share one loaded pipeline."""

    #: None: the offline starter set. Else a local pipeline directory or a hub id such as
    #: "pyannote/speaker-diarization-community-1" (needs `hf_token` the first time).
    pipeline: str | None = None
    device: str = "auto"  # auto | cpu | cuda
    hf_token: str | None = None
    #: The starter set's segmentation checkpoint (fetched at setup, never at run time).
    starter_segmentation: str | None = None
    models_dir: str | None = None
    #: The starter set's speaker embedding: "resemblyzer" or "campplus" (CAM++).
    embedding: str = "campplus"


NO_HINTS = SpeakerHints()


class Diarizer(Protocol):
    def diarize(
        self,
        audio: np.ndarray,
        hints: SpeakerHints = NO_HINTS,
        progress: Progress = no_progress,
    ) -> list[SpeakerTurn]: ...


def load_diarizer(spec: DiarizerSpec) -> Diarizer:
    """The pyannote.audio backend for `spec`, loaded once per process and kept."""
    from diarize.pyannote_backend import load_pyannote

    return load_pyannote(spec)


__all__ = ["NO_HINTS", "Diarizer", "DiarizerSpec", "SpeakerHints", "load_diarizer"]
