"""Doubtful words: the words a proofreader should check against the recording.

Whisper's word probability alone points at few of the real errors: a homophone written
with confidence (本県 for 本件, 異常 for 以上) scores as high as the right word, while
correct words (原案, 設置) can score near zero. Cheap offline signals are combined, each
word marked for the reasons that fire on it (`reasons`):

- "unsure": Whisper's probability for the word is under `UNSURE` for its language;
- "rare": a written word far rarer than the words people say (wordfreq's Zipf frequency
  under `RARE`: 知名 for 一名, 大年 for 来年, 本県 for 本件);
- "unknown": the morphological analyser (Sudachi) does not know the word (ローキュー化),
  numbers aside; Japanese only, like the two below;
- "broken": the analyser can read the text only as lone kanji (両|称, 任|会, 無|症), a
  one-kanji stem apart from its kana (多|くり), or 県 after a word that names no place
  (整理|県 for 整理券): a word made up of characters that sound right;
- "place": a proper noun other than a person's name (栄, 日南 where 避難所 was said);
- "near-term": it sounds like a dictionary or roster term, or a word of council business
  the vocabulary lists for listening (never given to Whisper), but is written otherwise:
  意義なし for 異議なし, 西岸 or 性感 for 請願, 「し つぎ」 for 質疑, 「3回」 for 散会. "Sounds
  like" is the same reading flattened as mishearings blur it (voicing, long vowels, small
  kana: `transcribe.japanese.flatten`), unless the word heard is one people say often
  (先月 is no 専決, 機械 no 議会: `COMMON`); a term of one or two kana must be read
  exactly alike; and a ダイ before a number written other than 第 (日程題4, 議案大百号). In
  English: spelt nearly like one;
- "notation": written in kanji where records of meetings write kana (公用文の表記, as a
  会議録 is written): 宜しく, 御質問, お願い致します, 下さい, 出来る, 原案の通り, and a verb
  that helps another (進めて参ります, 見て頂く); Whisper's kanji there is a word to check,
  and often a misheard one;
- "disputed": the completeness check decoded its segment again and the second reading
  differs here (set by transcribe.completeness).

The thresholds and the signals that mark were chosen by precision and recall against the
references of the samples (bench/doubtful.py prints both, per signal and combined, and
says which samples were used to choose and which were held out).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from gijiroku.domain import Segment, Word
from transcribe.japanese import flatten, tokenizer

#: Words Whisper gives a probability under this are doubtful (by language; "" the rest).
#: Japanese words are Sudachi's, joined from Whisper's pieces with the lowest probability
#: of theirs. Chosen on the tuning recordings (bench/doubtful.py), with the other signals:
#: Japanese 0.45 / 0.5 / 0.55 / 0.6 marked 67 / 70 / 72 / 74 % of the errors with 54 / 53 /
#: 51 / 49 % of the marks right, and the higher of the two that kept half the marks right was
#: taken (an error missed costs more than a mark checked); English 0.5 / 0.6 / 0.7 / 0.75
#: marked 38 / 55 / 75 / 77 % with 65 / 61 / 60 / 49 % right.
UNSURE = {"ja": 0.55, "": 0.7}
#: Zipf frequency (log10 of uses per billion words) under which a word is rare: 散会 is
#: 2.2, 支所 2.9, 本件 3.6; words missing from the list (compounds such as 事務局) are not
#: judged.
RARE = 2.5
#: A word that sounds like a term only once flattened is taken as said when it is at least
#: this common (先月 4.1, 機械 4.8; 性感 3.4, 西岸 2.9).
COMMON = 4.0
#: Signals that mark a word (all are computed; bench/doubtful.py measures each).
MARKING = frozenset({"unsure", "rare", "unknown", "broken", "place", "near-term",
                     "notation", "disputed"})
#: Words (their dictionary forms) a record writes in kana wherever they stand ...
KANA_WORDS = frozenset({"宜しい", "宜しく", "御", "致す", "下さる", "出来る"})
#: ... and verbs it writes in kana when they help the verb before them (〜て参ります).
KANA_HELPERS = frozenset({"行く", "来る", "見る", "置く", "頂く", "下さる", "上げる", "貰う",
                          "居る", "参る", "致す"})

_KANJI = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf々]")
_LETTERS = re.compile(r"\w")


def _kanji(text: str) -> int:
    return len(_KANJI.findall(text))


@lru_cache(maxsize=8)
def _frequencies(language: str) -> dict[str, float]:
    """wordfreq's frequencies for the language (empty when it has none)."""
    import wordfreq

    try:
        return wordfreq.get_frequency_dict(language)
    except LookupError:
        return {}


def preload(language: str) -> None:
    """Read the word lists (and, for Japanese, the analyser) the marks use, so that a worker's
    first job does not wait for them; "auto" reads both languages'."""
    for each in ("ja", "en") if language == "auto" else (language,):
        _frequencies(each)
        if each == "ja":
            tokenizer()


def _zipf(word: str, language: str) -> float | None:
    frequency = _frequencies(language).get(word.lower())
    return None if frequency is None else math.log10(frequency) + 9


def _rare(word: str, language: str) -> bool:
    zipf = _zipf(word, language)
    return zipf is not None and zipf < RARE


def _common(word: str) -> bool:
    zipf = _zipf(word, "ja")
    return zipf is not None and zipf >= COMMON


def _reading(text: str) -> str:
    """The katakana reading of Japanese text (letters only)."""
    return "".join(m.reading_form() for m in tokenizer().tokenize(text)
                   if _LETTERS.search(m.surface()))


@lru_cache(maxsize=256)
def _term_readings(terms: tuple[str, ...]) -> tuple[tuple[str, str, str | None], ...]:
    """(term, its reading, how it sounds flattened) for the terms written with kanji; no
    flattened sound for a term of one or two kana (異議: イギ), which must be read alike,
    as flattening would match too much."""
    found = []
    for term in terms:
        if _kanji(term):
            reading = _reading(term)
            found.append((term, reading, flatten(reading) if len(reading) > 2 else None))
    return tuple(found)


def _owners(words: Sequence[Word]) -> list[int]:
    """For each character of the words' joined text, the index of its word."""
    owners: list[int] = []
    for index, word in enumerate(words):
        owners.extend([index] * len(word.text))
    return owners


def _japanese(words: Sequence[Word], terms: tuple[str, ...]) -> list[set[str]]:
    found: list[set[str]] = [set() for _ in words]
    text = "".join(w.text for w in words)
    if not text:
        return found
    owners = _owners(words)
    morphemes = list(tokenizer().tokenize(text))

    def mark(begin: int, end: int, reason: str) -> None:
        for index in sorted(set(owners[begin:end])):
            found[index].add(reason)

    lone: list[tuple[int, int]] = []  # runs of lone-kanji morphemes
    for position, m in enumerate(morphemes):
        surface = m.surface()
        pos = m.part_of_speech()
        if m.is_oov() and pos[1] != "数詞" and _LETTERS.search(surface):
            mark(m.begin(), m.end(), "unknown")
        if len(surface) >= 2 and _kanji(surface) and surface not in terms \
                and _rare(surface, "ja"):
            mark(m.begin(), m.end(), "rare")
        if pos[1] == "固有名詞" and pos[2] != "人名" and surface not in terms:
            mark(m.begin(), m.end(), "place")
        if _kanji(surface) and (
                m.dictionary_form() in KANA_WORDS
                or (surface == "通り" and position and morphemes[position - 1].surface() == "の")
                or (m.dictionary_form() in KANA_HELPERS and position
                    and morphemes[position - 1].surface() in ("て", "で"))):
            mark(m.begin(), m.end(), "notation")
        # 県 after a word that names no place: another ケン heard (整理|県 for 整理券)
        if surface == "県" and position \
                and morphemes[position - 1].part_of_speech()[:2] == ("名詞", "普通名詞"):
            mark(m.begin(), m.end(), "broken")
        # 第 (the ordinal of 日程第2, 議案第98号, 第3回) written as another ダイ: 大, 題
        if m.reading_form() == "ダイ" and surface != "第" and position + 1 < len(morphemes) \
                and morphemes[position + 1].part_of_speech()[1] == "数詞":
            mark(m.begin(), m.end(), "near-term")
        single = len(surface) == 1 and _kanji(surface) == 1 and pos[1] != "数詞"
        # a one-kanji stem read apart from the kana after it (多|くり, 見|つもり)
        stem = (_kanji(surface) == len(surface) == 1 and pos[0] in ("動詞", "形容詞")
                and position + 1 < len(morphemes)
                and morphemes[position + 1].part_of_speech()[0] == "名詞"
                and not _kanji(morphemes[position + 1].surface()))
        if single or stem:
            if lone and lone[-1][1] == m.begin():
                lone[-1] = (lone[-1][0], m.end())
            else:
                lone.append((m.begin(), m.end()))
            if stem:
                nxt = morphemes[position + 1]
                mark(m.begin(), nxt.end(), "broken")
    for begin, end in lone:
        if end - begin >= 2:
            mark(begin, end, "broken")

    # near misses of the terms, by reading: the text's reading, each character of it
    # owned by the morpheme (and so the words) it comes from
    readings = [(m.begin(), m.end(), m.reading_form()) for m in morphemes]
    flat = [(begin, end, flatten(reading)) for begin, end, reading in readings]
    for term, reading, flat_sound in _term_readings(terms):
        said_as, sound = (flat, flat_sound) if flat_sound else (readings, reading)
        # a homophone of the term: the same sound over whole morphemes, other writing
        for first in range(len(said_as)):
            said = ""
            for last in range(first, len(said_as)):
                said += said_as[last][2]
                if len(said) >= len(sound):
                    break
            heard = text[said_as[first][0]:said_as[last][1]]
            if said != sound or term in heard:
                continue
            # alike only once blurred (センゲツ, センケツ): a word people say often (先月,
            # 機械) is taken as said; a rare one (西岸, 性感 for 請願) is worth a look
            if said_as is flat and _common(heard) and "".join(
                    r for _, _, r in readings[first:last + 1]) != reading:
                continue
            for begin, end, _ in said_as[first:last + 1]:  # the part written otherwise
                if text[begin:end] not in term:
                    mark(begin, end, "near-term")
    return found


def _spaced(words: Sequence[Word], language: str | None,
            terms: tuple[str, ...]) -> list[set[str]]:
    found: list[set[str]] = [set() for _ in words]
    wanted = {t.lower() for term in terms for t in term.split() if len(t) >= 4}
    for index, word in enumerate(words):
        plain = re.sub(r"[^\w'-]", "", word.text).lower()
        if plain in wanted:
            continue
        if language and plain and _rare(plain, language):
            found[index].add("rare")
        if len(plain) >= 4 and any(
                difflib.SequenceMatcher(None, plain, t).ratio() >= 0.8 for t in wanted):
            found[index].add("near-term")
    return found


def reasons(words: Sequence[Word], language: str | None,
            terms: Sequence[str] = ()) -> list[set[str]]:
    """For each word, the signals that fire on it (see the module's text); "disputed" is
    the completeness check's and is not computed here."""
    terms = tuple(unicodedata.normalize("NFKC", t) for t in terms)
    found = (_japanese(words, terms) if language == "ja"
             else _spaced(words, language, terms))
    unsure = UNSURE.get(language or "", UNSURE[""])
    for word, own in zip(words, found, strict=True):
        if word.probability < unsure:
            own.add("unsure")
    return found


def mark(segments: Sequence[Segment], language: str | None, terms: Sequence[str] = ()) -> None:
    """Set each word's `doubtful` from the signals in `MARKING` (a word the completeness
    check already found disputed stays doubtful)."""
    for segment in segments:
        if segment.gap or not segment.words:
            continue
        for word, own in zip(segment.words, reasons(segment.words, language, terms),
                             strict=True):
            word.doubtful = word.doubtful or bool(own & MARKING)


__all__ = ["COMMON", "KANA_HELPERS", "KANA_WORDS", "MARKING", "RARE", "UNSURE", "mark", "reasons"]
