"""Decisions and action items as a person changes them: rows with stable ids, each change
(add, change, delete one item) checked against the version it was made on and written in the
same transaction that claims that version, so of two saves made on one version exactly one
lands. The history keeps the item before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace as copy_with
from typing import Any

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from gijiroku import limits
from gijiroku.domain import ActionItem, Decision, MinutesKind
from gijiroku.edits.history import record
from gijiroku.errors import EditConflictError, InvalidInputError, NotFoundError, StaleVersionError
from gijiroku.limits import checked_text
from gijiroku.options import checked_date
from gijiroku.result import item_document
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import EditRow, MeetingRow, MinutesItemRow, SegmentRow

MinutesList = MinutesKind  # (the name other modules import)
MINUTES_LISTS = repository.MINUTES_KINDS


def _kind(item: Decision | ActionItem) -> MinutesKind:
    return "decisions" if isinstance(item, Decision) else "action_items"


def _by_hand(item: Decision | ActionItem) -> Decision | ActionItem:
    """A person's item as stored: marked edited, so regenerated minutes keep it, and flagged
    when it cites no line, so it is checked against the recording. A due date typed as a
    day (2027-02-26) is also the item's `due_date`, as the minutes stage gives it."""
    if isinstance(item, ActionItem):
        item = copy_with(
            item, task=checked_text(item.task, "task", limits.ITEM),
            owner=checked_text(item.owner, "owner", limits.NAME, one_line=True) or None,
            due=checked_text(item.due, "due", limits.NAME, one_line=True) or None)
        if item.due and _is_day(item.due):
            item = copy_with(item, due_date=item.due)
    else:
        item = copy_with(item, text=checked_text(item.text, "text", limits.ITEM))
    return copy_with(item, flagged=not item.segments, edited=True)


def _is_day(text: str) -> bool:
    try:
        checked_date(text, "due")
    except InvalidInputError:
        return False
    return True


def check_citations(session: Session, meeting_id: str, numbers: list[int]) -> None:
    """Refuse citations of lines the meeting does not have (422 at the API)."""
    if not numbers:
        return
    existing = set(session.exec(select(SegmentRow.number).where(
        SegmentRow.meeting_id == meeting_id, col(SegmentRow.number).in_(set(numbers)))))
    missing = sorted(set(numbers) - existing)
    if missing:
        shown = ", ".join(str(n) for n in missing[:5])
        raise InvalidInputError(f"No line {shown} in this meeting: cite existing lines only.",
                                code="invalid_citation", value=shown)


def _check_item(session: Session, meeting_id: str, item: Decision | ActionItem) -> None:
    check_citations(session, meeting_id, item.segments)
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
    kind = _kind(item)
    with session_scope(engine) as session:
        repository.get_meeting_row(session, meeting_id)
        _check_item(session, meeting_id, item)
        last = session.exec(select(func.max(MinutesItemRow.position)).where(
            MinutesItemRow.meeting_id == meeting_id, MinutesItemRow.kind == kind)).one()
        row = MinutesItemRow(meeting_id=meeting_id, kind=kind,
                             position=-1 if last is None else last + 1, version=1,
                             **repository.item_values(_by_hand(item)))
        session.add(row)
        session.flush()
        return record(session, meeting_id, kind, row.id, None, item_state(row))


def _change(engine: Engine, meeting_id: str, kind: MinutesKind, item_id: str,
            version: int | None, make: Callable[[Decision | ActionItem], Decision | ActionItem],
            ) -> EditRow:
    """Item `item_id` claimed at `version`, made into what `make` gives from it and checked,
    all in one transaction (a refused check gives the version back)."""
    with session_scope(engine) as session:
        row = _claim(engine, session, meeting_id, kind, item_id, version)
        before = {**item_state(row), "version": row.version - 1}
        item = make(repository.item_of(row))
        _check_item(session, meeting_id, item)
        _store_item(row, _by_hand(item))
        session.add(row)
        session.flush()
        return record(session, meeting_id, kind, item_id, before, item_state(row))


def change_minutes_item(
    engine: Engine, meeting_id: str, item_id: str, item: Decision | ActionItem,
    version: int | None,
) -> EditRow:
    """Replace decision or action item `item_id` with what a person wrote, if it is still at
    `version` (refused otherwise, and when no version is sent)."""
    return _change(engine, meeting_id, _kind(item), item_id, version, lambda _now: item)


def patch_minutes_item(
    engine: Engine, meeting_id: str, kind: MinutesKind, item_id: str,
    changes: dict[str, Any], version: int | None,
) -> EditRow:
    """Change some fields of decision or action item `item_id`, keeping the rest; refused
    unless it is still at `version`."""
    return _change(engine, meeting_id, kind, item_id, version,
                   lambda now: copy_with(now, **changes))


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


def undo_item(session: Session, meeting: MeetingRow, edit: EditRow) -> None:
    """Put a decision or action item back as it was before `edit`, when it is still as the
    edit left it (an entry made before items had ids cannot be undone)."""
    if not edit.target:
        raise EditConflictError("This change was made before decisions and action items "
                                "had their own ids; it cannot be undone.")
    kind: MinutesKind = "decisions" if edit.kind == "decisions" else "action_items"
    row = session.get(MinutesItemRow, edit.target, populate_existing=True)
    now = item_state(row) if row is not None and row.meeting_id == meeting.id else None
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
        row = MinutesItemRow(id=before["id"], meeting_id=meeting.id, kind=kind,
                             position=before["position"], text=before["text"])
        version = before["version"] + 1
    else:
        version = row.version + 1
    for name in ("text", "owner", "due", "due_date", "segments", "flagged", "edited"):
        setattr(row, name, before[name])
    row.version = version
    session.add(row)


__all__ = ["MINUTES_LISTS", "MinutesList", "add_minutes_item", "change_minutes_item",
           "check_citations", "delete_minutes_item", "item_state", "patch_minutes_item",
           "undo_item"]
