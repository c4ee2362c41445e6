"""Sign-in through the organisation's directory (LDAP, Active Directory): a person types the
name and password they use on their PC; Gijiroku binds to the directory as them, reads the
groups they are a member of, and gives them the role and sections those groups say.

Settings (`GIJIROKU_LDAP_*`, README "Configuration"): the server's URL; how a name becomes
an entry (a DN template such as `uid={name},ou=people,dc=city,dc=lg,dc=jp`, or a search
under `GIJIROKU_LDAP_USER_BASE` with `GIJIROKU_LDAP_USER_FILTER`, e.g.
`(sAMAccountName={name})`, bound as `GIJIROKU_LDAP_BIND_DN`); where groups are
(`GIJIROKU_LDAP_GROUP_BASE`, members by `(member={dn})`); and which group gives which role
(`GIJIROKU_LDAP_ROLES`, `admin=gijiroku-admins,approver=…,editor=…,viewer=…`: the highest
wins). A group with the name of a Gijiroku group (section) makes the person its member.
Someone in none of the role groups cannot sign in; an account disabled in Gijiroku (`gijiroku
users disable`) or in Active Directory (userAccountControl) cannot either. Each sign-in
brings the account's role and sections up to date.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from gijiroku import accounts
from gijiroku.accounts import Principal
from gijiroku.config import Settings
from gijiroku.errors import ConfigError
from gijiroku.storage import session_scope
from gijiroku.storage.tables import AccountRow

log = logging.getLogger(__name__)
#: Seconds to wait for the directory (a sign-in fails rather than hangs).
TIMEOUT = 10
#: Active Directory's "account disabled" bit of userAccountControl.
AD_DISABLED = 0x2


def sign_in(engine: Engine, settings: Settings, name: str, password: str) -> Principal | None:
    """Who signs in with `name` and `password`: a local account by its password hash, else,
    with a directory configured, the directory's person (their account made or brought up
    to date). None: refused (a wrong name or password, disabled, in no role group)."""
    name = name.strip()
    if not name or not password:  # (an empty password is an anonymous bind to LDAP)
        return None
    with session_scope(engine) as session:
        row = session.exec(select(AccountRow).where(AccountRow.name == name)).first()
        local = row is not None and row.source == "local"
        disabled = row is not None and row.disabled
    if local:
        return accounts.by_password(engine, name, password)
    if disabled or not settings.ldap_url:
        return None
    found = _directory(settings, name, password)
    if found is None:
        return None
    role, groups = found
    return accounts.keep_outside_person(engine, name, role, groups, source="ldap")


def _directory(settings: Settings, name: str, password: str) -> tuple[str, list[str]] | None:
    """Bind as the person; their role and group names, or None."""
    from ldap3 import SUBTREE, Connection, Server
    from ldap3.core.exceptions import LDAPException
    from ldap3.utils.conv import escape_filter_chars
    from ldap3.utils.dn import escape_rdn

    server = Server(settings.ldap_url or "", connect_timeout=TIMEOUT)
    opened: list[Connection] = []  # every connection is closed, whatever happens

    def connect(user: str | None, secret: str | None) -> Connection:
        connection = Connection(server, user, secret, receive_timeout=TIMEOUT)
        opened.append(connection)
        return connection

    try:
        if settings.ldap_user_dn:
            dn = settings.ldap_user_dn.format(name=escape_rdn(name))
        else:
            if not settings.ldap_user_base:
                raise ConfigError("Directory sign-in needs GIJIROKU_LDAP_USER_DN or "
                                  "GIJIROKU_LDAP_USER_BASE.", variable="GIJIROKU_LDAP_USER_DN")
            finder = connect(settings.ldap_bind_dn, (
                settings.ldap_bind_password.get_secret_value()
                if settings.ldap_bind_password else None))
            if not finder.bind():
                log.warning("directory: GIJIROKU_LDAP_BIND_DN could not bind")
                return None
            finder.search(settings.ldap_user_base,
                          settings.ldap_user_filter.format(name=escape_filter_chars(name)),
                          SUBTREE, attributes=[])
            if len(finder.entries) != 1:
                return None
            dn = finder.entries[0].entry_dn
        person = connect(dn, password)
        if not person.bind():
            return None
        # (every attribute: userAccountControl is Active Directory's, unknown elsewhere)
        person.search(dn, "(objectClass=*)", attributes=["*"])
        control = _first(person.entries, "userAccountControl")
        if control is not None and int(control) & AD_DISABLED:
            return None
        groups: list[str] = []
        if settings.ldap_group_base:
            person.search(settings.ldap_group_base,
                          settings.ldap_group_filter.format(dn=escape_filter_chars(dn)),
                          SUBTREE, attributes=["cn"])
            groups = [str(e.cn.value) for e in person.entries if e.cn.value]
    except LDAPException as exc:
        log.warning("directory sign-in of %r failed: %s", name, exc)
        return None
    finally:
        for connection in opened:
            with contextlib.suppress(LDAPException):
                connection.unbind()
    role = accounts.role_from_groups(groups, settings.ldap_roles, "GIJIROKU_LDAP_ROLES")
    if role is None:
        log.info("directory sign-in of %r refused: in none of the role groups", name)
        return None
    return role, groups


def _first(entries: list[Any], attribute: str) -> Any:
    for entry in entries:
        if attribute in entry.entry_attributes and entry[attribute].value is not None:
            return entry[attribute].value
    return None


__all__ = ["sign_in"]
