"""Test recordings the project does not make itself, fetched once into `.cache/assets/`.

pyannote.audio's wheel ships a 30-second, two-speaker telephone recording with references of
who spoke when (`sample.rttm`) and what was said (`sample.stm`). Only those files are taken
from the wheel (downloaded without dependencies); nothing is installed.

    python -m tests.assets
"""

from __future__ import annotations

import sys
from pathlib import Path

from gijiroku.models import files_from_wheel

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / ".cache" / "assets"
PYANNOTE_SAMPLE = ASSETS / "pyannote-sample"
PYANNOTE_WHEEL = "pyannote.audio==4.0.7"
SAMPLE_FILES = ("sample.wav", "sample.rttm", "sample.stm")


def fetch_pyannote_sample() -> Path:
    if all((PYANNOTE_SAMPLE / name).is_file() for name in SAMPLE_FILES):
        return PYANNOTE_SAMPLE
    members = {f"pyannote/audio/sample/{name}": name for name in SAMPLE_FILES}
    PYANNOTE_SAMPLE.mkdir(parents=True, exist_ok=True)
    for member, data in files_from_wheel(PYANNOTE_WHEEL, list(members)).items():
        (PYANNOTE_SAMPLE / members[member]).write_bytes(data)
    return PYANNOTE_SAMPLE


def main() -> int:
    path = fetch_pyannote_sample()
    print(f"test assets ready in {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
