"""Who may talk to the service: trusted Host names, the API token (bearer header for programs,
a login form and a signed cookie for browsers) and protection against cross-site requests.

Rules, checked by `Guard` before any route runs:
- The Host header must name this service (`Settings.trusted_hosts`): a web page elsewhere
  cannot reach a loopback-only service through a domain that resolves to 127.0.0.1.
- A request that changes something (POST, PUT, PATCH, DELETE) and comes from a browser (it
  carries `Origin` or `Sec-Fetch-Site`) must come from this site and carry the page's CSRF
  token in `X-CSRF-Token`; the login form carries it as a field. Programs such as curl send
  neither header and need only the bearer token when one is set.
- With `GIJIROKU_API_TOKEN` set, `/api/*` needs `Authorization: Bearer TOKEN` or the session
  cookie that the login form gives; pages without that cookie go to the login form.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from urllib.parse import urlsplit

from starlette.requests import Request

SESSION_COOKIE = "gijiroku_session"
SESSION_SECONDS = 12 * 3600  # one working day
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Paths anyone may read: the login form, styles and scripts, health, the API's description.
PUBLIC_PREFIXES = ("/login", "/static/", "/healthz", "/docs", "/openapi.json", "/redoc")


_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)"
                   r"(:[0-9]{1,5})?")


class Refused(Exception):
    """A request the guard turns away: status, code and a message for the person."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Guard:
    """Signs sessions and CSRF tokens with the API token, or with a secret of this process
    when there is none (its tokens then last as long as the process)."""

    def __init__(self, token: str | None, trusted_hosts: list[str]) -> None:
        self.token = token
        self.trusted_hosts = [h.lower() for h in trusted_hosts]
        self._key = hashlib.sha256(
            (token or secrets.token_hex(32)).encode() + b"gijiroku-session"
        ).digest()

    def _sign(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    # Sessions -------------------------------------------------------------------------------

    def new_session(self, now: float | None = None) -> str:
        issued = str(int(now if now is not None else time.time()))
        nonce = secrets.token_hex(16)
        return f"{issued}.{nonce}.{self._sign(f'session:{issued}.{nonce}')}"

    def session_of(self, request: Request) -> str | None:
        """The valid, unexpired session cookie's nonce, else None."""
        value = request.cookies.get(SESSION_COOKIE, "")
        parts = value.split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            return None
        issued, nonce, signature = parts
        if not hmac.compare_digest(signature, self._sign(f"session:{issued}.{nonce}")):
            return None
        if not 0 <= time.time() - int(issued) <= SESSION_SECONDS:
            return None
        return nonce

    def password_matches(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(
            given.encode(), self.token.encode()
        )

    def csrf_token(self, request: Request) -> str:
        """The token a page of this session sends back with every change."""
        return self._sign(f"csrf:{self.session_of(request) or '-'}")

    # Checks ---------------------------------------------------------------------------------

    def check_host(self, request: Request) -> None:
        host = request.headers.get("host", "")
        # a name or address and a port, nothing else: "evil@127.0.0.1" or "127.0.0.1/x"
        # would be read by a URL parser as something else than what a proxy saw
        well_formed = _HOST.fullmatch(host) is not None
        if well_formed and "*" in self.trusted_hosts:
            return
        name = (urlsplit(f"//{host}").hostname or "") if well_formed else ""
        if name.lower() not in self.trusted_hosts:
            raise Refused(400, "untrusted_host",
                          f"This service does not answer to the host name {host!r}; add it "
                          "to GIJIROKU_ALLOWED_HOSTS if it is yours.")

    def check_same_site(self, request: Request) -> None:
        """A browser's change must come from a page of this site, with its CSRF token."""
        if request.method not in UNSAFE_METHODS:
            return
        origin = request.headers.get("origin")
        fetch_site = request.headers.get("sec-fetch-site")
        if origin is None and fetch_site is None:
            return  # not a browser: curl, scripts, the CLI
        if fetch_site not in (None, "same-origin", "none"):
            raise Refused(403, "cross_site_request",
                          "Changes are accepted only from this service's own pages.")
        if origin == "null":
            raise Refused(403, "cross_site_request", "A request from an opaque origin.")
        if origin is not None and \
                urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower():
            raise Refused(403, "cross_site_request",
                          "Changes are accepted only from this service's own pages.")
        if request.url.path in ("/login", "/logout"):
            return  # plain forms: the login route checks the token sent as a field
        sent = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent.encode(), self.csrf_token(request).encode()):
            raise Refused(403, "csrf_failed",
                          "The page is out of date or not this service's: reload it.")

    def check(self, request: Request) -> None:
        """All of the rules, in order; raises `Refused`."""
        self.check_host(request)
        sent = request.headers.get("authorization")
        if sent is not None and self.token is not None and request.url.path.startswith("/api/"):
            # a browser never adds this header by itself, so it cannot be forged cross-site
            if not hmac.compare_digest(sent.encode(), f"Bearer {self.token}".encode()):
                raise Refused(401, "unauthorized", "The API token sent is not the right one.")
            return
        self.check_same_site(request)
        self.check_access(request)

    def check_access(self, request: Request) -> None:
        """With a token set: a session for pages and the API (bearer checked in `check`)."""
        if self.token is None:
            return
        path = request.url.path
        if path.startswith(PUBLIC_PREFIXES):
            return
        if self.session_of(request) is not None:
            return
        if path.startswith("/api/"):
            raise Refused(401, "unauthorized",
                          "Send the API token as 'Authorization: Bearer ...', or log in.")
        raise Refused(303, "login_required", "Log in first.")
