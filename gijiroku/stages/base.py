"""What every stage shares: the `Stage` interface and the context a stage runs in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from sqlalchemy import Engine

from gijiroku import audio
from gijiroku.config import Settings
from gijiroku.domain import Progress, no_progress
from gijiroku.errors import StageError
from gijiroku.storage import repository, session_scope


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
        """The decoded recording, memory-mapped once per job and shared by every stage."""
        if self._audio is None:
            with session_scope(self.engine) as session:
                row = repository.get_meeting_row(session, self.meeting_id)
                relative = row.audio_path
            if relative is None:
                raise StageError("The recording has not been decoded yet.")
            self._audio = audio.load(self.data_dir / relative)
        return self._audio


class Stage(Protocol):
    """One step of the pipeline; `run` stores its own output before returning."""

    name: str
    #: Share of the job's total work, for the progress bar.
    weight: float

    def run(self, context: StageContext) -> None: ...


__all__ = ["Stage", "StageContext"]
