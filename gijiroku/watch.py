"""Watched folders: take the recordings that IC recorders or staff drop into a share.

A file is taken only when its size and modification time have stayed the same for
`stable_seconds` (recorders copy slowly over network shares). Hidden, temporary and partial
names are never taken. Files already there when the service starts are found by a scan, as
well as new ones through file-system events (watchdog), with a periodic re-check so a share
whose events are lost (SMB, NFS) is still served. Every file taken is recorded with its
content hash: the same recording under another name is recognised and not processed twice,
and a file that could not be taken keeps its reason. Nothing in the folder is ever deleted
or changed; Gijiroku works on its own copy.

A copy can stall for longer than the stability wait (a slow share, a USB stick). Two rules
keep that from making a truncated meeting, or two meetings of one recording:
- a file that holds much less than its header declares (`audio.check_complete`) is left
  `waiting` and looked at again each time it settles; after `watch_incomplete_seconds` it is
  taken as it is (a recorder that stopped mid-file writes such files too);
- a file that changes after it was taken replaces the recording of the meeting it made
  (`meetings.replace_recording`): one meeting per path, processed again from the complete
  file, with what the earlier content gave kept in the meeting's history.
Every file refused (no audio, too long, no disk space...) is listed with its reason.

A folder can say what its recordings are (`folder_options`): a `gijiroku.toml` in the
watched folder or any folder below it names the roster, the kind of meeting, the language,
the number of speakers... for the recordings in it and below it (the nearest file wins,
setting by setting), so a committee's sub-folder of the recorder share gets its members'
voices and the 会議録 layout without anyone typing them. A file that cannot be used keeps its
recordings waiting, with the reason listed, until it is mended.
"""

from __future__ import annotations

import logging
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from gijiroku import audio
from gijiroku.domain import as_utc
from gijiroku.errors import (
    DiskFullError,
    FolderSettingsError,
    GijirokuError,
    IncompleteRecordingError,
    InvalidInputError,
)
from gijiroku.meetings import replace_recording
from gijiroku.options import MeetingOptions
from gijiroku.recordings import accept_file, content_hash, is_prefix
from gijiroku.storage import session_scope
from gijiroku.storage.tables import MeetingRow, WatchedFileRow, utcnow

log = logging.getLogger(__name__)

TEMPORARY_SUFFIXES = frozenset({
    ".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", ".lock",
    ".swp", ".!qb", ".opdownload",
})


#: A folder's settings for the recordings in it and below it (never taken as a recording).
SETTINGS_NAME = "gijiroku.toml"
#: A settings file larger than this is not read.
SETTINGS_LIMIT = 64 * 1024
#: What a folder may set, by the type its TOML value must have. The day, the time and the
#: title belong to one recording, not to a folder.
_FOLDER_SETTINGS: dict[str, type] = {
    "language": str, "minutes_language": str, "kind": str, "roster": str, "place": str,
    "template": str, "hotwords": str, "initial_prompt": str, "num_speakers": int,
    "min_speakers": int, "max_speakers": int, "minutes": bool,
}


def ignored(path: Path) -> bool:
    """Hidden files, editor and copy-in-progress names, Office lock files, and a folder's
    settings file."""
    name = path.name
    return (
        name.lower() == SETTINGS_NAME
        or name.startswith((".", "~$"))
        or name.endswith("~")
        or path.suffix.lower() in TEMPORARY_SUFFIXES
    )


class NotReady(Exception):
    """Raised by `on_stable` for a file to be looked at again once it has settled anew."""


@dataclass
class _Seen:
    size: int
    mtime: float
    since: float  # monotonic time the file last changed


class FolderWatcher:
    """Calls `on_stable(path)` once for each file that has stopped changing."""

    def __init__(
        self,
        folders: Iterable[Path],
        on_stable: Callable[[Path], None],
        stable_seconds: float = 10.0,
        poll_seconds: float = 2.0,
    ) -> None:
        self.folders = [Path(f) for f in folders]
        self.on_stable = on_stable
        self.stable_seconds = stable_seconds
        self.poll_seconds = poll_seconds
        self._seen: dict[Path, _Seen] = {}
        self._done: set[tuple[Path, int, float]] = set()
        self._refused: set[Path] = set()  # links seen (said once in the log)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._observer: object | None = None
        #: Periodic checks finished since start: how far the watcher has looked (tests wait
        #: on it to show that nothing more is taken, whatever the machine's speed).
        self.checks = 0

    def inside(self, path: Path) -> bool:
        """A regular file (not a link) whose real path is inside a watched folder: a link,
        or a linked folder, could lead anywhere on the disk."""
        if path.is_symlink() or not path.is_file():
            return False
        real = path.resolve()
        return any(real.is_relative_to(folder.resolve()) for folder in self.folders)

    def notice(self, path: Path) -> None:
        """A file appeared or changed (from an event or a scan)."""
        if ignored(path) or not self.inside(path):
            if path.is_symlink() and path not in self._refused:
                self._refused.add(path)
                log.warning("watched folder: %s is a link, not taken (copy the recording "
                            "itself into the folder)", path)
            return
        with self._lock:
            self._seen.setdefault(path, _Seen(-1, -1.0, time.monotonic()))

    def scan(self) -> None:
        for folder in self.folders:
            for path in sorted(folder.rglob("*")):
                self.notice(path)

    def check(self) -> list[Path]:
        """Hand over every file whose size and time held still long enough."""
        now = time.monotonic()
        ready: list[tuple[Path, tuple[Path, int, float]]] = []
        with self._lock:
            for path, seen in list(self._seen.items()):
                try:
                    if not self.inside(path):  # gone, or made a link since it was seen
                        raise FileNotFoundError(path)
                    stat = path.stat()
                except FileNotFoundError:  # moved away or renamed before it settled
                    del self._seen[path]
                    continue
                if (stat.st_size, stat.st_mtime) != (seen.size, seen.mtime):
                    seen.size, seen.mtime, seen.since = stat.st_size, stat.st_mtime, now
                elif stat.st_size > 0 and now - seen.since >= self.stable_seconds:
                    del self._seen[path]
                    key = (path, stat.st_size, stat.st_mtime)
                    if key not in self._done:
                        self._done.add(key)
                        ready.append((path, key))
        taken = []
        for path, key in ready:
            try:
                self.on_stable(path)
            except NotReady:  # looked at again after another stable wait
                with self._lock:
                    self._done.discard(key)
                self.notice(path)
                continue
            except Exception:  # one bad file must not stop the folder being watched
                log.exception("could not take %s", path)
            taken.append(path)
        return taken

    def start(self) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if not event.is_directory:
                    target = getattr(event, "dest_path", "") or event.src_path
                    watcher.notice(Path(str(target)))

        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
        self.scan()  # what arrived while the service was down
        observer = Observer()
        for folder in self.folders:
            observer.schedule(Handler(), str(folder), recursive=True)
        observer.start()
        self._observer = observer
        thread = threading.Thread(target=self._run, name="watched-folder", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _run(self) -> None:
        rescan_every = max(30.0, self.poll_seconds * 10)
        last_scan = time.monotonic()
        while not self._stop.wait(self.poll_seconds):
            if time.monotonic() - last_scan >= rescan_every:  # events can be lost on shares
                self.scan()
                last_scan = time.monotonic()
            self.check()
            self.checks += 1

    def stop(self) -> None:
        self._stop.set()
        observer = self._observer
        if observer is not None:
            observer.stop()  # type: ignore[attr-defined]
            observer.join(timeout=5)  # type: ignore[attr-defined]
        for thread in self._threads:
            thread.join(timeout=5)


def folder_options(path: Path, folders: Sequence[Path]) -> MeetingOptions:
    """The options of a new meeting made from `path`: the `gijiroku.toml` files of the
    watched folder it is in and of every folder down to its own, the nearest winning
    setting by setting. Raises `FolderSettingsError` naming the file that cannot be used."""
    real = path.resolve()
    root = next((f.resolve() for f in folders if real.is_relative_to(f.resolve())), None)
    if root is None:
        return MeetingOptions()
    chain = [root]
    for part in real.parent.relative_to(root).parts:
        chain.append(chain[-1] / part)
    given: dict[str, Any] = {}
    nearest = ""
    for folder in chain:
        file = folder / SETTINGS_NAME
        if file.is_symlink() or not file.is_file():
            continue
        nearest = str(file.relative_to(root))
        own = _read_settings(file, nearest)
        _checked_options(own, nearest)
        given.update(own)
    return _checked_options(given, nearest)


def _read_settings(file: Path, shown: str) -> dict[str, Any]:
    try:
        if file.stat().st_size > SETTINGS_LIMIT:
            raise FolderSettingsError(shown, f"it is larger than {SETTINGS_LIMIT // 1024} KB")
        data = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FolderSettingsError(shown, "it is not UTF-8 text") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FolderSettingsError(shown, str(exc)) from exc
    for key, value in data.items():
        wanted = _FOLDER_SETTINGS.get(key)
        if wanted is None:
            raise FolderSettingsError(shown, f"{key!r} is no folder setting (known: "
                                      f"{', '.join(sorted(_FOLDER_SETTINGS))})")
        if type(value) is not wanted:  # bool is an int in Python, not in TOML
            kind = {str: "text in quotes", int: "a whole number",
                    bool: "true or false"}[wanted]
            raise FolderSettingsError(shown, f"{key} must be {kind}")
    return data


def _checked_options(given: dict[str, Any], shown: str) -> MeetingOptions:
    try:
        return MeetingOptions.checked(**given)
    except InvalidInputError as exc:
        raise FolderSettingsError(shown, exc.message.rstrip(".")) from exc


def take_file(
    engine: Engine,
    data_dir: Path,
    path: Path,
    on_queued: Callable[[str], None] | None = None,
    limits: audio.Limits | None = None,
    incomplete_seconds: float = 1800.0,
    folders: Sequence[Path] = (),
) -> WatchedFileRow:
    """Record a stable file from a watched folder and queue it, unless it is a duplicate;
    a new meeting gets the options its folders' settings files give (`folder_options`).

    `on_queued(job_id)` is called for a new job (to send it to the workers). A file already
    recorded unchanged (same path, size and time, as the start-up scan finds after every
    restart) returns its record without being read or recorded again. Raises `NotReady` for
    a file to look at again later (a copy still arriving, a full disk), after recording it
    as `waiting` with the reason."""
    stat = path.stat()
    with session_scope(engine) as session:
        known = session.exec(
            select(WatchedFileRow).where(
                WatchedFileRow.path == str(path),
                WatchedFileRow.size == stat.st_size,
                WatchedFileRow.mtime == stat.st_mtime,
            ).order_by(col(WatchedFileRow.id).desc())
        ).first()
    if known is not None and known.status != "waiting":
        return known
    waiting_since = known.created_at if known is not None else None
    note = None
    try:
        options = folder_options(path, folders)
        note = _check(path, data_dir, limits or audio.Limits(), waiting_since,
                      incomplete_seconds)
    except (IncompleteRecordingError, DiskFullError, FolderSettingsError) as exc:
        _record_waiting(engine, known, path, stat.st_size, stat.st_mtime, exc)
        raise NotReady(exc.message) from exc
    except GijirokuError as exc:  # no audio, undecodable, too long: refused with its reason
        return _record(engine, known, WatchedFileRow(
            path=str(path), size=stat.st_size, mtime=stat.st_mtime, content_hash="",
            status="failed", error=exc.message, error_code=exc.code), on_queued)
    digest = content_hash(path)
    with session_scope(engine) as session:
        same = session.exec(
            select(MeetingRow.id).where(MeetingRow.content_hash == digest)
        ).first()
        earlier = session.exec(  # the meeting an earlier copy of this file made
            select(WatchedFileRow).where(
                WatchedFileRow.path == str(path), WatchedFileRow.status == "queued",
                col(WatchedFileRow.meeting_id).is_not(None),
            ).order_by(col(WatchedFileRow.id).desc())
        ).first()
    record = WatchedFileRow(
        path=str(path), size=stat.st_size, mtime=stat.st_mtime, content_hash=digest,
        status="duplicate" if same else "queued", meeting_id=same, error=note,
    )
    if same is None:
        try:
            if earlier is not None and _continues(engine, data_dir, earlier, path):
                assert earlier.meeting_id is not None
                accepted = replace_recording(engine, data_dir, earlier.meeting_id, path)
            else:
                accepted = accept_file(engine, data_dir, path, options=options)
            record.meeting_id, record.job_id = accepted.meeting_id, accepted.job_id
        except GijirokuError as exc:
            record.status, record.error, record.error_code = "failed", exc.message, exc.code
    return _record(engine, known, record, on_queued)


def _continues(engine: Engine, data_dir: Path, earlier: WatchedFileRow, path: Path) -> bool:
    """Whether `path` now holds the rest of what was taken before: the earlier copy, as the
    meeting stored it, is the start of the file. (A recorder that reuses a name for a new
    recording makes a new meeting instead.)"""
    with session_scope(engine) as session:
        meeting = session.get(MeetingRow, earlier.meeting_id)
        if meeting is None:
            return False
        stored = data_dir / meeting.source_path
    try:
        return is_prefix(stored, path)
    except OSError:
        return False


def _check(path: Path, data_dir: Path, limits: audio.Limits, waiting_since: datetime | None,
           incomplete_seconds: float) -> str | None:
    """Probe the file and apply the limits; a file shorter than it declares raises until it
    has waited `incomplete_seconds`, then passes with a note saying so."""
    info = audio.probe(path, name=path.name)
    audio.check_limits(info.duration, path.name, limits, data_dir)
    try:
        audio.check_complete(path, info, path.name)
    except IncompleteRecordingError as exc:
        waited = (utcnow() - as_utc(waiting_since)).total_seconds() if waiting_since else 0.0
        if waiting_since is None or waited < incomplete_seconds:
            raise
        return (f"{exc.message} Taken as it is after waiting {waited / 60:.0f} minutes for "
                "the rest.")
    return None


def _record_waiting(engine: Engine, known: WatchedFileRow | None, path: Path, size: int,
                    mtime: float, reason: GijirokuError) -> None:
    """One `waiting` row per file version, its time the first time it was found waiting."""
    with session_scope(engine) as session:
        if known is not None:
            row = session.get(WatchedFileRow, known.id)
            if row is not None:
                row.error, row.error_code = reason.message, reason.code
                session.add(row)
                return
        session.add(WatchedFileRow(path=str(path), size=size, mtime=mtime, content_hash="",
                                   status="waiting", error=reason.message,
                                   error_code=reason.code))
    log.info("watched folder: waiting for %s: %s", path, reason.message)


def _record(engine: Engine, known: WatchedFileRow | None, record: WatchedFileRow,
            on_queued: Callable[[str], None] | None) -> WatchedFileRow:
    """Store what became of the file; earlier versions of it that were waiting or failed, or
    made the meeting whose recording this one replaced, are marked `superseded`."""
    with session_scope(engine) as session:
        if known is not None:  # the waiting row of this same version becomes the record
            row = session.get(WatchedFileRow, known.id)
            if row is not None:
                session.delete(row)
                session.flush()
        session.add(record)
        session.flush()
        for older in session.exec(select(WatchedFileRow).where(
                WatchedFileRow.path == record.path, col(WatchedFileRow.id) != record.id,
                col(WatchedFileRow.status).in_(("waiting", "failed", "queued")))).all():
            # the file's latest state is the one to show; a meeting made from an earlier
            # version stays listed unless this version replaced its recording
            if older.status != "queued" or older.meeting_id == record.meeting_id:
                older.status = "superseded"
                session.add(older)
        session.refresh(record)
        session.expunge(record)
    log.info("watched folder: %s %s", record.status, record.path)
    if record.job_id is not None and on_queued is not None:
        on_queued(record.job_id)
    return record
