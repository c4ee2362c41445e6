"""Whether what the model wrote rests on the transcript: the words (character pairs in
Japanese) an item shares with the lines it cites, which lines are never a decision, and
which due dates were said.

Small models cite the line before or after the one that carries an item, copy a member's
question or the chair's agenda announcement as a "decision", and invent due dates. These
checks run on every answer (`summarize.checks`) and in `bench/minutes_eval.py`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from summarize.cues import sentences, settles, takes_on

#: Share of an item's words (character pairs in Japanese) that its cited lines must hold: at
#: 0.35 every reference item of bench/minutes_reference is carried by the lines it cites (a
#: clerk's item restates the line; 0.38 the lowest there), while a line copied from the
#: line before or after the one cited shares far less.
CARRIED = 0.35
#: Share with which a line anywhere in the meeting, not only near the citation, says the item.
PLAINLY = 0.6
#: English words too common to say whether a line carries an item.
COMMON = frozenset({"a", "an", "the", "to", "of", "for", "and", "or", "in", "on", "at", "by",
                    "with", "from", "is", "are", "be", "we", "i", "it", "that", "this", "will",
                    "all"})
#: Lines that are never a decision: questions, greetings, opening and closing courtesies,
#: agenda announcements.
NOT_DECISIONS = re.compile(
    r"(?:[?？]|でしょうか|ますか|ですか|ませんか)[。」]?(?:…+|⋯+|\.{3})?$|^(?:おはよう|こんにちは|お疲れさま|"
    r"本日はお集まり|ただいまから|これで|以上で|本日の議題|次に|それでは始め|.{0,15}を始めます)|"
    r"ありがとうござ(?:いました|います)。?$|"
    r"^(?:good (?:morning|afternoon|evening)|thank(?:s| you)|welcome|the (?:one )?item|"
    r"next item|the meeting is (?:closed|open))", re.IGNORECASE)
#: A motion put to the meeting asks for assent to a decision: not a question.
MOTION = re.compile(r"よろしいでしょうか|(?:ご)?異議(?:は)?(?:ありませんか|ございませんか)|"
                    r"\bany objections\b|\b(?:does )?anyone object\b|\ball in favou?r\b",
                    re.IGNORECASE)


def commitment(text: str, cited: list[int], lines: dict[int, str],
               speakers: dict[int, str | None], chair: str | None) -> bool | None:
    """Whether the item `text` is someone taking a task on (True: an action item) or the
    meeting settling something (False: a decision), judged on the sentence of the cited
    lines that carries it most, by the meeting's own formulae (`summarize.cues`: "I will",
    「承知しました」; "Agreed.", 「〜とします」); None when that sentence says neither
    (`by_speaker` then guesses)."""
    said = [(n, s) for n in cited for s in sentences(lines.get(n, ""))]
    if not said:
        return None
    line, sentence = max(said, key=lambda pair: containment(text, pair[1]))
    if settles(sentence, speakers.get(line) == chair):
        return False
    if takes_on(sentence, speakers.get(line) == chair):
        return True
    return None


def by_speaker(cited: list[int], speakers: dict[int, str | None], chair: str | None) -> bool:
    """A guess when the lines do not say: the chair, who opened the meeting, settles; anyone
    else takes a task on."""
    return bool(cited) and speakers.get(cited[0]) not in (None, chair)


@lru_cache(maxsize=4096)
def tokens(text: str) -> frozenset[str]:
    """Words for spaced languages; character pairs for Japanese (no spaces to split on).
    Kept for the texts seen last: every item is compared with the same transcript lines."""
    text = unicodedata.normalize("NFKC", text).casefold()
    words = re.findall(r"[a-z0-9]+", text)
    cjk = re.sub(r"[^\u3040-\u30ff\u4e00-\u9fff]", "", text)
    return frozenset(words) | {cjk[i:i + 2] for i in range(len(cjk) - 1)}


def numbers(text: str) -> list[str]:
    """The numbers a text names (議案第1号, 12月, "5 staff"), in order: two items that name
    different ones are different items, however alike their words."""
    return re.findall(r"[0-9]+|[〇一二三四五六七八九十百千]+", unicodedata.normalize("NFKC", text))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' tokens (0: nothing shared, 1: the same)."""
    left, right = tokens(a), tokens(b)
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def containment(item: str, lines: str) -> float:
    """The share of the item's words (character pairs in Japanese; common English words
    left out) found in `lines`."""
    wanted, held = tokens(item) - COMMON, tokens(lines)
    return len(wanted & held) / len(wanted) if wanted else 0.0


def not_a_decision(line: str) -> bool:
    """A question, greeting, courtesy or agenda announcement (a motion is none of them)."""
    line = line.strip()
    return bool(NOT_DECISIONS.search(line)) and not MOTION.search(line)


def grounded(text: str, cited: list[int], lines: dict[int, str],
             reach: int = 2) -> tuple[list[int], bool]:
    """The citations of an item whose `text` the lines `cited` should carry: kept when they
    do; else moved to the line within `reach` of them that carries it best (a small model's
    off-by-one), or to the line anywhere that plainly says it (`PLAINLY`); else kept, and
    the item is not grounded (it must be flagged)."""
    if cited and containment(text, " ".join(lines.get(n, "") for n in cited)) >= CARRIED:
        return cited, True
    near = sorted({n + step for n in cited for step in range(-reach, reach + 1)} & set(lines))
    best = max(near, key=lambda n: containment(text, lines[n]), default=None)
    if best is not None and containment(text, lines[best]) >= CARRIED:
        return [best], True
    # cited far off: the one line anywhere that plainly says it (a stricter share)
    anywhere = max(lines, key=lambda n: containment(text, lines[n]), default=None)
    if anywhere is not None and containment(text, lines[anywhere]) >= PLAINLY:
        return [anywhere], True
    return cited, False


_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                 "八": 8, "九": 9}


def _number(text: str) -> int | None:
    """12, １２ or 十二 as a number (up to 99)."""
    text = unicodedata.normalize("NFKC", text)
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _KANJI_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in text))
    tens, _, ones = text.partition("十")
    return (_KANJI_DIGITS.get(tens, 1) if tens else 1) * 10 + (_KANJI_DIGITS.get(ones, 0)
                                                                if ones else 0)


_NUMERAL = "[0-9０-９〇一二三四五六七八九十]{1,3}"
_MONTH_DAY = re.compile(f"({_NUMERAL})月({_NUMERAL})日")
_MONTH_END = re.compile(f"(?:({_NUMERAL})月|今月)末")


_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
             "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"]
_MONTH = "(" + "|".join(_MONTHS) + ")"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?|(" + "|".join(_ORDINALS) + r")|(twenty|thirty)[- ](first|" \
    r"second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
_EN_MONTH_END = re.compile(rf"\bend of {_MONTH}\b", re.IGNORECASE)
_EN_DAY_MONTH = re.compile(rf"\b(?:the )?(?:{_DAY}) of {_MONTH}\b", re.IGNORECASE)
_EN_MONTH_DAY = re.compile(rf"\b{_MONTH} (?:the )?(?:{_DAY})\b", re.IGNORECASE)


def _english_day(due: str) -> tuple[int, int] | None:
    """"December fifth", "the twelfth of June", "June 12" as (month, day)."""
    for pattern, month_first in ((_EN_MONTH_DAY, True), (_EN_DAY_MONTH, False)):
        found = pattern.search(due)
        if not found:
            continue
        groups = found.groups()
        month_name = groups[0] if month_first else groups[-1]
        digits, ordinal, tens, ones = groups[1:5] if month_first else groups[:4]
        if digits:
            day = int(digits)
        elif ordinal:
            day = _ORDINALS.index(ordinal.lower()) + 1
        else:
            day = (20 if tens.lower() == "twenty" else 30) + _ORDINALS.index(ones.lower()) + 1
        return _MONTHS.index(month_name.lower()) + 1, day
    return None


_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6, "月": 0, "火": 1, "水": 2, "木": 3, "金": 4, "土": 5,
             "日": 6}
_RELATIVE = re.compile(r"\b(?:(next )?(monday|tuesday|wednesday|thursday|friday|saturday|"
                       r"sunday)|(tomorrow))\b|((?:再)?来週の?)?([月火水木金土日])曜日?|(明後日|明日)|"
                       r"(\btoday\b|本日中|今日中)", re.IGNORECASE)


def _relative_day(due: str, held: date) -> date | None:
    """"Friday", "next Friday", "tomorrow", "today", 「来週の金曜日」, 「再来週の金曜日」, 「明日」,
    「本日中」 counted from the meeting."""
    found = _RELATIVE.search(due)
    if not found:
        return None
    next_en, weekday_en, tomorrow, next_ja, weekday_ja, day_ja, today = found.groups()
    if today:
        return held
    if tomorrow or day_ja:
        return held + timedelta(days=2 if day_ja == "明後日" else 1)
    weekday = _WEEKDAYS[(weekday_en or weekday_ja).lower()]
    if next_en or next_ja:  # that day of the week after the meeting's (「再来週」: the next)
        monday = held + timedelta(days=7 - held.weekday())
        later = 7 if next_ja and next_ja.startswith("再") else 0
        return monday + timedelta(days=weekday + later)
    return held + timedelta(days=(weekday - held.weekday() - 1) % 7 + 1)


def said_day(due: str, meeting_date: str | None) -> str | None:
    """「十二月十日」, 12月10日 or "December tenth" as an ISO date in the meeting's year (the
    next year when that day has passed by the meeting), "Friday", "tomorrow" or 「来週の
    金曜日」 from the meeting's day, when the meeting's date is known."""
    if not meeting_date:
        return None
    try:
        held = date.fromisoformat(meeting_date)
    except ValueError:
        return None
    when = _relative_day(due, held) or _month_end(due, held) or _month_day(due, held)
    return when.isoformat() if when else None


def _month_end(due: str, held: date) -> date | None:
    """「九月末」「今月末」 "the end of February": that month's last day, next year's when
    it has passed by the meeting."""
    english = _EN_MONTH_END.search(due)
    said = _MONTH_END.search(due)
    month: int | None = None
    if english:
        month = _MONTHS.index(english.group(1).lower()) + 1
    elif said:
        month = held.month if said.group(0).startswith("今月") else _number(said.group(1))
    if not month or not 1 <= month <= 12:
        return None
    year = held.year + (month < held.month)
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def _month_day(due: str, held: date) -> date | None:
    """「十二月十日」, 12月10日, "December tenth": that day, next year's when it has passed."""
    found = _MONTH_DAY.search(due)
    said = (_number(found.group(1)), _number(found.group(2))) if found else _english_day(due)
    if said is None or not said[0] or not said[1]:
        return None
    try:
        when = date(held.year, said[0], said[1])
        return when if when >= held else date(held.year + 1, when.month, when.day)
    except ValueError:
        return None


def said_in(due: str, lines: str) -> bool:
    """Whether the due date `due` was said in `lines` (most of its words or characters are
    there): an invented date is not."""
    return containment(due, lines) >= 0.5 or unicodedata.normalize("NFKC", due).strip() in \
        unicodedata.normalize("NFKC", lines)


__all__ = ["CARRIED", "by_speaker", "commitment", "containment", "grounded", "not_a_decision",
           "numbers", "said_day",
           "said_in", "similarity", "tokens"]
