"""Split a long recording into windows whose edges fall in pauses, so no word is cut in two.

Transcribing a 3-hour recording in one faster-whisper call builds features and VAD buffers for
the whole file (3.7 GB peak for 62 minutes here). Windows of about ten minutes keep memory flat;
each edge is moved to the quietest stretch near its target, where nobody is speaking.
"""

from __future__ import annotations

import itertools

import numpy as np

FRAME_SECONDS = 0.1
SMOOTH_FRAMES = 5  # quietest half-second, not the quietest single frame


def plan_windows(
    samples: int,
    sample_rate: int,
    window_seconds: float,
    audio: np.ndarray,
    search_seconds: float | None = None,
) -> list[tuple[int, int]]:
    """Return (start, end) sample ranges covering the recording with no gap or overlap.

    Each cut is placed at the centre of the quietest half-second within `search_seconds` of
    its target (by default a quarter of the window, at most 30 s). Only those search regions
    are read from `audio`, so a memory-mapped recording stays on disk.
    """
    window = int(window_seconds * sample_rate)
    if samples <= window * 1.25:  # a short tail is not worth its own window
        return [(0, samples)]
    if search_seconds is None:
        search_seconds = min(30.0, window_seconds / 4)
    search = int(search_seconds * sample_rate)
    frame = max(1, int(FRAME_SECONDS * sample_rate))

    cuts = [0]
    target = window
    while samples - cuts[-1] > window * 1.25:
        low = max(cuts[-1] + frame, target - search)
        high = min(samples - frame, target + search)
        cuts.append(_quietest_point(audio, low, high, frame))
        target = cuts[-1] + window
    cuts.append(samples)
    return list(itertools.pairwise(cuts))


def _quietest_point(audio: np.ndarray, low: int, high: int, frame: int) -> int:
    count = (high - low) // frame
    if count < 1:
        return (low + high) // 2
    region = np.asarray(audio[low : low + count * frame], dtype=np.float32)
    energy = np.square(region.reshape(count, frame), dtype=np.float64).mean(axis=1)
    shift = 0
    if count >= SMOOTH_FRAMES:  # "valid" so edges are not made quieter by zero padding
        kernel = np.ones(SMOOTH_FRAMES) / SMOOTH_FRAMES
        energy = np.convolve(energy, kernel, mode="valid")
        shift = SMOOTH_FRAMES // 2
    best = int(np.argmin(energy)) + shift
    return low + best * frame + frame // 2
