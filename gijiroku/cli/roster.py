"""`gijiroku roster`: the people who speak in meetings (名簿), their voiceprints, and naming a
stored meeting's speaker as one of them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from gijiroku import roster
from gijiroku.cli.common import engine, iso_date
from gijiroku.config import get_settings
from gijiroku.edits import enrol
from gijiroku.errors import InvalidInputError
from gijiroku.result import roster_entry_document


def add(args: argparse.Namespace) -> int:
    person = roster.add_person(
        engine(), args.name, roster=args.roster, reading=args.reading, seat=args.seat,
        title=args.title, group=args.group, active_from=args.active_from,
        active_to=args.active_to)
    where = args.roster or roster.DEFAULT_ROSTER
    print(f"{person.name} is on the roster {where!r}"
          + (f" as {person.role()}" if person.role() else ""))
    return 0


def import_file(args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"Cannot read {path}: {exc.strerror or exc}",
                                code="csv_unreadable") from exc
    done = roster.import_csv(engine(), data, args.roster)
    print(f"{done.added} added, {done.updated} updated on the roster "
          f"{args.roster or roster.DEFAULT_ROSTER!r}")
    return 0


def listing(args: argparse.Namespace) -> int:
    from diarize.voices import VOICE_MODELS

    found = roster.entries(engine(), args.roster)
    current = VOICE_MODELS[get_settings().voiceprint_model]
    if args.json:
        json.dump([roster_entry_document(e) for e in found], sys.stdout, ensure_ascii=False,
                  indent=1)
        print()
        return 0
    for entry in found:
        person = entry.person
        seat = f"{person.seat:>3}" if person.seat is not None else "   "
        prints = ", ".join(f"{n} × {m}" for m, n in entry.voiceprints.items()) or "no voiceprint"
        if entry.voiceprints and current not in entry.voiceprints:
            prints += f"; enrol again: none of {current}, the encoder now used"
        print(f"{seat}  {person.name}  {person.reading}  {person.title}  {person.affiliation}"
              f"  [{', '.join(entry.rosters)}]  ({prints})")
    return 0


def remove(args: argparse.Namespace) -> int:
    name = roster.remove_person(engine(), args.name, args.roster)
    print(f"{name} removed" + (f" from {args.roster!r}" if args.roster
                               else " with their voiceprints"))
    return 0


def enrol_speaker(args: argparse.Namespace) -> int:
    done = enrol(engine(), args.meeting_id, args.speaker_id, args.name,
                 get_settings().voiceprint_threshold)
    kept = ("voiceprint kept" if done.voiceprint is not None else
            "no voiceprint kept (too little speech, or diarized before voices were kept: "
            "run diarization again)")
    print(f"{args.speaker_id} is {done.person.name}; {kept}")
    return 0


def match(args: argparse.Namespace) -> int:
    found = roster.suggest_again(engine(), args.meeting_id,
                                 get_settings().voiceprint_threshold)
    print(f"{found} speaker(s) matched a roster voiceprint")
    return 0


def rosters(args: argparse.Namespace) -> int:
    for name, count in roster.rosters(engine()):
        print(f"{name}  ({count} people)")
    return 0


def add_commands(commands: Any) -> None:
    parser = commands.add_parser(
        "roster", help="people who speak in meetings (名簿), voiceprints, naming speakers")
    actions = parser.add_subparsers(dest="roster_command", required=True)
    person = actions.add_parser("add", help="put someone on a roster (or change their entry)")
    person.add_argument("name")
    person.add_argument("--title", help="議長, 委員長, 市長, 総務部長...")
    person.add_argument("--reading", help="the name in kana")
    person.add_argument("--seat", type=int, help="seat number (議席番号) of a member")
    person.add_argument("--group", help="会派 or department")
    person.add_argument("--active-from", type=iso_date, help="first day, YYYY-MM-DD")
    person.add_argument("--active-to", type=iso_date, help="last day, YYYY-MM-DD")
    person.set_defaults(handler=add)
    imported = actions.add_parser(
        "import", help="people from a CSV file (columns name, reading, seat, title, group, "
                       "or 氏名, ふりがな, 議席, 役職, 会派; UTF-8 or Shift_JIS)")
    imported.add_argument("file", type=Path)
    imported.set_defaults(handler=import_file)
    listed = actions.add_parser("list", help="the people, with their voiceprints")
    listed.add_argument("--json", action="store_true", help="as JSON")
    listed.set_defaults(handler=listing)
    gone = actions.add_parser("remove", help="take someone off a roster (no --roster: off "
                                             "every roster, voiceprints too)")
    gone.add_argument("name")
    gone.set_defaults(handler=remove)
    for each in (person, imported, listed, gone):
        each.add_argument("--roster", help=f"which roster (default: {roster.DEFAULT_ROSTER!r}"
                          + (", or all for list and remove)" if each in (listed, gone)
                             else ")"))
    confirm = actions.add_parser(
        "enrol", help="confirm a stored meeting's speaker as a roster person: names the "
                      "speaker and keeps the voiceprint")
    confirm.add_argument("meeting_id")
    confirm.add_argument("speaker_id", help="S1, S2...")
    confirm.add_argument("name", help="the person's name on the roster")
    confirm.set_defaults(handler=enrol_speaker)
    again = actions.add_parser("match", help="match a stored meeting's speakers against "
                                             "the voiceprints as they are now")
    again.add_argument("meeting_id")
    again.set_defaults(handler=match)
    actions.add_parser("rosters", help="the rosters and how many are on each"
                       ).set_defaults(handler=rosters)
