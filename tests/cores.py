"""The CPU threads a test gives the models and the minutes server: the machine's cores shared
by the run's pytest-xdist workers (1 each on two cores with two workers, 2 in one process).
More threads than cores leave llama.cpp and CTranslate2 waiting on threads that are not
running: on two cores with both workers busy, the embedded model's longest test took 2.5
times as long with two threads each."""

from __future__ import annotations

import os

WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
THREADS = max(1, min(2, (os.cpu_count() or 1) // WORKERS))
