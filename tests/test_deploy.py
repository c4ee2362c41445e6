"""The GPU deployment as far as this machine can check it: the compose file validates with
Debian's docker-compose (no engine needed), every service the README names exists, the worker
reserves a GPU; `gijiroku models list|download` and `gijiroku check`; model preloading."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gijiroku.config import Settings
from tests.conftest import require

ROOT = Path(__file__).parents[1]
GIJIROKU = Path(sys.executable).with_name("gijiroku")


def compose_config(**env: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("docker-compose")
    require(executable is not None,
            "Debian's docker-compose is not installed (./dev.sh test installs it as root)")
    return subprocess.run(
        [str(executable), "-f", str(ROOT / "docker-compose.gpu.yml"), "config"],
        capture_output=True, text=True, cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env},
    )


def readme_services() -> list[str]:
    """The first column of the services table in the README's deployment section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Deployment on a GPU server", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z]+)` \|", section, re.MULTILINE)


def test_the_compose_file_validates_and_has_what_the_readme_says() -> None:
    done = compose_config(GIJIROKU_API_TOKEN="a-long-random-token")
    assert done.returncode == 0, done.stderr
    model: dict[str, Any] = yaml.safe_load(done.stdout)
    services = model["services"]
    named = readme_services()
    assert set(named) == {"api", "worker", "postgres", "redis", "llm"}, named
    assert set(named) <= set(services)
    devices = services["worker"]["deploy"]["resources"]["reservations"]["devices"]
    assert any("gpu" in d["capabilities"] and d["driver"] == "nvidia" for d in devices)
    assert "ports" not in services["worker"]  # scalable: `--scale worker=N` needs no ports
    for name in ("api", "worker", "postgres", "redis", "llm"):
        assert services[name]["healthcheck"]["test"], name
    worker_env = services["worker"]["environment"]
    assert worker_env["GIJIROKU_DEVICE"] == "cuda"
    assert worker_env["GIJIROKU_REDIS_URL"] == "redis://redis:6379/0"
    # the LLM model is named once and reaches both the server and the clients
    llm_model = services["llm"]["command"][services["llm"]["command"].index("--model") + 1]
    assert services["api"]["environment"]["GIJIROKU_LLM_MODEL"] == llm_model
    assert worker_env["GIJIROKU_LLM_MODEL"] == llm_model
    assert services["llm"]["profiles"] == ["llm"]
    assert {"data", "models"} <= set(model["volumes"])


def test_the_compose_file_refuses_to_start_without_a_token() -> None:
    done = compose_config()
    assert done.returncode != 0
    assert "set GIJIROKU_API_TOKEN" in done.stderr


def run(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "GIJIROKU_DATA_DIR": str(data),
           "HF_HUB_ETAG_TIMEOUT": "3", "HF_HUB_DOWNLOAD_TIMEOUT": "3", "HF_HUB_OFFLINE": "0"}
    return subprocess.run([str(GIJIROKU), *args], capture_output=True, text=True, env=env)


def test_models_list_download_and_check(tmp_path: Path) -> None:
    listing = run("models", "list", data=tmp_path / "data")
    assert listing.returncode == 0, listing.stderr
    assert "whisper tiny.en (bundled)" in listing.stdout
    assert "diarization starter segmentation" in listing.stdout

    # a downloaded model is a plain folder in the models folder, found by its name
    fake = tmp_path / "data" / "models" / "large-v3"
    fake.mkdir(parents=True)
    (fake / "model.bin").write_bytes(b"\0" * 1024)
    assert "whisper large-v3" in run("models", "list", data=tmp_path / "data").stdout
    from transcribe import ModelSpec
    from transcribe.whisper_backend import _model_path

    assert _model_path(ModelSpec(model="large-v3", models_dir=str(fake.parent))) == str(fake)

    # no internet here: a clear message, exit 1, nothing half-written left as a model
    offline = run("models", "download", "medium", data=tmp_path / "data")
    assert offline.returncode == 1
    assert "Could not download 'medium'" in offline.stderr and "air-gapped" in offline.stderr
    assert not (tmp_path / "data" / "models" / "medium" / "model.bin").exists()

    check = run("check", data=tmp_path / "data")
    assert check.returncode == 0, check.stderr
    assert "database and queue: ok" in check.stdout
    env_missing = run("check", data=tmp_path / "data2")
    assert env_missing.returncode == 0  # a fresh data folder is created and migrated


@pytest.mark.slow
def test_preloading_fills_the_model_caches(settings: Settings) -> None:
    from diarize.pyannote_backend import load_pyannote
    from gijiroku.jobs import should_preload
    from gijiroku.stages import preload
    from transcribe.whisper_backend import load_whisper

    assert should_preload(settings.model_copy(update={"device": "cuda"}))
    assert not should_preload(settings.model_copy(update={"device": "cpu"}))
    assert should_preload(settings.model_copy(update={"preload_models": True}))
    load_whisper.cache_clear()
    load_pyannote.cache_clear()
    preload(settings)
    assert load_whisper.cache_info().currsize == 1
    assert load_pyannote.cache_info().currsize == 1
