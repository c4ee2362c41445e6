"""Minutes from the embedded model on a fresh install: llama.cpp's server in a process of its
own, the GGUF that setup joined, nothing configured (but, where a transcript must be split, a
small context). Real model, real transcripts, real kills. The Japanese sample's minutes, from
a recording processed with nothing configured, are tests/test_japanese.py's."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.domain import Meeting
from gijiroku.export import export_meeting
from gijiroku.jobs.recovery import retry_policy
from gijiroku.pipeline import Pipeline
from gijiroku.result import result_document
from gijiroku.stages import MinutesStage
from gijiroku.stages.minutes import backend, llm_server
from gijiroku.storage import repository, session_scope
from summarize.embedded import DEFAULT_MODEL_NAME, EmbeddedServer, default_model_path
from summarize.grounding import grounded, numbers
from tests.summarize.meetings import run_minutes, store_meeting

pytestmark = [pytest.mark.slow, pytest.mark.llm]

ROOT = Path(__file__).parents[2]
REFERENCE = ROOT / "bench" / "minutes_reference"


@pytest.fixture
def embedded(settings: Settings) -> Settings:
    """Nothing about the minutes configured: the embedded backend is the default."""
    assert default_model_path().is_file(), "setup ('gijiroku models fetch-starter') fetches it"
    return settings.model_copy(update={"llm_backend": None})


def cited_items(meeting: Meeting) -> list[list[int]]:
    items = [d.segments for d in meeting.minutes.decisions]
    return items + [a.segments for a in meeting.minutes.action_items]


def load(engine: Engine, meeting_id: str) -> Meeting:
    with session_scope(engine) as session:
        return repository.load_meeting(session, meeting_id)


def long_transcript(repeats: int) -> list[tuple[str, str]]:
    """The English reference meetings one after another, `repeats` times."""
    lines = []
    for _ in range(repeats):
        for name in ("committee-en.json", "it-weekly-en.json"):
            data = json.loads((REFERENCE / name).read_text(encoding="utf-8"))
            lines += [(s["speaker"], s["text"]) for s in data["segments"]]
    return lines


class Killer(threading.Thread):
    """Kills the embedded server with SIGKILL once it is answering a chat request; watches
    while used as a context manager."""

    def __init__(self, server: EmbeddedServer) -> None:
        super().__init__(daemon=True)
        self.server, self.killed = server, threading.Event()
        self.stop = threading.Event()

    def __enter__(self) -> Killer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.join()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            pid, url = self.server.pid, self.server._url
            if pid is None or url is None or not self.server.running():
                continue
            try:
                slots = httpx.get(url + "/slots", timeout=2).json()
            except (httpx.HTTPError, ValueError):
                continue
            if any(slot.get("is_processing") for slot in slots):
                time.sleep(1.0)  # well inside the answer
                os.kill(pid, signal.SIGKILL)
                self.killed.set()
                return


@pytest.fixture
def killer(embedded: Settings) -> Iterator[Killer]:
    server = llm_server(embedded)
    assert server is not None
    with Killer(server) as thread:
        yield thread


def queue_minutes(engine: Engine, meeting_id: str) -> str:
    with session_scope(engine) as session:
        return repository.create_job(session, meeting_id=meeting_id).id


def test_a_transcript_too_long_for_one_prompt_is_written_in_parts_and_merged(
    engine: Engine, embedded: Settings
) -> None:
    """A transcript longer than the embedded model's context is written in parts whose
    minutes are then merged, with cited lines, by a pipeline that knows nothing of the
    minutes but a small context; and the first try loses llama.cpp's server mid-answer,
    which fails the minutes alone for the queue to try again.

    About 70-90 s alone with two threads, 140 s under `./dev.sh test` with one thread
    beside another worker (measured 2026-12-02): two parts and their merge are three
    generations, the least that shows a real split and merge (deeper merge trees:
    test_chunking's scripted server),
    and the suite's one full minutes run of the English reference meetings. A 2048-token
    context leaves about 770 tokens of transcript per prompt beside the instructions and the
    answer: three copies of the reference meetings (about 880 tokens of text, more with the
    speakers and line numbers) take two parts and one merge."""
    small = embedded.model_copy(update={"llm_context_tokens": 2048,
                                        "llm_max_output_tokens": 768})
    assert small.resolved_llm_backend == "embedded"
    chosen = backend(small)
    assert chosen is not None and chosen.count_tokens is not None  # the server's tokenizer
    meeting_id = store_meeting(engine, long_transcript(3))
    before = [s.text for s in load(engine, meeting_id).segments]
    pipeline = Pipeline(engine, small, [MinutesStage()])
    job_id = queue_minutes(engine, meeting_id)
    server = llm_server(small)
    assert server is not None
    with Killer(server) as killer:
        outcome = pipeline.execute(job_id, retry=retry_policy(small))
    assert killer.killed.is_set()
    # a passing failure: stored with its reason, the job queued to try again
    assert outcome.status == "retry" and outcome.error is not None
    meeting = load(engine, meeting_id)
    assert meeting.minutes.status == "failed"
    assert "cannot be reached" in (meeting.minutes.error or "")
    assert "tried again" in (meeting.minutes.error or "")
    assert [s.text for s in meeting.segments] == before  # the transcript is intact

    # the retry (the queue would send it after GIJIROKU_JOB_RETRY_SECONDS) starts the server
    # anew; the parts and the merge are reported as they are written
    assert not server.running()
    seen: list[tuple[float, float]] = []
    done = pipeline.execute(job_id, lambda stage, part, parts: seen.append((part, parts))
                            if stage == "minutes" else None, retry=retry_policy(small))
    assert done.status == "done"
    written = [(part, parts) for part, parts in seen if parts > 1]  # (the stage's end: 1/1)
    assert written and written[-1][1] >= 3, seen  # two parts or more, then the merge
    assert [part for part, _ in written] == list(range(1, int(written[-1][1]) + 1)), seen
    meeting = load(engine, meeting_id)
    minutes = meeting.minutes
    assert minutes.status == "done" and minutes.error is None, minutes.error
    assert server.running() and minutes.model == DEFAULT_MODEL_NAME
    assert minutes.summary.strip()
    assert [s.text for s in meeting.segments] == before
    numbers = {s.id for s in meeting.segments}
    cited = [ids for ids in cited_items(meeting) if ids]
    assert cited, "at least one decision or action item cites the transcript"
    assert all(set(ids) <= numbers for ids in cited)
    # the result document and the exports name the model and call the minutes a draft
    assert result_document(meeting)["minutes"]["model"] == DEFAULT_MODEL_NAME
    markdown = export_meeting(engine, meeting_id, "md").content.decode()
    assert f"AI draft written by the language model {DEFAULT_MODEL_NAME}" in markdown


def test_on_the_last_attempt_a_killed_server_leaves_the_job_done_and_the_minutes_failed(
    engine: Engine, embedded: Settings, killer: Killer
) -> None:
    meeting_id = store_meeting(engine)
    job, meeting = run_minutes(engine, embedded, meeting_id)  # no retry policy: last attempt
    assert killer.killed.is_set()
    assert job.status == "done" and meeting.status == "done"
    assert meeting.minutes.status == "failed"
    assert "cannot be reached" in (meeting.minutes.error or "")
    assert "tried again" not in (meeting.minutes.error or "")
    assert len(meeting.segments) == 5


def test_a_missing_model_file_fails_the_minutes_with_what_to_do(
    engine: Engine, embedded: Settings, tmp_path: Path
) -> None:
    settings = embedded.model_copy(update={"llm_model_file": tmp_path / "none.gguf"})
    job, meeting = run_minutes(engine, settings, store_meeting(engine))
    assert job.status == "done" and meeting.minutes.status == "failed"
    assert "gijiroku models fetch-starter" in (meeting.minutes.error or "")


def test_a_file_that_is_no_model_fails_the_minutes_with_llama_cpp_s_reason(
    engine: Engine, embedded: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + os.urandom(4096))
    settings = embedded.model_copy(update={"llm_model_file": broken})
    job, meeting = run_minutes(engine, settings, store_meeting(engine))
    assert job.status == "done" and meeting.minutes.status == "failed"
    assert "did not start with broken.gguf" in (meeting.minutes.error or "")


PARKS = [  # written for this test: a question, a motion carried, a request and its answer
    ("S1", "おはようございます。ただいまから環境建設委員会を開会します。"),
    ("S1", "本日の議題は、中央公園の遊具の更新についてです。"),
    ("S2", "公園緑地課です。中央公園の遊具は設置から三十年が経ち、三基が使用禁止になっています。"),
    ("S3", "更新の費用はどのくらいかかるのですか。"),
    ("S2", "三基で約二千四百万円を見込んでいます。"),
    ("S1", "それでは、中央公園の遊具三基を来年度に更新することといたします。よろしいでしょうか。"),
    ("S3", "異議ありません。"),
    ("S1", "地元の自治会への説明は、公園緑地課でお願いします。"),
    ("S2", "承知しました。二月二十日までに自治会長へ説明に伺います。"),
    ("S1", "以上で本日の委員会を閉会します。"),
]


def test_japanese_minutes_by_the_default_method_on_the_embedded_model(
    engine: Engine, embedded: Settings
) -> None:
    """The stepwise method, nothing configured: items from the chair's and the members' own
    words, the embedded model's summary in Japanese; with the model restating the items, a
    restatement is used only when the item's lines carry it."""
    meeting_id = store_meeting(engine, PARKS, language="ja")
    job, meeting = run_minutes(engine, embedded, meeting_id)
    minutes = meeting.minutes
    assert job.status == "done" and minutes.status == "done", minutes.error
    assert sum(1 for ch in minutes.summary if "\u3040" <= ch <= "\u9fff") >= 10
    assert [(d.text, d.segments, d.flagged) for d in minutes.decisions] == [
        ("中央公園の遊具三基を来年度に更新する。", [6], False)]
    assert [(a.owner, a.due, a.due_date, a.segments) for a in minutes.action_items] == [
        ("S2", "二月二十日", "2027-02-20", [8, 9])]
    # the member's question and the chair's agenda line are no item of either kind
    items = [d.text for d in minutes.decisions] + [a.task for a in minutes.action_items]
    assert not any("どのくらい" in item or "議題" in item for item in items)
    # the owner is the speaker, by the name it has now
    edits.rename_speaker(engine, meeting_id, "S2", "公園緑地課長")
    assert "公園緑地課長" in export_meeting(engine, meeting_id, "md").content.decode()

    restating = embedded.model_copy(update={"minutes_restate": True})
    _, again = run_minutes(engine, restating, store_meeting(engine, PARKS, language="ja"))
    said = {s.id: s.text for s in again.segments}
    restated = [(d.text, d.segments) for d in again.minutes.decisions] + [
        (a.task, a.segments) for a in again.minutes.action_items]
    assert [ids for _, ids in restated] == [[6], [8, 9]]  # the same items, the same lines
    for text, ids in restated:  # each carried by its lines, naming no number they do not
        assert grounded(text, ids, said)[1], text
        assert set(numbers(text)) <= set(numbers(" ".join(said[n] for n in ids))), text
