"""Every request body bounded before anything parses it, by route.

Starlette parses a form of up to 1,000 fields of any size in memory, and spools a multipart
file part of any size to disk, for whichever route asks for a form: the login form, which
anyone may post to, included. This middleware sits under the token check (a request the
guard refuses is never read) and over the routes: a body longer than its route allows is
refused with 413 before it is parsed, by its Content-Length when it gives one and else as it
arrives (never more than the route's limit is held). The upload route is the one exception:
it streams the file to disk itself, under GIJIROKU_MAX_UPLOAD_MB (`api.uploads`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The login and logout forms: a token, the CSRF token and the page to go back to.
FORM_BYTES = 8 * 1024
#: A JSON body: the longest line (20,000 characters), summary or item with room to spare.
JSON_BYTES = 1024 * 1024
#: Methods that carry no body of ours.
BODILESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
BODILESS_BYTES = 1024
#: Routes that read their own body, with their own limit: (method, path).
STREAMED = frozenset({("POST", "/api/meetings")})


def limit_for(method: str, path: str) -> int | None:
    """The most bytes a request's body may have (None: the route bounds it itself)."""
    if (method, path) in STREAMED:
        return None
    if method in BODILESS:
        return BODILESS_BYTES
    if path in ("/login", "/logout"):
        return FORM_BYTES
    return JSON_BYTES


class BodyLimit:
    """ASGI middleware: bodies bounded per `limit_for`; `refuse(scope, limit)` answers."""

    def __init__(self, app: ASGIApp, refuse: Callable[[Scope, int], Response]) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["method"], scope["path"])
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self.refuse(scope, limit)(scope, receive, send)
            return
        # read it whole (at most `limit` bytes), then hand the route what was read
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            size += len(message.get("body", b""))
            if size > limit:
                await self.refuse(scope, limit)(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        given = False

        async def replay() -> Message:
            nonlocal given
            if not given:
                given = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # (a disconnect, while the answer streams)

        await self.app(scope, replay, send)


__all__ = ["BodyLimit", "limit_for"]
