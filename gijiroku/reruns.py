"""Running one stage again on a stored meeting: the rule the CLI, the API and the web view share.

A re-run of diarization (new speaker-count hints, new weights) or of the minutes (after a
person corrected the transcript, or with another template) is a job for that one stage. What
a person edited is protected in the same way whichever door the request came through:

- diarization rebuilds the lines where speakers change, so it is refused while lines edited
  by hand exist, unless `replace_edits` is given (refused again when the job runs, should a
  line be edited after it was queued);
- the minutes keep the decisions and action items a person edited or added, unless
  `replace_edits` is given.

The options of a re-run are stored with the meeting, so later re-runs and the web view see
what was asked: new speaker hints replace the old ones; a template or minutes language is
kept until another is given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from sqlalchemy import Engine

from gijiroku import audit, workflow
from gijiroku.config import Settings
from gijiroku.domain import Progress, no_progress
from gijiroku.errors import EditConflictError, StageError
from gijiroku.options import MeetingOptions
from gijiroku.pipeline import Pipeline
from gijiroku.stages.diarize import EDITED_LINES, DiarizeStage
from gijiroku.stages.transcribe import TranscribeStage
from gijiroku.storage import repository, session_scope

Stage = Literal["diarize", "minutes"]


@dataclass(frozen=True, slots=True)
class Rerun:
    """What a person asked to run again, and how."""

    stage: Stage
    #: Diarization: speaker-count hints (none: the configured defaults).
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    #: Minutes: another template or language; None keeps what the meeting had.
    template: str | None = None
    language: str | None = None
    #: Replace what a person edited (lines, or decisions and action items).
    replace_edits: bool = False


def _asked(options: MeetingOptions, rerun: Rerun) -> MeetingOptions:
    """The meeting's options with what the re-run asked for, checked by the one parser of
    meeting options (contradictory hints, a bad language code... are invalid input)."""
    if rerun.stage == DiarizeStage.name:  # new hints replace the old ones, even none
        hints = MeetingOptions.checked(num_speakers=rerun.num_speakers,
                                       min_speakers=rerun.min_speakers,
                                       max_speakers=rerun.max_speakers)
        return replace(options, num_speakers=hints.num_speakers,
                       min_speakers=hints.min_speakers, max_speakers=hints.max_speakers)
    asked = MeetingOptions.checked(template=rerun.template, minutes_language=rerun.language)
    # an earlier "no minutes" is dropped: asking for minutes again is asking for them
    return replace(options, minutes=True, template=asked.template or options.template,
                   minutes_language=asked.minutes_language or options.minutes_language)


def queue_rerun(engine: Engine, meeting_id: str, rerun: Rerun) -> str:
    """Store a queued job that runs the stage again; returns its id. Refuses (EditConflict)
    to re-run diarization over lines a person edited unless `replace_edits` is given."""
    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, meeting_id)
        workflow.check_unlocked(session, meeting_id)
        if TranscribeStage.name not in row.completed_stages:
            raise StageError("The meeting has no finished transcript to build on yet.")
        if (rerun.stage == DiarizeStage.name and not rerun.replace_edits
                and repository.edited_segments(session, meeting_id)):
            raise EditConflictError(EDITED_LINES)
        options = _asked(repository.options_of(row), rerun)
        repository.update_meeting(
            session, meeting_id, options=options.to_stored(), status="queued",
            completed_stages=[s for s in row.completed_stages if s != rerun.stage],
        )
        job = repository.create_job(session, meeting_id=meeting_id, stages=[rerun.stage],
                                    replace_edits=rerun.replace_edits)
        audit.append(session, "rerun", "meeting", meeting_id, {"stage": rerun.stage,
                                                               "job": job.id})
        return job.id


def retry(engine: Engine, meeting_id: str) -> str:
    """Queue the meeting's failed or cancelled job again; it runs on from the step that
    failed (every step from the start when none was stored). Returns the job id."""
    with session_scope(engine) as session:
        repository.get_meeting_row(session, meeting_id)
        job = repository.latest_jobs(session, [meeting_id]).get(meeting_id)
        if job is None or job.status not in ("failed", "cancelled") \
                or not repository.reopen_job(session, job.id):
            raise StageError("There is nothing to retry: only a failed or cancelled job can be.",
                             code="nothing_to_retry")
        return job.id


def run_rerun(
    engine: Engine, settings: Settings, meeting_id: str, rerun: Rerun,
    progress: Progress = no_progress,
) -> str:
    """Queue the re-run and run it here and now (the CLI); returns the job id. Raises what
    the job failed with, after storing it."""
    job_id = queue_rerun(engine, meeting_id, rerun)
    Pipeline(engine, settings).run(job_id, progress)
    return job_id


__all__ = ["Rerun", "queue_rerun", "retry", "run_rerun"]
