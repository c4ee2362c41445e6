"""Watched folders with real files, a real SQLite database and real watchdog events."""

import math
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from gijiroku.config import Settings
from gijiroku.storage import session_scope
from gijiroku.storage.tables import JobRow, MeetingRow, WatchedFileRow
from gijiroku.watch import FolderWatcher, ignored, take_file


def wait_for(condition, timeout: float = 15.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def looked_again(watcher: FolderWatcher, timeout: float = 60.0) -> bool:
    """Wait until the watcher has checked its folders long enough after this call for any
    file it would take to have been taken: the stable wait plus two polls, counted in the
    watcher's own passes, so a slow machine waits longer instead of passing falsely."""
    target = watcher.checks + math.ceil(watcher.stable_seconds / watcher.poll_seconds) + 2
    return wait_for(lambda: watcher.checks >= target, timeout)


def listing(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def test_a_file_written_slowly_is_taken_once_after_it_is_complete(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    taken: list[tuple[Path, int, float]] = []
    watcher = FolderWatcher([folder], lambda p: taken.append((p, p.stat().st_size,
                                                              time.monotonic())),
                            stable_seconds=1.0, poll_seconds=0.1)
    watcher.start()
    last_write = []
    try:
        def recorder_copying() -> None:  # an IC recorder over a slow network share
            with (folder / "council.mp3").open("wb") as out:
                for _ in range(6):
                    out.write(b"\xff" * 50_000)
                    out.flush()
                    last_write[:] = [time.monotonic()]
                    time.sleep(0.4)

        writer = threading.Thread(target=recorder_copying)
        writer.start()
        writer.join()
        assert wait_for(lambda: taken)
        assert looked_again(watcher)  # and nothing more arrives later
    finally:
        watcher.stop()
    assert len(taken) == 1
    path, size, when = taken[0]
    assert path.name == "council.mp3" and size == 300_000
    assert when >= last_write[0] + 1.0  # only after it stayed unchanged for the wait


def test_files_there_before_start_are_found_by_the_start_up_scan(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    (folder / "2026" / "11").mkdir(parents=True)
    (folder / "2026" / "11" / "while-we-were-down.m4a").write_bytes(b"x" * 1000)
    taken: list[Path] = []
    watcher = FolderWatcher([folder], taken.append, stable_seconds=0.3, poll_seconds=0.1)
    watcher.start()
    try:
        assert wait_for(lambda: taken)
    finally:
        watcher.stop()
    assert [p.name for p in taken] == ["while-we-were-down.m4a"]


def test_links_leading_out_of_the_folder_are_never_taken(tmp_path: Path) -> None:
    """Finding 8: a symbolic link to a file elsewhere, and a linked folder, are not taken
    (regular files inside the folder only), whether found by the start-up scan or after."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "private").mkdir(parents=True)
    (elsewhere / "secret.wav").write_bytes(b"x" * 1000)
    (elsewhere / "private" / "inside.wav").write_bytes(b"y" * 1000)
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "link.wav").symlink_to(elsewhere / "secret.wav")
    (folder / "linked-folder").symlink_to(elsewhere / "private", target_is_directory=True)
    taken: list[Path] = []
    watcher = FolderWatcher([folder], taken.append, stable_seconds=0.3, poll_seconds=0.1)
    watcher.start()
    try:
        (folder / "later.wav").symlink_to(elsewhere / "secret.wav")
        (folder / "real.wav").write_bytes(b"z" * 1000)
        assert wait_for(lambda: taken)
        checks = watcher.checks
        assert wait_for(lambda: watcher.checks >= checks + 5)  # and nothing else comes
    finally:
        watcher.stop()
    assert [p.name for p in taken] == ["real.wav"]


@pytest.mark.parametrize("name", [
    ".hidden.wav", "rec.wav.part", "rec.mp3.tmp", "~$minutes.docx", "rec.wav~",
    "download.crdownload", "movie.mp4.filepart",
])
def test_hidden_temporary_and_partial_names_are_ignored(name: str) -> None:
    assert ignored(Path(name))


def test_ordinary_names_are_not_ignored() -> None:
    assert not ignored(Path("第3回本会議.mp4")) and not ignored(Path("REC0001.WAV"))


def test_same_content_under_two_names_is_processed_once(
    engine: Engine, settings: Settings, media: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    shutil.copy(media["m4a"], folder / "morning.m4a")
    shutil.copy(media["m4a"], folder / "copy of morning.m4a")
    before = listing(folder)
    first = take_file(engine, settings.data_dir, folder / "morning.m4a")
    second = take_file(engine, settings.data_dir, folder / "copy of morning.m4a")
    assert first.status == "queued" and second.status == "duplicate"
    assert second.meeting_id == first.meeting_id
    with session_scope(engine) as session:
        assert len(session.exec(select(MeetingRow)).all()) == 1
        job = session.get(JobRow, first.job_id)
        assert job is not None and job.status == "queued"
        assert len(session.exec(select(WatchedFileRow)).all()) == 2
    assert listing(folder) == before  # nothing deleted or changed


def test_a_file_that_cannot_be_taken_keeps_its_reason(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "empty.wav").write_bytes(b"")
    record = take_file(engine, settings.data_dir, folder / "empty.wav")
    assert record.status == "failed" and "empty" in (record.error or "")
    assert (folder / "empty.wav").exists()


def test_watcher_feeds_the_queue_end_to_end(
    engine: Engine, settings: Settings, media: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    watcher = FolderWatcher([folder], lambda p: take_file(engine, settings.data_dir, p),
                            stable_seconds=0.5, poll_seconds=0.1)
    watcher.start()
    try:
        shutil.copy(media["mp3"], folder / "a.mp3")
        shutil.copy(media["mp3"], folder / "b.mp3")
        (folder / "c.mp3.part").write_bytes(b"still copying")

        def recorded() -> int:
            with session_scope(engine) as session:
                return len(session.exec(select(WatchedFileRow)).all())

        assert wait_for(lambda: recorded() == 2)
        assert looked_again(watcher)  # the partial copy is never taken
    finally:
        watcher.stop()
    with session_scope(engine) as session:
        rows = session.exec(select(WatchedFileRow).order_by(WatchedFileRow.id)).all()
        statuses = sorted(r.status for r in rows)
        meetings = session.exec(select(MeetingRow)).all()
    assert statuses == ["duplicate", "queued"] and len(meetings) == 1
    assert sorted(listing(folder)) == ["a.mp3", "b.mp3", "c.mp3.part"]


def test_a_restart_does_not_take_or_record_files_again(
    engine: Engine, settings: Settings, media: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    shutil.copy(media["mp3"], folder / "morning.mp3")
    shutil.copy(media["wav"], folder / "afternoon.wav")

    def run_service_once() -> None:
        watcher = FolderWatcher([folder], lambda p: take_file(engine, settings.data_dir, p),
                                stable_seconds=0.3, poll_seconds=0.1)
        watcher.start()
        try:
            assert wait_for(lambda: count(WatchedFileRow) == 2)
            assert looked_again(watcher)  # nothing recorded twice
        finally:
            watcher.stop()

    def count(table) -> int:  # type: ignore[no-untyped-def]
        with session_scope(engine) as session:
            return len(session.exec(select(table)).all())

    run_service_once()
    run_service_once()  # the start-up scan finds both files again
    assert count(WatchedFileRow) == 2 and count(MeetingRow) == 2
    (folder / "afternoon.wav").write_bytes(media["flac"].read_bytes())  # replaced: new content
    assert take_file(engine, settings.data_dir, folder / "afternoon.wav").status == "queued"
    assert count(WatchedFileRow) == 3 and count(MeetingRow) == 3


@contextmanager
def watching(engine: Engine, settings: Settings, folder: Path) -> Iterator[FolderWatcher]:
    """A watcher of `folder` that takes files as the service does, quick to settle."""
    watcher = FolderWatcher([folder], lambda p: take_file(engine, settings.data_dir, p),
                            stable_seconds=0.5, poll_seconds=0.1)
    watcher.start()
    try:
        yield watcher
    finally:
        watcher.stop()


class StalledCopy:
    """A copy that writes the first half and stalls (as a slow share or a USB stick does)
    until the test lets it go on, however long the watcher takes to look at the half."""

    def __init__(self, source: Path, target: Path) -> None:
        self.go_on = threading.Event()
        data = source.read_bytes()

        def copy() -> None:
            with target.open("wb") as out:
                out.write(data[: len(data) // 2])
                out.flush()
                assert self.go_on.wait(timeout=300), "the test never let the copy go on"
                out.write(data[len(data) // 2:])

        self.thread = threading.Thread(target=copy)
        self.thread.start()

    def finish(self) -> None:
        self.go_on.set()
        self.thread.join()


def rows_of(engine: Engine) -> list[WatchedFileRow]:
    with session_scope(engine) as session:
        return list(session.exec(select(WatchedFileRow).order_by(WatchedFileRow.id)).all())


def test_a_stalled_wav_copy_waits_and_becomes_one_meeting_of_the_whole_file(
    engine: Engine, settings: Settings, media: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    with watching(engine, settings, folder) as watcher:
        writer = StalledCopy(media["wav"], folder / "council.wav")
        try:
            # the half copy holds half of what its header declares: not taken, listed as
            # waiting, however many times the watcher looks at it
            assert wait_for(lambda: any(r.status == "waiting" for r in rows_of(engine)),
                            timeout=60)
            assert looked_again(watcher)
            waiting = rows_of(engine)
            assert len(waiting) == 1 and waiting[0].error_code == "recording_incomplete"
            assert waiting[0].status == "waiting"
        finally:
            writer.finish()
        assert wait_for(lambda: any(r.status == "queued" for r in rows_of(engine)))
        assert looked_again(watcher)
    with session_scope(engine) as session:
        meetings = session.exec(select(MeetingRow)).all()
    assert len(meetings) == 1
    stored = settings.data_dir / meetings[0].source_path
    assert stored.read_bytes() == media["wav"].read_bytes()  # the complete file
    assert sorted(r.status for r in rows_of(engine)) == ["queued", "superseded"]


def test_a_file_that_changes_after_it_was_taken_replaces_its_meetings_recording(
    engine: Engine, settings: Settings, media: dict[str, Path], tmp_path: Path
) -> None:
    """Ogg declares no length to compare with: the half copy is taken, and the rest of it
    arriving later replaces that meeting's recording instead of making a second meeting."""
    from gijiroku.domain import Decision, Minutes, Segment, Transcript
    from gijiroku.storage import repository
    from gijiroku.storage.tables import EditRow, MinutesItemRow, SegmentRow

    folder = tmp_path / "share"
    folder.mkdir()
    with watching(engine, settings, folder) as watcher:
        writer = StalledCopy(media["ogg"], folder / "council.ogg")
        try:
            assert wait_for(lambda: any(r.status == "queued" for r in rows_of(engine)),
                            timeout=60)
            first = rows_of(engine)[0]
            assert first.meeting_id is not None
            with session_scope(engine) as session:  # what processing the half copy gave
                repository.save_transcript(
                    session, meeting_id=first.meeting_id, transcript=Transcript(
                        "en", 15.0, [Segment(0.0, 4.0, "Only the first half was here.")]))
                repository.save_minutes(session, first.meeting_id, Minutes(
                    status="done", decisions=[Decision("Drawn from the first half.", [1])]))
        finally:
            writer.finish()
        assert wait_for(lambda: len(rows_of(engine)) == 2)
        assert looked_again(watcher)
    rows = rows_of(engine)
    assert [r.status for r in rows] == ["superseded", "queued"]
    assert rows[1].meeting_id == first.meeting_id  # one meeting for the one file
    with session_scope(engine) as session:
        meetings = session.exec(select(MeetingRow)).all()
        assert len(meetings) == 1
        meeting = meetings[0]
        stored = settings.data_dir / meeting.source_path
        assert stored.read_bytes() == media["ogg"].read_bytes()
        assert meeting.status == "queued" and meeting.completed_stages == []
        jobs = session.exec(select(JobRow).order_by(JobRow.created_at)).all()
        assert [j.status for j in jobs] == ["cancelled", "queued"]
        assert jobs[1].id == rows[1].job_id and jobs[1].stages is None
        assert session.exec(select(SegmentRow)).all() == []  # processed again from the start
        assert session.exec(select(MinutesItemRow)).all() == []  # and its minutes too
        history = session.exec(select(EditRow)).all()
    assert [e.kind for e in history] == ["recording"]
    earlier = history[0].before
    assert earlier["content_hash"] == first.content_hash
    assert [s["text"] for s in earlier["result"]["segments"]] == ["Only the first half was here."]
    assert history[0].after["content_hash"] == meeting.content_hash != first.content_hash


def test_refused_files_are_listed_with_their_reason(
    engine: Engine, settings: Settings, media: dict[str, Path], tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from api import create_app
    from gijiroku import audio
    from gijiroku.watch import NotReady
    from tests.api.test_api import LOCAL

    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "notes.wav").write_text("議題：予算案\n", encoding="utf-8")
    text = take_file(engine, settings.data_dir, folder / "notes.wav")
    assert text.status == "failed" and text.error_code == "audio_undecodable"
    assert text.meeting_id is None
    shutil.copy(media["flac"], folder / "long.flac")
    too_long = take_file(engine, settings.data_dir, folder / "long.flac",
                         limits=audio.Limits(max_seconds=5))
    assert too_long.status == "failed" and too_long.error_code == "recording_too_long"
    assert "longer than the 0:00:05 allowed" in (too_long.error or "")
    shutil.copy(media["mp3"], folder / "full-disk.mp3")
    no_room = audio.Limits(min_free_bytes=2**62)  # more than any disk has free
    with pytest.raises(NotReady, match="Not enough disk space"):
        take_file(engine, settings.data_dir, folder / "full-disk.mp3", limits=no_room)
    with session_scope(engine) as session:
        assert session.exec(select(MeetingRow)).all() == []

    with TestClient(create_app(settings), base_url=LOCAL) as client:
        listed = client.get("/api/watched?status=failed&status=waiting").json()
        assert {(f["name"], f["status"], f["error_code"]) for f in listed} == {
            ("notes.wav", "failed", "audio_undecodable"),
            ("long.flac", "failed", "recording_too_long"),
            ("full-disk.mp3", "waiting", "disk_full")}
        # space was freed: the same file is taken, and is no longer a problem
        assert take_file(engine, settings.data_dir, folder / "full-disk.mp3").status == "queued"
        listed = client.get("/api/watched?status=failed&status=waiting").json()
        assert sorted(f["name"] for f in listed) == ["long.flac", "notes.wav"]


def test_a_file_shorter_than_it_declares_is_taken_as_it_is_after_the_wait(
    engine: Engine, settings: Settings, media: dict[str, Path], tmp_path: Path
) -> None:
    from gijiroku.watch import NotReady

    data = media["wav"].read_bytes()
    cut = tmp_path / "recorder-stopped.wav"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(NotReady, match="may still be being copied"):
        take_file(engine, settings.data_dir, cut, incomplete_seconds=0.2)
    with pytest.raises(NotReady):  # checked again before the wait is over
        take_file(engine, settings.data_dir, cut, incomplete_seconds=60)
    time.sleep(0.3)
    taken = take_file(engine, settings.data_dir, cut, incomplete_seconds=0.2)
    assert taken.status == "queued" and "Taken as it is" in (taken.error or "")
    assert [r.status for r in rows_of(engine)] == ["queued"]


def options_of_meeting(engine: Engine, meeting_id: str | None) -> dict[str, object]:
    from gijiroku.storage import repository

    with session_scope(engine) as session:
        row = session.get(MeetingRow, meeting_id)
        assert row is not None
        return repository.options_of(row).to_stored()


def test_a_folder_s_settings_file_gives_its_recordings_their_options(
    engine: Engine, settings: Settings, media: dict[str, Path], tmp_path: Path
) -> None:
    """The recorder share's own settings, and a committee's sub-folder that names its
    roster, kind of meeting and speakers: the nearest file wins, setting by setting."""
    share = tmp_path / "share"
    committee = share / "総務委員会" / "2026"
    committee.mkdir(parents=True)
    (share / "gijiroku.toml").write_text('language = "ja"\nkind = "other"\n'
                                         'max_speakers = 12\n', encoding="utf-8")
    (share / "総務委員会" / "gijiroku.toml").write_text(
        '# 総務委員会の録音\nkind = "iinkai"\nroster = "総務委員会"\nnum_speakers = 5\n'
        'minutes = false\n', encoding="utf-8")
    shutil.copy(media["m4a"], share / "朝礼.m4a")
    shutil.copy(media["wav"], committee / "REC0001.WAV")
    top = take_file(engine, settings.data_dir, share / "朝礼.m4a", folders=[share])
    below = take_file(engine, settings.data_dir, committee / "REC0001.WAV", folders=[share])
    assert top.status == below.status == "queued"
    assert options_of_meeting(engine, top.meeting_id) == {
        "language": "ja", "kind": "other", "max_speakers": 12}
    assert options_of_meeting(engine, below.meeting_id) == {
        "language": "ja", "kind": "iinkai", "roster": "総務委員会", "num_speakers": 5,
        "max_speakers": 12, "minutes": False}
    # the settings file is never taken as a recording, and a recording outside the watched
    # folders (the command line's) gets no folder's settings
    assert ignored(share / "gijiroku.toml") and ignored(share / "GIJIROKU.TOML")
    from gijiroku.watch import folder_options

    assert folder_options(committee / "REC0001.WAV", [tmp_path / "elsewhere"]).to_stored() == {}


@pytest.mark.parametrize(("text", "said"), [
    ('speakers = 5\n', "'speakers' is no folder setting"),
    ('num_speakers = "five"\n', "num_speakers must be a whole number"),
    ('language = "xx"\n', "Unknown language 'xx'"),
    ('kind = "iinkai"\nroster = \n', "gijiroku.toml"),  # not TOML
    ('min_speakers = 9\n', "min speakers (9) is more than max speakers (4)"),
])
def test_a_settings_file_that_cannot_be_used_keeps_its_recordings_waiting(
    engine: Engine, settings: Settings, media: dict[str, Path], tmp_path: Path,
    text: str, said: str
) -> None:
    from gijiroku.messages import message
    from gijiroku.watch import NotReady

    share = tmp_path / "share"
    (share / "committee").mkdir(parents=True)
    (share / "gijiroku.toml").write_text("max_speakers = 4\n", encoding="utf-8")
    settings_file = share / "committee" / "gijiroku.toml"
    settings_file.write_text(text, encoding="utf-8")
    shutil.copy(media["m4a"], share / "committee" / "rec.m4a")
    with pytest.raises(NotReady) as refused:
        take_file(engine, settings.data_dir, share / "committee" / "rec.m4a", folders=[share])
    assert said in str(refused.value) and "committee/gijiroku.toml" in str(refused.value)
    [row] = rows_of(engine)
    assert (row.status, row.error_code) == ("waiting", "folder_settings_invalid")
    assert said in (row.error or "")  # the list's English detail; the page's Japanese:
    assert "gijiroku.toml" in message("folder_settings_invalid", "ja")
    with session_scope(engine) as session:
        assert session.exec(select(MeetingRow)).all() == []
    # mended: the same recording is taken with the folder's settings
    settings_file.write_text("min_speakers = 2\n", encoding="utf-8")
    taken = take_file(engine, settings.data_dir, share / "committee" / "rec.m4a",
                      folders=[share])
    assert taken.status == "queued"
    assert options_of_meeting(engine, taken.meeting_id) == {"min_speakers": 2,
                                                            "max_speakers": 4}
