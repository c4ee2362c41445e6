"""`gijiroku models`: the starter model set up offline, bigger models downloaded once."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gijiroku.cli.service import LANGUAGES_OF
from gijiroku.config import Settings, get_settings
from gijiroku.errors import GijirokuError
from gijiroku.models import download, fetch_starter, installed, size_of, starter_segmentation_path
from gijiroku.stages.minutes import server_spec
from gijiroku.stages.transcribe import model_spec
from transcribe.whisper_backend import is_multilingual, resolve


def fetch(args: argparse.Namespace) -> int:
    for path in fetch_starter(force=args.force):
        print(path)
    return 0


def download_model(args: argparse.Namespace) -> int:
    settings = get_settings()
    token = settings.hf_token.get_secret_value() if settings.hf_token else None
    print(download(args.name, settings.resolved_models_dir, token, llm=args.llm))
    return 0


def listing(args: argparse.Namespace) -> int:
    """Every model found, its size and what it can do, and which ones the settings use; a
    configured model that is missing is named with what to do."""
    settings = get_settings()
    rows = [(what, path, size) for what, path, size in installed(settings.resolved_models_dir)]
    uses, missing = models_in_use(settings)
    known = {path.resolve() for _, path, _ in rows}
    for path, roles in uses.items():  # configured outside the models folder
        if path not in known and path.exists():
            rows.append((f"{roles[0].split(' ')[0]} {path.name} (configured)", path,
                         size_of(path)))
    for what, path, size in rows:
        able = ""
        if what.startswith("whisper"):
            able = LANGUAGES_OF[is_multilingual(path)]
        roles = uses.get(path.resolve(), [])
        print(f"{what:<40} {size / 1e6:9.1f} MB  {able:<42} {path}")
        if roles:
            print(f"{'':<40} in use: {'; '.join(roles)}")
    for line in missing:
        print(f"missing: {line}")
    print(f"(models folder: {settings.resolved_models_dir})")
    return 0


def models_in_use(settings: Settings) -> tuple[dict[Path, list[str]], list[str]]:
    """The models the settings use, by path, with what for; and those that are not here."""
    uses: dict[Path, list[str]] = {}
    missing: list[str] = []
    languages = ["en", "ja"] if not settings.whisper_model else [settings.language]
    for language in languages:
        what = ("whisper (GIJIROKU_WHISPER_MODEL)" if settings.whisper_model else
                "whisper for English" if language == "en" else
                "whisper for Japanese and other languages")
        try:
            path = Path(resolve(model_spec(settings, language)).path).resolve()
        except GijirokuError as exc:
            missing.append(f"{what}: {exc.message}")
            continue
        uses.setdefault(path, []).append(what)
    if settings.diarize:
        pipeline = settings.diarization_pipeline
        where = Path(pipeline) if pipeline and Path(pipeline).is_absolute() else (
            settings.resolved_models_dir / pipeline if pipeline else starter_segmentation_path())
        if where.exists():
            uses.setdefault(where.resolve(), []).append("diarization")
        else:
            missing.append(f"diarization: {where} is not here")
    if settings.resolved_llm_backend == "embedded":
        model = server_spec(settings).model
        if Path(model).exists():
            uses.setdefault(Path(model).resolve(), []).append("minutes (embedded)")
        else:
            missing.append(f"minutes: {model} is not here (GIJIROKU_LLM_MODEL_FILE)")
    return uses, missing


def add_commands(commands: Any) -> None:
    models = commands.add_parser("models", help="manage model files")
    model_commands = models.add_subparsers(dest="models_command", required=True)
    parser = model_commands.add_parser(
        "fetch-starter", help="fetch the embedded models that do not ship in a package: "
        "the multilingual Whisper base and the starter diarization model (setup does this)"
    )
    parser.add_argument("--force", action="store_true", help="fetch again even if present")
    parser.set_defaults(handler=fetch)
    parser = model_commands.add_parser(
        "download", help="download a model into the models folder (needs internet; once)"
    )
    parser.add_argument("name", help="large-v3, large-v3-turbo, medium... , a hub id of a "
                                     "CTranslate2 Whisper model, or community-1")
    parser.add_argument("--llm", action="store_true",
                        help="NAME is a hub id of an LLM for the llm service of "
                             "docker-compose.gpu.yml (into <models>/llm)")
    parser.set_defaults(handler=download_model)
    parser = model_commands.add_parser("list", help="the models this installation can use")
    parser.set_defaults(handler=listing)
