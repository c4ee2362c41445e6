"""The audit log: who did what, when, from where, to what. Append-only and tamper-evident:
each entry's digest is the SHA-256 of the previous entry's digest and its own content, so an
entry changed, removed or put in between breaks the chain (`verify`, `gijiroku audit
verify`). Entries name their object by type and id (no foreign key): a deleted meeting's
entries stay.

Appends are serialised so the chain never forks: the entry is inserted first (on SQLite the
transaction then holds the database's write lock, on PostgreSQL an advisory lock is taken
before), then chained to the entry before it.
"""

from __future__ import annotations

import contextvars
import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from gijiroku.domain import as_utc
from gijiroku.principal import acting
from gijiroku.storage import session_scope
from gijiroku.storage.tables import AuditRow

#: The advisory lock (PostgreSQL) that makes appends to the chain one at a time.
_LOCK = 0x67696A69
#: The address of the request being served (set by the API beside who acts).
_address: contextvars.ContextVar[str] = contextvars.ContextVar("gijiroku_address", default="")


def _content(row: AuditRow) -> str:
    return json.dumps([as_utc(row.at).isoformat(), row.actor, row.address, row.action,
                       row.object_type, row.object_id, row.detail],
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _digest(previous: str, row: AuditRow) -> str:
    return hashlib.sha256((previous + "\n" + _content(row)).encode()).hexdigest()


def append(session: Session, action: str, object_type: str = "", object_id: str = "",
           detail: Any = None, *, actor: str | None = None, address: str | None = None
           ) -> AuditRow:
    """One entry, in the caller's transaction (it is kept only if the change is): by the
    person the request acts for unless `actor` is given."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    who = acting()
    row = AuditRow(actor=actor if actor is not None else who.name,
                   address=(address if address is not None else _address.get())[:64],
                   action=action[:40], object_type=object_type[:40],
                   object_id=str(object_id)[:64], detail=detail)
    session.add(row)
    session.flush()  # (the insert: from here the chain cannot move under us)
    before = session.exec(select(AuditRow.digest).where(col(AuditRow.id) < row.id)
                          .order_by(col(AuditRow.id).desc()).limit(1)).first() or ""
    row.previous = before
    row.digest = _digest(before, row)
    session.add(row)
    session.flush()
    return row


def log(engine: Engine, action: str, object_type: str = "", object_id: str = "",
        detail: Any = None, *, actor: str | None = None, address: str | None = None) -> None:
    """One entry in a transaction of its own (a sign-in, a failure, a view, a download)."""
    with session_scope(engine) as session:
        append(session, action, object_type, object_id, detail, actor=actor, address=address)


@dataclass(frozen=True, slots=True)
class Broken:
    id: int
    reason: str


def verify(engine: Engine) -> tuple[int, Broken | None]:
    """Walk the chain: how many entries were checked, and the first one that does not
    follow from the one before (None: intact)."""
    previous, count = "", 0
    with session_scope(engine) as session:
        for row in session.exec(select(AuditRow).order_by(col(AuditRow.id))):
            count += 1
            if row.previous != previous:
                return count, Broken(row.id or 0, "it does not follow the entry before it "
                                                  "(an entry was removed or put in between)")
            if row.digest != _digest(previous, row):
                return count, Broken(row.id or 0, "its content was changed")
            previous = row.digest
    return count, None


COLUMNS = ("id", "at", "actor", "address", "action", "object_type", "object_id", "detail",
           "digest")


def export_csv(engine: Engine, since: datetime | None = None,
               until: datetime | None = None) -> str:
    """The entries from `since` to before `until` as CSV (UTF-8), oldest first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    with session_scope(engine) as session:
        query = select(AuditRow).order_by(col(AuditRow.id))
        if since is not None:
            query = query.where(col(AuditRow.at) >= since)
        if until is not None:
            query = query.where(col(AuditRow.at) < until)
        for row in session.exec(query):
            writer.writerow([row.id, as_utc(row.at).isoformat(), row.actor or "", row.address,
                             row.action, row.object_type, row.object_id,
                             json.dumps(row.detail, ensure_ascii=False) if row.detail else "",
                             row.digest])
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    at: datetime
    actor: str | None
    address: str
    action: str
    object_type: str
    object_id: str
    detail: Any


def entries(engine: Engine, *, since: datetime | None = None, until: datetime | None = None,
            actor: str | None = None, action: str | None = None,
            object_id: str | None = None, before: int | None = None,
            limit: int = 100) -> list[Entry]:
    """The newest entries first (at most `limit`, those before the entry `before` for the
    next page), of a date range, a person (`actor`; "" for the installation), an action, an
    object."""
    query = select(AuditRow).order_by(col(AuditRow.id).desc()).limit(limit)
    if since is not None:
        query = query.where(col(AuditRow.at) >= since)
    if until is not None:
        query = query.where(col(AuditRow.at) < until)
    if actor == "":
        query = query.where(col(AuditRow.actor).is_(None))
    elif actor is not None:
        query = query.where(AuditRow.actor == actor)
    if action:
        query = query.where(AuditRow.action == action)
    if object_id:
        query = query.where(AuditRow.object_id == object_id)
    if before is not None:
        query = query.where(col(AuditRow.id) < before)
    with session_scope(engine) as session:
        return [Entry(row.id or 0, as_utc(row.at), row.actor, row.address, row.action,
                      row.object_type, row.object_id, row.detail)
                for row in session.exec(query)]


def from_address(address: str) -> contextvars.Token[str]:
    return _address.set(address)


__all__ = ["COLUMNS", "Broken", "Entry", "append", "entries", "export_csv", "from_address",
           "log", "verify"]
