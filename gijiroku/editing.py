"""Edits a person makes to a meeting, each kept in a history with its time and what was
there before, so it can be seen and undone.

Changes the dictionary's correction rules made (`gijiroku.dictionary`) are kept in the same
history and undone the same way. Segment edits mark the segment `edited`: a re-run of
diarization, which rebuilds segments, must be asked explicitly to replace them. Decisions
and action items are edited as whole lists (add, change, delete): the history keeps the list
before and after.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import replace as copy_with
from typing import Any, Literal

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gijiroku import lines
from gijiroku.dictionary import line_state, restore_line
from gijiroku.domain import ActionItem, Decision, Minutes
from gijiroku.errors import (
    EditConflictError,
    EditError,
    InvalidInputError,
    NotFoundError,
    StaleVersionError,
)
from gijiroku.options import TITLE_LIMIT, checked_date
from gijiroku.result import item_document, segment_document
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import EditRow, MeetingRow, SegmentRow, SpeakerRow, utcnow

MinutesList = Literal["decisions", "action_items"]
MINUTES_LISTS: tuple[MinutesList, ...] = ("decisions", "action_items")


def _segment(session: Session, meeting_id: str, number: int) -> SegmentRow:
    repository.get_meeting_row(session, meeting_id)
    row = session.exec(
        select(SegmentRow).where(SegmentRow.meeting_id == meeting_id, SegmentRow.number == number)
    ).first()
    if row is None:
        raise NotFoundError(f"No line {number} in meeting {meeting_id!r}.",
                            code="line_not_found", value=number)
    return row


def _segment_state(session: Session, row: SegmentRow) -> dict[str, Any]:
    words = repository.word_rows(session, row.id)
    return {"text": row.text, "speaker": row.speaker_key, "edited": row.edited,
            "gap": row.gap, "word_speakers": [w.speaker_key for w in words]}


def _apply_segment(session: Session, row: SegmentRow, state: dict[str, Any]) -> None:
    row.text, row.speaker_key, row.edited = state["text"], state["speaker"], state["edited"]
    row.gap = bool(state.get("gap", False))  # (history written before gaps had none)
    session.add(row)
    words = repository.word_rows(session, row.id)
    for word, speaker in zip(words, state["word_speakers"], strict=False):
        word.speaker_key = speaker
        session.add(word)


def _record(session: Session, meeting_id: str, kind: str, target: str, before: Any,
            after: Any) -> EditRow:
    edit = EditRow(meeting_id=meeting_id, kind=kind, target=target, before=before, after=after)
    session.add(edit)
    repository.update_meeting(session, meeting_id)  # bumps updated_at
    session.flush()
    return edit


def check_version(stored: int, sent: int | None, current: Any, what: str) -> None:
    """Refuse a save made against `sent` when the stored thing is at `stored` (StaleVersion
    with the `current` object); no version sent: saved as before versions existed."""
    if sent is not None and sent != stored:
        raise StaleVersionError(
            f"{what} was changed by someone else since it was opened (version {sent}, now "
            f"{stored}); compare with the current text and save again.", current)


def edit_segment(
    engine: Engine,
    meeting_id: str,
    number: int,
    *,
    text: str | None = None,
    speaker: str | None = None,
    version: int | None = None,
) -> EditRow | None:
    """Change a line's text and/or speaker (its words follow the new speaker). With
    `version`, refused when the line changed since that version. Returns the history
    entry, or None when nothing changed."""
    with session_scope(engine) as session:
        row = _segment(session, meeting_id, number)
        check_version(row.version, version, segment_document(
            repository.load_segment(session, meeting_id, number)), f"Line {number}")
        before = _segment_state(session, row)
        after = dict(before)
        if text is not None:
            cleaned = text.strip()
            if not cleaned:
                raise EditError("A line cannot be empty; delete words instead of the line.")
            after["text"] = cleaned
            after["gap"] = False  # speech left without text, typed in: a line like any
        if speaker is not None:
            known = session.exec(
                select(SpeakerRow.key).where(SpeakerRow.meeting_id == meeting_id)
            ).all()
            if speaker not in known:
                raise EditError(f"No speaker {speaker!r} in this meeting (known: "
                                f"{', '.join(known) or 'none'}).")
            after["speaker"] = speaker
            after["word_speakers"] = [speaker] * len(before["word_speakers"])
        if (after["text"], after["speaker"]) == (before["text"], before["speaker"]):
            return None
        after["edited"] = True
        _apply_segment(session, row, after)
        return _record(session, meeting_id, "segment", str(number), before, after)


def rename_speaker(
    engine: Engine, meeting_id: str, speaker_id: str, name: str | None
) -> EditRow | None:
    """Name a speaker; the name shows on every line of theirs."""
    with session_scope(engine) as session:
        repository.get_meeting_row(session, meeting_id)
        before, after = repository.rename_speaker(session, meeting_id, speaker_id, name)
        if before == after:
            return None
        return _record(session, meeting_id, "speaker", speaker_id, before, after)


def set_minutes_list(
    engine: Engine, meeting_id: str, kind: str, items: list[dict[str, Any]]
) -> EditRow:
    """Replace the meeting's decisions or action items with `items` (as stored)."""
    if kind not in MINUTES_LISTS:
        raise EditError(f"Unknown minutes list {kind!r}.")
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        minutes = dict(meeting.minutes or {})
        before = list(minutes.get(kind, []))
        minutes[kind] = items
        meeting.minutes = minutes  # JSON columns track reassignment only
        session.add(meeting)
        return _record(session, meeting_id, kind, "", before, items)


def _kind(item: Decision | ActionItem) -> MinutesList:
    return "decisions" if isinstance(item, Decision) else "action_items"


def _by_hand(item: Decision | ActionItem, version: int = 1) -> dict[str, Any]:
    """A person's item as stored: marked edited, so regenerated minutes keep it, and flagged
    when it cites no line, so it is checked against the recording."""
    return asdict(copy_with(item, flagged=not item.segments, edited=True, version=version))


def check_citations(engine: Engine, meeting_id: str, numbers: list[int]) -> None:
    """Refuse citations of lines the meeting does not have (422 at the API)."""
    if not numbers:
        return
    with session_scope(engine) as session:
        existing = set(session.exec(select(SegmentRow.number).where(
            SegmentRow.meeting_id == meeting_id, col(SegmentRow.number).in_(set(numbers)))))
    missing = sorted(set(numbers) - existing)
    if missing:
        shown = ", ".join(str(n) for n in missing[:5])
        raise InvalidInputError(f"No line {shown} in this meeting: cite existing lines only.",
                                code="invalid_citation", value=shown)


def _items(engine: Engine, meeting_id: str, kind: MinutesList,
           number: int | None = None) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        minutes = repository.get_meeting_row(session, meeting_id).minutes or {}
    items = list(minutes.get(kind, []))
    if number is not None and not 1 <= number <= len(items):
        raise NotFoundError(f"No item {number} in {kind.replace('_', ' ')} "
                            f"(there are {len(items)}).")
    return items


def _check_item(engine: Engine, meeting_id: str, item: Decision | ActionItem) -> None:
    check_citations(engine, meeting_id, item.segments)
    if isinstance(item, ActionItem) and item.due_date:
        checked_date(item.due_date, "due_date")


def add_minutes_item(engine: Engine, meeting_id: str, item: Decision | ActionItem) -> EditRow:
    """A decision or action item a person adds, after the others."""
    _check_item(engine, meeting_id, item)
    items = _items(engine, meeting_id, _kind(item))
    return set_minutes_list(engine, meeting_id, _kind(item), [*items, _by_hand(item)])


def _stored_item(kind: MinutesList, stored: dict[str, Any]) -> Decision | ActionItem:
    return Decision(**stored) if kind == "decisions" else ActionItem(**stored)


def change_minutes_item(
    engine: Engine, meeting_id: str, number: int, item: Decision | ActionItem,
    version: int | None = None,
) -> EditRow:
    """Replace decision or action item `number` (from 1) with what a person wrote; with
    `version`, refused when the item changed since that version."""
    _check_item(engine, meeting_id, item)
    items = _items(engine, meeting_id, _kind(item), number)
    current = _stored_item(_kind(item), items[number - 1])
    check_version(current.version, version, item_document(current),
                  f"Item {number}")
    items[number - 1] = _by_hand(item, current.version + 1)
    return set_minutes_list(engine, meeting_id, _kind(item), items)


def patch_minutes_item(
    engine: Engine, meeting_id: str, kind: MinutesList, number: int,
    changes: dict[str, Any], version: int | None = None,
) -> EditRow:
    """Change some fields of decision or action item `number` (from 1), keeping the rest;
    with `version`, refused when the item changed since that version."""
    current = _stored_item(kind, _items(engine, meeting_id, kind, number)[number - 1])
    return change_minutes_item(engine, meeting_id, number, copy_with(current, **changes),
                               version)


def delete_minutes_item(
    engine: Engine, meeting_id: str, kind: MinutesList, number: int
) -> EditRow:
    items = _items(engine, meeting_id, kind, number)
    del items[number - 1]
    return set_minutes_list(engine, meeting_id, kind, items)


#: The facts of a meeting a person can change at any time, with or without a language model.
FACTS = ("title", "date", "place", "summary", "agenda")
SUMMARY_LIMIT, AGENDA_ITEMS, AGENDA_LIMIT = 5000, 50, 200


def meeting_facts(meeting: MeetingRow) -> dict[str, Any]:
    """Title, date, place, summary and agenda items as stored (where each one lives)."""
    options = repository.options_of(meeting)
    minutes = meeting.minutes or {}
    return {"title": meeting.title, "date": options.date, "place": options.place,
            "summary": minutes.get("summary", ""),
            "agenda": [str(t) for t in minutes.get("topics", [])]}


def _set_facts(meeting: MeetingRow, facts: dict[str, Any]) -> None:
    if "title" in facts:
        meeting.title = facts["title"]
    if "date" in facts or "place" in facts:
        options = repository.options_of(meeting)
        meeting.options = copy_with(options, **{k: facts[k] for k in ("date", "place")
                                                if k in facts}).to_stored()
    if "summary" in facts or "agenda" in facts:
        minutes = dict(meeting.minutes or asdict(Minutes(status=meeting.minutes_status)))
        if "summary" in facts:
            minutes["summary"] = facts["summary"]
        if "agenda" in facts:
            minutes["topics"] = facts["agenda"]
        meeting.minutes = minutes


def _text(value: Any, field: str, limit: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInputError(f"{field} cannot be empty.", code="text_empty", field=field)
    if len(text) > limit:
        raise InvalidInputError(f"{field} is longer than {limit} characters.",
                                code="text_too_long", field=field, limit=limit)
    return text


def checked_facts(changes: dict[str, Any]) -> dict[str, Any]:
    """What a person sent, checked: a title of 1 to 200 characters, an existing date (or
    none), a place, a summary and up to 50 agenda items. Unknown names are refused."""
    unknown = set(changes) - set(FACTS)
    if unknown:
        raise InvalidInputError(f"Unknown meeting fact(s): {', '.join(sorted(unknown))}.")
    facts: dict[str, Any] = {}
    if "title" in changes:
        facts["title"] = _text(changes["title"], "title", TITLE_LIMIT, required=True)
    if "date" in changes:
        facts["date"] = checked_date(str(changes["date"])) if changes["date"] else None
    if "place" in changes:
        facts["place"] = _text(changes["place"], "place", 200) or None
    if "summary" in changes:
        facts["summary"] = _text(changes["summary"], "summary", SUMMARY_LIMIT)
    if "agenda" in changes:
        items = [_text(item, "agenda", AGENDA_LIMIT) for item in changes["agenda"] or []]
        if len(items) > AGENDA_ITEMS:
            raise InvalidInputError(f"At most {AGENDA_ITEMS} agenda items.",
                                    code="text_too_long", field="agenda", limit=AGENDA_ITEMS)
        facts["agenda"] = [item for item in items if item]
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
        return _record(session, meeting_id, "meeting", "",
                       {k: current[k] for k in changed}, changed)


def history(engine: Engine, meeting_id: str) -> list[EditRow]:
    with session_scope(engine) as session:
        repository.get_meeting_row(session, meeting_id)
        return list(session.exec(
            select(EditRow).where(EditRow.meeting_id == meeting_id).order_by(col(EditRow.id))
        ).all())


def undo(engine: Engine, meeting_id: str, edit_id: int) -> EditRow:
    """Put back what an edit replaced, if nothing has changed it again since."""
    with session_scope(engine) as session:
        edit = session.get(EditRow, edit_id)
        if edit is None or edit.meeting_id != meeting_id:
            raise NotFoundError(f"No edit {edit_id} in meeting {meeting_id!r}.")
        if edit.undone_at is not None:
            raise EditConflictError(f"Edit {edit_id} was already undone.")
        meeting = repository.get_meeting_row(session, meeting_id)
        if edit.kind == "segment":
            row = _segment(session, meeting_id, int(edit.target))
            _check_current(_segment_state(session, row), edit)
            _apply_segment(session, row, edit.before)
        elif edit.kind == "speaker":
            try:
                speaker = repository.get_speaker_row(session, meeting_id, edit.target)
            except NotFoundError as exc:
                raise EditConflictError(
                    "That speaker no longer exists (diarization re-ran)."
                ) from exc
            _check_current(speaker.name, edit)
            speaker.name = edit.before
            session.add(speaker)
        elif edit.kind == "dictionary":
            row = _segment(session, meeting_id, int(edit.target))
            # `after` also names the rules that made the change: compare what the line holds
            _check_current(line_state(session, row), edit,
                           after={k: edit.after[k] for k in ("text", "words")})
            restore_line(session, row, edit.before)
        elif edit.kind in ("lines", "speakers"):
            lines.undo(session, meeting, edit)
        elif edit.kind == "meeting":
            facts = meeting_facts(meeting)
            _check_current({name: facts[name] for name in edit.after}, edit)
            _set_facts(meeting, edit.before)
        elif edit.kind in MINUTES_LISTS:
            minutes = dict(meeting.minutes or {})
            _check_current(minutes.get(edit.kind, []), edit)
            minutes[edit.kind] = edit.before
            meeting.minutes = minutes
            session.add(meeting)
        else:
            raise EditError(f"Edits of kind {edit.kind!r} cannot be undone.")
        edit.undone_at = utcnow()
        session.add(edit)
        repository.update_meeting(session, meeting_id)  # bumps updated_at
        return edit


def _check_current(current: Any, edit: EditRow, after: Any = None) -> None:
    if current != (edit.after if after is None else after):
        raise EditConflictError(
            "This was changed again after that edit; undo the later edit first."
        )


def edited_segments(engine: Engine, meeting_id: str) -> int:
    with session_scope(engine) as session:
        return repository.edited_segments(session, meeting_id)


__all__ = [
    "FACTS",
    "MINUTES_LISTS",
    "MinutesList",
    "add_minutes_item",
    "change_minutes_item",
    "check_citations",
    "check_version",
    "delete_minutes_item",
    "edit_meeting",
    "edit_segment",
    "edited_segments",
    "history",
    "meeting_facts",
    "patch_minutes_item",
    "rename_speaker",
    "set_minutes_list",
    "undo",
]
