"""The web view's pages: the meeting list, a meeting, the login form. Each page is a template
filled with the UI text of the browser's language; the scripts then talk to the JSON API."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.access import principal
from api.deps import Db
from api.security import SESSION_COOKIE, SESSION_SECONDS, Guard, Refused, client_address
from gijiroku import audit, directory, limits, openid, workflow
from gijiroku.errors import NotFoundError
from gijiroku.messages import catalogue
from gijiroku.storage import open_database, repository, session_scope
from web import LANGUAGES, TEMPLATES, choose_language, messages

LANGUAGE_COOKIE = "gijiroku_lang"
#: The started OpenID Connect sign-in (sealed; read by the callback only).
OIDC_COOKIE = "gijiroku_oidc"
log = logging.getLogger(__name__)
templates = Jinja2Templates(directory=str(TEMPLATES))


def page_language(request: Request) -> str:
    """`?lang=` (remembered in a cookie), else the cookie, else the browser's languages."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return choose_language(request.headers.get("accept-language"))


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an address elsewhere (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") \
            or urlsplit(target).netloc or "\\" in target:
        return "/"
    return target


def router(guard: Guard, export_formats: tuple[str, ...]) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        language = page_language(request)
        response = templates.TemplateResponse(
            request, name, status_code=status,
            context={
                "lang": language, "other_lang": "en" if language == "ja" else "ja",
                "t": messages(language), "errors": catalogue(language),
                "csrf": guard.csrf_token(request), "limits": limits.FOR_PAGES,
                "logged_in": guard.signin_needed() and guard.session_of(request) is not None,
                # what the page offers follows the person's role (the API decides anyway)
                "role": principal(request).role,
                "queue": workflow.queue_of(principal(request)),  # what waits for them
                **context,
            },
        )
        if request.query_params.get("lang") in LANGUAGES:
            response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400,
                                samesite="lax", httponly=True)
        return response

    @pages.get("/", response_class=HTMLResponse)
    def meeting_list(request: Request) -> Response:
        return render(request, "list.html")

    @pages.get("/meetings/{meeting_id}", response_class=HTMLResponse)
    def meeting_page(request: Request, meeting_id: str, db: Db) -> Response:
        try:
            with session_scope(db) as session:
                row = repository.get_meeting_row(session, meeting_id)
                title, section = row.title, row.section_id
        except NotFoundError:
            return render(request, "missing.html", status=404)
        if not principal(request).sees(section):  # another section's: as if none
            return render(request, "missing.html", status=404)
        return render(request, "meeting.html", meeting_id=meeting_id, title=title,
                      formats=export_formats)

    @pages.get("/dictionary", response_class=HTMLResponse)
    def dictionary_page(request: Request) -> Response:
        return render(request, "dictionary.html")

    def for_admins(request: Request, name: str) -> Response:
        if not principal(request).may("admin"):
            return render(request, "missing.html", status=403, message="no_access")
        return render(request, name)

    @pages.get("/users", response_class=HTMLResponse)
    def users_page(request: Request) -> Response:
        return for_admins(request, "users.html")

    @pages.get("/search", response_class=HTMLResponse)
    def search_page(request: Request) -> Response:
        return render(request, "search.html")

    @pages.get("/audit", response_class=HTMLResponse)
    def audit_page(request: Request) -> Response:
        return for_admins(request, "audit.html")

    @pages.get("/roster", response_class=HTMLResponse)
    def roster_page(request: Request) -> Response:
        return render(request, "roster.html")

    def login_page(request: Request, next: str, status: int = 200, **context: Any
                   ) -> Response:
        settings = request.app.state.settings
        return render(request, "login.html", status=status, next=safe_next(next),
                      oidc=openid.configured(settings), oidc_label=settings.oidc_label,
                      **{"failed": False, **context})

    @pages.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/") -> Response:
        if not guard.signin_needed():
            return RedirectResponse(safe_next(next), status_code=303)
        return login_page(request, next)

    @pages.get("/login/oidc")
    def oidc_start(request: Request, next: str = "/") -> Response:
        """To the organisation's identity provider, with a new state, nonce and PKCE
        verifier kept in a sealed cookie that only the callback reads."""
        settings = request.app.state.settings
        if not openid.configured(settings):
            return login_page(request, next, status=404)
        try:
            url, pending = openid.start(settings, str(request.url_for("oidc_callback")))
        except openid.SignInRefused as refused:
            log.warning("OpenID Connect sign-in could not start: %s", refused.reason)
            return login_page(request, next, status=502, oidc_failed=True)
        response = RedirectResponse(url, status_code=303)
        response.set_cookie(
            OIDC_COOKIE, guard.seal("oidc", {
                "state": pending.state, "nonce": pending.nonce,
                "verifier": pending.verifier, "next": safe_next(next), "at": time.time()}),
            max_age=openid.PENDING_SECONDS, path="/login/oidc", httponly=True,
            # the provider sends the browser back with a top-level GET: "lax" lets it in
            samesite="lax", secure=request.url.scheme == "https")
        return response

    @pages.get("/login/oidc/callback", name="oidc_callback")
    def oidc_callback(request: Request, db: Db) -> Response:
        """The provider's answer: a session for the person it vouches for, or the login
        page saying it did not work. Every outcome is in the audit log."""
        settings = request.app.state.settings
        address = client_address(request)
        kept = guard.unseal("oidc", request.cookies.get(OIDC_COOKIE, "")) or {}
        started = float(kept.get("at", 0))
        next_page = safe_next(str(kept.get("next", "/")))
        try:
            if not openid.configured(settings):
                raise openid.SignInRefused("not_configured")
            if time.time() - started > openid.PENDING_SECONDS:
                raise openid.SignInRefused("not_started_here_or_expired")
            pending = openid.Pending(str(kept["state"]), str(kept["nonce"]),
                                     str(kept["verifier"]))
            person = openid.finish(db, settings, str(request.url_for("oidc_callback")),
                                   pending, dict(request.query_params))
        except openid.SignInRefused as refused:
            log.info("OpenID Connect sign-in refused: %s", refused.reason)
            audit.log(db, "sign_in_failed", "account", refused.name[:64],
                      {"by": "oidc", "reason": refused.reason[:200]}, actor="",
                      address=address)
            response = login_page(request, next_page, status=401, oidc_failed=True)
            response.delete_cookie(OIDC_COOKIE, path="/login/oidc")
            return response
        audit.log(db, "sign_in", "account", person.name or "", {"by": "oidc"},
                  actor=person.name or "", address=address)
        # a page of this site moves on: a redirect straight from the provider's answer would
        # still count as cross-site, and the browser would hold the (strict) session back
        response = render(request, "signed_in.html", next=next_page)
        response.delete_cookie(OIDC_COOKIE, path="/login/oidc")
        response.set_cookie(
            SESSION_COOKIE, guard.new_session(address, person.name), max_age=SESSION_SECONDS,
            httponly=True, samesite="strict", secure=request.url.scheme == "https",
        )
        return response

    @pages.post("/login", response_class=HTMLResponse)
    async def login(
        request: Request, token: str = Form(""), csrf: str = Form(""), next: str = Form("/"),
        name: str = Form("", max_length=200),
    ) -> Response:
        """A person's name and password (an account), or the installation's token alone."""
        if not guard.signin_needed():
            return RedirectResponse(safe_next(next), status_code=303)
        address = client_address(request)
        engine = open_database(request.app.state.settings.resolved_database_url)
        person: list[str] = []

        def matches() -> bool:
            if not guard.csrf_matches(request, csrf):
                return False
            if not name.strip():
                return guard.password_matches(token)
            found = directory.sign_in(engine, request.app.state.settings, name, token)
            if found is not None and found.name:
                person.append(found.name)
            return found is not None

        try:
            right = await asyncio.to_thread(guard.throttle.attempt, address, matches)
        except Refused as refused:
            response = login_page(request, next, status=429,
                                  wait=round(refused.retry_after or 1))
            response.headers["Retry-After"] = str(round(refused.retry_after or 1))
            return response
        if not right:
            audit.log(engine, "sign_in_failed", "account", name.strip()[:64],
                      {"by": "password" if name.strip() else "token"}, actor="",
                      address=address)
            return login_page(request, next, status=401, failed=True)
        who = person[0] if person else None
        audit.log(engine, "sign_in", "account", who or "", {"by": "password" if who else
                                                            "token"}, actor=who or "",
                  address=address)
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE, guard.new_session(address, who), max_age=SESSION_SECONDS,
            httponly=True, samesite="strict", secure=request.url.scheme == "https",
        )
        return response

    @pages.post("/logout")
    def logout(request: Request) -> Response:
        guard.end_session(request)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    return pages


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
