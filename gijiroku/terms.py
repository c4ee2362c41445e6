"""The terms a line's text is indexed by for full-text search, and the terms a word of a
query must find (`gijiroku.search` explains the scheme). Pure functions: the storage layer
computes a line's terms whenever the line is written."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def _japanese(char: str) -> bool:
    """Kanji, kana, the long-vowel mark and 々: written without spaces."""
    code = ord(char)
    return (0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
            or 0xF900 <= code <= 0xFAFF or 0x31F0 <= code <= 0x31FF or code == 0x3005
            or 0x20000 <= code <= 0x2FA1F)


def normal(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def runs(value: str) -> list[tuple[bool, str]]:
    """(japanese, run) in order: runs of kanji and kana, and runs of other letters and digits;
    everything else separates them."""
    found: list[tuple[bool, str]] = []
    kind: bool | None = None
    current: list[str] = []
    for char in normal(value):
        here: bool | None = True if _japanese(char) else False if char.isalnum() else None
        if here != kind and current:
            found.append((bool(kind), "".join(current)))
            current = []
        kind = here
        if here is not None:
            current.append(char)
    if current:
        found.append((bool(kind), "".join(current)))
    return found


def _run_terms(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def section_term(section_id: int | None) -> str:
    """The term every line of a section's meetings is indexed with (`gjsection0`: a meeting
    of no section), so the index itself keeps a search to the person's sections."""
    return f"gjsection{section_id or 0}"


def index_terms(value: str, section_id: int | None) -> str:
    """What the database indexes for a line's text (space-separated terms), in a meeting of
    `section_id`."""
    terms: list[str] = []
    for japanese, run in runs(value):
        terms.extend(_run_terms(run) if japanese else [run])
    terms.append(section_term(section_id))
    return " ".join(terms)


@dataclass(frozen=True, slots=True)
class Phrase:
    """Terms that must follow each other; the last may be a prefix."""

    terms: tuple[str, ...]
    prefix: bool
    said: str  # the words as typed, for highlighting

    def fts5(self) -> str:
        body = " + ".join(f'"{t}"' for t in self.terms)
        return body + ("*" if self.prefix else "")

    def tsquery(self) -> str:
        parts = [f"'{t}'" for t in self.terms]
        if self.prefix:
            parts[-1] += ":*"
        return " <-> ".join(parts)


def phrase(words: str) -> Phrase | None:
    """The terms a word or phrase of a query must find (None: nothing searchable in it)."""
    prefix = words.endswith("*")
    pieces = runs(words.rstrip("*"))
    terms: list[str] = []
    for at, (japanese, run) in enumerate(pieces):
        last = at == len(pieces) - 1
        if not japanese:
            terms.append(run)
        elif len(run) == 1:
            terms.append(run)
            prefix = prefix or last  # a single last character: also the start of a pair
        else:
            pairs = [run[i:i + 2] for i in range(len(run) - 1)]
            terms.extend(pairs if last else [*pairs, run[-1]])
    if not terms:
        return None
    return Phrase(tuple(terms), prefix, words.rstrip("*"))



__all__ = ["Phrase", "index_terms", "normal", "phrase", "runs", "section_term"]
