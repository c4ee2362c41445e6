"""The `gijiroku` command as a person or a script runs it: a real process, real files."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def gijiroku(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIJIROKU_")}
    environment.update(GIJIROKU_DATA_DIR=str(data_dir), GIJIROKU_CPU_THREADS="2", **env)
    return subprocess.run(
        [sys.executable, "-m", "gijiroku", *args],
        capture_output=True, text=True, env=environment, timeout=300,
    )


def assert_result_document(document: dict) -> None:  # type: ignore[type-arg]
    """The shape fixed by DESIGN.md."""
    assert set(document) == {
        "id", "title", "status", "language", "duration", "speakers", "segments", "minutes",
    }
    assert isinstance(document["id"], str) and isinstance(document["duration"], float)
    for speaker in document["speakers"]:
        assert set(speaker) == {"id", "label", "name"}
    for segment in document["segments"]:
        assert set(segment) == {"id", "start", "end", "speaker", "text", "words"}
        assert isinstance(segment["id"], int) and segment["start"] <= segment["end"]
        for word in segment["words"]:
            assert set(word) == {"start", "end", "text", "probability", "speaker"}
    assert set(document["minutes"]) >= {"status", "summary", "decisions", "action_items"}


def test_process_stores_prints_the_id_and_writes_the_result(
    media: dict[str, Path], tmp_path: Path
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

    shown = gijiroku("show", meeting_id, data_dir=tmp_path / "d")
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


def test_forcing_japanese_on_the_english_model_says_what_to_do(
    media: dict[str, Path], tmp_path: Path
) -> None:
    run = gijiroku("process", str(media["wav"]), "--language", "ja", data_dir=tmp_path / "d")
    assert run.returncode == 1
    assert "English-only" in run.stderr and "GIJIROKU_WHISPER_MODEL" in run.stderr


def test_show_of_an_unknown_meeting(tmp_path: Path) -> None:
    run = gijiroku("show", "doesnotexist", data_dir=tmp_path / "d")
    assert run.returncode == 1 and "No meeting" in run.stderr


def test_rerun_diarization_with_new_hints_keeps_given_names(
    media: dict[str, Path], tmp_path: Path
) -> None:
    from gijiroku.storage import close_database, open_database, repository, session_scope

    data = tmp_path / "d"
    run = gijiroku("process", str(media["wav"]), "--num-speakers", "2", data_dir=data)
    assert run.returncode == 0, run.stderr
    meeting_id = run.stdout.strip()
    url = f"sqlite:///{data.resolve() / 'gijiroku.db'}"
    engine = open_database(url)
    with session_scope(engine) as session:
        before = repository.load_meeting(session, meeting_id)
        first_speaker = before.segments[-1].speaker  # whoever speaks last
        repository.rename_speaker(session, meeting_id, first_speaker, "Diane (Kita ward)")
    close_database(url)
    words_before = [w.text for s in before.segments for w in s.words]

    out = tmp_path / "again.json"
    again = gijiroku(
        "diarize", meeting_id, "--num-speakers", "2", "--json", str(out), data_dir=data
    )
    assert again.returncode == 0, again.stderr
    document = json.loads(out.read_text())
    assert [w["text"] for s in document["segments"] for w in s["words"]] == words_before
    named = [s for s in document["speakers"] if s["name"] == "Diane (Kita ward)"]
    assert len(named) == 1
    assert document["segments"][-1]["speaker"] == named[0]["id"]

    three = gijiroku(
        "diarize", meeting_id, "--num-speakers", "3", "--json", str(out), data_dir=data
    )
    assert three.returncode == 0, three.stderr
    document = json.loads(out.read_text())
    assert len(document["speakers"]) == 3
    assert sum(s["name"] == "Diane (Kita ward)" for s in document["speakers"]) == 1
    assert len([w for s in document["segments"] for w in s["words"]]) == len(words_before)


def test_contradictory_speaker_hints_stop_before_any_work(
    media: dict[str, Path], tmp_path: Path
) -> None:
    run = gijiroku(
        "process", str(media["wav"]), "--min-speakers", "3", "--max-speakers", "2",
        data_dir=tmp_path / "d",
    )
    assert run.returncode == 2 and "min speakers" in run.stderr  # a usage error
    assert not (tmp_path / "d" / "meetings").exists()


def test_diarization_can_be_switched_off(media: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    run = gijiroku("process", str(media["wav"]), "--json", str(out), data_dir=tmp_path / "d",
                   GIJIROKU_DIARIZE="false")
    assert run.returncode == 0, run.stderr
    document = json.loads(out.read_text())
    assert document["speakers"] == [] and all(s["speaker"] is None for s in document["segments"])


def test_process_writes_minutes_with_a_configured_llm(
    media: dict[str, Path], tmp_path: Path
) -> None:
    from tests.llm_server import Reply, ScriptedLLM

    answer = {"summary": "Two callers introduce themselves.", "topics": ["Introductions"],
              "decisions": [{"text": "Keep talking.", "segments": [1, 2]}],
              "action_items": [{"task": "Call again", "owner": "S1", "due": None,
                                "due_date": None, "segments": [1]}]}
    with ScriptedLLM() as llm:
        llm.default = Reply(json.dumps(answer))
        out = tmp_path / "r.json"
        run = gijiroku(
            "process", str(media["wav"]), "--date", "2026-11-20", "--json", str(out),
            data_dir=tmp_path / "d", GIJIROKU_LLM_BASE_URL=llm.base_url,
            GIJIROKU_LLM_MODEL="local-test", GIJIROKU_LLM_MAX_RETRIES="0",
        )
        assert run.returncode == 0, run.stderr
        minutes = json.loads(out.read_text())["minutes"]
        assert minutes["status"] == "done" and minutes["decisions"][0]["segments"] == [1, 2]
        assert minutes["action_items"][0]["owner"] == "S1"
        assert minutes["headings"]["decisions"] == "Decisions"
        prompt = llm.requests[0]["messages"]
        assert "2026-11-20" in prompt[0]["content"] and "[1] 0:00:0" in prompt[1]["content"]

        meeting_id = run.stdout.strip()
        again = gijiroku("minutes", meeting_id, "--template", "ja", "--json", str(out),
                         data_dir=tmp_path / "d", GIJIROKU_LLM_BASE_URL=llm.base_url,
                         GIJIROKU_LLM_MODEL="local-test")
        assert again.returncode == 0, again.stderr
        assert json.loads(out.read_text())["minutes"]["headings"]["decisions"] == "決定事項"
        assert len(llm.requests) == 2


def test_no_minutes_skips_the_step(media: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    run = gijiroku("process", str(media["wav"]), "--no-minutes", "--json", str(out),
                   data_dir=tmp_path / "d", GIJIROKU_LLM_BASE_URL="http://127.0.0.1:9/v1",
                   GIJIROKU_LLM_MODEL="never-called", GIJIROKU_DIARIZE="false")
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_text())["minutes"]["status"] == "skipped"


def test_unreachable_llm_fails_the_minutes_but_not_the_meeting(
    media: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    run = gijiroku("process", str(media["wav"]), "--json", str(out), data_dir=tmp_path / "d",
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
