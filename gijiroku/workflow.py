"""A meeting's way to the public: 下書き (draft: the AI's output) → 校正中 (review: being
proofread) → 承認済 (approved) → 公開 (published). Each step is kept with who took it, when
and why (`StateChangeRow`) and goes into the audit log.

An approved or published meeting is read-only: every change of its lines, speakers,
minutes, marks or details is refused (409, with the reason) until someone reopens it (back
to draft or review) with a reason. Approving and publishing need the approver role;
reopening a published meeting too.
"""

from __future__ import annotations

from typing import Literal, get_args

from sqlalchemy import Engine
from sqlmodel import Session

from gijiroku import audit
from gijiroku.accounts import Principal, acting
from gijiroku.errors import EditConflictError, InvalidInputError, PermissionDeniedError
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import MeetingRow, StateChangeRow

State = Literal["draft", "review", "approved", "published"]
STATES: tuple[str, ...] = get_args(State)
LABELS = {"draft": "下書き", "review": "校正中", "approved": "承認済", "published": "公開"}
#: The states in which nothing may change.
LOCKED = frozenset({"approved", "published"})
#: Where each state may go, and the role that takes that step.
STEPS: dict[tuple[str, str], str] = {
    ("draft", "review"): "editor",
    ("review", "draft"): "editor",
    ("review", "approved"): "approver",
    ("draft", "approved"): "approver",
    ("approved", "published"): "approver",
    ("approved", "review"): "approver",  # reopening: a reason is required
    ("approved", "draft"): "approver",
    ("published", "review"): "approver",
    ("published", "draft"): "approver",
}
COMMENT = 2000
#: What waits for each role (its review queue): an editor proofreads drafts and sends them
#: on; an approver, or an admin, approves what is in review. A viewer waits for nothing.
QUEUES: dict[str, State] = {"editor": "draft", "approver": "review", "admin": "review"}


def queue_of(who: Principal) -> State | None:
    """The state of the meetings waiting for this person (their review queue)."""
    return QUEUES.get(who.role)


def check_unlocked(session: Session, meeting_id: str) -> None:
    """Refuse a change to an approved or published meeting (409 with the reason)."""
    row = session.get(MeetingRow, meeting_id)
    if row is not None and row.state in LOCKED:
        raise EditConflictError(
            f"This meeting is {row.state} ({LABELS[row.state]}): it is read-only. Reopen it "
            "(state draft or review, with a reason) to change it.", code="meeting_locked")


def change_state(engine: Engine, meeting_id: str, to: str, comment: str = "",
                 principal: Principal | None = None) -> StateChangeRow:
    """Take one step of the workflow; refused when the step does not exist, the person's
    role does not allow it, or a reopening gives no reason."""
    who = principal or acting()
    if to not in STATES:
        raise InvalidInputError(f"state is one of {', '.join(STATES)}.", code="invalid_state",
                                field="state", value=to)
    comment = (comment or "").strip()
    if len(comment) > COMMENT:
        raise InvalidInputError(f"comment is longer than {COMMENT} characters.",
                                code="text_too_long", field="comment", limit=COMMENT)
    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, meeting_id)
        now = row.state
        if now == to:
            raise EditConflictError(f"The meeting is {to} already.", code="invalid_step")
        need = STEPS.get((now, to))
        if need is None:
            raise EditConflictError(f"A meeting goes from {now} to "
                                    f"{', '.join(b for a, b in STEPS if a == now)}, not to {to}.",
                                    code="invalid_step")
        if not who.may(need):
            raise PermissionDeniedError(f"Moving a meeting from {now} to {to} needs the "
                                        f"{need} role.")
        if now in LOCKED and to not in LOCKED and not comment:
            raise InvalidInputError("Reopening an approved meeting needs a reason (comment).",
                                    code="reason_required", field="comment")
        row.state = to
        session.add(row)
        step = StateChangeRow(meeting_id=meeting_id, from_state=now, to_state=to,
                              actor=who.name, comment=comment)
        session.add(step)
        repository.update_meeting(session, meeting_id)
        audit.append(session, "state", "meeting", meeting_id,
                     {"from": now, "to": to, "comment": comment})
        session.flush()
        session.expunge(step)
        return step


__all__ = ["LABELS", "LOCKED", "QUEUES", "STATES", "STEPS", "State", "change_state",
           "check_unlocked", "queue_of"]
