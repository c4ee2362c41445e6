"""Who acts: a person (or the installation itself) with a role and the sections whose
meetings they see, and who the current request or command acts for (the history's author,
the audit's actor). Kept apart from `gijiroku.accounts` so that the audit log, which the
accounts module writes to, can name the actor without importing it."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

ROLES = ("viewer", "editor", "approver", "admin")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request (or a command) acts for: a name, a role, and the sections whose
    meetings they see (`None`: every meeting, as an admin)."""

    name: str | None
    role: str
    sections: frozenset[int] | None

    def may(self, role: str) -> bool:
        """Whether this person's role allows what `role` may do."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def sees(self, section_id: int | None) -> bool:
        if self.sections is None:
            return True
        return section_id is not None and section_id in self.sections


#: The installation itself: the command line on the server, the single token, no accounts.
INSTALLATION = Principal(None, "admin", None)

_acting: contextvars.ContextVar[Principal] = contextvars.ContextVar(
    "gijiroku_acting", default=INSTALLATION)


def acting() -> Principal:
    """Who the current request or command acts for."""
    return _acting.get()


def act_as(principal: Principal) -> contextvars.Token[Principal]:
    return _acting.set(principal)


@contextmanager
def acting_as(principal: Principal) -> Iterator[None]:
    token = _acting.set(principal)
    try:
        yield
    finally:
        _acting.reset(token)


__all__ = ["INSTALLATION", "ROLES", "Principal", "act_as", "acting", "acting_as"]
