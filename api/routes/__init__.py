"""The HTTP API's routes, one module per resource, all under `/api`."""

from fastapi import APIRouter, Depends

from api.access import authorize
from api.routes import (
    audit,
    council,
    dictionary,
    edits,
    exports,
    find,
    jobs,
    marks,
    meetings,
    roster,
    users,
    watched,
)
from api.schemas import ERRORS


def api_router() -> APIRouter:
    # every route: its access rule and the person's sections (api.access)
    router = APIRouter(prefix="/api", responses=ERRORS, dependencies=[Depends(authorize)])
    for part in (meetings, edits, marks, council, roster, jobs, exports, watched, dictionary,
                 audit, users, find):
        router.include_router(part.router)
    return router


__all__ = ["api_router"]
