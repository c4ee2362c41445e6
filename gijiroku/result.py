"""The result document (README.md, "Result document"): what `--json` writes and
`GET /api/meetings/{id}` returns."""

from __future__ import annotations

from typing import Any

from gijiroku.domain import (
    ActionItem,
    Decision,
    Mark,
    Meeting,
    Minutes,
    Person,
    Segment,
    Speaker,
    Step,
)
from gijiroku.roster import Entry


def result_document(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "status": meeting.status,
        "language": meeting.language,
        "duration": meeting.duration,
        "speakers": speakers_document(meeting.speakers),
        "segments": [segment_document(segment) for segment in meeting.segments],
        "minutes": minutes_document(meeting.minutes),
        "completeness": completeness_document(meeting),
        "marks": [mark_document(mark) for mark in meeting.marks],
        "state": meeting.state,
        "steps": [step_document(step) for step in meeting.steps],
        "group": meeting.group,
    }


def step_document(step: Step) -> dict[str, Any]:
    """A workflow step: `from`, `to`, `by` (null: the installation), `at`, `comment`."""
    return {"from": step.from_state, "to": step.to_state, "by": step.by, "at": step.at,
            "comment": step.comment}


def mark_document(mark: Mark) -> dict[str, Any]:
    """A mark (取消し, 秘密会, 個人情報) as the API, the CLI and the result document give it:
    lines `segment_id`..`last_segment_id` (null: one line), characters `start`..`end`
    (null: the line's start, its end), the text it covers, `lost` when an edit took that
    text away."""
    return {"id": mark.id, "kind": mark.kind, "category": mark.category or None,
            "segment_id": mark.segment, "start": mark.start, "end": mark.end,
            "last_segment_id": mark.last_segment, "permitted_by": mark.permitted_by,
            "note": mark.note, "text": mark.text, "lost": mark.lost}


def completeness_document(meeting: Meeting) -> dict[str, int]:
    """Stretches of speech decoded again because the text did not account for them, and the
    gaps left: lines with no text where speech was heard."""
    return {"redecoded": meeting.redecoded or 0,
            "gaps": sum(1 for segment in meeting.segments if segment.gap)}


def speakers_document(speakers: list[Speaker]) -> list[dict[str, Any]]:
    """Each speaker: id, the diarizer's label and the name; whether a person confirmed them
    as a roster person (then `person` says who, with title and seat) and, until then, the
    roster person their voice matched (`suggestion`, with the similarity as `score`)."""
    return [{"id": s.id, "label": s.label, "name": s.name, "confirmed": s.confirmed,
             "person": person_document(s.person) if s.confirmed and s.person else None,
             "suggestion": ({"person": s.suggestion.person.name, "score": s.suggestion.score,
                             "person_id": s.suggestion.person.id}
                            if s.suggestion and not s.confirmed else None)}
            for s in speakers]


def person_document(person: Person) -> dict[str, Any]:
    """A roster person, with `role`: what the record calls them by (「議長」, 「8番」)."""
    return {"id": person.id, "name": person.name, "reading": person.reading,
            "title": person.title, "seat": person.seat, "group": person.affiliation,
            "role": person.role()}


def roster_entry_document(entry: Entry) -> dict[str, Any]:
    """A person as the roster lists them (`gijiroku roster list --json`, `GET /api/roster`):
    the person, their rosters, active period and voiceprints by encoder."""
    return {**person_document(entry.person), "rosters": entry.rosters,
            "active_from": entry.active_from, "active_to": entry.active_to,
            "voiceprints": entry.voiceprints}


def segment_document(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.id,
        "start": segment.start,
        "end": segment.end,
        "speaker": segment.speaker,
        "text": segment.text,
        "gap": segment.gap,
        "version": segment.version,
        "words": [
            {"start": w.start, "end": w.end, "text": w.text, "probability": w.probability,
             "doubtful": w.doubtful, "speaker": w.speaker}
            for w in segment.words
        ],
    }


def minutes_document(minutes: Minutes) -> dict[str, Any]:
    """The documented minutes, plus topics, flags, resolved dates, headings and any error."""
    return {
        "status": minutes.status,
        "summary": minutes.summary,
        "topics": minutes.topics,
        "decisions": [item_document(d) for d in minutes.decisions],
        "action_items": [item_document(a) for a in minutes.action_items],
        "template": minutes.template,
        "headings": minutes.headings,
        "dropped_citations": minutes.dropped_citations,
        "model": minutes.model,
        "reviewed": minutes.reviewed,
        "error": minutes.error,
    }


def item_document(item: Decision | ActionItem) -> dict[str, Any]:
    """A decision or action item as the result document shows it."""
    if isinstance(item, Decision):
        return {"id": item.id, "text": item.text, "segments": item.segments,
                "flagged": item.flagged, "edited": item.edited, "version": item.version}
    return {
        "id": item.id, "task": item.task, "owner": item.owner, "due": item.due,
        "due_date": item.due_date, "segments": item.segments, "flagged": item.flagged,
        "edited": item.edited, "version": item.version,
    }
