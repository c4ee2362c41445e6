"""What the model wrote, made into minutes a clerk can trust: citations that exist (others
dropped and counted), uncited items flagged, owners resolved to speakers, real dates only."""

from __future__ import annotations

import re
from datetime import date

from gijiroku.domain import ActionItem, Decision, Minutes
from summarize import MinutesRequest
from summarize.schema import MinutesOut


def checked_minutes(
    out: MinutesOut, request: MinutesRequest, speakers: dict[str, str | None]
) -> Minutes:
    """Minutes whose citations all exist: others are dropped and counted, uncited items are
    flagged; owners resolve to speakers; due dates must be real ISO dates."""
    valid = {line.id for line in request.lines}
    dropped = 0

    def cite(ids: list[int]) -> list[int]:
        nonlocal dropped
        kept = sorted({i for i in ids if i in valid})
        dropped += len(set(ids)) - len(kept)
        return kept

    decisions = []
    for d in out.decisions:
        ids = cite(d.segments)
        decisions.append(Decision(d.text.strip(), ids, flagged=not ids))
    actions = []
    for a in out.action_items:
        ids = cite(a.segments)
        actions.append(ActionItem(
            task=a.task.strip(),
            owner=resolve_owner(a.owner, speakers),
            due=(a.due or "").strip() or None,
            segments=ids,
            due_date=_iso_date(a.due_date),
            flagged=not ids,
        ))
    return Minutes(
        status="done",
        summary=out.summary.strip(),
        topics=[t.strip() for t in out.topics if t.strip()],
        decisions=decisions,
        action_items=actions,
        template=request.template.name,
        headings=dict(request.template.headings),
        dropped_citations=dropped,
    )


def resolve_owner(owner: str | None, speakers: dict[str, str | None]) -> str | None:
    """A speaker id becomes the name a person gave it (or stays the id); a name that matches
    a speaker's given name is kept; anything else is kept as the model wrote it."""
    if owner is None or not owner.strip():
        return None
    text = owner.strip()
    key = text.upper()
    if key in speakers:
        return speakers[key] or key
    match = re.match(r"^(S\d+)\b", key)  # "S2 (Ms. Suzuki)"
    if match and match.group(1) in speakers:
        return speakers[match.group(1)] or match.group(1)
    return text


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


__all__ = ["checked_minutes", "resolve_owner"]
