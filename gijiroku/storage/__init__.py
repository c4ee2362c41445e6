"""Storage: SQLModel tables, Alembic migrations, and the repository mapping them to domain types."""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from gijiroku.storage.db import close_engine, get_engine, migrate, session_scope

_MIGRATED: set[str] = set()
_LOCK = threading.Lock()


def open_database(url: str) -> Engine:
    """The engine for `url`, with the schema migrated to the newest version (once per process)."""
    engine = get_engine(url)
    with _LOCK:
        if url not in _MIGRATED:
            migrate(engine)
            _MIGRATED.add(url)
    return engine


def close_database(url: str) -> None:
    with _LOCK:
        _MIGRATED.discard(url)
    close_engine(url)


__all__ = ["close_database", "open_database", "session_scope"]
