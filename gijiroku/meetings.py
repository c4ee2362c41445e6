"""Meetings as a person asks for them: made from an upload, with the form's options checked,
and deleted with everything they hold. The API routes and the web pages call these; the CLI
and the watched folder make meetings from files through `gijiroku.recordings`."""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from diarize import SpeakerHints
from gijiroku import audio
from gijiroku.domain import FINISHED
from gijiroku.errors import GijirokuError, InvalidInputError
from gijiroku.jobs import cancel
from gijiroku.recordings import Accepted, accept_received, meeting_dir
from gijiroku.storage import repository, session_scope


def options_from_form(fields: Mapping[str, str]) -> dict[str, Any]:
    """An upload form's optional fields, checked: date, place, language and speaker-count
    hints, as the meeting stores them."""
    options: dict[str, Any] = {}
    for key, limit in (("place", 200), ("date", 10)):
        value = fields.get(key, "").strip()
        if len(value) > limit:
            raise InvalidInputError(f"{key} is longer than {limit} characters.")
        if key == "date" and value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise InvalidInputError("date must be written YYYY-MM-DD.")
        if value:
            options[key] = value
    language = fields.get("language", "").strip().lower()
    if language and language != "auto":
        if not (2 <= len(language) <= 3 and language.isascii() and language.isalpha()):
            raise InvalidInputError(f"Unknown language {language!r}: use auto, ja, en...")
        options["language"] = language
    counts: dict[str, int | None] = {}
    for key in ("num_speakers", "min_speakers", "max_speakers"):
        value = fields.get(key, "").strip()
        if value:
            if not value.isdigit() or not 1 <= int(value) <= 100:
                raise InvalidInputError(f"{key} must be a whole number from 1 to 100.")
            counts[key] = int(value)
    try:
        SpeakerHints(**counts)  # refuses min > max
    except GijirokuError as exc:
        raise InvalidInputError(exc.message) from exc
    options.update(counts)
    return options


def accept_upload(
    engine: Engine, data_dir: Path, received: Path, name: str, content_hash: str,
    fields: Mapping[str, str],
) -> Accepted:
    """A received upload as a new meeting with a queued job. The form is checked and the
    content probed first, so a file that holds no audio is refused whatever its name; the
    caller removes what was received when this raises."""
    options = options_from_form(fields)
    audio.probe(received, name=name)
    return accept_received(engine, data_dir, received, name, content_hash,
                           title=fields.get("title"), options=options)


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
