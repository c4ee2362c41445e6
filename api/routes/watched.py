"""Files taken from the watched folders, so a clerk sees which ones failed and why."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import Db
from api.schemas import WatchedFileView, utc_iso
from gijiroku.domain import WatchedFileStatus
from gijiroku.storage import repository, session_scope

router = APIRouter()


@router.get("/watched", response_model=list[WatchedFileView],
            summary="Files taken from the watched folders, newest first")
def watched(
    db: Db,
    status: Annotated[list[WatchedFileStatus] | None, Query(
        description="only these (repeat it: ?status=failed&status=waiting)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[WatchedFileView]:
    with session_scope(db) as session:
        return [
            WatchedFileView(name=PurePath(row.path).name, status=row.status, error=row.error,
                            error_code=row.error_code, meeting_id=row.meeting_id,
                            created_at=utc_iso(row.created_at))
            for row in repository.watched_files(session, status, limit)
        ]
