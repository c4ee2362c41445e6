"""整文 suggestions for a Japanese record: a word said twice (「その、その件は」) and a false
start (「こ、今回の」), each offered for one line at a time for the clerk to accept or leave.
Nothing is changed silently: accepting one is an ordinary edit of the line, in the history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gijiroku.council.hearing import morphemes

#: Parts of speech a repeated word may be: what a speaker restarts on, never a particle.
_CONTENT = ("名詞", "代名詞", "動詞", "形容詞", "副詞", "連体詞", "形状詞", "接頭辞")
_PAUSE = re.compile(r"^[、,，\s]+$")
_KANA = re.compile(r"^[ぁ-んァ-ヴー]{1,2}$")


@dataclass(frozen=True, slots=True)
class Suggestion:
    proposed: str
    kinds: tuple[str, ...]  # "repeat", "false_start"


def suggest(text: str) -> Suggestion | None:
    """The line with its repeated words and false starts taken out, if it has any."""
    words = [(m.surface(), m.part_of_speech()[0], m.reading_form())
             for m in morphemes(text)]
    keep = [True] * len(words)
    kinds: list[str] = []
    for index, (surface, pos, reading) in enumerate(words):
        if not keep[index] or _PAUSE.match(surface):
            continue
        # a phrase of two words said twice: 「ただいまの、ただいまの」
        pair = [w[0] for w in words[index:index + 2]]
        if len(pair) == 2 and not _PAUSE.match(pair[1]):
            start = index + 2 + bool(index + 2 < len(words) and _PAUSE.match(words[index + 2][0]))
            if [w[0] for w in words[start:start + 2]] == pair and pos in _CONTENT:
                keep[index:start] = [False] * (start - index)
                kinds.append("repeat")
                continue
        after = index + 1
        paused = after < len(words) and bool(_PAUSE.match(words[after][0]))
        after += paused  # 「その、その」: the pause between goes with the first
        if after >= len(words):
            continue
        following = words[after]
        if surface == following[0] and pos in _CONTENT and (paused or len(surface) >= 2):
            keep[index:after] = [False] * (after - index)
            kinds.append("repeat")
        elif paused and pos not in ("助詞", "助動詞") and (
                (_KANA.match(surface) and len(following[2]) > len(reading)
                 and following[2].startswith(reading))  # 「こ、今回」
                or (len(following[0]) > len(surface) and following[0].startswith(surface))):
            keep[index:after] = [False] * (after - index)  # 「市、市民」
            kinds.append("false_start")
    if not kinds:
        return None
    return Suggestion("".join(w[0] for w, kept in zip(words, keep, strict=True) if kept),
                      tuple(dict.fromkeys(kinds)))


__all__ = ["Suggestion", "suggest"]
