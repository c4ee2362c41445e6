"""Personal information in a line of a Japanese (or English) meeting, found offline: rules
for what has a shape (phone numbers, e-mail addresses, 12-digit 個人番号 with a valid check
digit, dates of birth, bank account numbers, postal codes and street addresses with block
numbers) and Sudachi's morphological analysis for people's names (固有名詞・人名).

These are suggestions for a person to accept or dismiss, never masking on their own. Names
of the people a meeting already knows (its roster and named speakers), and names followed by
an office (田中議員, 鈴木課長, 山本市長, 佐藤君) are not suggested: members and officials
speak in public.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Digits as people type them: ASCII and full width (offsets are kept: one character each).
_D = "[0-9０-９]"
_K = "[〇一二三四五六七八九十百]"  # kanji numerals
_N = f"(?:{_D}+|{_K}+)"
_DASH = "[-‐－−ー―の]"

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(
    rf"(?<![0-9０-９])(?:[(（][0０]{_D}{{1,4}}[)）]\s?{_D}{{1,4}}{_DASH}{_D}{{4}}|"
    rf"[0０]{_D}{{1,4}}(?:{_DASH}|\s)?{_D}{{1,4}}(?:{_DASH}|\s)?{_D}{{3,4}})(?![0-9０-９])")
TWELVE = re.compile(rf"(?<![0-9０-９]){_D}{{4}}[-\s－]?{_D}{{4}}[-\s－]?{_D}{{4}}(?![0-9０-９])")
_DATE = (rf"(?:(?:明治|大正|昭和|平成|令和)(?:元|{_N})年|{_D}{{4}}年)\s?{_N}月\s?{_N}日")
BIRTH = re.compile(rf"生年月日(?:は|が|：|:|、)?\s*(?P<a>{_DATE})|(?P<b>{_DATE})(?:生まれ|生)")
ACCOUNT = re.compile(
    rf"(?:口座番号|口座)(?:は|が|：|:|、)?\s*(?:普通|当座)?(?:預金)?\s*(?P<a>{_D}{{6,8}})|"
    rf"(?:普通|当座)(?:預金)?(?:口座)?\s*(?P<b>{_D}{{7}})(?![0-9０-９])")
POSTAL = re.compile(rf"(?:〒|郵便番号(?:は|：|:)?)\s*(?P<a>{_D}{{3}}[-－ー−]{_D}{{4}})")
#: Block numbers of a street address; the place name before them is taken too.
BLOCK = re.compile(
    rf"{_N}丁目(?:{_N}番地?(?:の?{_N}号?)?)?|{_D}+番地(?:の{_N})?|{_N}番{_N}号|"
    rf"(?<=[一-龥々ヶケ])\s?{_D}{{1,4}}[-－−ー]{_D}{{1,4}}(?:[-－−ー]{_D}{{1,4}})?")
_PLACE_CHAR = re.compile("[一-龥々ヶケァ-ヴー]")
#: Kana inside a place name between two kanji (霞が関, 自由が丘).
_PLACE_JOINER = "がノ"
#: Offices and forms of address after a name: a member or an official, not a resident.
OFFICES = ("議員", "委員長", "副委員長", "委員", "議長", "副議長", "市長", "副市長", "町長",
           "村長", "区長", "知事", "教育長", "部長", "次長", "課長", "係長", "室長", "局長",
           "所長", "館長", "参事", "主幹", "主査", "主事", "理事", "監査委員", "君", "先生",
           "大臣", "事務局長", "管理者", "会長", "署長", "園長", "校長")
#: Words Sudachi may tag as names that, in meetings, are not people.
_NOT_NAMES = frozenset({"市民", "以上", "委員", "議会", "本日", "日本"})


#: What `find` tells apart, most specific first (where two overlap, the first wins).
CATEGORIES_FOUND = ("email", "my_number", "birth_date", "account", "phone", "address", "name")


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    category: str
    text: str


def _digits(text: str) -> str:
    return "".join(str(int(c)) if c.isdigit() else "" for c in text)


def valid_my_number(digits: str) -> bool:
    """The check digit of a 12-digit 個人番号 (the government's published rule)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(c) for c in digits[:11]]
    total = sum(p * (n + 1 if n <= 6 else n - 5)
                for n, p in enumerate(reversed(body), start=1))
    remainder = total % 11
    return int(digits[11]) == (0 if remainder <= 1 else 11 - remainder)


def _morphemes(text: str) -> list[Any]:
    from transcribe.japanese import tokenizer  # (Sudachi, loaded once for the process)

    return list(tokenizer().tokenize(text))


def _names(text: str, morphemes: list[Any], known: frozenset[str]) -> list[Found]:
    """People's names by Sudachi's tags: a surname, with the given name after it if any."""
    found: list[Found] = []
    index = 0
    while index < len(morphemes):
        pos = morphemes[index].part_of_speech()
        if not (pos[1] == "固有名詞" and pos[2] == "人名"):
            index += 1
            continue
        first = index
        while index + 1 < len(morphemes) and morphemes[index + 1].part_of_speech()[2] == "人名":
            index += 1
        start, end = morphemes[first].begin(), morphemes[index].end()
        index += 1
        name = text[start:end]
        after = text[end:end + 6]
        if name in _NOT_NAMES or (len(name) < 2 and not after.startswith(("さん", "様", "氏"))):
            continue
        if any(after.startswith(office) for office in OFFICES):
            continue  # 田中議員, 鈴木課長: a member or an official
        if any(name in person or person in name for person in known if person):
            continue
        found.append(Found(start, end, "name", name))
    return found


def _address(text: str, morphemes: list[Any]) -> list[Found]:
    """Block numbers (丁目, 番地, 1-2-3) with the place name before them: kanji and katakana
    (霞が関 too), and the morphological analyser's place names (地名: さいたま市)."""
    places = {m.end(): m.begin() for m in morphemes
              if m.part_of_speech()[1:3] == ("固有名詞", "地名")}
    found = []
    for match in BLOCK.finditer(text):
        start = match.start()
        while start > 0 and match.start() - start < 15:
            if start in places:
                start = places[start]
            elif _PLACE_CHAR.match(text[start - 1]) or (
                    text[start - 1] in _PLACE_JOINER and start > 1
                    and _PLACE_CHAR.match(text[start - 2])):
                start -= 1
            else:
                break
        if match.start() - start < 2 and not match.group().endswith(("号", "番地")) \
                and "丁目" not in match.group():
            continue  # numbers with no place name before them
        found.append(Found(start, match.end(), "address", text[start:match.end()].strip()))
    for match in POSTAL.finditer(text):
        found.append(Found(match.start("a"), match.end("a"), "address", match.group("a")))
    return found


def find(text: str, known: Iterable[str] = (), *, language: str | None = "ja") -> list[Found]:
    """Personal information in `text`, in order, overlaps resolved (the longest wins).
    `known`: names of the meeting's members, officials and speakers (never suggested)."""
    found: list[Found] = []
    for match in EMAIL.finditer(text):
        found.append(Found(match.start(), match.end(), "email", match.group()))
    for match in TWELVE.finditer(text):
        if valid_my_number(_digits(match.group())):
            found.append(Found(match.start(), match.end(), "my_number", match.group()))
    for match in BIRTH.finditer(text):
        group = "a" if match.group("a") else "b"
        found.append(Found(match.start(group), match.end(group), "birth_date",
                           match.group(group)))
    for match in ACCOUNT.finditer(text):
        group = "a" if match.group("a") else "b"
        found.append(Found(match.start(group), match.end(group), "account", match.group(group)))
    for match in PHONE.finditer(text):
        if 10 <= len(_digits(match.group())) <= 11:
            found.append(Found(match.start(), match.end(), "phone", match.group().strip()))
    morphemes = _morphemes(text) if language == "ja" else []
    found.extend(_address(text, morphemes))
    if language == "ja":
        found.extend(_names(text, morphemes, frozenset(" ".join(k.split()).replace(" ", "")
                                                       for k in known)))
    # overlaps: the earlier kinds above (more specific shapes) and longer spans win
    priority = {c: i for i, c in enumerate(CATEGORIES_FOUND)}
    kept: list[Found] = []
    for item in sorted(found, key=lambda f: (priority[f.category], -(f.end - f.start))):
        if all(item.end <= k.start or item.start >= k.end for k in kept):
            kept.append(item)
    return sorted(kept, key=lambda f: f.start)


__all__ = ["CATEGORIES_FOUND", "OFFICES", "Found", "find", "valid_my_number"]
