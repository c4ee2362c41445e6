"""Watched folders: take the recordings that IC recorders or staff drop into a share.

A file is taken only when its size and modification time have stayed the same for
`stable_seconds` (recorders copy slowly over network shares). Hidden, temporary and partial
names are never taken. Files already there when the service starts are found by a scan, as
well as new ones through file-system events (watchdog), with a periodic re-check so a share
whose events are lost (SMB, NFS) is still served. Every file taken is recorded with its
content hash: the same recording under another name is recognised and not processed twice,
and a file that could not be taken keeps its reason. Nothing in the folder is ever deleted
or changed; Gijiroku works on its own copy.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from gijiroku.errors import GijirokuError
from gijiroku.recordings import accept_file, content_hash
from gijiroku.storage import session_scope
from gijiroku.storage.tables import MeetingRow, WatchedFileRow

log = logging.getLogger(__name__)

TEMPORARY_SUFFIXES = frozenset({
    ".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", ".lock",
    ".swp", ".!qb", ".opdownload",
})


def ignored(path: Path) -> bool:
    """Hidden files, editor and copy-in-progress names, and Office lock files."""
    name = path.name
    return (
        name.startswith((".", "~$"))
        or name.endswith("~")
        or path.suffix.lower() in TEMPORARY_SUFFIXES
    )


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
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._observer: object | None = None
        #: Periodic checks finished since start: how far the watcher has looked (tests wait
        #: on it to show that nothing more is taken, whatever the machine's speed).
        self.checks = 0

    def notice(self, path: Path) -> None:
        """A file appeared or changed (from an event or a scan)."""
        if ignored(path) or not path.is_file():
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
        ready: list[Path] = []
        with self._lock:
            for path, seen in list(self._seen.items()):
                try:
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
                        ready.append(path)
        for path in ready:
            try:
                self.on_stable(path)
            except Exception:  # one bad file must not stop the folder being watched
                log.exception("could not take %s", path)
        return ready

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


def take_file(
    engine: Engine,
    data_dir: Path,
    path: Path,
    on_queued: Callable[[str], None] | None = None,
) -> WatchedFileRow:
    """Record a stable file from a watched folder and queue it, unless it is a duplicate.

    `on_queued(job_id)` is called for a new job (to send it to the workers). A file already
    recorded unchanged (same path, size and time, as the start-up scan finds after every
    restart) returns its record without being read or recorded again."""
    stat = path.stat()
    with session_scope(engine) as session:
        known = session.exec(
            select(WatchedFileRow).where(
                WatchedFileRow.path == str(path),
                WatchedFileRow.size == stat.st_size,
                WatchedFileRow.mtime == stat.st_mtime,
            )
        ).first()
    if known is not None:
        return known
    digest = content_hash(path)
    with session_scope(engine) as session:
        same = session.exec(
            select(MeetingRow.id).where(MeetingRow.content_hash == digest)
        ).first()
    record = WatchedFileRow(
        path=str(path), size=stat.st_size, mtime=stat.st_mtime, content_hash=digest,
        status="duplicate" if same else "queued", meeting_id=same,
    )
    if same is None:
        try:
            accepted = accept_file(engine, data_dir, path)
            record.meeting_id, record.job_id = accepted.meeting_id, accepted.job_id
        except GijirokuError as exc:
            record.status, record.error = "failed", exc.message
    with session_scope(engine) as session:
        session.add(record)
    log.info("watched folder: %s %s", record.status, path)
    if record.job_id is not None and on_queued is not None:
        on_queued(record.job_id)
    return record
