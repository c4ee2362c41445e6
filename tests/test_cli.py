"""The `gijiroku` command as a person or a script runs it: real files, a real process where
what a process shows is tested (exit status, stdout holding the id alone, no traceback), the
command line's `main(argv)` in this process for the other steps of a scenario (tests/conftest's
`cli`), and a processed meeting stored from the session's (tests/processed.py) where a
scenario starts from one."""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gijiroku.config import Settings
from tests.conftest import Ran
from tests.cores import THREADS
from tests.processed import ProcessedMeetings

pytestmark = pytest.mark.slow


def gijiroku(*args: str, data_dir: Path, stdin: str = "",
             **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIJIROKU_")}
    environment.update(GIJIROKU_DATA_DIR=str(data_dir), GIJIROKU_CPU_THREADS=str(THREADS),
                       # no minutes model unless a test asks for a server
                       GIJIROKU_LLM_BACKEND="openai" if "GIJIROKU_LLM_BASE_URL" in env else "off",
                       **env)
    return subprocess.run(
        [sys.executable, "-m", "gijiroku", *args],
        input=stdin, capture_output=True, text=True, env=environment, timeout=300,
    )


def assert_result_document(document: dict) -> None:  # type: ignore[type-arg]
    """The shape README.md documents ("Result document"), with issue 17's `version` on each
    line and item, issue 27's completeness counts and gap lines, issue 33's marks and the
    copy it is (official: the one `--json` writes), and issue 34's workflow state and its
    steps."""
    assert set(document) == {
        "id", "title", "status", "language", "duration", "speakers", "segments", "minutes",
        "completeness", "marks", "copy", "state", "steps", "group",
    }
    assert document["copy"] == "official" and document["marks"] == []
    assert document["state"] == "draft" and document["steps"] == []
    assert document["group"] is None
    gaps = [s for s in document["segments"] if s["gap"]]
    assert document["completeness"]["gaps"] == len(gaps)
    assert document["completeness"]["redecoded"] >= len(gaps)  # a gap was decoded again
    assert all(s["text"] == "" and s["words"] == [] for s in gaps)
    assert isinstance(document["id"], str) and isinstance(document["duration"], float)
    for speaker in document["speakers"]:
        assert set(speaker) == {"id", "label", "name", "confirmed", "person", "suggestion"}
        assert speaker["confirmed"] is False and speaker["suggestion"] is None  # no roster
    for segment in document["segments"]:
        assert set(segment) == {"id", "start", "end", "speaker", "text", "gap", "words",
                                "version"}
        assert isinstance(segment["id"], int) and segment["start"] <= segment["end"]
        assert segment["version"] >= 1
        for word in segment["words"]:
            assert set(word) == {"start", "end", "text", "probability", "doubtful", "speaker"}
    assert set(document["minutes"]) >= {"status", "summary", "decisions", "action_items"}
    for item in [*document["minutes"]["decisions"], *document["minutes"]["action_items"]]:
        assert item["version"] >= 1


def test_process_stores_prints_the_id_and_writes_the_result(
    media: dict[str, Path], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    out = tmp_path / "result.json"
    run = gijiroku("process", str(media["mp4"]), "--json", str(out), data_dir=tmp_path / "d")
    assert run.returncode == 0, run.stderr
    meeting_id = run.stdout.strip()
    assert len(meeting_id) == 32 and "\n" not in meeting_id
    document = json.loads(out.read_text(encoding="utf-8"))
    assert_result_document(document)
    assert document["id"] == meeting_id and document["status"] == "done"
    assert document["language"] == "en" and document["title"] == "video"
    assert document["duration"] == pytest.approx(30.0, abs=0.2)
    assert [s["id"] for s in document["speakers"]] == ["S1", "S2"]
    for segment in document["segments"]:
        assert segment["speaker"] in {"S1", "S2"}
        assert {w["speaker"] for w in segment["words"]} == {segment["speaker"]}
    assert document["minutes"]["status"] == "not_configured"
    assert "chicago" in " ".join(s["text"] for s in document["segments"]).lower()

    shown = cli("show", meeting_id, data_dir=tmp_path / "d")
    assert shown.returncode == 0
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("# video")
    assert lines[1].startswith("[00:00:0") and " - 00:00:" in lines[1]
    assert len(lines) == len(document["segments"]) + 1


def test_process_of_a_corrupt_file_fails_clearly(media: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    run = gijiroku("process", str(media["garbage"]), "--json", str(out), data_dir=tmp_path / "d")
    assert run.returncode == 1
    assert "garbage.mp3" in run.stderr and "[audio_undecodable]" in run.stderr
    assert "Traceback" not in run.stderr
    assert json.loads(out.read_text())["status"] == "failed"


@pytest.mark.parametrize("name", ["missing.wav", "empty.wav"])
def test_process_refuses_missing_and_empty_files(
    media: dict[str, Path], tmp_path: Path, name: str
) -> None:
    path = media["empty"] if name == "empty.wav" else tmp_path / name
    run = gijiroku("process", str(path), data_dir=tmp_path / "d")
    assert run.returncode == 1 and run.stdout == ""
    assert ("does not exist" if name == "missing.wav" else "is empty") in run.stderr


def test_invalid_configuration_stops_before_any_work(
    media: dict[str, Path], tmp_path: Path
) -> None:
    run = gijiroku("process", str(media["wav"]), data_dir=tmp_path / "d", GIJIROKU_DEVICE="gpu")
    assert run.returncode == 2
    assert "GIJIROKU_DEVICE" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "d").exists()


def test_a_title_the_web_view_would_refuse_is_refused_before_anything_is_stored(
    media: dict[str, Path], tmp_path: Path, settings: Settings
) -> None:
    """`process --title` checks the title as the details form does (same message), so no
    meeting can be stored with a title the form could never save again."""
    from fastapi.testclient import TestClient

    from api import create_app
    from tests.api.test_api import LOCAL

    long = "第" * 201
    run = gijiroku("process", str(media["wav"]), "--title", long, data_dir=tmp_path / "d")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "title is longer than 200 characters. [text_too_long]" in run.stderr
    assert not (tmp_path / "d" / "meetings").exists()
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        form = client.post("/api/meetings", data={"title": long},
                           files={"file": ("a.wav", media["wav"].read_bytes())},
                           headers={"Accept-Language": "en"})
    assert form.status_code == 422
    assert form.json()["error"]["message"] == "title is longer than 200 characters."


def test_forcing_japanese_on_the_english_model_says_what_to_do(
    media: dict[str, Path], tmp_path: Path
) -> None:
    from transcribe.whisper_backend import bundled_model_path

    # the embedded defaults pick the multilingual model for Japanese; an English-only model
    # chosen by hand is refused with what to do
    run = gijiroku("process", str(media["wav"]), "--language", "ja", data_dir=tmp_path / "d",
                   GIJIROKU_WHISPER_MODEL=str(bundled_model_path()))
    assert run.returncode == 1
    assert "English-only" in run.stderr and "GIJIROKU_WHISPER_MODEL" in run.stderr


def test_show_of_an_unknown_meeting(tmp_path: Path) -> None:
    run = gijiroku("show", "doesnotexist", data_dir=tmp_path / "d")
    assert run.returncode == 1 and "No meeting" in run.stderr


def test_rerun_diarization_with_new_hints_keeps_given_names(
    tmp_path: Path, cli: Callable[..., Ran], processed_meetings: ProcessedMeetings
) -> None:
    from gijiroku.config import Settings
    from gijiroku.storage import close_database, open_database, repository, session_scope

    data = tmp_path / "d"
    url = Settings(data_dir=data).resolved_database_url
    engine = open_database(url)
    # pyannote's sample processed with two speakers asked for (`process --num-speakers 2`)
    meeting_id = processed_meetings["pyannote-sample"].store(engine, data)
    with session_scope(engine) as session:
        before = repository.load_meeting(session, meeting_id)
        first_speaker = before.segments[-1].speaker  # whoever speaks last
        repository.rename_speaker(session, meeting_id, first_speaker, "Diane (Kita ward)")
    close_database(url)
    words_before = [w.text for s in before.segments for w in s.words]

    out = tmp_path / "again.json"
    again = cli("diarize", meeting_id, "--num-speakers", "2", "--json", str(out), data_dir=data)
    assert again.returncode == 0, again.stderr
    document = json.loads(out.read_text())
    assert [w["text"] for s in document["segments"] for w in s["words"]] == words_before
    named = [s for s in document["speakers"] if s["name"] == "Diane (Kita ward)"]
    assert len(named) == 1
    assert document["segments"][-1]["speaker"] == named[0]["id"]

    three = cli("diarize", meeting_id, "--num-speakers", "3", "--json", str(out), data_dir=data)
    assert three.returncode == 0, three.stderr
    document = json.loads(out.read_text())
    assert len(document["speakers"]) == 3
    assert sum(s["name"] == "Diane (Kita ward)" for s in document["speakers"]) == 1
    assert len([w for s in document["segments"] for w in s["words"]]) == len(words_before)

    # a line corrected by hand: diarization asks first, and keeps the correction meanwhile
    from gijiroku import edits

    corrected = "Hello, this is Diane from the Kita ward office."
    edits.edit_segment(open_database(url), meeting_id, 1, text=corrected)
    close_database(url)
    refused = cli("diarize", meeting_id, "--num-speakers", "2", data_dir=data)
    assert refused.returncode == 1
    assert "--replace-edits" in refused.stderr and "[edit_conflict]" in refused.stderr
    shown = cli("show", meeting_id, data_dir=data)
    assert corrected in shown.stdout and len(shown.stdout.splitlines()) == \
        len(document["segments"]) + 1  # not re-run: the 3-speaker lines stand
    forced = cli("diarize", meeting_id, "--num-speakers", "2", "--replace-edits",
                 "--json", str(out), data_dir=data)
    assert forced.returncode == 0, forced.stderr
    assert len(json.loads(out.read_text())["speakers"]) == 2


def test_contradictory_speaker_hints_stop_before_any_work(
    media: dict[str, Path], tmp_path: Path
) -> None:
    run = gijiroku(
        "process", str(media["wav"]), "--min-speakers", "3", "--max-speakers", "2",
        data_dir=tmp_path / "d",
    )
    assert run.returncode == 2 and "min speakers" in run.stderr  # a usage error
    assert not (tmp_path / "d" / "meetings").exists()


def test_diarization_can_be_switched_off(
    media: dict[str, Path], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    out = tmp_path / "r.json"
    run = cli("process", str(media["wav"]), "--language", "en", "--json", str(out),
              data_dir=tmp_path / "d", GIJIROKU_DIARIZE="false")
    assert run.returncode == 0, run.stderr
    document = json.loads(out.read_text())
    assert document["speakers"] == [] and all(s["speaker"] is None for s in document["segments"])


def test_process_writes_minutes_with_a_configured_llm(
    media: dict[str, Path], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    from tests.llm_server import Reply, ScriptedLLM

    answer = {"summary": "Two callers introduce themselves.", "topics": ["Introductions"],
              "decisions": [{"text": "Keep talking.", "segments": [1, 2]}],
              "action_items": [{"task": "Call again", "owner": "S1", "due": None,
                                "due_date": None, "segments": [1]}]}
    with ScriptedLLM() as llm:
        llm.default = Reply(json.dumps(answer))
        out = tmp_path / "r.json"
        run = cli("process", str(media["wav"]), "--language", "en", "--date", "2026-11-20",
                  "--json", str(out),
                  data_dir=tmp_path / "d", GIJIROKU_LLM_BASE_URL=llm.base_url,
                  GIJIROKU_LLM_MODEL="local-test", GIJIROKU_LLM_MAX_RETRIES="0",
                  GIJIROKU_MINUTES_METHOD="compose")  # the scripted model composes items
        assert run.returncode == 0, run.stderr
        minutes = json.loads(out.read_text())["minutes"]
        assert minutes["status"] == "done" and minutes["decisions"][0]["segments"] == [1, 2]
        assert minutes["action_items"][0]["owner"] == "S1"
        assert minutes["headings"]["decisions"] == "Decisions"
        prompt = llm.requests[0]["messages"]
        assert "2026-11-20" in prompt[0]["content"] and "[1] S" in prompt[1]["content"]

        meeting_id = run.stdout.strip()
        again = cli("minutes", meeting_id, "--template", "ja", "--json", str(out),
                    data_dir=tmp_path / "d", GIJIROKU_LLM_BASE_URL=llm.base_url,
                    GIJIROKU_LLM_MODEL="local-test")
        assert again.returncode == 0, again.stderr
        assert json.loads(out.read_text())["minutes"]["headings"]["decisions"] == "決定事項"
        assert len(llm.requests) == 2


def test_no_minutes_skips_the_step(
    media: dict[str, Path], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    out = tmp_path / "r.json"
    run = cli("process", str(media["wav"]), "--language", "en", "--no-minutes", "--json", str(out),
              data_dir=tmp_path / "d", GIJIROKU_LLM_BASE_URL="http://127.0.0.1:9/v1",
              GIJIROKU_LLM_MODEL="never-called", GIJIROKU_DIARIZE="false")
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_text())["minutes"]["status"] == "skipped"


def test_unreachable_llm_fails_the_minutes_but_not_the_meeting(
    media: dict[str, Path], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    out = tmp_path / "r.json"
    run = cli("process", str(media["wav"]), "--language", "en", "--json", str(out),
              data_dir=tmp_path / "d",
              GIJIROKU_LLM_BASE_URL="http://127.0.0.1:9/v1", GIJIROKU_LLM_MODEL="m",
              GIJIROKU_LLM_MAX_RETRIES="0", GIJIROKU_DIARIZE="false")
    assert run.returncode == 0, run.stderr
    document = json.loads(out.read_text())
    assert document["status"] == "done" and len(document["segments"]) >= 3
    assert document["minutes"]["status"] == "failed"
    assert "cannot be reached" in document["minutes"]["error"]


def test_serve_refuses_the_network_without_a_token() -> None:
    from gijiroku.cli import main

    assert main(["serve", "--host", "0.0.0.0", "--port", "8765"]) == 2


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, str]:
    """A data directory holding one finished Japanese meeting with minutes (no models)."""
    from gijiroku.config import Settings
    from gijiroku.storage import close_database, open_database, repository, session_scope
    from tests.test_export import JA_LINES, JA_MINUTES, store

    data = tmp_path / "d"
    url = Settings(data_dir=data).resolved_database_url
    engine = open_database(url)
    meeting_id = store(engine, JA_LINES, "ja", JA_MINUTES)
    with session_scope(engine) as session:
        repository.mark_stage_done(session, meeting_id, "transcribe")
    close_database(url)
    return data, meeting_id


def test_minutes_again_keeps_a_persons_decision_unless_replace_is_given(
    stored: tuple[Path, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    from gijiroku import edits
    from gijiroku.config import Settings
    from gijiroku.domain import Decision
    from gijiroku.storage import close_database, open_database
    from tests.llm_server import Reply, ScriptedLLM

    data, meeting_id = stored
    url = Settings(data_dir=data).resolved_database_url
    edits.add_minutes_item(open_database(url), meeting_id,
                             Decision(text="職員を二名増員する。", segments=[2]))
    close_database(url)
    answer = {"summary": "日曜開館の試行に合意した。", "topics": ["図書館"],
              "decisions": [{"text": "日曜開館を試行する。", "segments": [2]}],
              "action_items": []}
    out = tmp_path / "r.json"
    with ScriptedLLM() as llm:
        llm.default = Reply(json.dumps(answer, ensure_ascii=False))
        env = {"GIJIROKU_LLM_BASE_URL": llm.base_url, "GIJIROKU_LLM_MODEL": "local-test",
               "GIJIROKU_LLM_MAX_RETRIES": "0",
               "GIJIROKU_MINUTES_METHOD": "compose"}  # the scripted model composes items
        kept = cli("minutes", meeting_id, "--json", str(out), data_dir=data, **env)
        assert kept.returncode == 0, kept.stderr
        decisions = json.loads(out.read_text())["minutes"]["decisions"]
        assert [d["text"] for d in decisions] == ["職員を二名増員する。", "日曜開館を試行する。"]
        assert decisions[0]["edited"] and not decisions[1]["edited"]

        replaced = cli("minutes", meeting_id, "--replace", "--json", str(out),
                       data_dir=data, **env)
        assert replaced.returncode == 0, replaced.stderr
        decisions = json.loads(out.read_text())["minutes"]["decisions"]
        assert [d["text"] for d in decisions] == ["日曜開館を試行する。"]
        assert len(llm.requests) == 2


def test_export_minutes_only_and_cleanup_from_the_command_line(
    stored: tuple[Path, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    data, meeting_id = stored
    whole, short, tidy = tmp_path / "whole.md", tmp_path / "short.md", tmp_path / "tidy.md"
    for args in (["-o", str(whole)], ["-o", str(short), "--minutes-only"],
                 ["-o", str(tidy), "--cleanup", "fillers"]):
        run = cli("export", meeting_id, "--format", "md", *args, data_dir=data)
        assert run.returncode == 0, run.stderr
        assert f"wrote {args[1]}" in run.stderr
    verbatim = whole.read_text(encoding="utf-8")
    assert "## 決定事項" in verbatim and "## 発言記録" in verbatim
    assert "えー、ただいまから総務委員会を開会いたします。" in verbatim  # as it was said

    minutes_only = short.read_text(encoding="utf-8")
    assert "## 決定事項" in minutes_only
    assert "図書館の日曜開館を来年四月から試行する。" in minutes_only
    assert "## 発言記録" not in minutes_only and "開会いたします" not in minutes_only

    cleaned = tidy.read_text(encoding="utf-8")
    assert "ただいまから総務委員会を開会いたします。" in cleaned
    for filler in ("えー", "あのー", "まあ"):
        assert filler not in cleaned, filler
    # the stored transcript is never changed by an export
    shown = cli("show", meeting_id, data_dir=data)
    assert "えー、ただいまから" in shown.stdout

    refused = cli("export", meeting_id, "--format", "md", "-o", str(tidy), "--cleanup",
                  "everything", data_dir=data)
    assert refused.returncode == 2 and "invalid choice" in refused.stderr


def test_minutes_again_keep_the_template_the_meeting_was_given(
    stored: tuple[Path, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    from tests.llm_server import Reply, ScriptedLLM

    data, meeting_id = stored
    answer = {"summary": "Agreed.", "topics": [], "decisions": [], "action_items": []}
    out = tmp_path / "r.json"
    with ScriptedLLM() as llm:
        llm.default = Reply(json.dumps(answer))
        env = {"GIJIROKU_LLM_BASE_URL": llm.base_url, "GIJIROKU_LLM_MODEL": "local-test",
               "GIJIROKU_LLM_MAX_RETRIES": "0"}
        for args in (["--template", "en"], []):  # the second asks for no template
            run = cli("minutes", meeting_id, *args, "--json", str(out), data_dir=data,
                      **env)
            assert run.returncode == 0, run.stderr
            minutes = json.loads(out.read_text())["minutes"]
            assert minutes["template"] == "en" and minutes["headings"]["decisions"] == \
                "Decisions"  # a Japanese meeting, in the template asked for once


def test_list_shows_what_failed_and_retry_runs_it_again(
    media: dict[str, Path], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    from tests.conftest import speak

    data = tmp_path / "d"
    clip = speak("The meeting is adjourned.", tmp_path / "adjourned.wav")
    # a limit set too low: the job fails; the administrator raises it and retries
    too_long = cli("process", str(clip), data_dir=data, GIJIROKU_DIARIZE="false",
                   GIJIROKU_MAX_DURATION_HOURS="0.0001")
    assert too_long.returncode == 1 and "[recording_too_long]" in too_long.stderr
    long_id = too_long.stdout.strip()
    corrupt = cli("process", str(media["garbage"]), data_dir=data)
    corrupt_id = corrupt.stdout.strip()

    listed = cli("list", data_dir=data)
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.splitlines()
    assert rows[0].startswith(f"{corrupt_id}  failed ") and rows[0].endswith("  garbage")
    assert "[audio_undecodable]" in rows[1] and rows[1].startswith(" " * 34)
    assert rows[2].startswith(f"{long_id}  failed ") and "[recording_too_long]" in rows[3]
    assert "2 meeting(s), page 1 of 1" in listed.stderr
    only_done = cli("list", "--status", "done", data_dir=data)
    assert only_done.stdout == "" and "0 meeting(s)" in only_done.stderr
    found = cli("list", "-q", "adjourned", "--status", "failed", data_dir=data)
    assert [r.split()[0] for r in found.stdout.splitlines() if r[:1] != " "] == [long_id]

    again = cli("retry", long_id, "--here", data_dir=data, GIJIROKU_DIARIZE="false")
    assert again.returncode == 0, again.stderr
    shown = cli("show", long_id, data_dir=data)
    assert "(done, en," in shown.stdout.splitlines()[0] and "adjourned" in shown.stdout.lower()
    nothing = cli("retry", long_id, data_dir=data)
    assert nothing.returncode == 1 and "[nothing_to_retry]" in nothing.stderr
    assert "Traceback" not in nothing.stderr

    # without --here the job goes back on the service's queue, for `serve` or a worker
    queued = cli("retry", corrupt_id, data_dir=data)
    assert queued.returncode == 0, queued.stderr
    job_id = queued.stdout.strip()
    assert len(job_id) == 32 and "gijiroku serve" in queued.stderr
    waiting = cli("list", "--status", "queued", data_dir=data)
    assert waiting.stdout.split()[:2] == [corrupt_id, "queued"]
    from gijiroku.config import Settings
    from gijiroku.jobs import JobQueue

    queue = JobQueue(Settings(data_dir=data, redis_url=None))
    try:
        assert job_id in queue.waiting()
    finally:
        queue.close()


def test_delete_asks_first_and_removes_the_meeting_and_its_files(
    media: dict[str, Path], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    from tests.conftest import speak

    data = tmp_path / "d"
    clip = speak("The meeting is adjourned.", tmp_path / "adjourned.wav")
    kept = cli("process", str(clip), data_dir=data, GIJIROKU_DIARIZE="false")
    gone = cli("process", str(media["garbage"]), data_dir=data)  # a failed one
    kept_id, gone_id = kept.stdout.strip(), gone.stdout.strip()
    assert (data / "meetings" / gone_id).is_dir()

    def delete(*args: str, answer: str = "") -> Ran:
        return cli("delete", *args, data_dir=data, stdin=answer)

    refused = delete(gone_id, answer="n\n")
    assert refused.returncode == 1 and "'garbage' (0 lines, 0 corrected" in refused.stderr
    assert "nothing was deleted" in refused.stderr
    assert cli("list", data_dir=data).stdout.count("\n") == 3  # both, one reason line
    asked = delete(gone_id, answer="y\n")
    assert asked.returncode == 0, asked.stderr
    assert not (data / "meetings" / gone_id).exists()
    listed = cli("list", data_dir=data)
    assert listed.stdout.split()[0] == kept_id and "1 meeting(s)" in listed.stderr
    unknown = delete(gone_id, "--yes")
    assert unknown.returncode == 1 and "No meeting with id" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    assert delete(kept_id, "--yes").returncode == 0  # a script's form: no question
    assert "0 meeting(s)" in cli("list", data_dir=data).stderr
    assert not (data / "meetings" / kept_id).exists()
