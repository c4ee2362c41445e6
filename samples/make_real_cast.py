"""Build `samples/cast/real/`: twelve meetings spoken by real people, for choosing and
checking the diarizer's clustering on voices that are not synthetic.

    python samples/make_real_cast.py LIBRISPEECH_DIR

LIBRISPEECH_DIR holds LibriSpeech recordings (CC BY 4.0, openslr.org/12) as the corpus lays
them out: `librispeech_test-other/<reader>/<reader>-<chapter>-<n>.flac` (ten readers, ten
utterances each) and `librispeech_train-clean-100/*.flac` (one utterance each of other
readers), each folder with the corpus's SPEAKERS.TXT. That is the layout of the
`audio_data` folder of the Resemblyzer repository, which carries that selection; the full
corpus's folders serve as well. The recordings are committed: only rebuilding them needs it.

Each meeting puts three to five readers in one room: every utterance is trimmed of its
leading and trailing silence, cut at a pause when longer than six seconds, brought to one
loudness, and the whole meeting goes through
one room (a short reverberation and a noise floor), so that readers recorded on different
microphones do not stand apart by their microphones alone. Turns follow each other after
0.3-0.9 s. Four meetings have a visitor who speaks once (a reader of train-clean). Nothing
in them was used to write the diarizer; `bench/diarize_sweep.py --real` sweeps them.
Each `<name>.json` holds who speaks when (LibriSpeech reader ids, as "reader 1688").
`samples/cast/real-check/` (`CHECK`, eight meetings, seven visitors) is built the same way
to check a choice made on the first set.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "cast" / "real"
RATE = 16000

#: The meetings: readers of test-other (three to five) in the order of their turns, and a
#: visitor (a train-clean reader, by index in the sorted folder) who speaks after the turn
#: given. Chosen before any run: mixed, all-female and all-male rooms.
MEETINGS: dict[str, dict[str, object]] = {
    "r1": {"readers": ["1688", "1998", "2033", "3080"], "turns": 12},
    "r2": {"readers": ["2414", "367", "2609"], "turns": 10},
    "r3": {"readers": ["3005", "3331", "533", "1688", "1998"], "turns": 14},
    "r4": {"readers": ["1998", "3080", "3331", "367"], "turns": 12},  # four women
    "r5": {"readers": ["1688", "2033", "2414", "2609"], "turns": 12},  # four men
    "r6": {"readers": ["533", "3005", "2033"], "turns": 10, "visitor": (40, 5)},
    "r7": {"readers": ["2609", "3080", "367", "3005"], "turns": 12},
    "r8": {"readers": ["3331", "533", "367"], "turns": 10},  # three women
    "r9": {"readers": ["2033", "3005", "2414"], "turns": 10, "visitor": (120, 6)},  # men
    "r10": {"readers": ["1998", "2609", "533", "1688", "3331"], "turns": 14,
            "visitor": (200, 8)},
    "r11": {"readers": ["3080", "2414", "1998"], "turns": 10},
    "r12": {"readers": ["367", "1688", "3005", "533"], "turns": 12, "visitor": (7, 4)},
}
#: A second set, `samples/cast/real-check/`, made to check a choice made on the first: the
#: same readers in other rooms and orders, and six other visitors (one meeting has two).
#: Written before any run of it.
CHECK: dict[str, dict[str, object]] = {
    "q1": {"readers": ["3005", "367", "2414", "3331"], "turns": 12, "visitors": [(15, 4)]},
    "q2": {"readers": ["1998", "3080", "367"], "turns": 10,  # three women
           "visitors": [(60, 7)]},
    "q3": {"readers": ["2033", "2414", "2609", "1688"], "turns": 12},  # four men
    "q4": {"readers": ["533", "1688", "3080", "2033", "3331"], "turns": 14,
           "visitors": [(95, 3), (150, 10)]},
    "q5": {"readers": ["2609", "1998", "3005"], "turns": 9, "visitors": [(180, 2)]},
    "q6": {"readers": ["367", "533", "2414", "1998"], "turns": 12},
    "q7": {"readers": ["533", "3331", "3005"], "turns": 10, "visitors": [(230, 8)]},
    "q8": {"readers": ["3080", "2033", "1688", "367", "2609"], "turns": 14,
           "visitors": [(110, 6)]},
}
CHECK_OUT = HERE / "cast" / "real-check"
LOUDNESS = 0.05  # RMS of every utterance's speech
NOISE = 0.0005  # RMS of the room's noise floor
LONGEST_S = 6.0  # a longer utterance is cut at its quietest moment after SHORTEST_S
SHORTEST_S = 3.0
REVERB_S = 0.25  # the room's reverberation: time for its tail to fall by 60 dB


def _read(path: Path) -> np.ndarray:
    import soundfile

    samples, rate = soundfile.read(path, dtype="float32")
    if rate != RATE:
        raise SystemExit(f"{path}: {rate} Hz, expected {RATE}")
    return np.asarray(samples)


def _trimmed(samples: np.ndarray) -> np.ndarray:
    """The utterance from its first to its last 20-ms frame within 30 dB of its loudest."""
    frames = samples[: len(samples) // 320 * 320].reshape(-1, 320)
    energy = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12)
    voiced = np.flatnonzero(energy > energy.max() - 30)
    return samples[voiced[0] * 320:(voiced[-1] + 1) * 320]


def _cut(samples: np.ndarray) -> np.ndarray:
    """An utterance longer than LONGEST_S cut at its quietest 20-ms frame between SHORTEST_S
    and LONGEST_S (where the reader paused), so that turns are as long as in a meeting."""
    if len(samples) <= LONGEST_S * RATE:
        return samples
    first, last = int(SHORTEST_S * RATE) // 320, int(LONGEST_S * RATE) // 320
    frames = samples[first * 320:last * 320].reshape(-1, 320)
    quiet = first + int(np.argmin(np.mean(frames ** 2, axis=1)))
    return _trimmed(samples[:quiet * 320])


def _room(samples: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The meeting heard in one room: an exponentially decaying reverberation tail (mixed
    under the direct sound) and a noise floor."""
    length = int(REVERB_S * RATE)
    tail = rng.standard_normal(length) * np.exp(-6.9 * np.arange(length) / length)
    tail[0] = 0.0
    tail *= 0.3 / np.sqrt(np.sum(tail ** 2))
    wet = np.convolve(samples, tail)[: len(samples)]
    return samples + wet + NOISE * rng.standard_normal(len(samples))


def build(name: str, source: Path, out: Path = OUT) -> Path:
    import soundfile

    plan = MEETINGS.get(name) or CHECK[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    readers = list(plan["readers"])  # type: ignore[call-overload]
    utterances = {r: sorted((source / "librispeech_test-other" / r).glob("*.flac"))
                  for r in readers}
    singles = sorted((source / "librispeech_train-clean-100").glob("*.flac"))
    later = [readers[i % len(readers)] for i in range(len(readers), int(plan["turns"]))]  # type: ignore[call-overload]
    rng.shuffle(later)  # everyone speaks once first, then in any order
    order = readers + later
    turns: list[tuple[str, Path]] = []
    used: dict[str, int] = {}
    for reader in order:
        files = utterances[reader]
        pick = (used.get(reader, int(rng.integers(len(files))))) % len(files)
        used[reader] = pick + 1
        turns.append((f"reader {reader}", files[pick]))
    visitors = [plan["visitor"]] if "visitor" in plan else plan.get("visitors", [])
    for index, after in visitors:  # type: ignore[attr-defined]
        visitor = singles[index]
        turns.insert(after, (f"visitor {visitor.name.split('-')[0]}", visitor))
    pieces: list[np.ndarray] = [np.zeros(int(0.5 * RATE), dtype=np.float32)]
    lines = []
    at = 0.5
    for speaker, path in turns:
        speech = _cut(_trimmed(_read(path)))
        speech = speech * (LOUDNESS / (np.sqrt(np.mean(speech ** 2)) + 1e-9))
        lines.append({"speaker": speaker, "start": round(at, 3),
                      "end": round(at + len(speech) / RATE, 3), "text": "",
                      "source": path.name})
        gap = float(rng.uniform(0.3, 0.9))
        pieces += [speech.astype(np.float32), np.zeros(int(gap * RATE), dtype=np.float32)]
        at += len(speech) / RATE + int(gap * RATE) / RATE
    meeting = _room(np.concatenate(pieces), rng)
    meeting = np.clip(meeting, -1.0, 1.0).astype(np.float32)
    out.mkdir(parents=True, exist_ok=True)
    soundfile.write(out / f"{name}.flac", meeting, RATE, subtype="PCM_16")
    script = {"language": "en", "duration": round(len(meeting) / RATE, 3), "lines": lines,
              "source": "LibriSpeech (CC BY 4.0), readers as in its SPEAKERS.TXT"}
    (out / f"{name}.json").write_text(json.dumps(script, indent=1) + "\n", encoding="utf-8")
    return out / f"{name}.flac"


def main() -> int:
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "librispeech_test-other").is_dir():
        print(__doc__)
        return 2
    for name in MEETINGS:
        print(build(name, Path(sys.argv[1])))
    for name in CHECK:
        print(build(name, Path(sys.argv[1]), CHECK_OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
