"""Marks suggested to the clerk, never set on their own: personal information found in the
lines (`gijiroku.personal`), and withdrawn passages found from the chair's permission.

A withdrawal is recognised when the chair permits it (「発言の取り消しを許可することに決定
しました」): the member's request shortly before it names the words (quoted in 「」『』, or
「…という部分を取り消したい」), and every place those words were said up to the permission,
the request's own quotation of them included, is suggested as withdrawn, citing the
permission line.

A suggestion already covered by a mark, or dismissed by a person (its kind, category, line
and text), is not shown again. Its id names what it is (kind, line, characters, category):
accepting it makes the mark, if the line still reads the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, select

from gijiroku import personal
from gijiroku.domain import Mark
from gijiroku.edits import line
from gijiroku.edits.marks import add_mark, dismiss, dismissed
from gijiroku.errors import NotFoundError
from gijiroku.marks import Lines, pieces
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import PersonRow, SegmentRow

#: The chair permitting a withdrawal.
PERMISSION = re.compile(r"取り?消し?[^。]{0,16}?許可")
#: How many lines before the permission the member's request may be.
REQUEST_WINDOW = 8
_QUOTED = re.compile(r"[「『]([^「」『』]{2,200})[」』]")
_NAMED = re.compile(r"(?:発言|質問|答弁)(?:中|の中で|のうち)?[、,]?\s*(.{2,80}?)\s*"
                    r"(?:という|との|と申し上げた|と述べた)(?:部分|発言|箇所|言葉|くだり)")
_WITHDRAW = re.compile(r"取り?消")


@dataclass(frozen=True, slots=True)
class Suggested:
    kind: str
    category: str
    segment: int
    start: int
    end: int
    text: str
    permitted_by: int | None = None

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.segment}-{self.start}-{self.end}-{self.category or 'x'}"


def known_names(session: Session, meeting_id: str) -> list[str]:
    """Everyone the installation knows by name: the roster's people and the meeting's named
    speakers (members and officials speak in public; they are never suggested)."""
    names = list(session.exec(select(PersonRow.name)).all())
    names += [s.name for s in repository.load_speakers(session, meeting_id) if s.name]
    return names


def _withdrawn(rows: list[SegmentRow]) -> list[Suggested]:
    found: list[Suggested] = []
    for at, permission in enumerate(rows):
        if not PERMISSION.search(permission.text):
            continue
        words: list[str] = []
        for request in reversed(rows[max(0, at - REQUEST_WINDOW):at]):
            if not _WITHDRAW.search(request.text):
                continue
            words = [m.group(1) for m in _QUOTED.finditer(request.text)]
            words = words or [m.group(1) for m in _NAMED.finditer(request.text)]
            if words:
                break
        for said in words:
            for row in rows[:at + 1]:
                for match in re.finditer(re.escape(said), row.text):
                    found.append(Suggested("withdrawn", "", row.number, match.start(),
                                           match.end(), said, permission.number))
    return found


def suggestions(engine: Engine, meeting_id: str, kind: str | None = None) -> list[Suggested]:
    """What the clerk is asked to mark, in the order of the lines (`kind`: personal or
    withdrawn; both when None)."""
    with session_scope(engine) as session:
        repository.get_meeting_row(session, meeting_id)
        rows = line.ordered(session, meeting_id)
        marks = repository.load_marks(session, meeting_id)
        turned_down = dismissed(session, meeting_id)
        known = known_names(session, meeting_id)
        language = repository.get_meeting_row(session, meeting_id).language
    found: list[Suggested] = []
    if kind in (None, "withdrawn"):
        found += _withdrawn(rows)
    if kind in (None, "personal"):
        for row in rows:
            if not row.gap:
                found += [Suggested("personal", f.category, row.number, f.start, f.end,
                                    f.text)
                          for f in personal.find(row.text, known, language=language)]
    covered = _covered(marks, rows)
    order = {row.number: at for at, row in enumerate(rows)}
    return sorted((s for s in dict.fromkeys(found)
                   if (s.kind, s.category, s.segment, s.text) not in turned_down
                   and not any(s.start < end and start < s.end
                               for start, end in covered.get(s.segment, []))),
                  key=lambda s: (order[s.segment], s.start, s.kind))


def _covered(marks: list[Mark], rows: list[SegmentRow]) -> dict[int, list[tuple[int, int]]]:
    lines = Lines.of((row.number, row.text) for row in rows)
    covered: dict[int, list[tuple[int, int]]] = {}
    for mark in marks:
        for piece in pieces(mark, lines):
            covered.setdefault(piece.number, []).append((piece.start, piece.end))
    return covered


def _find(engine: Engine, meeting_id: str, suggestion_id: str) -> Suggested:
    for suggestion in suggestions(engine, meeting_id):
        if suggestion.id == suggestion_id:
            return suggestion
    raise NotFoundError(f"No suggestion {suggestion_id!r} in this meeting (its line may "
                        "have changed since it was listed; list them again).",
                        code="suggestion_not_found", value=suggestion_id)


def accept(engine: Engine, meeting_id: str, suggestion_id: str, note: str = "") -> Mark:
    """The suggested mark, set (one entry of the history)."""
    s = _find(engine, meeting_id, suggestion_id)
    return add_mark(engine, meeting_id, kind=s.kind, segment=s.segment, start=s.start,
                    end=s.end, category=s.category or None, note=note,
                    permitted_by=s.permitted_by)


def turn_down(engine: Engine, meeting_id: str, suggestion_id: str) -> Suggested:
    """Not suggested again (for that line's text)."""
    s = _find(engine, meeting_id, suggestion_id)
    dismiss(engine, meeting_id, kind=s.kind, segment=s.segment, text=s.text,
            category=s.category)
    return s


def suggestion_document(s: Suggested) -> dict[str, object]:
    return {"id": s.id, "kind": s.kind, "category": s.category or None,
            "segment_id": s.segment, "start": s.start, "end": s.end, "text": s.text,
            "permitted_by": s.permitted_by}


__all__ = ["Suggested", "accept", "known_names", "suggestion_document", "suggestions",
           "turn_down"]
