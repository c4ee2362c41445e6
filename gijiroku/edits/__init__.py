"""The editing core: every change a person (or a dictionary rule) makes to a stored meeting,
organised by subject, each one entry of the meeting's history that can be seen and undone.

Modules:
- `line`: the one typed model of a line and its words (`Line`, `Word`), read from the
  database (`snapshots`) and written back (`write`), and put back by undo (`put_back`).
  Every change that touches lines goes through it.
- `history`: the registry of entry kinds (`KINDS`: payload, whether it can be undone, the
  sentence a clerk reads in Japanese and English) and `record`, the one way an entry is made.
- `transcript`: a line's text and speaker, line surgery (merge, split, delete, insert),
  find and replace; citations of the minutes follow the lines.
- `speakers`: name, add, merge speakers; a range of lines given to one.
- `marks`: withdrawn remarks, closed sessions and personal information marked on lines
  (where marks go when lines change: `gijiroku.marks`).
- `people`: a speaker confirmed as a roster person, their voice kept as a voiceprint.
- `minutes`: decisions and action items as rows with stable ids and versions.
- `facts`: the meeting's title, date, place, kind, start time, summary and agenda.
- `record`: the council's record (会議録): body, session, attendance, signing members, the
  proceedings as corrected.
- `corrections`: the dictionary's rules applied to a stored meeting.
- `undo`: the history listed, and undo dispatched to the subject of each entry.

Limits on what may be typed live in `gijiroku.limits`, shared with the API and the CLI.
"""

from gijiroku.edits.corrections import Change, apply_dictionary
from gijiroku.edits.facts import FACTS, checked_facts, edit_meeting, meeting_facts
from gijiroku.edits.history import KINDS, describe, record, speaker_label, undoable
from gijiroku.edits.marks import add_mark, dismiss, remove_mark
from gijiroku.edits.minutes import (
    MINUTES_LISTS,
    MinutesList,
    add_minutes_item,
    change_minutes_item,
    check_citations,
    delete_minutes_item,
    item_state,
    patch_minutes_item,
)
from gijiroku.edits.people import Enrolled, enrol
from gijiroku.edits.record import (
    correct_proceedings,
    edit_record,
    meeting_proceedings,
    meeting_record,
    tidy_suggestions,
)
from gijiroku.edits.speakers import add_speaker, merge_speakers, rename_speaker, set_speaker
from gijiroku.edits.transcript import (
    MAX_HITS,
    Hit,
    check_version,
    delete_line,
    edit_segment,
    find,
    insert_line,
    merge_with_next,
    remember_correction,
    replace,
    split_line,
)
from gijiroku.edits.undo import edited_segments, history_of, undo

__all__ = [
    "FACTS",
    "KINDS",
    "MAX_HITS",
    "MINUTES_LISTS",
    "Change",
    "Enrolled",
    "Hit",
    "MinutesList",
    "add_mark",
    "add_minutes_item",
    "add_speaker",
    "apply_dictionary",
    "change_minutes_item",
    "check_citations",
    "check_version",
    "checked_facts",
    "correct_proceedings",
    "delete_line",
    "delete_minutes_item",
    "describe",
    "dismiss",
    "edit_meeting",
    "edit_record",
    "edit_segment",
    "edited_segments",
    "enrol",
    "find",
    "history_of",
    "insert_line",
    "item_state",
    "meeting_facts",
    "meeting_proceedings",
    "meeting_record",
    "merge_speakers",
    "merge_with_next",
    "patch_minutes_item",
    "record",
    "remember_correction",
    "remove_mark",
    "rename_speaker",
    "replace",
    "set_speaker",
    "speaker_label",
    "split_line",
    "tidy_suggestions",
    "undo",
    "undoable",
]
