"""The processing pipeline: ordered stages, each storing its output as soon as it is done.

A job runs the meeting's stages in order, skipping those already completed, so a crash or a
re-run resumes after the last finished stage. A stage that fails marks the job and meeting
failed with its reason; everything stored by earlier stages stays. The pipeline knows nothing
of HTTP or queues: the CLI, the API and the workers all call `Pipeline.run`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sqlalchemy import Engine

from diarize import SpeakerHints
from gijiroku import audio
from gijiroku.config import Settings
from gijiroku.domain import Minutes, Progress, no_progress
from gijiroku.errors import GijirokuError, StageError
from gijiroku.stages import diarizer_spec, model_spec, speaker_hints, transcription_options
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import utcnow
from transcribe import load_transcriber

log = logging.getLogger(__name__)


@dataclass
class StageContext:
    """What a stage may use: the meeting, the database, the data directory and settings."""

    meeting_id: str
    engine: Engine
    settings: Settings
    progress: Progress = no_progress
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


class DecodeStage:
    """ffmpeg to 16 kHz mono float32, once per recording."""

    name = "decode"
    weight = 0.05

    def run(self, context: StageContext) -> None:
        with session_scope(context.engine) as session:
            row = repository.get_meeting_row(session, context.meeting_id)
            source, name = context.data_dir / row.source_path, row.source_name
        info = audio.probe(source, name=name)
        relative = Path("meetings") / context.meeting_id / "audio.f32"
        duration = audio.decode(
            source,
            context.data_dir / relative,
            duration_hint=info.duration,
            progress=context.progress,
            name=name,
        )
        with session_scope(context.engine) as session:
            repository.update_meeting(
                session, context.meeting_id, audio_path=relative.as_posix(), duration=duration
            )


class TranscribeStage:
    """faster-whisper, in windows cut at pauses; stores segments and words."""

    name = "transcribe"
    weight = 0.6

    def run(self, context: StageContext) -> None:
        with session_scope(context.engine) as session:
            options = repository.get_meeting_row(session, context.meeting_id).options
        transcriber = load_transcriber(model_spec(context.settings))
        transcript = transcriber.transcribe(
            context.audio(), transcription_options(context.settings, options), context.progress
        )
        with session_scope(context.engine) as session:
            repository.save_transcript(
                session, meeting_id=context.meeting_id, transcript=transcript
            )


class DiarizeStage:
    """pyannote.audio; gives every word a speaker and splits segments at speaker changes.

    Runs on the unsplit recognition segments, so it can be re-run alone with new hints or
    weights; names a person gave are carried to the new speakers that match them."""

    name = "diarize"
    weight = 0.35

    def run(self, context: StageContext) -> None:
        from diarize import load_diarizer
        from diarize.assign import assign_speakers, carry_names, unsplit

        with session_scope(context.engine) as session:
            options = repository.get_meeting_row(session, context.meeting_id).options
            transcript = repository.load_transcript(session, context.meeting_id)
            old_speakers = repository.load_speakers(session, context.meeting_id)
        hints = speaker_hints(context.settings, options)
        diarizer = load_diarizer(diarizer_spec(context.settings))
        turns = diarizer.diarize(context.audio(), hints, context.progress)
        base = unsplit(transcript.segments, transcript.language)
        before = [w.speaker for s in base for w in s.words]
        segments, speakers = assign_speakers(base, turns, transcript.language)
        after = [w.speaker for s in segments for w in s.words]
        speakers = carry_names(old_speakers, before, speakers, after)
        transcript.segments = segments
        with session_scope(context.engine) as session:
            repository.save_transcript(
                session, meeting_id=context.meeting_id, transcript=transcript
            )
            repository.save_speakers(session, meeting_id=context.meeting_id, speakers=speakers)


def default_stages(settings: Settings | None = None) -> list[Stage]:
    from gijiroku.minutes import MinutesStage

    stages: list[Stage] = [DecodeStage(), TranscribeStage()]
    if settings is None or settings.diarize:
        stages.append(DiarizeStage())
    stages.append(MinutesStage())
    return stages


def rerun_stage(
    engine: Engine,
    settings: Settings,
    meeting_id: str,
    stage: Stage,
    *,
    forget: Callable[[str], bool],
    set_options: dict[str, Any],
    requires: str | None = None,
    progress: Progress = no_progress,
) -> str:
    """Run one stage again on a stored meeting with changed options; returns the job id.

    Options for which `forget(name)` is true are dropped, then `set_options` (those not None)
    are stored with the meeting, so later re-runs and the web view see what was asked."""
    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, meeting_id)
        if requires is not None and requires not in row.completed_stages:
            raise StageError(f"The meeting has no finished {requires} step to build on yet.")
        options = {k: v for k, v in row.options.items() if not forget(k)}
        options.update({k: v for k, v in set_options.items() if v is not None})
        repository.update_meeting(
            session, meeting_id, options=options,
            completed_stages=[s for s in row.completed_stages if s != stage.name],
        )
        job_id = repository.create_job(session, meeting_id=meeting_id).id
    Pipeline(engine, settings, [stage]).run(job_id, progress)
    return job_id


def regenerate_minutes(
    engine: Engine,
    settings: Settings,
    meeting_id: str,
    template: str | None = None,
    replace_edits: bool = False,
    progress: Progress = no_progress,
    language: str | None = None,
) -> Minutes:
    """Write the minutes again from the stored (possibly corrected) transcript."""
    from gijiroku.minutes import MinutesStage

    rerun_stage(
        engine, settings, meeting_id, MinutesStage(replace_edits),
        forget=lambda name: name == "minutes",
        set_options={"template": template, "minutes_language": language},
        progress=progress,
    )
    with session_scope(engine) as session:
        return repository.load_meeting(session, meeting_id).minutes


def rediarize(
    engine: Engine,
    settings: Settings,
    meeting_id: str,
    hints: SpeakerHints,
    progress: Progress = no_progress,
) -> str:
    """Run diarization again on a stored meeting without re-transcribing; returns the job id.

    The new hints are stored with the meeting; names given to speakers are carried over."""
    return rerun_stage(
        engine, settings, meeting_id, DiarizeStage(),
        forget=lambda name: name.endswith("_speakers"),
        set_options=asdict(hints),
        requires=TranscribeStage.name,
        progress=progress,
    )


class _JobProgress:
    """Turns a stage's (completed, total) into the job's overall fraction, written at most
    once a second (or on a stage change) so progress never floods the database."""

    def __init__(self, engine: Engine, job_id: str, stages: Sequence[Stage], echo: Progress):
        self.engine, self.job_id, self.echo = engine, job_id, echo
        total = sum(s.weight for s in stages) or 1.0
        self.starts: dict[str, float] = {}
        self.weights: dict[str, float] = {}
        done = 0.0
        for stage in stages:
            self.starts[stage.name] = done / total
            self.weights[stage.name] = stage.weight / total
            done += stage.weight
        self.last_write = 0.0

    def __call__(self, stage: str, completed: float, total: float) -> None:
        self.echo(stage, completed, total)
        fraction = min(1.0, completed / total) if total > 0 else 0.0
        overall = self.starts.get(stage, 0.0) + self.weights.get(stage, 0.0) * fraction
        now = time.monotonic()
        if now - self.last_write >= 1.0 or fraction >= 1.0:
            self.last_write = now
            self.write(stage=stage, progress=round(overall, 4))

    def write(self, **fields: object) -> None:
        with session_scope(self.engine) as session:
            repository.update_job(session, self.job_id, **fields)


class Pipeline:
    def __init__(self, engine: Engine, settings: Settings, stages: Sequence[Stage] | None = None):
        self.engine = engine
        self.settings = settings
        self.stages = list(stages) if stages is not None else default_stages(settings)

    def run(self, job_id: str, progress: Progress = no_progress) -> None:
        """Run the job's remaining stages; raises the stage's error after recording it."""
        with session_scope(self.engine) as session:
            job = repository.update_job(
                session, job_id, status="running", started_at=utcnow(), error=None,
                error_code=None,
            )
            job.attempts += 1
            meeting_id = job.meeting_id
            completed = set(repository.get_meeting_row(session, meeting_id).completed_stages)
            repository.update_meeting(session, meeting_id, status="processing")
        reporter = _JobProgress(self.engine, job_id, self.stages, progress)
        context = StageContext(meeting_id, self.engine, self.settings, reporter)
        for stage in self.stages:
            if stage.name in completed:
                continue
            reporter.write(stage=stage.name)
            started = time.monotonic()
            try:
                stage.run(context)
            except GijirokuError as exc:
                self._fail(job_id, meeting_id, stage.name, exc)
                raise
            except Exception as exc:
                error = StageError(f"The {stage.name} step failed: {exc}")
                self._fail(job_id, meeting_id, stage.name, error)
                raise error from exc
            with session_scope(self.engine) as session:
                repository.mark_stage_done(session, meeting_id, stage.name)
            reporter(stage.name, 1.0, 1.0)
            log.info("%s: %s done in %.1fs", meeting_id, stage.name, time.monotonic() - started)
        with session_scope(self.engine) as session:
            repository.update_job(
                session, job_id, status="done", progress=1.0, stage=None, finished_at=utcnow()
            )
            repository.update_meeting(session, meeting_id, status="done")

    def _fail(self, job_id: str, meeting_id: str, stage: str, error: GijirokuError) -> None:
        log.warning("%s: %s failed: %s", meeting_id, stage, error)
        with session_scope(self.engine) as session:
            repository.update_job(
                session, job_id, status="failed", stage=stage, error_code=error.code,
                error=error.message, finished_at=utcnow(),
            )
            repository.update_meeting(session, meeting_id, status="failed")


__all__ = [
    "DecodeStage", "DiarizeStage", "Pipeline", "Stage", "StageContext", "TranscribeStage",
]
