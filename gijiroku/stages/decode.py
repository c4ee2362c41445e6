"""The decode stage: any audio or video file to 16 kHz mono float32 samples, once a job."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from gijiroku import audio
from gijiroku.errors import GijirokuError
from gijiroku.stages.base import StageContext, decode_recording
from gijiroku.storage import repository, session_scope

log = logging.getLogger(__name__)


class DecodeStage:
    """ffmpeg to 16 kHz mono float32, once per recording."""

    name = "decode"
    weight = 0.05

    def run(self, context: StageContext) -> None:
        with session_scope(context.engine) as session:
            row = repository.get_meeting_row(session, context.meeting_id)
            source, name = Path(row.source_path), row.source_name
        relative = Path("meetings") / context.meeting_id / audio.DECODED_NAME
        duration = decode_recording(context.data_dir / source, context.data_dir / relative,
                                    name, context.settings, context.progress)
        try:  # WMA, AMR...: the player's copy now, not at the first click on play
            audio.playable(context.data_dir / source)
        except GijirokuError as error:  # not needed for the transcript; the web view
            log.warning("meeting %s: %s", context.meeting_id, error)  # tries once more
        recorded = audio.recorded_at(context.data_dir / source)
        with session_scope(context.engine) as session:
            repository.update_meeting(
                session, context.meeting_id, audio_path=relative.as_posix(), duration=duration
            )
            if recorded is not None:
                _when_recorded(session, context.meeting_id, recorded)


def _when_recorded(session: Session, meeting_id: str, recorded: datetime) -> None:
    """The start time and date the recording's file gives, where a person gave none (the
    会議録's times count from it)."""
    row = repository.get_meeting_row(session, meeting_id)
    options = repository.options_of(row)
    if options.start_time is None:
        row.options = replace(options, start_time=f"{recorded:%H:%M}",
                              date=options.date or f"{recorded:%Y-%m-%d}").to_stored()
        session.add(row)


__all__ = ["DecodeStage"]
