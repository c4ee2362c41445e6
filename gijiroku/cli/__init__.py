"""The `gijiroku` command: process recordings, run the service and workers, show results.
Each command parses its arguments, calls the use-case layer and prints; one place turns an
error into a message and an exit status."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from gijiroku.cli import dictionary, find, marks, meetings, models, roster, service, users
from gijiroku.cli.common import EXIT_CONFIG, EXIT_FAILED
from gijiroku.errors import GijirokuError, InvalidInputError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gijiroku", description="Turn meeting recordings into reviewed minutes."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    commands = parser.add_subparsers(dest="command", required=True)
    for part in (meetings, find, marks, dictionary, roster, users, models, service):
        part.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    long_running = args.command in ("serve", "worker")  # always log what happens
    logging.basicConfig(
        level=logging.INFO if args.verbose or long_running else logging.ERROR,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return int(args.handler(args))
    except GijirokuError as exc:
        print(f"error: {exc.message} [{exc.code}]", file=sys.stderr)
        # a setting or an argument that cannot be used: nothing was done
        refused = isinstance(exc, InvalidInputError) or exc.code == "config_invalid"
        return EXIT_CONFIG if refused else EXIT_FAILED
    except OSError as exc:  # a folder or file the settings name that cannot be used
        print(f"error: {exc.strerror or exc}"
              f"{f': {exc.filename}' if exc.filename else ''} [os_error]", file=sys.stderr)
        return EXIT_FAILED
    except SQLAlchemyError as exc:  # GIJIROKU_DATABASE_URL names a database that fails
        cause = getattr(exc, "orig", None) or exc
        print(f"error: the database cannot be used: {str(cause).strip().splitlines()[0]} "
              "(GIJIROKU_DATABASE_URL) [database_unavailable]", file=sys.stderr)
        return EXIT_FAILED


__all__ = ["build_parser", "main"]
