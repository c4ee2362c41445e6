"""Decode any audio or video file to 16 kHz mono float32, once, into a file on disk.

The decoded samples are written by an ffmpeg process straight to disk and read back through a
memory map, so a 3-hour recording (about 700 MB as float32) is never held in memory twice:
stages read the windows they need and the operating system pages the rest in and out.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np

from gijiroku.domain import SAMPLE_RATE, Progress, clock, no_progress
from gijiroku.errors import (
    AudioDecodeError,
    AudioFileNotFoundError,
    DiskFullError,
    EmptyAudioError,
    FfmpegNotFoundError,
    IncompleteRecordingError,
    NoAudioStreamError,
    RecordingTooLongError,
    ZeroDurationError,
)

SAMPLE_DTYPE = np.dtype("<f4")
#: The decoded samples' file in a meeting's folder: made for a job, removed when it ends
#: (230 MB an hour of recording), made again if a later re-run needs it.
DECODED_NAME = "audio.f32"
_STDERR_TAIL = 2_000
#: Kept free below the reserve when decoding: ffmpeg stops writing only after a chunk passes
#: its size limit.
_SLACK = 1024 * 1024


#: Demuxers that read other files or addresses than the one they are given: playlists,
#: lists of files, image sequences, session descriptions, scripts, generated sources. A
#: recording never needs one, and one would let an upload read files outside its folder.
REFERENCING_FORMATS = frozenset({
    "hls", "applehttp", "concat", "image2", "dash", "sdp", "rtp", "rtsp", "imf",
    "webm_dash_manifest", "avisynth", "vapoursynth", "lavfi", "ffmetadata",
})


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What probing a recording found, before decoding it."""

    duration: float | None  # seconds, None when the container does not say
    codec: str
    sample_rate: int
    channels: int
    container: str  # the demuxer that reads it (decoding is told to use that one alone)
    has_video: bool


@dataclass(frozen=True, slots=True)
class Limits:
    """What a recording may cost: its length (GIJIROKU_MAX_DURATION_HOURS) and the disk space
    that must stay free once its decoded samples are written (GIJIROKU_MIN_FREE_MB)."""

    max_seconds: float | None = None
    min_free_bytes: int = 0


def decoded_bytes(seconds: float) -> int:
    """Disk space the decoded samples of `seconds` of audio take (float32, 16 kHz mono:
    230 MB an hour)."""
    return int(seconds * SAMPLE_RATE + 1) * SAMPLE_DTYPE.itemsize


def _hours(seconds: float) -> str:
    return clock(seconds, pad_hours=False)


def check_limits(duration: float | None, name: str, limits: Limits, folder: Path) -> None:
    """Refuse, before decoding, a recording whose declared `duration` is longer than allowed
    or whose decoded samples would not fit in `folder`'s file system with the required
    space left over."""
    if duration is None:
        return  # not declared: `decode` stops at the limit instead
    if limits.max_seconds is not None and duration > limits.max_seconds:
        raise RecordingTooLongError(
            f"The recording {name!r} lasts {_hours(duration)}, longer than the "
            f"{_hours(limits.max_seconds)} allowed (GIJIROKU_MAX_DURATION_HOURS).",
            duration=_hours(duration), limit=_hours(limits.max_seconds))
    check_free_space(folder, decoded_bytes(duration), limits.min_free_bytes, name)


def check_free_space(folder: Path, needed: int, keep_free: int, name: str) -> None:
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    if free - needed < keep_free:
        raise DiskFullError(
            f"Not enough disk space for {name!r}: its decoded audio needs "
            f"{needed / 1e6:,.0f} MB and {keep_free / 1e6:,.0f} MB must stay free, but only "
            f"{free / 1e6:,.0f} MB are free (GIJIROKU_DATA_DIR, GIJIROKU_MIN_FREE_MB).",
            needed=f"{needed / 1e6:,.0f}", free=f"{free / 1e6:,.0f}")


def _riff_size(path: Path) -> int | None:
    """The size a RIFF file (WAV, and the BWF files of broadcast recorders) says it has, or
    None when it is not one or its recorder left the size open (0 or 0xFFFFFFFF)."""
    with path.open("rb") as handle:
        head = handle.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    declared = int.from_bytes(head[4:8], "little")
    if declared in (0, 0xFFFFFFFF):
        return None
    return declared + 8


def check_complete(path: Path, info: AudioInfo, name: str) -> None:
    """Refuse a file that holds much less than its header declares, as one still being
    copied does: the last seconds it declares must be there to be read. Raises
    `IncompleteRecordingError`; a file that declares no length passes."""
    import av

    size = path.stat().st_size
    declared_size = _riff_size(path)
    if declared_size is not None and declared_size > size * 1.02:
        # WAV: the decoder counts only what is there, the header says what will be
        found = info.duration or 0.0
        raise IncompleteRecordingError(
            f"The recording {name!r} declares {declared_size / 1e6:,.1f} MB but holds only "
            f"{size / 1e6:,.1f} MB ({_hours(found)}): it may still be being copied.",
            declared=_hours(found * declared_size / size), found=_hours(found))
    if info.duration is None or info.duration < 2:
        return
    target = info.duration * 0.9  # headers round; a tenth short is still a copy in progress
    reached = 0.0
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            with contextlib.suppress(av.error.FFmpegError):  # not seekable: from the start
                container.seek(int(target * 1_000_000), any_frame=False, backward=True)
            for frame in container.decode(stream):
                if frame.time is not None:
                    reached = max(reached, float(frame.time))
                if reached >= target:
                    return
    except av.error.FFmpegError:
        pass  # a cut-off tail fails to decode: what was reached decides
    if reached < target:
        raise IncompleteRecordingError(
            f"The recording {name!r} declares {_hours(info.duration)} but holds only about "
            f"{_hours(reached)}: it may still be being copied.",
            declared=_hours(info.duration), found=_hours(reached))


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
            formats = container.format.name.split(",")
            if REFERENCING_FORMATS.intersection(formats):
                raise AudioDecodeError(
                    f"The file {name!r} is a {formats[0]} file, which points to other files "
                    "or addresses: give the recording itself.",
                    code="audio_references_files", value=formats[0])
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
                container=formats[0],
                has_video=bool(container.streams.video),
            )
    except av.error.FFmpegError as exc:
        raise AudioDecodeError(
            f"The file {name!r} is not a recording that can be decoded ({exc.strerror})."
        ) from exc


def recorded_at(path: str | os.PathLike[str]) -> datetime | None:
    """When the recording was made, as its file says (local time): an MP4/M4A/MOV
    `creation_time` (UTC, made local), or a Broadcast WAV's `origination_date` and
    `origination_time` (IC recorders; local already). None when it says nothing usable."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            tags = {**{k.lower(): v for k, v in container.metadata.items()},
                    **{k.lower(): v for s in container.streams.audio[:1]
                       for k, v in s.metadata.items() if k.lower() not in container.metadata}}
    except (av.error.FFmpegError, OSError):
        return None
    # FFmpeg reads a Broadcast WAV's origination date and time as `date` and a
    # `creation_time` holding the time alone
    day = tags.get("origination_date") or tags.get("date") or ""
    clock_time = tags.get("origination_time") or tags.get("creation_time") or ""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) and \
                re.fullmatch(r"\d{2}[:-]\d{2}[:-]\d{2}", clock_time):
            return datetime.fromisoformat(f"{day}T{clock_time.replace('-', ':')}")
        if tags.get("creation_time"):
            made = datetime.fromisoformat(tags["creation_time"].replace("Z", "+00:00"))
            if made.year < 1990:  # a recorder whose clock was never set (1970, 1904)
                return None
            return made.astimezone().replace(tzinfo=None) if made.tzinfo else made
    except ValueError:
        return None
    return None


def decode(
    source: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    duration_hint: float | None = None,
    progress: Progress = no_progress,
    name: str | None = None,
    limits: Limits | None = None,
    container: str | None = None,
) -> float:
    """Decode `source` to raw 16 kHz mono float32 at `destination`; return the duration.

    The output is written to a temporary name and renamed when complete, so a crash never
    leaves a truncated file that looks finished. With `limits`, a recording that declares
    its length is refused before anything is written when it is too long or too big for the
    disk, and one that does not declare it is stopped at the longest length allowed.
    ffmpeg reads `source` with the demuxer probing found (`container`, probed now when not
    given) and the plain file protocol alone, never by its name or what its content claims.
    """
    source, destination = Path(source), Path(destination)
    name = name or source.name
    _check_file(source, name)
    container = container or probe(source, name=name).container
    destination.parent.mkdir(parents=True, exist_ok=True)
    limits = limits or Limits()
    check_limits(duration_hint, name, limits, destination.parent)
    # a name of this run's own: two jobs of one meeting may decode it at once
    partial = destination.with_name(f"{destination.name}.{os.getpid()}-"
                                    f"{secrets.token_hex(3)}.part")
    stop_at = [] if limits.max_seconds is None else ["-t", f"{limits.max_seconds + 1:.0f}"]
    # the reserve holds whatever the header says: ffmpeg writes no more than leaves it free
    room = None
    if limits.min_free_bytes:
        room = shutil.disk_usage(destination.parent).free - limits.min_free_bytes - _SLACK
        stop_at += ["-fs", str(max(room, 0))]
    command = [
        find_ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error",
        *_only(source, container), "-map", "0:a:0", "-vn", "-sn", "-dn", *stop_at,
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
        written = partial.stat().st_size if partial.exists() else 0
        partial.unlink(missing_ok=True)
        detail = stderr.strip()[-_STDERR_TAIL:] or f"ffmpeg exited with status {code}"
        if "No space left on device" in detail:
            raise DiskFullError(
                f"The disk filled up while decoding {name!r} ({written / 1e6:,.0f} MB "
                "written); free some space and retry.",
                needed=f"{written / 1e6:,.0f}", free="0")
        raise AudioDecodeError(f"The recording {name!r} could not be decoded: {detail}")
    written = partial.stat().st_size
    if room is not None and written >= room:
        partial.unlink(missing_ok=True)  # it lied about its length, or the disk filled
        raise DiskFullError(
            f"Decoding {name!r} was stopped at {written / 1e6:,.0f} MB: more would leave less "
            f"than the {limits.min_free_bytes / 1e6:,.0f} MB that must stay free "
            "(GIJIROKU_MIN_FREE_MB); free some space and retry.",
            needed=f"> {written / 1e6:,.0f}", free=f"{(room + _SLACK) / 1e6:,.0f}")
    samples = written // SAMPLE_DTYPE.itemsize
    if samples == 0:
        partial.unlink(missing_ok=True)
        raise ZeroDurationError(f"The recording {name!r} contains no audio samples.")
    if limits.max_seconds is not None and samples / SAMPLE_RATE > limits.max_seconds:
        partial.unlink(missing_ok=True)  # it declared no length, or a wrong one
        raise RecordingTooLongError(
            f"The recording {name!r} is longer than the {_hours(limits.max_seconds)} allowed "
            "(GIJIROKU_MAX_DURATION_HOURS).",
            duration=f"> {_hours(limits.max_seconds)}", limit=_hours(limits.max_seconds))
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
        find_ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error",
        *_only(source, probe(source).container),
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


def _only(source: Path, container: str) -> list[str]:
    """ffmpeg's input options for `source` read as `container` from the file alone."""
    if container in REFERENCING_FORMATS:
        raise AudioDecodeError(f"{container} files point to other files; not read.",
                               code="audio_references_files", value=container)
    return ["-protocol_whitelist", "file", "-f", container, "-i", str(source)]


def load(path: str | os.PathLike[str]) -> np.memmap:
    """Map a decoded file read-only: no copy is made until a caller slices and copies."""
    return np.memmap(path, dtype=SAMPLE_DTYPE, mode="r")

