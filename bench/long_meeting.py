"""Build a long synthetic meeting with six espeak-ng voices and its reference turns.

    .venv/bin/python bench/long_meeting.py --minutes 60 --out .cache/bench/meeting-60.flac

Turns are drawn at random (fixed seed) from a bank of council-style sentences; each speaker
holds the floor for one to four sentences, with pauses between turns. The reference
(`<out>.json`) lists every turn's speaker, start and end, for DER and speaker counts.
The audio is written in pieces straight to ffmpeg, so an hour never sits in memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gijiroku.audio import find_ffmpeg  # noqa: E402

RATE = 22_050
VOICES = [  # (espeak-ng voice, words per minute, pitch)
    ("en-us+m3", 150, 40), ("en-gb+f3", 160, 70), ("en-us+m7", 140, 20),
    ("en-gb-x-rp+f4", 155, 85), ("en-029+m2", 165, 50), ("en-gb-scotland+f2", 150, 60),
]
SENTENCES = [
    "I would like to ask about the schedule for the new community centre.",
    "The budget for road repairs was increased by five percent this year.",
    "Residents in the north district have asked for more frequent buses.",
    "We should consider the cost of maintenance over the next ten years.",
    "The committee received three proposals for the school lunch programme.",
    "I agree with the previous speaker, but the timeline seems too short.",
    "Could the finance office explain why the estimate changed since June?",
    "The survey shows that most families support longer library hours.",
    "Our city has fewer staff every year, so we must use our time carefully.",
    "Let us move to the next item on the agenda.",
    "The disaster preparedness drill will take place in the autumn.",
    "I propose that we postpone the decision until the next meeting.",
    "The report from the environment section is attached to today's papers.",
    "Thank you for the explanation. I have one more question.",
    "Snow removal costs were higher than expected last winter.",
    "The tourism office expects more visitors after the new station opens.",
]


def synthesize(text: str, voice: tuple[str, int, int], folder: Path) -> np.ndarray:
    name, speed, pitch = voice
    out = folder / "line.wav"
    subprocess.run(["espeak-ng", "-v", name, "-s", str(speed), "-p", str(pitch), "-w",
                    str(out), text], check=True)
    with wave.open(str(out)) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), "<i2")
    loud = np.flatnonzero(np.abs(samples) > 300)
    return samples[loud[0] : loud[-1] + 1] if loud.size else samples


def build(minutes: float, out: Path, speakers: int = 6, seed: int = 11) -> Path:
    rng = np.random.default_rng(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg = subprocess.Popen(
        [find_ffmpeg(), "-nostdin", "-loglevel", "error", "-y", "-f", "s16le", "-ar",
         str(RATE), "-ac", "1", "-i", "pipe:0", "-ar", "16000", "-c:a", "flac", str(out)],
        stdin=subprocess.PIPE,
    )
    assert ffmpeg.stdin is not None
    turns, cursor, total = [], 0, int(minutes * 60 * RATE)
    with tempfile.TemporaryDirectory() as tmp:
        speaker = 0
        while cursor < total:
            speaker = (speaker + int(rng.integers(1, speakers))) % speakers  # someone else
            start = cursor
            for _ in range(int(rng.integers(1, 5))):
                line = synthesize(str(rng.choice(SENTENCES)), VOICES[speaker], Path(tmp))
                gap = np.zeros(int(rng.uniform(0.2, 0.5) * RATE), "<i2")
                ffmpeg.stdin.write(line.tobytes() + gap.tobytes())
                cursor += len(line) + len(gap)
            turns.append({"speaker": f"voice{speaker + 1}", "start": round(start / RATE, 3),
                          "end": round((cursor - len(gap)) / RATE, 3)})
            pause = np.zeros(int(rng.uniform(0.5, 1.5) * RATE), "<i2")
            ffmpeg.stdin.write(pause.tobytes())
            cursor += len(pause)
    ffmpeg.stdin.close()
    if ffmpeg.wait() != 0:
        raise RuntimeError("ffmpeg failed")
    reference = {"duration": round(cursor / RATE, 3), "speakers": speakers, "turns": turns}
    out.with_suffix(".json").write_text(json.dumps(reference) + "\n")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(build(args.minutes, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
