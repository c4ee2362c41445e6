"""`gijiroku marks`: the marks of a stored meeting (取消し, 秘密会, 個人情報) and the marks
suggested for it, from the command line."""

from __future__ import annotations

import argparse
import json
from typing import Any

from gijiroku import edits, mark_suggestions
from gijiroku.cli.common import engine
from gijiroku.domain import Mark
from gijiroku.marks import CATEGORIES, KINDS, label
from gijiroku.result import mark_document
from gijiroku.storage import repository, session_scope


def _print(documents: list[dict[str, Any]], as_json: bool, line: Any) -> None:
    if as_json:
        print(json.dumps(documents, ensure_ascii=False, indent=2))
        return
    for document in documents:
        print(line(document))


def _where(d: dict[str, Any]) -> str:
    last = d.get("last_segment_id")
    span = "" if d.get("start") is None and d.get("end") is None else \
        f" [{d.get('start') or 0}:{'' if d.get('end') is None else d['end']}]"
    return f"#{d['segment_id']}" + (f"–#{last}" if last else "") + span


def list_marks(args: argparse.Namespace) -> int:
    with session_scope(engine()) as session:
        repository.get_meeting_row(session, args.id)
        found = [mark_document(m) for m in repository.load_marks(session, args.id)]
    _print(found, args.json, lambda d: (
        f"{d['id']:>4}  {label(d['kind'], 'ja')}"
        f"{'（' + label(d['category'], 'ja') + '）' if d['category'] else ''}  {_where(d)}  "
        f"「{d['text']}」{'  〔本文から消えた〕' if d['lost'] else ''}"))
    return 0


def add(args: argparse.Namespace) -> int:
    mark = edits.add_mark(engine(), args.id, kind=args.kind, segment=args.line,
                          start=args.start, end=args.end, last_segment=args.last,
                          category=args.category, note=args.note or "",
                          permitted_by=args.permitted_by)
    return _said(mark)


def _said(mark: Mark) -> int:
    """A mark just set, as the commands print it."""
    print(f"mark {mark.id}: {label(mark.kind, 'ja')} 「{mark.text}」")
    return 0


def remove(args: argparse.Namespace) -> int:
    mark = edits.remove_mark(engine(), args.id, args.mark)
    print(f"removed mark {mark.id} 「{mark.text}」")
    return 0


def suggest(args: argparse.Namespace) -> int:
    found = [mark_suggestions.suggestion_document(s)
             for s in mark_suggestions.suggestions(engine(), args.id, args.kind)]
    _print(found, args.json, lambda d: (
        f"{d['id']}  {label(d['category'] or d['kind'], 'ja')}  #{d['segment_id']}  "
        f"「{d['text']}」"))
    return 0


def accept(args: argparse.Namespace) -> int:
    return _said(mark_suggestions.accept(engine(), args.id, args.suggestion))


def dismiss(args: argparse.Namespace) -> int:
    turned = mark_suggestions.turn_down(engine(), args.id, args.suggestion)
    print(f"dismissed 「{turned.text}」 (#{turned.segment}); it is not suggested again")
    return 0


def add_commands(commands: Any) -> None:
    parser = commands.add_parser(
        "marks", help="withdrawn remarks, closed sessions and personal information marked "
                      "on a meeting's transcript (the public copy leaves them out)")
    sub = parser.add_subparsers(dest="marks_command", required=True)

    command = sub.add_parser("list", help="the meeting's marks")
    command.add_argument("id", help="meeting id")
    command.add_argument("--json", action="store_true")
    command.set_defaults(handler=list_marks)

    command = sub.add_parser("add", help="mark characters of a line, a line or lines")
    command.add_argument("id", help="meeting id")
    command.add_argument("line", type=int, help="the (first) line's number")
    command.add_argument("--kind", required=True, choices=KINDS)
    command.add_argument("--start", type=int, help="first character (0-based; default: "
                         "the line's start)")
    command.add_argument("--end", type=int, help="character after the last (default: the "
                         "line's end)")
    command.add_argument("--last", type=int, help="the last line of a range")
    command.add_argument("--category", choices=CATEGORIES,
                         help="personal information: what it is")
    command.add_argument("--permitted-by", type=int, help="a withdrawal: the line where "
                         "the council permitted it")
    command.add_argument("--note")
    command.set_defaults(handler=add)

    command = sub.add_parser("remove", help="remove a mark (undo brings it back)")
    command.add_argument("id", help="meeting id")
    command.add_argument("mark", type=int, help="the mark's id, as 'marks list' prints it")
    command.set_defaults(handler=remove)

    command = sub.add_parser("suggest", help="marks suggested: personal information, "
                             "withdrawals the chair permitted")
    command.add_argument("id", help="meeting id")
    command.add_argument("--kind", choices=("personal", "withdrawn"))
    command.add_argument("--json", action="store_true")
    command.set_defaults(handler=suggest)

    for name, handler, text in (("accept", accept, "set a suggested mark"),
                                ("dismiss", dismiss, "never suggest it again")):
        command = sub.add_parser(name, help=text)
        command.add_argument("id", help="meeting id")
        command.add_argument("suggestion", help="the suggestion's id, as 'marks suggest' "
                             "prints it")
        command.set_defaults(handler=handler)
