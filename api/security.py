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
  cookie that the login form gives; pages without that cookie go to the login form. Sessions
  are rows in the database (`WebSessionRow`): logging out deletes the row, and a new token
  ends every session made with the old one (deleted when the service starts with it, so a
  token changed back does not bring them back).
- Wrong tokens, sent as a bearer header or typed into the login form, are counted per client
  address (`Throttle`): after each one that address must wait longer before it may try again
  (1 s, 2 s, 4 s... up to 60 s), and after 10 in a row it is locked out for 15 minutes. While
  it waits, every request from it that carries a token is refused with 429 unchecked, so
  guesses sent in parallel gain nothing. Each refusal and each lockout is logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, delete
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request

from gijiroku import accounts, audit
from gijiroku.accounts import INSTALLATION, Principal
from gijiroku.domain import as_utc
from gijiroku.storage import session_scope
from gijiroku.storage.tables import WebSessionRow

log = logging.getLogger(__name__)

SESSION_COOKIE = "gijiroku_session"
SESSION_SECONDS = 12 * 3600  # one working day
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Seconds between looks at whether accounts exist (a first account made by the command
#: line closes the open service within this).
ACCOUNTS_RECHECK = 2.0
#: Paths anyone may read: the login form, styles and scripts, health, the API's description.
PUBLIC_PREFIXES = ("/login", "/static/", "/healthz", "/docs", "/openapi.json", "/redoc")


_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)"
                   r"(:[0-9]{1,5})?")


class Refused(Exception):
    """A request the guard turns away: status, code and a message for the person."""

    def __init__(self, status: int, code: str, message: str,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.retry_after = retry_after


@dataclass
class _Failures:
    count: int = 0
    wait_until: float = 0.0  # monotonic; no token from this address is checked before it
    last: float = 0.0


class Throttle:
    """Wrong tokens per client address: a growing wait after each, a lockout after many."""

    FIRST_WAIT = 1.0
    LONGEST_WAIT = 60.0
    LOCK_AFTER = 10
    LOCK_SECONDS = 15 * 60
    FORGET_AFTER = 3600.0  # an address with no failure for an hour starts again from zero

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._by_address: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def check(self, address: str) -> None:
        """Refuses (429) an address that must still wait."""
        now = self.clock()
        with self._lock:
            failures = self._by_address.get(address)
            if failures is None or now >= failures.wait_until:
                return
            wait = failures.wait_until - now
        locked = failures.count >= self.LOCK_AFTER
        log.warning("sign-in refused from %s: %s for %.0f s more", address,
                    "locked out" if locked else "must wait", wait)
        raise Refused(429, "too_many_attempts",
                      f"Too many wrong tokens from this address: try again in {wait:.0f} s.",
                      retry_after=wait)

    def failed(self, address: str) -> None:
        now = self.clock()
        with self._lock:
            failures = self._by_address.setdefault(address, _Failures())
            if now - failures.last > self.FORGET_AFTER:
                failures.count = 0
            failures.count += 1
            failures.last = now
            if failures.count >= self.LOCK_AFTER:
                failures.wait_until = now + self.LOCK_SECONDS
            else:
                failures.wait_until = now + min(
                    self.FIRST_WAIT * 2 ** (failures.count - 1), self.LONGEST_WAIT)
            count = failures.count
            if len(self._by_address) > 10_000:  # many addresses: drop the long-quiet ones
                for key in [k for k, f in self._by_address.items()
                            if now - f.last > self.FORGET_AFTER]:
                    del self._by_address[key]
        if count >= self.LOCK_AFTER:
            log.warning("wrong token from %s (%d in a row): locked out for %d minutes",
                        address, count, self.LOCK_SECONDS // 60)
        else:
            log.warning("wrong token from %s (%d in a row)", address, count)

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._by_address.pop(address, None)

    def attempt(self, address: str, right: Callable[[], bool]) -> bool:
        """One try of a token from `address`: refused (429) while the address must wait,
        else `right()` decides and the outcome is counted."""
        self.check(address)
        if right():
            self.succeeded(address)
            return True
        self.failed(address)
        return False


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def kept_secret(data_dir: Path) -> str:
    """The installation's session secret, made once in the data directory (readable by its
    owner only): sessions signed with it outlive a restart and are shared by every process
    serving the same data."""
    path = data_dir / "session.key"
    if not path.is_file():
        data_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"session.key.{os.getpid()}.part")
        partial.write_text(secrets.token_hex(32), encoding="ascii")
        partial.chmod(0o600)
        os.replace(partial, path)
    return path.read_text(encoding="ascii").strip()


class Guard:
    """Signs sessions and CSRF tokens with the API token, or with the installation's kept
    secret when there is none (`kept_secret`). Sessions are stored in
    the database that `engine()` opens."""

    def __init__(self, token: str | None, trusted_hosts: list[str],
                 engine: Callable[[], Engine] | None = None,
                 secret: str | None = None) -> None:
        self.token = token
        self.trusted_hosts = [h.lower() for h in trusted_hosts]
        # signed with the token; without one (people sign in with accounts) with the
        # installation's kept secret, so a restart does not sign everyone out
        self._key = hashlib.sha256(
            (token or secret or secrets.token_hex(32)).encode() + b"gijiroku-session"
        ).digest()
        self._fingerprint = hashlib.sha256(self._key + b"fingerprint").hexdigest()
        self._engine = engine
        self.throttle = Throttle()
        self._accounts = False
        self._accounts_checked = -ACCOUNTS_RECHECK - 1.0

    def _sign(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def seal(self, purpose: str, value: dict[str, Any]) -> str:
        """`value` in a form the browser may keep but not change (a cookie's value)."""
        body = base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
        return f"{body}.{self._sign(f'{purpose}:{body}')}"

    def unseal(self, purpose: str, sealed: str) -> dict[str, Any] | None:
        """What `seal` sealed for `purpose`; None when changed, made for another purpose or
        by another installation."""
        body, _, signature = sealed.partition(".")
        if not body or not hmac.compare_digest(signature, self._sign(f"{purpose}:{body}")):
            return None
        try:
            value = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    # Sessions -------------------------------------------------------------------------------

    def _db(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("sessions need the database")
        return self._engine()

    @staticmethod
    def _row_id(nonce: str) -> str:
        return hashlib.sha256(nonce.encode()).hexdigest()

    def new_session(self, client: str = "", account: str | None = None) -> str:
        """Store a new session (of `account`, or of the token holder) and return the
        cookie's value."""
        nonce = secrets.token_hex(16)
        now = datetime.now(UTC)
        with session_scope(self._db()) as session:
            session.exec(delete(WebSessionRow).where(
                WebSessionRow.expires_at < now))  # type: ignore[arg-type]
            session.add(WebSessionRow(
                id=self._row_id(nonce), token_fingerprint=self._fingerprint,
                client=client[:64], created_at=now, account=account,
                expires_at=now + timedelta(seconds=SESSION_SECONDS)))
        return f"{nonce}.{self._sign(f'session:{nonce}')}"

    def forget_other_tokens(self) -> int:
        """Delete the sessions made under any other token (at start: a token changed and
        then changed back must not bring the sessions of its first time back). Returns how
        many went."""
        with session_scope(self._db()) as session:
            gone = session.exec(delete(WebSessionRow).where(
                WebSessionRow.token_fingerprint != self._fingerprint))  # type: ignore[arg-type]
            return int(gone.rowcount)

    def _nonce(self, request: Request) -> str | None:
        """The cookie's random part when its signature is this service's."""
        nonce, _, signature = request.cookies.get(SESSION_COOKIE, "").partition(".")
        if not nonce or not hmac.compare_digest(signature, self._sign(f"session:{nonce}")):
            return None
        return nonce

    def session_of(self, request: Request) -> str | None:
        """The session's random part when the cookie names a stored session that has not
        expired and was made with the current token, else None."""
        if "session" in request.scope.get("state", {}):  # looked up once per request
            found: str | None = request.state.session
            return found
        nonce = self._nonce(request)
        if nonce is not None:
            with session_scope(self._db()) as session:
                row = session.get(WebSessionRow, self._row_id(nonce))
                expires = as_utc(row.expires_at) if row is not None else None
                if row is None or row.token_fingerprint != self._fingerprint \
                        or expires is None or expires <= datetime.now(UTC):
                    nonce = None
                else:
                    request.state.session_account = row.account
        request.state.session = nonce
        return nonce

    def accounts_in_force(self) -> bool:
        """Whether people have accounts (looked up at most every few seconds): then every
        request must say who makes it, even with no installation token."""
        now = time.monotonic()
        if self._engine is None:
            return False
        if now - self._accounts_checked > ACCOUNTS_RECHECK:
            try:
                self._accounts = accounts.in_force(self._db())
                self._accounts_checked = now
            except SQLAlchemyError as exc:  # the database is down: as last known
                log.warning("could not look whether accounts exist: %s", exc)
        return self._accounts

    def signin_needed(self) -> bool:
        return self.token is not None or self.accounts_in_force()

    def _session_principal(self, request: Request) -> Principal | None:
        """Who a signed-in browser is: the person of the session (None when their account
        was disabled or removed since), or the token holder."""
        name = getattr(request.state, "session_account", None)
        if name is None:
            return INSTALLATION
        return accounts.by_name(self._db(), name)

    def end_session(self, request: Request) -> None:
        """Logging out: the stored session is deleted, so the cookie is worth nothing."""
        nonce = self._nonce(request)
        if nonce is not None:
            with session_scope(self._db()) as session:
                row = session.get(WebSessionRow, self._row_id(nonce))
                if row is not None:
                    session.delete(row)
        request.state.session = None

    def password_matches(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(
            given.encode(), self.token.encode()
        )

    def csrf_token(self, request: Request) -> str:
        """The token a page of this session sends back with every change."""
        return self._sign(f"csrf:{self.session_of(request) or '-'}")

    def csrf_matches(self, request: Request, sent: str) -> bool:
        """`sent` is this session's page token (compared in constant time)."""
        return hmac.compare_digest(sent.encode(), self.csrf_token(request).encode())

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
        if not self.csrf_matches(request, request.headers.get("x-csrf-token", "")):
            raise Refused(403, "csrf_failed",
                          "The page is out of date or not this service's: reload it.")

    def check(self, request: Request) -> None:
        """All of the rules, in order; raises `Refused`. Sets `request.state.principal`:
        who the request acts for (`gijiroku.accounts`)."""
        self.check_host(request)
        request.state.principal = None
        sent = request.headers.get("authorization")
        if sent is not None and request.url.path.startswith("/api/") and self.signin_needed():
            # a browser never adds this header by itself, so it cannot be forged cross-site
            request.state.principal = self._bearer(request, sent)
            return
        self.check_same_site(request)
        self.check_access(request)

    def _bearer(self, request: Request, sent: str) -> Principal:
        """The installation's token (an admin), or a person's API token."""
        found: list[Principal] = []

        def right() -> bool:
            if self.token is not None and hmac.compare_digest(
                    sent.encode(), f"Bearer {self.token}".encode()):
                found.append(INSTALLATION)
            elif sent.startswith("Bearer ") and len(sent) < 200:
                person = accounts.by_token(self._db(), sent[7:])
                if person is not None:
                    found.append(person)
            return bool(found)

        address = client_address(request)
        if not self.throttle.attempt(address, right):
            audit.log(self._db(), "sign_in_failed", detail={"by": "token"}, actor="",
                      address=address)
            raise Refused(401, "unauthorized", "The API token sent is not the right one.")
        return found[0]

    def check_access(self, request: Request) -> None:
        """With a token or accounts: a session for pages and the API (a bearer token is
        checked in `check`). With neither, the service is one clerk's: open."""
        path = request.url.path
        if path.startswith(PUBLIC_PREFIXES):
            return
        if not self.signin_needed():
            request.state.principal = INSTALLATION
            return
        if self.session_of(request) is not None:
            request.state.principal = self._session_principal(request)
            if request.state.principal is not None:
                return
        if path.startswith("/api/"):
            raise Refused(401, "unauthorized",
                          "Send the API token as 'Authorization: Bearer ...', or log in.")
        raise Refused(303, "login_required", "Log in first.")
