"""`gijiroku dictionary`: the installation's terms and correction rules, and applying the rules
to a stored meeting again."""

from __future__ import annotations

import argparse
from typing import Any

from gijiroku.cli.common import engine
from gijiroku.dictionary import add_entry, entries, remove_entry
from gijiroku.edits import apply_dictionary


def listing(args: argparse.Namespace) -> int:
    for entry in entries(engine()):
        number = "built-in" if entry.builtin else f"{entry.id}"
        what = (entry.text if entry.kind == "term"
                else f"{entry.text} -> {entry.replacement}")
        note = f"  ({entry.note})" if entry.note else ""
        print(f"{number:>8}  {entry.kind:<10} {entry.language or '*':<3} {what}{note}")
    return 0


def add_term(args: argparse.Namespace) -> int:
    entry = add_entry(engine(), "term", args.term, language=args.language, note=args.note)
    print(f"added term {entry.id}: {entry.text}")
    return 0


def add_rule(args: argparse.Namespace) -> int:
    entry = add_entry(engine(), "correction", args.heard, args.meant, language=args.language,
                      note=args.note)
    print(f"added rule {entry.id}: {entry.text} -> {entry.replacement}")
    return 0


def remove(args: argparse.Namespace) -> int:
    entry = remove_entry(engine(), args.entry_id)
    print(f"removed {entry.kind} {entry.id}: {entry.text}")
    return 0


def apply(args: argparse.Namespace) -> int:
    changes = apply_dictionary(engine(), args.meeting_id)
    for change in changes:
        rules = ", ".join(f"{heard} -> {meant}" for heard, meant in change.rules)
        print(f"line {change.number}: {change.after}   [{rules}]")
    print(f"{len(changes)} line(s) changed (each can be undone in the meeting's history)")
    return 0


def add_commands(commands: Any) -> None:
    parser = commands.add_parser(
        "dictionary", help="terms Whisper should recognise and correction rules (辞書)")
    actions = parser.add_subparsers(dest="dictionary_command", required=True)
    actions.add_parser("list", help="the installation's entries, then the built-in ones"
                       ).set_defaults(handler=listing)
    term = actions.add_parser("add-term", help="a name or term to recognise in new meetings")
    term.add_argument("term")
    rule = actions.add_parser("add-rule", help="a correction: what is misheard -> what is meant")
    rule.add_argument("heard")
    rule.add_argument("meant")
    for each, handler in ((term, add_term), (rule, add_rule)):
        each.add_argument("--language", default="ja",
                          help="meetings it applies to: a code such as ja or en, or '' for all "
                               "(default: ja)")
        each.add_argument("--note", default="", help="what it is, for the people who read the list")
        each.set_defaults(handler=handler)
    gone = actions.add_parser("remove", help="remove one of the installation's entries")
    gone.add_argument("entry_id", type=int)
    gone.set_defaults(handler=remove)
    again = actions.add_parser(
        "apply", help="apply the correction rules to a stored meeting (never to lines edited "
                      "by hand; each change is in the history and can be undone)")
    again.add_argument("meeting_id")
    again.set_defaults(handler=apply)
