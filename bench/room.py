"""Real voices as one microphone in a meeting room hears them: each speaker at a seat of
their own, the room's echo, and the hum of its air conditioning.

    .venv/bin/python bench/room.py [--rt60 0.4 0.8] [--snr 20]   # writes .cache/bench/room/

The real-voice meetings (samples/cast/real-check) were read by LibriSpeech readers, each on
a microphone of their own, then joined under one short echo, the same for every voice
(samples/make_real_cast.py). A council chamber or a committee room has one recorder on the
table: a voice far from it arrives weaker and later, with more echo, and every voice shares
the room's sound. This renders each meeting through a simulated room (pyroomacoustics'
image-source method in a shoebox room, its walls chosen to echo for `rt60` seconds):
every turn of a speaker is heard from that speaker's seat, 1 to 5 m from the recorder,
and a low noise of the room is added at `snr` dB below the speech. The scripts stay as
they were: the turns' times do not move (the echo only adds to their ends).

It is no recording of people in a room, but it is the difference between the two: the
same voices, heard as a room gives them. `bench/diarize_sweep.py --room` sweeps these.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FOLDER = ROOT / ".cache" / "bench" / "room"
REAL_CHECK = ROOT / "samples" / "cast" / "real-check"
#: A committee room: 10 m by 7 m, 3.2 m high, the recorder on the table near its middle.
ROOM = (10.0, 7.0, 3.2)
RECORDER = (5.0, 3.0, 0.8)
#: How far from the recorder a seat may be (m), and the seated speaker's mouth height.
NEAREST, FARTHEST, MOUTH = 1.0, 5.0, 1.2


def seats(count: int, rng: np.random.Generator) -> list[tuple[float, float, float]]:
    """`count` seats around the recorder, each 1-5 m from it and at least 1 m from another."""
    found: list[tuple[float, float, float]] = []
    while len(found) < count:
        distance = rng.uniform(NEAREST, FARTHEST)
        angle = rng.uniform(0, 2 * np.pi)
        x = RECORDER[0] + distance * np.cos(angle)
        y = RECORDER[1] + distance * np.sin(angle)
        if not (0.5 < x < ROOM[0] - 0.5 and 0.5 < y < ROOM[1] - 0.5):
            continue
        if all(np.hypot(x - a, y - b) >= 1.0 for a, b, _ in found):
            found.append((float(x), float(y), MOUTH))
    return found


def room_noise(samples: int, rng: np.random.Generator) -> np.ndarray:
    """Air-conditioning hum: noise falling 6 dB an octave (brown, high-passed at 40 Hz)."""
    from scipy.signal import butter, sosfilt

    white = rng.standard_normal(samples)
    brown = np.cumsum(white)
    brown = sosfilt(butter(2, 40, "highpass", fs=16000, output="sos"), brown)
    return brown / (np.std(brown) + 1e-12)


def render(path: Path, rt60: float, snr: float, seed: int, out: Path) -> Path:
    """`path`'s meeting as the room hears it, written to `out` (FLAC, with its script)."""
    import pyroomacoustics as pra
    import soundfile
    from scipy.signal import fftconvolve

    from gijiroku import audio
    from gijiroku.domain import SAMPLE_RATE

    script: dict[str, Any] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        audio.decode(path, Path(tmp) / "a.f32")
        dry = np.array(audio.load(Path(tmp) / "a.f32"), dtype=np.float64)
    rng = np.random.default_rng(seed)
    speakers = list(dict.fromkeys(line["speaker"] for line in script["lines"]))
    placed = dict(zip(speakers, seats(len(speakers), rng), strict=True))
    absorption, order = pra.inverse_sabine(rt60, ROOM)
    impulses: dict[str, np.ndarray] = {}
    for speaker, seat in placed.items():
        room = pra.ShoeBox(ROOM, fs=SAMPLE_RATE, materials=pra.Material(absorption),
                           max_order=min(order, 20))
        room.add_source(seat)
        room.add_microphone(RECORDER)
        room.compute_rir()
        impulses[speaker] = np.asarray(room.rir[0][0])
    wet = np.zeros(len(dry) + max(len(h) for h in impulses.values()))
    starts = [line["start"] for line in script["lines"]]
    for number, line in enumerate(script["lines"]):
        # a turn runs until the next one starts: its pause is heard from the same seat
        begin = 0 if number == 0 else int(starts[number] * SAMPLE_RATE)
        end = len(dry) if number + 1 == len(starts) else int(starts[number + 1] * SAMPLE_RATE)
        heard = fftconvolve(dry[begin:end], impulses[line["speaker"]])
        wet[begin:begin + len(heard)] += heard
    wet = wet[:len(dry)]
    speech = np.sqrt(np.mean(wet[np.abs(wet) > 1e-4] ** 2))
    wet += room_noise(len(wet), rng) * speech / (10 ** (snr / 20))
    wet *= 0.5 / (np.max(np.abs(wet)) + 1e-12)
    out.mkdir(parents=True, exist_ok=True)
    target = out / path.name
    soundfile.write(target, wet.astype(np.float32), SAMPLE_RATE, format="FLAC")
    script["room"] = {"rt60": rt60, "snr": snr, "seed": seed, "size": ROOM,
                      "recorder": RECORDER, "seats": placed}
    target.with_suffix(".json").write_text(json.dumps(script, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
    return target


def rendered(rt60s: tuple[float, ...] = (0.4, 0.8), snr: float = 20.0,
             out: Path = FOLDER) -> list[Path]:
    """Every real-check meeting in a room, each room's echo taken in turn from `rt60s`
    (made once: kept under .cache/bench/room)."""
    made = []
    sources = sorted(REAL_CHECK.glob("q*.flac"), key=lambda p: int(p.stem[1:]))
    for number, path in enumerate(sources):
        rt60 = rt60s[number % len(rt60s)]
        folder = out / f"rt60-{rt60:.1f}-snr-{snr:.0f}"
        target = folder / path.name
        made.append(target if target.is_file() else render(path, rt60, snr, number, folder))
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rt60", type=float, nargs="+", default=[0.4, 0.8])
    parser.add_argument("--snr", type=float, default=20.0)
    args = parser.parse_args()
    for path in rendered(tuple(args.rt60), args.snr):
        room = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["room"]
        far = max(np.hypot(x - RECORDER[0], y - RECORDER[1]) for x, y, _ in
                  room["seats"].values())
        print(f"{path.relative_to(ROOT)}: RT60 {room['rt60']} s, SNR {room['snr']:.0f} dB, "
              f"{len(room['seats'])} seats, farthest {far:.1f} m")
    return 0


if __name__ == "__main__":
    sys.exit(main())
