"""Marks on the transcript and how they stay with their text.

A council keeps two copies of one record: the official copy (原本) holds every word said; the
public copy leaves out remarks withdrawn with the council's permission (取消し, filled with
━), closed sessions (秘密会, one line with the times) and personal information of people who
are not members or officials (個人情報, a label such as 〔氏名〕). A mark says which text is
which, once; `gijiroku.copies` makes the two copies from it.

A mark runs from character `start` of line `segment` to character `end` of line
`last_segment` (the same line when None); a None offset is the line's start or its end, so a
whole-line mark stays whole however the line is retyped. Every change of lines goes through
`gijiroku.edits.line.write`, which calls `follow`: the texts before and after are compared
(per line when the same lines remain, as one stream when lines were merged, split, deleted
or inserted) and each end of each mark is moved with its text. A mark whose text was edited
away is kept as `lost` with the text it had, shown as such, and placed again when that text
comes back (an undo). Lines rebuilt by a re-run of diarization or transcription are new lines
with new numbers: `carry_by_time` puts each mark on the new line that shares its speech and
holds its text, and flags (`lost`) the ones it cannot place.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from gijiroku.domain import Mark, Segment
from gijiroku.storage import repository
from gijiroku.storage.tables import MarkRow

KINDS = ("withdrawn", "closed", "personal")
#: Kinds of personal information, with the label that stands for them in the public copy.
CATEGORIES = ("name", "address", "phone", "email", "my_number", "birth_date", "account",
              "other")
LABELS = {
    "ja": {"withdrawn": "取消し", "closed": "秘密会", "personal": "個人情報",
           "name": "氏名", "address": "住所", "phone": "電話番号", "email": "メールアドレス",
           "my_number": "個人番号", "birth_date": "生年月日", "account": "口座番号",
           "other": "個人情報"},
    "en": {"withdrawn": "withdrawn", "closed": "closed session", "personal": "personal",
           "name": "name", "address": "address", "phone": "phone number", "email": "e-mail",
           "my_number": "ID number", "birth_date": "date of birth", "account": "account number",
           "other": "personal information"},
}
#: What a withdrawn character becomes in the public copy (one per character).
FILL = "━"
#: The separator between lines when several are compared as one stream of text.
_BREAK = "\n"


def label(key: str, language: str | None) -> str:
    return LABELS["ja" if language == "ja" else "en"].get(key, key)


# -- where a mark is ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Piece:
    """The part of a mark on one line: characters start..end of line `number`."""

    number: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Lines:
    """A meeting's lines in time order: their numbers, texts, and each one's place in the
    order (built once for all of a meeting's marks)."""

    order: Sequence[int]
    texts: Mapping[int, str]
    place: Mapping[int, int]

    @classmethod
    def of(cls, numbered: Iterable[tuple[int, str]]) -> Lines:
        """From (number, text) pairs in time order."""
        pairs = list(numbered)
        return cls([n for n, _ in pairs], dict(pairs), {n: at for at, (n, _) in enumerate(pairs)})


def pieces(mark: Mark, lines: Lines) -> list[Piece]:
    """The mark line by line (empty when the mark is lost or its lines are gone)."""
    texts = lines.texts
    if mark.lost or mark.segment not in texts:
        return []
    last = mark.last_segment if mark.last_segment is not None else mark.segment
    if last not in texts:
        return []
    first_at, last_at = lines.place[mark.segment], lines.place[last]
    found = []
    for at in range(first_at, last_at + 1):
        number = lines.order[at]
        text = texts[number]
        start = (mark.start or 0) if at == first_at else 0
        end = (mark.end if mark.end is not None else len(text)) if at == last_at else len(text)
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        if end > start:
            found.append(Piece(number, start, end))
    return found


def covered_text(found: list[Piece], texts: Mapping[int, str]) -> str:
    return _BREAK.join(texts[p.number][p.start:p.end] for p in found)


# -- marks follow the lines -----------------------------------------------------------------


def _stream(lines: Mapping[int, tuple[float, str]]) -> tuple[str, dict[int, int], list[int]]:
    """Lines as one text in time order: the text, where each line starts in it, the order."""
    order = sorted(lines, key=lambda n: (lines[n][0], n))
    at, bases, parts = 0, {}, []
    for number in order:
        bases[number] = at
        parts.append(lines[number][1])
        at += len(lines[number][1]) + len(_BREAK)
    return _BREAK.join(parts), bases, order


def _moved(position: int, opcodes: list[tuple[str, int, int, int, int]], end: bool) -> int:
    """Where a position of the old text is in the new one: inside unchanged text it moves
    with it; inside changed text a start goes to the change's start and an end to its end
    (a corrected character inside a mark stays inside it; text deleted is no longer
    covered)."""
    for tag, i1, i2, j1, j2 in opcodes:
        inside = i1 < position <= i2 if end else i1 <= position < i2
        if not inside:
            continue
        if tag == "equal":
            return j1 + (position - i1)
        if tag == "delete":
            return j1
        return j2 if end else j1
    if not opcodes:
        return 0
    return opcodes[-1][4] if position > 0 else 0


def _locate(position: int, bases: dict[int, int], order: list[int],
            lengths: Mapping[int, int], end: bool) -> tuple[int, int] | None:
    """(line, character) of a position in a stream of lines."""
    for number in order:
        base, length = bases[number], lengths[number]
        if (base < position <= base + length) if end else (base <= position < base + length):
            return number, position - base
    if not order:
        return None
    if end:  # at a line break: the end of the line before it
        before = [n for n in order if bases[n] + lengths[n] <= position]
        number = before[-1] if before else order[0]
        return number, min(lengths[number], max(0, position - bases[number]))
    after = [n for n in order if bases[n] >= position]
    number = after[0] if after else order[-1]
    return number, max(0, min(lengths[number], position - bases[number]))


def follow(session: Session, meeting_id: str, old: Mapping[int, tuple[float, str]],
           new: Mapping[int, tuple[float, str]]) -> None:
    """Marks on lines a change touched follow their text: `old` holds those lines as they
    were (number -> (start time, text)), `new` as they are now (lines removed are absent,
    lines made are new). Called by `edits.line.write`, for every change of lines."""
    touched = set(old) | set(new)
    rows = [row for row in repository.mark_rows(session, meeting_id)
            if row.segment in touched or (row.last_segment or row.segment) in touched]
    if not rows:
        return
    in_place = set(old) == set(new)
    Opcodes = list[tuple[str, int, int, int, int]]
    cache: dict[object, tuple[Opcodes, dict[int, int], list[int], dict[int, int]]] = {}

    def mapping(number: int) -> tuple[Opcodes, dict[int, int], list[int], dict[int, int]]:
        """The diff that carries positions of `number`'s old text into the new text: its
        opcodes, where each new line starts, the new lines' order, where each old line
        started (per line when the same lines remain, else all the lines as one stream)."""
        group: object = number if in_place else "all"
        if group not in cache:
            olds = {number: old[number]} if in_place else dict(old)
            news = {number: new[number]} if in_place else dict(new)
            old_text, old_bases, _ = _stream(olds)
            new_text, new_bases, new_order = _stream(news)
            matcher = difflib.SequenceMatcher(None, old_text, new_text, autojunk=False)
            cache[group] = (list(matcher.get_opcodes()), new_bases, new_order, old_bases)
        return cache[group]

    lengths = {n: len(t) for n, (_, t) in new.items()}
    now = Lines.of((n, new[n][1]) for n in sorted(new, key=lambda n: (new[n][0], n)))
    texts = now.texts
    for row in rows:
        if row.lost:
            _find_again(row, new)
            session.add(row)
            continue
        ends: list[tuple[int, int | None] | None] = []
        read: list[tuple[object, int]] = []  # (which diff, position in its old text)
        for number, offset, is_end in ((row.segment, row.start, False),
                                       (row.last_segment or row.segment, row.end, True)):
            if number not in old:  # (a line made by this change cannot hold an old mark)
                ends.append((number, offset))
                continue
            if offset is None and in_place:
                ends.append((number, None))  # a whole line stays whole
                continue
            opcodes, new_bases, new_order, old_bases = mapping(number)
            position = old_bases[number] + (
                offset if offset is not None else (len(old[number][1]) if is_end else 0))
            moved = _moved(position, opcodes, is_end)
            ends.append(_locate(moved, new_bases, new_order, lengths, is_end))
            read.append((number if in_place else "all", position))
        first, last = ends
        if first is None or last is None or _retyped(read, cache):
            row.lost = True  # its text was deleted, or typed over with other words
            if first is not None:
                row.segment = first[0]
            session.add(row)
            continue
        row.segment, row.start = first
        row.last_segment = None if last[0] == first[0] else last[0]
        row.end = last[1]
        if first[0] in texts and last[0] in texts and (
                now.place[last[0]] < now.place[first[0]] or (
                last[0] == first[0] and (row.end if row.end is not None else len(texts[first[0]]))
                <= (row.start or 0))):
            row.lost = True  # the text it covered was edited away
        elif first[0] in texts and last[0] in texts:
            found = pieces(repository.mark_of(row), now)
            row.text = covered_text(found, texts) if found else row.text
            row.lost = not found
        session.add(row)


def _retyped(read: list[tuple[object, int]], cache: Mapping[object, Any]) -> bool:
    """Whether less than half of what a mark covered is left as it was (a corrected
    character inside it is not; the passage typed over with other words is)."""
    if len(read) != 2 or read[0][0] != read[1][0]:
        return False
    (group, start), (_, end) = read
    if end <= start:
        return False
    kept = sum(max(0, min(i2, end) - max(i1, start))
               for tag, i1, i2, _j1, _j2 in cache[group][0] if tag == "equal")
    return kept * 2 < end - start


def _find_again(row: MarkRow, new: Mapping[int, tuple[float, str]]) -> None:
    """A lost mark whose text is back on its line (an undo) covers it again."""
    if row.segment not in new or not row.text or _BREAK in row.text:
        return
    text = new[row.segment][1]
    at = text.find(row.text)
    if at < 0:
        return
    whole = at == 0 and len(row.text) == len(text)
    row.start, row.end = (None, None) if whole else (at, at + len(row.text))
    row.last_segment, row.lost = None, False


def held_lines(session: Session, meeting_id: str) -> dict[int, tuple[float, float, str]]:
    """The lines as `carry_by_time` needs them, read before they are rebuilt (nothing when
    the meeting has no marks)."""
    if not repository.mark_rows(session, meeting_id):
        return {}
    return {s.id or 0: (s.start, s.end, s.text)
            for s in repository.load_transcript(session, meeting_id).segments}


def carry_by_time(session: Session, meeting_id: str,
                  old: Mapping[int, tuple[float, float, str]],
                  new: Sequence[Segment]) -> int:
    """After the lines were rebuilt (numbered from 1 in `new`'s order) from lines `old`
    (number -> (start, end, text)), each mark goes to the new lines that share its speech:
    a span to the one holding its text, a range from the first to the last such line.
    A mark that cannot be placed so is flagged (`lost`, its text kept). Returns how many."""
    flagged = 0
    numbered = list(enumerate(new, start=1))

    def over(start: float, end: float) -> list[int]:
        # a line split inside a word has no time of its own: the lines over that moment
        return [n for n, s in numbered
                if repository.holds(s, (start, end)) or (s.start <= start < s.end)]

    for row in repository.mark_rows(session, meeting_id):
        last = row.last_segment or row.segment
        if row.segment not in old or last not in old:
            row.lost, flagged = True, flagged + (not row.lost)
            session.add(row)
            continue
        start, end = old[row.segment][0], old[last][1]
        near = over(start, end)
        placed = False
        if row.kind == "closed" or (row.last_segment is not None and _BREAK in row.text):
            if near:
                row.segment, row.last_segment = near[0], (near[-1] if len(near) > 1 else None)
                row.start = row.end = None
                placed = True
        else:
            for number in near:
                text = new[number - 1].text
                at = text.find(row.text) if row.text else -1
                if at >= 0:
                    whole = at == 0 and len(row.text) == len(text)
                    row.segment, row.last_segment = number, None
                    row.start, row.end = (None, None) if whole else (at, at + len(row.text))
                    placed = True
                    break
        if not placed:
            flagged += not row.lost
            row.lost = True
        session.add(row)
    return flagged


__all__ = ["CATEGORIES", "FILL", "KINDS", "LABELS", "Lines", "Piece", "carry_by_time",
           "covered_text", "follow", "held_lines", "label", "pieces"]
