"""The text exports of an `ExportDocument`: Markdown minutes, and SRT and WebVTT subtitles
whose cues carry the speaker, keep to two short lines, and break Japanese only between the
recogniser's words (or at punctuation when a person retyped the line)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gijiroku.domain import join_words
from gijiroku.export.document import (
    ExportDocument,
    Line,
    clock,
    facts,
    printable,
    refs,
    tidy_text,
)
from gijiroku.limits import LINE_BREAKS

MAX_CUE_SECONDS = 7.0
MAX_LINES = 2


def line_width(language: str | None) -> int:
    """Characters per subtitle line: Japanese glyphs are twice as wide as Latin letters."""
    return 20 if language == "ja" else 42


@dataclass(slots=True)
class Cue:
    start: float
    end: float
    speaker: str
    lines: list[str]


def wrap(pieces: list[str], language: str | None, width: int,
         first_width: int | None = None) -> list[str]:
    """Pieces (words, or phrases of a retyped line) into lines of at most `width` characters
    (`first_width` for the first, which carries the speaker); only a piece longer than a
    whole line is cut."""
    lines: list[str] = []
    current: list[str] = []

    def limit() -> int:
        return first_width if first_width is not None and not lines else width

    for piece in pieces:
        trial = join_words([*current, piece], language)
        if current and len(trial) > limit():
            lines.append(join_words(current, language))
            current = []
        while len(piece) > limit():  # one overlong piece: cut it, nothing better exists
            lines.append(piece[:limit()])
            piece = piece[len(lines[-1]):]
        current.append(piece)
    if current:
        lines.append(join_words(current, language))
    return [line for line in lines if line]


def first_line_width(speaker: str, width: int) -> int:
    """Room left on a cue's first line after the speaker's name ("Name: " or "(名前)")."""
    return max(width - len(speaker) - 2, width // 2) if speaker else width


def _phrases(text: str, language: str | None) -> list[str]:
    if language == "ja":  # after punctuation; a retyped line has no word boundaries
        return [p for p in re.split(r"(?<=[、。!?！？])", text) if p]
    return text.split()


def cues_of(line: Line, document: ExportDocument) -> list[Cue]:
    """One line of the transcript as one or more cues of at most two lines and 7 s."""
    language = document.transcript_language
    width = line_width(language)
    if not line.words:  # retyped: split the text, share the time by length
        rows = wrap(_phrases(line.text, language), language, width,
                    first_line_width(line.speaker, width))
        groups = [rows[i:i + MAX_LINES] for i in range(0, len(rows), MAX_LINES)] or [[]]
        total = sum(len("".join(g)) for g in groups) or 1
        cues, start = [], line.start
        for group in groups:
            share = (line.end - line.start) * len("".join(group)) / total
            cues.append(Cue(start, start + share, line.speaker, group))
            start += share
        return cues
    cues = []
    chunk: list[tuple[float, float, str]] = []
    for word in line.words:
        trial = [*chunk, word]
        fits = len(wrap([w[2] for w in trial], language, width,
                        first_line_width(line.speaker, width))) <= MAX_LINES
        if chunk and (not fits or word[1] - chunk[0][0] > MAX_CUE_SECONDS):
            cues.append(_cue(chunk, line.speaker, document, width))
            chunk = []
        chunk.append(word)
    if chunk:
        cues.append(_cue(chunk, line.speaker, document, width))
    return [cue for cue in cues if cue.lines]


def _cue(words: list[tuple[float, float, str]], speaker: str, document: ExportDocument,
         width: int) -> Cue:
    language = document.transcript_language
    text = printable(tidy_text(join_words([w[2] for w in words], language), language,
                               document.cleanup))
    pieces = text.split() if language != "ja" else _ja_pieces(words, text)
    return Cue(words[0][0], words[-1][1], speaker,
               wrap(pieces, language, width, first_line_width(speaker, width)))


def _ja_pieces(words: list[tuple[float, float, str]], text: str) -> list[str]:
    """The recogniser's words found again in the cue's text (after clean-up took fillers and
    unprintable characters out), in order; text between them kept as its own piece."""
    pieces, position = [], 0
    for _, _, word in words:
        at = text.find(word, position)
        if at >= 0:
            if at > position:
                pieces.append(text[position:at])
            pieces.append(word)
            position = at + len(word)
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def all_cues(document: ExportDocument) -> list[Cue]:
    return [cue for line in document.lines for cue in cues_of(line, document)]


def one_line(text: str) -> str:
    """Line breaks folded into spaces: a subtitle cue ends at a blank line, and a Markdown
    line break inside a name or a line would start a heading, a list or a table row."""
    return LINE_BREAKS.sub(" ", text)


def _srt_safe(text: str) -> str:
    """SRT has no escapes, and players read <i>, <font ...> and {\\an8} in it as markup:
    what was said is shown with look-alike full-width brackets instead."""
    return one_line(text).replace("<", "＜").replace(">", "＞").replace("{\\", "｛\\")


def to_srt(document: ExportDocument) -> str:
    blocks = []
    for number, cue in enumerate(all_cues(document), start=1):
        lines = [_srt_safe(line) for line in cue.lines]
        if cue.speaker:
            speaker = _srt_safe(cue.speaker)
            lines[0] = (f"({speaker}){lines[0]}" if document.language == "ja"
                        else f"{speaker}: {lines[0]}")
        blocks.append(f"{number}\n{clock(cue.start, decimals=3, comma=True)} --> "
                      f"{clock(cue.end, decimals=3, comma=True)}\n" + "\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _vtt_escape(text: str) -> str:
    return one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(document: ExportDocument) -> str:
    blocks = ["WEBVTT"]
    for cue in all_cues(document):
        body = "\n".join(_vtt_escape(line) for line in cue.lines)
        if cue.speaker:
            body = f"<v {_vtt_escape(cue.speaker)}>{body}"
        blocks.append(f"{clock(cue.start, decimals=3)} --> "
                      f"{clock(cue.end, decimals=3)}\n{body}")
    return "\n\n".join(blocks) + "\n"


def _md(text: str) -> str:
    """Text that Markdown shows as written, on one line (no accidental emphasis, links,
    tables, headings or list items)."""
    escaped = re.sub(r"([\\`*\[\]<>|#])", r"\\\1", one_line(text))
    return re.sub(r"^(\s*)([-+=]|\d+[.)])", r"\1\\\2", escaped)  # (at the start of a line)


def to_markdown(document: ExportDocument) -> str:
    h = document.headings
    out = [f"# {_md(document.title)}", ""]
    out += [f"- **{label}**: {_md(value)}" for label, value in facts(document, ", ")]
    if document.notes:
        out += ["", f"## {h['notes']}", ""] + [f"- {_md(n)}" for n in document.notes]
    if document.summary:  # its paragraphs as paragraphs
        out += ["", f"## {h['summary']}"]
        for paragraph in LINE_BREAKS.split(document.summary):
            if paragraph.strip():
                out += ["", _md(paragraph)]
    if document.topics:
        out += ["", f"## {h['topics']}", ""] + [f"- {_md(t)}" for t in document.topics]
    out += ["", f"## {h['decisions']}", ""]
    out += [f"{i}. {'※ ' if flagged else ''}{_md(text)}{_cites(lines, h)}"
            for i, (text, lines, flagged) in enumerate(document.decisions, start=1)] \
        or [h["none"]]
    out += ["", f"## {h['action_items']}", ""]
    if document.action_items:
        out += [f"| {h['task']} | {h['owner']} | {h['due']} | {h['lines']} |",
                "| --- | --- | --- | --- |"]
        out += [f"| {'※ ' if a.flagged else ''}{_md(a.task)} | {_md(a.owner) or '–'} | "
                f"{_md(a.due) or '–'} | {refs(a.lines) or '–'} |"
                for a in document.action_items]
    else:
        out.append(h["none"])
    if document.with_transcript:
        out += ["", f"## {h['transcript']}", ""]
        out += [f"**[{clock(line.start)}] {_md(line.speaker) or '–'}** (#{line.number}): "
                f"{_md(line.text)}  " for line in document.lines]
    if document.marks:
        out += ["", f"## {h['marks']}", ""] + [f"- {_md(m)}" for m in document.marks]
    return "\n".join(out).rstrip() + "\n"


def _cites(lines: list[int], headings: dict[str, str]) -> str:
    return f" ({headings['lines']}: {refs(lines)})" if lines else ""
