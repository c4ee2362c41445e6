"""Error rates of a transcript against a reference, as the benchmarks and tests count them.

English: word error rate, lower-cased, punctuation removed. Japanese: character error rate
after NFKC, with punctuation and spaces removed and kanji numerals read as digits (十二月三日
and 12月3日 are the same text), so only what was heard counts, not how it was written.
"""

from __future__ import annotations

import re
import unicodedata

import jiwer

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE = {"万": 10_000, "億": 100_000_000}
_NUMERAL = re.compile(r"[〇零一二三四五六七八九十百千万億]+")


def kanji_number(text: str) -> int:
    """The value of a kanji numeral: 十二 -> 12, 二千二十六 -> 2026, 三万 -> 30000."""
    total = section = digit = 0
    for char in text:
        if char in _DIGITS:
            digit = digit * 10 + _DIGITS[char]  # 二〇二六 is read digit by digit
        elif char in _UNITS:
            section += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            total += (section + digit or 1) * _LARGE[char]
            section = digit = 0
    return total + section + digit


def _numerals_to_digits(text: str) -> str:
    # 一 inside words (一名, 一月) is still a number here; only 一つ-like readings would differ,
    # and the samples avoid them.
    return _NUMERAL.sub(lambda m: str(kanji_number(m.group())), text)


def normalize_ja(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _numerals_to_digits(text)
    return "".join(c for c in text if not (c.isspace() or unicodedata.category(c)[0] in "PS"))


def normalize_en(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate of Japanese text (see the module's note on normalisation)."""
    return float(jiwer.cer(normalize_ja(reference), normalize_ja(hypothesis) or " "))


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of English text, lower-cased, punctuation removed."""
    return float(jiwer.wer(normalize_en(reference), normalize_en(hypothesis) or " "))


def error_rate(language: str, reference: str, hypothesis: str) -> float:
    """CER for languages written without spaces between words, WER for the rest."""
    return cer(reference, hypothesis) if language in ("ja", "zh") else wer(reference, hypothesis)


def sentences_ja(text: str) -> list[str]:
    """A Japanese reference cut into its sentences (after 。, ？ and ！)."""
    return [s for s in re.split(r"(?<=[。？！?!])", text) if normalize_ja(s)]


def sentences(language: str, text: str) -> list[str]:
    """A reference cut into its sentences: after 。？！ in Japanese and Chinese, after . ? !
    followed by a space elsewhere."""
    if language in ("ja", "zh"):
        return sentences_ja(text)
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if normalize_en(s)]


def sentence_recall(sentences: list[str], hypothesis: str, language: str = "ja") -> list[float]:
    """For each reference sentence, the share of its characters the hypothesis has,
    aligned (character by character, or word by word for languages with spaces, each word
    counting for its letters) as equal or substituted, not deleted: near 0 for a sentence
    the transcript lost. The alignment runs over the whole text in order, so a sentence
    counts only where it was said, not for words it shares with another. (Counted in words,
    "Oh, hello." heard as "hello" would be half a sentence lost.)"""
    unspaced = language in ("ja", "zh")
    normalize = normalize_ja if unspaced else normalize_en
    units = [list(normalize(s)) if unspaced else normalize(s).split() for s in sentences]
    reference = [u for sentence in units for u in sentence]
    kept = [False] * len(reference)
    if unspaced:
        result = jiwer.process_characters("".join(reference), normalize(hypothesis) or " ")
    else:
        result = jiwer.process_words(" ".join(reference), normalize(hypothesis) or "-")
    for chunk in result.alignments[0]:
        if chunk.type in ("equal", "substitute"):
            kept[chunk.ref_start_idx:chunk.ref_end_idx] = [True] * (
                chunk.ref_end_idx - chunk.ref_start_idx)
    shares, cursor = [], 0
    for sentence in units:
        part = kept[cursor:cursor + len(sentence)]
        sizes = [len(unit) for unit in sentence]
        shares.append(sum(size for size, held in zip(sizes, part, strict=True) if held)
                      / sum(sizes))
        cursor += len(sentence)
    return shares


def word_errors(language: str, reference: str,
                words: list[str]) -> tuple[list[bool], list[tuple[int, int]]]:
    """Which of a transcript's `words` are wrong against `reference` (a character or word
    of them substituted or inserted), and where words are missing: for each run of the
    reference the transcript lacks, the two words beside the hole (-1: none). Text is
    normalised as for CER (Japanese) and WER."""
    unspaced = language in ("ja", "zh")
    normalize = normalize_ja if unspaced else normalize_en
    units: list[str] = []
    owners: list[int] = []
    for index, word in enumerate(words):
        own = list(normalize(word)) if unspaced else normalize(word).split()
        units.extend(own)
        owners.extend([index] * len(own))
    wrong = [False] * len(words)
    missing: list[tuple[int, int]] = []
    if not units:
        return wrong, missing
    truth = normalize(reference)
    if unspaced:
        result = jiwer.process_characters(truth, "".join(units))
    else:
        result = jiwer.process_words(truth, " ".join(units))
    for chunk in result.alignments[0]:
        if chunk.type in ("substitute", "insert"):
            for owner in owners[chunk.hyp_start_idx:chunk.hyp_end_idx]:
                wrong[owner] = True
        elif chunk.type == "delete":
            at = chunk.hyp_start_idx
            missing.append((owners[at - 1] if at > 0 else -1,
                            owners[at] if at < len(owners) else -1))
    return wrong, missing


def mark_scores(wrong: list[bool], missing: list[tuple[int, int]],
                marked: list[bool]) -> tuple[int, int, int, int]:
    """(errors, errors marked, marks, marks on an error): a wrong word is marked when it is;
    a missing run when a word beside it is; a mark is on an error when its word is wrong
    or beside a missing run."""
    beside = {i for pair in missing for i in pair if i >= 0}
    errors = sum(wrong) + len(missing)
    caught = sum(1 for w, m in zip(wrong, marked, strict=True) if w and m) + sum(
        1 for a, b in missing if (a >= 0 and marked[a]) or (b >= 0 and marked[b]))
    marks = sum(marked)
    right = sum(1 for i, m in enumerate(marked) if m and (wrong[i] or i in beside))
    return errors, caught, marks, right
