"""Which GPUs a `gijiroku worker` uses: one worker process (or more) per GPU.

Docker gives every replica of a scaled service the same GPU when each reserves `count: 1`,
so the compose file's worker reserves every GPU (`count: all`) and the worker spreads its
processes over them itself: each process is pinned to one GPU, named by its UUID, through
`CUDA_VISIBLE_DEVICES` before CUDA starts in that process (both CTranslate2 and PyTorch
then see that GPU as device 0). GPUs are listed with `nvidia-smi`, which ships with the
driver and is mounted into containers, so the parent process never initialises CUDA
(its worker processes are forked)."""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gijiroku.config import Settings
from gijiroku.errors import ConfigError

log = logging.getLogger(__name__)

QUERY = "index,uuid,name,memory.total"


@dataclass(frozen=True)
class Gpu:
    index: int  # as nvidia-smi and Docker's device_ids number it
    uuid: str
    name: str
    memory_mb: int

    def describe(self) -> str:
        return f"{self.index}: {self.name}, {self.memory_mb / 1024:.0f} GiB ({self.uuid})"


def parse(listing: str) -> list[Gpu]:
    """The GPUs in the output of `nvidia-smi --query-gpu=index,uuid,name,memory.total
    --format=csv,noheader,nounits`."""
    gpus = []
    for line in listing.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(",")]
        if len(parts) < 4 or not parts[0].isdigit() or not parts[1].startswith(("GPU-", "MIG-")):
            raise ValueError(f"unexpected nvidia-smi line: {line!r}")
        memory = parts[-1]
        gpus.append(Gpu(index=int(parts[0]), uuid=parts[1], name=", ".join(parts[2:-1]),
                        memory_mb=int(memory) if memory.isdigit() else 0))
    return gpus


def visible(nvidia_smi: str | None = None) -> list[Gpu] | None:
    """The GPUs this process can use, or None when they cannot be listed (no nvidia-smi, or
    it failed: no driver, no GPU given to the container)."""
    executable = nvidia_smi or shutil.which("nvidia-smi")
    if executable is None:
        return None
    try:
        done = subprocess.run(
            [executable, f"--query-gpu={QUERY}", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=60, check=True,
        )
        return parse(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        log.warning("could not list the GPUs with nvidia-smi: %s", exc)
        return None


def every_gpu(wanted: str) -> bool:
    return wanted.strip().lower() == "all"


def select(gpus: list[Gpu], wanted: str) -> list[Gpu]:
    """`wanted` is `all` or a comma-separated list of nvidia-smi indices or UUIDs."""
    if every_gpu(wanted):
        return list(gpus)
    chosen = []
    for item in (part.strip() for part in wanted.split(",")):
        if not item:
            continue
        found = [g for g in gpus if item == str(g.index) or item.lower() == g.uuid.lower()]
        if not found:
            have = "; ".join(g.describe() for g in gpus) or "none"
            raise ConfigError(f"GIJIROKU_GPUS names {item!r}, which is not a GPU here "
                              f"(GPUs: {have}).")
        if found[0] not in chosen:
            chosen.append(found[0])
    return chosen


def pins(gpus: list[Gpu], per_gpu: int) -> list[str]:
    """The `CUDA_VISIBLE_DEVICES` value of each worker process: `per_gpu` processes for
    every GPU, taken in turn so that the first processes land on different GPUs."""
    return [gpu.uuid for _ in range(per_gpu) for gpu in gpus]


def plan(wanted: str, per_gpu: int, listed: list[Gpu] | None) -> list[str]:
    """The pins for a worker's processes, from what `visible()` found. Nothing listed: no
    pinning (every process uses the default GPU, and `gijiroku check` says what is wrong),
    unless GIJIROKU_GPUS asks for particular GPUs, which is then a configuration error."""
    if not listed:
        if not every_gpu(wanted):
            raise ConfigError("GIJIROKU_GPUS is set, but no GPU can be listed here "
                              "(nvidia-smi is missing, failed or found none).")
        return []
    return pins(select(listed, wanted), per_gpu)


def on_gpu(settings: Settings) -> bool:
    """Whether jobs here run on a GPU, decided without initialising CUDA (workers fork)."""
    devices = {settings.device, settings.diarize_device or settings.device}
    if "cuda" in devices:
        return True
    return "auto" in devices and Path("/dev/nvidiactl").exists()


def report(settings: Settings) -> list[str]:
    """The GPUs a worker here would use; an error when it must run on CUDA and has none."""
    if not on_gpu(settings):
        return []
    listed = visible()
    chosen = select(listed, settings.gpus) if listed else []
    required = "cuda" in (settings.device, settings.diarize_device)
    if not chosen:
        if required:
            raise ConfigError("GIJIROKU_DEVICE=cuda, but no GPU can be listed with nvidia-smi "
                              "(driver, GPU reservation or NVIDIA Container Toolkit missing).")
        return ["GPUs: none listed (nvidia-smi missing or found none)"]
    return [f"GPU {gpu.describe()}" for gpu in chosen]


__all__ = ["Gpu", "on_gpu", "parse", "pins", "plan", "report", "select", "visible"]
