"""`gijiroku users` (accounts, their roles, groups and API tokens), `gijiroku group` (a
meeting moved to another group), `gijiroku audit` (the tamper-evident log: verify the
chain, export a date range as CSV) and `gijiroku retention` (recordings of meetings approved
long enough ago removed, once)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from typing import Any

from gijiroku import accounts, audit, retention
from gijiroku.cli.common import EXIT_FAILED, engine, iso_date
from gijiroku.config import get_settings


def create(args: argparse.Namespace) -> int:
    role = "admin" if args.admin else args.role
    if role is None:
        print("error: give --role (viewer, editor, approver, admin) or --admin",
              file=sys.stderr)
        return 2
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    db = engine()
    row = accounts.create_user(db, args.name, role, groups=args.group or [],
                               password=password)
    print(f"user {row.name}: {role}" + (f", {', '.join(args.group)}" if args.group else ""))
    return 0


def token(args: argparse.Namespace) -> int:
    made = accounts.new_token(engine(), args.name)
    print(made)  # stdout holds the token only
    return 0


def revoke(args: argparse.Namespace) -> int:
    count = accounts.revoke_tokens(engine(), args.name)
    print(f"revoked {count} token(s) of {args.name}", file=sys.stderr)
    return 0


def disable(args: argparse.Namespace) -> int:
    accounts.set_disabled(engine(), args.name, not args.enable)
    return 0


def list_users(args: argparse.Namespace) -> int:
    for row, groups in accounts.users(engine()):
        state = " (disabled)" if row.disabled else ""
        print(f"{row.name}\t{row.role}\t{', '.join(groups) or '-'}\t{row.source}{state}")
    return 0


def move(args: argparse.Namespace) -> int:
    left = accounts.move_meeting(engine(), args.meeting_id, args.group or None)
    print(f"{args.meeting_id}: {left or '-'} -> {args.group or '-'}")
    return 0


def verify(args: argparse.Namespace) -> int:
    count, broken = audit.verify(engine())
    if broken is None:
        print(f"audit log intact: {count} entries")
        return 0
    print(f"audit log broken at entry {broken.id}: {broken.reason}", file=sys.stderr)
    return EXIT_FAILED


def export(args: argparse.Namespace) -> int:
    since = datetime.fromisoformat(args.since) if args.since else None
    until = (datetime.fromisoformat(args.until) + timedelta(days=1)) if args.until else None
    sys.stdout.write(audit.export_csv(engine(), since, until))
    return 0


def apply_retention(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.retention_days is None:
        print("GIJIROKU_RETENTION_DAYS is not set: recordings are kept", file=sys.stderr)
        return 0
    for gone in retention.apply(engine(), settings.data_dir, settings.retention_days):
        print(f"{gone.meeting_id}\t{gone.title}\t{', '.join(gone.files)}")
    return 0


def add_commands(commands: Any) -> None:
    parser = commands.add_parser("users", help="accounts: roles, groups, API tokens")
    sub = parser.add_subparsers(dest="users_command", required=True)
    command = sub.add_parser("create", help="a new account")
    command.add_argument("name")
    command.add_argument("--role", choices=accounts.ROLES)
    command.add_argument("--admin", action="store_true", help="the same as --role admin")
    command.add_argument("--group", action="append", help="a group (section) the person "
                         "belongs to, made when new; may be given more than once")
    command.add_argument("--password-stdin", action="store_true",
                         help="read the password from the first line of standard input "
                              f"(at least {accounts.MIN_PASSWORD} characters)")
    command.set_defaults(handler=create)
    command = sub.add_parser("token", help="print a new API token for the person")
    command.add_argument("name")
    command.set_defaults(handler=token)
    command = sub.add_parser("revoke", help="revoke every API token of the person")
    command.add_argument("name")
    command.set_defaults(handler=revoke)
    command = sub.add_parser("disable", help="the person may no longer sign in")
    command.add_argument("name")
    command.add_argument("--enable", action="store_true", help="allow them again")
    command.set_defaults(handler=disable)
    command = sub.add_parser("list", help="every account, its role and groups")
    command.set_defaults(handler=list_users)

    parser = commands.add_parser("group", help="move a meeting to another group (its members "
                                 "see it; none: only admins do)")
    parser.add_argument("meeting_id")
    parser.add_argument("group", nargs="?", help="an existing group; left out: no group")
    parser.set_defaults(handler=move)

    parser = commands.add_parser("audit", help="the tamper-evident audit log")
    sub = parser.add_subparsers(dest="audit_command", required=True)
    command = sub.add_parser("verify", help="check the chain (exit 0 intact, 1 with the "
                             "first broken entry)")
    command.set_defaults(handler=verify)
    command = sub.add_parser("export", help="the entries of a date range as CSV")
    command.add_argument("--since", type=iso_date, help="YYYY-MM-DD")
    command.add_argument("--until", type=iso_date, help="YYYY-MM-DD (that day included)")
    command.set_defaults(handler=export)

    parser = commands.add_parser(
        "retention", help="remove the recordings of meetings approved more than "
                          "GIJIROKU_RETENTION_DAYS ago (the text and minutes stay)")
    parser.set_defaults(handler=apply_retention)
