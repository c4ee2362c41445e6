"""What a person asked for a meeting (language, vocabulary, speaker counts, minutes template,
date and place): one typed value, checked once where it arrives, stored with the meeting as
the same JSON object as ever, so existing databases load unchanged."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date as Date
from typing import Any

from gijiroku import limits
from gijiroku.errors import InvalidInputError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def checked_date(value: str, field: str = "date") -> str:
    """`value` if it is an existing day written YYYY-MM-DD (2026-02-30 is not)."""
    text = value.strip()
    try:
        if _DATE.match(text):
            Date.fromisoformat(text)
            return text
    except ValueError:
        pass
    raise InvalidInputError(f"{field}: {value!r} is not an existing date written YYYY-MM-DD.",
                            code="invalid_date", field=field, value=value)


#: What kind of meeting it is: a council's plenary sitting (本会議), a committee (委員会) or
#: anything else; the first two get the council's proceedings and 会議録 layout.
KINDS = ("honkaigi", "iinkai", "other")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def checked_kind(value: str, field: str = "kind") -> str:
    text = value.strip().lower()
    if text not in KINDS:
        raise InvalidInputError(f"{field}: {value!r} is not a kind of meeting "
                                f"({', '.join(KINDS)}).", code="invalid_kind", field=field,
                                value=value)
    return text


def checked_clock(value: str, field: str = "start_time") -> str:
    """A time of day written H:MM or HH:MM, as HH:MM."""
    found = _CLOCK.match(value.strip())
    if not found:
        raise InvalidInputError(f"{field}: {value!r} is not a time of day written HH:MM.",
                                code="invalid_time", field=field, value=value)
    return f"{int(found.group(1)):02d}:{found.group(2)}"


#: The longest title a meeting may be given (upload, CLI, a later change).
TITLE_LIMIT = limits.TITLE


def checked_title(value: str | None) -> str | None:
    """A meeting's title of at most TITLE_LIMIT characters (None or blank: none given)."""
    text = " ".join(limits.BIDI_CONTROLS.sub("", value or "").split())
    if len(text) > TITLE_LIMIT:
        raise InvalidInputError(f"title is longer than {TITLE_LIMIT} characters.",
                                code="text_too_long", field="title", limit=TITLE_LIMIT)
    return text or None


def checked_language(value: str, field: str = "language") -> str:
    """A language code the speech model knows (ja, en...), lower-cased."""
    from transcribe import languages

    code = value.strip().lower()
    if code not in languages():
        raise InvalidInputError(f"Unknown language {value!r}: use auto, ja, en...",
                                code="invalid_language", field=field, value=value)
    return code
_TEXT_LIMITS = {"place": 200, "template": 64, "hotwords": 2000, "initial_prompt": 2000,
                "roster": 200}


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
    kind: str | None = None  # KINDS; None: other
    start_time: str | None = None  # HH:MM the recording began (the 会議録's times)
    #: The roster (名簿) of the body that met: whose voices to look for, titles and seats.
    roster: str | None = None
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
                values[name] = checked_language(code, name)
        if "date" in values:
            values["date"] = checked_date(str(values["date"]))
        if "kind" in values:
            values["kind"] = checked_kind(str(values["kind"]))
        if "start_time" in values:
            values["start_time"] = checked_clock(str(values["start_time"]))
        for name, limit in _TEXT_LIMITS.items():
            if name in values and len(str(values[name])) > limit:
                raise InvalidInputError(f"{name} is longer than {limit} characters.",
                                        code="text_too_long", field=name, limit=limit)
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


__all__ = ["KINDS", "TITLE_LIMIT", "MeetingOptions", "checked_clock", "checked_date",
           "checked_kind", "checked_language", "checked_title"]
