"""An OpenID Connect provider for the tests, built on Authlib's authorization server (its
Flask integration): the authorization code grant with the OpenID Connect extension (ID
tokens signed RS256 with a key made here, a nonce required) and PKCE required, a discovery
document and the published keys. People sign in at its own small form; the ID token carries
`preferred_username` and `groups`.

`Provider(people).serve()` runs it on a free local port in a thread; `issuer` is its URL.
What it saw is kept for the tests (`seen`: the code challenge methods of the requests).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from typing import Any, ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from flask import Flask, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from tests.serving import free_port

CLIENT_ID = "gijiroku-test"


@dataclass(frozen=True)
class Person:
    sub: str
    name: str
    password: str
    groups: tuple[str, ...]

    def get_user_id(self) -> str:
        return self.sub


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    secret: str | None
    redirect_uris: list[str] = field(default_factory=list)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in {"openid", "profile",
                                                                   "email", "groups"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # the tests' service runs on a port chosen at random: any loopback callback
        return redirect_uri.startswith(("http://testserver/", "http://127.0.0.1:")) \
            and redirect_uri.endswith("/login/oidc/callback")

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret is not None and secrets.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == ("client_secret_basic" if self.secret else "none")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    person: Person
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


class Provider:
    def __init__(self, people: list[Person], secret: str | None = None) -> None:
        self.people = {p.name: p for p in people}
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.client = Client(CLIENT_ID, secret)
        self.codes: dict[str, Code] = {}
        self.seen: list[str | None] = []  # code_challenge_method of each code given
        self.audience: str | None = None  # (a test's: ID tokens meant for another client)
        self.app = self._app()

    def _app(self) -> Flask:
        provider = self
        app = Flask(__name__)
        server = AuthorizationServer(
            app, query_client=lambda cid: provider.client if cid == CLIENT_ID else None,
            save_token=lambda token, req: None)

        class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
            TOKEN_ENDPOINT_AUTH_METHODS: ClassVar = ["client_secret_basic", "none"]

            def save_authorization_code(self, code: str, req: Any) -> None:
                data = req.payload.data
                provider.seen.append(data.get("code_challenge_method"))
                provider.codes[code] = Code(
                    code, req.payload.client_id, req.payload.redirect_uri, req.scope,
                    req.user, data.get("nonce"), data.get("code_challenge"),
                    data.get("code_challenge_method"))

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, code: Code) -> None:
                provider.codes.pop(code.code, None)

            def authenticate_user(self, code: Code) -> Person:
                return code.person

        class IdToken(OpenIDCode):  # type: ignore[misc]
            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.key

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {"iss": provider.issuer,
                        "aud": [provider.audience or client.get_client_id()]}

            def exists_nonce(self, nonce: str, req: Any) -> bool:
                return any(c.nonce == nonce for c in provider.codes.values())

            def generate_user_info(self, person: Person, scope: str) -> UserInfo:
                return UserInfo(sub=person.sub, preferred_username=person.name,
                                groups=list(person.groups))

        server.register_grant(CodeGrant, [IdToken(require_nonce=True),
                                          CodeChallenge(required=True)])

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            return {"issuer": provider.issuer,
                    "authorization_endpoint": f"{provider.issuer}/authorize",
                    "token_endpoint": f"{provider.issuer}/token",
                    "jwks_uri": f"{provider.issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"]}

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            return {"keys": [provider.key.as_dict(private=False)]}

        def form(message: str = "", status: int = 200) -> tuple[str, int]:
            return (f"<!doctype html><title>Test provider</title><p>{escape(message)}</p>"
                    f'<form method="post"><input name="username" id="username">'
                    f'<input name="password" id="password" type="password">'
                    f'<button name="go" value="sign-in" id="provider-sign-in">Sign in'
                    f'</button><button name="go" value="deny" id="provider-deny">Cancel'
                    f"</button></form>", status)

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize() -> Any:
            if request.method == "GET":
                server.get_consent_grant(end_user=None)  # a bad request fails here
                return form()
            if request.form.get("go") == "deny":
                grant = server.get_consent_grant(end_user=None)
                return server.create_authorization_response(grant=grant, grant_user=None)
            person = provider.people.get(request.form.get("username", ""))
            if person is None or not secrets.compare_digest(
                    person.password, request.form.get("password", "")):
                return form("wrong name or password", 401)
            grant = server.get_consent_grant(end_user=person)
            return server.create_authorization_response(grant=grant, grant_user=person)

        @app.post("/token")
        def token() -> Any:
            return server.create_token_response()

        return app

    @contextmanager
    def serve(self) -> Iterator[Provider]:
        http = make_server("127.0.0.1", self.port, self.app, threaded=True)
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            http.shutdown()
            thread.join(timeout=10)
