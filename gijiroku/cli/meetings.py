"""Commands on meetings: process a recording, list, show, export, write the minutes again,
find the speakers again, retry a failed job, delete. They parse arguments and print; the rules are
in the use-case layer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, get_args

from gijiroku.cli.common import (
    EXIT_FAILED,
    TerminalProgress,
    add_speaker_hints,
    iso_date,
    positive,
    write_json,
)
from gijiroku.config import get_settings
from gijiroku.copies import COPIES
from gijiroku.domain import MeetingStatus, as_utc, clock
from gijiroku.edits.history import speaker_label
from gijiroku.errors import GijirokuError
from gijiroku.export import CLEANUPS, FORMATS, LAYOUTS, export_meeting
from gijiroku.export.document import inaudible
from gijiroku.jobs import JobQueue
from gijiroku.meetings import delete_meeting
from gijiroku.options import KINDS, MeetingOptions, checked_title
from gijiroku.pipeline import Pipeline
from gijiroku.recordings import accept_file
from gijiroku.reruns import Rerun, retry, run_rerun
from gijiroku.result import completeness_document
from gijiroku.storage import open_database, repository, session_scope


def process(args: argparse.Namespace) -> int:
    settings = get_settings()
    title = checked_title(args.title)  # the web view's rule, refused before anything is stored
    options = MeetingOptions.checked(  # refused here, before anything is stored
        language=args.language, hotwords=args.hotwords, initial_prompt=args.initial_prompt,
        num_speakers=args.num_speakers, min_speakers=args.min_speakers,
        max_speakers=args.max_speakers, template=args.template,
        minutes_language=args.minutes_language, date=args.date, place=args.place,
        kind=args.kind, start_time=args.start_time, roster=args.roster,
        minutes=not args.no_minutes,
    )
    engine = open_database(settings.resolved_database_url)
    accepted = accept_file(
        engine, settings.data_dir, Path(args.path), title=title, options=options
    )
    failure: GijirokuError | None = None
    with TerminalProgress() as progress:
        try:
            Pipeline(engine, settings).run(accepted.job_id, progress)
        except GijirokuError as exc:
            failure = exc
    print(accepted.meeting_id)
    if args.json:
        write_json(engine, accepted.meeting_id, Path(args.json))
    if failure is not None:
        print(f"error: {failure.message} [{failure.code}]", file=sys.stderr)
        return EXIT_FAILED
    return 0


def diarize(args: argparse.Namespace) -> int:
    """Re-run diarization alone on a stored meeting (new hints, new weights)."""
    return _rerun(args, Rerun(
        "diarize", num_speakers=args.num_speakers, min_speakers=args.min_speakers,
        max_speakers=args.max_speakers, replace_edits=args.replace_edits))


def minutes(args: argparse.Namespace) -> int:
    """Write the minutes again, e.g. after a person corrected the transcript."""
    return _rerun(args, Rerun("minutes", template=args.template, language=args.language,
                              replace_edits=args.replace_edits))


def _rerun(args: argparse.Namespace, rerun: Rerun) -> int:
    settings = get_settings()
    engine = open_database(settings.resolved_database_url)
    with TerminalProgress() as progress:
        run_rerun(engine, settings, args.id, rerun, progress)
    if args.json:
        write_json(engine, args.id, Path(args.json))
    with session_scope(engine) as session:
        written = repository.load_meeting(session, args.id).minutes
    if rerun.stage == "minutes" and written.status == "failed":
        print(f"error: {written.error} [minutes_failed]", file=sys.stderr)
        return EXIT_FAILED
    return 0


def list_meetings(args: argparse.Namespace) -> int:
    """A page of meetings, newest first: id, status, when added, length, title; a failed
    meeting's reason on the line below."""
    settings = get_settings()
    engine = open_database(settings.resolved_database_url)
    with session_scope(engine) as session:
        rows, total = repository.list_meetings(session, args.query, args.page,
                                               statuses=args.status or ())
        jobs = repository.latest_jobs(session, [r.id for r in rows])
    for row in rows:
        job = jobs.get(row.id)
        status: str = row.status
        if job is not None and job.status == "running" and job.stage:
            status = f"{job.stage} {job.progress:.0%}"
        added = f"{as_utc(row.created_at).astimezone():%Y-%m-%d %H:%M}"
        length = clock(row.duration) if row.duration else "-"
        print(f"{row.id}  {status:<16} {added}  {length:>8}  {row.title}")
        if row.status == "failed" and job is not None and job.error:
            print(f"{'':34}{job.error} [{job.error_code}]")
    print(f"{total} meeting(s), page {args.page} of {repository.page_count(total)}",
          file=sys.stderr)
    return 0


def retry_job(args: argparse.Namespace) -> int:
    """Queue a meeting's failed or cancelled job again; it goes on from the step that failed,
    in a running `serve` or `worker`, or here with --here."""
    settings = get_settings()
    engine = open_database(settings.resolved_database_url)
    job_id = retry(engine, args.id)
    if args.here:
        with TerminalProgress() as progress:
            Pipeline(engine, settings).run(job_id, progress)
    else:
        queue = JobQueue(settings)
        try:
            queue.enqueue(job_id)
        finally:
            queue.close()
        print(f"queued again ({queue.describe()}): a running 'gijiroku serve' or 'gijiroku "
              "worker' takes it", file=sys.stderr)
    print(job_id)
    return 0


def delete(args: argparse.Namespace) -> int:
    """Remove a meeting, its transcript, minutes, history and files (asks first unless
    --yes is given; a running job for it is cancelled)."""
    settings = get_settings()
    engine = open_database(settings.resolved_database_url)
    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, args.id)
        lines = repository.count_segments(session, args.id)
        edited = repository.edited_segments(session, args.id)
    if not args.yes:
        print(f"Delete '{row.title}' ({lines} lines, {edited} corrected by hand) with its "
              "recording and history? "
              "This cannot be undone. [y/N] ", end="", file=sys.stderr, flush=True)
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            print("nothing was deleted", file=sys.stderr)
            return EXIT_FAILED
    delete_meeting(engine, settings.data_dir, args.id)
    print(f"deleted {args.id} ({row.title})", file=sys.stderr)
    return 0


def show(args: argparse.Namespace) -> int:
    settings = get_settings()
    engine = open_database(settings.resolved_database_url)
    with session_scope(engine) as session:
        meeting = repository.load_meeting(session, args.id)
    # unnamed speakers as the page, the history and the exports call them (話者2, Speaker 2)
    names = {s.id: speaker_label(s.id, s.name, meeting.language or "en")
             for s in meeting.speakers}
    duration = clock(meeting.duration or 0.0, decimals=2)
    checked = ""
    if meeting.redecoded is not None:  # transcribed with the completeness check
        counts = completeness_document(meeting)
        checked = (f"; {counts['redecoded']} stretch(es) decoded again, "
                   f"{counts['gaps']} gap(s)")
    print(f"# {meeting.title}  ({meeting.status}, {meeting.language or '?'}, {duration}"
          f"{checked})")
    unheard = inaudible(meeting.language)  # as the exports write a gap
    for segment in meeting.segments:
        who = f" {names.get(segment.speaker, segment.speaker)}:" if segment.speaker else ""
        start, end = clock(segment.start, decimals=2), clock(segment.end, decimals=2)
        print(f"[{start} - {end}]{who} {unheard if segment.gap else segment.text}")
    return 0


def export(args: argparse.Namespace) -> int:
    """Write one export; says on stderr what the file lacks (processing unfinished...)."""
    settings = get_settings()
    exported = export_meeting(
        open_database(settings.resolved_database_url), args.id, args.format,
        with_transcript=not args.minutes_only, cleanup=args.cleanup,
        pdf_font=settings.pdf_font, layout=args.layout, template=settings.kaigiroku_template,
        copy=args.copy,
    )
    output = Path(args.output)
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(exported.content)
    partial.replace(output)
    for note in exported.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {output} ({len(exported.content):,} bytes)", file=sys.stderr)
    return 0


def add_commands(commands: Any) -> None:
    parser = commands.add_parser("process", help="process a recording and store the meeting")
    parser.add_argument("path", help="audio or video file")
    parser.add_argument("--title", help="meeting title (default: the file name)")
    parser.add_argument("--language", help="auto, ja, en... (default: GIJIROKU_LANGUAGE)")
    parser.add_argument("--hotwords", help="names and local terms to favour")
    parser.add_argument("--initial-prompt", help="text that sets vocabulary and style")
    add_speaker_hints(parser)
    parser.add_argument("--no-minutes", action="store_true", help="skip writing minutes")
    parser.add_argument("--template", help="minutes template (default: by language)")
    parser.add_argument(
        "--minutes-language", help="write the minutes in this language (default: the meeting's)"
    )
    parser.add_argument("--date", type=iso_date, help="meeting date, YYYY-MM-DD")
    parser.add_argument("--place", help="where the meeting was held (for the minutes)")
    parser.add_argument("--kind", choices=KINDS,
                        help="honkaigi (本会議), iinkai (委員会) or other (default)")
    parser.add_argument("--start-time", metavar="HH:MM",
                        help="when the recording began (times in the 会議録)")
    parser.add_argument("--roster", help="the roster (名簿) of the body that met: its "
                        "members' voices are looked for, their names favoured, their "
                        "number bounds the speakers")
    parser.add_argument("--json", metavar="OUT", help="write the result document here")
    parser.set_defaults(handler=process)

    parser = commands.add_parser(
        "minutes", help="write a stored meeting's minutes again (after transcript edits)"
    )
    parser.add_argument("id", help="meeting id")
    parser.add_argument("--template", help="minutes template to use")
    parser.add_argument("--language", help="write the minutes in this language")
    parser.add_argument(
        "--replace-edits", "--replace", dest="replace_edits", action="store_true",
        help="also replace decisions and action items a person edited or added",
    )
    parser.add_argument("--json", metavar="OUT", help="write the result document here")
    parser.set_defaults(handler=minutes)

    parser = commands.add_parser(
        "diarize", help="re-run speaker diarization on a stored meeting, keeping names"
    )
    parser.add_argument("id", help="meeting id")
    add_speaker_hints(parser)
    parser.add_argument(
        "--replace-edits", dest="replace_edits", action="store_true",
        help="go ahead even though lines were edited by hand (where speakers change, those "
             "lines are rebuilt from the recognised words and the edits are lost)",
    )
    parser.add_argument("--json", metavar="OUT", help="write the result document here")
    parser.set_defaults(handler=diarize)

    parser = commands.add_parser("list", help="list stored meetings, newest first")
    parser.add_argument("-q", "--query", help="only meetings whose title or text has this")
    parser.add_argument("--status", action="append", choices=get_args(MeetingStatus),
                        help="only meetings in this state (may be given more than once)")
    parser.add_argument("--page", type=positive, default=1,
                        help=f"page ({repository.PAGE_SIZE} a page)")
    parser.set_defaults(handler=list_meetings)

    parser = commands.add_parser(
        "retry", help="run a meeting's failed or cancelled job again from the step that failed"
    )
    parser.add_argument("id", help="meeting id")
    parser.add_argument("--here", action="store_true",
                        help="run it in this process and wait, instead of queueing it for "
                             "the service or the workers")
    parser.set_defaults(handler=retry_job)

    parser = commands.add_parser(
        "delete", help="remove a meeting with its recording, transcript, minutes and history"
    )
    parser.add_argument("id", help="meeting id")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask first")
    parser.set_defaults(handler=delete)

    parser = commands.add_parser("show", help="print a stored meeting's transcript")
    parser.add_argument("id", help="meeting id, as printed by 'process'")
    parser.set_defaults(handler=show)

    parser = commands.add_parser("export", help="write a meeting as minutes or subtitles")
    parser.add_argument("id", help="meeting id")
    parser.add_argument("--format", "-f", required=True, choices=FORMATS)
    parser.add_argument("-o", "--output", required=True, help="file to write")
    parser.add_argument("--minutes-only", action="store_true",
                        help="the minutes without the transcript (docx, pdf, md)")
    parser.add_argument("--layout", choices=LAYOUTS, default="minutes",
                        help="minutes (default), or kaigiroku: the council's record "
                        "(docx, pdf, md)")
    parser.add_argument("--cleanup", choices=CLEANUPS, default="verbatim",
                        help="transcript wording: verbatim, fillers removed (fillers), or "
                             "also repeated words (tidy); the stored text never changes")
    parser.add_argument("--copy", choices=COPIES, default="official",
                        help="official (原本, the default: every word, marked passages shown "
                             "and listed at the end) or public (公開用: withdrawn remarks "
                             "filled with ━, closed sessions as their times, personal "
                             "information as labels)")
    parser.set_defaults(handler=export)
