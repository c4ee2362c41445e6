"""What the commands share: exit codes, the terminal progress line, argument types."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from gijiroku.config import get_settings
from gijiroku.export import export_meeting
from gijiroku.storage import open_database

EXIT_FAILED = 1
EXIT_CONFIG = 2


class TerminalProgress:
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

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # the bar's line is ended before any message that follows


def engine() -> Engine:
    """The configured database, migrated."""
    return open_database(get_settings().resolved_database_url)


def write_json(engine: Engine, meeting_id: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(export_meeting(engine, meeting_id, "json").content)


def iso_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError("use YYYY-MM-DD") from exc


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def add_speaker_hints(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--num-speakers", type=positive, help="exact number of speakers")
    parser.add_argument("--min-speakers", type=positive, help="at least this many speakers")
    parser.add_argument("--max-speakers", type=positive, help="at most this many speakers")


__all__ = ["EXIT_CONFIG", "EXIT_FAILED", "TerminalProgress", "add_speaker_hints", "engine",
           "iso_date", "positive", "write_json"]
