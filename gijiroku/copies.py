"""The two copies of a meeting's record, made from its marks (`gijiroku.marks`).

- official (原本): every word said. Documents show each marked passage in brackets with a
  note number, 「［…］（注1）」, and list the marks at the end (kind, line, time, text, the
  line that permitted a withdrawal, the clerk's note); subtitles are the words as said; the
  JSON document carries the marks.
- public (公開用): a withdrawn passage becomes ━ of the same length (its quotation in the
  request to withdraw it too: each is marked), a closed session becomes one line with its
  times, personal information becomes a label such as 〔氏名〕〔住所〕〔電話番号〕. A marked
  line loses its word timings (they hold the words), and the summary, decisions and action
  items have every marked passage replaced the same way. The marks themselves are left out.

Who may read the original is decided in one place, `may_see_original`: the service has one
kind of reader today (whoever holds the API token: the clerks), who may; a reader who may
not is given the public copy whatever they ask for.
"""

from __future__ import annotations

import copy as copying
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, get_args

from sqlmodel import Session

from gijiroku.domain import Mark, Meeting, Minutes, Segment, clock
from gijiroku.marks import FILL, Lines, label, pieces
from gijiroku.principal import Principal
from gijiroku.storage import repository
from gijiroku.storage.tables import MeetingRow

Copy = Literal["official", "public"]
COPIES: tuple[str, ...] = get_args(Copy)


@dataclass(frozen=True, slots=True)
class Reader:
    """Who asks for a meeting. `staff`: the clerks and officials who keep the record."""

    staff: bool = True


#: The API's reader today: whoever holds the token works for the secretariat.
STAFF = Reader(staff=True)
PUBLIC = Reader(staff=False)


def may_see_original(reader: Reader | Principal) -> bool:
    """The one rule: who may read the official copy (withdrawn remarks, closed sessions,
    personal information): the people who keep the record (editors, approvers, admins, the
    installation). A viewer reads the public copy."""
    if isinstance(reader, Principal):
        return reader.may("editor")
    return reader.staff


def copy_for(reader: Reader | Principal, asked: str | None = None) -> Copy:
    """The copy a reader gets: the one asked for (official by default) when they may see
    it, else the public copy."""
    if asked is not None and asked not in COPIES:
        from gijiroku.errors import InvalidInputError

        raise InvalidInputError(f"copy is one of {', '.join(COPIES)}.", code="invalid_copy",
                                field="copy", value=asked)
    if asked == "public" or not may_see_original(reader):
        return "public"
    return "official"


def _placed(meeting: Meeting) -> Lines:
    return Lines.of((s.id or 0, s.text) for s in meeting.segments)


# -- the public copy ------------------------------------------------------------------------


def closed_note(start: float, end: float, language: str) -> str:
    if language == "ja":
        return f"〔秘密会（{clock(start, pad_hours=False)}〜{clock(end, pad_hours=False)}）〕"
    return f"[Closed session ({clock(start, pad_hours=False)}–{clock(end, pad_hours=False)})]"


def _mask(text: str, spans: list[tuple[int, int, Mark]], language: str) -> str:
    """The line with its withdrawn characters filled and its personal information labelled
    (a withdrawn passage wins where both overlap)."""
    cover: list[tuple[str, int] | None] = [None] * len(text)
    for kind in ("withdrawn", "personal"):
        for start, end, mark in spans:
            if mark.kind != kind:
                continue
            for at in range(start, end):
                if cover[at] is None:
                    cover[at] = (kind, mark.id)
    out: list[str] = []
    at = 0
    while at < len(text):
        here = cover[at]
        run = at
        while run < len(text) and cover[run] == here:
            run += 1
        if here is None:
            out.append(text[at:run])
        elif here[0] == "withdrawn":
            out.append(FILL * (run - at))
        else:
            mark = next(m for _, _, m in spans if m.id == here[1])
            name = label(mark.category or "other", language)
            out.append(f"〔{name}〕" if language == "ja" else f"[{name}]")
        at = run
    return "".join(out)


def public(meeting: Meeting) -> Meeting:
    """The public copy of `meeting` (a new object; the meeting is left as it is)."""
    language = meeting.document_language
    lines = _placed(meeting)
    texts, index = lines.texts, lines.place
    spans: dict[int, list[tuple[int, int, Mark]]] = {}
    closed: dict[int, tuple[int, Mark]] = {}  # first line's index -> (last index, mark)
    replacements: dict[str, str] = {}
    for mark in meeting.marks:
        if mark.lost or mark.segment not in index:
            continue
        if mark.kind == "closed":
            last = mark.last_segment if mark.last_segment in index else mark.segment
            first_at, last_at = index[mark.segment], index[last or mark.segment]
            held = closed.get(first_at)
            closed[first_at] = (max(last_at, held[0]) if held else last_at, mark)
            continue
        for piece in pieces(mark, lines):
            spans.setdefault(piece.number, []).append((piece.start, piece.end, mark))
            said = texts[piece.number][piece.start:piece.end]
            if said.strip():
                replacements[said] = _mask(said, [(0, len(said), mark)], language)
    segments: list[Segment] = []
    skip_to = -1
    for at, segment in enumerate(meeting.segments):
        if at <= skip_to:
            continue
        if at in closed:
            last_at, _mark = closed[at]
            last_at = max(last_at, *(v[0] for k, v in closed.items() if at <= k <= last_at))
            skip_to = last_at
            end = meeting.segments[last_at].end
            segments.append(Segment(start=segment.start, end=end, id=segment.id, speaker=None,
                                    text=closed_note(segment.start, end, language)))
            continue
        found = spans.get(segment.id or 0)
        if found:
            segment = replace(segment, text=_mask(segment.text, found, language), words=[])
        segments.append(segment)
    result = copying.copy(meeting)
    result.segments = segments
    result.marks = []
    result.title = _replaced(meeting.title, replacements)
    result.minutes = _minutes(meeting.minutes, replacements)
    return result


def _replaced(text: str, replacements: dict[str, str]) -> str:
    for said in sorted(replacements, key=len, reverse=True):
        text = text.replace(said, replacements[said])
    return text


def _minutes(minutes: Minutes, replacements: dict[str, str]) -> Minutes:
    if not replacements:
        return minutes
    r = _replaced
    return replace(
        minutes, summary=r(minutes.summary, replacements),
        topics=[r(str(t), replacements) for t in minutes.topics],
        decisions=[replace(d, text=r(d.text, replacements)) for d in minutes.decisions],
        action_items=[replace(a, task=r(a.task, replacements),
                              owner=r(a.owner, replacements) if a.owner else a.owner)
                      for a in minutes.action_items])


def public_text(meeting: Meeting) -> str:
    """Everything a reader of the public copy can read: the title, the lines, the minutes."""
    shown = public(meeting)
    minutes = shown.minutes
    return "\n".join([shown.title, *(s.text for s in shown.segments), minutes.summary,
                      *map(str, minutes.topics), *(d.text for d in minutes.decisions),
                      *(a.task for a in minutes.action_items)])


def search_public(session: Session, query: str, page: int,
                  sections: frozenset[int] | None = None,
                  state: str | None = None,
                  statuses: Sequence[str] = ()) -> tuple[list[MeetingRow], int]:
    """Meetings whose public copy holds `query` (a page of them, newest first, and how
    many): those the text search finds (in `sections` when given), less those where only a
    marked passage held it."""
    size = repository.PAGE_SIZE
    rows, _ = repository.list_meetings(session, query, 1, size=1_000_000, sections=sections,
                                       state=state, statuses=statuses)
    needle = query.strip().casefold()
    kept = [row for row in rows
            if needle in public_text(repository.load_meeting(session, row.id,
                                                             with_words=False)).casefold()]
    return kept[(page - 1) * size:page * size], len(kept)


# -- the official copy ------------------------------------------------------------------------


def mark_list(meeting: Meeting) -> list[str]:
    """The marks as the official copy lists them at its end, numbered as in the text."""
    language = meeting.document_language
    times = {s.id: s.start for s in meeting.segments}
    listed = []
    for number, mark in enumerate(_shown(meeting), start=1):
        kind = label(mark.kind, language)
        if mark.kind == "personal":
            kind += f"（{label(mark.category or 'other', language)}）" if language == "ja" \
                else f" ({label(mark.category or 'other', language)})"
        where = f"#{mark.segment}" + (f"–#{mark.last_segment}" if mark.last_segment else "")
        if mark.segment in times:
            where += f" {clock(times[mark.segment] or 0.0, pad_hours=False)}"
        said = " ".join(mark.text.split())
        if len(said) > 80:
            said = said[:79] + "…"
        parts = [f"注{number}" if language == "ja" else f"Note {number}", kind, where,
                 f"「{said}」" if language == "ja" else f"“{said}”"]
        if mark.permitted_by is not None:
            parts.append(f"許可：#{mark.permitted_by}" if language == "ja"
                         else f"permitted at #{mark.permitted_by}")
        if mark.lost:
            parts.append("（編集で本文から消えた印）" if language == "ja"
                         else "(its text was edited away)")
        if mark.note:
            parts.append(mark.note)
        listed.append("　".join(parts) if language == "ja" else " · ".join(parts))
    return listed


def _shown(meeting: Meeting) -> list[Mark]:
    """The marks in the order of the text (lost ones last)."""
    order = {s.id: at for at, s in enumerate(meeting.segments)}
    return sorted(meeting.marks, key=lambda m: (m.lost, order.get(m.segment, 1 << 30),
                                                m.start or 0, m.id))


def official(meeting: Meeting) -> Meeting:
    """The official copy for documents: each marked passage in brackets with its note
    number, 「［…］（注1）」 (a range of lines: its first and last line). A new object."""
    language = meeting.document_language
    lines = _placed(meeting)
    inserts: dict[int, list[tuple[int, str]]] = {}
    for number, mark in enumerate(_shown(meeting), start=1):
        found = pieces(mark, lines)
        if not found:
            continue
        tag = f"（注{number}）" if language == "ja" else f" (note {number})"
        first, last = found[0], found[-1]
        inserts.setdefault(first.number, []).append((first.start, "［"))
        inserts.setdefault(last.number, []).append((last.end, "］" + tag))
    segments = []
    for segment in meeting.segments:
        marks_here = inserts.get(segment.id or 0)
        if marks_here:
            text = segment.text
            for at, piece in sorted(marks_here, key=lambda x: x[0], reverse=True):
                text = text[:at] + piece + text[at:]
            segment = replace(segment, text=text, words=[])
        segments.append(segment)
    result = copying.copy(meeting)
    result.segments = segments
    return result


__all__ = ["COPIES", "PUBLIC", "STAFF", "Copy", "Reader", "closed_note", "copy_for",
           "mark_list", "may_see_original", "official", "public", "public_text",
           "search_public"]
