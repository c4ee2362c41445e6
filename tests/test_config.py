from pathlib import Path

import pytest

from gijiroku.config import get_settings, load_settings
from gijiroku.errors import ConfigError


def test_defaults_are_the_embedded_set_up(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.whisper_model == ""
    assert settings.device == "auto"
    assert settings.language == "auto"
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'data' / 'gijiroku.db')}"
    assert settings.resolved_models_dir == Path("data") / "models"


def test_environment_variables_use_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIJIROKU_LANGUAGE", "JA")
    monkeypatch.setenv("GIJIROKU_DEVICE", "cpu")
    monkeypatch.setenv("GIJIROKU_DATABASE_URL", "postgresql://u@db:5432/minutes")
    monkeypatch.setenv("GIJIROKU_LLM_API_KEY", "sk-real-looking-key")
    settings = get_settings()
    assert settings.language == "ja"
    assert settings.device == "cpu"
    assert settings.resolved_database_url == "postgresql+psycopg://u@db:5432/minutes"
    assert settings.llm_api_key is not None
    assert "sk-real" not in repr(settings)  # secrets never show in logs


def test_a_misspelt_variable_stops_start_up_naming_the_right_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GIJIROKU_WISPER_MODEL", "large-v3")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.code == "config_invalid"
    assert "GIJIROKU_WISPER_MODEL (in the environment) is not a Gijiroku setting" in \
        caught.value.message
    assert "did you mean GIJIROKU_WHISPER_MODEL?" in caught.value.message
    monkeypatch.delenv("GIJIROKU_WISPER_MODEL")

    (tmp_path / ".env").write_text("# site settings\nGIJIROKU_LANGAUGE=ja\n"
                                   "GIJIROKU_DATA_DIR=/srv/gijiroku\n")
    with pytest.raises(ConfigError, match=r"GIJIROKU_LANGAUGE \(in \.env\).*"
                                          r"did you mean GIJIROKU_LANGUAGE\?"):
        load_settings()
    (tmp_path / ".env").write_text("GIJIROKU_SOMETHING_ELSE_ENTIRELY=1\n")
    with pytest.raises(ConfigError, match=r"see deploy\.env\.example"):
        load_settings()


def test_deployment_and_test_suite_names_are_not_mistakes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # docker-compose.gpu.yml's own variables reach the services through `env_file: .env`
    (tmp_path / ".env").write_text("GIJIROKU_LLM_GPU=1\nGIJIROKU_LLM_GPU_MEMORY=0.5\n"
                                   "GIJIROKU_PORT=8000\nGIJIROKU_WATCH_PATH=/mnt/share\n")
    monkeypatch.setenv("GIJIROKU_TEST_POSTGRES", "postgresql://postgres@127.0.0.1/postgres")
    monkeypatch.setenv("OTHER_TOOL_SETTING", "1")  # other prefixes are none of our business
    assert load_settings().language == "auto"


def test_a_misspelt_variable_stops_the_command_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIJIROKU_")}
    env.update(GIJIROKU_DATA_DIR=str(tmp_path / "d"), GIJIROKU_WISPER_MODEL="large-v3")
    run = subprocess.run([sys.executable, "-m", "gijiroku", "check"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "did you mean GIJIROKU_WHISPER_MODEL?" in run.stderr
    assert not (tmp_path / "d").exists()  # stopped before anything was made


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("GIJIROKU_WHISPER_MODEL=/models/large-v3\n")
    assert load_settings().whisper_model == "/models/large-v3"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GIJIROKU_DEVICE", "gpu"),
        ("GIJIROKU_LANGUAGE", "japanese"),
        ("GIJIROKU_MAX_UPLOAD_MB", "-5"),
        ("GIJIROKU_CPU_THREADS", "many"),
        ("GIJIROKU_DATABASE_URL", "mysql://x"),
        ("GIJIROKU_API_TOKEN", "changeme"),
        ("GIJIROKU_REDIS_URL", "127.0.0.1:6379"),
        ("GIJIROKU_QUEUE_NAME", "two words"),
        ("GIJIROKU_JOB_LEASE_SECONDS", "0"),
        ("GIJIROKU_WORKERS", "0"),
    ],
)
def test_invalid_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert variable in caught.value.message
    assert caught.value.code == "config_invalid"
    if "TOKEN" in variable:
        assert value not in caught.value.message  # a secret is never echoed back


def test_several_watched_folders_are_separated_like_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GIJIROKU_WATCH_DIR", "/srv/recorder:/srv/議会/録音:")
    assert load_settings().watch_dirs == [Path("/srv/recorder"), Path("/srv/議会/録音")]
    monkeypatch.delenv("GIJIROKU_WATCH_DIR")
    assert load_settings().watch_dirs == []


def test_diarization_may_run_on_its_own_device(monkeypatch: pytest.MonkeyPatch) -> None:
    from gijiroku.gpus import on_gpu
    from gijiroku.stages.diarize import diarizer_spec
    from gijiroku.stages.transcribe import model_spec

    monkeypatch.setenv("GIJIROKU_DEVICE", "cpu")
    settings = get_settings()
    assert diarizer_spec(settings).device == "cpu" and not on_gpu(settings)
    get_settings.cache_clear()
    monkeypatch.setenv("GIJIROKU_DIARIZE_DEVICE", "cuda")  # Whisper on CPU, pyannote on CUDA
    settings = get_settings()
    assert model_spec(settings).device == "cpu"
    assert diarizer_spec(settings).device == "cuda"
    assert on_gpu(settings)  # one job at a time, models preloaded
    get_settings.cache_clear()
    monkeypatch.setenv("GIJIROKU_DIARIZE_DEVICE", "gpu")
    with pytest.raises(ConfigError, match="GIJIROKU_DIARIZE_DEVICE"):
        get_settings()


def test_the_gpu_list_is_checked_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    for good in ("all", "0", "0, 1", "GPU-5f2b8a1e-3c4d-4e6f-8a9b-0c1d2e3f4a5b,1"):
        monkeypatch.setenv("GIJIROKU_GPUS", good)
        assert load_settings().gpus == good
    for bad in ("", "0;1", "0,,1", "cuda:0"):
        monkeypatch.setenv("GIJIROKU_GPUS", bad)
        with pytest.raises(ConfigError, match="GIJIROKU_GPUS"):
            load_settings()


def _command(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             *args: str, **env: str) -> tuple[int, str, str]:
    """`gijiroku ARGS` in this process with only `env` set (faster than a new process)."""
    import os

    from gijiroku.cli import main
    from gijiroku.config import get_settings

    for name in [k for k in os.environ if k.startswith("GIJIROKU_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("GIJIROKU_LLM_BACKEND", "off")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        code = main(list(args))
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    return code, out, err


def test_check_names_the_setting_that_cannot_be_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIJIROKU_")}
    env.update(GIJIROKU_DATA_DIR="/proc/nope")  # a process of its own: what an admin sees
    run = subprocess.run([sys.executable, "-m", "gijiroku", "check"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "GIJIROKU_DATA_DIR=/proc/nope cannot be used" in run.stderr

    data = str(tmp_path / "data")
    for setting, value, code, says in [
        ("GIJIROKU_REDIS_URL", "redis://127.0.0.1:1", 2, "(GIJIROKU_REDIS_URL)"),
        ("GIJIROKU_DATABASE_URL", "postgresql+psycopg://127.0.0.1:1/x", 1,
         "(GIJIROKU_DATABASE_URL) [database_unavailable]"),
        ("GIJIROKU_DATABASE_URL", "sqlite:////proc/nope/gijiroku.db", 1, "/proc/nope"),
        ("GIJIROKU_LANGUAGE", "xx", 2, "GIJIROKU_LANGUAGE=xx is not a language"),
        ("GIJIROKU_WHISPER_MODEL", str(tmp_path / "nowhere"), 1, "is not on this machine"),
        ("GIJIROKU_DATA_DIR", "/etc/hostname", 2, "GIJIROKU_DATA_DIR=/etc/hostname cannot"),
    ]:
        settings = {"GIJIROKU_DATA_DIR": data, setting: value}
        status, out, err = _command(monkeypatch, capsys, "check", **settings)
        assert (status, "all checks passed" in out) == (code, False), (setting, out, err)
        assert says in err and err.startswith("error: "), (setting, err)


def test_check_warns_when_the_model_cannot_transcribe_the_language_and_models_list_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import shutil

    from transcribe.whisper_backend import bundled_model_path, is_multilingual

    own = tmp_path / "models-elsewhere" / "our-english-model"  # outside the models folder
    shutil.copytree(bundled_model_path(), own, copy_function=os.link)
    assert is_multilingual(own) is False
    data = str(tmp_path / "data")
    status, out, err = _command(monkeypatch, capsys, "check", GIJIROKU_DATA_DIR=data,
                                GIJIROKU_WHISPER_MODEL=str(own), GIJIROKU_LANGUAGE="ja")
    assert status == 0 and "all checks passed, 1 warning(s)" in out
    assert f"whisper model: {own} (English only)" in out
    assert "transcribes English only, but GIJIROKU_LANGUAGE=ja" in err
    status, out, err = _command(monkeypatch, capsys, "check", GIJIROKU_DATA_DIR=data,
                                GIJIROKU_LANGUAGE="ja")  # the embedded choice: no warning
    assert status == 0 and out.rstrip().endswith("all checks passed") and "warning" not in err
    assert "(Japanese, English and 97 other languages)" in out

    status, out, _ = _command(monkeypatch, capsys, "models", "list", GIJIROKU_DATA_DIR=data,
                              GIJIROKU_WHISPER_MODEL=str(own), GIJIROKU_LANGUAGE="ja")
    lines = out.splitlines()
    mine = next(i for i, line in enumerate(lines) if line.endswith(str(own)))
    assert "our-english-model (configured)" in lines[mine] and "English only" in lines[mine]
    assert "MB" in lines[mine]
    assert lines[mine + 1].split() == ["in", "use:", "whisper", "(GIJIROKU_WHISPER_MODEL)"]
    status, out, _ = _command(monkeypatch, capsys, "models", "list", GIJIROKU_DATA_DIR=data,
                              GIJIROKU_WHISPER_MODEL="large-v3")
    assert status == 0
    assert "missing: whisper (GIJIROKU_WHISPER_MODEL): The Whisper model 'large-v3' is not" \
        in out
