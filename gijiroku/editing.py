"""Edits a person makes to a meeting, each kept in a history with its time and what was
there before, so it can be seen and undone.

Changes the dictionary's correction rules made (`gijiroku.dictionary`) are kept in the same
history and undone the same way. Segment edits mark the segment `edited`: a re-run of
diarization, which rebuilds segments, must be asked explicitly to replace them. Decisions
and action items are rows with stable ids (add, change, delete one item, each checked against
the version it was made on): the history keeps the item before and after.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import replace as copy_with
from typing import Any

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from gijiroku import limits, lines
from gijiroku.dictionary import line_state, restore_line
from gijiroku.domain import ActionItem, Decision, Minutes, MinutesKind
from gijiroku.errors import (
    EditConflictError,
    EditError,
    InvalidInputError,
    NotFoundError,
    StaleVersionError,
)
from gijiroku.history import record, undoable
from gijiroku.limits import checked_text
from gijiroku.options import TITLE_LIMIT, checked_date
from gijiroku.result import item_document, segment_document
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import (
    EditRow,
    MeetingRow,
    MinutesItemRow,
    SegmentRow,
    SpeakerRow,
    utcnow,
)

MinutesList = MinutesKind  # (the name other modules import)
MINUTES_LISTS = repository.MINUTES_KINDS


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
        return record(session, meeting_id, "segment", str(number), before, after)


def rename_speaker(
    engine: Engine, meeting_id: str, speaker_id: str, name: str | None
) -> EditRow | None:
    """Name a speaker; the name shows on every line of theirs."""
    name = checked_text(name, "name", limits.NAME) or None
    with session_scope(engine) as session:
        repository.get_meeting_row(session, meeting_id)
        before, after = repository.rename_speaker(session, meeting_id, speaker_id, name)
        if before == after:
            return None
        return record(session, meeting_id, "speaker", speaker_id, before, after)


def _kind(item: Decision | ActionItem) -> MinutesKind:
    return "decisions" if isinstance(item, Decision) else "action_items"


def _by_hand(item: Decision | ActionItem) -> Decision | ActionItem:
    """A person's item as stored: marked edited, so regenerated minutes keep it, and flagged
    when it cites no line, so it is checked against the recording."""
    return copy_with(item, flagged=not item.segments, edited=True)


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


def _check_item(engine: Engine, meeting_id: str, item: Decision | ActionItem) -> None:
    check_citations(engine, meeting_id, item.segments)
    if isinstance(item, ActionItem) and item.due_date:
        checked_date(item.due_date, "due_date")


def item_state(row: MinutesItemRow) -> dict[str, Any]:
    """A decision or action item as the history keeps it (and undo puts it back)."""
    return {"id": row.id, "position": row.position, "version": row.version,
            **repository.item_values(repository.item_of(row))}


def _item_row(session: Session, meeting_id: str, kind: MinutesKind,
              item_id: str) -> MinutesItemRow:
    row = session.get(MinutesItemRow, item_id, populate_existing=True)
    if row is None or row.meeting_id != meeting_id or row.kind != kind:
        raise NotFoundError(f"No {kind.replace('_', ' ')[:-1]} {item_id!r} in this meeting "
                            "(the minutes may have been written again).",
                            code="item_not_found", value=item_id)
    return row


def _claim(engine: Engine, session: Session, meeting_id: str, kind: MinutesKind,
           item_id: str, version: int | None) -> MinutesItemRow:
    """The item, taken for a change made on `version`: its version is counted on by the
    transaction's first statement, which matches only while it is still `version` (see
    MinutesItemRow), so of two saves made on one version exactly one gets here. A missing
    or older version is refused with the item as it is now."""
    if version is not None:
        claimed = session.execute(
            update(MinutesItemRow)
            .where(col(MinutesItemRow.id) == item_id,
                   col(MinutesItemRow.meeting_id) == meeting_id,
                   col(MinutesItemRow.kind) == kind,
                   col(MinutesItemRow.version) == version)
            .values(version=MinutesItemRow.version + 1))
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return _item_row(session, meeting_id, kind, item_id)
    with session_scope(engine) as other:  # why not: gone, or changed since
        current = _item_row(other, meeting_id, kind, item_id)
        shown = item_document(repository.item_of(current))
    if version is None:
        raise StaleVersionError(
            f"Send the version of the item the change was made on (it is at version "
            f"{current.version}).", shown, code="version_missing")
    raise StaleVersionError(
        f"This item was changed by someone else since it was opened (version {version}, "
        f"now {current.version}); compare with the current text and save again.", shown)


def _store_item(row: MinutesItemRow, item: Decision | ActionItem) -> None:
    for name, value in repository.item_values(item).items():
        setattr(row, name, value)


def add_minutes_item(engine: Engine, meeting_id: str, item: Decision | ActionItem) -> EditRow:
    """A decision or action item a person adds, after the others (a new id, version 1)."""
    _check_item(engine, meeting_id, item)
    kind = _kind(item)
    with session_scope(engine) as session:
        repository.get_meeting_row(session, meeting_id)
        last = session.exec(select(func.max(MinutesItemRow.position)).where(
            MinutesItemRow.meeting_id == meeting_id, MinutesItemRow.kind == kind)).one()
        row = MinutesItemRow(meeting_id=meeting_id, kind=kind,
                             position=-1 if last is None else last + 1, version=1,
                             **repository.item_values(_by_hand(item)))
        session.add(row)
        session.flush()
        return record(session, meeting_id, kind, row.id, None, item_state(row))


def change_minutes_item(
    engine: Engine, meeting_id: str, item_id: str, item: Decision | ActionItem,
    version: int | None,
) -> EditRow:
    """Replace decision or action item `item_id` with what a person wrote, if it is still at
    `version` (refused otherwise, and when no version is sent)."""
    _check_item(engine, meeting_id, item)
    kind = _kind(item)
    with session_scope(engine) as session:
        row = _claim(engine, session, meeting_id, kind, item_id, version)
        before = {**item_state(row), "version": row.version - 1}
        _store_item(row, _by_hand(item))
        session.add(row)
        session.flush()
        return record(session, meeting_id, kind, item_id, before, item_state(row))


def patch_minutes_item(
    engine: Engine, meeting_id: str, kind: MinutesKind, item_id: str,
    changes: dict[str, Any], version: int | None,
) -> EditRow:
    """Change some fields of decision or action item `item_id`, keeping the rest; refused
    unless it is still at `version`."""
    with session_scope(engine) as session:
        current = repository.item_of(_item_row(session, meeting_id, kind, item_id))
    return change_minutes_item(engine, meeting_id, item_id, copy_with(current, **changes),
                               version)


def delete_minutes_item(
    engine: Engine, meeting_id: str, kind: MinutesKind, item_id: str, version: int | None
) -> EditRow:
    """Remove decision or action item `item_id`, if it is still at `version`."""
    with session_scope(engine) as session:
        row = _claim(engine, session, meeting_id, kind, item_id, version)
        before = {**item_state(row), "version": row.version - 1}
        session.delete(row)
        return record(session, meeting_id, kind, item_id, before, None)


def _content(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in state.items() if k not in ("version", "position")}


def _undo_item(session: Session, meeting_id: str, edit: EditRow) -> None:
    """Put a decision or action item back as it was before `edit`, when it is still as the
    edit left it (an entry made before items had ids cannot be undone)."""
    if not edit.target:
        raise EditConflictError("This change was made before decisions and action items "
                                "had their own ids; it cannot be undone.")
    kind: MinutesKind = "decisions" if edit.kind == "decisions" else "action_items"
    row = session.get(MinutesItemRow, edit.target, populate_existing=True)
    now = item_state(row) if row is not None and row.meeting_id == meeting_id else None
    # compared by what it says (an undone later edit leaves it as this edit left it, at a
    # later version: versions only ever count on)
    if (now is None) != (edit.after is None) or (
            now is not None and _content(now) != _content(edit.after)):
        raise EditConflictError(
            "This item was changed again after that edit; undo the later edit first.")
    if edit.before is None:  # an item added: it goes
        session.delete(row)
        return
    before = dict(edit.before)
    if row is None:  # an item deleted: it comes back, with its id
        row = MinutesItemRow(id=before["id"], meeting_id=meeting_id, kind=kind,
                             position=before["position"], text=before["text"])
        version = before["version"] + 1
    else:
        version = row.version + 1
    for name in ("text", "owner", "due", "due_date", "segments", "flagged", "edited"):
        setattr(row, name, before[name])
    row.version = version
    session.add(row)


#: The facts of a meeting a person can change at any time, with or without a language model.
FACTS = ("title", "date", "place", "summary", "agenda")
SUMMARY_LIMIT, AGENDA_ITEMS, AGENDA_LIMIT = limits.SUMMARY, limits.AGENDA_ITEMS, limits.AGENDA_ITEM


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
        minutes = dict(meeting.minutes or {
            k: v for k, v in asdict(Minutes(status=meeting.minutes_status)).items()
            if k not in MINUTES_LISTS})
        if "summary" in facts:
            minutes["summary"] = facts["summary"]
        if "agenda" in facts:
            minutes["topics"] = facts["agenda"]
        meeting.minutes = minutes


def checked_facts(changes: dict[str, Any]) -> dict[str, Any]:
    """What a person sent, checked: a title of 1 to 200 characters, an existing date (or
    none), a place, a summary and up to 50 agenda items. Unknown names are refused."""
    unknown = set(changes) - set(FACTS)
    if unknown:
        raise InvalidInputError(f"Unknown meeting fact(s): {', '.join(sorted(unknown))}.")
    facts: dict[str, Any] = {}
    if "title" in changes:
        facts["title"] = checked_text(changes["title"], "title", TITLE_LIMIT, required=True)
    if "date" in changes:
        facts["date"] = checked_date(str(changes["date"])) if changes["date"] else None
    if "place" in changes:
        facts["place"] = checked_text(changes["place"], "place", limits.NAME) or None
    if "summary" in changes:
        facts["summary"] = checked_text(changes["summary"], "summary", SUMMARY_LIMIT)
    if "agenda" in changes:
        items = [checked_text(item, "agenda", AGENDA_LIMIT) for item in changes["agenda"] or []]
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
        return record(session, meeting_id, "meeting", "",
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
        if not undoable(edit):
            raise EditError(f"Edits of kind {edit.kind!r} cannot be undone"
                            + (" (made before items had their own ids)."
                               if edit.kind in MINUTES_LISTS else "."))
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
            _undo_item(session, meeting_id, edit)
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
    "item_state",
    "meeting_facts",
    "patch_minutes_item",
    "rename_speaker",
    "undo",
]
