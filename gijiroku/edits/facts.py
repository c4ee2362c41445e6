"""The meeting's facts a person can change at any time, with or without a language model:
title, date, place, kind of meeting, start time, summary and agenda items, checked against
the limits every door shares (`gijiroku.limits`); one history entry holds what each was.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import replace as copy_with
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from gijiroku import limits
from gijiroku.domain import Minutes
from gijiroku.edits.history import record
from gijiroku.errors import EditConflictError, InvalidInputError
from gijiroku.limits import checked_text
from gijiroku.options import TITLE_LIMIT, checked_clock, checked_date, checked_kind
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import EditRow, MeetingRow

#: The facts of a meeting a person can change at any time, with or without a language model.
FACTS = ("title", "date", "place", "kind", "start_time", "summary", "agenda", "reviewed")
#: The facts kept with what was asked for the meeting (its options).
_OPTIONS = ("date", "place", "kind", "start_time")
SUMMARY_LIMIT, AGENDA_ITEMS, AGENDA_LIMIT = limits.SUMMARY, limits.AGENDA_ITEMS, limits.AGENDA_ITEM


def meeting_facts(meeting: MeetingRow) -> dict[str, Any]:
    """Title, date, place, summary and agenda items as stored (where each one lives)."""
    options = repository.options_of(meeting)
    minutes = meeting.minutes or {}
    return {"title": meeting.title, "date": options.date, "place": options.place,
            "kind": options.kind, "start_time": options.start_time,
            "summary": minutes.get("summary", ""),
            "agenda": [str(t) for t in minutes.get("topics", [])],
            "reviewed": bool(minutes.get("reviewed", False))}


def _set_facts(meeting: MeetingRow, facts: dict[str, Any]) -> None:
    if "title" in facts:
        meeting.title = facts["title"]
    if any(k in facts for k in _OPTIONS):
        options = repository.options_of(meeting)
        meeting.options = copy_with(options, **{k: facts[k] for k in _OPTIONS
                                                if k in facts}).to_stored()
    if "summary" in facts or "agenda" in facts or "reviewed" in facts:
        minutes = dict(meeting.minutes or {
            k: v for k, v in asdict(Minutes(status=meeting.minutes_status)).items()
            if k not in repository.MINUTES_KINDS})
        if "summary" in facts:
            minutes["summary"] = facts["summary"]
        if "agenda" in facts:
            minutes["topics"] = facts["agenda"]
        if "reviewed" in facts:
            minutes["reviewed"] = facts["reviewed"]
        meeting.minutes = minutes


def checked_facts(changes: dict[str, Any]) -> dict[str, Any]:
    """What a person sent, checked: a title of 1 to 200 characters, an existing date (or
    none), a place, a summary and up to 50 agenda items. Unknown names are refused."""
    unknown = set(changes) - set(FACTS)
    if unknown:
        raise InvalidInputError(f"Unknown meeting fact(s): {', '.join(sorted(unknown))}.")
    facts: dict[str, Any] = {}
    if "title" in changes:
        facts["title"] = checked_text(changes["title"], "title", TITLE_LIMIT, required=True,
                                       one_line=True)
    if "date" in changes:
        facts["date"] = checked_date(str(changes["date"])) if changes["date"] else None
    if "place" in changes:
        facts["place"] = checked_text(changes["place"], "place", limits.NAME,
                                       one_line=True) or None
    if "kind" in changes:
        facts["kind"] = checked_kind(str(changes["kind"])) if changes["kind"] else None
    if "start_time" in changes:
        facts["start_time"] = (checked_clock(str(changes["start_time"]))
                               if changes["start_time"] else None)
    if "summary" in changes:
        facts["summary"] = checked_text(changes["summary"], "summary", SUMMARY_LIMIT)
    if "agenda" in changes:
        items = [checked_text(item, "agenda", AGENDA_LIMIT, one_line=True)
                 for item in changes["agenda"] or []]
        if len(items) > AGENDA_ITEMS:
            raise InvalidInputError(f"At most {AGENDA_ITEMS} agenda items.",
                                    code="text_too_long", field="agenda", limit=AGENDA_ITEMS)
        facts["agenda"] = [item for item in items if item]
    if "reviewed" in changes:
        if not isinstance(changes["reviewed"], bool):
            raise InvalidInputError("reviewed is true or false.", field="reviewed")
        facts["reviewed"] = changes["reviewed"]
    return facts


def edit_meeting(engine: Engine, meeting_id: str, changes: dict[str, Any]) -> EditRow | None:
    """Change the meeting's title, date, place, summary or agenda items (one history entry
    holding what each was); None when nothing changed."""
    facts = checked_facts(changes)
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        current = meeting_facts(meeting)
        changed = {k: v for k, v in facts.items() if current[k] != v}
        if not changed:
            return None
        _set_facts(meeting, changed)
        session.add(meeting)
        return record(session, meeting_id, "meeting", "",
                       {k: current[k] for k in changed}, changed)


def undo_facts(session: Session, meeting: MeetingRow, edit: EditRow) -> None:
    """Undo an entry of kind `meeting`: the facts it changed, if still as it left them."""
    facts = meeting_facts(meeting)
    if {name: facts[name] for name in edit.after} != edit.after:
        raise EditConflictError(
            "This was changed again after that edit; undo the later edit first.")
    _set_facts(meeting, edit.before)


__all__ = ["FACTS", "checked_facts", "edit_meeting", "meeting_facts", "undo_facts"]
