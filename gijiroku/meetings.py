"""Meetings as a person asks for them: made from an upload, with the form's options checked,
and deleted with everything they hold. The API routes and the web pages call these; the CLI
and the watched folder make meetings from files through `gijiroku.recordings`."""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Engine, delete
from sqlmodel import col

from gijiroku import audio, audit
from gijiroku.domain import FINISHED
from gijiroku.edits.history import record
from gijiroku.jobs import cancel
from gijiroku.options import MeetingOptions, checked_title
from gijiroku.recordings import Accepted, accept_received, content_hash, meeting_dir
from gijiroku.result import result_document
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import (
    JobRow,
    MinutesItemRow,
    SegmentRow,
    SpeakerRow,
    WordRow,
)

log = logging.getLogger(__name__)

#: The upload form's optional fields that are meeting options (`title` is the meeting's own).
FORM_OPTIONS = ("date", "place", "language", "num_speakers", "min_speakers", "max_speakers",
                "kind", "start_time", "roster")


def options_from_form(fields: Mapping[str, str]) -> MeetingOptions:
    """An upload form's optional fields, checked by the one parser the CLI uses too."""
    return MeetingOptions.checked(**{name: fields.get(name) for name in FORM_OPTIONS})


def accept_upload(
    engine: Engine, data_dir: Path, received: Path, name: str, content_hash: str,
    fields: Mapping[str, str], limits: audio.Limits | None = None,
) -> Accepted:
    """A received upload as a new meeting with a queued job. The form is checked and the
    content probed first, so a file that holds no audio, or too long a one, or one the disk
    has no room to decode, is refused whatever its name; the caller removes what was
    received when this raises."""
    options = options_from_form(fields)
    title = checked_title(fields.get("title"))
    info = audio.probe(received, name=name)
    audio.check_limits(info.duration, name, limits or audio.Limits(), data_dir)
    return accept_received(engine, data_dir, received, name, content_hash,
                           title=title, options=options)


def replace_recording(
    engine: Engine, data_dir: Path, meeting_id: str, source: Path, settle_seconds: float = 120.0,
) -> Accepted:
    """The meeting's recording replaced by `source`, a complete copy of the same file (a
    watched-folder copy that stalled was taken half-way): its job is stopped, what it made
    from the earlier content is kept in the history (kind `recording`, the JSON result as it
    was), and a new job processes the new content from the start. Returns the new job."""
    _stop_jobs(engine, meeting_id, settle_seconds)
    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, meeting_id)
        original = data_dir / row.source_path
        earlier = {"content_hash": row.content_hash, "status": row.status,
                   "duration": row.duration,
                   "size": original.stat().st_size if original.is_file() else None,
                   "result": result_document(repository.load_meeting(session, meeting_id,
                                                                     with_words=False))}
    partial = original.with_name(f"{original.name}.{os.getpid()}.part")
    try:
        digest = content_hash(source, copy_to=partial)
        os.replace(partial, original)
    finally:
        partial.unlink(missing_ok=True)
    for made in (audio.DECODED_NAME, audio.PLAYBACK_NAME):  # from the earlier content
        (meeting_dir(data_dir, meeting_id) / made).unlink(missing_ok=True)
    with session_scope(engine) as session:
        record(session, meeting_id, "recording", "", earlier,
               {"content_hash": digest, "size": original.stat().st_size},
               touch=False)  # (the meeting is updated below)
        for table in (WordRow, SegmentRow, SpeakerRow, MinutesItemRow):
            session.execute(delete(table).where(col(table.meeting_id) == meeting_id))
        repository.update_meeting(
            session, meeting_id, content_hash=digest, completed_stages=[], audio_path=None,
            duration=None, status="queued", minutes=None, minutes_status="not_configured")
        job = repository.create_job(session, meeting_id=meeting_id, replace_edits=True)
        log.info("meeting %s: recording replaced by a new copy of %s; job %s", meeting_id,
                 source.name, job.id)
        return Accepted(meeting_id, job.id)


def _cancel_unfinished(engine: Engine, meeting_id: str) -> list[str]:
    """Cancel the meeting's queued or running job; the ids of those cancelled."""
    with session_scope(engine) as session:
        unfinished = [job.id for job in repository.latest_jobs(session, [meeting_id]).values()
                      if job.status not in FINISHED]
    for job_id in unfinished:
        cancel(engine, job_id)
    return unfinished


def _stop_jobs(engine: Engine, meeting_id: str, settle_seconds: float) -> None:
    """Cancel the meeting's unfinished jobs and wait (a while) until none runs any more, so
    none writes into what replaces its work."""
    unfinished = _cancel_unfinished(engine, meeting_id)
    deadline = time.monotonic() + settle_seconds
    while unfinished and time.monotonic() < deadline:
        with session_scope(engine) as session:
            if all((job := session.get(JobRow, job_id)) is None or job.status != "running"
                   for job_id in unfinished):
                return
        time.sleep(0.5)
    if unfinished:
        log.warning("meeting %s: job still running after %.0f s; replacing anyway",
                    meeting_id, settle_seconds)


def delete_meeting(engine: Engine, data_dir: Path, meeting_id: str) -> None:
    """The meeting, its transcript, minutes, history and files. A job still running for it is
    cancelled first, so it stops instead of writing into what is gone."""
    _cancel_unfinished(engine, meeting_id)
    with session_scope(engine) as session:
        row = repository.delete_meeting(session, meeting_id)
        # the audit log keeps the meeting's entries, and says it went
        audit.append(session, "delete", "meeting", meeting_id, {"title": row.title})
    shutil.rmtree(meeting_dir(data_dir, meeting_id), ignore_errors=True)


__all__ = ["accept_upload", "delete_meeting", "options_from_form", "replace_recording"]
