import itertools

import numpy as np

from transcribe.windows import plan_windows

RATE = 16_000


def speech_with_pauses(seconds: float, pauses_at: list[float]) -> np.ndarray:
    """Loud noise ("speech") everywhere except 1-second pauses centred on `pauses_at`."""
    rng = np.random.default_rng(0)
    audio = rng.normal(0, 0.2, int(seconds * RATE)).astype(np.float32)
    for centre in pauses_at:
        audio[int((centre - 0.5) * RATE) : int((centre + 0.5) * RATE)] = 0.0
    return audio


def test_short_recording_is_one_window() -> None:
    audio = speech_with_pauses(70, [])
    assert plan_windows(len(audio), RATE, 60, audio) == [(0, len(audio))]


def test_cuts_fall_in_the_pauses_and_cover_everything() -> None:
    pauses = [58.0, 127.0, 181.0]
    audio = speech_with_pauses(240, pauses)
    windows = plan_windows(len(audio), RATE, 60, audio)
    assert windows[0][0] == 0 and windows[-1][1] == len(audio)
    for (_, end), (start, _) in itertools.pairwise(windows):
        assert end == start  # no gap, no overlap
    cuts = [end / RATE for _, end in windows[:-1]]
    assert len(cuts) == 3
    for cut, pause in zip(cuts, pauses, strict=True):
        assert abs(cut - pause) < 0.5, (cut, pause)


def test_continuous_sound_still_gets_bounded_windows() -> None:
    audio = speech_with_pauses(300, [])
    windows = plan_windows(len(audio), RATE, 60, audio)
    assert all((end - start) / RATE <= 60 * 1.25 + 15 for start, end in windows)
    assert windows[-1][1] == len(audio)
