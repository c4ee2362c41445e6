"""Benchmarks. Shared here: reading a process's memory while it works."""

from __future__ import annotations

import threading
import time
from pathlib import Path


def rss_mb(pid: int | str = "self") -> float:
    """A process's resident set now, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """A process's resident set read every 50 ms in a background thread: `peak` since the
    last `reset`, `overall` since `start`."""

    def __init__(self, pid: int | str = "self") -> None:
        self.pid = pid
        self.peak = self.overall = rss_mb(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            now = rss_mb(self.pid)
            self.peak = max(self.peak, now)
            self.overall = max(self.overall, now)
            time.sleep(0.05)

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def reset(self) -> None:
        self.peak = rss_mb(self.pid)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
