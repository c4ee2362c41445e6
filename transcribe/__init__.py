"""Speech to text: the `Transcriber` interface, its options, and the faster-whisper backend.

A backend takes 16 kHz mono float32 samples (a NumPy array or a read-only memory map of the
decoded recording) and returns a `Transcript` of segments with word timestamps. Backends import
nothing from Gijiroku except the shared domain types and errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from gijiroku.domain import Progress, Transcript, no_progress


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """Which model to load and where it runs; equal specs share one loaded model."""

    model: str = ""  # "" = the bundled tiny.en; else a size name or a CTranslate2 directory
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "auto"  # auto: float16 on CUDA, int8 on CPU
    cpu_threads: int = 0  # 0: every core
    models_dir: str | None = None  # where size names are looked up (downloaded once)


@dataclass(frozen=True, slots=True)
class TranscriptionOptions:
    """How to transcribe one recording; defaults are tuned against hallucination."""

    language: str | None = None  # None: detect once, then keep it for the whole recording
    beam_size: int = 5
    batch_size: int = 16  # used by the batched pipeline on GPU
    initial_prompt: str | None = None  # names and local terms, e.g. "議会 議長 市長"
    hotwords: str | None = None
    vad: bool = True
    window_seconds: float = 600.0
    # Anti-hallucination: never feed the previous window's text back in (one wrong sentence
    # would repeat for minutes), fall back on temperature when output looks repetitive or
    # unlikely, drop segments Whisper itself thinks are silence, skip over long silences.
    condition_on_previous_text: bool = False
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    hallucination_silence_threshold: float | None = 2.0


class Transcriber(Protocol):
    """Anything that turns samples into a transcript."""

    #: True when the loaded model can transcribe languages other than English.
    multilingual: bool

    def transcribe(
        self,
        audio: np.ndarray,
        options: TranscriptionOptions,
        progress: Progress = no_progress,
    ) -> Transcript: ...


def load_transcriber(spec: ModelSpec) -> Transcriber:
    """The faster-whisper backend for `spec`, loaded once per process and kept."""
    from transcribe.whisper_backend import load_whisper

    return load_whisper(spec)


__all__ = ["ModelSpec", "Transcriber", "TranscriptionOptions", "load_transcriber"]
