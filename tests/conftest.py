"""Shared fixtures: real ffmpeg, real models, a real SQLite file and the PostgreSQL server.

A test that needs an outside server or tool calls `require(...)`: without it the test is
skipped with the reason shown, except under CI=true, where the missing piece is a failure.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import sys
import uuid
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from gijiroku import audio
from gijiroku.config import Settings, get_settings
from gijiroku.storage import close_database, open_database
from tests.assets import PYANNOTE_SAMPLE
from tests.cores import THREADS
from tests.llm_server import ScriptedLLM
from tests.processed import processed_meetings  # noqa: F401  (a fixture for every test)

IN_CI = os.environ.get("CI", "").lower() == "true"
#: The speaker embedding for the tests that measure how well synthetic voices are kept
#: apart (espeak-ng and kokoro voices lie closer together than real people's): Resemblyzer's
#: finer clustering, the setting they were made for. Everything else runs with the product's
#: default (CAM++ at 0.66, chosen on real people's voices: tests/diarize/test_real_voices.py).
SYNTHETIC_VOICES = "resemblyzer"
POSTGRES_ADMIN_URL = os.environ.get(
    "GIJIROKU_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


#: A test that uses one of these fixtures needs what the markers say (`-m "not slow"` is the
#: quick layer; `./dev.sh test` and CI run everything).
NEEDS: dict[str, tuple[str, ...]] = {
    "browser": ("browser", "slow"),
    "postgres_url": ("postgres",),
    "redis_url": ("redis",),
    "processed_meetings": ("slow",),
    "transcriber": ("slow",),
    "multilingual": ("slow",),
    "long_recording": ("slow",),
}


#: The modules that take longest (about a minute or more each on two cores), run first so
#: that `./dev.sh test`'s pytest-xdist workers (`--dist loadfile`: a module stays on one
#: worker) do not end with one of them left running alone. Only the order changes.
LONGEST_FIRST = (
    "tests/test_workers.py", "tests/summarize/test_embedded.py", "tests/test_cli.py",
    "tests/web/test_browser.py", "tests/council/test_recording.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            for marker in NEEDS.get(fixture, ()):
                item.add_marker(marker)

    def rank(item: pytest.Item) -> int:
        module = item.nodeid.split("::", 1)[0]
        return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the collection order otherwise


def require(condition: bool, reason: str) -> None:
    """Skip (or, under CI=true, fail) when an outside server, tool or asset is missing."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI must run everything, but: {reason}")
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    """No GIJIROKU_* variable or .env file from the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("GIJIROKU_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The embedded defaults with the minutes model off: it adds seconds to every processed
    meeting; the minutes tests turn it on (tests/summarize/test_embedded.py)."""
    return Settings(data_dir=tmp_path / "data", cpu_threads=THREADS, llm_backend="off")


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated SQLite file in the test's own data directory."""
    yield open_database(settings.resolved_database_url)
    close_database(settings.resolved_database_url)


@contextmanager
def new_postgres_database() -> Iterator[str]:
    """A fresh database on the local PostgreSQL server, dropped afterwards."""
    import psycopg

    admin = POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        connection = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        require(False, f"PostgreSQL is not reachable at {admin}: {exc}")
        raise
    name = f"gijiroku_test_{uuid.uuid4().hex[:10]}"
    try:
        connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()
    url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    try:
        yield url
    finally:
        close_database(url)
        connection = psycopg.connect(admin, autocommit=True)
        try:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            connection.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database shared by the session's tests."""
    with new_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The local Redis server (database 0; each test uses its own queue name)."""
    import redis

    url = os.environ.get("GIJIROKU_TEST_REDIS", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        require(False, f"Redis is not reachable at {url}: {exc}")
    finally:
        client.close()
    return url


@pytest.fixture(scope="session")
def pyannote_sample() -> Path:
    """pyannote.audio's 30 s two-speaker sample (fetched by `python -m tests.assets`)."""
    wav = PYANNOTE_SAMPLE / "sample.wav"
    require(wav.is_file(), "test assets missing: run `python -m tests.assets` (./dev.sh test)")
    return PYANNOTE_SAMPLE


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [audio.find_ffmpeg(), "-nostdin", "-loglevel", "error", "-y", *args], check=True
    )


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory, pyannote_sample: Path) -> dict[str, Path]:
    """The sample in every common container, plus broken files, made with real ffmpeg."""
    folder = tmp_path_factory.mktemp("media")
    source = str(pyannote_sample / "sample.wav")
    files = {
        "wav": folder / "sample.wav",
        "mp3": folder / "sample.mp3",
        "m4a": folder / "sample.m4a",
        "flac": folder / "sample.flac",
        "ogg": folder / "sample.ogg",
        "opus": folder / "sample.opus",
        "webm": folder / "sample.webm",
        "mp4": folder / "video.mp4",
    }
    shutil.copy(source, files["wav"])
    ffmpeg("-i", source, "-c:a", "libmp3lame", "-b:a", "64k", str(files["mp3"]))
    ffmpeg("-i", source, "-c:a", "aac", "-b:a", "64k", str(files["m4a"]))
    ffmpeg("-i", source, "-c:a", "flac", str(files["flac"]))
    ffmpeg("-i", source, "-c:a", "libvorbis", str(files["ogg"]))
    ffmpeg("-i", source, "-c:a", "libopus", "-b:a", "32k", str(files["opus"]))
    ffmpeg("-i", source, "-c:a", "libopus", "-b:a", "32k", str(files["webm"]))
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-i", source, "-shortest",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(files["mp4"]),
    )
    files["silent_video"] = folder / "silent-video.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2", "-c:v", "libx264",
           str(files["silent_video"]))
    files["empty"] = folder / "empty.wav"
    files["empty"].write_bytes(b"")
    files["garbage"] = folder / "garbage.mp3"
    # fixed bytes: fresh random ones now and then probe as a text container (lrc), which is
    # "no audio track", not "undecodable" (a CI run failed that way)
    files["garbage"].write_bytes(random.Random(0).randbytes(8192))
    files["zero_duration"] = folder / "header-only.wav"
    with wave.open(str(files["zero_duration"]), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
    return files


COMMITTEE_EN = Path(__file__).parents[1] / "samples" / "committee-meeting-en.flac"


@pytest.fixture(scope="session")
def long_recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The English committee sample four times over (about 200 s, one file for the
    session): long enough to stop a job, a worker or the service mid-transcription."""
    path = tmp_path_factory.mktemp("long") / "long-meeting.flac"
    ffmpeg("-stream_loop", "3", "-i", str(COMMITTEE_EN), "-c:a", "flac", str(path))
    return path


@pytest.fixture(scope="session")
def transcriber():  # type: ignore[no-untyped-def]
    """The bundled tiny.en, loaded once for the whole session, on 2 CPU threads."""
    from transcribe import ModelSpec, load_transcriber

    return load_transcriber(ModelSpec(device="cpu", cpu_threads=THREADS))


@pytest.fixture(scope="session")
def multilingual():  # type: ignore[no-untyped-def]
    """The embedded multilingual Whisper base (fetched at setup), on 2 CPU threads."""
    from transcribe import EMBEDDED_MULTILINGUAL, ModelSpec, load_transcriber
    from transcribe.whisper_backend import multilingual_base_path

    require((multilingual_base_path() / "model.bin").is_file(),
            "run `gijiroku models fetch-starter` (the multilingual Whisper base)")
    return load_transcriber(ModelSpec(model=EMBEDDED_MULTILINGUAL, device="cpu",
                                      cpu_threads=THREADS))


def speak(text: str, destination: Path, voice: str = "en-us") -> Path:
    """Real synthetic speech from espeak-ng (Debian package)."""
    require(shutil.which("espeak-ng") is not None, "espeak-ng is not installed")
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(destination), text], check=True)
    return destination


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, one for each browser module (the two run on
    different pytest-xdist workers, and a live Playwright would break `asyncio.run()` in a
    later module of its worker); each test opens a context of its own (cookies, storage and
    pages apart), and closes it."""
    executable = chromium_path()
    require(executable is not None,
            "Debian's chromium is not installed (./dev.sh test installs it when run as root)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=["--autoplay-policy=no-user-gesture-required"],
        )
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Ran:
    """What a `gijiroku` command returned and printed."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> Callable[..., Ran]:
    """`gijiroku ARGS` run in this process through the command line's `main(argv)`, with
    only the GIJIROKU_* variables given set (and the data directory, tests/cores.py's threads, no
    minutes model unless a server is named): for the steps of a longer scenario, where a new
    process per step would only add its start-up and model loading. Tests of what a process
    itself shows (its exit status, that stdout holds the id alone) run the real command."""
    from gijiroku.cli import main

    def run(*args: str, data_dir: Path, stdin: str = "", **env: str | None) -> Ran:
        """`env`: GIJIROKU_* variables to set; one given as None is left unset."""
        for name in [k for k in os.environ if k.startswith("GIJIROKU_")]:
            monkeypatch.delenv(name)
        given = {"GIJIROKU_DATA_DIR": str(data_dir), "GIJIROKU_CPU_THREADS": str(THREADS),
                 "GIJIROKU_LLM_BACKEND": "openai" if "GIJIROKU_LLM_BASE_URL" in env else "off",
                 **env}
        for name, value in given.items():
            if value is not None:
                monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()  # what earlier steps printed
        get_settings.cache_clear()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse refusing the arguments
            code = exc.code if isinstance(exc.code, int) else 2
        finally:
            get_settings.cache_clear()
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    """A scripted OpenAI-compatible server (`tests.llm_server`): for the faults a real model
    cannot be made to show (timeouts, broken JSON, wrong citations)."""
    with ScriptedLLM() as server:
        yield server
