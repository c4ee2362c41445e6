"""People who sign in, their roles and sections, and their API tokens.

Roles, each allowing what the one before allows: `viewer` (reads the meetings of their
sections), `editor` (proofreads them, uploads), `approver` (approves and publishes), `admin`
(every meeting, accounts, the dictionary and the roster). A meeting belongs to one section
(`MeetingRow.section_id`); a person sees the meetings of the sections they are a member of;
an admin sees all of them, and the meetings that belong to none (made before accounts
existed, or by the installation's token).

Accounts are in force as soon as one exists: then every request names someone (a person's
API token, a signed-in session, or the installation's `GIJIROKU_API_TOKEN`, which acts as an
admin). With no account and no token, the service is one clerk's, open as before.

Passwords are kept as argon2id hashes; API tokens only as their SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import Engine, bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from gijiroku import audit
from gijiroku.errors import ConfigError, InvalidInputError, NotFoundError
from gijiroku.limits import NAME, checked_text
from gijiroku.principal import INSTALLATION, ROLES, Principal, act_as, acting, acting_as
from gijiroku.storage import session_scope
from gijiroku.storage.tables import (
    AccountRow,
    ApiKeyRow,
    SectionMemberRow,
    SectionRow,
    SegmentRow,
    utcnow,
)
from gijiroku.terms import index_terms

#: The shortest password a local account may have.
MIN_PASSWORD = 12


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInputError(f"A password has at least {MIN_PASSWORD} characters.",
                                code="password_too_short", field="password",
                                limit=MIN_PASSWORD)
    return str(_hasher().hash(password))


def password_matches(stored: str | None, given: str) -> bool:
    from argon2.exceptions import Argon2Error, InvalidHashError

    if not stored:
        return False
    try:
        return bool(_hasher().verify(stored, given))
    except (Argon2Error, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInputError(f"role is one of {', '.join(ROLES)}.", code="invalid_role",
                                field="role", value=role)
    return role


def section(session: Session, name: str, *, create: bool = False) -> SectionRow:
    name = checked_text(name, "group", NAME).strip()
    row = session.exec(select(SectionRow).where(SectionRow.name == name)).first()
    if row is None:
        if not create:
            raise NotFoundError(f"No group {name!r}.", code="group_not_found", value=name)
        row = SectionRow(name=name)
        session.add(row)
        session.flush()
    return row


def account(session: Session, name: str) -> AccountRow:
    row = session.exec(select(AccountRow).where(AccountRow.name == name)).first()
    if row is None:
        raise NotFoundError(f"No user {name!r}.", code="user_not_found", value=name)
    return row


def create_user(engine: Engine, name: str, role: str, *, groups: list[str] = (),  # type: ignore[assignment]
                password: str | None = None, source: str = "local") -> AccountRow:
    """A new account with `role`, a member of `groups` (made when new)."""
    name = checked_text(name, "name", NAME).strip()
    if not name:
        raise InvalidInputError("A user needs a name.", code="text_empty", field="name")
    _role(role)
    with session_scope(engine) as session:
        if session.exec(select(AccountRow).where(AccountRow.name == name)).first():
            raise InvalidInputError(f"There is a user {name!r} already.", code="user_exists",
                                    field="name", value=name)
        row = AccountRow(name=name, role=role, source=source,
                         password_hash=hash_password(password) if password else None)
        session.add(row)
        session.flush()
        for group in groups:
            session.add(SectionMemberRow(account_id=row.id or 0,
                                         section_id=section(session, group, create=True).id or 0))
        audit.append(session, "user_created", "account", name,
                     {"role": role, "groups": list(groups), "source": source,
                      "password": password is not None})
        session.flush()
        session.expunge(row)
        return row


def new_token(engine: Engine, name: str) -> str:
    """A new API token for `name` (shown once; only its hash is kept)."""
    token = "gjr_" + secrets.token_urlsafe(32)
    with session_scope(engine) as session:
        row = account(session, name)
        session.add(ApiKeyRow(account_id=row.id or 0, digest=token_digest(token)))
        audit.append(session, "token_created", "account", name)
    return token


def revoke_tokens(engine: Engine, name: str) -> int:
    with session_scope(engine) as session:
        row = account(session, name)
        keys = session.exec(select(ApiKeyRow).where(
            ApiKeyRow.account_id == row.id, col(ApiKeyRow.revoked_at).is_(None))).all()
        for key in keys:
            key.revoked_at = utcnow()
            session.add(key)
        audit.append(session, "tokens_revoked", "account", name, {"count": len(keys)})
        return len(keys)


def change_user(engine: Engine, name: str, *, role: str | None = None,
                groups: list[str] | None = None, disabled: bool | None = None) -> None:
    """A person's role, groups (all of them, made when new) or whether they may sign in.
    What actually changed goes into the audit log (nothing when nothing did)."""
    changes: dict[str, Any] = {}
    with session_scope(engine) as session:
        row = account(session, name)
        if role is not None and row.role != _role(role):
            changes["role"] = row.role = role
        if disabled is not None and row.disabled != disabled:
            changes["disabled"] = row.disabled = disabled
        session.add(row)
        if groups is not None:
            wanted = {section(session, g, create=True).id for g in groups if g.strip()}
            for member in session.exec(select(SectionMemberRow).where(
                    SectionMemberRow.account_id == row.id)).all():
                if member.section_id not in wanted:
                    session.delete(member)
                    changes["groups"] = sorted({g.strip() for g in groups if g.strip()})
                wanted.discard(member.section_id)
            for section_id in wanted:
                session.add(SectionMemberRow(account_id=row.id or 0,
                                             section_id=section_id or 0))
                changes["groups"] = sorted({g.strip() for g in groups if g.strip()})
        if changes:
            audit.append(session, "user_changed", "account", name, changes)


def role_from_groups(groups: list[str], mapping: str, variable: str) -> str | None:
    """The highest role that a person's outside groups give, by `mapping`
    ("admin=gijiroku-admins,approver=...", the setting named `variable`); None: in none."""
    by_group: dict[str, str] = {}
    for part in mapping.split(","):
        role, _, group = part.partition("=")
        role, group = role.strip(), group.strip()
        if role not in ROLES or not group:
            raise ConfigError(f"{variable}: {part!r} is not role=group (roles: "
                              f"{', '.join(ROLES)}).", variable=variable)
        by_group[group.casefold()] = role
    roles = [by_group[g.casefold()] for g in groups if g.casefold() in by_group]
    return max(roles, key=ROLES.index) if roles else None


def keep_outside_person(engine: Engine, name: str, role: str, groups: list[str], *,
                        source: str) -> Principal | None:
    """A person the directory (`source` "ldap") or the identity provider ("oidc") vouched
    for, as an account: made on their first sign-in; their role, and their membership of the
    Gijiroku groups named like their outside groups, as the outside says at each. None: they
    may not sign in here (disabled in Gijiroku, or the name is a local account's or another
    source's, which an outside sign-in must never take over)."""
    with session_scope(engine) as session:
        row = session.exec(select(AccountRow).where(AccountRow.name == name)).first()
        if row is not None and (row.source != source or row.disabled):
            return None
        existing = set(session.exec(select(SectionRow.name)).all())
    if row is None:
        create_user(engine, name, role, source=source)
    change_user(engine, name, role=role, groups=[g for g in groups if g in existing])
    return by_name(engine, name)  # (None: disabled meanwhile)


def set_disabled(engine: Engine, name: str, disabled: bool) -> None:
    change_user(engine, name, disabled=disabled)


def principal_of(session: Session, row: AccountRow) -> Principal:
    if row.role == "admin":
        return Principal(row.name, row.role, None)
    sections = session.exec(select(SectionMemberRow.section_id).where(
        SectionMemberRow.account_id == row.id)).all()
    return Principal(row.name, row.role, frozenset(sections))


def by_token(engine: Engine, token: str) -> Principal | None:
    """Who an API token belongs to: None when it is no one's, revoked, or its account is
    disabled."""
    with session_scope(engine) as session:
        found = session.exec(select(AccountRow).join(
            ApiKeyRow, col(ApiKeyRow.account_id) == col(AccountRow.id)).where(
            ApiKeyRow.digest == token_digest(token), col(ApiKeyRow.revoked_at).is_(None),
            col(AccountRow.disabled).is_(False))).first()
        return principal_of(session, found) if found is not None else None


def by_name(engine: Engine, name: str) -> Principal | None:
    """A signed-in person as they are now (None: disabled or gone since)."""
    with session_scope(engine) as session:
        row = session.exec(select(AccountRow).where(AccountRow.name == name)).first()
        if row is None or row.disabled:
            return None
        return principal_of(session, row)


def by_password(engine: Engine, name: str, password: str) -> Principal | None:
    with session_scope(engine) as session:
        row = session.exec(select(AccountRow).where(AccountRow.name == name)).first()
        if row is None or row.disabled or not password_matches(row.password_hash, password):
            return None
        return principal_of(session, row)


def in_force(engine: Engine) -> bool:
    """Whether any account exists (then every request must say who makes it)."""
    with session_scope(engine) as session:
        return session.exec(select(AccountRow.id).limit(1)).first() is not None


def users(engine: Engine) -> list[tuple[AccountRow, list[str]]]:
    """Every account with the names of its groups."""
    with session_scope(engine) as session:
        rows = list(session.exec(select(AccountRow).order_by(col(AccountRow.name))).all())
        names = {s.id: s.name for s in session.exec(select(SectionRow))}
        members = session.exec(select(SectionMemberRow)).all()
        found = [(row, sorted(names[m.section_id] for m in members if m.account_id == row.id))
                 for row in rows]
        for row in rows:
            session.expunge(row)
        return found


def groups(engine: Engine) -> list[tuple[str, list[str], int]]:
    """Every group (section) with its members' names and how many meetings it holds."""
    from gijiroku.storage.tables import MeetingRow

    with session_scope(engine) as session:
        sections = session.exec(select(SectionRow).order_by(col(SectionRow.name))).all()
        people = dict(session.exec(select(AccountRow.id, AccountRow.name)).all())
        members: dict[int, list[str]] = {}
        for member in session.exec(select(SectionMemberRow)):
            members.setdefault(member.section_id, []).append(people[member.account_id])
        held = dict(session.exec(select(MeetingRow.section_id, func.count())
                                 .group_by(col(MeetingRow.section_id))).all())
        return [(s.name, sorted(members.get(s.id or 0, [])), held.get(s.id, 0))
                for s in sections]


def create_group(engine: Engine, name: str) -> str:
    """A new, empty group (section); refused when there is one of that name."""
    with session_scope(engine) as session:
        name = checked_text(name, "name", NAME).strip()
        if not name:
            raise InvalidInputError("A group needs a name.", code="text_empty", field="name")
        if session.exec(select(SectionRow).where(SectionRow.name == name)).first():
            raise InvalidInputError(f"There is a group {name!r} already.",
                                    code="group_exists", field="name", value=name)
        section(session, name, create=True)
        audit.append(session, "group_created", "group", name)
        return name


def section_for_upload(session: Session, principal: Principal, asked: str | None) -> int | None:
    """The section a new meeting belongs to: the one named (`group`), which must be one of
    the uploader's unless they are an admin; else the uploader's only (or first) section;
    None for the installation (admins see it)."""
    if asked:
        row = section(session, asked)
        if not principal.sees(row.id):
            raise NotFoundError(f"No group {asked!r}.", code="group_not_found", value=asked)
        return row.id
    if principal.sections:
        return min(principal.sections)
    return None


def put_in_section(engine: Engine, meeting_id: str, section_id: int | None = None,
                   name: str | None = None) -> None:
    """The meeting belongs to the section `section_id`, or the one named `name` (made when
    new: the watched folder's `GIJIROKU_WATCH_GROUP`)."""
    with session_scope(engine) as session:
        _place(session, meeting_id,
               section(session, name, create=True).id if name else section_id)


def move_meeting(engine: Engine, meeting_id: str, group: str | None) -> str | None:
    """An admin moves a meeting to the group named (it must exist), or to none (`None`: then
    only admins see it): a meeting uploaded to the wrong section, or one from before there
    were accounts. In the audit log, with the group it left; returns that group's name."""
    from gijiroku.storage import repository

    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, meeting_id)
        left = session.get(SectionRow, row.section_id) if row.section_id else None
        target = section(session, group).id if group else None
        _place(session, meeting_id, target)
        audit.append(session, "meeting_group", "meeting", meeting_id,
                     {"from": left.name if left else None, "to": group or None})
        return left.name if left else None


def _place(session: Session, meeting_id: str, section_id: int | None) -> None:
    from gijiroku.storage import repository

    repository.update_meeting(session, meeting_id, section_id=section_id)
    # its lines are indexed with their section (gijiroku.terms.section_term)
    lines = session.execute(sa_select(col(SegmentRow.id), col(SegmentRow.text)).where(
        col(SegmentRow.meeting_id) == meeting_id)).all()
    if lines:
        table = SegmentRow.metadata.tables["segment"]
        session.execute(table.update().where(table.c.id == bindparam("row_id"))
                        .values(terms=bindparam("new_terms")),
                        [{"row_id": line.id, "new_terms": index_terms(line.text, section_id)}
                         for line in lines])


__all__ = ["INSTALLATION", "MIN_PASSWORD", "ROLES", "Principal", "act_as", "acting",
           "acting_as", "by_name", "by_password", "by_token", "change_user", "create_group",
           "create_user", "groups",
           "hash_password", "in_force", "keep_outside_person", "move_meeting", "new_token",
           "password_matches", "principal_of", "put_in_section", "revoke_tokens",
           "role_from_groups", "section_for_upload", "set_disabled", "token_digest", "users"]
