"""Accounts for admins: list, create, change a person's role, groups or whether they may
sign in, and give them a new API token. Every change goes into the audit log
(`gijiroku.accounts` writes it)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Db
from gijiroku import accounts
from gijiroku.limits import NAME

router = APIRouter()
UserName = Annotated[str, Path(min_length=1, max_length=NAME)]


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=NAME)
    role: str = Field(max_length=20)
    groups: list[Annotated[str, Field(max_length=NAME)]] = Field(default_factory=list,
                                                                  max_length=50)
    password: str | None = Field(default=None, max_length=1000)


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str | None = Field(default=None, max_length=20)
    groups: list[Annotated[str, Field(max_length=NAME)]] | None = Field(default=None,
                                                                         max_length=50)
    disabled: bool | None = None


def _users(db: Any) -> list[dict[str, Any]]:
    return [{"name": row.name, "role": row.role, "groups": groups, "source": row.source,
             "disabled": row.disabled} for row, groups in accounts.users(db)]


def _one(db: Any, name: str) -> dict[str, Any]:
    return next(u for u in _users(db) if u["name"] == name)


@router.get("/users", summary="Every account, its role and groups (admins)")
def list_users(db: Db) -> list[dict[str, Any]]:
    return _users(db)


@router.post("/users", status_code=201, summary="A new account (admins)")
def create_user(body: UserIn, db: Db) -> dict[str, Any]:
    row = accounts.create_user(db, body.name, body.role, groups=body.groups,
                               password=body.password)
    return _one(db, row.name)


@router.patch("/users/{name}", summary="Change a person's role, groups, or sign-in (admins)")
def change_user(name: UserName, body: UserPatch, db: Db) -> dict[str, Any]:
    accounts.change_user(db, name, role=body.role, groups=body.groups,
                         disabled=body.disabled)
    return _one(db, name)


class GroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=NAME)


def _groups(db: Any) -> list[dict[str, Any]]:
    return [{"name": name, "members": members, "meetings": meetings}
            for name, members, meetings in accounts.groups(db)]


@router.get("/groups", summary="Every group (section), its members and meetings (admins)")
def list_groups(db: Db) -> list[dict[str, Any]]:
    return _groups(db)


@router.post("/groups", status_code=201, summary="A new group (admins)")
def create_group(body: GroupIn, db: Db) -> dict[str, Any]:
    name = accounts.create_group(db, body.name)
    return next(g for g in _groups(db) if g["name"] == name)


@router.post("/users/{name}/token", status_code=201,
             summary="A new API token for the person, shown once (admins)")
def new_token(name: UserName, db: Db) -> dict[str, str]:
    token = accounts.new_token(db, name)
    return {"token": token}
