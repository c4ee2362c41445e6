"""The transcript's lines as a proofreader changes them: a line's text or speaker, merge a
line with the next, split one at a character, delete, insert, find and replace across the
meeting.

Line numbers stay what they were (the minutes and the history cite them): a line split off or
inserted takes the next free number and sorts by its time. Each change is one entry of the
meeting's history holding every line it touched as it was and as it became (`edits.line`),
and the decisions and action items when their citations had to follow (a merged line's
citations go to the line it joined; a deleted line's are dropped). Undo puts the lines back
when they still are as the change left them. A line a person changed is marked `edited`: a
re-run of diarization, which rebuilds lines, must be asked explicitly to replace it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from gijiroku import limits
from gijiroku.dictionary import Entry, Rule, add_entry, correct, share_out
from gijiroku.domain import NO_SPACE_LANGUAGES
from gijiroku.edits import line
from gijiroku.edits.history import record
from gijiroku.edits.line import Line, Word
from gijiroku.edits.speakers import known_speaker
from gijiroku.errors import EditConflictError, EditError, InvalidInputError, StaleVersionError
from gijiroku.limits import checked_text
from gijiroku.result import segment_document
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import EditRow, MeetingRow, MinutesItemRow, SegmentRow

#: The most hits a search shows (a misrecognition repeats dozens of times, not thousands).
MAX_HITS = 2000


def check_version(stored: int, sent: int | None, current: Any, what: str) -> None:
    """Refuse a save made against `sent` when the stored thing is at `stored` (StaleVersion
    with the `current` object); no version sent: saved as before versions existed."""
    if sent is not None and sent != stored:
        raise StaleVersionError(
            f"{what} was changed by someone else since it was opened (version {sent}, now "
            f"{stored}); compare with the current text and save again.", current)


def edit_segment(
    engine: Engine,
    meeting_id: str,
    number: int,
    *,
    text: str | None = None,
    speaker: str | None = None,
    version: int | None = None,
) -> EditRow | None:
    """Change a line's text and/or speaker (its words follow the new speaker). With
    `version`, refused when the line changed since that version. Returns the history
    entry, or None when nothing changed."""
    with session_scope(engine) as session:
        row = line.row_of(session, meeting_id, number)
        check_version(row.version, version, segment_document(
            repository.load_segment(session, meeting_id, number)), f"Line {number}")
        before = line.snapshot(session, row)
        after = Line(**before)
        if text is not None:
            cleaned = checked_text(text, "text", limits.LINE)
            if not cleaned:
                raise EditError("A line cannot be empty; delete words instead of the line.")
            after["text"] = cleaned
            after["gap"] = False  # speech left without text, typed in: a line like any
        if speaker is not None:
            known_speaker(session, meeting_id, speaker)
            after["speaker"] = speaker
            after["words"] = [w._replace(speaker=speaker) for w in before["words"]]
        if (after["text"], after["speaker"]) == (before["text"], before["speaker"]):
            return None
        after["edited"] = True
        line.write(session, meeting_id, [after], [],
                   same_words=[number] if after["words"] == before["words"] else [])
        return record(session, meeting_id, "segment", str(number), before, after)


def undo_segment(session: Session, meeting: MeetingRow, edit: EditRow) -> None:
    """Undo an entry of kind `segment`: the line as it was, if still as the edit left it."""
    if "number" in edit.before:
        line.put_back(session, meeting.id, [edit.before], [edit.after])
        return
    # written before lines had one shape: text, speaker, edited, gap and the words' speakers
    row = line.row_of(session, meeting.id, int(edit.target))
    words = repository.word_rows(session, row.id)
    now = {"text": row.text, "speaker": row.speaker_key, "edited": row.edited, "gap": row.gap,
           "word_speakers": [w.speaker_key for w in words]}
    if now != {"gap": False, **edit.after}:
        raise EditConflictError(
            "This was changed again after that edit; undo the later edit first.")
    was = edit.before
    row.text, row.speaker_key, row.edited = was["text"], was["speaker"], was["edited"]
    row.gap = bool(was.get("gap", False))
    session.add(row)
    for word, speaker in zip(words, was["word_speakers"], strict=False):
        word.speaker_key = speaker
        session.add(word)


# -- citations that follow the lines --------------------------------------------------------


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


def _record(session: Session, meeting: MeetingRow, action: str, before: list[Line],
            after: list[Line], minutes: tuple[Any, Any] = (None, None)) -> EditRow:
    return record(session, meeting.id, "lines", action,
                  {"lines": before, "minutes": minutes[0]},
                  {"lines": after, "minutes": minutes[1]})


# -- line surgery ---------------------------------------------------------------------------


def _joined(a: Line, b: Line, language: str | None) -> str:
    separator = "" if language in NO_SPACE_LANGUAGES else " "
    return (a["text"].rstrip() + separator + b["text"].lstrip()).strip()


def merge_with_next(engine: Engine, meeting_id: str, number: int) -> EditRow:
    """Line `number` and the line after it (in time) become one: its speaker, both texts and
    words; citations of the second go to the first."""
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        rows = line.ordered(session, meeting_id)
        index = line.index_of(rows, number)
        if index + 1 >= len(rows):
            raise EditError("The last line has no next line to merge with.")
        first, second = line.snapshots(session, rows[index:index + 2])
        merged = Line(**{
            **first, "end": max(first["end"], second["end"]), "edited": True,
            "text": _joined(first, second, meeting.language),
            "words": first["words"] + [w._replace(speaker=first["speaker"])
                                       for w in second["words"]]})
        if len(merged["text"]) > limits.LINE:
            raise EditError("The merged line would be too long.")
        minutes = _recite(session, meeting, {second["number"]: first["number"]})
        line.write(session, meeting_id, [merged], [second["number"]])
        return _record(session, meeting, "merge", [first, second], [merged], minutes)


def _word_offsets(text: str, words: list[Word]) -> list[int] | None:
    """Where each word starts in the line's text, or None when the text was retyped so that
    the words are no longer found in it in order."""
    offsets, position = [], 0
    for word in words:
        token = word.text.strip()
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
        rows = line.ordered(session, meeting_id)
        whole = line.snapshot(session, rows[line.index_of(rows, number)])
        text = whole["text"]
        left, right = text[:at].rstrip(), text[at:].lstrip()
        if not 0 < at < len(text) or not left or not right:
            raise EditError("Put the cursor inside the text to split a line: both parts need "
                            "words.")
        offsets = _word_offsets(text, whole["words"])
        if offsets is not None:
            cut = next((i for i, o in enumerate(offsets) if o >= at), len(offsets))
            left_words, right_words = whole["words"][:cut], whole["words"][cut:]
        else:
            left_words, right_words = whole["words"], []
        if right_words:
            time = right_words[0].start
        elif offsets is not None and left_words:
            time = left_words[-1].end
        else:
            time = whole["start"] + (whole["end"] - whole["start"]) * at / len(text)
        time = min(max(time, whole["start"]), whole["end"])
        first = Line(**{**whole, "text": left, "end": time, "words": left_words,
                        "edited": True})
        second = Line(**{**whole, "number": line.next_number(session, meeting_id),
                         "text": right, "start": time, "words": right_words, "edited": True})
        line.write(session, meeting_id, [first, second], [])
        return _record(session, meeting, "split", [whole], [first, second])


def delete_line(engine: Engine, meeting_id: str, number: int) -> EditRow:
    """Remove line `number` (a repeated phrase, noise taken for speech); citations of it are
    dropped, and an item left citing nothing is flagged."""
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        rows = line.ordered(session, meeting_id)
        gone = line.snapshot(session, rows[line.index_of(rows, number)])
        minutes = _recite(session, meeting, {number: None})
        line.write(session, meeting_id, [], [number])
        return _record(session, meeting, "delete", [gone], [], minutes)


def insert_line(engine: Engine, meeting_id: str, after: int | None, text: str,
                speaker: str | None = None) -> EditRow:
    """A line the recogniser missed, after line `after` (None: before the first), in the
    time between the two lines; `speaker` defaults to the speaker of the line before."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInputError("The new line needs text.", code="text_empty", field="text")
    if len(cleaned) > limits.LINE:
        raise InvalidInputError(f"text is longer than {limits.LINE} characters.",
                                code="text_too_long", field="text", limit=limits.LINE)
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        known_speaker(session, meeting_id, speaker)
        rows = line.ordered(session, meeting_id)
        index = line.index_of(rows, after) if after is not None else -1
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
        fresh = Line(
            number=line.next_number(session, meeting_id), start=start, end=max(start, end),
            text=cleaned, speaker=speaker if speaker is not None else (
                previous.speaker_key if previous is not None else None),
            edited=True, avg_logprob=None, no_speech_prob=None, source=None, gap=False,
            words=[])
        line.write(session, meeting_id, [fresh], [])
        return _record(session, meeting, "insert", [], [fresh])


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
        return _hits(line.ordered(session, meeting_id), pattern)


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
        rows = line.ordered(session, meeting_id)
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
        states = dict(zip(by_line, line.snapshots(session, [by_number[n] for n in by_line]),
                          strict=True))
        before, after = [], []
        for number, line_hits in by_line.items():
            state = states[number]
            words = [w.text for w in state["words"]]
            if only is None:
                text, words, _ = correct(state["text"], words, meeting.language,
                                         [Rule(query, replacement, pattern)])
            else:
                old = state["text"]
                spans = sorted((hit.start, hit.end) for hit in line_hits)
                pieces, position = [], 0
                for start, end in spans:
                    pieces += [old[position:start], replacement]
                    position = end
                text = "".join(pieces) + old[position:]
                if separator.join(words) == old:  # (else the words no longer spell it)
                    words = share_out(words, separator, spans, replacement)
            if not text.strip():
                raise EditError(f"Line {number} would be left empty; delete it instead.")
            if len(text) > limits.LINE:  # nothing is changed: all the hits or none
                raise EditError(f"Line {number} would be longer than {limits.LINE} characters; "
                                "nothing was replaced.")
            before.append(state)
            after.append(Line(**{**state, "text": text, "edited": True, "words": [
                w._replace(text=new) for w, new in zip(state["words"], words, strict=True)]}))
        line.write(session, meeting_id, after, [])
        return _record(session, meeting, "replace", before, after)


def remember_correction(engine: Engine, meeting_id: str, query: str,
                        replacement: str) -> Entry:
    """Keep a replacement as a dictionary correction for later meetings in this meeting's
    language."""
    with session_scope(engine) as session:
        language = repository.get_meeting_row(session, meeting_id).language or ""
    return add_entry(engine, "correction", query, replacement, language)


def undo_lines(session: Session, meeting: MeetingRow, edit: EditRow) -> None:
    """Undo an entry of kind `lines` (merge, split, delete, insert, replace, a range given
    to a speaker)."""
    line.put_back(session, meeting.id, edit.before["lines"], edit.after["lines"])
    # citations go back only to items no one changed since; the others still cite
    # lines that exist (the merged line), or a line that came back uncited
    if edit.after["minutes"] is not None:
        _cite_again(session, meeting, edit.before["minutes"], edit.after["minutes"])
    # a line the undone change had made (inserted, split off) is gone again: items
    # citing it lose that citation and are flagged (never pointed at another line)
    gone = ({s["number"] for s in edit.after["lines"]}
            - {s["number"] for s in edit.before["lines"]})
    _uncite(session, meeting, gone)


__all__ = [
    "MAX_HITS", "Hit", "check_version", "delete_line", "edit_segment", "find", "insert_line",
    "merge_with_next", "remember_correction", "replace", "split_line", "undo_lines",
    "undo_segment",
]
