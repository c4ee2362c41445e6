"""Sample recordings processed by the real pipeline once per test run (whichever pytest-xdist
worker asks first), then stored again as new meetings wherever a test needs one: its own
SQLite file, a running `gijiroku serve`'s database, or PostgreSQL.

Processing is what costs (decoding, transcription, diarization, the minutes model: tens of
seconds to minutes on two cores); storing a copy takes milliseconds. A copy is what the
pipeline left, read back from the database it was stored in and written again through the
same repository functions: every line, word, time, probability and speaker, the minutes, the
recording file, the completed stages and a finished job. Tests that are about processing
itself (a stage, a job, a worker, an upload followed to the end) still process their own
recordings; the others take a copy.
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Engine

from gijiroku.config import Settings
from gijiroku.domain import Meeting, Transcript
from gijiroku.options import MeetingOptions
from gijiroku.pipeline import Pipeline
from gijiroku.recordings import accept_file, meeting_dir
from gijiroku.storage import close_database, open_database, repository, session_scope
from gijiroku.storage.tables import utcnow
from tests.assets import PYANNOTE_SAMPLE
from tests.cores import THREADS

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@dataclass(frozen=True)
class Processed:
    """One recording as the pipeline stored it."""

    recording: Path
    title: str
    options: MeetingOptions
    completed_stages: tuple[str, ...]
    audio_name: str | None  # the decoded samples' file name (removed once the job ended)
    meeting: Meeting  # with word timings

    def store(self, engine: Engine, data_dir: Path, *, title: str | None = None,
              stages: tuple[str, ...] | None = None) -> str:
        """A new meeting in `engine`'s database (and its recording under `data_dir`) holding
        what the pipeline stored, with a finished job; its id. `stages`: only these of the
        completed stages are marked done (a stage left out can be run on the copy)."""
        accepted = accept_file(engine, data_dir, self.recording, title=title or self.title,
                               options=self.options)
        done = self.completed_stages if stages is None else stages
        meeting = self.meeting
        with session_scope(engine) as session:
            repository.save_transcript(session, meeting_id=accepted.meeting_id,
                                       transcript=Transcript(
                                           language=meeting.language or "",
                                           duration=meeting.duration or 0.0,
                                           segments=[replace(s, words=list(s.words))
                                                     for s in meeting.segments]))
            repository.save_speakers(session, meeting_id=accepted.meeting_id,
                                     speakers=list(meeting.speakers))
            if "minutes" in done:
                repository.save_minutes(session, accepted.meeting_id, meeting.minutes)
            for stage in done:
                repository.mark_stage_done(session, accepted.meeting_id, stage)
            repository.update_job(session, accepted.job_id, status="done", progress=1.0,
                                  attempts=1, started_at=utcnow(), finished_at=utcnow())
            # where a re-run decodes the recording to again, as the decode step set it
            audio = (meeting_dir(data_dir, accepted.meeting_id) / self.audio_name
                     if self.audio_name and "decode" in done else None)
            repository.update_meeting(
                session, accepted.meeting_id, status="done",
                audio_path=audio.relative_to(data_dir).as_posix() if audio else None)
        return accepted.meeting_id


def process(recording: Path, folder: Path, settings_of: Callable[[Path], Settings], *,
            title: str | None = None, options: MeetingOptions | None = None) -> Processed:
    """Run the whole pipeline on `recording` in a data directory of its own."""
    settings = settings_of(folder / "data")
    url = settings.resolved_database_url
    engine = open_database(url)
    try:
        accepted = accept_file(engine, settings.data_dir, recording, title=title,
                               options=options)
        Pipeline(engine, settings).run(accepted.job_id)
        with session_scope(engine) as session:
            row = repository.get_meeting_row(session, accepted.meeting_id)
            meeting = repository.load_meeting(session, accepted.meeting_id)
            return Processed(recording, row.title, repository.options_of(row),
                             tuple(row.completed_stages),
                             Path(row.audio_path).name if row.audio_path else None, meeting)
    finally:
        close_database(url)


def quiet(data_dir: Path) -> Settings:
    """The embedded defaults without the minutes model (most tests never read minutes)."""
    return Settings(data_dir=data_dir, cpu_threads=THREADS, llm_backend="off")


#: name -> (recording, settings, title, options): each processed at most once a session.
RECIPES: dict[str, tuple[Path, Callable[[Path], Settings], str | None, MeetingOptions]] = {
    # The English committee sample, three speakers, diarized, no minutes (tests/api, the web
    # view's walks).
    "committee-en": (SAMPLES / "committee-meeting-en.flac", quiet, "教育委員会",
                     MeetingOptions(language="en")),
    # The Japanese committee sample with nothing configured but the minutes model (which
    # tests/test_japanese runs on its copy): language detected, the multilingual model, five
    # voices (tests/test_japanese, tests/test_dictionary, the dictionary page).
    "committee-ja": (SAMPLES / "committee-meeting-ja.flac", quiet, None, MeetingOptions()),
    # The plenary sample (6.6 min, 42 turns), as a clerk would give it: a plenary sitting
    # that began at 10:00 (tests/council/test_recording)
    "plenary-ja": (SAMPLES / "council-plenary-ja.flac", quiet, "本会議",
                   MeetingOptions(kind="honkaigi", start_time="10:00", date="2026-12-10")),
    # pyannote's 30 s two-speaker telephone call, two speakers asked for (tests/test_cli)
    "pyannote-sample": (PYANNOTE_SAMPLE / "sample.wav", quiet, None,
                        MeetingOptions(num_speakers=2)),
}


class ProcessedMeetings:
    """The session's processed samples, each made the first time a test asks for it. Under
    pytest-xdist the workers share them: the first worker to ask processes the sample while
    holding a lock in the run's common temporary folder and leaves it there (pickled, with
    the data directory it was processed in); the others wait for it and read it back."""

    def __init__(self, folder: Callable[[str], Path], shared: Path | None = None) -> None:
        self._folder = folder
        self._shared = shared
        self._done: dict[str, Processed] = {}

    def __getitem__(self, name: str) -> Processed:
        if name not in self._done:
            self._done[name] = self._made(name) if self._shared else self._make(name)
        return self._done[name]

    def _make(self, name: str, folder: Path | None = None) -> Processed:
        recording, settings_of, title, options = RECIPES[name]
        return process(recording, folder or self._folder(name), settings_of, title=title,
                       options=options)

    def _made(self, name: str) -> Processed:
        assert self._shared is not None
        done = self._shared / f"processed-{name}.pickle"
        with (self._shared / f"processed-{name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not done.is_file():
                folder = self._shared / f"processed-{name}"
                folder.mkdir()
                made = self._make(name, folder)
                partial = done.with_suffix(".partial")
                partial.write_bytes(pickle.dumps(made))
                partial.rename(done)
            return cast(Processed, pickle.loads(done.read_bytes()))


@pytest.fixture(scope="session")
def processed_meetings(tmp_path_factory: pytest.TempPathFactory) -> ProcessedMeetings:
    """Processed sample meetings shared by the whole session (see the module's text), and by
    every pytest-xdist worker of the run."""
    # xdist's workers each have a temporary folder inside the run's own
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    shared = tmp_path_factory.getbasetemp().parent if worker else None
    return ProcessedMeetings(lambda name: tmp_path_factory.mktemp(f"processed-{name}"),
                             shared)


def a_heard_word(
    meeting: Meeting, avoid: tuple[str, ...] = (), unlike: str = ""
) -> str:
    """A word of two or more Japanese letters, a kanji among them (a name or a term, not a
    particle), that the recogniser wrote in the meeting: the one in the most lines, then the
    first. A dictionary rule aimed at it has lines to correct, whichever words a model
    version hears. Never a part of a text in `avoid`, nor a word holding one; no kanji of
    `unlike` in it (a term given to Whisper changes how it writes words that sound like
    the term: 総務上任委員会 becomes 総務常任委員会, and a rule aimed at 上任 finds nothing)."""
    from gijiroku.dictionary import builtin_entries

    # a built-in rule's words too: a rule aimed at one would chain with it (異議 inside
    # 意義なし -> 異議なし), and the dictionary refuses such a pair
    avoid = (*avoid, *(text for entry in builtin_entries() if entry.kind == "correction"
                       for text in (entry.text, entry.replacement or "") if text))
    lines: Counter[str] = Counter()
    for segment in meeting.segments:
        found = set()
        for word in segment.words:
            text = word.text.strip().rstrip("、。？！")
            japanese = all("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff"
                           for ch in text)
            kanji = any("\u4e00" <= ch <= "\u9fff" for ch in text)
            clear = not any(text in other or other in text for other in avoid) and not any(
                "\u4e00" <= ch <= "\u9fff" and ch in unlike for ch in text)
            if len(text) >= 2 and japanese and kanji and clear:
                found.add(text)
        lines.update(found)
    assert lines, [s.text for s in meeting.segments]
    return lines.most_common(1)[0][0]
