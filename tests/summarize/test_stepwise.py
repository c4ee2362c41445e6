"""The stepwise minutes method (the default) through the real `openai` client against a
scripted server: what the model is asked, what is kept of its answers, and the faults."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine

from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.export import export_meeting
from summarize.writer import estimate_tokens
from tests.llm_server import Reply, ScriptedLLM
from tests.summarize.meetings import LINES, run_minutes, store_meeting

SUMMARY = {"summary": "The committee agreed to open the library on Sunday mornings.",
           "topics": ["Library opening hours"]}
JAPANESE = [
    ("S1", "ただいまから文化振興委員会を開会します。"),
    ("S2", "市民ホールの改修工事について説明します。工期は八か月の見込みです。"),
    ("S3", "工事の間、成人式の会場はどうなりますか。"),
    ("S1", "それでは、成人式は体育館で行うことといたします。よろしいでしょうか。"),
    ("S3", "異議ありません。"),
    ("S1", "会場の変更は、文化振興課で市民に周知してください。"),
    ("S2", "承知しました。十二月十日までにホームページに載せます。"),
    ("S1", "以上で閉会します。"),
]


def test_items_come_from_the_lines_and_the_model_writes_only_the_summary(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    meeting_id = store_meeting(engine, names={"S3": "Mr. Sato"})
    # a model that would also compose items: they are not asked for and not used
    llm.push(Reply(json.dumps({**SUMMARY, "decisions": [{"text": "Buy a bus.",
                                                         "segments": [1]}]})))
    job, meeting = run_minutes(engine, configured, meeting_id)
    minutes = meeting.minutes
    assert job.status == "done" and minutes.status == "done"
    assert minutes.summary == SUMMARY["summary"] and minutes.topics == SUMMARY["topics"]
    assert [(d.text, d.segments, d.flagged) for d in minutes.decisions] == [
        ("Open the library on Sunday mornings from April.", [4], False)]
    assert [(a.task, a.owner, a.due, a.due_date, a.segments) for a in minutes.action_items] \
        == [("Prepare the new staff schedule", "S3", "by the end of February", "2027-02-28",
             [5])]
    (request,) = llm.requests  # one call: the summary
    system, user = request["messages"][0]["content"], request["messages"][1]["content"]
    assert "[5] S3 (Mr. Sato): I will prepare" in user and "2026-11-20" in system
    assert set(request["response_format"]["json_schema"]["schema"]["properties"]) == \
        {"summary", "topics"}
    # the owner is the speaker, shown by the name it has now
    edits.rename_speaker(engine, meeting_id, "S3", "Ms. Sato")
    assert "| Prepare the new staff schedule | Ms. Sato |" in \
        export_meeting(engine, meeting_id, "md").content.decode()
    assert len(meeting.segments) == len(LINES)
    # written again (say after proofreading that changed nothing): the same items
    llm.push(Reply(json.dumps({**SUMMARY, "summary": "Worded otherwise this time."})))
    _, again = run_minutes(engine, configured, meeting_id)
    assert [(d.text, d.segments) for d in again.minutes.decisions] == \
        [(d.text, d.segments) for d in minutes.decisions]
    assert [(a.task, a.owner, a.due, a.segments) for a in again.minutes.action_items] == \
        [(a.task, a.owner, a.due, a.segments) for a in minutes.action_items]


def test_japanese_minutes_in_the_chosen_style_with_the_deadline_dated(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    meeting_id = store_meeting(engine, JAPANESE, language="ja")
    llm.push(Reply(json.dumps({"summary": "成人式の会場を変更した。", "topics": ["成人式"]})))
    _, meeting = run_minutes(engine, configured, meeting_id)
    minutes = meeting.minutes
    assert [(d.text, d.segments) for d in minutes.decisions] == [("成人式は体育館で行う。", [4])]
    assert [(a.task, a.owner, a.due, a.due_date, a.segments) for a in minutes.action_items] \
        == [("ホームページに載せる。", "S2", "十二月十日", "2026-12-10", [6, 7])]
    assert "である調" in llm.requests[0]["messages"][0]["content"]
    assert minutes.headings["decisions"] == "決定事項"

    polite = configured.model_copy(update={"minutes_style": "desumasu"})
    llm.push(Reply(json.dumps({"summary": "成人式の会場を変更しました。", "topics": []})))
    _, meeting = run_minutes(engine, polite, store_meeting(engine, JAPANESE, language="ja"))
    assert [d.text for d in meeting.minutes.decisions] == ["成人式は体育館で行うことといたします。"]
    assert "です・ます調" in llm.requests[-1]["messages"][0]["content"]


def test_restated_items_are_used_only_when_their_lines_carry_them(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    restating = configured.model_copy(update={"minutes_restate": True})

    def statement(body: dict[str, Any]) -> str:
        user = body["messages"][1]["content"]
        if "[4]" in user:  # the decision: a date that was never said
            return json.dumps({"text": "Open the library on Sunday mornings from 1 April 2027."})
        return json.dumps({"text": "Prepare the new staff schedule for Sundays"})

    llm.push(Reply(json.dumps(SUMMARY)), Reply(respond=statement), Reply(respond=statement))
    _, meeting = run_minutes(engine, restating, store_meeting(engine))
    minutes = meeting.minutes
    # the invented date is refused: the decision reads as said
    assert [d.text for d in minutes.decisions] == [
        "Open the library on Sunday mornings from April."]
    assert [a.task for a in minutes.action_items] == ["Prepare the new staff schedule for Sundays"]
    assert len(llm.requests) == 3
    asked = llm.requests[1]["messages"]
    assert "[4] S1: Then we decide" in asked[1]["content"]
    assert "[5]" not in asked[1]["content"]  # only the item's own lines are shown


def test_a_restatement_that_does_not_parse_keeps_the_items_own_sentence(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    restating = configured.model_copy(update={"minutes_restate": True})
    llm.push(Reply(json.dumps(SUMMARY)), Reply("no"), Reply("still no"),
             Reply(json.dumps({"text": "Prepare the new staff schedule"})))
    _, meeting = run_minutes(engine, restating, store_meeting(engine))
    assert meeting.minutes.status == "done"
    assert [d.text for d in meeting.minutes.decisions] == [
        "Open the library on Sunday mornings from April."]


def test_a_summary_that_never_parses_fails_the_minutes_and_keeps_the_transcript(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    llm.push(Reply("not json"), Reply(json.dumps({"summary": 5})))
    job, meeting = run_minutes(engine, configured, store_meeting(engine))
    assert job.status == "done" and meeting.minutes.status == "failed"
    assert "invalid minutes twice" in (meeting.minutes.error or "")
    assert len(meeting.segments) == len(LINES)


def test_a_summary_that_times_out_fails_clearly(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    llm.push(Reply(json.dumps(SUMMARY), delay=2.5), Reply(json.dumps(SUMMARY), delay=2.5))
    job, meeting = run_minutes(engine, configured, store_meeting(engine))
    assert job.status == "done" and meeting.minutes.status == "failed"
    assert "did not answer within 1 s" in (meeting.minutes.error or "")


def test_a_long_transcript_is_summarised_in_parts_and_merged(
    engine: Engine, configured: Settings, llm: ScriptedLLM
) -> None:
    small = configured.model_copy(update={"llm_context_tokens": 1024,
                                          "llm_max_output_tokens": 256})
    lines = [("S2", f"Item {n}: the report on road number {n} was read out in full, with "
                    "its tables and the costs of each repair.") for n in range(60)]
    lines.append(("S1", "Then we decide to repair road number 7 first."))
    llm.default = Reply(json.dumps(SUMMARY))
    _, meeting = run_minutes(engine, small, store_meeting(engine, lines))
    minutes = meeting.minutes
    assert minutes.status == "done"
    summaries = [r for r in llm.requests if "merge" not in r["messages"][0]["content"].lower()]
    merges = [r for r in llm.requests if "merge" in r["messages"][0]["content"].lower()]
    assert len(summaries) > 1 and merges  # parts, then their summaries merged
    for request in llm.requests:  # every call leaves room for the answer in the context
        prompt = sum(estimate_tokens(m["content"]) for m in request["messages"])
        assert prompt + request["max_tokens"] <= 1024
    assert [d.text for d in minutes.decisions] == ["Repair road number 7 first."]
