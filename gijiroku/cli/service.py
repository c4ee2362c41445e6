"""Commands that run or look after the service: serve, worker, cancel, check."""

from __future__ import annotations

import argparse
import ipaddress
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import uvicorn

import transcribe
from api import create_app
from gijiroku import gpus
from gijiroku.audio import decoded_bytes
from gijiroku.cli.common import positive
from gijiroku.config import Settings, get_settings
from gijiroku.errors import ConfigError, ModelNotFoundError
from gijiroku.jobs import cancel as cancel_job
from gijiroku.jobs import prepare, run_worker
from gijiroku.models import starter_segmentation_path
from gijiroku.service import Service
from gijiroku.stages.minutes import llm_config, llm_server
from gijiroku.stages.transcribe import model_spec
from gijiroku.storage import open_database
from transcribe.whisper_backend import is_multilingual, resolve


def serve(args: argparse.Namespace) -> int:
    """API, web view, job worker and watched folders, until Ctrl-C or SIGTERM."""
    settings = get_settings()
    try:
        loopback = args.host == "localhost" or ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and settings.api_token is None:
        raise ConfigError(
            f"Serving on {args.host} opens Gijiroku to the network: set GIJIROKU_API_TOKEN "
            "first (clients then send it as a bearer token)."
        )
    app = create_app(settings, Service(settings))
    print(f"Gijiroku is running at http://{args.host}:{args.port}/ (Ctrl-C stops it).",
          file=sys.stderr, flush=True)
    # forwarded headers are believed only from the proxies named (none by default: uvicorn
    # would otherwise believe any local client's X-Forwarded-For)
    proxies = settings.proxies
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)
    return 0


def worker(args: argparse.Namespace) -> int:
    """A queue consumer alone, for more workers on this or other machines."""
    run_worker(get_settings(), args.workers)
    return 0


def cancel(args: argparse.Namespace) -> int:
    settings = get_settings()
    print(cancel_job(open_database(settings.resolved_database_url), args.job_id))
    return 0


def check(args: argparse.Namespace) -> int:
    """Exit 0 when the data directory, the database and the queue answer and the configured
    models are here. What works but not as configured (a model that cannot transcribe the
    configured language, little disk space) is printed as a warning."""
    settings = get_settings()
    warnings: list[str] = []
    free = data_dir_free_space(settings.data_dir)
    print(f"data directory: {settings.data_dir} ({free / 1e9:,.1f} GB free)")
    if free < settings.min_free_mb * 1024 * 1024 + decoded_bytes(3 * 3600):
        warnings.append(f"only {free / 1e9:,.1f} GB free in {settings.data_dir}: a 3-hour "
                        "session needs about 0.7 GB while it is processed, and "
                        f"{settings.min_free_mb} MB must stay free (GIJIROKU_MIN_FREE_MB)")
    queue = prepare(settings)  # migrates, reaches the queue's storage
    print(f"database and queue: ok ({queue.describe()})")
    if settings.language != "auto" and settings.language not in transcribe.languages():
        raise ConfigError(f"GIJIROKU_LANGUAGE={settings.language} is not a language Whisper "
                          "transcribes: use a code such as ja or en, or auto.")
    model = resolve(model_spec(settings)).path
    multilingual = is_multilingual(model)
    print(f"whisper model: {model} ({LANGUAGES_OF[multilingual]})")
    if multilingual is False and settings.language != "en":
        warnings.append(
            f"the Whisper model {settings.whisper_model or model} transcribes English only, "
            f"but GIJIROKU_LANGUAGE={settings.language}: meetings in Japanese or another "
            "language would come out as English or as nothing. Set GIJIROKU_WHISPER_MODEL "
            "to a multilingual model (large-v3, or leave it empty for the embedded one), or "
            "GIJIROKU_LANGUAGE=en.")
    if settings.diarize:  # found, not loaded: a health check must stay light
        pipeline = settings.diarization_pipeline
        if pipeline and Path(pipeline).is_absolute() and not Path(pipeline).exists():
            raise ModelNotFoundError(f"The diarization pipeline {pipeline} is not here.")
        if not pipeline and not starter_segmentation_path().is_file():
            raise ModelNotFoundError("The starter diarization model is missing: run "
                                     "'gijiroku models fetch-starter'.")
        print(f"diarization: {pipeline or 'offline starter set'}")
    print(f"minutes: {minutes_backend(settings)}")
    if settings.pdf_font is not None and not settings.pdf_font.is_file():
        warnings.append(f"GIJIROKU_PDF_FONT={settings.pdf_font} is not a file: PDF exports "
                        "will fail until it is (unset it for the bundled font)")
    for line in gpus.report(settings):
        print(line)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print("all checks passed" + (f", {len(warnings)} warning(s)" if warnings else ""))
    return 0


#: What a Whisper model transcribes, by `is_multilingual`.
LANGUAGES_OF = {True: "Japanese, English and 97 other languages", False: "English only",
                None: "languages not known"}


def data_dir_free_space(folder: Path) -> int:
    """The free bytes where the data directory is, after checking that it can be created and
    written to (a clear error instead of a traceback when it cannot)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".gijiroku-check-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return shutil.disk_usage(folder).free
    except OSError as exc:
        raise ConfigError(
            f"GIJIROKU_DATA_DIR={folder} cannot be used: {exc.strerror or exc}. Point it at a "
            "folder this user may create and write to.") from exc


def minutes_backend(settings: Settings) -> str:
    """What writes the minutes, checked without starting or calling it."""
    config = llm_config(settings)  # a server without a model name is refused here
    if config is not None:
        return f"{config.model} on {config.base_url or 'the OpenAI API'}"
    server = llm_server(settings)
    if server is None:
        return "off (GIJIROKU_LLM_BACKEND=off)"
    server.check_model()
    return (f"embedded {server.name} ({server.spec.model}, {server.spec.threads} threads, "
            f"context {server.spec.context_tokens})")


def add_commands(commands: Any) -> None:
    parser = commands.add_parser(
        "check", help="check the database, the queue and the models (health checks use it)"
    )
    parser.set_defaults(handler=check)

    parser = commands.add_parser(
        "serve", help="run the service: API, job worker and the watched folders"
    )
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (other than loopback: needs "
                             "GIJIROKU_API_TOKEN)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.set_defaults(handler=serve)

    parser = commands.add_parser(
        "worker", help="run queued jobs (more workers on this or other machines)"
    )
    parser.add_argument(
        "--workers", type=positive,
        help="jobs at once, one process each (default: GIJIROKU_WORKERS; one on a GPU)",
    )
    parser.set_defaults(handler=worker)

    parser = commands.add_parser("cancel", help="cancel a queued or running job")
    parser.add_argument("job_id", help="job id")
    parser.set_defaults(handler=cancel)
