"""Sign-in through the organisation's OpenID Connect provider (Entra ID, Keycloak, a city's
own): the authorization code flow with PKCE.

1. `start`: the browser is sent to the provider's authorization endpoint with a fresh
   `state`, `nonce` and PKCE code challenge (S256); the web view keeps the three secrets in
   a signed, short-lived cookie (`Pending`).
2. The person signs in at the provider, which sends the browser back to
   `/login/oidc/callback` with a code.
3. `finish`: the state must be the one sent; the code is exchanged at the token endpoint
   with the code verifier (and the client secret when there is one); the ID token's
   signature is checked against the provider's published keys, and its issuer, audience,
   expiry and nonce. Its name claim (`GIJIROKU_OIDC_NAME_CLAIM`) names the person; its
   groups claim gives the role (`GIJIROKU_OIDC_ROLES`, as LDAP's: the highest wins) and the
   Gijiroku groups named like theirs. Someone in no role group, or disabled in Gijiroku, is
   refused; a name that is a local or LDAP account's is refused too (a provider must not
   take over an account it does not own).

The protocol itself is Authlib's (the client, PKCE) and joserfc's (the ID token); this module
holds what Gijiroku decides. The provider's description is read from its
`/.well-known/openid-configuration` once an hour. TLS is checked against the system's
certificates when `SSL_CERT_FILE` names them (an internal CA), else certifi's.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Engine

from gijiroku import accounts
from gijiroku.config import Settings
from gijiroku.errors import ConfigError
from gijiroku.limits import NAME
from gijiroku.principal import Principal

log = logging.getLogger(__name__)
#: Seconds to wait for the provider (a sign-in fails rather than hangs).
TIMEOUT = 10.0
#: Seconds the provider's description is kept before it is read again.
DESCRIPTION_SECONDS = 3600.0
#: Seconds a started sign-in may take at the provider.
PENDING_SECONDS = 600
#: Clock difference allowed between the provider and this server, in seconds.
LEEWAY = 60

_descriptions: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


class SignInRefused(Exception):
    """A sign-in the provider or Gijiroku turned down; `reason` goes to the audit log."""

    def __init__(self, reason: str, name: str = "") -> None:
        super().__init__(reason)
        self.reason, self.name = reason, name


@dataclass(frozen=True, slots=True)
class Pending:
    """What a started sign-in must find again when the browser comes back."""

    state: str
    nonce: str
    verifier: str


def configured(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def description(settings: Settings) -> dict[str, Any]:
    """The provider's `/.well-known/openid-configuration` (kept an hour)."""
    issuer = (settings.oidc_issuer or "").rstrip("/")
    if not issuer or not settings.oidc_client_id:
        raise ConfigError("OpenID Connect sign-in needs GIJIROKU_OIDC_ISSUER and "
                          "GIJIROKU_OIDC_CLIENT_ID.", variable="GIJIROKU_OIDC_ISSUER")
    with _lock:
        kept = _descriptions.get(issuer)
    if kept is not None and time.monotonic() - kept[0] < DESCRIPTION_SECONDS:
        return kept[1]
    try:
        found = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT)
        found.raise_for_status()
        meta: dict[str, Any] = found.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SignInRefused(f"provider_unreachable: {exc}") from exc
    if str(meta.get("issuer", "")).rstrip("/") != issuer:  # (OpenID Connect Discovery 4.3)
        raise SignInRefused(f"provider_mismatch: it says it is {meta.get('issuer')!r}")
    with _lock:
        _descriptions[issuer] = (time.monotonic(), meta)
    return meta


def _client(settings: Settings, redirect_uri: str) -> Any:
    from authlib.integrations.httpx_client import OAuth2Client

    secret = settings.oidc_client_secret
    return OAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=secret.get_secret_value() if secret else None,
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
        scope=settings.oidc_scopes, redirect_uri=redirect_uri,
        code_challenge_method="S256", timeout=TIMEOUT)


def start(settings: Settings, redirect_uri: str) -> tuple[str, Pending]:
    """Where to send the browser, and what to keep until it comes back."""
    from authlib.common.security import generate_token

    meta = description(settings)
    pending = Pending(state=secrets.token_urlsafe(24), nonce=secrets.token_urlsafe(24),
                      verifier=generate_token(64))
    with _client(settings, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"], state=pending.state, nonce=pending.nonce,
            code_verifier=pending.verifier)
    return str(url), pending


def finish(engine: Engine, settings: Settings, redirect_uri: str, pending: Pending,
           answer: Mapping[str, str]) -> Principal:
    """The person the provider's answer (the callback's query) vouches for; raises
    `SignInRefused`."""
    from authlib.common.errors import AuthlibBaseError

    if answer.get("error"):
        raise SignInRefused(f"provider_refused: {answer['error'][:60]}")
    if not secrets.compare_digest(answer.get("state", ""), pending.state):
        raise SignInRefused("state_mismatch")
    code = answer.get("code", "")
    if not code:
        raise SignInRefused("no_code")
    meta = description(settings)
    try:
        with _client(settings, redirect_uri) as client:
            token = client.fetch_token(meta["token_endpoint"], code=code,
                                       code_verifier=pending.verifier)
    except (AuthlibBaseError, httpx.HTTPError, ValueError) as exc:
        raise SignInRefused(f"code_exchange_failed: {exc}") from exc
    claims = _id_token_claims(settings, meta, str(token.get("id_token", "")), pending.nonce)
    name = claims.get(settings.oidc_name_claim) or claims.get("email")
    if not isinstance(name, str) or not name.strip() or len(name) > NAME:
        raise SignInRefused(f"no_name: the ID token has no {settings.oidc_name_claim}")
    name = name.strip()
    groups = _groups(claims.get(settings.oidc_groups_claim))
    role = accounts.role_from_groups(groups, settings.oidc_roles, "GIJIROKU_OIDC_ROLES")
    if role is None:
        raise SignInRefused("no_role_group", name)
    person = accounts.keep_outside_person(engine, name, role, groups, source="oidc")
    if person is None:
        raise SignInRefused("not_allowed: disabled, or the name is another sign-in's", name)
    return person


def _id_token_claims(settings: Settings, meta: Mapping[str, Any], id_token: str,
                     nonce: str) -> dict[str, Any]:
    """The ID token's claims once its signature, issuer, audience, times and nonce hold."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    if not id_token:
        raise SignInRefused("no_id_token: is 'openid' among GIJIROKU_OIDC_SCOPES?")
    # signed with the provider's published keys only: never "none", never a shared secret
    algorithms = [a for a in meta.get("id_token_signing_alg_values_supported") or ["RS256"]
                  if a != "none" and not a.startswith("HS")] or ["RS256"]
    try:
        published = httpx.get(meta["jwks_uri"], timeout=TIMEOUT)
        published.raise_for_status()
        keys = KeySet.import_key_set(published.json())
        decoded = jwt.decode(id_token, keys, algorithms=algorithms)
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY,
            iss={"essential": True, "value": meta["issuer"]},
            aud={"essential": True, "value": settings.oidc_client_id or ""},
            sub={"essential": True}, exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
    except (JoseError, httpx.HTTPError, ValueError, KeyError) as exc:
        raise SignInRefused(f"id_token_invalid: {exc}") from exc
    return dict(decoded.claims)


def _groups(value: Any) -> list[str]:
    """The groups claim as names: a list (or one string); Keycloak's full paths
    ("/gijiroku-admins") by their last part."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [str(item).rstrip("/").rsplit("/", 1)[-1] for item in items
            if isinstance(item, str) and item.strip("/")]


__all__ = ["Pending", "SignInRefused", "configured", "description", "finish", "start"]
