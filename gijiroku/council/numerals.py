"""Numbers as a council's speech recogniser writes them (「九十八」, 「98」, 「９８」, 「一〇〇」)
read as integers, and bill numbers written as a 会議録 writes them (「議案第98号」: 算用数字)."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "壱": 1, "弐": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}
#: A number as said or written: kanji numerals (with 十百千万), or digits of either width.
NUMBER = "[0-9０-９〇零一二三四五六七八九十百千万壱弐]+"


def to_int(text: str) -> int | None:
    """「九十八」 → 98, 「百一」 → 101, 「二千四百」 → 2400, 「一〇〇」 → 100, 「９８」 → 98;
    None when `text` is no number."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(c in _DIGITS for c in text):  # read digit by digit: 「一〇〇」
        return int("".join(str(_DIGITS[c]) for c in text))
    if "万" in text:
        high, low = text.split("万", 1)
        high_value = _below_10000(high) if high else 1
        low_value = _below_10000(low) if low else 0
        if high_value is None or low_value is None:
            return None
        return high_value * 10_000 + low_value
    return _below_10000(text)


def _below_10000(text: str) -> int | None:
    value, digit = 0, None
    for char in text:
        if char.isdigit():
            digit = (digit or 0) * 10 + int(char)
        elif char in _DIGITS:
            digit = (digit or 0) * 10 + _DIGITS[char]
        elif char in _UNITS:
            value += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        else:
            return None
    return value + (digit or 0)


#: A bill or other matter put to the council: 「議案第九十八号」, 「請願第3号」, 「報告第一号」.
BILL_KINDS = ("議案", "請願", "陳情", "報告", "認定", "諮問", "同意", "発議", "意見書案",
              "決議案", "選挙", "承認")
BILL = re.compile(r"(" + "|".join(sorted(BILL_KINDS, key=len, reverse=True)) + r")\s*第\s*("
                  + NUMBER + r")\s*号")


def bill_name(kind: str, number: str) -> str:
    """「議案」, 「九十八」 → 「議案第98号」 (the number in 算用数字; as said when unreadable)."""
    value = to_int(number)
    return f"{kind}第{value if value is not None else number}号"


def bills_in(text: str) -> list[str]:
    """Every bill a text names, in order, each once: 「議案第百号及び議案第百一号」 →
    ["議案第100号", "議案第101号"]."""
    return list(dict.fromkeys(bill_name(m.group(1), m.group(2)) for m in BILL.finditer(text)))





#: Counters and units after which a number said in kanji is written in 算用数字 in a 整文
#: record: bill numbers, dates and times, amounts, counts of people and things.
_COUNTED = ("号", "年度", "年", "月", "日", "時", "分", "円", "名", "人", "件", "か所", "箇所",
            "ヶ所", "校", "世帯", "割", "パーセント", "％", "歳", "回", "台", "路線", "団体",
            "期", "条", "項", "款")
_SAID_NUMBER = re.compile(
    r"(?<![〇一二三四五六七八九十百千万億])([〇一二三四五六七八九十百千万億]+)(?=(?:"
    + "|".join(sorted(_COUNTED, key=len, reverse=True)) + "))")


def arabic(text: str) -> str:
    """Numbers said in kanji written in 算用数字 where they count something: 「議案第九十八号」
    → 「議案第98号」, 「十二月十日」 → 「12月10日」, 「二億四千万円」 → 「2億4000万円」. Words that
    only look like numbers (一部, 一般, 一律, 一番大事) stay as written."""
    def written(found: re.Match[str]) -> str:
        said, before, after = found.group(1), text[:found.start()], text[found.end():]
        if (after.startswith("分") and not before.endswith("時")) or \
                re.match(r"時(?:的|金|停止|休憩|中断|保育|預かり)|人ひとり", after):
            return said  # 「十分な」「一時的」「一人ひとり」: no count
        parts = re.split(r"(億|万)", said)
        out = []
        for part in parts:
            if part in ("億", "万"):
                out.append(part)
            elif part:
                value = to_int(part)
                if value is None:
                    return said
                out.append(str(value))
        return "".join(out)

    return _SAID_NUMBER.sub(written, text)
__all__ = ["BILL", "NUMBER", "arabic", "bill_name", "bills_in", "to_int"]
