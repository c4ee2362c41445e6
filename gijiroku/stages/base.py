"""What every stage shares: the `Stage` interface and the context a stage runs in."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from sqlalchemy import Engine

from gijiroku import audio
from gijiroku.config import Settings
from gijiroku.domain import Progress, no_progress
from gijiroku.errors import StageError
from gijiroku.recordings import meeting_dir
from gijiroku.storage import repository, session_scope

log = logging.getLogger(__name__)


@dataclass
class StageContext:
    """What a stage may use: the meeting, the database, the data directory and settings."""

    meeting_id: str
    engine: Engine
    settings: Settings
    progress: Progress = no_progress
    #: The job may replace what a person edited (a re-run asked for it); else a stage keeps
    #: such edits or refuses to run.
    replace_edits: bool = False
    #: The job will be tried again if this run fails for a passing reason (a stage that
    #: would otherwise settle for less, like the minutes, may then fail instead).
    retries_left: bool = False
    _audio: np.memmap | None = field(default=None, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    def audio(self) -> np.memmap:
        """The decoded recording, memory-mapped once per job and shared by every stage; the
        file is removed when a job ends, so a later re-run decodes the recording again."""
        if self._audio is None:
            with session_scope(self.engine) as session:
                row = repository.get_meeting_row(session, self.meeting_id)
                relative, source, name = row.audio_path, row.source_path, row.source_name
            if relative is None:
                raise StageError("The recording has not been decoded yet.")
            decoded = self.data_dir / relative
            if not decoded.is_file():
                log.info("meeting %s: decoding the recording again", self.meeting_id)
                decode_recording(self.data_dir / source, decoded, name, self.settings)
            self._audio = audio.load(decoded)
        return self._audio


def decode_recording(source: Path, target: Path, name: str, settings: Settings,
                     progress: Progress = no_progress) -> float:
    """Probe, check the limits (length, disk space) and decode; the duration in seconds."""
    info = audio.probe(source, name=name)
    return audio.decode(source, target, duration_hint=info.duration, progress=progress,
                        name=name, limits=settings.limits, container=info.container)


def drop_decoded(data_dir: Path, meeting_id: str) -> None:
    """Remove a meeting's decoded samples once its job has ended (they are made again when
    needed): a 3-hour session's would otherwise keep 0.7 GB of disk for good."""
    decoded = meeting_dir(data_dir, meeting_id) / audio.DECODED_NAME
    try:
        if decoded.is_file():
            decoded.unlink()
    except OSError as error:
        log.warning("meeting %s: could not remove %s: %s", meeting_id, decoded, error)


class Stage(Protocol):
    """One step of the pipeline; `run` stores its own output before returning."""

    name: str
    #: Share of the job's total work, for the progress bar.
    weight: float

    def run(self, context: StageContext) -> None: ...


__all__ = ["Stage", "StageContext"]
