"""Drop phrases Whisper invents over silence: "Thanks for watching", 「ご視聴ありがとう…」.

Whisper was trained on subtitled videos, so over silence or room noise it sometimes writes the
closing lines of those videos, or a lone "." or "…" (heard on room hiss). A segment is dropped
only when its whole text is such a phrase or nothing but punctuation *and* the audio under it
is quiet or the model itself judged it to be no speech: a councillor who really says "thank
you" into the microphone keeps their words.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

PHANTOM_PHRASES: frozenset[str] = frozenset(
    {
        # Japanese
        "ご視聴ありがとうございました",
        "ご視聴ありがとうございます",
        "最後までご視聴ありがとうございました",
        "チャンネル登録よろしくお願いします",
        "チャンネル登録お願いします",
        "おやすみなさい",
        "字幕は視聴者によって作成されました",
        # English
        "thanks for watching",
        "thank you for watching",
        "thank you so much for watching",
        "thanks for watching and ill see you next time",
        "please subscribe",
        "like and subscribe",
        "subtitles by the amaraorg community",
        "thank you",
        "you",
        "bye",
    }
)

#: Below this loudness a stretch counts as silence (speech into a meeting microphone is
#: typically -35 to -15 dBFS; an empty room -60 to -45).
QUIET_DBFS = -45.0
NO_SPEECH_PROBABILITY = 0.5

_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Fold width and case, drop punctuation and spaces: the form phrases are compared in."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text).casefold())


def loudness_dbfs(samples: np.ndarray) -> float:
    """Loudness of a stretch of samples in dB relative to full scale (-inf for silence)."""
    if samples.size == 0:
        return float("-inf")
    power = float(np.mean(np.square(samples, dtype=np.float64)))
    return 10.0 * float(np.log10(power)) if power > 0 else float("-inf")


_NORMALIZED = frozenset(normalize(p) for p in PHANTOM_PHRASES)


def is_phantom(text: str, loudness_dbfs: float, no_speech_prob: float | None) -> bool:
    """True when `text` is a known phantom phrase, or only punctuation, heard over silence (or
    judged no speech)."""
    folded = normalize(text)
    if folded and folded not in _NORMALIZED:
        return False
    quiet = loudness_dbfs < QUIET_DBFS
    doubted = no_speech_prob is not None and no_speech_prob >= NO_SPEECH_PROBABILITY
    return quiet or doubted
