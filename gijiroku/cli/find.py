"""`gijiroku search QUERY` (lines of every meeting, by the full-text index) and `gijiroku ask
QUESTION` (an answer from past minutes, each sentence citing its lines). The command line is
the installation's: it reads every meeting, in the original copy."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from gijiroku import ask as asking
from gijiroku import search
from gijiroku.cli.common import engine
from gijiroku.config import get_settings
from gijiroku.domain import clock
from gijiroku.principal import INSTALLATION


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("use YYYY-MM-DD") from exc


def run_search(args: argparse.Namespace) -> int:
    filters = search.Filters(since=args.since, until=args.until, kind=args.kind,
                             group=args.group, speaker=args.speaker, person=args.person,
                             role=args.role)
    found = search.search(engine(), args.query, reader=INSTALLATION, filters=filters,
                          limit=args.limit)
    if args.json:
        print(json.dumps(found.as_json(), ensure_ascii=False, indent=2))
        return 0
    meeting = None
    for hit in found.hits:
        if hit.meeting_id != meeting:
            meeting = hit.meeting_id
            print(f"{hit.meeting_date} {hit.meeting_title} ({hit.meeting_id})")
        print(f"  #{hit.segment_id} {clock(hit.start)} {hit.speaker or '-'}: {hit.text}")
    shown = len(found.hits)
    print(f"{found.total} line(s) found" + (f", {shown} shown" if shown < found.total else ""))
    return 0


def run_ask(args: argparse.Namespace) -> int:
    answer = asking.ask(engine(), get_settings(), args.question, reader=INSTALLATION)
    if args.json:
        print(json.dumps(answer.as_json(), ensure_ascii=False, indent=2))
        return 0
    print(answer.answer)
    for number, cited in enumerate(answer.citations, start=1):
        print(f"  [{number}] {cited.meeting_title} #{cited.segment_id} {clock(cited.start)} "
              f"{cited.speaker or '-'}: {cited.text}")
    return 0


def add_commands(commands: Any) -> None:
    parser = commands.add_parser("search", help="find lines in every meeting (full text)")
    parser.add_argument("query", help='words (AND), OR, -word or NOT word, "a phrase"')
    parser.add_argument("--json", action="store_true", help="print the hits as JSON")
    parser.add_argument("--since", type=_date, help="meetings held on or after YYYY-MM-DD")
    parser.add_argument("--until", type=_date, help="meetings held on or before YYYY-MM-DD")
    parser.add_argument("--kind",
                        help="the kind of meeting: honkaigi (本会議), iinkai (委員会), other")
    parser.add_argument("--group", help="meetings of this group (section)")
    parser.add_argument("--speaker", help="lines of speakers whose name holds this")
    parser.add_argument("--person", help="lines of this roster person")
    parser.add_argument("--role", help="lines of speakers with this title (市長, 議長...)")
    parser.add_argument("--limit", type=int, default=search.LIMIT,
                        help=f"lines shown at most (default {search.LIMIT})")
    parser.set_defaults(handler=run_search)
    parser = commands.add_parser(
        "ask", help="answer a question from past minutes, citing the lines")
    parser.add_argument("question")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.set_defaults(handler=run_ask)
