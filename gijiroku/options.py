"""What a person asked for a meeting (language, vocabulary, speaker counts, minutes template,
date and place): one typed value, checked once where it arrives, stored with the meeting as
the same JSON object as ever, so existing databases load unchanged."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from gijiroku.errors import InvalidInputError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TEXT_LIMITS = {"place": 200, "template": 64, "hotwords": 2000, "initial_prompt": 2000}


@dataclass(frozen=True, slots=True)
class MeetingOptions:
    language: str | None = None  # None: the configured default (auto-detection)
    hotwords: str | None = None
    initial_prompt: str | None = None
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    template: str | None = None  # None: the configured one, else the language's own
    minutes_language: str | None = None  # None: the meeting's language
    date: str | None = None  # YYYY-MM-DD; None: the day it was uploaded
    place: str | None = None
    minutes: bool = True  # False: the person asked for no minutes

    @classmethod
    def checked(cls, **given: Any) -> MeetingOptions:
        """From what a person gave (CLI arguments, an upload form): blanks are unset, each
        value is checked, and a bad one is refused with a clear message."""
        values: dict[str, Any] = {}
        for name, value in given.items():
            if isinstance(value, str):
                value = value.strip()
            if value in (None, ""):
                continue
            values[name] = value
        for name in ("language", "minutes_language"):
            if name in values:
                code = str(values[name]).lower()
                if code == "auto" and name == "language":
                    del values[name]
                    continue
                if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
                    raise InvalidInputError(f"Unknown language {values[name]!r}: use auto, ja, "
                                            "en...")
                values[name] = code
        if "date" in values and not _DATE.match(str(values["date"])):
            raise InvalidInputError("date must be written YYYY-MM-DD.")
        for name, limit in _TEXT_LIMITS.items():
            if name in values and len(str(values[name])) > limit:
                raise InvalidInputError(f"{name} is longer than {limit} characters.")
        for name in ("num_speakers", "min_speakers", "max_speakers"):
            if name in values:
                text = str(values[name])
                if not text.isdigit() or not 1 <= int(text) <= 100:
                    raise InvalidInputError(f"{name} must be a whole number from 1 to 100.")
                values[name] = int(text)
        low, high = values.get("min_speakers"), values.get("max_speakers")
        if low is not None and high is not None and low > high:
            raise InvalidInputError(f"min speakers ({low}) is more than max speakers ({high}).")
        try:
            return cls(**values)
        except TypeError as exc:  # a name that is no option
            raise InvalidInputError(str(exc)) from exc

    @classmethod
    def stored(cls, data: Mapping[str, Any] | None) -> MeetingOptions:
        """From the database: what this version knows, of the right type; the rest (older or
        newer versions' keys, hand-edited rows) is left out rather than trusted."""
        data = data or {}
        values: dict[str, Any] = {}
        for option in fields(cls):
            value = data.get(option.name)
            if option.name == "minutes":
                if value is False:
                    values["minutes"] = False
            elif option.name.endswith("_speakers"):
                if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
                    values[option.name] = value
            elif isinstance(value, str) and value:
                values[option.name] = value
        return cls(**values)

    def to_stored(self) -> dict[str, Any]:
        """As stored: only what was set (`"minutes": false` when none were asked for)."""
        stored = {k: v for k, v in asdict(self).items() if v is not None and k != "minutes"}
        if not self.minutes:
            stored["minutes"] = False
        return stored


__all__ = ["MeetingOptions"]
