"""The HTTP API's routes, one module per resource, all under `/api`."""

from fastapi import APIRouter

from api.routes import (
    council,
    dictionary,
    edits,
    exports,
    jobs,
    marks,
    meetings,
    roster,
    watched,
)
from api.schemas import ERRORS


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api", responses=ERRORS)
    for part in (meetings, edits, marks, council, roster, jobs, exports, watched, dictionary):
        router.include_router(part.router)
    return router


__all__ = ["api_router"]
