"""One worker process per GPU. This machine has no GPU, so a small `nvidia-smi` script stands
in for the driver's tool, printing what the real one prints for two H100s when asked
`--query-gpu=index,uuid,name,memory.total --format=csv,noheader,nounits` and failing on any
other arguments; everything else is real: `gijiroku worker` forks its processes and each
pins itself to one GPU."""

import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from gijiroku import gpus
from gijiroku.errors import ConfigError
from tests.test_watch import wait_for

GIJIROKU = Path(sys.executable).with_name("gijiroku")
A = "GPU-5f2b8a1e-3c4d-4e6f-8a9b-0c1d2e3f4a5b"
B = "GPU-9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"
LISTING = f"0, {A}, NVIDIA H100 80GB HBM3, 81559\n1, {B}, NVIDIA H100 80GB HBM3, 81559\n"
#: The one command line that must list the GPUs (written out here, not taken from the code).
QUERY = "--query-gpu=index,uuid,name,memory.total --format=csv,noheader,nounits"
#: Libraries that would show the `gijiroku worker` parent had loaded CUDA or a model runtime:
#: CUDA started before the fork cannot be used in the forked worker processes.
CUDA_LIBRARIES = re.compile(r"lib(cuda|cudart|cublas|cudnn|torch_cuda|torch|ctranslate2)\b")


def test_the_listing_is_read_and_gpus_are_chosen_by_index_or_uuid() -> None:
    found = gpus.parse(LISTING)
    assert [(g.index, g.uuid, g.name, g.memory_mb) for g in found] == [
        (0, A, "NVIDIA H100 80GB HBM3", 81559), (1, B, "NVIDIA H100 80GB HBM3", 81559)]
    assert gpus.select(found, "all") == found
    assert gpus.select(found, " 1 ") == [found[1]]
    assert gpus.select(found, f"{B.lower()},0,1") == [found[1], found[0]]
    with pytest.raises(ConfigError, match=r"GIJIROKU_GPUS names '2'.*0: NVIDIA H100"):
        gpus.select(found, "0,2")
    with pytest.raises(ValueError, match="unexpected nvidia-smi line"):
        gpus.parse("No devices were found\n")
    # two processes per GPU, the first two on different GPUs
    assert gpus.plan("all", 2, found) == [A, B, A, B]
    assert gpus.plan("all", 1, None) == []  # cannot tell GPUs apart: the default GPU
    assert gpus.plan("all", 1, []) == []
    with pytest.raises(ConfigError, match="no GPU can be listed"):
        gpus.plan("1", 1, None)


@pytest.fixture
def driver(tmp_path: Path) -> dict[str, str]:
    """The environment of a `gijiroku` command on a machine with two GPUs."""
    tools = tmp_path / "bin"
    tools.mkdir()
    (tmp_path / "listing.csv").write_text(LISTING)
    script = tools / "nvidia-smi"
    # Like the real tool asked something else, it answers only the exact query the code must
    # send (the fields in that order, CSV without header or units) and fails otherwise.
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$*" = "{QUERY}" ]; then cat \'{tmp_path / "listing.csv"}\'; exit 0; fi\n'
        'echo "unexpected nvidia-smi arguments: $*" >&2\n'
        "exit 6\n"
    )
    script.chmod(0o755)
    assert subprocess.run([str(script), *QUERY.split()], capture_output=True,
                          text=True).stdout == LISTING
    wrong = subprocess.run([str(script), "--query-gpu=index,uuid", "--format=csv"],
                           capture_output=True, text=True)
    assert wrong.returncode == 6 and wrong.stdout == ""
    return {"PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
            "GIJIROKU_DATA_DIR": str(tmp_path / "data"), "GIJIROKU_DEVICE": "cuda",
            "GIJIROKU_PRELOAD_MODELS": "false"}


def pinned_processes(env: dict[str, str], log: Path, expected: int) -> list[tuple[str, str]]:
    """Start `gijiroku worker`, wait until `expected` worker processes said which GPU they
    are pinned to, stop it (SIGINT), and return (pid, CUDA_VISIBLE_DEVICES) of each."""
    def found() -> list[tuple[str, str]]:
        text = log.read_text(errors="replace")
        return re.findall(r"worker process (\d+): CUDA_VISIBLE_DEVICES=(\S+)", text)

    with log.open("wb") as out:
        worker = subprocess.Popen([str(GIJIROKU), "worker"], env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert wait_for(lambda: len(found()) == expected, timeout=60), log.read_text()
        # the parent listed the GPUs and forked, but never loaded CUDA or a model runtime
        parent_libraries = Path(f"/proc/{worker.pid}/maps").read_text()
        assert not CUDA_LIBRARIES.search(parent_libraries), \
            sorted(set(CUDA_LIBRARIES.findall(parent_libraries)))
    finally:
        os.killpg(worker.pid, signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    assert str(worker.pid) not in {pid for pid, _ in found()}  # only forked processes pin
    return found()


def test_a_worker_runs_its_processes_spread_over_the_gpus(
    driver: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    found = pinned_processes({**driver, "GIJIROKU_WORKERS": "2"}, log, 4)
    assert Counter(gpu for _, gpu in found) == {A: 2, B: 2}
    assert len({pid for pid, _ in found}) == 4  # four separate processes
    assert f"GPU 0: NVIDIA H100 80GB HBM3, 80 GiB ({A}): 2 worker process(es)" in log.read_text()

    # GIJIROKU_GPUS keeps a worker to some GPUs (here the second, by its index)
    found = pinned_processes({**driver, "GIJIROKU_GPUS": "1"}, tmp_path / "gpu1.log", 1)
    assert [gpu for _, gpu in found] == [B]


def test_a_gpu_that_is_not_there_stops_the_worker_and_fails_the_check(
    driver: dict[str, str], tmp_path: Path
) -> None:
    done = subprocess.run([str(GIJIROKU), "worker"], env={**driver, "GIJIROKU_GPUS": "0,3"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2  # a configuration error
    assert "GIJIROKU_GPUS names '3', which is not a GPU here" in done.stderr

    check = subprocess.run([str(GIJIROKU), "check"], env=driver, capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    assert f"GPU 1: NVIDIA H100 80GB HBM3, 80 GiB ({B})" in check.stdout

    # a worker told to use CUDA on a machine without GPUs is reported unhealthy
    no_driver = {**driver, "PATH": os.environ["PATH"]}
    check = subprocess.run([str(GIJIROKU), "check"], env=no_driver, capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 2
    assert "GIJIROKU_DEVICE=cuda, but no GPU can be listed" in check.stderr
