"""Word timings in a pass of their own, after the text is decoded.

faster-whisper can time words while it decodes (`word_timestamps=True`), but then it moves its
reading position to the last timed word and may skip past speech: on a Japanese committee
recording a whole sentence went missing that way (CER 0.074 -> 0.145). So the text is
decoded without word timings, and the decoded tokens are timed afterwards with Whisper's
cross-attention alignment. The sequential decoder's own encoder output is reused for that
(`EncoderTap`, `align_decoded`): each window is encoded once, as when faster-whisper times
words itself. Where no encoder output was kept (the batched GPU pipeline), the audio is
encoded again in spans of at most 30 seconds (`align_words`): each batched clip, from the
joined speech it was decoded from. Nothing decoded is ever dropped
here: a segment that cannot be aligned gets its words spread over its span.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from gijiroku.domain import SAMPLE_RATE, Segment

log = logging.getLogger(__name__)

#: The encoder sees 30 s; spans of several segments stay a little shorter so padding at both
#: ends fits. One segment may fill the 30 s (the batched pipeline decodes clips of about 30 s
#: as one segment each, with the VAD's padding up to `OVER` seconds more): it gets what
#: padding is left, and is cut at 30 s (the last fraction of a second of the clip is the
#: VAD's padding, heard as silence).
MAX_SPAN = 29.0
PAD = 0.2
WINDOW = 30.0
OVER = 1.0
PREPEND = "\"'“¿([{-「『（"
APPEND = "\"'.。,，!！?？:：”)]}、」』）"


@dataclass(slots=True)
class TimedWord:
    start: float
    end: float
    text: str  # with its own leading space where the language has one
    probability: float


def spans(segments: list[Any]) -> list[list[int]]:
    """Indices of consecutive segments that fit in one encoder span together."""
    groups: list[list[int]] = []
    for index, segment in enumerate(segments):
        if groups and segment.end - segments[groups[-1][0]].start <= MAX_SPAN:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


Span = tuple[float, float]


def align_words(
    model: Any, tokenizer: Any, audio: np.ndarray, segments: list[Any]
) -> list[tuple[Span, list[TimedWord]]]:
    """For each faster-whisper segment, its span and its timed words (in `audio`'s own
    seconds); the span is narrowed to the words where their timing is measured."""
    timed: list[tuple[Span, list[TimedWord]]] = [
        ((s.start, s.end), []) for s in segments]
    last_speech = 0.0
    for group in spans(segments):
        first, last = segments[group[0]], segments[group[-1]]
        length = last.end - first.start
        if length > WINDOW + OVER:  # one segment stretched across cut silence
            for index in group:
                timed[index] = spread(segments[index], tokenizer)
            continue
        pad = max(0.0, min(PAD, (WINDOW - length) / 2 - 0.01))
        # cut on a feature frame (10 ms) so the frame offset below is exact
        start_frame = max(0, int((first.start - pad) * 100))
        lo = start_frame * (SAMPLE_RATE // 100)
        hi = min(len(audio), int((last.end + pad) * SAMPLE_RATE), lo + int(WINDOW * SAMPLE_RATE))
        chunk = np.ascontiguousarray(audio[lo:hi], dtype=np.float32)
        if chunk.size < SAMPLE_RATE // 10:
            for index in group:
                timed[index] = spread(segments[index], tokenizer)
            continue
        features = model.feature_extractor(chunk)
        num_frames = features.shape[-1] - 1
        encoder_output = model.encode(_pad_or_trim(features))
        members = [segments[i] for i in group]
        found, last_speech = align_decoded(model, tokenizer, encoder_output, start_frame,
                                           num_frames, members, last_speech)
        for index, result in zip(group, found, strict=True):
            timed[index] = result
    return timed


def align_decoded(
    model: Any, tokenizer: Any, encoder_output: Any, seek: int, num_frames: int,
    segments: list[Any], last_speech: float,
) -> tuple[list[tuple[Span, list[TimedWord]]], float]:
    """The segments of one window (at feature frame `seek`, `num_frames` frames long), timed
    against its encoder output (the decoder's own, or one computed for a span); in the
    seconds of the audio the window was cut from. Also the end of the last timed speech,
    for the next window."""
    subsegments = [{"seek": seek, "start": s.start, "end": s.end, "tokens": list(s.tokens)}
                   for s in segments]
    try:
        last_speech = model.add_word_timestamps(
            [subsegments], tokenizer, encoder_output, num_frames, PREPEND, APPEND,
            last_speech_timestamp=last_speech,
        ) or last_speech
    except (IndexError, ValueError) as exc:  # an alignment that does not fit the audio
        log.warning("word alignment failed at %.1fs (%s); words spread evenly",
                    segments[0].start, exc)
        return [spread(s, tokenizer) for s in segments], last_speech
    timed = []
    for segment, sub in zip(segments, subsegments, strict=True):
        words = [
            TimedWord(float(w["start"]), float(w["end"]), w["word"], float(w["probability"]))
            for w in sub.get("words", []) if w["word"].strip()
        ]
        timed.append(((float(sub["start"]), float(sub["end"])), words) if words else (
            (segment.start, segment.end), spread(segment, tokenizer)[1]))
    return timed, last_speech


_taps = threading.local()


class EncoderTap:
    """While open, holds the encoder output the model computed last in this thread: the
    window the decoder is reading (faster-whisper encodes a window, then yields the segments
    decoded from it). The model must hand its outputs over with `tapped`."""

    def __init__(self) -> None:
        self.latest: Any = None
        self._outer: EncoderTap | None = None

    def __enter__(self) -> EncoderTap:
        self._outer = getattr(_taps, "open", None)
        _taps.open = self
        return self

    def __exit__(self, *_exc: object) -> None:
        _taps.open = self._outer
        self.latest = None


def tapped(encoder_output: Any) -> Any:
    tap = getattr(_taps, "open", None)
    if tap is not None:
        tap.latest = encoder_output
    return encoder_output


def spread(segment: Any, tokenizer: Any) -> tuple[Span, list[TimedWord]]:
    """The segment's words with times shared out by length: a last resort, marked with
    probability 0 so nobody mistakes the times for measured ones."""
    tokens = [t for t in segment.tokens if t < tokenizer.eot]
    words, _ = tokenizer.split_to_word_tokens(tokens) if tokens else ([], [])
    words = [w for w in words if w.strip()]
    if not words:
        return (segment.start, segment.end), []
    total = sum(len(w.strip()) for w in words)
    span = max(segment.end - segment.start, 0.0)
    result, cursor = [], segment.start
    for word in words:
        length = span * len(word.strip()) / total
        result.append(TimedWord(round(cursor, 3), round(cursor + length, 3), word, 0.0))
        cursor += length
    return (segment.start, segment.end), result


def in_time_order(segments: list[Segment], since: float | None = None) -> int:
    """Words never start before words already said: Whisper sometimes times a segment inside
    the one before it (text it wrote over the end of its window, 「Here's the note.」 timed
    29.38 s to 29.86 s under the previous sentence's last word at 29.66 s), and the timing
    the other parts rely on (playback, speakers, subtitles) runs forward. Such a word keeps
    its text and is moved to start with the word before it (`since`: the last start of the
    windows before), and is marked doubtful: what was said there is worth a listen. Returns
    how many words were moved."""
    moved = 0
    for segment in segments:
        for word in segment.words:
            if since is not None and word.start < since:
                word.start = since
                word.end = max(word.end, since)
                word.doubtful = True
                moved += 1
            since = word.start
        if segment.words:
            segment.end = max(segment.end, segment.words[-1].end)
    return moved


def _pad_or_trim(features: np.ndarray, frames: int = 3000) -> np.ndarray:
    if features.shape[-1] >= frames:
        return features[..., :frames]
    return np.pad(features, [(0, 0), (0, frames - features.shape[-1])])
