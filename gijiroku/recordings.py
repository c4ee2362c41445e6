"""Taking in a recording: copy it into the data directory under a safe name, hash it, queue it.

The name a file arrives with is kept for display only; on disk the recording is stored as
`meetings/<id>/original.<ext>`, so `../`, absolute paths or NUL bytes in a name cannot reach
the file system; `<ext>` is the name's own only for audio and video formats (`bin` else), and
decoding never goes by it (`gijiroku.audio` reads the format probing found). The original
is copied in chunks (never read whole) and never modified.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from gijiroku import audit
from gijiroku.errors import AudioFileNotFoundError, EmptyAudioError
from gijiroku.options import MeetingOptions, checked_title
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import new_id

CHUNK = 1024 * 1024
_EXTENSION = re.compile(r"^[a-z0-9]{1,8}$")
#: Extensions a stored recording keeps (the player serves these as they are): audio and video
#: formats, IC recorders' included. Anything else is stored as `original.bin`.
MEDIA_EXTENSIONS = frozenset({
    "wav", "wave", "mp3", "m4a", "mp4", "m4v", "aac", "flac", "ogg", "oga", "opus", "webm",
    "weba", "wma", "wmv", "asf", "amr", "3gp", "3g2", "mkv", "mka", "mov", "avi", "aif",
    "aiff", "aifc", "caf", "au", "snd", "ac3", "mpg", "mpeg", "mp2", "ts", "mts", "m2ts",
    "wv", "ape", "dss", "ds2", "w64",
})


@dataclass(frozen=True, slots=True)
class Accepted:
    meeting_id: str
    job_id: str


def remove_partial_uploads(data_dir: Path) -> list[str]:
    """Uploads a killed process left half-written (`uploads/*.upload`), removed at start-up;
    a file another process is still receiving holds a lock and is left alone. Returns the
    names removed."""
    removed = []
    for path in sorted((data_dir / "uploads").glob("*.upload")):
        try:
            handle = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue
        else:
            path.unlink(missing_ok=True)
            removed.append(path.name)
        finally:
            os.close(handle)
    return removed


#: A temporary file nobody has written to for this long was left by a process that died
#: (ffmpeg writes a decode's `.part` continuously; a worker elsewhere may still be writing a
#: younger one).
ABANDONED_AFTER = 3600.0


def remove_abandoned_files(data_dir: Path, older_than: float = ABANDONED_AFTER) -> list[str]:
    """Temporary files a killed process left in the meetings' folders (`*.part`: a decode,
    a playable copy, a replaced recording) and not touched for `older_than` seconds, removed
    at start-up. Returns their paths relative to the data directory."""
    removed = []
    now = time.time()
    for path in sorted((data_dir / "meetings").glob("*/*.part")):
        try:
            if now - path.stat().st_mtime < older_than:
                continue
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path.relative_to(data_dir).as_posix())
    return removed


def meeting_dir(data_dir: Path, meeting_id: str) -> Path:
    return data_dir / "meetings" / meeting_id


def safe_extension(name: str) -> str:
    """The file's extension if it is plain letters and digits, else "bin"."""
    ext = os.path.splitext(os.path.basename(name.replace("\x00", "")))[1].lstrip(".").lower()
    return ext if _EXTENSION.match(ext) else "bin"


def stored_extension(name: str) -> str:
    """The extension the stored copy gets: the name's own for audio and video, else "bin"."""
    extension = safe_extension(name)
    return extension if extension in MEDIA_EXTENSIONS else "bin"


def display_title(name: str) -> str:
    """A title from a file name: its stem, with control characters and path parts removed."""
    base = re.split(r"[\\/]", name.replace("\x00", ""))[-1]
    stem = os.path.splitext(base)[0]
    cleaned = "".join(ch for ch in stem if ch.isprintable()).strip()
    return cleaned[:200] or "Untitled meeting"


def content_hash(source: Path, copy_to: Path | None = None) -> str:
    """The SHA-256 of a file's content, read once in chunks (a 3-hour recording never sits
    in memory); with `copy_to`, the file is copied there on the way."""
    digest = hashlib.sha256()
    with contextlib.ExitStack() as files:
        reader = files.enter_context(source.open("rb"))
        writer = None
        if copy_to is not None:
            copy_to.parent.mkdir(parents=True, exist_ok=True)
            writer = files.enter_context(copy_to.open("wb"))
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            if writer is not None:
                writer.write(chunk)
    return digest.hexdigest()


def is_prefix(start: Path, whole: Path) -> bool:
    """Whether the content of `start` is the beginning of `whole`'s (read in chunks)."""
    if start.stat().st_size > whole.stat().st_size:
        return False
    with start.open("rb") as first, whole.open("rb") as second:
        while chunk := first.read(CHUNK):
            if second.read(len(chunk)) != chunk:
                return False
    return True


def accept_file(
    engine: Engine,
    data_dir: Path,
    path: Path,
    *,
    title: str | None = None,
    options: MeetingOptions | None = None,
) -> Accepted:
    """Store a copy of `path` as a new meeting with a queued job."""
    if not path.is_file():
        raise AudioFileNotFoundError(f"The recording {path.name!r} does not exist.")
    if path.stat().st_size == 0:
        raise EmptyAudioError(f"The recording {path.name!r} is empty (0 bytes).")
    meeting_id = new_id()
    relative = Path("meetings") / meeting_id / f"original.{stored_extension(path.name)}"
    target = data_dir / relative
    digest = content_hash(path, copy_to=target)
    return _register(engine, data_dir, meeting_id, relative, path.name, digest,
                     title, options)


def accept_received(
    engine: Engine,
    data_dir: Path,
    received: Path,
    name: str,
    content_hash: str,
    *,
    title: str | None = None,
    options: MeetingOptions | None = None,
) -> Accepted:
    """Store a file already received into the data directory (an upload) as a new meeting,
    moving it rather than copying. `name` is the name it was sent with, for display only."""
    meeting_id = new_id()
    relative = Path("meetings") / meeting_id / f"original.{stored_extension(name)}"
    (data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
    os.replace(received, data_dir / relative)
    return _register(engine, data_dir, meeting_id, relative, name, content_hash, title, options)


def _register(
    engine: Engine,
    data_dir: Path,
    meeting_id: str,
    relative: Path,
    name: str,
    content_hash: str,
    title: str | None,
    options: MeetingOptions | None,
) -> Accepted:
    base = display_title(name)
    try:
        with session_scope(engine) as session:
            meeting = repository.create_meeting(
                session,
                meeting_id=meeting_id,
                title=checked_title(title) or base,  # every door checks the same rule
                source_name=base + safe_suffix(name),
                source_path=relative.as_posix(),
                content_hash=content_hash,
                options=options,
            )
            job = repository.create_job(session, meeting_id=meeting.id)
            # who brought which recording (the person, or the installation: the watched
            # folder, the command line)
            audit.append(session, "upload", "meeting", meeting.id,
                         {"title": meeting.title, "file": meeting.source_name})
            return Accepted(meeting.id, job.id)
    except BaseException:
        shutil.rmtree((data_dir / relative).parent, ignore_errors=True)  # nothing half-stored
        raise


def safe_suffix(name: str) -> str:
    extension = safe_extension(name)
    return "" if extension == "bin" else "." + extension
