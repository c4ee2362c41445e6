"""The `gijiroku` command: process recordings, run the service and workers, show results."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gijiroku.domain import clock
from gijiroku.errors import GijirokuError

if TYPE_CHECKING:
    from gijiroku.config import Settings

EXIT_FAILED = 1
EXIT_CONFIG = 2


class _TerminalProgress:
    """Prints a one-line progress bar on stderr when it is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.last = ""

    def __call__(self, stage: str, completed: float, total: float) -> None:
        if not self.enabled or total <= 0:
            return
        line = f"{stage:<11} {100 * min(completed / total, 1.0):5.1f}%"
        if line != self.last:
            self.last = line
            print("\r" + line, end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.enabled and self.last:
            print(file=sys.stderr)


def _process(args: argparse.Namespace) -> int:
    from gijiroku.config import get_settings
    from gijiroku.pipeline import Pipeline
    from gijiroku.recordings import accept_file
    from gijiroku.storage import open_database

    settings = get_settings()
    _speaker_hints(args)  # refuse contradictory hints before storing anything
    engine = open_database(settings.resolved_database_url)
    options: dict[str, Any] = {
        key: value
        for key, value in {
            "language": args.language,
            "hotwords": args.hotwords,
            "initial_prompt": args.initial_prompt,
            "num_speakers": args.num_speakers,
            "min_speakers": args.min_speakers,
            "max_speakers": args.max_speakers,
            "template": args.template,
            "minutes_language": args.minutes_language,
            "date": args.date,
            "place": args.place,
        }.items()
        if value
    }
    if args.no_minutes:
        options["minutes"] = False
    accepted = accept_file(
        engine, settings.data_dir, Path(args.path), title=args.title, options=options
    )
    progress = _TerminalProgress()
    failure: GijirokuError | None = None
    try:
        Pipeline(engine, settings).run(accepted.job_id, progress)
    except GijirokuError as exc:
        failure = exc
    finally:
        progress.close()
    print(accepted.meeting_id)
    if args.json:
        _write_json(engine, accepted.meeting_id, Path(args.json))
    if failure is not None:
        print(f"error: {failure.message} [{failure.code}]", file=sys.stderr)
        return EXIT_FAILED
    return 0


def _speaker_hints(args: argparse.Namespace) -> Any:
    from diarize import SpeakerHints

    return SpeakerHints(args.num_speakers, args.min_speakers, args.max_speakers)


def _diarize(args: argparse.Namespace) -> int:
    """Re-run diarization alone on a stored meeting (new hints, new weights)."""
    from gijiroku.reruns import Rerun

    rerun = Rerun("diarize", num_speakers=args.num_speakers, min_speakers=args.min_speakers,
                  max_speakers=args.max_speakers, replace_edits=args.replace_edits)
    return _rerun(args, rerun)


def _minutes(args: argparse.Namespace) -> int:
    """Write the minutes again, e.g. after a person corrected the transcript."""
    from gijiroku.reruns import Rerun

    rerun = Rerun("minutes", template=args.template, language=args.language,
                  replace_edits=args.replace_edits)
    return _rerun(args, rerun)


def _rerun(args: argparse.Namespace, rerun: Any) -> int:
    from gijiroku.config import get_settings
    from gijiroku.reruns import run_rerun
    from gijiroku.storage import open_database, repository, session_scope

    settings = get_settings()
    engine = open_database(settings.resolved_database_url)
    progress = _TerminalProgress()
    try:
        run_rerun(engine, settings, args.id, rerun, progress)
    finally:
        progress.close()
    if args.json:
        _write_json(engine, args.id, Path(args.json))
    with session_scope(engine) as session:
        minutes = repository.load_meeting(session, args.id).minutes
    if rerun.stage == "minutes" and minutes.status == "failed":
        print(f"error: {minutes.error} [minutes_failed]", file=sys.stderr)
        return EXIT_FAILED
    return 0


def _serve(args: argparse.Namespace) -> int:
    """API, web view, job worker and watched folders, until Ctrl-C or SIGTERM."""
    import ipaddress

    import uvicorn

    from api import create_app
    from gijiroku.config import get_settings
    from gijiroku.errors import ConfigError
    from gijiroku.service import Service

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
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def _worker(args: argparse.Namespace) -> int:
    """A queue consumer alone, for more workers on this or other machines."""
    from gijiroku.config import get_settings
    from gijiroku.jobs import run_worker

    run_worker(get_settings(), args.workers)
    return 0


def _cancel(args: argparse.Namespace) -> int:
    from gijiroku.config import get_settings
    from gijiroku.jobs import cancel
    from gijiroku.storage import open_database

    settings = get_settings()
    print(cancel(open_database(settings.resolved_database_url), args.job_id))
    return 0


def _models(args: argparse.Namespace) -> int:
    from gijiroku.models import fetch_starter

    print(fetch_starter(force=args.force))
    return 0


def _models_download(args: argparse.Namespace) -> int:
    from gijiroku.config import get_settings
    from gijiroku.models import download

    settings = get_settings()
    token = settings.hf_token.get_secret_value() if settings.hf_token else None
    print(download(args.name, settings.resolved_models_dir, token, llm=args.llm))
    return 0


def _models_list(args: argparse.Namespace) -> int:
    from gijiroku.config import get_settings
    from gijiroku.models import installed

    settings = get_settings()
    for what, path, size in installed(settings.resolved_models_dir):
        print(f"{what:<40} {size / 1e6:9.1f} MB  {path}")
    print(f"(models folder: {settings.resolved_models_dir})")
    return 0


def _check(args: argparse.Namespace) -> int:
    """Exit 0 when the database and queue answer and the configured models are here."""
    from gijiroku.config import get_settings
    from gijiroku.errors import ModelNotFoundError
    from gijiroku.jobs import prepare
    from gijiroku.models import starter_segmentation_path
    from gijiroku.stages.transcribe import model_spec
    from transcribe.whisper_backend import resolve

    settings = get_settings()
    queue = prepare(settings)  # migrates, reaches the queue's storage
    print(f"database and queue: ok ({queue.describe()})")
    print(f"whisper model: {resolve(model_spec(settings)).path}")
    if settings.diarize:  # found, not loaded: a health check must stay light
        pipeline = settings.diarization_pipeline
        if pipeline and Path(pipeline).is_absolute() and not Path(pipeline).exists():
            raise ModelNotFoundError(f"The diarization pipeline {pipeline} is not here.")
        if not pipeline and not starter_segmentation_path().is_file():
            raise ModelNotFoundError("The starter diarization model is missing: run "
                                     "'gijiroku models fetch-starter'.")
        print(f"diarization: {pipeline or 'offline starter set'}")
    for line in gpu_report(settings):
        print(line)
    return 0


def gpu_report(settings: Settings) -> list[str]:
    """The GPUs a worker here would use; an error when it must run on CUDA and has none."""
    from gijiroku import gpus
    from gijiroku.errors import ConfigError
    from gijiroku.jobs import on_gpu

    if not on_gpu(settings):
        return []
    listed = gpus.visible()
    chosen = gpus.select(listed, settings.gpus) if listed else []
    required = "cuda" in (settings.device, settings.diarize_device)
    if not chosen:
        if required:
            raise ConfigError("GIJIROKU_DEVICE=cuda, but no GPU can be listed with nvidia-smi "
                              "(driver, GPU reservation or NVIDIA Container Toolkit missing).")
        return ["GPUs: none listed (nvidia-smi missing or found none)"]
    return [f"GPU {gpu.describe()}" for gpu in chosen]


def _write_json(engine: Any, meeting_id: str, path: Path) -> None:
    from gijiroku.export import export_meeting

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(export_meeting(engine, meeting_id, "json").content)


def _show(args: argparse.Namespace) -> int:
    from gijiroku.config import get_settings
    from gijiroku.storage import open_database, repository, session_scope

    settings = get_settings()
    engine = open_database(settings.resolved_database_url)
    with session_scope(engine) as session:
        meeting = repository.load_meeting(session, args.id)
    names = {s.id: s.name or s.id for s in meeting.speakers}
    duration = clock(meeting.duration or 0.0, decimals=2)
    print(f"# {meeting.title}  ({meeting.status}, {meeting.language or '?'}, {duration})")
    for segment in meeting.segments:
        who = f" {names.get(segment.speaker, segment.speaker)}:" if segment.speaker else ""
        start, end = clock(segment.start, decimals=2), clock(segment.end, decimals=2)
        print(f"[{start} - {end}]{who} {segment.text}")
    return 0


def _export(args: argparse.Namespace) -> int:
    """Write one export; says on stderr what the file lacks (processing unfinished...)."""
    from gijiroku.config import get_settings
    from gijiroku.export import export_meeting
    from gijiroku.storage import open_database

    settings = get_settings()
    exported = export_meeting(
        open_database(settings.resolved_database_url), args.id, args.format,
        with_transcript=not args.minutes_only, cleanup=args.cleanup,
        pdf_font=settings.pdf_font,
    )
    output = Path(args.output)
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(exported.content)
    partial.replace(output)
    for note in exported.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {output} ({len(exported.content):,} bytes)", file=sys.stderr)
    return 0


def _iso_date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError("use YYYY-MM-DD") from exc


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _add_speaker_hints(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--num-speakers", type=_positive, help="exact number of speakers")
    parser.add_argument("--min-speakers", type=_positive, help="at least this many speakers")
    parser.add_argument("--max-speakers", type=_positive, help="at most this many speakers")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gijiroku", description="Turn meeting recordings into reviewed minutes."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    commands = parser.add_subparsers(dest="command", required=True)

    process = commands.add_parser("process", help="process a recording and store the meeting")
    process.add_argument("path", help="audio or video file")
    process.add_argument("--title", help="meeting title (default: the file name)")
    process.add_argument("--language", help="auto, ja, en... (default: GIJIROKU_LANGUAGE)")
    process.add_argument("--hotwords", help="names and local terms to favour")
    process.add_argument("--initial-prompt", help="text that sets vocabulary and style")
    _add_speaker_hints(process)
    process.add_argument("--no-minutes", action="store_true", help="skip writing minutes")
    process.add_argument("--template", help="minutes template (default: by language)")
    process.add_argument(
        "--minutes-language", help="write the minutes in this language (default: the meeting's)"
    )
    process.add_argument("--date", type=_iso_date, help="meeting date, YYYY-MM-DD")
    process.add_argument("--place", help="where the meeting was held (for the minutes)")
    process.add_argument("--json", metavar="OUT", help="write the result document here")
    process.set_defaults(handler=_process)

    minutes = commands.add_parser(
        "minutes", help="write a stored meeting's minutes again (after transcript edits)"
    )
    minutes.add_argument("id", help="meeting id")
    minutes.add_argument("--template", help="minutes template to use")
    minutes.add_argument("--language", help="write the minutes in this language")
    minutes.add_argument(
        "--replace-edits", "--replace", dest="replace_edits", action="store_true",
        help="also replace decisions and action items a person edited or added",
    )
    minutes.add_argument("--json", metavar="OUT", help="write the result document here")
    minutes.set_defaults(handler=_minutes)

    diarize = commands.add_parser(
        "diarize", help="re-run speaker diarization on a stored meeting, keeping names"
    )
    diarize.add_argument("id", help="meeting id")
    _add_speaker_hints(diarize)
    diarize.add_argument(
        "--replace-edits", dest="replace_edits", action="store_true",
        help="go ahead even though lines were edited by hand (where speakers change, those "
             "lines are rebuilt from the recognised words and the edits are lost)",
    )
    diarize.add_argument("--json", metavar="OUT", help="write the result document here")
    diarize.set_defaults(handler=_diarize)

    models = commands.add_parser("models", help="manage model files")
    model_commands = models.add_subparsers(dest="models_command", required=True)
    fetch = model_commands.add_parser(
        "fetch-starter", help="fetch the offline starter diarization model (setup does this)"
    )
    fetch.add_argument("--force", action="store_true", help="fetch again even if present")
    fetch.set_defaults(handler=_models)
    download = model_commands.add_parser(
        "download", help="download a model into the models folder (needs internet; once)"
    )
    download.add_argument("name", help="large-v3, large-v3-turbo, medium... , a hub id of a "
                                       "CTranslate2 Whisper model, or community-1")
    download.add_argument("--llm", action="store_true",
                          help="NAME is a hub id of an LLM for the llm service of "
                               "docker-compose.gpu.yml (into <models>/llm)")
    download.set_defaults(handler=_models_download)
    listing = model_commands.add_parser("list", help="the models this installation can use")
    listing.set_defaults(handler=_models_list)

    check = commands.add_parser(
        "check", help="check the database, the queue and the models (health checks use it)"
    )
    check.set_defaults(handler=_check)

    serve = commands.add_parser(
        "serve", help="run the service: API, job worker and the watched folders"
    )
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (other than loopback: needs GIJIROKU_API_TOKEN)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.set_defaults(handler=_serve)

    worker = commands.add_parser(
        "worker", help="run queued jobs (more workers on this or other machines)"
    )
    worker.add_argument(
        "--workers", type=_positive,
        help="jobs at once, one process each (default: GIJIROKU_WORKERS; one on a GPU)",
    )
    worker.set_defaults(handler=_worker)

    cancel = commands.add_parser("cancel", help="cancel a queued or running job")
    cancel.add_argument("job_id", help="job id")
    cancel.set_defaults(handler=_cancel)

    show = commands.add_parser("show", help="print a stored meeting's transcript")
    show.add_argument("id", help="meeting id, as printed by 'process'")
    show.set_defaults(handler=_show)

    from gijiroku.export import CLEANUPS, FORMATS

    export = commands.add_parser("export", help="write a meeting as minutes or subtitles")
    export.add_argument("id", help="meeting id")
    export.add_argument("--format", "-f", required=True, choices=FORMATS)
    export.add_argument("-o", "--output", required=True, help="file to write")
    export.add_argument("--minutes-only", action="store_true",
                        help="the minutes without the transcript (docx, pdf, md)")
    export.add_argument("--cleanup", choices=CLEANUPS, default="verbatim",
                        help="transcript wording: verbatim, fillers removed (fillers), or "
                             "also repeated words (tidy); the stored text never changes")
    export.set_defaults(handler=_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    service = args.command in ("serve", "worker")  # long-running: always log what happens
    logging.basicConfig(
        level=logging.INFO if args.verbose or service else logging.ERROR,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return int(args.handler(args))
    except GijirokuError as exc:
        print(f"error: {exc.message} [{exc.code}]", file=sys.stderr)
        # a setting or an argument that cannot be used: nothing was done
        return EXIT_CONFIG if exc.code in ("config_invalid", "invalid_input") else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
