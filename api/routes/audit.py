"""The audit log for admins: its entries of a date range as CSV (`gijiroku audit export`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import Db
from gijiroku import audit

router = APIRouter()


@router.get("/audit", summary="The audit log of a date range, as CSV (admins)",
            response_class=Response)
def audit_log(db: Db, since: Annotated[date | None, Query()] = None,
              until: Annotated[date | None, Query(description="that day included")] = None,
              ) -> Response:
    start = datetime.combine(since, time()) if since else None
    end = datetime.combine(until + timedelta(days=1), time()) if until else None
    name = f"audit-{since or 'start'}-{until or 'now'}.csv"
    return Response(audit.export_csv(db, start, end).encode("utf-8-sig"),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
