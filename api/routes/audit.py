"""The audit log for admins: its entries, newest first, filtered (the 監査ログ page), whether
its chain is intact, and a date range as CSV (as `gijiroku audit export`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import Db
from gijiroku import audit

router = APIRouter()
Day = Annotated[date | None, Query()]
LastDay = Annotated[date | None, Query(description="that day included")]


def _range(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    return (datetime.combine(since, time()) if since else None,
            datetime.combine(until + timedelta(days=1), time()) if until else None)


@router.get("/audit", summary="The audit log of a date range, as CSV (admins)",
            response_class=Response)
def audit_log(db: Db, since: Day = None, until: LastDay = None) -> Response:
    name = f"audit-{since or 'start'}-{until or 'now'}.csv"
    return Response(audit.export_csv(db, *_range(since, until)).encode("utf-8-sig"),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/audit/entries", summary="Audit entries, newest first, filtered (admins)")
def audit_entries(
    db: Db, since: Day = None, until: LastDay = None,
    actor: Annotated[str | None, Query(max_length=200,
                                       description='a person; "" for the installation')] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    object_id: Annotated[str | None, Query(max_length=64)] = None,
    before: Annotated[int | None, Query(ge=1, description="the next page: entries before "
                                                          "this id")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    start, end = _range(since, until)
    found = audit.entries(db, since=start, until=end, actor=actor, action=action,
                          object_id=object_id, before=before, limit=limit)
    return {"entries": [{"id": e.id, "at": e.at.isoformat(), "actor": e.actor,
                         "address": e.address, "action": e.action,
                         "object_type": e.object_type, "object_id": e.object_id,
                         "detail": e.detail} for e in found],
            "more": len(found) == limit}


@router.get("/audit/verify", summary="Whether the audit log's chain is intact (admins)")
def audit_verify(db: Db) -> dict[str, Any]:
    count, broken = audit.verify(db)
    return {"intact": broken is None, "entries": count,
            "broken": None if broken is None else {"id": broken.id, "reason": broken.reason}}
