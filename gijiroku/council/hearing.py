"""The council's formulae found as they sound, so that a speech recogniser's misspellings
still count: 「起立多数」 heard as 「切りつたす」, 「散会」 as 「3回」, 「請願」 as 「性感」,
「認めます」 as 「見止めます」, 「採決」 as 「再決」, 「日程」 as 「日帝」.

A sentence is read into katakana (Sudachi's readings), then flattened the way mishearings
blur: voiced and unvoiced kana are one (ガ = カ), long vowels are dropped (ケイ = ケ,
トウ = ト = トオ), small kana are their large ones. A formula, flattened the same way, is
found in it allowing a few kana substituted, dropped or added, fewer for short ones.
Numbers stay out of the reading (they are read from the text itself).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from transcribe.japanese import flatten


def morphemes(text: str) -> Any:
    """Sudachi's words of a text (long units: 「会議録署名議員」 is one), by the tokenizer the
    transcription loads once for the process."""
    from transcribe.japanese import tokenizer

    return tokenizer().tokenize(text)


@dataclass(frozen=True, slots=True)
class Heard:
    """A sentence as it sounds: `kana` (flattened), and for each kana the offset in the
    text of the word it comes from."""

    text: str
    kana: str
    where: tuple[int, ...]

    def at(self, index: int) -> int:
        """The offset in the text of the word the kana at `index` comes from."""
        if not self.where:
            return 0
        return self.where[min(index, len(self.where) - 1)] if index >= 0 else 0


_ONES = ("", "イチ", "ニ", "サン", "ヨン", "ゴ", "ロク", "ナナ", "ハチ", "キュウ")


def number_reading(number: int) -> str:
    """How a number is said: 12 → ジュウニ, 101 → ヒャクイチ, 2400 → ニセンヨンヒャク."""
    if number == 0:
        return "ゼロ"
    if number >= 10_000:
        return number_reading(number // 10_000) + "マン" + (
            number_reading(number % 10_000) if number % 10_000 else "")
    said = ""
    for unit, name in ((1000, "セン"), (100, "ヒャク"), (10, "ジュウ")):
        digit, number = divmod(number, unit)
        if digit:
            said += ("" if digit == 1 else _ONES[digit]) + name
    return said + _ONES[number]


@lru_cache(maxsize=4096)
def hear(text: str) -> Heard:
    kana: list[str] = []
    where: list[int] = []
    for morpheme in morphemes(text):
        surface = morpheme.surface()
        if re.fullmatch(r"[\s、。,.，．！？!?「」『』（）()]+", surface):
            continue
        digits = unicodedata.normalize("NFKC", surface)
        if digits.isdigit():  # Sudachi reads 「12」 イチニ: said as a number, 「3回」 = 散会
            reading = number_reading(int(digits))
        else:
            reading = morpheme.reading_form()
            if not re.fullmatch(r"[ァ-ヴー]+", reading):  # no reading known: as written
                reading = unicodedata.normalize("NFKC", surface)
        flat = flatten(reading)
        kana.append(flat)
        where.extend([morpheme.begin()] * len(flat))
    return Heard(text, "".join(kana), tuple(where))


@lru_cache(maxsize=512)
def _pattern(formula: str, errors: int) -> Any:
    flat = "|".join(flatten(part) for part in formula.split("|"))
    fuzzy = f"{{e<={errors}}}" if errors else ""
    return regex.compile(f"(?:{flat}){fuzzy}", regex.BESTMATCH)


def allowance(formula: str) -> int:
    """How many kana a formula may be off by: none for 4 kana or fewer, 1 up to 6, else 2."""
    size = min(len(flatten(part)) for part in formula.split("|"))
    return 0 if size <= 4 else 1 if size <= 6 else 2


def sounds(heard: Heard, formula: str, errors: int | None = None) -> regex.Match[str] | None:
    """Where in `heard` the formula (katakana; alternatives with |) sounds, if anywhere."""
    return _pattern(formula, allowance(formula) if errors is None else errors).search(
        heard.kana)


__all__ = ["Heard", "allowance", "flatten", "hear", "morphemes", "number_reading", "sounds"]
