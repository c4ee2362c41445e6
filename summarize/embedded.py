"""The embedded minutes model: llama.cpp's OpenAI-compatible server, started by the process
that needs it (a worker, `gijiroku process`) on a loopback port, with a GGUF model that setup
joined from PyPI wheels. The minutes then go through the same `openai` client and the same
code as with any other server.

The server runs in a child process (`summarize.llama_server`) that ends with its parent: a
crash inside llama.cpp costs the minutes call it was answering, not the worker. A server
found dead is started again at the next call. It is started once per process and reused;
one started before a fork belongs to the parent and is never used or stopped by the child.
"""

from __future__ import annotations

import atexit
import logging
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from gijiroku.errors import LLMUnavailableError, ModelError, ModelNotFoundError

log = logging.getLogger(__name__)

#: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (Apache-2.0), joined from 22 wheels at setup.
DEFAULT_MODEL_NAME = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"
DEFAULT_MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
#: How long loading a model may take before the start counts as failed.
START_TIMEOUT = 180.0


def embedded_dir() -> Path:
    """Where setup keeps the model files it fetched, inside the Python environment."""
    return Path(sys.prefix) / "share" / "gijiroku" / "models"


def default_model_path() -> Path:
    return embedded_dir() / DEFAULT_MODEL_FILE


def model_name(path: Path) -> str:
    """The name minutes are labelled with: the embedded model's, or the file's own."""
    if path.name == DEFAULT_MODEL_FILE:
        return DEFAULT_MODEL_NAME
    return path.name.removesuffix(".gguf")


@dataclass(frozen=True, slots=True)
class ServerSpec:
    model: Path
    threads: int
    context_tokens: int


class EmbeddedServer:
    """One llama.cpp server process for this process; `base_url()` starts it when needed."""

    def __init__(self, spec: ServerSpec) -> None:
        self.spec = spec
        self.owner = os.getpid()
        self._process: subprocess.Popen[bytes] | None = None
        self._url: str | None = None
        self._log: IO[bytes] | None = None
        self._lock = threading.Lock()
        self.starts = 0

    @property
    def name(self) -> str:
        return model_name(self.spec.model)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def base_url(self) -> str:
        """The server's OpenAI-compatible address (`…/v1`), started or restarted first."""
        if os.getpid() != self.owner:  # inherited through a fork: this process's own
            raise RuntimeError("an embedded server belongs to the process that started it")
        with self._lock:
            if not self.running():
                if self._process is not None:
                    log.warning("the embedded minutes server ended (exit %s); starting it "
                                "again", self._process.returncode)
                self._start()
            assert self._url is not None
            return self._url + "/v1"

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` by the model's own tokenizer (llama.cpp's /tokenize)."""
        url = self.base_url().removesuffix("/v1") + "/tokenize"
        try:
            answer = httpx.post(url, json={"content": text}, timeout=30.0)
            answer.raise_for_status()
            return len(answer.json()["tokens"])
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            raise LLMUnavailableError(f"The embedded minutes server cannot count tokens: {exc}"
                                      ) from exc

    def check_model(self) -> None:
        """Raise a clear error when the model file is not there (nothing is started)."""
        if not self.spec.model.is_file():
            raise ModelNotFoundError(
                f"The minutes model {self.spec.model} is not here: run 'gijiroku models "
                "fetch-starter' (setup does), or set GIJIROKU_LLM_MODEL_FILE to a GGUF file, "
                "or GIJIROKU_LLM_BACKEND=off for no minutes."
            )

    def _start(self) -> None:
        model = self.spec.model
        self.check_model()
        self._stop()
        # llama.cpp's own log, shown when it fails; closed by _stop()
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        started = time.monotonic()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "summarize.llama_server", str(model),
             "--threads", str(self.spec.threads), "--context", str(self.spec.context_tokens)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
        )
        self.starts += 1
        line = self._first_line(started + START_TIMEOUT)
        if not line.startswith("READY "):
            exited = self._process.poll() is not None
            reason = (f"The embedded minutes server did not start with {model.name}: "
                      f"{line or 'no answer'}. {self._log_tail()}").strip()
            self._stop()
            # a model llama.cpp refuses is refused again; a slow start may pass
            raise ModelError(reason) if exited else LLMUnavailableError(reason)
        self._url = line.split(" ", 1)[1].strip().rstrip("/")
        log.info("embedded minutes server %s at %s (pid %d) in %.1f s", self.name, self._url,
                 self._process.pid, time.monotonic() - started)

    def _first_line(self, deadline: float) -> str:
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([stdout], [], [], 0.5)
            if ready:
                return stdout.readline().decode("utf-8", "replace").strip()
            if self._process.poll() is not None:
                return f"exited with code {self._process.returncode}"
        return f"no answer within {START_TIMEOUT:.0f} s"

    def _log_tail(self, lines: int = 3) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip().splitlines()
        wanted = [line for line in text if " E " in line or "error" in line.lower()]
        return " | ".join((wanted or text)[-lines:])

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        process, self._process, self._url = self._process, None, None
        if process is not None and os.getpid() == self.owner:
            if process.stdin is not None:
                process.stdin.close()  # the server's signal to stop
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None


_SERVERS: dict[ServerSpec, EmbeddedServer] = {}
_SERVERS_LOCK = threading.Lock()


def embedded_server(spec: ServerSpec) -> EmbeddedServer:
    """This process's server for `spec` (created, not started: `base_url()` starts it)."""
    with _SERVERS_LOCK:
        server = _SERVERS.get(spec)
        if server is None or server.owner != os.getpid():
            server = _SERVERS[spec] = EmbeddedServer(spec)
        return server


@atexit.register
def stop_all() -> None:
    """Stop this process's servers (they would also end on their own when it ends)."""
    with _SERVERS_LOCK:
        for server in _SERVERS.values():
            if server.owner == os.getpid():
                server.stop()


__all__ = [
    "DEFAULT_MODEL_FILE", "DEFAULT_MODEL_NAME", "EmbeddedServer", "ServerSpec",
    "default_model_path", "embedded_server", "model_name", "stop_all",
]
