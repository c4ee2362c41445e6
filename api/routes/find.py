"""Search every meeting the person may read (`GET /api/search`) and ask a question of them
(`POST /api/ask`): the shapes of `gijiroku search --json` and `gijiroku ask --json`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.access import principal
from api.deps import Db
from gijiroku import ask as asking
from gijiroku import search
from gijiroku.limits import NAME

router = APIRouter()
Text = Annotated[str | None, Query(max_length=NAME)]


@router.get("/search", summary="Lines of every meeting the person may read, newest first")
def search_lines(
    request: Request, db: Db,
    q: Annotated[str, Query(min_length=1, max_length=search.MAX_QUERY,
                            description='words (AND), OR, -word or NOT word, "a phrase"')],
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query(description="that day included")] = None,
    kind: Text = None, group: Text = None, speaker: Text = None, person: Text = None,
    role: Text = None,
    limit: Annotated[int, Query(ge=1, le=200)] = search.LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> dict[str, Any]:
    filters = search.Filters(since=since, until=until, kind=kind, group=group,
                             speaker=speaker, person=person, role=role)
    return search.search(db, q, reader=principal(request), filters=filters, limit=limit,
                         offset=offset).as_json()


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=asking.MAX_QUESTION)


@router.post("/ask", summary="An answer from past minutes, each sentence citing its lines")
async def ask(request: Request, body: Question, db: Db) -> dict[str, Any]:
    answer = await run_in_threadpool(asking.ask, db, request.app.state.settings,
                                     body.question, reader=principal(request))
    return answer.as_json()
