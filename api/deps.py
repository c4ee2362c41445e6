"""Dependencies the API routes and the pages share: the database, the settings, the queue,
and the small request parts several routes read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request, Response
from sqlalchemy import Engine

from gijiroku.config import Settings
from gijiroku.storage import open_database


def database(request: Request) -> Engine:
    return open_database(request.app.state.settings.resolved_database_url)


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def job_sender(request: Request) -> Callable[[str], None]:
    """Sends a stored job to the workers of `gijiroku serve`; without a service (an app made
    for tests or scripts) jobs are only stored as queued."""
    service = request.app.state.service

    def send(job_id: str) -> None:
        if service is not None and service.queue is not None:
            service.submit(job_id)

    return send


def prefers_minimal(
    response: Response,
    prefer: Annotated[str | None, Header(description="return=minimal: only what changed")] = None,
) -> bool:
    """`Prefer: return=minimal` (RFC 7240) on an edit: the answer holds only what changed (the
    line, the speakers or the minutes), not the whole document: a 3-hour session's is ~10 MB."""
    wanted = prefer is not None and "return=minimal" in prefer.replace(" ", "").lower()
    if wanted:
        response.headers["Preference-Applied"] = "return=minimal"
    return wanted


Db = Annotated[Engine, Depends(database)]
Config = Annotated[Settings, Depends(app_settings)]
Send = Annotated[Callable[[str], None], Depends(job_sender)]
Minimal = Annotated[bool, Depends(prefers_minimal)]
#: A row number in a path: within what the databases store (a bigger one is simply not found).
Number = Annotated[int, Path(ge=1, le=2_147_483_647)]
#: a decision's or action item's id (the result document's "id")
ItemId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]
#: the version a deletion was decided on (`?version=`): refused (409) when missing or stale
ItemVersion = Annotated[int | None, Query(ge=1, le=2_147_483_647, description=(
    "the item's version the deletion was decided on; refused when missing or older"))]
