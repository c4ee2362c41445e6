"""The workflow 下書き → 校正中 → 承認済 → 公開 through the API, on a real SQLite file: each
step by the role it needs, an approved meeting refusing every change until it is reopened
with a reason, every step in the audit log, and a changed audit entry found by `gijiroku
audit verify`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api import create_app
from gijiroku import accounts, audit, edits
from gijiroku.config import Settings
from gijiroku.errors import EditConflictError
from gijiroku.export import export_meeting
from tests.accounts.test_access import bearer, in_section, people
from tests.api.test_api import LOCAL
from tests.marks.test_copies import texts_of
from tests.seed import seed_meeting


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        yield client


def test_an_approved_meeting_is_read_only_until_reopened_with_a_reason(
        client: TestClient, engine: Engine, settings: Settings, cli) -> None:  # type: ignore[no-untyped-def]
    meeting = seed_meeting(engine, settings.data_dir)
    in_section(engine, meeting, "総務課")
    tokens = people(engine)
    base = f"/api/meetings/{meeting}"

    def state(role: str, to: str, comment: str = "") -> int:
        return client.post(f"{base}/state", json={"state": to, "comment": comment},
                           headers=bearer(tokens[role])).status_code

    assert client.get(base, headers=bearer(tokens["viewer"])).json()["state"] == "draft"
    # a copy of the draft says it is one, in every format and in the council's layout
    assert "この写しは下書きです（下書き：未承認）" in export_meeting(
        engine, meeting, "md").content.decode()
    assert "〔この写しは下書きです（下書き：未承認）〕" in export_meeting(
        engine, meeting, "md", layout="kaigiroku").content.decode()
    texts = texts_of(engine, meeting, "official")
    for copy in ("minutes.docx", "minutes.pdf", "kaigiroku.docx", "kaigiroku.pdf"):
        assert "未承認" in texts[copy], copy
    assert state("viewer", "review") == 403
    assert state("editor", "review") == 200
    line = client.patch(f"{base}/segments/1", json={"text": "ただいまから総務委員会を開会します。"},
                        headers=bearer(tokens["editor"]))
    assert line.status_code == 200  # proofread while in review
    assert state("editor", "approved") == 403  # approving needs the approver
    assert state("approver", "published") == 409  # not a step from review
    assert state("approver", "approved", "校正済み") == 200
    assert client.get(base, headers=bearer(tokens["viewer"])).json()["state"] == "approved"
    # read-only: every change refused with the reason, in the API and the core alike
    for method, path, body in (("PATCH", "/segments/1", {"text": "変更"}),
                               ("POST", "/marks", {"segment_id": 1, "kind": "withdrawn"}),
                               ("PATCH", "", {"title": "題"}),
                               ("POST", "/rerun", {"stage": "minutes"})):
        refused = client.request(method, base + path, json=body,
                                 headers=bearer(tokens["admin"]))
        assert refused.status_code == 409, (path, refused.text)
        assert refused.json()["error"]["code"] == "meeting_locked", refused.text
    undo = client.post(f"{base}/history/{edits.history_of(engine, meeting)[-1].id}/undo",
                       headers=bearer(tokens["admin"]))
    assert undo.status_code == 409
    with pytest.raises(EditConflictError):
        edits.rename_speaker(engine, meeting, "S1", "議長")
    # the export says the state (an approved copy, not a draft)
    approved = export_meeting(engine, meeting, "md").content.decode()
    assert "承認済" in approved and "未承認" not in approved
    record = export_meeting(engine, meeting, "md", layout="kaigiroku").content.decode()
    assert "下書き" not in record
    assert state("approver", "published") == 200
    # reopening needs a reason
    assert state("approver", "review") == 422
    assert state("approver", "review", "誤字の訂正のため差し戻し") == 200
    assert client.patch(f"{base}/segments/1", json={"text": "訂正しました。"},
                        headers=bearer(tokens["editor"])).status_code == 200
    # every step in the audit log, with who took it; the chain holds
    log = audit.export_csv(engine)
    for step in ('"to": "review"', '"to": "approved"', '"to": "published"',
                 "誤字の訂正のため差し戻し"):
        assert step in log.replace('""', '"'), step
    assert ",approver," in log and ",editor," in log
    ran = cli("audit", "verify", data_dir=settings.data_dir)
    assert ran.returncode == 0 and "intact" in ran.stdout, ran.stderr
    # an entry changed by hand breaks the chain there
    with engine.begin() as connection:
        first_step, actor = connection.execute(text(
            "SELECT id, actor FROM audit WHERE action = 'state' ORDER BY id LIMIT 1")).one()
        connection.execute(text("UPDATE audit SET actor = 'someone else' WHERE id = :id"),
                           {"id": first_step})
    ran = cli("audit", "verify", data_dir=settings.data_dir)
    assert ran.returncode == 1 and f"entry {first_step}" in ran.stderr, ran.stderr
    with engine.begin() as connection:  # put back, it holds again; removed, the next says so
        connection.execute(text("UPDATE audit SET actor = :actor WHERE id = :id"),
                           {"actor": actor, "id": first_step})
    assert audit.verify(engine)[1] is None
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit WHERE id = :id"), {"id": first_step})
    broken = audit.verify(engine)[1]
    assert broken is not None and broken.id > first_step and "removed" in broken.reason


def test_users_from_the_command_line(engine: Engine, settings: Settings, cli) -> None:  # type: ignore[no-untyped-def]
    ran = cli("users", "create", "kanri", "--admin", "--password-stdin",
              data_dir=settings.data_dir, stdin="a long enough password\n")
    assert ran.returncode == 0, ran.stderr
    ran = cli("users", "create", "tanaka", "--role", "editor", "--group", "総務課",
              data_dir=settings.data_dir)
    assert ran.returncode == 0, ran.stderr
    token = cli("users", "token", "tanaka", data_dir=settings.data_dir).stdout.strip()
    person = accounts.by_token(engine, token)
    assert person is not None and person.name == "tanaka" and person.role == "editor"
    assert accounts.by_password(engine, "kanri", "a long enough password") is not None
    short = cli("users", "create", "x", "--role", "viewer", "--password-stdin",
                data_dir=settings.data_dir, stdin="short\n")
    assert short.returncode == 2 and "12" in short.stderr
    bad = cli("users", "create", "y", "--role", "chief", data_dir=settings.data_dir)
    assert bad.returncode == 2
    listed = cli("users", "list", data_dir=settings.data_dir).stdout
    assert "tanaka\teditor\t総務課" in listed and "kanri\tadmin" in listed
    assert cli("audit", "verify", data_dir=settings.data_dir).returncode == 0
    exported = cli("audit", "export", "--since", "2000-01-01", data_dir=settings.data_dir)
    assert "user_created" in exported.stdout and "token_created" in exported.stdout


def test_the_review_queue_and_the_audit_log_for_admins(
        client: TestClient, engine: Engine, settings: Settings) -> None:
    waiting = seed_meeting(engine, settings.data_dir, title="承認待ち")
    draft = seed_meeting(engine, settings.data_dir, title="下書きのまま")
    running = seed_meeting(engine, settings.data_dir, title="処理中", job_status="running")
    elsewhere = seed_meeting(engine, settings.data_dir, title="議会の下書き")
    for meeting in (waiting, draft, running):
        in_section(engine, meeting, "総務課")
    in_section(engine, elsewhere, "議会事務局")
    tokens = people(engine)
    assert client.post(f"/api/meetings/{waiting}/state",
                       json={"state": "review", "comment": "校正しました"},
                       headers=bearer(tokens["editor"])).status_code == 200

    def queue(who: str) -> list[dict[str, Any]]:
        answer = client.get("/api/meetings", params={"queue": "mine"}, headers=bearer(tokens[who]))
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]  # type: ignore[no-any-return]

    # each person's queue: an approver's meetings in review, an editor's drafts (processed,
    # of their own section), nothing for a viewer
    waits = queue("approver")
    assert [m["title"] for m in waits] == ["承認待ち"]
    assert waits[0]["state"] == "review" and waits[0]["last_step"]["by"] == "editor"
    assert waits[0]["last_step"]["comment"] == "校正しました"
    assert [m["title"] for m in queue("editor")] == ["下書きのまま"]
    assert [m["title"] for m in queue("other")] == ["議会の下書き"]
    assert queue("viewer") == []
    assert client.get("/api/meetings", params={"state": "review"},
                      headers=bearer(tokens["approver"])).json()["total"] == 1
    # sent back with a reason: back in the editor's queue, saying who and why
    assert client.post(f"/api/meetings/{waiting}/state",
                       json={"state": "draft", "comment": "数字を確認してください"},
                       headers=bearer(tokens["approver"])).status_code == 200
    assert queue("approver") == []
    back = {m["title"]: m for m in queue("editor")}["承認待ち"]
    assert back["last_step"]["to"] == "draft" and back["last_step"]["by"] == "approver"
    steps = client.get(f"/api/meetings/{waiting}", headers=bearer(tokens["viewer"])).json()["steps"]
    assert [(s["from"], s["to"], s["by"], s["comment"]) for s in steps] == [
        ("draft", "review", "editor", "校正しました"),
        ("review", "draft", "approver", "数字を確認してください")]
    assert all(s["at"].endswith("+00:00") for s in steps)
    # the audit log, for admins only, as CSV of a date range
    assert client.get("/api/audit", headers=bearer(tokens["approver"])).status_code == 403
    answer = client.get("/api/audit", params={"since": "2000-01-01"},
                        headers=bearer(tokens["admin"]))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    text = answer.content.decode("utf-8-sig")
    assert text.startswith("id,at,actor") and '""to"": ""review""' in text
    assert client.get("/api/audit", params={"until": "2000-01-01"},
                      headers=bearer(tokens["admin"])).content.decode("utf-8-sig").count(
                          "\n") == 1  # the heading alone


def test_admins_read_the_audit_log_filtered_and_paged(client: TestClient,
                                                      engine: Engine) -> None:
    tokens = people(engine)  # each person made and given a token: in the log
    admin = bearer(tokens["admin"])
    accounts.change_user(engine, "viewer", role="editor")
    accounts.change_user(engine, "viewer", role="editor")  # no change: no entry
    entries = client.get("/api/audit/entries", params={"action": "user_changed"},
                         headers=admin).json()
    assert [(e["object_id"], e["detail"]) for e in entries["entries"]] == [
        ("viewer", {"role": "editor"})]
    made = client.get("/api/audit/entries", params={"action": "user_created", "limit": 3},
                      headers=admin).json()
    assert [e["object_id"] for e in made["entries"]] == ["other", "admin", "approver"]
    assert made["more"] is True
    rest = client.get("/api/audit/entries", params={
        "action": "user_created", "before": made["entries"][-1]["id"]}, headers=admin).json()
    assert [e["object_id"] for e in rest["entries"]] == ["editor", "viewer"]
    assert rest["more"] is False
    assert client.get("/api/audit/entries", params={"actor": "nobody"},
                      headers=admin).json()["entries"] == []
    assert client.get("/api/audit/entries", headers=bearer(tokens["approver"])
                      ).status_code == 403
    # the installation's settings: the dictionary and the roster, with who changed them
    assert client.post("/api/dictionary", json={"kind": "term", "text": "議会運営委員会"},
                       headers=admin).status_code == 201
    assert client.post("/api/roster", json={"name": "石川隆之", "seat": 8},
                       headers=admin).status_code == 201
    changed = {e["action"]: e for e in client.get("/api/audit/entries",
                                                  headers=admin).json()["entries"]}
    assert changed["dictionary_added"]["actor"] == "admin"
    assert changed["dictionary_added"]["detail"]["text"] == "議会運営委員会"
    assert changed["roster_changed"]["detail"]["person"] == "石川隆之"
    assert client.get("/api/audit/verify", headers=admin).json()["intact"] is True
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit SET detail = NULL WHERE action = 'user_changed'"))
    chain = client.get("/api/audit/verify", headers=admin).json()
    assert chain["intact"] is False and "changed" in chain["broken"]["reason"]


def test_admins_list_and_add_groups(client: TestClient, engine: Engine,
                                    settings: Settings) -> None:
    tokens = people(engine)  # four people of 総務課, one editor of 議会事務局
    admin = bearer(tokens["admin"])
    meeting = seed_meeting(engine, settings.data_dir)
    in_section(engine, meeting, "議会事務局")
    listed = {g["name"]: g for g in client.get("/api/groups", headers=admin).json()}
    assert listed["総務課"]["members"] == ["admin", "approver", "editor", "viewer"]
    assert (listed["総務課"]["meetings"], listed["議会事務局"]["meetings"]) == (0, 1)
    made = client.post("/api/groups", json={"name": "福祉課"}, headers=admin)
    assert made.status_code == 201 and made.json() == {"name": "福祉課", "members": [],
                                                       "meetings": 0}
    again = client.post("/api/groups", json={"name": "福祉課"}, headers=admin)
    assert again.status_code == 422 and again.json()["error"]["code"] == "group_exists"
    assert client.post("/api/groups", json={"name": "x"}, headers=bearer(tokens["approver"])
                       ).status_code == 403
    assert ",group_created,group,福祉課," in audit.export_csv(engine)
