"""Who may call which route: one rule per route of the API (the least role it needs), and the
meetings a person sees (those of their sections; an admin all of them).

`authorize` runs for every route of `/api` after the guard (`api.security`) has said who the
request is from: a route without a rule is refused (500), so a new route cannot slip in
unguarded (tests/api/test_access.py walks every route). A meeting (or a job of a meeting)
outside the person's sections answers 404, as if it did not exist. The person and the
request's address are made the current actor (`gijiroku.accounts.acting`), so the history's
author and the audit log's entries name them; views of a meeting and downloads are logged.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from api.security import client_address
from gijiroku import accounts, audit
from gijiroku.accounts import INSTALLATION, Principal
from gijiroku.errors import GijirokuError, MeetingNotFoundError, PermissionDeniedError
from gijiroku.storage import open_database, session_scope
from gijiroku.storage.tables import JobRow, MeetingRow

V, E, A, ADMIN = "viewer", "editor", "approver", "admin"
M = "/api/meetings/{meeting_id}"

#: (method, route) -> the least role. Every route of the API is here.
RULES: dict[tuple[str, str], str] = {
    ("GET", "/api/meetings"): V,
    ("POST", "/api/meetings"): E,
    ("GET", M): V,
    ("PATCH", M): E,
    ("DELETE", M): ADMIN,
    ("GET", M + "/audio"): V,
    ("GET", M + "/events"): V,
    ("GET", M + "/export"): V,
    ("GET", M + "/find"): V,
    ("GET", M + "/history"): V,
    ("POST", M + "/history/{edit_id}/undo"): E,
    ("POST", M + "/state"): E,  # each step's own role: gijiroku.workflow.STEPS
    ("PUT", M + "/group"): ADMIN,
    ("POST", M + "/action_items"): E,
    ("PUT", M + "/action_items/{item_id}"): E,
    ("PATCH", M + "/action_items/{item_id}"): E,
    ("DELETE", M + "/action_items/{item_id}"): E,
    ("POST", M + "/decisions"): E,
    ("PUT", M + "/decisions/{item_id}"): E,
    ("PATCH", M + "/decisions/{item_id}"): E,
    ("DELETE", M + "/decisions/{item_id}"): E,
    ("POST", M + "/dictionary"): E,
    ("GET", M + "/marks"): V,
    ("POST", M + "/marks"): E,
    ("DELETE", M + "/marks/{mark_id}"): E,
    ("GET", M + "/proceedings"): V,
    ("PATCH", M + "/proceedings"): E,
    ("GET", M + "/record"): V,
    ("PATCH", M + "/record"): E,
    ("POST", M + "/replace"): E,
    ("POST", M + "/rerun"): E,
    ("POST", M + "/retry"): E,
    ("POST", M + "/segments"): E,
    ("POST", M + "/segments/speaker"): E,
    ("PATCH", M + "/segments/{segment_id}"): E,
    ("DELETE", M + "/segments/{segment_id}"): E,
    ("POST", M + "/segments/{segment_id}/merge"): E,
    ("POST", M + "/segments/{segment_id}/split"): E,
    ("POST", M + "/speakers"): E,
    ("POST", M + "/speakers/match"): E,
    ("PATCH", M + "/speakers/{speaker_id}"): E,
    ("POST", M + "/speakers/{speaker_id}/merge"): E,
    ("POST", M + "/speakers/{speaker_id}/person"): E,
    ("GET", M + "/suggestions"): V,
    ("POST", M + "/suggestions/{suggestion_id}/accept"): E,
    ("POST", M + "/suggestions/{suggestion_id}/dismiss"): E,
    ("GET", "/api/jobs/{job_id}"): V,
    ("POST", "/api/jobs/{job_id}/cancel"): E,
    ("GET", "/api/jobs/{job_id}/events"): V,
    ("GET", "/api/dictionary"): V,
    ("POST", "/api/dictionary"): ADMIN,
    ("DELETE", "/api/dictionary/{entry_id}"): ADMIN,
    ("GET", "/api/roster"): V,
    ("POST", "/api/roster"): ADMIN,
    ("POST", "/api/roster/import"): ADMIN,
    ("DELETE", "/api/roster/{name}"): ADMIN,
    ("GET", "/api/rosters"): V,
    ("GET", "/api/watched"): ADMIN,
    ("GET", "/api/search"): V,  # in the person's sections, the copy they may read
    ("POST", "/api/ask"): V,
    ("GET", "/api/audit"): ADMIN,
    ("GET", "/api/audit/entries"): ADMIN,
    ("GET", "/api/audit/verify"): ADMIN,
    ("GET", "/api/users"): ADMIN,
    ("GET", "/api/groups"): ADMIN,
    ("POST", "/api/groups"): ADMIN,
    ("POST", "/api/users"): ADMIN,
    ("PATCH", "/api/users/{name}"): ADMIN,
    ("POST", "/api/users/{name}/token"): ADMIN,
}
#: Reads of a meeting that the audit log keeps (who looked, who took a copy).
LOGGED = {("GET", M): "view", ("GET", M + "/export"): "download",
          ("GET", M + "/audio"): "listen"}


def principal(request: Request) -> Principal:
    """Who the guard said the request is from (an app without the guard: the installation)."""
    found = getattr(request.state, "principal", INSTALLATION)
    return found if found is not None else INSTALLATION


def _meeting_of(params: dict[str, Any], request: Request) -> MeetingRow | None:
    engine = open_database(request.app.state.settings.resolved_database_url)
    with session_scope(engine) as session:
        if "meeting_id" in params:
            row = session.get(MeetingRow, params["meeting_id"])
        elif "job_id" in params:
            job = session.get(JobRow, params["job_id"])
            row = session.get(MeetingRow, job.meeting_id) if job is not None else None
        else:
            return None
        if row is not None:
            session.expunge(row)
        return row


async def authorize(request: Request) -> None:
    """The rule of the route for the person; their sections for a meeting; then they are
    the actor of what the route does."""
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    if not path.startswith("/api/"):  # (a route of the included router: its own path)
        path = "/api" + path
    rule = RULES.get((request.method, path))
    if rule is None:
        raise GijirokuError(f"The route {request.method} {path} has no access rule.",
                            code="error")
    who = principal(request)
    params = request.path_params
    row = None
    if "meeting_id" in params or "job_id" in params:  # (another section's: as if none)
        row = await run_in_threadpool(_meeting_of, dict(params), request)
        if row is not None and not who.sees(row.section_id):
            raise MeetingNotFoundError(f"No meeting {params.get('meeting_id', '')!r}.")
    if not who.may(rule):
        raise PermissionDeniedError(f"This needs the {rule} role; you are {who.role}.")
    if row is not None and (request.method, path) in LOGGED:
        engine = open_database(request.app.state.settings.resolved_database_url)
        await run_in_threadpool(audit.log, engine, LOGGED[(request.method, path)],
                                "meeting", row.id, None, actor=who.name,
                                address=client_address(request))
    accounts.act_as(who)
    audit.from_address(client_address(request))


__all__ = ["LOGGED", "RULES", "authorize", "principal"]
