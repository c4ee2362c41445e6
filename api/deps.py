"""Dependencies the API routes and the pages share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from gijiroku.storage import open_database


def database(request: Request) -> Engine:
    return open_database(request.app.state.settings.resolved_database_url)


Db = Annotated[Engine, Depends(database)]
