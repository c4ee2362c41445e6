"""Directory sign-in against a real OpenLDAP server (Debian's slapd, started here with a
throwaway directory): a person signs in with their directory password through the login
form, gets the role of their highest role group and the sections their groups name; a
wrong password, an empty one, someone in no role group, a name that tries to change the
search, and an account disabled in Gijiroku are refused."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from api import create_app
from gijiroku import accounts, audit, directory
from gijiroku.config import Settings
from gijiroku.storage import session_scope
from tests.api.test_api import LOCAL
from tests.conftest import require
from tests.serving import free_port

SLAPD = "/usr/sbin/slapd"
SUFFIX = "dc=example,dc=jp"
ADMIN, ADMIN_PASSWORD = f"cn=admin,{SUFFIX}", "directory-admin"
PEOPLE = {  # uid: (password, groups)
    "tanaka": ("tanaka-password-1", ["gijiroku-approvers", "総務課"]),
    "sato": ("sato-password-22", ["gijiroku-viewers", "gijiroku-editors"]),
    "kimura": ("kimura-password-3", ["野球部"]),  # in no role group
}


@pytest.fixture(scope="module")
def ldap_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require(Path(SLAPD).is_file(), "Debian's slapd is not installed (apt-get install slapd)")
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "db").mkdir()
    config = folder / "slapd.conf"
    config.write_text("\n".join([
        *(f"include /etc/ldap/schema/{name}.schema"
          for name in ("core", "cosine", "inetorgperson", "nis")),
        "modulepath /usr/lib/ldap", "moduleload back_mdb",
        f"pidfile {folder}/slapd.pid", "database mdb", "maxsize 10485760",
        f'suffix "{SUFFIX}"', f'rootdn "{ADMIN}"', f"rootpw {ADMIN_PASSWORD}",
        f"directory {folder}/db", ""]))
    port = free_port()
    url = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen([SLAPD, "-f", str(config), "-h", url + "/", "-d", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not _listening(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _listening(port), "slapd did not start"
        _fill(url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _fill(url: str) -> None:
    from ldap3 import Connection, Server

    admin = Connection(Server(url), ADMIN, ADMIN_PASSWORD, auto_bind=True)
    admin.add(SUFFIX, ["dcObject", "organization"], {"o": "example", "dc": "example"})
    admin.add(f"ou=people,{SUFFIX}", ["organizationalUnit"])
    admin.add(f"ou=groups,{SUFFIX}", ["organizationalUnit"])
    members: dict[str, list[str]] = {}
    for uid, (password, groups) in PEOPLE.items():
        dn = f"uid={uid},ou=people,{SUFFIX}"
        assert admin.add(dn, ["inetOrgPerson"], {"cn": uid, "sn": uid,
                                                 "userPassword": password}), admin.result
        for group in groups:
            members.setdefault(group, []).append(dn)
    for group, dns in members.items():
        assert admin.add(f"cn={group},ou=groups,{SUFFIX}", ["groupOfNames"],
                         {"member": dns}), admin.result
    admin.unbind()


def configured(settings: Settings, url: str) -> Settings:
    return settings.model_copy(update={
        "ldap_url": url, "ldap_user_dn": f"uid={{name}},ou=people,{SUFFIX}",
        "ldap_group_base": f"ou=groups,{SUFFIX}"})


def test_a_directory_person_signs_in_with_the_role_and_sections_of_their_groups(
        ldap_url: str, settings: Settings, engine: Engine) -> None:
    settings = configured(settings, ldap_url)
    with session_scope(engine) as session:  # a Gijiroku group named like a directory group
        accounts.section(session, "総務課", create=True)
    tanaka = directory.sign_in(engine, settings, "tanaka", PEOPLE["tanaka"][0])
    assert tanaka is not None and tanaka.role == "approver" and tanaka.sections
    sato = directory.sign_in(engine, settings, "sato", PEOPLE["sato"][0])
    assert sato is not None and sato.role == "editor"  # the highest of viewer and editor
    assert sato.sections == frozenset()
    # refused: a wrong password, none at all (an anonymous bind), no role group, a name that
    # tries to change the DN or a filter
    assert directory.sign_in(engine, settings, "tanaka", "wrong password") is None
    assert directory.sign_in(engine, settings, "tanaka", "") is None
    assert directory.sign_in(engine, settings, "kimura", PEOPLE["kimura"][0]) is None
    assert directory.sign_in(engine, settings, "tanaka,ou=people", "x") is None
    assert directory.sign_in(engine, settings, "*", PEOPLE["tanaka"][0]) is None
    # the account is kept (no password in Gijiroku), and disabled there it is refused
    listed = {row.name: (row.role, row.source, groups)
              for row, groups in accounts.users(engine)}
    assert listed["tanaka"] == ("approver", "ldap", ["総務課"])
    accounts.set_disabled(engine, "tanaka", True)
    assert directory.sign_in(engine, settings, "tanaka", PEOPLE["tanaka"][0]) is None
    # a search for the person (Active Directory's way) finds the same
    searching = settings.model_copy(update={
        "ldap_user_dn": None, "ldap_user_base": f"ou=people,{SUFFIX}",
        "ldap_user_filter": "(uid={name})", "ldap_bind_dn": ADMIN})
    searching = searching.model_copy(update={"ldap_bind_password": SecretStr(ADMIN_PASSWORD)})
    assert directory.sign_in(engine, searching, "sato", PEOPLE["sato"][0]) is not None
    assert directory.sign_in(engine, searching, "sa*", PEOPLE["sato"][0]) is None


def test_the_login_form_takes_directory_people(ldap_url: str, settings: Settings,
                                               engine: Engine) -> None:
    accounts.create_user(engine, "kanri", "admin", password="a long enough password")
    with TestClient(create_app(configured(settings, ldap_url)), base_url=LOCAL) as client:
        page = client.get("/login")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        signed = client.post("/login", data={"name": "sato", "token": PEOPLE["sato"][0],
                                             "csrf": csrf, "next": "/"},
                             follow_redirects=False)
        assert signed.status_code == 303, signed.text
        assert client.get("/api/meetings").status_code == 200
        assert client.post("/api/dictionary", json={"kind": "term", "text": "議会"}
                           ).status_code == 403  # an editor, not an admin
    assert "sign_in" in audit.export_csv(engine) and ",sato," in audit.export_csv(engine)
