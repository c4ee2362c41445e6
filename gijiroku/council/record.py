"""What a council's record (会議録) holds beyond the transcript, as a secretariat gives it:
the body and the session, attendance, those present to explain, the secretariat's staff,
the signing members, how speakers are headed, and the proceedings as a person corrected
them. Stored with the meeting (`MeetingRow.record`); checked here for every door (API, CLI).

Until a person corrects them, the proceedings are recognised from the transcript each time
they are asked for (`gijiroku.council.proceedings`), so proofreading a line changes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gijiroku import limits
from gijiroku.council.proceedings import (
    EVENTS,
    METHODS,
    RESULTS,
    AgendaItem,
    Event,
    Proceedings,
    Vote,
    lines_of,
    recognise,
)
from gijiroku.domain import Segment
from gijiroku.errors import InvalidInputError
from gijiroku.limits import checked_text
from gijiroku.options import checked_clock

#: The texts of the record, one line each.
TEXTS = ("body", "session", "chair")
#: The lists of the record: one person (or staff member) a line, as the 会議録 prints them
#: (「１番　木村　誠」「市長　長谷川　宏」).
LISTS = ("present", "absent", "officials", "staff", "signers")
#: The house style: how speakers are headed (a marker, an honorific after a name), the era
#: dates are written in, and how numbers said in kanji are written in a 整文 record
#: (`arabic`: 算用数字 for what they count, `kanji`: as the recogniser wrote them).
STYLE_DEFAULTS = {"marker": "○", "honorific": "君", "era": "wareki", "numbers": "arabic"}
ERAS = ("wareki", "seireki")
NUMBERS = ("arabic", "kanji")
FIELDS = (*TEXTS, "number", *LISTS, "style", "proceedings")
PEOPLE = 200  # the most names a list may hold


@dataclass(slots=True)
class Record:
    body: str | None = None  # 「○○市議会」, 「総務常任委員会」
    session: str | None = None  # 「令和８年第４回定例会」
    number: int | None = None  # the sitting's number in the session: 第２号
    chair: str | None = None  # the chair's name, who signs first: 「大西　健一郎」
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    officials: list[str] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)
    signers: list[str] = field(default_factory=list)
    style: dict[str, str] = field(default_factory=lambda: dict(STYLE_DEFAULTS))
    #: corrected by a person; None: recognised from the transcript
    proceedings: dict[str, Any] | None = None

    @classmethod
    def stored(cls, data: dict[str, Any] | None) -> Record:
        """From the database: what this version knows, of the right type."""
        data = data or {}
        record = cls()
        for name in TEXTS:
            if isinstance(data.get(name), str):
                setattr(record, name, data[name])
        if isinstance(data.get("number"), int):
            record.number = data["number"]
        for name in LISTS:
            if isinstance(data.get(name), list):
                setattr(record, name, [str(x) for x in data[name]])
        if isinstance(data.get("style"), dict):
            record.style = {**STYLE_DEFAULTS, **{k: str(v) for k, v in data["style"].items()
                                                  if k in STYLE_DEFAULTS}}
        if isinstance(data.get("proceedings"), dict):
            record.proceedings = data["proceedings"]
        return record

    def to_stored(self) -> dict[str, Any]:
        stored: dict[str, Any] = {name: getattr(self, name) for name in (*TEXTS, "number")
                                  if getattr(self, name) is not None}
        stored.update({name: getattr(self, name) for name in LISTS if getattr(self, name)})
        if self.style != STYLE_DEFAULTS:
            stored["style"] = self.style
        if self.proceedings is not None:
            stored["proceedings"] = self.proceedings
        return stored

    def view(self) -> dict[str, Any]:
        """As the API shows it (every field, the proceedings apart)."""
        return {name: getattr(self, name) for name in FIELDS if name != "proceedings"}


def checked_record(changes: dict[str, Any], lines: set[int]) -> dict[str, Any]:
    """What a person sent, checked: texts of one line, a sitting number from 1 to 999,
    lists of at most 200 names, the style's known keys, proceedings of the interface's shape
    citing lines that exist (`lines`). Unknown names are refused."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise InvalidInputError(f"Unknown record field(s): {', '.join(sorted(unknown))}.")
    checked: dict[str, Any] = {}
    for name in TEXTS:
        if name in changes:
            checked[name] = checked_text(changes[name] or "", name, limits.NAME,
                                         one_line=True) or None
    if "number" in changes:
        number = changes["number"]
        if number not in (None, "") and (not str(number).isdigit()
                                         or not 1 <= int(number) <= 999):
            raise InvalidInputError("number: the sitting's number is a whole number from 1 "
                                    "to 999.", field="number", value=number)
        checked["number"] = int(number) if number not in (None, "") else None
    for name in LISTS:
        if name in changes:
            names = [checked_text(x, name, limits.NAME, one_line=True)
                     for x in changes[name] or []]
            if len(names) > PEOPLE:
                raise InvalidInputError(f"{name}: at most {PEOPLE} names.", field=name)
            checked[name] = [x for x in names if x]
    if "style" in changes:
        checked["style"] = _checked_style(changes["style"] or {})
    if "proceedings" in changes:
        given = changes["proceedings"]
        checked["proceedings"] = None if given is None else \
            checked_proceedings(given, lines).to_dict()
    return checked


def _checked_style(style: dict[str, Any]) -> dict[str, str]:
    unknown = set(style) - set(STYLE_DEFAULTS)
    if unknown:
        raise InvalidInputError(f"Unknown style key(s): {', '.join(sorted(unknown))}.")
    checked = {**STYLE_DEFAULTS, **{k: str(v) for k, v in style.items()}}
    if len(checked["marker"]) > 2 or len(checked["honorific"]) > 4:
        raise InvalidInputError("style: a marker of at most 2 characters and an honorific "
                                "of at most 4.", field="style")
    if checked["era"] not in ERAS:
        raise InvalidInputError(f"style: era is one of {', '.join(ERAS)}.", field="style")
    if checked["numbers"] not in NUMBERS:
        raise InvalidInputError(f"style: numbers is one of {', '.join(NUMBERS)}.",
                                field="style")
    return checked


def checked_proceedings(data: Any, lines: set[int]) -> Proceedings:
    """Proceedings in the interface's shape (`Proceedings.to_dict`), checked: known methods,
    results and events, times HH:MM, cited lines that exist."""
    if not isinstance(data, dict) or set(data) - {"agenda", "votes", "events"}:
        raise InvalidInputError("proceedings: an object with agenda, votes and events.")

    def entries(name: str) -> list[dict[str, Any]]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value) \
                or len(value) > 500:
            raise InvalidInputError(f"proceedings: {name} is a list of at most 500 objects.")
        return value

    def text(entry: dict[str, Any], key: str, required: bool = False) -> str | None:
        value = entry.get(key)
        if value is None and not required:
            return None
        return checked_text(str(value or ""), key, limits.NAME, one_line=True,
                            required=required) or None

    def cited(entry: dict[str, Any]) -> list[int]:
        numbers = entry.get("segments", [])
        if not isinstance(numbers, list) or not all(
                isinstance(n, int) and not isinstance(n, bool) for n in numbers):
            raise InvalidInputError("proceedings: segments is a list of line numbers.")
        missing = sorted(set(numbers) - lines)
        if missing:
            raise InvalidInputError(f"proceedings: no line {missing[0]} in this meeting.",
                                    code="no_such_line", value=missing[0])
        return sorted(set(numbers))

    def one_of(entry: dict[str, Any], key: str, allowed: tuple[str, ...],
               optional: bool = False) -> str | None:
        value = entry.get(key)
        if value is None and optional:
            return None
        if value not in allowed:
            raise InvalidInputError(f"proceedings: {key} is one of {', '.join(allowed)}.",
                                    field=key, value=value)
        return str(value)

    found = Proceedings()
    for entry in entries("agenda"):
        found.agenda.append(AgendaItem(text(entry, "item"), text(entry, "bill"),
                                       text(entry, "title") or "", cited(entry)))
    for entry in entries("votes"):
        found.votes.append(Vote(text(entry, "bill"), one_of(entry, "method", METHODS, True),
                                one_of(entry, "result", RESULTS) or "", cited(entry),
                                committee=text(entry, "committee")))
    for entry in entries("events"):
        at = entry.get("at")
        if at is not None:
            at = checked_clock(str(at), "at")
        found.events.append(Event(one_of(entry, "kind", EVENTS) or "", at, cited(entry)))
    return found


def proceedings_of(record: Record, segments: list[Segment],
                   start_time: str | None, date: str | None) -> tuple[Proceedings, bool]:
    """The meeting's proceedings and whether a person corrected them."""
    if record.proceedings is not None:
        return checked_proceedings(record.proceedings, {
            s.id for s in segments if s.id is not None}), True
    started = None
    if start_time:
        started = datetime.fromisoformat(f"{date or '2000-01-01'}T{start_time}")
    return recognise(lines_of(segments), started), False


__all__ = ["ERAS", "FIELDS", "LISTS", "NUMBERS", "STYLE_DEFAULTS", "TEXTS", "Record",
           "checked_proceedings", "checked_record", "proceedings_of"]
