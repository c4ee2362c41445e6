"""The database each storage test runs on: a SQLite file, then the PostgreSQL server."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete

from gijiroku.config import Settings
from gijiroku.storage import close_database, open_database, session_scope
from gijiroku.storage.tables import DictionaryEntryRow, MeetingRow


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Engine]:
    if request.param == "sqlite":
        yield open_database(settings.resolved_database_url)
        close_database(settings.resolved_database_url)
        return
    engine = open_database(request.getfixturevalue("postgres_url"))
    yield engine
    with session_scope(engine) as session:  # the PostgreSQL database is shared by tests
        session.execute(delete(MeetingRow))
        session.execute(delete(DictionaryEntryRow))
