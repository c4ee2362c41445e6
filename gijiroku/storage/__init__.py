"""Storage: SQLModel tables, Alembic migrations, and the repository mapping them to domain types."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine

from gijiroku.storage.db import get_engine, migrate, session_scope


@lru_cache(maxsize=8)
def open_database(url: str) -> Engine:
    """The engine for `url`, with the schema migrated to the newest version (once per process)."""
    engine = get_engine(url)
    migrate(engine)
    return engine


__all__ = ["open_database", "session_scope"]
