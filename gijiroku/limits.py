"""How long what a person types may be: one table that the core, the API's schemas, the
pages (templates and scripts, through `FOR_PAGES`) and the CLI all read.

Text over its limit is refused with the limit named (`text_too_long`, 422 at the API, exit
code 2 in the CLI), never cut short silently; every door (upload, watched folder, CLI,
PATCH) checks the same rule with `checked_text`.
"""

from __future__ import annotations

import re

from gijiroku.errors import InvalidInputError

#: a meeting's title
TITLE = 200
#: a short name: a speaker's name, an owner, a due date as said, a place, a dictionary note
NAME = 200
#: a transcript line
LINE = 20_000
#: the meeting's summary
SUMMARY = 5000
#: agenda items, and the length of each
AGENDA_ITEMS = 50
AGENDA_ITEM = 200
#: a decision's text, an action item's task
ITEM = 5000
#: text to find, its replacement, a search query
FIND = 200
#: a dictionary entry: a term, or what is misheard and what is meant
DICTIONARY = 100

#: What the pages need (maxlength of their fields), by name.
FOR_PAGES = {"title": TITLE, "name": NAME, "line": LINE, "summary": SUMMARY,
             "agenda_item": AGENDA_ITEM, "item": ITEM, "find": FIND,
             "dictionary": DICTIONARY}


#: Characters that reorder the text around them (U+202E makes "gnp.exe" read "exe.png"):
#: dropped from whatever a person types, and from every export.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Line breaks of every kind, which a name or a title cannot hold.
LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")


def checked_text(value: object, field: str, limit: int, *, required: bool = False,
                 one_line: bool = False) -> str:
    """`value` stripped and without bidirectional controls, refused when empty (if
    `required`), longer than `limit`, or (if `one_line`: names, titles) holding a line
    break."""
    text = BIDI_CONTROLS.sub("", str(value or "")).strip()
    if one_line and LINE_BREAKS.search(text):
        raise InvalidInputError(f"{field} must be one line (it holds a line break).",
                                code="text_has_line_break", field=field)
    if required and not text:
        raise InvalidInputError(f"{field} cannot be empty.", code="text_empty", field=field)
    if len(text) > limit:
        raise InvalidInputError(f"{field} is longer than {limit} characters.",
                                code="text_too_long", field=field, limit=limit)
    return text


__all__ = ["AGENDA_ITEM", "AGENDA_ITEMS", "BIDI_CONTROLS", "DICTIONARY", "FIND", "FOR_PAGES",
           "ITEM", "LINE", "LINE_BREAKS", "NAME", "SUMMARY", "TITLE", "checked_text"]
