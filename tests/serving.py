"""A real `gijiroku serve` process for tests: started on a free loopback port with its own data
directory, stopped with a signal as an administrator (or Ctrl-C) would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from gijiroku.config import Settings
from gijiroku.storage import close_database, open_database
from tests.cores import THREADS
from tests.test_watch import wait_for

GIJIROKU = Path(sys.executable).with_name("gijiroku")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(address: str) -> bool:
    try:
        with urllib.request.urlopen(address + "/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


class Server:
    """`gijiroku serve` on the embedded defaults; `start()` again after `stop()` serves the
    same data directory, as a restarted service does."""

    def __init__(self, data_dir: Path, log: Path, **env: str) -> None:
        self.data_dir, self.log = data_dir, log
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("GIJIROKU_")},
                    "GIJIROKU_DATA_DIR": str(data_dir), "GIJIROKU_CPU_THREADS": str(THREADS),
                    # no minutes model unless a test asks for a server
                    "GIJIROKU_LLM_BACKEND": "openai" if "GIJIROKU_LLM_BASE_URL" in env else "off",
                    **env}
        self.process: subprocess.Popen[bytes] | None = None
        self.address = ""

    def start(self) -> str:
        port = free_port()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(GIJIROKU), "serve", "--port", str(port)], env=self.env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.address = f"http://127.0.0.1:{port}"
        process = self.process
        assert wait_for(lambda: answers(self.address) or process.poll() is not None,
                        timeout=60), self.log_text()
        assert process.poll() is None, self.log_text()
        return self.address

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 60) -> int:
        """Send `signum` to the server process alone (as `docker stop` or `kill` does) and
        wait for it to end; its exit status. Killed, with the test failing, if it hangs."""
        process = self.process
        assert process is not None
        if process.poll() is None:
            process.send_signal(signum)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                raise AssertionError(f"gijiroku serve did not stop on {signum!r}: "
                                     + self.log_text()[-3000:]) from None
        return process.returncode

    def database(self) -> Engine:
        """The served database (the SQLite file in its data directory), for a test to read
        or to write to as the pipeline would while the server runs; closed by `close()`."""
        return open_database(Settings(data_dir=self.data_dir).resolved_database_url)

    def close(self) -> None:
        """Stop whatever still runs (fixture teardown), and this process's connections to
        the served database."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        close_database(Settings(data_dir=self.data_dir).resolved_database_url)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextmanager
def serving(folder: Path, **env: str) -> Iterator[Server]:
    """A started `gijiroku serve` with its data and log in `folder` (and `env`'s settings),
    stopped afterwards (a module's fixture: each test stores meetings of its own into it)."""
    served = Server(folder / "data", folder / "serve.log", **env)
    try:
        served.start()
        yield served
    finally:
        served.close()
