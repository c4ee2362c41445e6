"""A line of the transcript as every edit sees it: one typed model of a line and its words,
one way to read lines from the database (`snapshots`) and one way to write them back
(`write`), used by every change that touches lines and by undo.

The history keeps lines in this shape, as JSON (a `Word` is stored as the list of its
fields, in this order). Entries written by older versions may lack fields added since:
`gap` (absent: not a gap) and a word's `doubtful` (absent: probability under 0.5).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, NamedTuple, TypedDict

from sqlalchemy import bindparam, delete, func, insert
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from gijiroku import marks
from gijiroku.errors import EditConflictError, NotFoundError
from gijiroku.storage import repository
from gijiroku.storage.tables import SegmentRow, WordRow
from gijiroku.terms import index_terms

#: Ids per `IN (...)` list: under SQLite's and PostgreSQL's limits on bound parameters.
CHUNK = 900


class Word(NamedTuple):
    start: float
    end: float
    text: str
    probability: float
    speaker: str | None
    doubtful: bool


class Line(TypedDict):
    number: int
    start: float
    end: float
    text: str
    speaker: str | None
    edited: bool
    avg_logprob: float | None
    no_speech_prob: float | None
    source: int | None  # the recognition segment it came from
    gap: bool
    words: list[Word]


def word(stored: Any) -> Word:
    """A word as the history holds it (a list), or already a `Word`."""
    if isinstance(stored, Word):
        return stored
    fields = list(stored)
    if len(fields) < 6:  # (history written before words were marked)
        fields.append(fields[3] < 0.5)
    return Word(fields[0], fields[1], fields[2], fields[3], fields[4], bool(fields[5]))


def words(line: Any) -> list[Word]:
    return [word(w) for w in line["words"]]


def ordered(session: Session, meeting_id: str) -> list[SegmentRow]:
    """The meeting's line rows in time order (as the page and the exports show them)."""
    return list(session.exec(
        select(SegmentRow).where(SegmentRow.meeting_id == meeting_id)
        .order_by(col(SegmentRow.start), col(SegmentRow.number))).all())


def index_of(rows: list[SegmentRow], number: int) -> int:
    """Where line `number` is in `rows` (NotFound when it is not)."""
    for index, row in enumerate(rows):
        if row.number == number:
            return index
    raise NotFoundError(f"No line {number} in this meeting.", code="line_not_found",
                        value=number)


def row_of(session: Session, meeting_id: str, number: int) -> SegmentRow:
    repository.get_meeting_row(session, meeting_id)
    row = session.exec(select(SegmentRow).where(
        SegmentRow.meeting_id == meeting_id, SegmentRow.number == number)).first()
    if row is None:
        raise NotFoundError(f"No line {number} in meeting {meeting_id!r}.",
                            code="line_not_found", value=number)
    return row


def snapshot(session: Session, row: SegmentRow) -> Line:
    return snapshots(session, [row])[0]


def snapshots(session: Session, rows: list[SegmentRow]) -> list[Line]:
    """Lines as the history keeps them, their words read in one query per `CHUNK` lines
    (a speaker merge in a 3-hour session touches a thousand lines)."""
    ids = [row.id for row in rows]
    found: dict[int | None, list[WordRow]] = {i: [] for i in ids}
    for at in range(0, len(ids), CHUNK):
        for row in session.exec(select(WordRow).where(
                col(WordRow.segment_id).in_(ids[at:at + CHUNK]))
                .order_by(col(WordRow.segment_id), col(WordRow.position))):
            found[row.segment_id].append(row)
    return [Line(
        number=row.number, start=row.start, end=row.end, text=row.text,
        speaker=row.speaker_key, edited=row.edited, avg_logprob=row.avg_logprob,
        no_speech_prob=row.no_speech_prob, source=row.source, gap=row.gap,
        words=[Word(w.start, w.end, w.text, w.probability, w.speaker_key, w.doubtful)
               for w in found[row.id]],
    ) for row in rows]


def current(session: Session, meeting_id: str, numbers: list[int]) -> dict[int, Line]:
    """The lines numbered `numbers` that exist, as they are now."""
    rows: list[SegmentRow] = []
    for at in range(0, len(numbers), CHUNK):
        rows.extend(session.exec(select(SegmentRow).where(
            SegmentRow.meeting_id == meeting_id,
            col(SegmentRow.number).in_(numbers[at:at + CHUNK]))).all())
    return {line["number"]: line for line in snapshots(session, rows)}


def write(session: Session, meeting_id: str, lines: list[Line], removed: list[int],
          same_words: Collection[int] = ()) -> None:
    """Make the lines `lines` hold (updated in place, so their versions count on, or
    inserted) and delete the lines numbered `removed`: a few statements for any number of
    lines (their rows in one flush, their words deleted and inserted in one each). The words
    of existing lines numbered in `same_words` are as stored and are left alone."""
    numbers = [s["number"] for s in lines] + removed
    rows: dict[int, SegmentRow] = {}
    for at in range(0, len(numbers), CHUNK):
        rows.update((r.number, r) for r in session.exec(select(SegmentRow).where(
            SegmentRow.meeting_id == meeting_id,
            col(SegmentRow.number).in_(numbers[at:at + CHUNK]))).all())
    # what the lines held, for the marks on them to follow their text (gijiroku.marks)
    old = {number: (row.start, row.text) for number, row in rows.items()}
    for number in removed:
        if number in rows:
            session.delete(rows[number])

    section = repository.get_meeting_row(session, meeting_id).section_id

    def columns(line: Line) -> dict[str, Any]:
        return {"start": line["start"], "end": line["end"], "text": line["text"],
                "edited": line["edited"], "avg_logprob": line["avg_logprob"],
                "no_speech_prob": line["no_speech_prob"], "source": line["source"],
                "gap": bool(line.get("gap", False)), "speaker_key": line["speaker"],
                "terms": index_terms(line["text"], section)}  # (what search indexes)

    # lines that exist: one UPDATE run for all of them, each matched on the version read
    # (a line changed meanwhile is refused, as the ORM's own version check would)
    kept = [s for s in lines if s["number"] in rows]
    if kept:
        table = SegmentRow.metadata.tables["segment"]
        changed = session.execute(
            table.update().where(table.c.id == bindparam("row_id"),
                                 table.c.version == bindparam("row_version"))
            .values(version=table.c.version + 1,
                    **{name: bindparam(name) for name in columns(kept[0])}),
            [{"row_id": rows[s["number"]].id, "row_version": rows[s["number"]].version,
              **columns(s)} for s in kept])
        if changed.rowcount != len(kept):  # type: ignore[attr-defined]
            raise StaleDataError("A line was changed by someone else at the same moment.")
    ids_of = {number: row.id for number, row in rows.items()}
    for line in kept:  # read again if asked for (not here: one query per line)
        session.expire(rows[line["number"]])
    fresh_rows = [SegmentRow(meeting_id=meeting_id, number=s["number"], **columns(s))
                  for s in lines if s["number"] not in rows]  # split off, inserted, undone
    session.add_all(fresh_rows)
    session.flush()
    ids_of.update((row.number, row.id) for row in fresh_rows)
    rewritten = [s for s in lines if s["number"] not in same_words or s["number"] not in rows]
    ids = [ids_of[s["number"]] for s in rewritten]
    for at in range(0, len(ids), CHUNK):
        session.execute(delete(WordRow).where(col(WordRow.segment_id).in_(ids[at:at + CHUNK])))
    fresh = [
        {"segment_id": row_id, "meeting_id": meeting_id, "position": position,
         "start": w.start, "end": w.end, "text": w.text, "probability": w.probability,
         "speaker_key": w.speaker, "doubtful": w.doubtful}
        for row_id, line in zip(ids, rewritten, strict=True)
        for position, w in enumerate(words(line))]
    if fresh:
        session.execute(insert(WordRow), fresh)
    marks.follow(session, meeting_id, old, {s["number"]: (s["start"], s["text"]) for s in lines})
    session.flush()


def _compared(line: Any) -> Any:
    """A line as undo compares it: recorded before gaps, it has no "gap" (it is not one);
    before doubtful words, its words have no mark (the mark is no change of text)."""
    if line is None:
        return None
    return {"gap": False, **line, "words": [list(w[:5]) for w in line["words"]]}


def put_back(session: Session, meeting_id: str, before: list[Line], after: list[Line]) -> None:
    """Lines as they were before a change, when they still are as it left them (refused
    with EditConflict otherwise): lines it changed go back, lines it made go, lines it
    removed come back."""
    numbers = [s["number"] for s in before] + [s["number"] for s in after]
    now = current(session, meeting_id, numbers)
    left = {s["number"] for s in after}
    if any(_compared(now.get(s["number"])) != _compared(s) for s in after) or any(
            s["number"] in now for s in before if s["number"] not in left):
        raise EditConflictError(
            "These lines were changed again after that edit; undo the later edit first.")
    write(session, meeting_id, before, sorted(left - {s["number"] for s in before}))


def next_number(session: Session, meeting_id: str) -> int:
    """The next line number, never one the meeting gave before (MeetingRow.last_line)."""
    meeting = repository.get_meeting_row(session, meeting_id)
    highest = session.execute(select(func.max(SegmentRow.number)).where(
        SegmentRow.meeting_id == meeting_id)).scalar_one()
    meeting.last_line = max(int(highest or 0), meeting.last_line) + 1
    session.add(meeting)
    return meeting.last_line


__all__ = ["CHUNK", "Line", "Word", "current", "index_of", "next_number", "ordered",
           "put_back", "row_of", "snapshot", "snapshots", "word", "words", "write"]
