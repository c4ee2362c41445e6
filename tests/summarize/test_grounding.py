"""The checks every model answer goes through (summarize/checks.py, summarize/grounding.py),
on answers written here the way a small model gets them wrong: a citation of the line
before, a member's question or the chair's agenda announcement as a "decision", one item as
both a decision and an action item, a due date nobody said, an owner by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gijiroku.domain import Meeting, Segment, Speaker
from gijiroku.stages.minutes import build_request
from summarize import load_template
from summarize.checks import checked_minutes
from summarize.grounding import containment, grounded, not_a_decision, said_day
from summarize.schema import MinutesOut

REFERENCE = Path(__file__).resolve().parents[2] / "bench" / "minutes_reference"


def meeting(name: str) -> tuple[Meeting, dict[str, Any]]:
    data = json.loads((REFERENCE / f"{name}.json").read_text(encoding="utf-8"))
    return Meeting(
        id="m", title=data["title"], status="done", language=data["language"],
        duration=max(s["end"] for s in data["segments"]),
        speakers=[Speaker(s["id"], s["id"], s.get("name")) for s in data["speakers"]],
        segments=[Segment(s["start"], s["end"], s["text"], speaker=s["speaker"], id=s["id"])
                  for s in data["segments"]]), data


def checked(name: str, answer: dict[str, Any], renamed: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    held, data = meeting(name)
    request = build_request(held, load_template(None, held.language or "en"), data["date"])
    speakers = {s.id: (renamed or {}).get(s.id, s.name) for s in held.speakers}
    return checked_minutes(MinutesOut.model_validate(
        {"summary": "", "topics": [], "decisions": [], "action_items": [], **answer}),
        request, speakers)


def test_every_reference_item_is_carried_by_the_lines_it_cites() -> None:
    """The threshold of `grounded` holds for what a clerk writes: each reference item of
    every meeting in bench/minutes_reference keeps its own citations."""
    for path in sorted(REFERENCE.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        lines = {s["id"]: s["text"] for s in data["segments"]}
        items = [(d["text"], d["segments"]) for d in data["reference"]["decisions"]] + [
            (a["task"], a["segments"]) for a in data["reference"]["action_items"]]
        for text, cited in items:
            assert grounded(text, cited, lines) == (cited, True), (path.name, text)


def test_an_off_by_one_citation_moves_to_the_line_that_carries_the_item() -> None:
    minutes = checked("cleaning-tender-en", {
        "decisions": [{"text": "Award the cleaning contract to Brightway Services for two "
                               "years, starting in February.", "segments": [6]}],
        "action_items": [{"task": "Send the award letter to Brightway", "owner": "S2",
                          "due": "by Friday", "segments": [9]}]})
    assert [(d.segments, d.flagged) for d in minutes.decisions] == [([7], False)]
    assert [(a.segments, a.due, a.flagged) for a in minutes.action_items] == [
        ([8], "by Friday", False)]  # and the due date said there is kept


def test_an_item_no_line_carries_is_flagged_not_shown_as_grounded() -> None:
    minutes = checked("cleaning-tender-en", {
        "decisions": [{"text": "Buy a zeppelin for the mayor.", "segments": [7]}]})
    assert [(d.segments, d.flagged) for d in minutes.decisions] == [([7], True)]


def test_questions_greetings_and_agenda_lines_are_never_decisions() -> None:
    minutes = checked("jinji-kanai-ja", {"decisions": [
        {"text": "日程はいつからがよいでしょうか。", "segments": [3]},
        {"text": "お疲れさまです。それでは課内会議を始めます。", "segments": [1]},
        {"text": "次に、テレワークの試行についてです。", "segments": [10]},
        {"text": "高齢の方への配慮は、どうなっていますか…", "segments": [3]},
        {"text": "両称することでよろしいですか？", "segments": [7]},
        {"text": "来年度からテレワークの試行対象を全課に広げる。", "segments": [14]},
    ]})
    assert [d.text for d in minutes.decisions] == ["来年度からテレワークの試行対象を全課に広げる。"]
    # a motion put to the meeting is a decision's line, not a question
    assert not not_a_decision("それでは、午後五時以降の窓口縮小は四月から実施し、あわせて"
                              "オンライン申請の対象を広げることといたします。よろしいでしょうか。")


def test_items_naming_different_numbers_are_never_merged() -> None:
    minutes = checked("somu-iinkai-ja", {"decisions": [
        {"text": "議案第1号を原案のとおり可決する。", "segments": [6]},
        {"text": "議案第2号を原案のとおり可決する。", "segments": [6]},
        {"text": "議案第1号を原案のとおり可決する", "segments": [6]}]})
    assert [d.text for d in minutes.decisions] == ["議案第1号を原案のとおり可決する。",
                                                  "議案第2号を原案のとおり可決する。"]


def test_an_item_is_once_and_never_both_a_decision_and_an_action_item() -> None:
    minutes = checked("cashless-pj-ja", {
        "decisions": [{"text": "決済端末はA社の機種を採用する。", "segments": [7]},
                      {"text": "決済端末はA社の機種を採用する", "segments": [6]},
                      {"text": "職員向けの操作研修を計画する", "segments": [12]}],
        "action_items": [{"task": "職員向けの操作研修を計画する", "owner": "S3",
                          "due": "六月中旬", "segments": [12]}]})
    assert [(d.text, d.segments) for d in minutes.decisions] == [
        ("決済端末はA社の機種を採用する。", [7])]  # (the repeat's [6] moved to 7 and joined)
    assert [(a.task, a.owner, a.due) for a in minutes.action_items] == [
        ("職員向けの操作研修を計画する", "S3", "六月中旬")]


def test_a_due_date_nobody_said_is_dropped_and_a_said_day_becomes_a_date() -> None:
    minutes = checked("somu-iinkai-ja", {"action_items": [
        {"task": "市報三月号に掲載する周知原稿を作成し広報課へ渡す", "owner": "S2",
         "due": "二月十五日", "due_date": None, "segments": [9]},
        {"task": "福祉施設へ防災訓練の案内を送付する", "owner": "S4", "due": "2027-02-28",
         "due_date": "2027-02-28", "segments": [13]}]})
    first, second = minutes.action_items
    assert (first.due, first.due_date) == ("二月十五日", "2027-02-15")  # meeting 2026-11-18
    assert (second.due, second.due_date) == (None, None)  # said: 九月末, not this
    assert said_day("十二月十日", "2026-11-20") == "2026-12-10"
    assert said_day("二月十五日", "2026-11-20") == "2027-02-15"  # passed: next year's


def test_an_owner_is_the_speaker_it_names_and_follows_a_rename() -> None:
    minutes = checked("cleaning-tender-en", {"action_items": [
        {"task": "Send the award letter to Brightway", "owner": "Procurement officer",
         "segments": [8]},
        {"task": "Set up the purchase order once the contract is signed",
         "owner": "S4 (Finance officer)", "segments": [10]},
        {"task": "Arrange a walk-through of the building with Brightway's supervisor",
         "owner": "the caretaker", "segments": [11]}]})
    assert [a.owner for a in minutes.action_items] == ["S2", "S4", "the caretaker"]
    assert containment("Send the award letter", "I will send the award letter") == 1.0


def test_items_given_as_both_kinds_keep_the_kind_their_lines_say() -> None:
    """What the embedded model gave on it-weekly-en (bench/minutes_eval.py, 2026-12-06):
    every item as both a decision and an action item, two of them citing the line after the
    one that says them. The meeting settled two things ("Agreed. We will replace...",
    "Then we send...") and two people took tasks on ("I will place...", "I will change...")."""
    items = [("Replace the forty tax office laptops in January", "S1", [4, 5]),
             ("Place the order with the vendor by December fifth", "S2", [6]),
             ("Send backup alerts to the team channel from now on", "S1", [9, 10]),
             ("Change the alert settings tomorrow and add a disk space warning", "S3", [11])]
    minutes = checked("it-weekly-en", {
        "decisions": [{"text": text, "segments": ids} for text, _, ids in items],
        "action_items": [{"task": text, "owner": owner, "due": None, "segments": ids}
                         for text, owner, ids in items]})
    assert [d.text for d in minutes.decisions] == [items[0][0], items[2][0]]
    assert [(a.task, a.owner, a.segments) for a in minutes.action_items] == [
        (items[1][0], "S2", [5]), (items[3][0], "S3", [10])]
    # a task a person said they take on, given only as a decision, becomes their action
    # item; a line that does not say which stays what the model called it
    taken = checked("cleaning-tender-en", {"decisions": [
        {"text": "Send the award letter to Brightway.", "segments": [8]}]})
    assert taken.decisions == []
    assert [(a.owner, a.segments) for a in taken.action_items] == [("S2", [8])]
    kept = checked("jinji-kanai-ja", {"decisions": [
        {"text": "外部講師への依頼文は二月二十日までに作成して、課長に確認していただきます。",
         "segments": [9]}]})
    assert [d.segments for d in kept.decisions] == [[9]] and kept.action_items == []


def test_a_decision_cited_far_off_goes_to_the_line_that_plainly_says_it() -> None:
    """What the embedded model gave on cleaning-tender-en: the award cited at lines 11-12
    (a walk-through and the closing). No line near them carries it; line 7 says it plainly.
    A decision nothing carries stays a decision, flagged, and is never taken for the task of
    whoever spoke the line it cited."""
    minutes = checked("cleaning-tender-en", {"decisions": [
        {"text": "Brightway Services was awarded the cleaning contract for two years, "
                 "starting in February.", "segments": [11, 12]},
        {"text": "Paint the civic centre blue.", "segments": [11]}]})
    assert [(d.segments, d.flagged) for d in minutes.decisions] == [([7], False), ([11], True)]
    assert minutes.action_items == []
