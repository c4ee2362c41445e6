"""A 3-hour transcript against a model with an 8k-token context: map, then reduce."""

import json
import re
from typing import Any

from sqlalchemy import Engine

from gijiroku.config import Settings
from summarize.writer import estimate_tokens
from tests.llm_server import Reply, ScriptedLLM
from tests.summarize.meetings import run_minutes, store_meeting

SENTENCE = "本件について財政課から説明があり、委員から予算の使い道について質問が出されました。"


def answer_from_prompt(body: dict[str, Any]) -> str:
    """Minutes of whatever the request holds: a transcript part, or partial minutes."""
    user = body["messages"][-1]["content"]
    ids = [int(i) for i in re.findall(r"^\[(\d+)\]", user, re.MULTILINE)]
    if ids:  # a part of the transcript: one decision citing its first and last line, in
        # the words of the first (so the lines it cites carry it)
        first = re.search(rf"^\[{ids[0]}\] [^:]*: (.*)$", user, re.MULTILINE)
        assert first is not None
        return json.dumps({
            "summary": f"{ids[0]}から{ids[-1]}までの審議。", "topics": [f"議題{ids[0]}"],
            "decisions": [{"text": first.group(1), "segments": [ids[0], ids[-1]]}],
            "action_items": [],
        }, ensure_ascii=False)
    parts = [json.loads(p) for p in re.findall(r"^Part \d+:\n(.*)$", user, re.MULTILINE)]
    return json.dumps({  # partial minutes: merge them, keeping every citation
        "summary": "".join(p["summary"] for p in parts),
        "topics": [t for p in parts for t in p["topics"]],
        "decisions": [d for p in parts for d in p["decisions"]],
        "action_items": [a for p in parts for a in p["action_items"]],
    }, ensure_ascii=False)


def test_three_hour_japanese_transcript_fits_an_8k_context(
    engine: Engine, settings: Settings, llm: ScriptedLLM
) -> None:
    lines = [(f"S{1 + n % 6}", f"{n}番目の発言。{SENTENCE}") for n in range(900)]
    assert sum(len(text) for _, text in lines) >= 40_000
    configured = settings.model_copy(update={
        "llm_backend": "openai", "llm_base_url": llm.base_url, "llm_model": "small-8k",
        "llm_context_tokens": 8192,
        "llm_max_output_tokens": 2048, "llm_max_retries": 0,
        "minutes_method": "compose",  # each part's items composed, then merged
    })
    llm.default = Reply(respond=answer_from_prompt)
    job, meeting = run_minutes(engine, configured, store_meeting(engine, lines, language="ja"))
    minutes = meeting.minutes
    assert job.status == "done" and minutes.status == "done", minutes.error

    maps = [r for r in llm.requests if re.search(r"^\[\d+\]", r["messages"][1]["content"], re.M)]
    reduces = [r for r in llm.requests if r not in maps]
    assert len(maps) >= 5 and reduces  # split, then merged
    for request in llm.requests:  # every call leaves room for the answer in 8k
        prompt = sum(estimate_tokens(m["content"]) for m in request["messages"])
        assert prompt + request["max_tokens"] <= 8192
    cited = sorted(i for d in minutes.decisions for i in d.segments)
    assert len(minutes.decisions) == len(maps)
    assert cited[0] == 1 and cited[-1] == 900  # the first and the last part both made it in
    assert minutes.dropped_citations == 0 and not any(d.flagged for d in minutes.decisions)
