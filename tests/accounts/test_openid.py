"""Sign-in through an OpenID Connect provider that the tests run (Authlib's authorization
server, `tests.oidc_provider`): the authorization code flow with PKCE S256, the ID token's
groups giving the role and sections; the provider's refusal (a wrong password, a cancel),
someone in no role group, an account disabled in Gijiroku, a name that is a local account's,
a callback that was not started here (a forged state) all end on the login page, none with a
session, each in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api import create_app
from gijiroku import accounts, audit
from gijiroku.config import Settings
from gijiroku.storage import session_scope
from tests.api.test_api import LOCAL
from tests.oidc_provider import CLIENT_ID, Person, Provider

PEOPLE = [
    Person("u-1", "yamada", "yamada-password", ("gijiroku-approvers", "議会事務局")),
    Person("u-2", "suzuki", "suzuki-password", ("/gijiroku-viewers",)),  # a Keycloak path
    Person("u-3", "outsider", "outsider-password", ("野球部",)),  # in no role group
    Person("u-4", "kanri", "kanri-password", ("gijiroku-admins",)),  # a local account's name
]


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with Provider(PEOPLE).serve() as running:
        yield running


def configured(settings: Settings, provider: Provider) -> Settings:
    return settings.model_copy(update={"oidc_issuer": provider.issuer,
                                       "oidc_client_id": CLIENT_ID})


def sign_in(client: TestClient, name: str, password: str, go: str = "sign-in",
            next_page: str = "/") -> httpx.Response:
    """What a browser does: to the provider, its form, back to the callback."""
    started = client.get("/login/oidc", params={"next": next_page}, follow_redirects=False)
    assert started.status_code == 303, started.text
    at_provider = started.headers["location"]
    query = parse_qs(urlsplit(at_provider).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["nonce"] and query["state"] and query["client_id"] == [CLIENT_ID]
    with httpx.Client() as browser:
        assert browser.get(at_provider).status_code == 200  # the provider's form
        answer = browser.post(at_provider, data={"username": name, "password": password,
                                                 "go": go})
    if answer.status_code != 302:
        return answer
    back = urlsplit(answer.headers["location"])
    assert back.path == "/login/oidc/callback"
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_a_person_signs_in_at_the_provider_with_the_role_and_sections_of_their_groups(
        provider: Provider, settings: Settings, engine: Engine) -> None:
    accounts.create_user(engine, "kanri", "admin", password="a long enough password")
    with session_scope(engine) as session:  # a Gijiroku group named like a provider group
        accounts.section(session, "議会事務局", create=True)
    app = create_app(configured(settings, provider))
    with TestClient(app, base_url=LOCAL) as client:
        page = client.get("/login")
        assert 'id="oidc-sign-in"' in page.text and "/login/oidc?next=" in page.text
        signed = sign_in(client, "yamada", "yamada-password", next_page="/roster")
        assert signed.status_code == 200, signed.text  # a page of this site moves on
        assert 'content="0;url=/roster"' in signed.text
        assert provider.seen[-1] == "S256"
        assert client.get("/api/meetings").status_code == 200
        assert client.post("/api/dictionary", json={"kind": "term", "text": "議会"}
                           ).status_code == 403  # an approver, not an admin
    listed = {row.name: (row.role, row.source, groups) for row, groups in accounts.users(engine)}
    assert listed["yamada"] == ("approver", "oidc", ["議会事務局"])

    with TestClient(app, base_url=LOCAL) as client:  # a group given as a path
        assert sign_in(client, "suzuki", "suzuki-password").status_code == 200
    assert accounts.by_name(engine, "suzuki") is not None
    assert accounts.by_name(engine, "suzuki").role == "viewer"  # type: ignore[union-attr]

    log = audit.export_csv(engine)
    assert log.count('"{""by"": ""oidc""}"') == 2 and ",yamada," in log


@pytest.mark.parametrize(("name", "password", "go", "reason"), [
    ("yamada", "not the password", "sign-in", None),  # the provider keeps its form
    ("yamada", "yamada-password", "deny", "provider_refused: access_denied"),
    ("outsider", "outsider-password", "sign-in", "no_role_group"),
    ("kanri", "kanri-password", "sign-in", "not_allowed"),  # a local account's name
    ("disabled", "", "sign-in", "not_allowed"),
])
def test_refusals_end_on_the_login_page_without_a_session(
        provider: Provider, settings: Settings, engine: Engine, name: str, password: str,
        go: str, reason: str | None) -> None:
    accounts.create_user(engine, "kanri", "admin", password="a long enough password")
    app = create_app(configured(settings, provider))
    if name == "disabled":  # signed in once, then disabled in Gijiroku
        with TestClient(app, base_url=LOCAL) as client:
            assert sign_in(client, "yamada", "yamada-password").status_code == 200
        accounts.set_disabled(engine, "yamada", True)
        name, password = "yamada", "yamada-password"
    with TestClient(app, base_url=LOCAL) as client:
        answer = sign_in(client, name, password, go)
        if reason is None:
            assert answer.status_code == 401 and "wrong name or password" in answer.text
        else:
            assert answer.status_code == 401
            assert 'class="error"' in answer.text and "/login/oidc?next=" in answer.text
            failures = [line for line in audit.export_csv(engine).splitlines()
                        if "sign_in_failed" in line]
            assert failures and reason in failures[-1]
        assert client.get("/api/meetings").status_code == 401
    assert accounts.by_name(engine, "kanri").role == "admin"  # type: ignore[union-attr]


def test_a_callback_not_started_here_is_refused(provider: Provider, settings: Settings,
                                                engine: Engine) -> None:
    """Login CSRF: an answer for someone else's sign-in (another browser's state), or one
    with the state changed, gives no session."""
    accounts.create_user(engine, "kanri", "admin", password="a long enough password")
    app = create_app(configured(settings, provider))
    with TestClient(app, base_url=LOCAL) as attacker, TestClient(app, base_url=LOCAL) as victim:
        started = attacker.get("/login/oidc", follow_redirects=False)
        at_provider = started.headers["location"]
        with httpx.Client() as browser:
            answer = browser.post(at_provider, data={"username": "yamada",
                                                     "password": "yamada-password",
                                                     "go": "sign-in"})
        back = urlsplit(answer.headers["location"])
        # the victim's browser never started this sign-in: no cookie of it
        refused = victim.get(f"{back.path}?{back.query}", follow_redirects=False)
        assert refused.status_code == 401
        assert victim.get("/api/meetings").status_code == 401
        # the attacker's own browser, with the state changed
        forged = back.query.replace("state=", "state=x")
        assert attacker.get(f"{back.path}?{forged}", follow_redirects=False
                            ).status_code == 401
    assert "not_started_here_or_expired" in audit.export_csv(engine)
    assert "state_mismatch" in audit.export_csv(engine)


def test_an_id_token_meant_for_another_client_is_refused(
        provider: Provider, settings: Settings, engine: Engine) -> None:
    accounts.create_user(engine, "kanri", "admin", password="a long enough password")
    provider.audience = "another-application"
    try:
        with TestClient(create_app(configured(settings, provider)), base_url=LOCAL) as client:
            assert sign_in(client, "yamada", "yamada-password").status_code == 401
            assert client.get("/api/meetings").status_code == 401
    finally:
        provider.audience = None
    assert "id_token_invalid" in audit.export_csv(engine)


def test_without_a_provider_there_is_no_button(settings: Settings, engine: Engine) -> None:
    accounts.create_user(engine, "kanri", "admin", password="a long enough password")
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        assert 'id="oidc-sign-in"' not in client.get("/login").text
        assert client.get("/login/oidc", follow_redirects=False).status_code == 404
