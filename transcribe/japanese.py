"""Readable Japanese from Whisper's output: real words, punctuation, lines that are sentences.

Whisper writes Japanese as sub-word pieces (「操」「作」「支」「援」), leaves a space where 、 or 。
belongs (「…開会いたします 本日の議題は…」), and ends its segments wherever its 30-second
windows happen to fall. Here, with Sudachi's morphological analysis (sudachidict-core, offline):
- the pieces of one word become one `Word`, so a later split between speakers or subtitle
  lines never cuts a word in two;
- a filler (えー, ええ, あのー; まあ opening a sentence) is followed by 、;
- a space, or a segment end, after a sentence-final form (…ます, …です, …た, a final particle)
  becomes 。 (？ after the question particle か), a space elsewhere becomes 、, and a segment end
  followed by a pause becomes 。;
- segments are cut after every sentence end and joined where a sentence ran across Whisper's
  segment boundary, so each line is one or more whole sentences (never longer than 30 s).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from gijiroku.domain import Segment, Word

_VOICED = str.maketrans("ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ",
                        "カキクケコサシスセソタチツテトハヒフヘホハヒフヘホウ")
_SMALL = str.maketrans("ァィゥェォャュョヮッ", "アイウエオヤユヨワツ")
_O_ROW = set("オコソトノホモヨロヲゴゾドボポョ")
_U_ROW = set("ウクスツヌフムユルグズヅブプュ")
_E_ROW = set("エケセテネヘメレゲゼデベペ")


def flatten(kana: str) -> str:
    """Katakana as mishearings blur it: long vowels dropped, then voicing and small kana."""
    out: list[str] = []
    previous = ""
    for char in kana:
        long = char == "ー" or (char == "ウ" and (previous in _O_ROW or previous in _U_ROW)) \
            or (char == "オ" and previous in _O_ROW) or (char == "イ" and previous in _E_ROW)
        if not long:
            out.append(char)
        previous = char
    return "".join(out).translate(_VOICED).translate(_SMALL)


SENTENCE_ENDS = "。？！?!"
#: Words that are fillers when they open a sentence (まあ、…), whatever else they can be.
OPENING_FILLERS = ("まあ", "まぁ")
PUNCTUATION = SENTENCE_ENDS + "、，,."
#: A pause this long after a segment ends closes its sentence even without a final form.
PAUSE_ENDS_SENTENCE = 0.5
#: Lines joined across Whisper's segment boundaries stay at most this long.
MAX_LINE_SECONDS = 30.0


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """Sudachi (core dictionary, longest words), loaded once for the process."""
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


@dataclass(slots=True)
class _Morpheme:
    begin: int
    end: int
    surface: str
    final: bool  # a form that can end a sentence
    question: bool  # the question particle か (or かね, かな)
    interjection: bool = False  # えー, ええ, あのー...: said before a phrase, not part of it
    #: a phrase can end here (a particle, a conjunction, a continuative form such as 配置し)
    phrase_end: bool = False


def morphemes(text: str) -> list[_Morpheme]:
    result = []
    for m in tokenizer().tokenize(text):
        pos = m.part_of_speech()
        final = (pos[0] in ("助動詞", "動詞", "形容詞") and pos[5].startswith("終止形")) or (
            pos[0] == "助詞" and pos[1] == "終助詞")
        question = pos[1] == "終助詞" and m.surface() in ("か", "かね", "かな")
        opening = m.begin() == 0 or text[m.begin() - 1] in SENTENCE_ENDS + " "
        interjection = pos[0] == "感動詞" or (m.surface() in OPENING_FILLERS and opening)
        phrase_end = pos[0] in ("助詞", "接続詞") or pos[5].startswith("連用形")
        result.append(_Morpheme(m.begin(), m.end(), m.surface(), final, question,
                                interjection, phrase_end))
    return result


@dataclass(slots=True)
class Piece:
    text: str
    start: float
    end: float
    probability: float
    space_before: bool


def _end_mark(morpheme: _Morpheme | None) -> str | None:
    """。 or ？ if the text before can end a sentence, else None."""
    if morpheme is None:
        return None
    if morpheme.question:
        return "？"
    return "。" if morpheme.final else None


def words_of(pieces: list[Piece]) -> list[Word]:
    """Whisper's pieces of one segment merged into Sudachi's words, with 、 and 。 where a
    space stood between them."""
    # Sudachi reads the text with Whisper's spaces kept: a space is a break it respects.
    text = ""
    offsets = []
    for piece in pieces:
        if piece.space_before and text:
            text += " "
        offsets.append(len(text))
        text += piece.text
    if not text.strip():
        return []
    found = morphemes(text)
    starts = {m.begin for m in found}
    # a filler is set off by 、 (えー、電子申請の…), so clean-up can take it out whole
    after_filler = {m.end for m in found if m.interjection}
    words: list[Word] = []
    for piece, offset in zip(pieces, offsets, strict=True):
        if words and offset in after_filler and words[-1].text[-1] not in PUNCTUATION \
                and piece.text[:1] not in PUNCTUATION:
            words[-1].text += "、"
        if words and piece.space_before and words[-1].text[-1] not in PUNCTUATION:
            if words[-1].text[-1].isascii() and piece.text[:1].isascii():
                piece.text = " " + piece.text  # "Microsoft Teams" keeps its space
            else:
                words[-1].text += (_clause_end(text[:offset], text[offset:offset + 12])
                                   or _pause_mark(text[:offset]))
        if words and offset not in starts:  # the piece continues a word
            last = words[-1]
            last.text += piece.text
            last.end = max(last.end, piece.end)
            last.probability = min(last.probability, piece.probability)
        else:
            words.append(Word(piece.start, piece.end, piece.text, piece.probability))
    return words


#: Endings that close a sentence wherever they stand (a plain verb such as する may instead
#: lead into a noun: 決定する|ことに).
POLITE_ENDS = ("ます", "です", "た", "だ")


def _clause_end(text: str, following: str = "") -> str | None:
    """。 or ？ if `text` ends in a form that closes a sentence, else None. The clause is read
    on its own (what follows would change how its last word is read: 開始いたします|それでは);
    a plain verb or adjective also has to close it when read with `following`."""
    found = [m for m in morphemes(text.rstrip()) if m.surface.strip()]
    mark = _end_mark(found[-1] if found else None)
    if mark is None or mark == "？" or found[-1].surface in POLITE_ENDS or not following:
        return mark
    joined = text.rstrip() + following
    ending = [m for m in morphemes(joined) if m.end == len(text.rstrip())]
    return mark if ending and ending[-1].final else None


def _pause_mark(text: str) -> str:
    """、 where a phrase can end (after a particle, a conjunction or a continuative form such
    as 配置し), else nothing: a pause after a prefix or inside a noun phrase (ご|異議) is no
    place for a comma."""
    found = [m for m in morphemes(text.rstrip()) if m.surface.strip()]
    return "、" if found and found[-1].phrase_end else ""


def _mark_segment_end(words: list[Word], gap: float | None, following: str) -> None:
    """Close the segment's last sentence if its form or the pause after it says so."""
    if not words or words[-1].text[-1] in PUNCTUATION:
        return
    mark = _clause_end("".join(w.text for w in words), following)
    if mark is None and (gap is None or gap >= PAUSE_ENDS_SENTENCE):
        mark = "。"
    if mark:
        words[-1].text += mark


def readable(segments: list[Segment], pieces: list[list[Piece]]) -> list[Segment]:
    """The transcript's segments (with `pieces` for each, in order) as sentence lines."""
    merged: list[tuple[Segment, list[Word]]] = []
    for index, (segment, own) in enumerate(zip(segments, pieces, strict=True)):
        words = words_of(own)
        following = segments[index + 1] if index + 1 < len(segments) else None
        end = words[-1].end if words else segment.end
        _mark_segment_end(words, following.start - end if following else None,
                           following.text.strip()[:12] if following else "")
        merged.append((segment, words))

    lines: list[Segment] = []
    current: list[Word] = []
    origin: Segment | None = None

    def close() -> None:
        nonlocal current, origin
        if current and origin is not None:
            lines.append(_line(current, origin))
        current, origin = [], None

    for segment, words in merged:
        if not words:
            close()
            text = _no_spaces(segment.text)
            if text:
                lines.append(Segment(segment.start, segment.end, text, [], None, None,
                                     segment.avg_logprob, segment.no_speech_prob))
            continue
        if current and words[-1].end - current[0].start > MAX_LINE_SECONDS:
            close()  # a sentence running on for this long is cut at Whisper's boundary
        if current and current[-1].text[-1] not in PUNCTUATION:
            # Whisper's boundary inside a sentence is a pause
            current[-1].text += _pause_mark("".join(w.text for w in current))
        for word in words:
            if origin is None:
                origin = segment
            current.append(word)
            if word.text[-1] in SENTENCE_ENDS:
                close()
    close()
    return lines


def _line(words: list[Word], origin: Segment) -> Segment:
    return Segment(
        start=words[0].start,
        end=words[-1].end,
        text="".join(w.text for w in words),
        words=words,
        avg_logprob=origin.avg_logprob,
        no_speech_prob=origin.no_speech_prob,
    )


def _no_spaces(text: str) -> str:
    """Whisper's text with the spaces between Japanese characters taken out."""
    parts = text.split()
    out = parts[0] if parts else ""
    for part in parts[1:]:
        ascii_pair = out[-1:].isascii() and part[:1].isascii()
        out += (" " if ascii_pair else "") + part
    return out


def piece(text: str, start: float, end: float, probability: float) -> Piece:
    """One of Whisper's timed pieces, its leading space noted and removed."""
    return Piece(text.strip(), start, end, probability, text[:1].isspace())
