"""The dictionary's correction rules applied to a stored meeting: every line no person edited
is corrected by the rules for its language, each changed line one entry of the history
(kind `dictionary`, the line before and after as `edits.line` keeps lines, and the rules
that made the change), which undo puts back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gijiroku import limits
from gijiroku.dictionary import builtin_entries, correct, own_entries, rules_for
from gijiroku.edits import line
from gijiroku.edits.history import record
from gijiroku.edits.line import Line
from gijiroku.errors import EditConflictError
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import EditRow, MeetingRow, SegmentRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Change:
    number: int
    before: str
    after: str
    rules: list[tuple[str, str]]


def apply_dictionary(engine: Engine, meeting_id: str) -> list[Change]:
    """Apply the correction rules to the meeting's lines that no person edited; each changed
    line is one entry of the meeting's history (kind `dictionary`), which undo puts back."""
    with session_scope(engine) as session:
        meeting = repository.get_meeting_row(session, meeting_id)
        rules = rules_for([*own_entries(session), *builtin_entries()], meeting.language)
        if not rules:
            return []
        changes: list[Change] = []
        corrected: list[Line] = []
        segments = session.exec(
            select(SegmentRow).where(SegmentRow.meeting_id == meeting_id,
                                     col(SegmentRow.edited).is_(False))
            .order_by(col(SegmentRow.number))).all()
        for segment in segments:
            if not any(rule.pattern.search(segment.text) for rule in rules):
                continue  # most lines: no words to read
            before = line.snapshot(session, segment)
            text, words, used = correct(before["text"], [w.text for w in before["words"]],
                                        meeting.language, rules)
            if not used:
                continue
            if len(text) > limits.LINE:  # rules that would grow the line past its limit
                log.warning("meeting %s: line %d left as it is: the dictionary's corrections "
                            "would make it longer than %d characters", meeting_id,
                            segment.number, limits.LINE)
                continue
            # a word a rule rewrote is no longer doubtful: a rule someone wrote chose it
            after = Line(**{**before, "text": text, "words": [
                w if w.text == new else w._replace(text=new, doubtful=False)
                for w, new in zip(before["words"], words, strict=True)]})
            pairs = [(rule.heard, rule.meant) for rule in used]
            record(session, meeting_id, "dictionary", str(segment.number), before,
                   {**after, "rules": [list(p) for p in pairs]},
                   touch=False)  # (once for all the lines, below)
            corrected.append(after)
            changes.append(Change(segment.number, before["text"], text, pairs))
        if corrected:
            line.write(session, meeting_id, corrected, [])
            repository.update_meeting(session, meeting_id)
        return changes


def undo_line(session: Session, meeting: MeetingRow, edit: EditRow) -> None:
    """Undo an entry of kind `dictionary`: the line as it was, if still as the rules left it."""
    if "number" in edit.before:
        after = {k: v for k, v in edit.after.items() if k != "rules"}
        line.put_back(session, meeting.id, [edit.before], [after])  # type: ignore[list-item]
        return
    # written before lines had one shape: the text and the words' texts (and their marks)
    row = line.row_of(session, meeting.id, int(edit.target))
    words = repository.word_rows(session, row.id)
    if {"text": row.text, "words": [w.text for w in words]} != {
            "text": edit.after["text"], "words": edit.after["words"]}:
        raise EditConflictError(
            "This was changed again after that edit; undo the later edit first.")
    row.text = edit.before["text"]
    session.add(row)
    for word, text in zip(words, edit.before["words"], strict=False):
        word.text = text
        session.add(word)
    for word, doubtful in zip(words, edit.before.get("doubtful", ()), strict=False):
        word.doubtful = doubtful


__all__ = ["Change", "apply_dictionary", "undo_line"]
