"""The application of `gijiroku serve`: the HTTP API (`api/routes/`, one module per resource),
the web view's pages (`api.pages`), the guard in front of both, and the one place where an
error becomes a status code. Every API error answers `{"error": {"code", "message"}}`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import pages
from api.bodies import BodyLimit
from api.routes import api_router
from api.schemas import Health, error_response
from api.security import Guard, Refused, kept_secret
from gijiroku import messages
from gijiroku.config import Settings
from gijiroku.errors import (
    AudioError,
    DiskFullError,
    EditConflictError,
    EditError,
    GijirokuError,
    InvalidInputError,
    JobNotClaimable,
    NotFoundError,
    PermissionDeniedError,
    RecordingTooLongError,
    StageError,
    StaleVersionError,
    UploadError,
    UploadTooLargeError,
)
from gijiroku.export import FORMATS
from gijiroku.service import Service
from gijiroku.storage import open_database
from gijiroku.storage.db import get_engine
from web import STATIC

STATUS_BY_ERROR: list[tuple[type[GijirokuError], int]] = [
    (InvalidInputError, 422),
    (NotFoundError, 404),
    (PermissionDeniedError, 403),
    (UploadTooLargeError, 413),
    (UploadError, 400),
    (RecordingTooLongError, 413),
    (DiskFullError, 507),
    (AudioError, 415),
    (EditConflictError, 409),
    (JobNotClaimable, 409),
    (EditError, 422),
    (StageError, 409),
]


#: On every answer: no framing by other sites (clickjacking), scripts and styles from this
#: site only (the pages' JSON data blocks are not scripts), no referrer to elsewhere, no
#: sniffing, no camera/microphone/location.
log = logging.getLogger(__name__)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
#: The OpenAPI pages (FastAPI's) run an inline script: framing is refused there too.
DOCS_HEADERS = {**SECURITY_HEADERS,
                "Content-Security-Policy": "frame-ancestors 'self'; object-src 'none'"}


def create_app(settings: Settings, service: Service | None = None) -> FastAPI:
    """The application. With `service`, started and stopped with the app, uploads and
    re-runs are sent to its queue; without one they are only stored as queued."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            guard.forget_other_tokens()
        except OperationalError as exc:  # the database is down: /healthz says so
            log.warning("sessions of earlier tokens not cleared: %s", exc.orig)
        if service is not None:
            service.start()
        try:
            yield
        finally:
            if service is not None:
                service.stop()

    app = FastAPI(
        title="Gijiroku", version="0.1.0", lifespan=lifespan,
        description="Meeting recordings to reviewed minutes, self-hosted.",
    )
    app.state.settings = settings
    app.state.service = service

    guard = Guard(settings.api_token.get_secret_value() if settings.api_token else None,
                  settings.trusted_hosts,
                  lambda: open_database(settings.resolved_database_url),
                  secret=kept_secret(settings.data_dir))
    app.state.guard = guard

    def said(request: Request, code: str, english: str, fallback: str = "error",
             **params: Any) -> str:
        """The message in the language the request asks for (gijiroku.messages)."""
        return messages.message(code, pages.page_language(request), english, params,
                                fallback)

    def too_large(scope: MutableMapping[str, Any], limit: int) -> Response:
        request = Request(scope)
        return error_response(413, "body_too_large", said(
            request, "body_too_large", f"The request body is longer than this address takes "
            f"({limit:,} bytes).", limit=f"{limit:,}"))

    # (under the guard: a request it refuses is never read)
    app.add_middleware(BodyLimit, refuse=too_large)

    @app.middleware("http")
    async def _guard(request: Request, call_next: Any) -> Response:
        """Host names, the token and cross-site checks of api.security, before any route."""
        response: Response
        try:
            guard.check(request)
        except Refused as refused:
            if refused.status == 303:
                response = pages.login_redirect(request)
            else:
                wait = round(refused.retry_after or 0)
                response = error_response(refused.status, refused.code, said(
                    request, refused.code, refused.message, seconds=wait))
                if refused.retry_after is not None:
                    response.headers["Retry-After"] = str(max(wait, 1))
        else:
            response = await call_next(request)
        docs = request.url.path in ("/docs", "/redoc", "/docs/oauth2-redirect")
        response.headers.update(SECURITY_HEADERS if not docs else DOCS_HEADERS)
        return response

    @app.exception_handler(GijirokuError)
    async def _gijiroku_error(request: Request, exc: GijirokuError) -> JSONResponse:
        status = next((s for kind, s in STATUS_BY_ERROR if isinstance(exc, kind)), 500)
        text = said(request, exc.code, exc.message, type(exc).code, **exc.params)
        if isinstance(exc, StaleVersionError):  # the stored object, to compare with
            return JSONResponse({"error": {"code": exc.code, "message": text},
                                 "current": exc.current}, status_code=status)
        return error_response(status, exc.code, text)

    @app.exception_handler(Exception)
    async def _fault(request: Request, exc: Exception) -> JSONResponse:
        """A fault of ours (the traceback goes to the log): 500, with the security headers,
        as this answer is made outside the middleware that adds them to every other."""
        response = error_response(500, "internal_error", said(
            request, "internal_error", "Something went wrong on the server; its log says "
            "what."))
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(StaleDataError)
    async def _raced(request: Request, exc: StaleDataError) -> JSONResponse:
        """Two saves of one line at the same instant: the second finds it changed."""
        return error_response(409, "edit_conflict", said(
            request, "edit_conflict", "The line was changed by someone else at the same "
            "moment; reload and try again."))

    @app.exception_handler(OperationalError)
    async def _database_down(request: Request, exc: OperationalError) -> JSONResponse:
        return error_response(503, "database_unavailable", said(
            request, "database_unavailable", f"The database cannot be reached: {exc.orig}"))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}"
            for e in exc.errors()
        )
        fields = ", ".join(dict.fromkeys(
            ".".join(str(p) for p in e["loc"][1:]) or "body" for e in exc.errors()))
        return error_response(422, "invalid_request", said(
            request, "invalid_request", problems or "Invalid request.", fields=fields))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 416: "range_not_satisfiable"}
        code = codes.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, said(request, code, str(exc.detail)))

    app.include_router(api_router())
    app.include_router(pages.router(guard, FORMATS))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", response_model=Health, summary="200 when the database answers")
    def healthz() -> Any:
        try:
            with get_engine(settings.resolved_database_url).connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except Exception as exc:
            return error_response(503, "database_unavailable", messages.message(
                "database_unavailable", "en", f"Database: {exc}"))
        return {"status": "ok"}

    return app


__all__ = ["SECURITY_HEADERS", "STATUS_BY_ERROR", "create_app"]
