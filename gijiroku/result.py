"""The result document of DESIGN.md: what `--json` writes and `GET /api/meetings/{id}` returns."""

from __future__ import annotations

from typing import Any

from gijiroku.domain import Meeting, Minutes


def result_document(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "status": meeting.status,
        "language": meeting.language,
        "duration": meeting.duration,
        "speakers": [
            {"id": s.id, "label": s.label, "name": s.name} for s in meeting.speakers
        ],
        "segments": [
            {
                "id": segment.id,
                "start": segment.start,
                "end": segment.end,
                "speaker": segment.speaker,
                "text": segment.text,
                "words": [
                    {
                        "start": w.start,
                        "end": w.end,
                        "text": w.text,
                        "probability": w.probability,
                        "speaker": w.speaker,
                    }
                    for w in segment.words
                ],
            }
            for segment in meeting.segments
        ],
        "minutes": minutes_document(meeting.minutes),
    }


def minutes_document(minutes: Minutes) -> dict[str, Any]:
    document: dict[str, Any] = {
        "status": minutes.status,
        "summary": minutes.summary,
        "decisions": [{"text": d.text, "segments": d.segments} for d in minutes.decisions],
        "action_items": [
            {"task": a.task, "owner": a.owner, "due": a.due, "segments": a.segments}
            for a in minutes.action_items
        ],
    }
    if minutes.error:
        document["error"] = minutes.error
    return document
