"""Accounts, roles and sections through the API on a real SQLite file: every route of the API
for every role, for a request naming no one and for a member of another section; uploads
into a section; sign-in with a name and password; disabled accounts and revoked tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from api import create_app
from api.access import RULES
from gijiroku import accounts, audit
from gijiroku.accounts import ROLES
from gijiroku.config import Settings
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import MeetingRow
from tests.api.test_api import LOCAL, SAMPLE, upload
from tests.seed import seed_meeting

PASSWORD = "correct horse battery"


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        yield client


def people(engine: Engine) -> dict[str, str]:
    """A person of each role in 総務課, an editor of 議会事務局: their API tokens."""
    tokens = {}
    for role in ROLES:
        accounts.create_user(engine, role, role, groups=["総務課"], password=PASSWORD)
        tokens[role] = accounts.new_token(engine, role)
    accounts.create_user(engine, "other", "editor", groups=["議会事務局"])
    tokens["other"] = accounts.new_token(engine, "other")
    return tokens


def in_section(engine: Engine, meeting_id: str, name: str) -> None:
    accounts.put_in_section(engine, meeting_id, name=name)  # (its lines indexed with it)


def forgive(client: TestClient) -> None:
    client.app.state.guard.throttle.succeeded("testclient")  # type: ignore[attr-defined]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def routes(client: TestClient) -> list[tuple[str, str]]:
    """Every (method, path) of the API, from the app itself."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return sorted((method.upper(), path) for path, operations in paths.items()
                  for method in operations if path.startswith("/api/"))


def filled(path: str, meeting: str, job: str) -> str:
    values = {"meeting_id": meeting, "job_id": job, "item_id": "abc123", "segment_id": "1",
              "speaker_id": "S1", "edit_id": "1", "mark_id": "1", "entry_id": "1",
              "suggestion_id": "personal-1-0-2-name", "name": "nobody"}
    for key, value in values.items():
        path = path.replace("{" + key + "}", value)
    return path


def call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    body: dict[str, Any] = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    return client.request(method, path, headers=headers, **body).status_code


#: A stream that runs until the page closes: called only where it is refused before it starts.
ENDLESS = ("GET", "/api/meetings/{meeting_id}/events")


def test_every_route_for_every_role_for_no_one_and_for_another_section(
        client: TestClient, engine: Engine, settings: Settings) -> None:
    meeting = seed_meeting(engine, settings.data_dir)
    in_section(engine, meeting, "総務課")
    with session_scope(engine) as session:
        job = repository.latest_jobs(session, [meeting])[meeting].id
    tokens = people(engine)
    found = routes(client)
    # a route without a rule is a route nobody thought about: this list is the app's own
    assert set(found) == set(RULES), (set(found) ^ set(RULES))
    # the deletion of the meeting last: every other call finds it there
    found.sort(key=lambda route: route == ("DELETE", "/api/meetings/{meeting_id}"))
    for method, path in found:
        url = filled(path, meeting, job)
        assert call(client, method, url, {}) == 401, (method, path)
        assert call(client, method, url, bearer("gjr_not-a-token")) == 401, (method, path)
        forgive(client)  # (a wrong token makes the address wait: api.security.Throttle)
        scoped = "{meeting_id}" in path or "{job_id}" in path
        if scoped:  # another section's meeting does not exist for them
            assert call(client, method, url, bearer(tokens["other"])) == 404, (method, path)
        for role in ROLES:
            allowed = ROLES.index(role) >= ROLES.index(RULES[(method, path)])
            if allowed and (method, path) == ENDLESS:
                continue
            status = call(client, method, url, bearer(tokens[role]))
            if allowed:
                assert status not in (401, 403), (role, method, path, status)
            else:
                assert status == 403, (role, method, path, status)
    assert client.get(f"/api/meetings/{meeting}", headers=bearer(tokens["admin"])
                      ).status_code == 404  # (deleted by the admin, last)


def test_a_section_sees_only_its_meetings_and_uploads_go_to_the_uploaders_section(
        client: TestClient, engine: Engine, settings: Settings) -> None:
    ours = seed_meeting(engine, settings.data_dir, title="総務委員会")
    theirs = seed_meeting(engine, settings.data_dir, title="議会運営委員会")
    none = seed_meeting(engine, settings.data_dir, title="所属なし")
    in_section(engine, ours, "総務課")
    in_section(engine, theirs, "議会事務局")
    tokens = people(engine)
    listed = client.get("/api/meetings", headers=bearer(tokens["viewer"])).json()
    assert [m["title"] for m in listed["items"]] == ["総務委員会"] and listed["total"] == 1
    assert client.get("/api/meetings", params={"q": "委員会"},
                      headers=bearer(tokens["viewer"])).json()["total"] == 1
    everything = client.get("/api/meetings", headers=bearer(tokens["admin"])).json()
    assert everything["total"] == 3  # an admin sees all, and the meeting of no section
    assert client.get(f"/api/meetings/{none}", headers=bearer(tokens["editor"])
                      ).status_code == 404
    # an upload belongs to the uploader's section, or to another of theirs they name
    accounts.create_user(engine, "both", "editor", groups=["総務課", "議会事務局"])
    token = accounts.new_token(engine, "both")
    made = client.post("/api/meetings", headers=bearer(token),
                       files={"file": ("a.flac", SAMPLE.read_bytes(), "audio/flac")},
                       data={"group": "議会事務局"})
    assert made.status_code == 201, made.text
    brought = [line for line in audit.export_csv(engine).splitlines() if ",upload," in line]
    assert len(brought) == 1 and "both" in brought[0] and made.json()["id"] in brought[0]
    with session_scope(engine) as session:
        row = session.get(MeetingRow, made.json()["id"])
        assert row is not None
        assert row.section_id == accounts.section(session, "議会事務局").id
    assert client.get(f"/api/meetings/{made.json()['id']}", headers=bearer(tokens["editor"])
                      ).status_code == 404  # 総務課's editor does not see it
    refused = client.post("/api/meetings", headers=bearer(tokens["editor"]),
                          files={"file": ("b.flac", SAMPLE.read_bytes(), "audio/flac")},
                          data={"group": "議会事務局"})
    assert refused.status_code == 404, refused.text  # not one of theirs


def test_an_admin_moves_a_meeting_to_another_group(
        client: TestClient, engine: Engine, settings: Settings, cli) -> None:  # type: ignore[no-untyped-def]
    """A meeting uploaded to the wrong section, or stored before there were accounts, is
    moved by an admin: the new group's members see it (its lines in their searches), the
    old group's no longer do; none: admins only. Audited; the CLI does the same."""
    meeting = seed_meeting(engine, settings.data_dir, title="議会運営委員会")
    in_section(engine, meeting, "総務課")
    tokens = people(engine)
    url = f"/api/meetings/{meeting}"

    def seen(who: str) -> tuple[int, int]:
        found = client.get("/api/search", params={"q": "図書館"}, headers=bearer(tokens[who]))
        assert found.status_code == 200, found.text
        return client.get(url, headers=bearer(tokens[who])).status_code, found.json()["total"]

    assert seen("editor")[0] == 200 and seen("editor")[1] > 0 and seen("other") == (404, 0)
    assert client.get(url, headers=bearer(tokens["editor"])).json()["group"] == "総務課"
    assert client.put(url + "/group", json={"group": "議会事務局"},
                      headers=bearer(tokens["approver"])).status_code == 403
    assert client.put(url + "/group", json={"group": "存在しない課"},
                      headers=bearer(tokens["admin"])).status_code == 404
    moved = client.put(url + "/group", json={"group": "議会事務局"},
                       headers=bearer(tokens["admin"]))
    assert moved.status_code == 200 and moved.json()["group"] == "議会事務局"
    assert seen("editor") == (404, 0)
    assert seen("other")[0] == 200 and seen("other")[1] > 0
    entry = [line for line in audit.export_csv(engine).splitlines() if "meeting_group" in line]
    assert entry and "総務課" in entry[-1] and "議会事務局" in entry[-1] and "admin" in entry[-1]
    # to no group: only admins see it; back by the command line
    assert client.put(url + "/group", json={"group": None},
                      headers=bearer(tokens["admin"])).json()["group"] is None
    assert seen("other") == (404, 0) and seen("editor") == (404, 0)
    assert cli("group", meeting, "総務課", data_dir=settings.data_dir).returncode == 0
    assert seen("editor")[0] == 200


def test_sign_in_with_a_name_and_password_a_disabled_account_and_a_revoked_token(
        client: TestClient, engine: Engine, settings: Settings) -> None:
    meeting = seed_meeting(engine, settings.data_dir)
    in_section(engine, meeting, "総務課")
    tokens = people(engine)
    assert client.get("/api/meetings").status_code == 401  # accounts exist: say who you are
    page = client.get("/login")
    assert page.status_code == 200 and 'name="name"' in page.text
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    wrong = client.post("/login", data={"name": "editor", "token": "wrong password!",
                                        "csrf": csrf, "next": "/"}, follow_redirects=False)
    assert wrong.status_code == 401
    client.cookies.clear()
    forgive(client)
    page = client.get("/login")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    signed = client.post("/login", data={"name": "editor", "token": PASSWORD, "csrf": csrf,
                                         "next": "/"}, follow_redirects=False)
    assert signed.status_code == 303, signed.text
    assert client.get(f"/api/meetings/{meeting}").status_code == 200
    # what the person changes is theirs in the history
    assert client.patch(f"/api/meetings/{meeting}/segments/1",
                        json={"text": "ただいまから総務委員会を開会します。"}).status_code == 200
    history = client.get(f"/api/meetings/{meeting}/history").json()
    assert history[-1]["author"] == "editor"
    # disabled: the session and the token are worth nothing
    accounts.set_disabled(engine, "editor", True)
    assert client.get(f"/api/meetings/{meeting}").status_code == 401
    client.cookies.clear()
    assert client.get("/api/meetings", headers=bearer(tokens["editor"])).status_code == 401
    forgive(client)
    accounts.revoke_tokens(engine, "viewer")
    assert client.get("/api/meetings", headers=bearer(tokens["viewer"])).status_code == 401
    forgive(client)
    # sign-ins and their failures are in the audit log, with the address
    log = audit.export_csv(engine)
    assert "sign_in_failed" in log and ",sign_in," in log and "testclient" in log
    assert audit.verify(engine)[1] is None


def test_no_account_and_no_token_is_one_clerks_open_service(client: TestClient,
                                                            engine: Engine) -> None:
    answer = upload(client, "a.flac", SAMPLE.read_bytes())
    assert answer.status_code == 201
    assert client.get("/api/meetings").json()["total"] == 1
    assert client.get("/login", follow_redirects=False).status_code == 303


def test_the_watched_folders_meetings_belong_to_its_group(
        engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """`GIJIROKU_WATCH_GROUP`: a recording dropped into the IC-recorder share belongs to that
    group (made when new), so its members see it and others do not."""
    import shutil

    from gijiroku.service import Service
    from tests.test_watch import wait_for

    share = tmp_path / "share"
    share.mkdir()
    service = Service(settings.model_copy(update={
        "watch_dir": str(share), "watch_group": "議会事務局", "serve_worker": False,
        "watch_stable_seconds": 0.3}))
    service.start()
    try:
        shutil.copy(SAMPLE, share / "本会議.flac")

        def grouped() -> bool:
            with session_scope(engine) as session:
                rows = session.exec(select(MeetingRow)).all()
                return len(rows) == 1 and rows[0].section_id is not None

        assert wait_for(grouped, 60)
    finally:
        service.stop()
    with session_scope(engine) as session:
        row = session.exec(select(MeetingRow)).one()
        assert row.section_id == accounts.section(session, "議会事務局").id


def test_a_signed_in_person_stays_signed_in_after_a_restart(
        engine: Engine, settings: Settings) -> None:
    """Without an installation token, sessions are signed with the installation's secret
    kept in the data directory (owner-readable only), not one of the process."""
    accounts.create_user(engine, "tanaka", "editor", password=PASSWORD)
    with TestClient(create_app(settings), base_url=LOCAL) as first:
        page = first.get("/login")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        assert first.post("/login", data={"name": "tanaka", "token": PASSWORD, "csrf": csrf,
                                          "next": "/"}, follow_redirects=False
                          ).status_code == 303
        cookies = dict(first.cookies)
    with TestClient(create_app(settings), base_url=LOCAL, cookies=cookies) as again:
        assert again.get("/api/meetings").status_code == 200
    key = settings.data_dir / "session.key"
    assert key.stat().st_mode & 0o077 == 0


def test_admins_manage_people_through_the_api_and_the_page(
        client: TestClient, engine: Engine, settings: Settings) -> None:
    tokens = people(engine)
    admin = bearer(tokens["admin"])
    made = client.post("/api/users", json={"name": "kimura", "role": "viewer",
                                           "groups": ["総務課"], "password": PASSWORD},
                       headers=admin)
    assert made.status_code == 201, made.text
    assert made.json() == {"name": "kimura", "role": "viewer", "groups": ["総務課"],
                           "source": "local", "disabled": False}
    assert client.post("/api/users", json={"name": "kimura", "role": "viewer"},
                       headers=admin).status_code == 422  # there is one already
    assert client.post("/api/users", json={"name": "x", "role": "chief"},
                       headers=admin).status_code == 422
    changed = client.patch("/api/users/kimura", json={"role": "editor",
                                                      "groups": ["議会事務局"]}, headers=admin)
    assert changed.json()["role"] == "editor" and changed.json()["groups"] == ["議会事務局"]
    token = client.post("/api/users/kimura/token", headers=admin).json()["token"]
    assert client.get("/api/meetings", headers=bearer(token)).status_code == 200
    client.patch("/api/users/kimura", json={"disabled": True}, headers=admin)
    assert client.get("/api/meetings", headers=bearer(token)).status_code == 401
    forgive(client)
    assert client.get("/api/users", headers=bearer(tokens["approver"])).status_code == 403
    log = audit.export_csv(engine)
    assert "user_created" in log and "user_changed" in log and "token_created" in log
    # the page: sign-in first, then for admins only
    assert client.get("/users", follow_redirects=False).status_code == 303
    for name, status in (("approver", 403), ("admin", 200)):
        client.cookies.clear()
        page = client.get("/login")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        client.post("/login", data={"name": name, "token": PASSWORD, "csrf": csrf,
                                    "next": "/"}, follow_redirects=False)
        shown = client.get("/users", follow_redirects=False)
        assert shown.status_code == status, (name, shown.status_code)
        assert ("/static/users.js" in shown.text) == (status == 200)
        assert ('href="/users"' in client.get("/").text) == (name == "admin")
