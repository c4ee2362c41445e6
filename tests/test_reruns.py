"""The one rule for re-running a stage (gijiroku.reruns), on a real SQLite file: the edit guard
when the re-run is asked for and again when it runs, options kept or replaced, bad requests.
The CLI and the API each show the same behaviour through their own doors (test_cli, test_api)."""

import json

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.errors import EditConflictError, InvalidInputError, StageError
from gijiroku.pipeline import Pipeline
from gijiroku.reruns import Rerun, queue_rerun, run_rerun
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import JobRow
from tests.llm_server import Reply, ScriptedLLM
from tests.summarize.meetings import GOOD, store_meeting


def options_of(engine: Engine, meeting_id: str) -> dict[str, object]:
    with session_scope(engine) as session:
        return dict(repository.get_meeting_row(session, meeting_id).options)


def line(engine: Engine, meeting_id: str, number: int) -> str:
    with session_scope(engine) as session:
        segments = repository.load_transcript(session, meeting_id).segments
    return next(s.text for s in segments if s.id == number)


def test_diarization_over_hand_edited_lines_is_refused_unless_asked(engine: Engine) -> None:
    meeting_id = store_meeting(engine)
    edits.edit_segment(engine, meeting_id, 2, text="Corrected by the clerk.")
    with pytest.raises(EditConflictError, match="--replace-edits"):
        queue_rerun(engine, meeting_id, Rerun("diarize", num_speakers=2))
    with session_scope(engine) as session:  # nothing was queued or forgotten
        row = repository.get_meeting_row(session, meeting_id)
        assert row.completed_stages == ["transcribe"] and "num_speakers" not in row.options
        assert session.exec(select(JobRow)).all() == []
    assert line(engine, meeting_id, 2) == "Corrected by the clerk."
    job_id = queue_rerun(engine, meeting_id, Rerun("diarize", num_speakers=2,
                                                  replace_edits=True))
    with session_scope(engine) as session:
        job = repository.get_job(session, job_id)
        assert job is not None and job.replace_edits and job.stages == ["diarize"]
    assert options_of(engine, meeting_id)["num_speakers"] == 2


def test_a_line_edited_after_the_rerun_was_queued_stops_it_when_it_runs(
    engine: Engine, settings: Settings
) -> None:
    meeting_id = store_meeting(engine)
    job_id = queue_rerun(engine, meeting_id, Rerun("diarize"))  # nothing edited yet
    edits.edit_segment(engine, meeting_id, 3, text="Edited while the job waited.")
    outcome = Pipeline(engine, settings).execute(job_id)
    assert outcome.status == "failed" and isinstance(outcome.error, EditConflictError)
    with session_scope(engine) as session:
        job = repository.get_job(session, job_id)
        assert job is not None and job.error_code == "edit_conflict"
    assert line(engine, meeting_id, 3) == "Edited while the job waited."


def test_minutes_keep_the_template_and_language_until_others_are_given(
    engine: Engine, settings: Settings
) -> None:
    meeting_id = store_meeting(engine)
    with ScriptedLLM() as llm:
        llm.default = Reply(json.dumps(GOOD))
        configured = settings.model_copy(update={
            "llm_backend": "openai", "llm_base_url": llm.base_url, "llm_model": "test",
            "llm_max_retries": 0})
        run_rerun(engine, configured, meeting_id, Rerun("minutes", template="ja"))
        run_rerun(engine, configured, meeting_id, Rerun("minutes"))  # nothing new asked
        assert options_of(engine, meeting_id)["template"] == "ja"
        with session_scope(engine) as session:
            minutes = repository.load_meeting(session, meeting_id).minutes
        assert minutes.template == "ja" and minutes.headings["decisions"] == "決定事項"
        run_rerun(engine, configured, meeting_id, Rerun("minutes", template="en",
                                                        language="en"))
        assert options_of(engine, meeting_id)["template"] == "en"
        assert options_of(engine, meeting_id)["minutes_language"] == "en"
        assert len(llm.requests) == 3


def test_bad_rerun_requests_are_refused_before_anything_is_queued(engine: Engine) -> None:
    meeting_id = store_meeting(engine)
    with pytest.raises(InvalidInputError, match="min speakers"):
        queue_rerun(engine, meeting_id, Rerun("diarize", min_speakers=4, max_speakers=2))
    with pytest.raises(InvalidInputError, match="Unknown language 'japanese'"):
        queue_rerun(engine, meeting_id, Rerun("minutes", language="japanese"))
    with session_scope(engine) as session:
        repository.update_meeting(session, meeting_id, completed_stages=[])
    with pytest.raises(StageError, match="no finished transcript"):
        queue_rerun(engine, meeting_id, Rerun("minutes"))
    with session_scope(engine) as session:
        assert session.exec(select(JobRow)).all() == []
