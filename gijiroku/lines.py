"""Changes to a meeting's lines as a proofreader makes them: merge a line with the next, split
one at a character, delete, insert, give a range of lines another speaker, find and replace
across the meeting, add a speaker the diarizer missed, merge two speakers into one.

Line numbers stay what they were (the minutes and the history cite them): a line split off or
inserted takes the next free number and sorts by its time. Each change is one entry of the
meeting's history (kind `lines`) holding every line it touched as it was and as it became,
words and times included, and the decisions and action items when their citations had to
follow (a merged line's citations go to the line it joined; a deleted line's are dropped).
Undo puts the lines back when they still are as the change left them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, delete, func, insert
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from gijiroku import limits
from gijiroku.dictionary import Entry, Rule, add_entry, correct, share_out
from gijiroku.domain import NO_SPACE_LANGUAGES
from gijiroku.errors import EditConflictError, EditError, InvalidInputError, NotFoundError
from gijiroku.history import record
from gijiroku.limits import checked_text
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import (
    EditRow,
    MeetingRow,
    MinutesItemRow,
    SegmentRow,
    SpeakerRow,
    WordRow,
)

#: The most hits a search shows (a misrecognition repeats dozens of times, not thousands).
MAX_HITS = 2000
MAX_LINE = limits.LINE

State = dict[str, Any]


def _ordered(session: Session, meeting_id: str) -> list[SegmentRow]:
    return list(session.exec(
        select(SegmentRow).where(SegmentRow.meeting_id == meeting_id)
        .order_by(col(SegmentRow.start), col(SegmentRow.number))).all())


def _line(rows: list[SegmentRow], number: int) -> int:
    for index, row in enumerate(rows):
        if row.number == number:
            return index
    raise NotFoundError(f"No line {number} in this meeting.", code="line_not_found",
                        value=number)


#: Ids per `IN (...)` list: under SQLite's and PostgreSQL's limits on bound parameters.
CHUNK = 900


def _state(session: Session, row: SegmentRow) -> State:
    return _states(session, [row])[0]


def _states(session: Session, rows: list[SegmentRow]) -> list[State]:
    """Lines as the history keeps them, their words read in one query per `CHUNK` lines
    (a speaker merge in a 3-hour session touches a thousand lines)."""
    ids = [row.id for row in rows]
    words: dict[int | None, list[WordRow]] = {i: [] for i in ids}
    for at in range(0, len(ids), CHUNK):
        for word in session.exec(select(WordRow).where(
                col(WordRow.segment_id).in_(ids[at:at + CHUNK]))
                .order_by(col(WordRow.segment_id), col(WordRow.position))):
            words[word.segment_id].append(word)
    return [{
        "number": row.number, "start": row.start, "end": row.end, "text": row.text,
        "speaker": row.speaker_key, "edited": row.edited, "avg_logprob": row.avg_logprob,
        "no_speech_prob": row.no_speech_prob, "source": row.source, "gap": row.gap,
        "words": [[w.start, w.end, w.text, w.probability, w.speaker_key, w.doubtful]
                  for w in words[row.id]],
    } for row in rows]


def _write(session: Session, meeting_id: str, states: list[State],
           removed: list[int]) -> None:
    """Make the lines `states` hold (updated in place, so their versions count on, or
    inserted) and delete the lines numbered `removed`: a few statements for any number of
    lines (their rows in one flush, their words deleted and inserted in one each)."""
    numbers = [s["number"] for s in states] + removed
    rows: dict[int, SegmentRow] = {}
    for at in range(0, len(numbers), CHUNK):
        rows.update((r.number, r) for r in session.exec(select(SegmentRow).where(
            SegmentRow.meeting_id == meeting_id,
            col(SegmentRow.number).in_(numbers[at:at + CHUNK]))).all())
    for number in removed:
        if number in rows:
            session.delete(rows[number])

    def columns(state: State) -> dict[str, Any]:
        return {"start": state["start"], "end": state["end"], "text": state["text"],
                "edited": state["edited"], "avg_logprob": state["avg_logprob"],
                "no_speech_prob": state["no_speech_prob"], "source": state["source"],
                # (history written before gaps had none)
                "gap": bool(state.get("gap", False)), "speaker_key": state["speaker"]}

    # lines that exist: one UPDATE run for all of them, each matched on the version read
    # (a line changed meanwhile is refused, as the ORM's own version check would)
    kept = [s for s in states if s["number"] in rows]
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
    for state in kept:  # read again if asked for (not here: one query per line)
        session.expire(rows[state["number"]])
    fresh_rows = [SegmentRow(meeting_id=meeting_id, number=s["number"], **columns(s))
                  for s in states if s["number"] not in rows]  # split off, inserted, undone
    session.add_all(fresh_rows)
    session.flush()
    ids_of.update((row.number, row.id) for row in fresh_rows)
    ids = [ids_of[s["number"]] for s in states]
    for at in range(0, len(ids), CHUNK):
        session.execute(delete(WordRow).where(col(WordRow.segment_id).in_(ids[at:at + CHUNK])))
    fresh = [
        {"segment_id": row_id, "meeting_id": meeting_id, "position": position,
         "start": w[0], "end": w[1], "text": w[2], "probability": w[3], "speaker_key": w[4],
         # (history written before words were marked has five fields)
         "doubtful": bool(w[5]) if len(w) > 5 else w[3] < 0.5}
        for row_id, state in zip(ids, states, strict=True)
        for position, w in enumerate(state["words"])]
    if fresh:
        session.execute(insert(WordRow), fresh)
    session.flush()


def _recite(session: Session, meeting: MeetingRow,
            moved: dict[int, int | None]) -> tuple[Any, Any]:
    """Citations of lines that merged into another (n -> m) or went (n -> None): each item
    citing one changes (a new version; one left citing nothing is flagged). Returns the
    changed items' citations before and after (id, version, segments, flagged), or
    (None, None) when no item cited those lines."""
    before: list[dict[str, Any]] = []
    after: list[dict[str, Any]] = []
    for row in repository.minutes_items(session, meeting.id):
        cited = list(row.segments)
        recited = list(dict.fromkeys(
            m for m in (moved.get(n, n) for n in cited) if m is not None))
        if recited == cited:
            continue
        before.append({"id": row.id, "version": row.version, "segments": cited,
                       "flagged": row.flagged})
        row.segments, row.flagged = recited, row.flagged or not recited
        row.version += 1
        session.add(row)
        after.append({"id": row.id, "version": row.version, "segments": recited,
                      "flagged": row.flagged})
    return (before, after) if after else (None, None)


def _uncite(session: Session, meeting: MeetingRow, gone: set[int]) -> None:
    """Items citing lines that no longer exist drop those citations and are flagged."""
    if not gone:
        return
    for row in repository.minutes_items(session, meeting.id):
        if gone & set(row.segments):
            row.segments = [n for n in row.segments if n not in gone]
            row.flagged = True
            row.version += 1
            session.add(row)


def _cite_again(session: Session, meeting: MeetingRow, before: Any, after: Any) -> None:
    """Undo of `_recite`: each item's citations go back where they are still as the change
    left them (an item cited otherwise since keeps citing lines that exist). History written
    before items had ids (lists of items) is left as it is."""
    if not isinstance(after, list):
        return
    was = {item["id"]: item for item in before}
    for item in after:
        row = session.get(MinutesItemRow, item["id"], populate_existing=True)
        if row is None or row.meeting_id != meeting.id or (
                list(row.segments), row.flagged) != (item["segments"], item["flagged"]):
            continue
        row.segments, row.flagged = was[item["id"]]["segments"], was[item["id"]]["flagged"]
        row.version += 1
        session.add(row)


def _record(session: Session, meeting: MeetingRow, action: str, before: list[State],
            after: list[State], minutes: tuple[Any, Any] = (None, None)) -> EditRow:
    return record(session, meeting.id, "lines", action,
                  {"lines": before, "minutes": minutes[0]},
                  {"lines": after, "minutes": minutes[1]})


def _next_number(session: Session, meeting_id: str) -> int:
    """The next line number, never one the meeting gave before (MeetingRow.last_line)."""
    meeting = repository.get_meeting_row(session, meeting_id)
    highest = session.execute(select(func.max(SegmentRow.number)).where(
        SegmentRow.meeting_id == meeting_id)).scalar_one()
    meeting.last_line = max(int(highest or 0), meeting.last_line) + 1
    session.add(meeting)
    return meeting.last_line


def _joined(a: State, b: State, language: str | None) -> str:
    separator = "" if language in NO_SPACE_LANGUAGES else " "
    return (a["text"].rstrip() + separator + b["text"].lstrip()).strip()


def merge_with_next(engine: Engine, meeting_id: str, number: int) -> EditRow:
    """Line `number` and the line after it (in time) become one: its speaker, both texts and
    words; citations of the second go to the first."""
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        rows = _ordered(session, meeting_id)
        index = _line(rows, number)
        if index + 1 >= len(rows):
            raise EditError("The last line has no next line to merge with.")
        first, second = _state(session, rows[index]), _state(session, rows[index + 1])
        merged = {**first, "end": max(first["end"], second["end"]), "edited": True,
                  "text": _joined(first, second, meeting.language),
                  "words": first["words"] + [[*w[:4], first["speaker"], *w[5:]]
                                             for w in second["words"]]}
        if len(merged["text"]) > MAX_LINE:
            raise EditError("The merged line would be too long.")
        minutes = _recite(session, meeting, {second["number"]: first["number"]})
        _write(session, meeting_id, [merged], [second["number"]])
        return _record(session, meeting, "merge", [first, second], [merged], minutes)


def _word_offsets(text: str, words: list[list[Any]]) -> list[int] | None:
    """Where each word starts in the line's text, or None when the text was retyped so that
    the words are no longer found in it in order."""
    offsets, position = [], 0
    for word in words:
        token = str(word[2]).strip()
        at = text.find(token, position) if token else position
        if at < 0:
            return None
        offsets.append(at)
        position = at + len(token)
    return offsets


def split_line(engine: Engine, meeting_id: str, number: int, at: int) -> EditRow:
    """Line `number` becomes two at character `at` of its text; the second starts at the
    time of its first word (word timings), or in proportion when the words were retyped."""
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        rows = _ordered(session, meeting_id)
        line = _state(session, rows[_line(rows, number)])
        text = line["text"]
        left, right = text[:at].rstrip(), text[at:].lstrip()
        if not 0 < at < len(text) or not left or not right:
            raise EditError("Put the cursor inside the text to split a line: both parts need "
                            "words.")
        offsets = _word_offsets(text, line["words"])
        if offsets is not None:
            cut = next((i for i, o in enumerate(offsets) if o >= at), len(offsets))
            left_words, right_words = line["words"][:cut], line["words"][cut:]
        else:
            left_words, right_words = line["words"], []
        if right_words:
            time = right_words[0][0]
        elif offsets is not None and left_words:
            time = left_words[-1][1]
        else:
            time = line["start"] + (line["end"] - line["start"]) * at / len(text)
        time = min(max(time, line["start"]), line["end"])
        first = {**line, "text": left, "end": time, "words": left_words, "edited": True}
        second = {**line, "number": _next_number(session, meeting_id), "text": right,
                  "start": time, "words": right_words, "edited": True}
        _write(session, meeting_id, [first, second], [])
        return _record(session, meeting, "split", [line], [first, second])


def delete_line(engine: Engine, meeting_id: str, number: int) -> EditRow:
    """Remove line `number` (a repeated phrase, noise taken for speech); citations of it are
    dropped, and an item left citing nothing is flagged."""
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        rows = _ordered(session, meeting_id)
        line = _state(session, rows[_line(rows, number)])
        minutes = _recite(session, meeting, {number: None})
        _write(session, meeting_id, [], [number])
        return _record(session, meeting, "delete", [line], [], minutes)


def _speaker_keys(session: Session, meeting_id: str) -> list[str]:
    return list(session.exec(select(SpeakerRow.key).where(
        SpeakerRow.meeting_id == meeting_id).order_by(col(SpeakerRow.id))).all())


def _known(session: Session, meeting_id: str, speaker: str | None) -> None:
    if speaker is not None and speaker not in _speaker_keys(session, meeting_id):
        raise EditError(f"No speaker {speaker!r} in this meeting.")


def insert_line(engine: Engine, meeting_id: str, after: int | None, text: str,
                speaker: str | None = None) -> EditRow:
    """A line the recogniser missed, after line `after` (None: before the first), in the
    time between the two lines; `speaker` defaults to the speaker of the line before."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInputError("The new line needs text.", code="text_empty", field="text")
    if len(cleaned) > MAX_LINE:
        raise InvalidInputError(f"text is longer than {MAX_LINE} characters.",
                                code="text_too_long", field="text", limit=MAX_LINE)
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        _known(session, meeting_id, speaker)
        rows = _ordered(session, meeting_id)
        index = _line(rows, after) if after is not None else -1
        previous = rows[index] if index >= 0 else None
        following = rows[index + 1] if index + 1 < len(rows) else None
        # at the end of the line before; just before the next when they touch, so that the
        # new line sorts between them
        if previous is None:
            start = 0.0
        elif following is not None:
            start = max(previous.start, min(previous.end, following.start - 0.01))
        else:
            start = previous.end
        end = following.start if following is not None else start
        line = {
            "number": _next_number(session, meeting_id), "start": start,
            "end": max(start, end), "text": cleaned,
            "speaker": speaker if speaker is not None else (
                previous.speaker_key if previous is not None else None),
            "edited": True, "avg_logprob": None, "no_speech_prob": None, "source": None,
            "words": [],
        }
        _write(session, meeting_id, [line], [])
        return _record(session, meeting, "insert", [], [line])


def set_speaker(engine: Engine, meeting_id: str, first: int, last: int,
                speaker: str) -> EditRow:
    """Lines `first` to `last` (in time order, both included) are said by `speaker`."""
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        _known(session, meeting_id, speaker)
        rows = _ordered(session, meeting_id)
        a, b = sorted((_line(rows, first), _line(rows, last)))
        before = _states(session, rows[a:b + 1])
        after = [{**s, "speaker": speaker, "edited": True,
                  "words": [[*w[:4], speaker, *w[5:]] for w in s["words"]]} for s in before]
        _write(session, meeting_id, after, [])
        return _record(session, meeting, "speaker", before, after)


# -- find and replace -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    number: int  # the line
    start: int  # characters into its text
    end: int
    text: str  # the line's whole text, for the preview


def _pattern(query: str, language: str | None, whole_word: bool) -> re.Pattern[str]:
    """Exact text; whole words only in languages written with spaces (never inside a
    Japanese sentence, where every character is a word character)."""
    if not query.strip():
        raise InvalidInputError("Type the text to find.", code="text_empty", field="find")
    checked_text(query, "find", limits.FIND)
    escaped = re.escape(query)
    if whole_word and language not in NO_SPACE_LANGUAGES:
        escaped = r"(?<!\w)" + escaped + r"(?!\w)"
    return re.compile(escaped)


def _hits(rows: list[SegmentRow], pattern: re.Pattern[str]) -> list[Hit]:
    found: list[Hit] = []
    for row in rows:
        for match in pattern.finditer(row.text):
            found.append(Hit(row.number, match.start(), match.end(), row.text))
            if len(found) >= MAX_HITS:
                return found
    return found


def find(engine: Engine, meeting_id: str, query: str, whole_word: bool = True) -> list[Hit]:
    """Every place `query` occurs in the meeting's lines, in time order."""
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        pattern = _pattern(query, meeting.language, whole_word)
        return _hits(_ordered(session, meeting_id), pattern)


def replace(engine: Engine, meeting_id: str, query: str, replacement: str,
            whole_word: bool = True, only: list[tuple[int, int]] | None = None
            ) -> EditRow | None:
    """Replace `query` with `replacement` everywhere, or only at the hits `only` names as
    (line, character) pairs: one entry in the history, undone as one. Words keep their
    times: the new text is shared out over the words it covers. None: nothing matched."""
    if len(replacement) > limits.FIND:  # (spaces count: the replacement is kept as typed)
        raise InvalidInputError(f"replace is longer than {limits.FIND} characters.",
                                code="text_too_long", field="replace", limit=limits.FIND)
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        pattern = _pattern(query, meeting.language, whole_word)
        rows = _ordered(session, meeting_id)
        if only is None:  # every hit, however many (the preview shows the first MAX_HITS)
            hits = [Hit(row.number, m.start(), m.end(), row.text)
                    for row in rows for m in pattern.finditer(row.text)]
        else:
            wanted = set(only)
            hits = [h for h in _hits(rows, pattern) if (h.number, h.start) in wanted]
        if not hits:
            return None
        separator = "" if meeting.language in NO_SPACE_LANGUAGES else " "
        by_number = {row.number: row for row in rows}
        by_line: dict[int, list[Hit]] = {}  # (in the lines' order: hits come in it)
        for hit in hits:
            by_line.setdefault(hit.number, []).append(hit)
        states = dict(zip(by_line, _states(session, [by_number[n] for n in by_line]),
                          strict=True))
        before, after = [], []
        for number, line_hits in by_line.items():
            state = states[number]
            words = [str(w[2]) for w in state["words"]]
            if only is None:
                text, words, _ = correct(state["text"], words, meeting.language,
                                         [Rule(query, replacement, pattern)])
            else:
                text = state["text"]
                aligned = separator.join(words) == text
                for hit in reversed(line_hits):
                    text = text[:hit.start] + replacement + text[hit.end:]
                    if aligned:
                        words = share_out(words, separator, hit.start, hit.end, replacement)
            if not text.strip():
                raise EditError(f"Line {number} would be left empty; delete it instead.")
            if len(text) > MAX_LINE:  # nothing is changed: all the hits or none
                raise EditError(f"Line {number} would be longer than {MAX_LINE} characters; "
                                "nothing was replaced.")
            before.append(state)
            after.append({**state, "text": text, "edited": True,
                          "words": [[*w[:2], new, *w[3:]]
                                    for w, new in zip(state["words"], words, strict=True)]})
        _write(session, meeting_id, after, [])
        return _record(session, meeting, "replace", before, after)


def remember_correction(engine: Engine, meeting_id: str, query: str,
                        replacement: str) -> Entry:
    """Keep a replacement as a dictionary correction for later meetings in this meeting's
    language."""
    with session_scope(engine) as session:
        language = repository.get_meeting_row(session, meeting_id).language or ""
    return add_entry(engine, "correction", query, replacement, language)


# -- speakers ---------------------------------------------------------------------------------


def add_speaker(engine: Engine, meeting_id: str, name: str | None = None) -> EditRow:
    """A speaker the diarizer missed (next free id, S4 after S3), to give lines to."""
    cleaned = checked_text(name, "name", limits.NAME)
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        # never an id a merged-away speaker had: undoing that merge brings it back
        merged = session.exec(select(EditRow.before).where(
            EditRow.meeting_id == meeting_id, EditRow.kind == "speakers",
            EditRow.target == "merge")).all()
        keys = [*_speaker_keys(session, meeting_id), *(b["speaker"][0] for b in merged)]
        taken = {int(k[1:]) for k in keys if k[1:].isdigit()}
        key = f"S{max(taken, default=0) + 1}"
        session.add(SpeakerRow(meeting_id=meeting_id, key=key, label=key,
                               name=cleaned or None))
        return record(session, meeting.id, "speakers", "add", None,
                      {"speaker": [key, key, cleaned or None]})


def merge_speakers(engine: Engine, meeting_id: str, source: str, into: str) -> EditRow:
    """Speaker `source` is the same person as `into`: their lines become `into`'s and
    `source` leaves the list (one name among the attendees)."""
    if source == into:
        raise EditError("Choose two different speakers to merge.")
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        gone = repository.get_speaker_row(session, meeting_id, source)
        repository.get_speaker_row(session, meeting_id, into)
        # lines of theirs, and lines of others where some words were given to them
        with_words = set(session.exec(select(WordRow.segment_id).where(
            WordRow.meeting_id == meeting_id, WordRow.speaker_key == source).distinct()))
        rows = [r for r in _ordered(session, meeting_id)
                if r.speaker_key == source or r.id in with_words]
        before = _states(session, rows)
        after = [{**s, "speaker": into if s["speaker"] == source else s["speaker"],
                  "words": [[*w[:4], into if w[4] == source else w[4], *w[5:]]
                            for w in s["words"]]}
                 for s in before]
        speaker = [gone.key, gone.label, gone.name]
        session.delete(gone)
        _write(session, meeting_id, after, [])
        return record(session, meeting.id, "speakers", "merge",
                      {"speaker": speaker, "lines": before, "into": into},
                      {"lines": after, "into": into})


# -- undo -------------------------------------------------------------------------------------


def _current(session: Session, meeting_id: str, numbers: list[int]) -> dict[int, State]:
    rows = session.exec(select(SegmentRow).where(
        SegmentRow.meeting_id == meeting_id, col(SegmentRow.number).in_(numbers))).all()
    return {state["number"]: state for state in _states(session, list(rows))}


def _compared(state: State | None) -> State | None:
    """A line's state as undo compares it: recorded before gaps, it has no "gap" (it is not
    one); before doubtful words, its words have no mark (the mark is no change of text)."""
    if state is None:
        return None
    return {"gap": False, **state, "words": [list(w[:5]) for w in state["words"]]}


def _put_back(session: Session, meeting: MeetingRow, before: list[State],
              after: list[State]) -> None:
    """Lines as they were before a change, when they still are as it left them."""
    numbers = [s["number"] for s in before] + [s["number"] for s in after]
    current = _current(session, meeting.id, numbers)
    left = {s["number"] for s in after}
    if any(_compared(current.get(s["number"])) != _compared(s) for s in after) or any(
            s["number"] in current for s in before if s["number"] not in left):
        raise EditConflictError(
            "These lines were changed again after that edit; undo the later edit first.")
    _write(session, meeting.id, before, sorted(left - {s["number"] for s in before}))


def undo(session: Session, meeting: MeetingRow, edit: EditRow) -> None:
    """Undo a `lines` or `speakers` entry of the history (editing.undo calls this)."""
    if edit.kind == "lines":
        _put_back(session, meeting, edit.before["lines"], edit.after["lines"])
        # citations go back only to items no one changed since; the others still cite
        # lines that exist (the merged line), or a line that came back uncited
        if edit.after["minutes"] is not None:
            _cite_again(session, meeting, edit.before["minutes"], edit.after["minutes"])
        # a line the undone change had made (inserted, split off) is gone again: items
        # citing it lose that citation and are flagged (never pointed at another line)
        gone = ({s["number"] for s in edit.after["lines"]}
                - {s["number"] for s in edit.before["lines"]})
        _uncite(session, meeting, gone)
        return
    if edit.target == "add":
        key = edit.after["speaker"][0]
        if session.exec(select(SegmentRow.id).where(
                SegmentRow.meeting_id == meeting.id, SegmentRow.speaker_key == key)).first():
            raise EditConflictError(f"Lines are given to {key}; give them to another "
                                    "speaker before undoing.")
        session.delete(repository.get_speaker_row(session, meeting.id, key))
        return
    key, label, name = edit.before["speaker"]
    if key in _speaker_keys(session, meeting.id):
        raise EditConflictError(f"There is a speaker {key} again; it cannot come back.")
    _put_back(session, meeting, edit.before["lines"], edit.after["lines"])
    session.add(SpeakerRow(meeting_id=meeting.id, key=key, label=label, name=name))


__all__ = [
    "MAX_HITS", "Hit", "add_speaker", "delete_line", "find", "insert_line",
    "merge_speakers", "merge_with_next", "remember_correction", "replace", "set_speaker",
    "split_line", "undo",
]
