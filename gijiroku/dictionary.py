"""The dictionary (辞書), one per installation: terms to recognise and correction rules.

- Terms (councillors' names, place names, bill titles, department names) are given to Whisper
  as hotwords for new meetings. Only a short list helps (see `transcribe.HOTWORD_BUDGET`), so
  terms are taken in order: the meeting's own hotwords, then the installation's terms, then
  the built-in ones, as long as the budget lasts.
- Correction rules (what is misheard -> what is meant, e.g. 意義なし -> 異議なし) are applied to
  the stored lines after speakers are found, each change kept in the meeting's history with
  the rules that made it, so a person sees it and can undo it. Lines a person edited are
  never touched. Applying again to a stored meeting uses the rules as they are now.

A built-in Japanese council vocabulary (`vocabulary/council-ja.toml`) applies beside the
installation's own entries; an installation's rule for the same misheard text wins.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from gijiroku import audit, limits
from gijiroku.domain import NO_SPACE_LANGUAGES
from gijiroku.errors import InvalidInputError, NotFoundError
from gijiroku.limits import checked_text
from gijiroku.storage import session_scope
from gijiroku.storage.tables import DictionaryEntryRow

Kind = Literal["term", "correction"]
KINDS: tuple[Kind, ...] = ("term", "correction")
BUILTIN = Path(__file__).parent / "vocabulary" / "council-ja.toml"
MAX_TEXT = limits.DICTIONARY

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Entry:
    id: int | None  # None: built in
    kind: Kind
    text: str  # the term, or what is misheard
    replacement: str | None  # what is meant (corrections)
    language: str  # "" for every language
    note: str = ""

    @property
    def builtin(self) -> bool:
        return self.id is None

    def applies_to(self, language: str | None) -> bool:
        """None: the meeting's language is not known yet (auto)."""
        return not self.language or language is None or self.language == language


@lru_cache(maxsize=1)
def _builtin() -> dict[str, Any]:
    return tomllib.loads(BUILTIN.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def builtin_entries() -> tuple[Entry, ...]:
    data = _builtin()
    terms = [Entry(None, "term", text, None, "ja") for text in data["terms"]]
    rules = [Entry(None, "correction", item["heard"], item["meant"], "ja", item.get("note", ""))
             for item in data["corrections"]]
    return (*terms, *rules)


def _entry(row: DictionaryEntryRow) -> Entry:
    kind: Kind = "term" if row.kind == "term" else "correction"
    return Entry(row.id, kind, row.text, row.replacement, row.language, row.note)


def own_entries(session: Session) -> list[Entry]:
    rows = session.exec(select(DictionaryEntryRow).order_by(col(DictionaryEntryRow.id))).all()
    return [_entry(row) for row in rows]


def entries(engine: Engine) -> list[Entry]:
    """The installation's entries (in the order added), then the built-in ones."""
    with session_scope(engine) as session:
        return [*own_entries(session), *builtin_entries()]


def _clean(value: str | None, what: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise InvalidInputError(f"The {what} cannot be empty.")
    if len(text) > MAX_TEXT:
        raise InvalidInputError(f"The {what} is longer than {MAX_TEXT} characters.")
    return text


def add_entry(engine: Engine, kind: str, text: str, replacement: str | None = None,
              language: str = "ja", note: str = "") -> Entry:
    """Add a term or a correction rule to the installation's dictionary."""
    if kind not in KINDS:
        raise InvalidInputError(f"Unknown dictionary entry kind {kind!r} (term or correction).")
    text = _clean(text, "term" if kind == "term" else "misheard text")
    language = (language or "").strip().lower()
    if language and not re.fullmatch(r"[a-z]{2,3}", language):
        raise InvalidInputError("The language is a code such as 'ja' or 'en', or empty for all.")
    if kind == "correction":
        replacement = _clean(replacement, "correct text")
        if text in replacement:
            raise InvalidInputError(
                f"{replacement!r} contains {text!r}: the rule would change its own result "
                "again each time it is applied.")
        _refuse_chains(engine, text, replacement, language)
    else:
        replacement = None
    row = DictionaryEntryRow(kind=kind, text=text, replacement=replacement, language=language,
                             note=" ".join(checked_text(note, "note", limits.NAME).split()))
    try:
        with session_scope(engine) as session:
            session.add(row)
            session.flush()
            audit.append(session, "dictionary_added", "dictionary", str(row.id),
                         {"kind": kind, "text": text, "replacement": replacement,
                          "language": language})
            return _entry(row)
    except IntegrityError as exc:
        raise InvalidInputError(f"{text!r} is already in the dictionary as a {kind}.") from exc


def _refuse_chains(engine: Engine, heard: str, meant: str, language: str) -> None:
    """A rule whose result another rule for the same meetings would change again (or the
    other way round) is refused: applied together, two such rules grow every line they
    touch each time (`.` → `!!!`, then `!` → `???`)."""
    for other in [*entries(engine), *builtin_entries()]:
        if other.kind != "correction" or not other.replacement:
            continue
        if language and other.language and other.language != language:
            continue  # never applied to the same meeting
        if other.text in meant or heard in other.replacement:
            raise InvalidInputError(
                f"The rule {heard!r} -> {meant!r} and the rule {other.text!r} -> "
                f"{other.replacement!r} would change each other's results; change or remove "
                "one of them first.")


def remove_entry(engine: Engine, entry_id: int) -> Entry:
    with session_scope(engine) as session:
        # ids beyond a database integer cannot exist (and must not reach the driver)
        row = session.get(DictionaryEntryRow, entry_id) if 0 < entry_id < 2**31 else None
        if row is None:
            raise NotFoundError(f"No dictionary entry {entry_id} (built-in entries cannot be "
                                "removed; add a rule that corrects them instead).")
        session.delete(row)
        audit.append(session, "dictionary_removed", "dictionary", str(entry_id),
                     {"kind": row.kind, "text": row.text, "replacement": row.replacement})
        return _entry(row)


# -- terms, for Whisper ------------------------------------------------------------------------


def _terms(entries: Iterable[Entry]) -> tuple[tuple[str, str], ...]:
    return tuple((e.language, e.text) for e in entries if e.kind == "term")


def terms(session: Session) -> tuple[tuple[str, str], ...]:
    """(language, term) for Whisper, the installation's first, then the built-in ones; the
    transcriber takes those of the recording's language within its hotword budget."""
    return _terms([*own_entries(session), *builtin_entries()])


def builtin_terms() -> tuple[tuple[str, str], ...]:
    """(language, term) of the built-in vocabulary alone: what a new installation gives
    Whisper (the benchmarks and tests transcribe with them as a meeting would)."""
    return _terms(builtin_entries())


def listen_for() -> tuple[tuple[str, str], ...]:
    """(language, word) of the built-in words a misheard word is checked against to be
    underlined (never given to Whisper: see the vocabulary file)."""
    return tuple(("ja", word) for word in _builtin().get("listen_for", ()))


# -- correction rules, on stored lines ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    heard: str
    meant: str
    pattern: re.Pattern[str]


def rules_for(all_entries: list[Entry], language: str | None) -> list[Rule]:
    """The correction rules for a meeting in `language`; an installation's rule replaces a
    built-in one for the same misheard text. Longer misheard texts go first."""
    chosen: dict[str, Entry] = {}
    for entry in all_entries:  # own entries come first and win
        if entry.kind == "correction" and entry.applies_to(language):
            chosen.setdefault(entry.text, entry)
    rules = []
    for heard, entry in sorted(chosen.items(), key=lambda item: -len(item[0])):
        # Latin words match whole ("Sato", not inside "Satoko"); Japanese text anywhere
        left = r"\b" if heard[0].isascii() and heard[0].isalnum() else ""
        right = r"\b" if heard[-1].isascii() and heard[-1].isalnum() else ""
        rules.append(Rule(heard, entry.replacement or "",
                          re.compile(left + re.escape(heard) + right)))
    return rules


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for `re.sub` that is only ever `text` itself."""
    return lambda _match: text


def correct(text: str, words: list[str], language: str | None,
            rules: list[Rule]) -> tuple[str, list[str], list[Rule]]:
    """A line's text and its words' texts after the rules, and the rules that changed them.
    Words keep their number and times: a replacement is shared out over the words it covers,
    so the words still spell the line."""
    used: list[Rule] = []
    separator = "" if language in NO_SPACE_LANGUAGES else " "
    for rule in rules:
        if not rule.pattern.search(text):
            continue
        # the replacement is text, never a template: \\1, \\g<0> or C:\\new stay as typed
        text = rule.pattern.sub(_literal(rule.meant), text)
        used.append(rule)
        spans = [m.span() for m in rule.pattern.finditer(separator.join(words))]
        words = share_out(words, separator, spans, rule.meant)
    return text, words, used


def share_out(words: list[str], separator: str, spans: list[tuple[int, int]],
              meant: str) -> list[str]:
    """The words after `meant` replaced each span (start, end) of their joined text, in
    order and not overlapping: each word covering part of a span gets the matching share of
    `meant`, so the words keep their number (and times) and still spell the line. One pass
    over the words and the spans: linear in the line's length, however many spans."""
    result: list[str] = []
    cursor, at = 0, 0  # where the word starts in the joined text; the first span not done
    for word in words:
        lo, hi = cursor, cursor + len(word)
        pieces, position = [], lo
        while at < len(spans) and spans[at][0] < hi:
            start, end = spans[at]
            a, b = max(position, start), min(hi, end)
            if a < b:
                # this word holds characters [a, b) of the span: give it the matching share
                first = round((a - start) * len(meant) / (end - start))
                last = round((b - start) * len(meant) / (end - start)) if b < end else len(meant)
                pieces.append(word[position - lo:a - lo])
                pieces.append(meant[first:last])
                position = b
            if end > hi:
                break  # the span goes on into the next word
            at += 1
        pieces.append(word[position - lo:])
        result.append("".join(pieces))
        cursor = hi + len(separator)
    return result


__all__ = [
    "KINDS", "Entry", "Rule", "add_entry", "builtin_entries",
    "correct", "entries", "remove_entry", "rules_for", "share_out", "terms",
]
