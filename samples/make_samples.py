"""Regenerate the sample recordings in this folder with espeak-ng (Debian: apt install espeak-ng).

Writes, for each sample, `<name>.flac` (16 kHz mono) and `<name>.json`: the script with the
speaker and the start and end time of every line, a reference for tests and benchmarks.

    python samples/make_samples.py            # all samples
    python samples/make_samples.py --check    # exit 1 if espeak-ng is missing

The recordings are synthetic speech made here, so the project may redistribute them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RATE = 22_050  # espeak-ng's own output rate

#: Voices chosen to sound clearly different: (espeak-ng voice, words per minute, pitch).
VOICES = {
    "Chair Tanaka": ("en-us+m3", 150, 40),
    "Ms. Suzuki": ("en-gb+f3", 160, 70),
    "Mr. Sato": ("en-us+m7", 145, 25),
}

COMMITTEE_MEETING = [
    ("Chair Tanaka", "Good morning everyone. I call the education committee meeting to order."),
    ("Chair Tanaka", "The first item on the agenda is the opening hours of the city library."),
    ("Ms. Suzuki", "Thank you, chair. Many residents asked us to open the library on Sunday "
                   "mornings, because they work on weekdays."),
    ("Mr. Sato", "I support the idea, but we need two more staff members for Sunday shifts."),
    ("Ms. Suzuki", "The budget office says we can move two part-time positions from the "
                   "evening shift."),
    ("Chair Tanaka", "Then we decide to open the library on Sunday mornings from April, "
                     "as a one year trial."),
    ("Mr. Sato", "I will prepare the new staff schedule and send it to the committee "
                 "by the end of February."),
    ("Ms. Suzuki", "And I will write the announcement for the city newsletter."),
    ("Chair Tanaka", "Thank you both. The meeting is adjourned."),
]

SAMPLES = {"committee-meeting-en": COMMITTEE_MEETING}


def synthesize(text: str, voice: str, speed: int, pitch: int, workdir: Path) -> np.ndarray:
    out = workdir / "line.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(out), text],
        check=True,
    )
    with wave.open(str(out)) as reader:
        assert reader.getframerate() == RATE and reader.getnchannels() == 1
        frames = reader.readframes(reader.getnframes())
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    # espeak-ng pads each utterance with silence; trim it so the reference times are tight.
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    return samples[loud[0] : loud[-1] + 1] if loud.size else samples


def build(
    name: str,
    script: list[tuple[str, str]],
    out_dir: Path,
    seed: int = 7,
    voices: dict[str, tuple[str, int, int]] | None = None,
) -> Path:
    """Write `<name>.flac` and `<name>.json` to `out_dir`; returns the recording's path.
    `voices` maps each speaker of the script to (espeak-ng voice, words per minute, pitch)."""
    voices = VOICES if voices is None else voices
    rng = np.random.default_rng(seed)
    pieces: list[np.ndarray] = [np.zeros(int(0.8 * RATE), np.float32)]
    lines = []
    cursor = len(pieces[0])
    with tempfile.TemporaryDirectory() as tmp:
        for speaker, text in script:
            voice, speed, pitch = voices[speaker]
            speech = synthesize(text, voice, speed, pitch, Path(tmp))
            lines.append(
                {
                    "speaker": speaker,
                    "start": round(cursor / RATE, 3),
                    "end": round((cursor + len(speech)) / RATE, 3),
                    "text": text,
                }
            )
            pause = np.zeros(int(rng.uniform(0.6, 1.2) * RATE), np.float32)
            pieces += [speech, pause]
            cursor += len(speech) + len(pause)
    audio = np.concatenate(pieces)
    audio += rng.normal(0.0, 0.002, audio.shape).astype(np.float32)  # a quiet room, not silence
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    target = out_dir / f"{name}.flac"
    subprocess.run(
        [_ffmpeg(), "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(RATE), "-ac", "1",
         "-i", "pipe:0", "-ar", "16000", "-c:a", "flac", str(target)],
        input=pcm.tobytes(),
        check=True,
    )
    reference = {"language": "en", "duration": round(len(audio) / RATE, 3), "lines": lines}
    (out_dir / f"{name}.json").write_text(json.dumps(reference, indent=2) + "\n")
    return target


def _ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that espeak-ng exists")
    args = parser.parse_args()
    if shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed (Debian: apt install espeak-ng)", file=sys.stderr)
        return 1
    if args.check:
        return 0
    for name, script in SAMPLES.items():
        target = build(name, script, HERE)
        print(f"wrote {target.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
