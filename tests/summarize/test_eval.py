"""The minutes evaluation, run against a scripted server answering with known minutes."""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.minutes_eval import similarity
from tests.llm_server import Reply, ScriptedLLM

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "bench" / "minutes_reference"


def answer(body: dict[str, Any]) -> str:
    """Copy the reference items of the meeting in the prompt, plus one invented item and one
    invented citation, so every number the evaluation prints is known in advance."""
    system = body["messages"][0]["content"]
    for path in REFERENCE.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["title"] in system:
            ref = data["reference"]
            return json.dumps({
                "summary": "x", "topics": [],
                "decisions": [  # (a meeting without decisions gets the zeppelin too)
                    *ref["decisions"],
                    {"text": "Buy a zeppelin for the mayor", "segments": [1, 999]},
                ],
                "action_items": ref["action_items"],
            }, ensure_ascii=False)
    raise AssertionError("unknown meeting")


def test_evaluation_reports_found_unmatched_and_valid_citations() -> None:
    with ScriptedLLM() as llm:
        llm.default = Reply(respond=answer)
        run = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "minutes_eval.py"), "--base-url",
             llm.base_url, "--model", "scripted", "--method", "compose"],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stdout.splitlines() if not line.startswith("method:")]
    meetings = len(list(REFERENCE.glob("*.json")))
    assert meetings >= 8 and len(lines) == meetings + 3  # each meeting, en, ja, the total
    for line in lines[:meetings]:
        found = re.search(r"found (\d+)/(\d+) reference items", line)
        unmatched = re.search(r"(\d+)/(\d+) produced items match none", line)
        assert found is not None and unmatched is not None, line
        assert found.group(1) == found.group(2)  # every reference item was found
        assert unmatched.group(1) == "1"  # the zeppelin
        # every reference item is carried by the lines it cites; the zeppelin by none
        carried = re.search(r"(\d+)/(\d+) carried by their lines", line)
        assert carried is not None and int(carried.group(1)) == int(carried.group(2)) - 1
        assert "0 duplicates, 0 copied non-decisions" in line
    total = re.search(r"found (\d+)/(\d+) \(\d+ %; (\d+) at their line\)", lines[-1])
    assert total is not None and total.group(1) == total.group(2) == total.group(3)
    citations = re.search(r"valid citations (\d+)/(\d+)", lines[-1])
    assert citations is not None
    valid, cited = map(int, citations.groups())
    assert cited - valid == meetings  # one invented citation per meeting


def test_similarity_works_for_japanese_and_english() -> None:
    assert similarity("総合防災訓練は十月に実施する。", "防災訓練を十月に実施する") > 0.5
    assert similarity("Replace the laptops in January", "replace laptops in january.") > 0.8
    assert similarity("防災訓練", "Replace the laptops") == 0.0


def test_an_item_is_found_at_its_line_by_an_item_of_its_kind_whatever_its_wording() -> None:
    from bench.minutes_eval import at_their_line
    from gijiroku.domain import ActionItem, Decision, Minutes

    reference = {"decisions": [{"text": "開館を九時とする。", "segments": [3, 4]}],
                 "action_items": [{"task": "案内を配る", "segments": [6]},
                                  {"task": "見積もりを取る", "segments": [8]}]}
    minutes = Minutes(decisions=[Decision("九時開館", [4])],
                      action_items=[ActionItem("配布する", segments=[5, 6]),
                                    ActionItem("開館を九時とする", segments=[3])])
    assert at_their_line(minutes, reference) == 2  # not line 8; line 3 is not where it was stated
    minutes.decisions[0].segments = [8]
    assert at_their_line(minutes, reference) == 1  # a decision citing a task's line is none
