"""What the model wrote, made into minutes a clerk can trust: citations that exist (others
dropped and counted) and that carry their item (an off-by-one citation moved to the line
that does; an item nothing carries flagged), no question, greeting or agenda announcement
as a decision, no item both a decision and an action item or twice, owners as the speakers
they name (so they follow a rename), and due dates only when they were said."""

from __future__ import annotations

import re
from datetime import date

from gijiroku.domain import ActionItem, Decision, Minutes
from summarize import MinutesRequest
from summarize.cues import speaker_id
from summarize.grounding import (
    by_speaker,
    commitment,
    grounded,
    not_a_decision,
    numbers,
    said_day,
    said_in,
    similarity,
)
from summarize.schema import MinutesOut

#: Where a sentence ends (an item is judged by its sentences).
SENTENCE = re.compile(r"(?<=[。？！?!])\s*")
#: Two items this alike say the same thing.
SAME = 0.6


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

    lines = {line.id: line.text for line in request.lines}

    decisions: list[Decision] = []
    for d in out.decisions:
        text = d.text.strip()
        if text and all(not_a_decision(s) for s in SENTENCE.split(text) if s.strip()):
            continue  # a question, a greeting or an agenda announcement: not a decision
        ids, carried = grounded(text, cite(d.segments), lines)
        decisions.append(Decision(text, ids, flagged=not ids or not carried))
    actions: list[ActionItem] = []
    for a in out.action_items:
        task = a.task.strip()
        ids, carried = grounded(task, cite(a.segments), lines)
        due = (a.due or "").strip() or None
        said = " ".join(lines.get(n, "") for n in ids)
        if due is not None and not said_in(due, said):
            due = None  # not said where the item was: made up
        actions.append(ActionItem(
            task=task,
            owner=resolve_owner(a.owner, speakers),
            due=due,
            segments=ids,
            due_date=(_iso_date(a.due_date) or said_day(due, request.date)) if due else None,
            flagged=not ids or not carried,
        ))
    speaker_of = {line.id: speaker_id(line.speaker) for line in request.lines}
    chair = speaker_of.get(request.lines[0].id) if request.lines else None
    decisions, actions = _once(decisions, actions, lines, speaker_of, chair)
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
    """The speaker an owner names, by its id (S2), so that the page and the exports show
    the speaker's name as it is now, after any rename: the model's "S2", "S2 (Ms. Suzuki)"
    or "Ms. Suzuki" (a name a person gave a speaker) all become S2. Anything else is kept as
    the model wrote it."""
    if owner is None or not owner.strip():
        return None
    text = owner.strip()
    key = text.upper()
    if key in speakers:
        return key
    match = re.match(r"^(S\d+)\b", key)  # "S2 (Ms. Suzuki)"
    if match and match.group(1) in speakers:
        return match.group(1)
    named = [k for k, name in speakers.items() if name and name.strip() == text]
    return named[0] if len(named) == 1 else text


def _once(decisions: list[Decision], actions: list[ActionItem], lines: dict[int, str],
          speaker_of: dict[int, str | None], chair: str | None,
          ) -> tuple[list[Decision], list[ActionItem]]:
    """Each item once and of one kind. A repeated item goes (its citations join the first;
    items naming different numbers, 議案第1号 and 第2号, are never the same). A "decision"
    whose line says someone takes it on ("I will", 「承知しました」) becomes their action item;
    an item given as both kinds keeps the kind its line says, else the kind its speaker
    suggests (`grounding.by_speaker`). A decision no line carries stays a flagged decision."""
    def commits(text: str, ids: list[int]) -> bool | None:
        return commitment(text, ids, lines, speaker_of, chair)

    def same(a: str, b: str) -> bool:
        return similarity(a, b) >= SAME and numbers(a) == numbers(b)

    kept_actions: list[ActionItem] = []
    for action in actions:
        repeat = next((a for a in kept_actions if same(a.task, action.task)), None)
        if repeat is None:
            kept_actions.append(action)
        else:
            repeat.segments = sorted({*repeat.segments, *action.segments})
    kept_decisions: list[Decision] = []
    for decision in decisions:
        repeat_decision = next((d for d in kept_decisions if same(d.text, decision.text)), None)
        if repeat_decision is not None:
            repeat_decision.segments = sorted({*repeat_decision.segments, *decision.segments})
            continue
        twin = next((a for a in kept_actions if same(a.task, decision.text)), None)
        said = None if decision.flagged else commits(decision.text, decision.segments)
        if twin is not None and said is None:
            said = by_speaker(decision.segments, speaker_of, chair)
        if said is True and twin is None:  # a task someone said they take on
            owner = speaker_of.get(decision.segments[0]) if decision.segments else None
            kept_actions.append(ActionItem(task=decision.text, owner=owner,
                                           segments=decision.segments,
                                           flagged=decision.flagged))
        elif not said:  # settled (or not said otherwise): a decision
            kept_decisions.append(decision)
            if twin is not None:
                kept_actions.remove(twin)
    return kept_decisions, kept_actions


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


__all__ = ["checked_minutes", "resolve_owner"]
