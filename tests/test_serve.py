"""`gijiroku serve` as a real process on the embedded defaults: job progress streamed while the
job runs, and a SIGTERM in the middle of a job that queues it to continue at the next start."""

import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gijiroku.config import Settings
from gijiroku.storage import close_database, open_database, repository, session_scope
from tests.serving import Server
from tests.test_watch import wait_for

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).parents[1] / "samples" / "committee-meeting-en.flac"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    served = Server(tmp_path / "data", tmp_path / "serve.log", GIJIROKU_DIARIZE="false")
    try:
        yield served
    finally:
        served.close()


def upload(address: str, path: Path, **fields: str) -> dict[str, Any]:
    with path.open("rb") as content:
        answer = httpx.post(f"{address}/api/meetings", data=fields, timeout=120,
                            files={"file": (path.name, content, "audio/flac")})
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def job(address: str, job_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{address}/api/jobs/{job_id}", timeout=30).json()
    return body


def test_progress_is_streamed_while_the_job_runs(server: Server, long_recording: Path) -> None:
    address = server.start()
    # followed to its end: long enough for the stream to be read while it runs (the 50 s
    # sample is transcribed between two of the stream's reads on this machine)
    meeting = upload(address, long_recording, language="en")
    events: list[dict[str, Any]] = []
    with httpx.stream("GET", f"{address}/api/jobs/{meeting['job_id']}/events",
                      timeout=300) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line.removeprefix("data:")))
    assert events[-1]["status"] == "done" and events[-1]["progress"] == 1.0
    running = [e for e in events if e["status"] == "running"]
    progress = [e["progress"] for e in running]
    # several reports on the way, never backwards, from more than one step
    assert len(set(progress)) >= 3, events
    assert progress == sorted(progress)
    assert {e["stage"] for e in running} >= {"transcribe"}
    assert any(0.0 < e["progress"] < 1.0 and e["stage"] == "transcribe" for e in running)
    assert all(e["id"] == meeting["job_id"] for e in events)
    assert server.stop(signal.SIGINT) == 0  # Ctrl-C, with nothing running


def test_sigterm_stops_the_server_and_the_job_continues_at_the_next_start(
    server: Server, long_recording: Path
) -> None:
    address = server.start()
    meeting = upload(address, long_recording, language="en")
    job_id = meeting["job_id"]
    assert wait_for(lambda: job(address, job_id)["stage"] == "transcribe", timeout=120)
    # It stops without waiting for the job to end. After its clean shutdown uvicorn raises
    # the signal again, so the process ends as "terminated" (143 in a shell, a clean stop to
    # systemd and Docker), as a service stopped with SIGTERM conventionally does.
    assert server.stop(signal.SIGTERM) in (0, -signal.SIGTERM)
    log = server.log_text()
    assert "All workers have stopped." in log and "Traceback" not in log

    # as the stopping server left it, read from its database file while nothing runs
    url = Settings(data_dir=server.data_dir).resolved_database_url
    with session_scope(open_database(url)) as session:
        stopped = repository.get_job(session, job_id)
        assert stopped is not None
        assert (stopped.status, stopped.error_code) == ("queued", "job_interrupted")
        assert stopped.attempts == 1 and stopped.worker is None
        meeting_row = repository.get_meeting_row(session, meeting["id"])
        assert meeting_row.completed_stages == ["decode"]  # stopped mid-transcription
    close_database(url)

    # the restarted service takes it on from the transcription, the decoded recording kept
    # (a job run to its end after a stop: tests/test_workers.py's killed worker)
    restarted = server.start()

    def resumed() -> bool:
        now = job(restarted, job_id)
        return now["attempts"] == 2 and (now["stage"] == "transcribe" or now["status"] == "done")

    assert wait_for(resumed, timeout=120), server.log_text()[-3000:]
    assert server.log_text().count(f"{meeting['id']}: decode done") == 1
