"""Decode any audio or video file to 16 kHz mono float32, once, into a file on disk.

The decoded samples are written by an ffmpeg process straight to disk and read back through a
memory map, so a 3-hour recording (about 700 MB as float32) is never held in memory twice:
stages read the windows they need and the operating system pages the rest in and out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from gijiroku.domain import SAMPLE_RATE, Progress, no_progress
from gijiroku.errors import (
    AudioDecodeError,
    AudioFileNotFoundError,
    EmptyAudioError,
    FfmpegNotFoundError,
    NoAudioStreamError,
    ZeroDurationError,
)

SAMPLE_DTYPE = np.dtype("<f4")
_STDERR_TAIL = 2_000


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What probing a recording found, before decoding it."""

    duration: float | None  # seconds, None when the container does not say
    codec: str
    sample_rate: int
    channels: int
    container: str
    has_video: bool


@lru_cache(maxsize=1)
def find_ffmpeg() -> str:
    """The system ffmpeg when there is one, else the binary the imageio-ffmpeg wheel ships."""
    system = shutil.which("ffmpeg")
    if system:
        return system
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as exc:
        raise FfmpegNotFoundError(
            "ffmpeg was not found: install it (apt install ffmpeg) or the imageio-ffmpeg package"
        ) from exc


def _check_file(path: Path, name: str) -> None:
    if not path.is_file():
        raise AudioFileNotFoundError(f"The recording {name!r} does not exist.")
    if path.stat().st_size == 0:
        raise EmptyAudioError(f"The recording {name!r} is empty (0 bytes).")


def probe(path: str | os.PathLike[str], *, name: str | None = None) -> AudioInfo:
    """Read the container's header: audio stream, codec and duration.

    Raises a typed `AudioError` for a missing, empty, undecodable or audio-less file; messages
    call the file `name` (what the person uploaded) rather than its stored path.
    """
    import av  # PyAV ships with faster-whisper; imported lazily as it loads FFmpeg libraries

    path = Path(path)
    name = name or path.name
    _check_file(path, name)
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            audio = container.streams.audio
            if not audio:
                raise NoAudioStreamError(
                    f"The file {name!r} has no audio track "
                    f"(container {container.format.name})."
                )
            stream = audio[0]
            duration: float | None = None
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / 1_000_000
            return AudioInfo(
                duration=duration,
                codec=stream.codec_context.name,
                sample_rate=stream.codec_context.sample_rate or 0,
                channels=stream.codec_context.channels or 0,
                container=container.format.name,
                has_video=bool(container.streams.video),
            )
    except av.error.FFmpegError as exc:
        raise AudioDecodeError(
            f"The file {name!r} is not a recording that can be decoded ({exc.strerror})."
        ) from exc


def decode(
    source: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    duration_hint: float | None = None,
    progress: Progress = no_progress,
    name: str | None = None,
) -> float:
    """Decode `source` to raw 16 kHz mono float32 at `destination`; return the duration.

    The output is written to a temporary name and renamed when complete, so a crash never
    leaves a truncated file that looks finished.
    """
    source, destination = Path(source), Path(destination)
    name = name or source.name
    _check_file(source, name)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    command = [
        find_ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error",
        "-i", str(source), "-map", "0:a:0", "-vn", "-sn", "-dn",
        "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_f32le", "-f", "f32le",
        "-progress", "pipe:1", "-nostats", "-y", str(partial),
    ]
    total = duration_hint or 0.0
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        text=True, errors="replace",
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        for line in process.stdout:
            if line.startswith("out_time_us=") and total > 0:
                value = line.partition("=")[2].strip()
                if value.isdigit():
                    progress("decode", min(int(value) / 1e6, total), total)
        stderr = process.stderr.read()
        code = process.wait()
    if code != 0:
        partial.unlink(missing_ok=True)
        detail = stderr.strip()[-_STDERR_TAIL:] or f"ffmpeg exited with status {code}"
        raise AudioDecodeError(f"The recording {name!r} could not be decoded: {detail}")
    samples = partial.stat().st_size // SAMPLE_DTYPE.itemsize
    if samples == 0:
        partial.unlink(missing_ok=True)
        raise ZeroDurationError(f"The recording {name!r} contains no audio samples.")
    os.replace(partial, destination)
    duration = samples / SAMPLE_RATE
    progress("decode", duration, duration)
    return duration


#: Containers every current browser's <audio> element plays; others get a transcoded copy.
BROWSER_PLAYABLE = frozenset({
    ".mp3", ".wav", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".mp4", ".aac", ".webm", ".weba",
})


#: The playable copy's name, beside the original in the meeting's folder.
PLAYBACK_NAME = "playback.ogg"


def playable(source: str | os.PathLike[str]) -> Path:
    """What the browser's player gets: the recording itself, or for a format browsers cannot
    play, its Ogg/Opus copy beside it (made now if not made yet)."""
    source = Path(source)
    if source.suffix.lower() in BROWSER_PLAYABLE:
        return source
    return playable_copy(source, source.with_name(PLAYBACK_NAME))


def playable_copy(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> Path:
    """An Ogg/Opus copy (mono, 32 kbit/s: enough for speech) of a recording the browser
    cannot play, such as WMA or AMR from IC recorders; made once, renamed when complete."""
    source, destination = Path(source), Path(destination)
    if destination.exists():
        return destination
    partial = destination.with_name(f"{destination.name}.{os.getpid()}.part")
    command = [
        find_ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(source),
        "-map", "0:a:0", "-vn", "-ac", "1", "-c:a", "libopus", "-b:a", "32k",
        "-f", "ogg", "-y", str(partial),
    ]
    result = subprocess.run(command, capture_output=True, text=True, errors="replace",
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        detail = result.stderr.strip()[-_STDERR_TAIL:]
        raise AudioDecodeError(f"The recording could not be made playable: {detail}")
    os.replace(partial, destination)
    return destination


def load(path: str | os.PathLike[str]) -> np.memmap:
    """Map a decoded file read-only: no copy is made until a caller slices and copies."""
    return np.memmap(path, dtype=SAMPLE_DTYPE, mode="r")

