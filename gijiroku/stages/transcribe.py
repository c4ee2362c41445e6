"""The transcription stage and the settings it reads: faster-whisper through `transcribe/`."""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlmodel import Session

from gijiroku import marks, roster
from gijiroku.config import Settings
from gijiroku.dictionary import listen_for, terms
from gijiroku.options import MeetingOptions
from gijiroku.stages.base import StageContext
from gijiroku.storage import repository, session_scope
from transcribe import ModelSpec, TranscriptionOptions, embedded_model, load_transcriber

log = logging.getLogger(__name__)


def model_spec(settings: Settings, language: str | None = None) -> ModelSpec:
    """The configured model, or the embedded one for a meeting in `language` (by default the
    configured language; None or "auto": detected)."""
    language = settings.language if language is None else language
    return ModelSpec(
        model=settings.whisper_model or embedded_model(None if language == "auto" else language),
        device=settings.device,
        compute_type=settings.compute_type,
        cpu_threads=settings.cpu_threads,
        models_dir=str(settings.resolved_models_dir),
    )


def transcription_options(
    settings: Settings, chosen: MeetingOptions | None = None
) -> TranscriptionOptions:
    """Options for one meeting: its own choices first, then the configured defaults."""
    chosen = chosen or MeetingOptions()
    language = chosen.language or settings.language
    return TranscriptionOptions(
        language=None if language == "auto" else language,
        beam_size=settings.beam_size,
        batch_size=settings.batch_size,
        initial_prompt=chosen.initial_prompt or settings.initial_prompt,
        hotwords=chosen.hotwords or settings.hotwords,
        window_seconds=settings.transcribe_window_seconds,
    )


def meeting_terms(session: Session, settings: Settings,
                  options: MeetingOptions) -> tuple[tuple[str, str], ...]:
    """(language, term) for Whisper after the meeting's own hotwords: the names on the
    meeting's roster when GIJIROKU_ROSTER_TERMS asks for them, then the dictionary's."""
    names = roster.terms(session, options.roster, options.date) if settings.roster_terms else ()
    return (*names, *terms(session))


class TranscribeStage:
    """faster-whisper, in windows cut at pauses; stores segments and words."""

    name = "transcribe"
    weight = 0.6

    def run(self, context: StageContext) -> None:
        with session_scope(context.engine) as session:
            options = repository.options_of(
                repository.get_meeting_row(session, context.meeting_id))
            chosen = replace(transcription_options(context.settings, options),
                             terms=meeting_terms(session, context.settings, options),
                             listen_for=listen_for())
        transcriber = load_transcriber(model_spec(context.settings, chosen.language or "auto"))
        transcript = transcriber.transcribe(context.audio(), chosen, context.progress)
        if transcript.redecoded:
            gaps = sum(1 for segment in transcript.segments if segment.gap)
            log.info("%s: %d stretch(es) of speech decoded again, %d gap(s) left",
                     context.meeting_id, transcript.redecoded, gaps)
        with session_scope(context.engine) as session:
            held = marks.held_lines(session, context.meeting_id)
            repository.save_transcript(
                session, meeting_id=context.meeting_id, transcript=transcript
            )
            unplaced = marks.carry_by_time(session, context.meeting_id, held,
                                           transcript.segments)
            if unplaced:
                log.warning("meeting %s: %d mark(s) could not be placed on the new lines; "
                            "flagged", context.meeting_id, unplaced)
            repository.update_meeting(session, context.meeting_id,
                                      redecoded=transcript.redecoded)


__all__ = ["TranscribeStage", "meeting_terms", "model_spec", "transcription_options"]
