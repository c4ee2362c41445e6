"""The diarization stage and the settings it reads: pyannote.audio through `diarize/`."""

from __future__ import annotations

import logging
from dataclasses import replace

from diarize import DiarizerSpec, SpeakerHints, load_diarizer
from diarize.assign import assign_speakers, carry_names, unsplit
from diarize.voices import VoiceEncoder, load_voice_encoder
from gijiroku import marks, roster
from gijiroku.config import Settings
from gijiroku.domain import SpeakerTurn
from gijiroku.errors import EditConflictError
from gijiroku.models import starter_segmentation_path
from gijiroku.options import MeetingOptions
from gijiroku.stages.base import StageContext
from gijiroku.storage import repository, session_scope

log = logging.getLogger(__name__)

#: Why a re-run of diarization stops before it rebuilds lines a person corrected.
EDITED_LINES = (
    "Lines of this meeting were edited by hand; finding the speakers again rebuilds the "
    "lines where speakers change and loses those edits. Run it again with --replace-edits "
    "(in the API: replace_edits=true) to go ahead."
)


#: Why a diarization stops instead of writing its lines.
CHANGED_MEANWHILE = (
    "Lines of this meeting were changed while the speakers were being found; nothing was "
    "replaced. Run it again to find the speakers over the lines as they are now."
)


def diarizer_spec(settings: Settings) -> DiarizerSpec:
    return DiarizerSpec(
        pipeline=settings.diarization_pipeline or None,
        device=settings.diarize_device or settings.device,
        hf_token=settings.hf_token.get_secret_value() if settings.hf_token else None,
        starter_segmentation=str(starter_segmentation_path()),
        models_dir=str(settings.resolved_models_dir),
        embedding=settings.speaker_embedding,
    )


#: Voices a meeting may have beyond its roster's members (the clerk, a guest, a presenter).
ROSTER_SLACK = 2


def speaker_hints(settings: Settings, chosen: MeetingOptions | None = None,
                  expected: int | None = None) -> SpeakerHints:
    """The meeting's own speaker-count hints when it has any, else the configured ones; with
    neither, at most the roster's `expected` people and a few more."""
    source: MeetingOptions | Settings = settings
    if chosen is not None and (chosen.num_speakers or chosen.min_speakers
                               or chosen.max_speakers):
        source = chosen
    elif expected and not (settings.num_speakers or settings.min_speakers
                           or settings.max_speakers):
        return SpeakerHints(max_speakers=expected + ROSTER_SLACK)
    return SpeakerHints(source.num_speakers, source.min_speakers, source.max_speakers)


class DiarizeStage:
    """pyannote.audio; gives every word a speaker and splits segments at speaker changes.

    Runs on the unsplit recognition segments, so it can be re-run alone with new hints or
    weights; names a person gave are carried to the new speakers that match them."""

    name = "diarize"
    weight = 0.35

    def run(self, context: StageContext) -> None:
        with session_scope(context.engine) as session:
            options = repository.options_of(
                repository.get_meeting_row(session, context.meeting_id))
            transcript = repository.load_transcript(session, context.meeting_id)
            old_speakers = repository.load_speakers(session, context.meeting_id)
            edited = repository.edited_segments(session, context.meeting_id)
            read = repository.line_versions(session, context.meeting_id)
            expected = roster.expected_count(session, options.roster, options.date)
            allowed = (roster.members(session, options.roster, options.date)
                       if options.roster else None)
        if edited and not context.replace_edits:
            # checked again here: a line may have been edited after the re-run was queued
            raise EditConflictError(EDITED_LINES)
        hints = speaker_hints(context.settings, options, expected)
        spec = diarizer_spec(context.settings)
        diarizer = load_diarizer(spec)
        turns = diarizer.diarize(context.audio(), hints, context.progress)
        encoder = load_voice_encoder(context.settings.voiceprint_model, spec.device)
        turns = self._split_by_roster(context, encoder, turns, allowed)
        voices = encoder.voices(context.audio(), turns)
        base = unsplit(transcript.segments, transcript.language)
        before = [w.speaker for s in base for w in s.words]
        segments, speakers = assign_speakers(base, turns, transcript.language)
        after = [w.speaker for s in segments for w in s.words]
        speakers = carry_names(old_speakers, before, speakers, after)
        speakers = [replace(s, voice=voices.get(s.label)) for s in speakers]
        transcript.segments = segments
        with session_scope(context.engine) as session:
            # the lines are taken before they are compared: a correction made while the
            # speakers were found is never written over (even when edits may be replaced:
            # those were the edits there when the re-run was asked for)
            if repository.line_versions(session, context.meeting_id, lock=True) != read:
                raise EditConflictError(CHANGED_MEANWHILE)
            spans = repository.line_spans(session, context.meeting_id)
            held = marks.held_lines(session, context.meeting_id)
            repository.save_transcript(
                session, meeting_id=context.meeting_id, transcript=transcript
            )
            repository.save_speakers(session, meeting_id=context.meeting_id, speakers=speakers)
            lost = repository.cite_by_time(session, context.meeting_id, spans, segments)
            unplaced = marks.carry_by_time(session, context.meeting_id, held, segments)
            suggested = roster.suggest(session, context.meeting_id,
                                       context.settings.voiceprint_threshold)
            stale = roster.stale_models(session, encoder.model_name)
        if suggested:
            log.info("meeting %s: %d speaker(s) matched a roster voiceprint",
                     context.meeting_id, suggested)
        if stale:
            log.warning("voiceprints of %s were made by another embedding model than the "
                        "diarizer's (%s): those people are not recognised until they are "
                        "enrolled again", ", ".join(f"{n} person(s) ({m})"
                                                    for m, n in stale.items()),
                        encoder.model_name)
        if unplaced:
            log.warning("meeting %s: %d mark(s) could not be placed on the new lines; "
                        "flagged for a person to set again", context.meeting_id, unplaced)
        if lost:
            log.warning("meeting %s: %d minutes item(s) cite speech no line holds now; "
                        "flagged", context.meeting_id, lost)

    @staticmethod
    def _split_by_roster(context: StageContext, encoder: VoiceEncoder,
                         turns: list[SpeakerTurn], allowed: list[int] | None
                         ) -> list[SpeakerTurn]:
        """A speaker the diarizer made of two enrolled people's voices is split by them
        (`roster.split_merged`), when two people or more have voiceprints of this encoder:
        similar voices that clustering merged are told apart by the people's own."""
        threshold = roster.threshold_for(encoder.model_name,
                                         context.settings.voiceprint_threshold)
        with session_scope(context.engine) as session:
            prints = roster.voiceprints(session, encoder.model_name, allowed)
        if threshold is None or len(prints) < 2:
            return turns
        split, made = roster.split_merged(
            turns, encoder.turn_vectors(context.audio(), turns), prints, threshold)
        if made:
            log.info("meeting %s: %d speaker(s) told apart by the roster's voiceprints",
                     context.meeting_id, made)
        return split


__all__ = ["CHANGED_MEANWHILE", "EDITED_LINES", "DiarizeStage", "diarizer_spec", "speaker_hints"]
