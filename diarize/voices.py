"""Each speaker's voice, for naming them from the roster's voiceprints.

A voice is embedded from the speaker's own turns (where nobody else talks), not taken from the
diarizer's clustering: the same encoder then serves the starter set and production weights
alike, so a change of diarization weights keeps the voiceprints, and the encoder can be the
one that tells people apart best (bench/voiceprints.py) whatever clusters the turns. At most
MAX_SECONDS of the longest turns are used per speaker, so a chair talking for an hour costs
no more than a member asking one question.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Any

import numpy as np

from gijiroku.domain import SAMPLE_RATE, SpeakerTurn, Voice
from gijiroku.errors import ModelNotFoundError

#: What voiceprints record as the model that made them.
VOICE_MODELS = {"campplus": "campplus-cn-en-common", "resemblyzer": "resemblyzer-0.1.4"}
MAX_SECONDS = 90.0  # of each speaker's speech embedded
PIECE_SECONDS = 20.0  # longer turns are embedded in pieces of this length
MIN_PIECE_SECONDS = 1.0  # shorter stretches say little about a voice


class VoiceEncoder:
    def __init__(self, name: str, device: str = "cpu") -> None:
        import torch

        if name not in VOICE_MODELS:
            raise ModelNotFoundError(f"Unknown voiceprint model {name!r} (known: "
                                     f"{', '.join(VOICE_MODELS)}).")
        self.model_name = VOICE_MODELS[name]
        try:
            if name == "campplus":
                from diarize.campplus import CampplusEmbedding

                self.model: Any = CampplusEmbedding()
            else:
                from diarize.embedding import ResemblyzerEmbedding

                self.model = ResemblyzerEmbedding()
        except FileNotFoundError as exc:
            raise ModelNotFoundError(f"The voiceprint model {name!r} is not installed ({exc}); "
                                     "reinstall Gijiroku (pip install -e .).") from exc
        use_cuda = device == "cuda" or (device == "auto" and torch.cuda.is_available())
        self.device = torch.device("cuda" if use_cuda else "cpu")
        self.model.to(self.device)

    def voices(self, audio: np.ndarray, turns: list[SpeakerTurn]) -> dict[str, Voice]:
        """Each label's voice from its turns where no other label talks (unit length)."""
        pieces: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for start, end, label in _exclusive(turns):
            pieces[label].extend(_pieces(start, end))
        found: dict[str, Voice] = {}
        for label, spans in pieces.items():
            spans.sort(key=lambda s: s[0] - s[1])  # longest first
            kept, total = [], 0.0
            for start, end in spans:
                if total >= MAX_SECONDS:
                    break
                kept.append((start, end))
                total += end - start
            vectors, weights = [], []
            for start, end in kept:
                if (vector := self._embed(audio, start, end)) is not None:
                    vectors.append(vector)
                    weights.append(end - start)
            if not vectors:
                continue
            mean = np.average(np.stack(vectors), axis=0, weights=weights)
            mean /= max(float(np.linalg.norm(mean)), 1e-8)
            found[label] = Voice(
                tuple(round(float(v), 6) for v in mean), self.model_name, round(total, 2),
                tuple((round(w, 2), tuple(round(float(v), 4) for v in vector))
                      for w, vector in zip(weights, vectors, strict=True)))
        return found


    def _embed(self, audio: np.ndarray, start: float, end: float) -> np.ndarray | None:
        """The voice of `audio` from `start` to `end` seconds, unit length (None: not
        finite)."""
        import torch

        piece = np.array(audio[int(start * SAMPLE_RATE): int(end * SAMPLE_RATE)],
                         dtype=np.float32)
        with torch.no_grad():
            vector = self.model(torch.from_numpy(piece)[None, None].to(self.device))
        vector = vector[0].cpu().numpy()
        if not np.all(np.isfinite(vector)):
            return None
        return np.asarray(vector / max(float(np.linalg.norm(vector)), 1e-8))

    def turn_vectors(self, audio: np.ndarray,
                     turns: list[SpeakerTurn]) -> list[np.ndarray | None]:
        """Each turn's voice from its own speech (where no other label talks), unit length;
        None for a turn with under `MIN_PIECE_SECONDS` of it. Every turn is embedded: all
        the speech of the meeting, once (CAM++ on 2 cores: about 4 % of its length)."""
        found: list[np.ndarray | None] = []
        for turn in turns:
            vectors, weights = [], []
            for start, end in (p for own in _own(turn, turns) for p in _pieces(*own)):
                if (vector := self._embed(audio, start, end)) is not None:
                    vectors.append(vector)
                    weights.append(end - start)
            if not vectors:
                found.append(None)
                continue
            mean = np.average(np.stack(vectors), axis=0, weights=weights)
            found.append(mean / max(float(np.linalg.norm(mean)), 1e-8))
        return found


def _pieces(start: float, end: float) -> list[tuple[float, float]]:
    """A stretch of speech cut into pieces of at most `PIECE_SECONDS`, none under
    `MIN_PIECE_SECONDS`."""
    found, at = [], start
    while end - at >= MIN_PIECE_SECONDS:
        found.append((at, min(end, at + PIECE_SECONDS)))
        at += PIECE_SECONDS
    return found


def _exclusive(turns: list[SpeakerTurn]) -> list[tuple[float, float, str]]:
    """The parts of each turn during which no other label's turn runs."""
    return [(start, end, turn.label) for turn in turns for start, end in _own(turn, turns)]


def _own(turn: SpeakerTurn, turns: list[SpeakerTurn]) -> list[tuple[float, float]]:
    """The parts of `turn` during which no other label's turn runs."""
    cuts = sorted((max(o.start, turn.start), min(o.end, turn.end)) for o in turns
                  if o.label != turn.label and o.start < turn.end and o.end > turn.start)
    spans, at = [], turn.start
    for start, end in cuts:
        if start > at:
            spans.append((at, start))
        at = max(at, end)
    if turn.end > at:
        spans.append((at, turn.end))
    return spans


@lru_cache(maxsize=2)
def load_voice_encoder(name: str, device: str = "cpu") -> VoiceEncoder:
    return VoiceEncoder(name, device)


__all__ = ["MAX_SECONDS", "VOICE_MODELS", "VoiceEncoder", "load_voice_encoder"]
