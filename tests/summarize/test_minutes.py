"""Minutes through the real `openai` client against a scripted local server."""

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.domain import Minutes
from gijiroku.errors import NotFoundError
from gijiroku.reruns import Rerun, run_rerun
from gijiroku.storage import repository, session_scope
from tests.llm_server import Reply, ScriptedLLM
from tests.summarize.meetings import GOOD, LINES, run_minutes, store_meeting


def regenerate(engine: Engine, settings: Settings, meeting_id: str, **asked: Any) -> Minutes:
    """Write the minutes again as `gijiroku minutes` does; the stored minutes."""
    run_rerun(engine, settings, meeting_id, Rerun("minutes", **asked))
    with session_scope(engine) as session:
        return repository.load_meeting(session, meeting_id).minutes


def test_good_output_is_stored_with_citations_and_resolved_owners(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    meeting_id = store_meeting(engine, names={"S3": "Mr. Sato"})
    llm.push(Reply(json.dumps(GOOD)))
    job, meeting = run_minutes(engine, configured, meeting_id)
    minutes = meeting.minutes
    assert job.status == "done" and minutes.status == "done" and minutes.error is None
    assert minutes.summary.startswith("The committee agreed")
    assert minutes.topics == ["Library opening hours"]
    assert [(d.text, d.segments, d.flagged) for d in minutes.decisions] == [
        ("Open the library on Sunday mornings from April.", [4], False)]
    (action,) = minutes.action_items
    assert (action.owner, action.due, action.due_date, action.segments) == (
        "S3", "by the end of February", "2027-02-28", [5])
    # the owner is the speaker: shown by the name it has now, after a rename too
    from gijiroku.export import export_meeting

    assert "| Prepare the new staff schedule | Mr. Sato |" in \
        export_meeting(engine, meeting_id, "md").content.decode()
    edits.rename_speaker(engine, meeting_id, "S3", "Ms. Sato")
    assert "| Prepare the new staff schedule | Ms. Sato |" in \
        export_meeting(engine, meeting_id, "md").content.decode()
    assert minutes.headings["decisions"] == "Decisions" and minutes.template == "en"
    # the prompt carries segment ids, times and speaker names, and the meeting date
    (request,) = llm.requests
    system, user = request["messages"][0]["content"], request["messages"][1]["content"]
    assert "[5] S3 (Mr. Sato): I will prepare" in user
    assert "[1] S1: Good morning." in user
    assert "2026-11-20" in system and "S3 (Mr. Sato)" in system
    assert request["model"] == "test-model"
    assert request["response_format"]["type"] == "json_schema"
    assert len(meeting.segments) == len(LINES)  # the transcript is untouched


def test_invented_segment_ids_are_dropped_counted_and_flagged(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    configured = configured.model_copy(update={"minutes_method": "compose"})  # items cited
    invented = dict(GOOD, decisions=[
        {"text": "Open on Sundays.", "segments": [4, 99]},
        {"text": "Buy a new bus.", "segments": [42]},
    ])
    llm.push(Reply(json.dumps(invented)))
    _, meeting = run_minutes(engine, configured, store_meeting(engine))
    decisions = meeting.minutes.decisions
    assert [(d.segments, d.flagged) for d in decisions] == [([4], False), ([], True)]
    assert meeting.minutes.dropped_citations == 2


def test_invalid_json_then_valid_is_repaired_once(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    fenced = "```json\n" + json.dumps(GOOD) + "\n```"
    llm.push(Reply("Here are the minutes: {summary: oops"), Reply(fenced))
    _, meeting = run_minutes(engine, configured, store_meeting(engine))
    assert meeting.minutes.status == "done" and len(meeting.minutes.decisions) == 1
    assert len(llm.requests) == 2
    repair = llm.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant" and "not valid" in repair[-1]["content"]


def test_invalid_twice_fails_with_the_reason_and_keeps_the_transcript(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    llm.push(Reply("not json"), Reply(json.dumps({"summary": 5, "decisions": "none"})))
    job, meeting = run_minutes(engine, configured, store_meeting(engine))
    assert job.status == "done"  # the recording's processing is not lost or blocked
    assert meeting.minutes.status == "failed"
    assert "invalid minutes twice" in (meeting.minutes.error or "")
    assert len(meeting.segments) == len(LINES)


def test_rate_limit_then_success_is_retried_by_the_client(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    llm.push(Reply(status=429, headers={"retry-after-ms": "50"}), Reply(json.dumps(GOOD)))
    _, meeting = run_minutes(engine, configured, store_meeting(engine))
    assert meeting.minutes.status == "done" and len(llm.requests) == 2


def test_timeout_fails_clearly(engine: Engine, configured: Settings, llm: ScriptedLLM) -> None:
    llm.push(Reply(json.dumps(GOOD), delay=2.5), Reply(json.dumps(GOOD), delay=2.5))
    job, meeting = run_minutes(engine, configured, store_meeting(engine))
    assert job.status == "done" and meeting.minutes.status == "failed"
    assert "did not answer within 1 s" in (meeting.minutes.error or "")
    assert len(llm.requests) == 2  # the first try and the client's one retry


def test_server_error_is_retried_then_reported(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    llm.push(Reply(status=500, headers={"retry-after-ms": "50"}),
             Reply(status=500, headers={"retry-after-ms": "50"}))
    _, meeting = run_minutes(engine, configured, store_meeting(engine))
    assert meeting.minutes.status == "failed" and "HTTP 500" in (meeting.minutes.error or "")
    assert len(llm.requests) == 2


def test_server_without_json_schema_gets_json_mode(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    llm.push(Reply(json.dumps(GOOD), reject_json_schema=True))
    _, meeting = run_minutes(engine, configured, store_meeting(engine))
    assert meeting.minutes.status == "done"
    assert [r["response_format"]["type"] for r in llm.requests] == ["json_schema", "json_object"]


def test_not_configured_makes_no_call(engine: Engine, settings: Settings, llm: ScriptedLLM) -> None:
    _, meeting = run_minutes(engine, settings, store_meeting(engine))
    assert meeting.minutes.status == "not_configured" and llm.requests == []


def test_empty_transcript_makes_no_call(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    _, meeting = run_minutes(engine, configured, store_meeting(engine, lines=[]))
    assert meeting.minutes.status == "done" and meeting.minutes.decisions == []
    assert llm.requests == []


def test_unknown_template_fails_the_minutes_not_the_job(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    settings = configured.model_copy(update={"minutes_template": "nonexistent"})
    job, meeting = run_minutes(engine, settings, store_meeting(engine))
    assert job.status == "done" and meeting.minutes.status == "failed"
    assert "nonexistent" in (meeting.minutes.error or "") and llm.requests == []


def test_japanese_template_gives_japanese_headings_and_prompt(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    lines = [
        ("S1", "ただいまから総務委員会を開会します。"),
        ("S2", "図書館の日曜開館を提案します。"),
        ("S1", "それでは四月から日曜開館とすることに決定します。"),
    ]
    answer = {"summary": "日曜開館を決定した。", "topics": ["図書館の開館時間"],
              "decisions": [{"text": "四月から日曜開館とする。", "segments": [3]}],
              "action_items": [{"task": "職員配置案の作成", "owner": "S2", "due": "二月末",
                                "due_date": "2027-02-28", "segments": [2]}]}
    llm.push(Reply(json.dumps(answer, ensure_ascii=False)))
    _, meeting = run_minutes(engine, configured, store_meeting(engine, lines, language="ja"))
    minutes = meeting.minutes
    assert minutes.template == "ja"
    assert minutes.headings["decisions"] == "決定事項"
    assert minutes.headings["action_items"] == "今後の対応"
    assert (minutes.headings["owner"], minutes.headings["due"]) == ("担当", "期限")
    assert minutes.decisions[0].text == "四月から日曜開館とする。"
    system = llm.requests[0]["messages"][0]["content"]
    assert "要旨" in system and "日本語" in system


def test_minutes_in_another_language_when_asked(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    meeting_id = store_meeting(engine)  # an English meeting...
    llm.push(Reply(json.dumps(GOOD)))
    minutes = regenerate(engine, configured, meeting_id, language="ja")
    assert minutes.template == "ja" and minutes.headings["summary"] == "要旨"  # ...in Japanese
    assert "日本語" in llm.requests[0]["messages"][0]["content"]


def test_user_template_from_the_data_directory(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    folder = configured.data_dir / "templates"
    folder.mkdir(parents=True)
    built_in = (Path(__file__).resolve().parents[2] / "summarize" / "templates" / "en.toml")
    text = built_in.read_text().replace('summary = "Summary"', 'summary = "Gist of the session"')
    (folder / "council.toml").write_text(
        text.replace("You write the summary of a meeting", "You summarise a council session"))
    # a template written before the stepwise prompts existed: its own prompt for the summary
    (folder / "older.toml").write_text(
        text.split("\n[steps]")[0].replace("You write the minutes", "You write council minutes"))
    for name, prompt in (("council", "You summarise a council session"),
                         ("older", "You write council minutes")):
        meeting_id = store_meeting(engine)
        with session_scope(engine) as session:
            repository.update_meeting(session, meeting_id, options={"template": name})
        llm.push(Reply(json.dumps(GOOD)))
        _, meeting = run_minutes(engine, configured, meeting_id)
        assert meeting.minutes.headings["summary"] == "Gist of the session"
        assert prompt in llm.requests[-1]["messages"][0]["content"]
        assert meeting.minutes.summary == GOOD["summary"]


def test_regenerating_keeps_items_a_person_edited_unless_replaced(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    meeting_id = store_meeting(engine)
    llm.push(Reply(json.dumps(GOOD)))
    run_minutes(engine, configured, meeting_id)
    with session_scope(engine) as session:
        minutes = repository.load_meeting(session, meeting_id).minutes
        minutes.decisions[0].text = "Open the library on Sundays, 9:00-12:00, from April."
        minutes.decisions[0].edited = True
        repository.save_minutes(session, meeting_id, minutes)
    llm.push(Reply(json.dumps(GOOD)))
    kept = regenerate(engine, configured, meeting_id)
    assert [d.text for d in kept.decisions] == [
        "Open the library on Sundays, 9:00-12:00, from April.",
        "Open the library on Sunday mornings from April.",
    ]
    llm.push(Reply(json.dumps(GOOD)))
    replaced = regenerate(engine, configured, meeting_id, replace_edits=True)
    texts = [d.text for d in replaced.decisions]
    assert texts == ["Open the library on Sunday mornings from April."]


def test_failed_regeneration_keeps_the_earlier_minutes(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    meeting_id = store_meeting(engine)
    llm.push(Reply(json.dumps(GOOD)))
    run_minutes(engine, configured, meeting_id)
    llm.push(Reply(status=500), Reply(status=500))
    minutes = regenerate(engine, configured, meeting_id)
    assert minutes.status == "failed" and "HTTP 500" in (minutes.error or "")
    assert minutes.decisions[0].segments == [4]  # what was there is not lost


def test_an_item_changed_while_the_minutes_are_written_again_is_kept(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    """A clerk corrects a decision and deletes an action item while the model writes the
    minutes again: the corrected decision stays as corrected (its id too), the model's
    items replace the rest with new ids (never an old one's), and a save made on an item
    the new minutes replaced is refused, not written into a different item."""
    meeting_id = store_meeting(engine)
    llm.push(Reply(json.dumps(GOOD)))
    run_minutes(engine, configured, meeting_id)
    with session_scope(engine) as session:
        first = repository.load_meeting(session, meeting_id).minutes
    [decision], [action] = first.decisions, first.action_items
    corrected = "Open the library on Sundays, 9:00-12:00, from April."

    def while_writing(_request: dict[str, Any]) -> str:
        edits.patch_minutes_item(engine, meeting_id, "decisions", decision.id,
                                   {"text": corrected}, decision.version)
        return json.dumps(GOOD)

    llm.push(Reply(respond=while_writing))
    again = regenerate(engine, configured, meeting_id)
    assert [(d.text, d.edited) for d in again.decisions] == [
        (corrected, True), ("Open the library on Sunday mornings from April.", False)]
    assert again.decisions[0].id == decision.id and again.decisions[0].version == 2
    new_ids = {again.decisions[1].id, *(a.id for a in again.action_items)}
    assert not new_ids & {decision.id, action.id}
    with pytest.raises(NotFoundError):  # the old action item was replaced meanwhile
        edits.patch_minutes_item(engine, meeting_id, "action_items", action.id,
                                   {"owner": "S2"}, action.version)
