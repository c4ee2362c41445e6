"""Meetings as a person asks for them: made from an upload, with the form's options checked,
and deleted with everything they hold. The API routes and the web pages call these; the CLI
and the watched folder make meetings from files through `gijiroku.recordings`."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Engine

from gijiroku import audio
from gijiroku.domain import FINISHED
from gijiroku.jobs import cancel
from gijiroku.options import MeetingOptions, checked_title
from gijiroku.recordings import Accepted, accept_received, meeting_dir
from gijiroku.storage import repository, session_scope

#: The upload form's optional fields that are meeting options (`title` is the meeting's own).
FORM_OPTIONS = ("date", "place", "language", "num_speakers", "min_speakers", "max_speakers")


def options_from_form(fields: Mapping[str, str]) -> MeetingOptions:
    """An upload form's optional fields, checked by the one parser the CLI uses too."""
    return MeetingOptions.checked(**{name: fields.get(name) for name in FORM_OPTIONS})


def accept_upload(
    engine: Engine, data_dir: Path, received: Path, name: str, content_hash: str,
    fields: Mapping[str, str],
) -> Accepted:
    """A received upload as a new meeting with a queued job. The form is checked and the
    content probed first, so a file that holds no audio is refused whatever its name; the
    caller removes what was received when this raises."""
    options = options_from_form(fields)
    title = checked_title(fields.get("title"))
    audio.probe(received, name=name)
    return accept_received(engine, data_dir, received, name, content_hash,
                           title=title, options=options)


def delete_meeting(engine: Engine, data_dir: Path, meeting_id: str) -> None:
    """The meeting, its transcript, minutes, history and files. A job still running for it is
    cancelled first, so it stops instead of writing into what is gone."""
    with session_scope(engine) as session:
        unfinished = [job.id for job in repository.latest_jobs(session, [meeting_id]).values()
                      if job.status not in FINISHED]
    for job_id in unfinished:
        cancel(engine, job_id)
    with session_scope(engine) as session:
        repository.delete_meeting(session, meeting_id)
    shutil.rmtree(meeting_dir(data_dir, meeting_id), ignore_errors=True)


__all__ = ["accept_upload", "delete_meeting", "options_from_form"]
