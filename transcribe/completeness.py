"""Completeness: speech that the decoded text does not account for.

Whisper can drop speech without a sign: hotwords or a prompt that pull the decoder past a
sentence, a no-speech probability misjudged, a VAD edge, a temperature fallback. A 会議録
is a legal record, so after a window is decoded and its words timed, the speech in it (the
VAD's regions) is compared with where the timed words are:

- a run of speech seconds that no word covers (a timed word counts for at most
  `MAX_WORD` seconds: Whisper's alignment stretches the last words it has over speech it
  did not decode) is suspect;
- so is a segment with far less text per second of its speech than the recording's own
  rate (characters in Japanese, Chinese and Korean, words elsewhere);
- so is one with a word held over speech its letters cannot fill (a particle over a
  second speaker's words that Whisper merged into the first's: `stretched`);
- so is an utterance between two pauses inside a segment that the segment's words say far
  too little for (`thin`: a member's short 「異議なし。」 given to the first letter of the
  chair's next words); only the speech around it is decoded again;
- so is a short utterance of its own, between pauses, that no timed word touches (`alone`:
  a member's 「なし。」 after the chair's question, skipped whole); its words, heard again,
  are marked doubtful, and when nothing is heard it is left as it was (under
  `MIN_MISSING` seconds it may be a cough);
- and a segment whose words Whisper doubts (mean word probability under `DOUBTED`) is
  decoded again alone: real speech, even misheard, is decoded again with confidence or to
  the same text; speech-like sound with no words in it (reversed speech:
  「さみろえておふいらんます」, then 「寒いろいで浮きらます」) is neither, and that text is not
  kept as what was said.

A segment judged (too little text, a word stretched, or doubted) is one stretch with the
uncovered speech inside or beside it: the alignment spreads a stale sentence's words over
the sentences Whisper skipped (on the held-out council recording, one answer over thirty
seconds that held two more speakers' questions and answers).

A suspect stretch is decoded again on its own (`recover`), without hotwords, after the
sentence said before it as the prompt (a doubted segment with no prompt at all), and with
the temperature fallback if that gives nothing or text that cannot have been said there;
the new text is kept where it accounts for more of the speech (its words cover more of it,
or it says clearly more). The prompt is what the meeting said, not a list of terms: with
it, a member's 「異議なし。」 merged into the chair's 「異議なしと認めます。」 came back as
「意義なし。」 where without it Whisper wrote 「ウィギナシー。」. Speech that
still has no text becomes a gap: a segment with no text and `gap=True`, for a person to
listen to, never hidden.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from gijiroku.domain import SAMPLE_RATE, Segment, Word

Interval = tuple[float, float]

#: Seconds one timed word may account for (longer: the rest of its time is not covered).
MAX_WORD = 1.6
#: A word is stretched when its time runs on past `STRETCHED_BASE` seconds plus
#: `STRETCHED_PER_LETTER` per letter over this much speech: Whisper's alignment gave it speech
#: the text does not have (one particle, と, held 1.8 s over a second speaker's 異議なし
#: that the hotwords had merged into the first's).
STRETCHED_BASE = 0.6
STRETCHED_PER_LETTER = 0.3
STRETCHED_SPEECH = 0.5
#: Seconds around each timed word counted as covered (alignment is not exact at the edges).
WORD_SLACK = 0.35
#: Uncovered speech shorter than this is a pause, a breath or an edge: not suspect.
MIN_MISSING = 1.5
#: Parts of one run closer than this are one stretch.
JOIN = 0.6
#: ... but an utterance of its own (speech between pauses) at least this long that no timed
#: word touches is suspect however short: a member's 「なし。」 (0.5 s) and 「異議なし。」
#: (0.8 s) between the chair's sentences, skipped whole by Whisper (roads-committee on an
#: AMD EPYC). Decoded again, its text is kept when heard; unheard, it is no gap (a cough,
#: a chair moved): shorter than `MIN_MISSING`, it may not be speech at all.
MIN_UTTERANCE = 0.4
#: Text decoded again is kept only at under this many times the recording's rate over the
#: stretch's speech (plus two letters or words): Whisper given a second of sound can write a
#: whole stock sentence ...
MOST_RATE = 2.5
#: ... and only when it compresses less than this (zlib, Whisper's own fallback threshold):
#: decoded without the fallback, a chair's 「討論を終結し、採決いたします。」 came back as
#: 「ウォォォ…」, ninety letters, at a log-probability of -0.08.
REPEATED = 2.4
#: A stretch of speech between pauses at least this long, inside a segment, whose words'
#: text shared out over their time gives it under this share of the recording's rate is
#: `thin`.
THIN_SPEECH = 0.5
THIN_SHARE = 0.3
#: A segment with at least this much speech is checked for its rate of text ...
MIN_SPARSE_SPEECH = 4.0
#: ... and is suspect under this share of the recording's rate.
SPARSE_SHARE = 0.55
#: Rates assumed until the recording has given enough text to measure its own (per second
#: of speech: characters where words are not spaced, words elsewhere). Slow speech for each.
FLOOR_RATE = {"ja": 4.0, "zh": 3.0, "ko": 3.0, "": 1.6}
#: Languages written without spaces between words: text is counted in characters.
UNSPACED = frozenset({"ja", "zh", "ko", "th", "lo", "my", "bo"})
#: A segment of at least `DOUBTED_WORDS` words whose mean word probability is under this is
#: decoded again to see whether Whisper writes it again (real speech on the samples: 0.65 to
#: 0.92 in Japanese, down to 0.47 on a telephone call; reversed Japanese speech: 0.36, 0.55).
DOUBTED = 0.6
DOUBTED_WORDS = 3
#: ... and that lasts this long at least: a shorter one decoded alone has too little to go
#: on (「This is dot in and」, 0.86 s of a telephone call, mean 0.37, came back as other
#: text, unsure; the reversed speech above lasted 1.5 s and 6.9 s).
DOUBTED_SECONDS = 1.2
#: How alike (difflib's ratio over letters, katakana read as hiragana) a doubted segment's
#: text and its second decoding must be for the text to stand (reversed speech: 0.45 and
#: 0.68; real speech misheard, 異議なし written ウイギナシ then 生きなし: 0.76) ...
SAME = 0.8
#: ... or how confident the second decoding must be (its lowest average log-probability):
#: speech misheard is decoded again with confidence (-0.55 there), sound with no words in it
#: is not (reversed speech: -0.84 and -0.98).
SURE_AGAIN = -0.7
#: A stretch's new text with this many times the old text's letters (words) says more.
MORE_TEXT = 1.3
#: Seconds added on both sides of a stretch that is decoded again.
PAD = 0.3

_UNITS = re.compile(r"[\w]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Stretch:
    start: float
    end: float
    #: "uncovered": speech with no timed word; "alone": a short utterance between pauses
    #: with no timed word; "sparse": a segment with too little text;
    #: "stretched": a segment with a word held over speech; "doubted": a segment of words
    #: Whisper doubts; "thin": speech inside a segment its words say far too little for
    #: (`region`), with the speech before and after it up to the pauses around
    reason: str
    #: for all but "uncovered": the index of the segment in the window's list
    segment: int | None = None
    region: Interval | None = None


def text_units(text: str, language: str | None) -> float:
    """How much was said: letters where words are not spaced, else words."""
    if (language or "") in UNSPACED:
        return float(len(_UNITS.findall(text)))
    return float(len([w for w in text.split() if _UNITS.search(w)]))


def speech_regions(audio: np.ndarray) -> list[Interval]:
    """Where there is speech in `audio` (seconds), by the VAD faster-whisper decodes with,
    padded less than for decoding (padding is not speech)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=500, speech_pad_ms=100)
    return [(r["start"] / SAMPLE_RATE, r["end"] / SAMPLE_RATE)
            for r in get_speech_timestamps(audio, options)]


def _merge(intervals: Sequence[Interval], join: float = 0.0) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + join:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(regions: Sequence[Interval], covered: Sequence[Interval]) -> list[Interval]:
    """`regions` minus `covered` (both sorted, `covered` merged)."""
    left: list[Interval] = []
    for start, end in regions:
        at = start
        for c_start, c_end in covered:
            if c_end <= at or c_start >= end:
                continue
            if c_start > at:
                left.append((at, c_start))
            at = max(at, c_end)
        if at < end:
            left.append((at, end))
    return left


def _overlap(intervals: Sequence[Interval], start: float, end: float) -> float:
    return sum(max(0.0, min(end, b) - max(start, a)) for a, b in intervals)


def covered_by_words(segments: Sequence[Segment]) -> list[Interval]:
    """The time the segments' timed words account for."""
    spans = []
    for segment in segments:
        for word in segment.words:
            end = min(word.end, word.start + MAX_WORD)
            spans.append((word.start - WORD_SLACK, end + WORD_SLACK))
    return _merge(spans)


def coverage(speech: Sequence[Interval], segments: Sequence[Segment], start: float,
             end: float) -> float:
    """Seconds of speech between `start` and `end` that the segments' words account for."""
    inside = [(max(a, start), min(b, end)) for a, b in speech if b > start and a < end]
    missing = _subtract(inside, covered_by_words(segments))
    return sum(b - a for a, b in inside) - sum(b - a for a, b in missing)


def recording_rate(speech: Sequence[Interval], segments: Sequence[Segment],
                   language: str | None) -> float:
    """Text per second of speech over the segments so far (at least the language's floor
    rate's share, so one slow window cannot lower the bar for itself)."""
    units = sum(text_units(s.text, language) for s in segments)
    seconds = sum(_overlap(speech, s.start, s.end) for s in segments)
    floor = FLOOR_RATE.get(language or "", FLOOR_RATE[""])
    if seconds < 20.0:  # too little to measure: the floor
        return floor
    return max(floor, units / seconds)


def stretched(segment: Segment, speech: Sequence[Interval]) -> bool:
    """Whether one of the segment's words runs on over speech its text cannot hold."""
    for word in segment.words:
        plausible = word.start + STRETCHED_BASE + STRETCHED_PER_LETTER * max(
            1.0, text_units(word.text, "ja"))  # letters, whatever the language
        if word.end > plausible and _overlap(speech, plausible, word.end) >= STRETCHED_SPEECH:
            return True
    return False


def thin(segment: Segment, speech: Sequence[Interval], rate: float,
         language: str | None) -> Interval | None:
    """The first stretch of speech inside the segment, between two pauses, whose words say
    far too little for it: a word or two held over a whole utterance the text does not
    have (a member's 「異議なし」 between the chair's question and 「ご異議なしと認め」, where
    Whisper wrote only the second). Each word's text is shared out over its time."""
    for start, end in speech:
        if end - start < THIN_SPEECH or start < segment.start - JOIN or end > segment.end + JOIN:
            continue
        said = _said_over(segment, (start, end), language)
        if 0 < said < THIN_SHARE * rate * (end - start):
            return start, end
    return None


def doubted(segment: Segment) -> bool:
    """Whether Whisper doubts the segment's words enough to be asked again."""
    if len(segment.words) < DOUBTED_WORDS or segment.end - segment.start < DOUBTED_SECONDS:
        return False
    return sum(w.probability for w in segment.words) / len(segment.words) < DOUBTED


def _letters(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    # katakana as hiragana: Whisper writes a misheard word in either
    folded = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in folded)
    return "".join(_UNITS.findall(folded))


def alike(first: str, second: str) -> float:
    """How alike two texts are, letters only (0 to 1)."""
    a, b = _letters(first), _letters(second)
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def dispute(segment: Segment, again: str) -> None:
    """Mark as doubtful the segment's words the second decoding `again` reads otherwise."""
    owners: list[int] = []
    for index, word in enumerate(segment.words):
        owners.extend([index] * len(_letters(word.text)))
    first = "".join(_letters(w.text) for w in segment.words)
    matcher = difflib.SequenceMatcher(None, first, _letters(again), autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag == "equal" or not owners:
            continue
        # a deletion or a replacement: its own letters' words; an insertion: the word it
        # follows
        for index in set(owners[i1:i2] if i2 > i1 else owners[max(0, i1 - 1):i1]):
            segment.words[index].doubtful = True


def suspects(speech: Sequence[Interval], segments: Sequence[Segment],
             language: str | None) -> list[Stretch]:
    """The stretches of `speech` the segments do not account for (see the module's text).
    A segment with too little text, or doubted, is one stretch together with the uncovered
    speech inside or beside it: decoded again, its new text replaces the segment's whole."""
    covered = covered_by_words(segments)
    uncovered = _subtract(_merge(speech), covered)
    runs = [(a, b) for a, b in _merge(uncovered, JOIN) if b - a >= MIN_MISSING]
    alone = [(a, b) for a, b in _merge(speech)
             if MIN_UTTERANCE <= b - a < MIN_MISSING and _subtract([(a, b)], covered) == [(a, b)]]
    rate = recording_rate(speech, segments, language)
    judged: list[Stretch] = []
    for index, segment in enumerate(segments):
        seconds = _overlap(speech, segment.start, segment.end)
        if doubted(segment):
            judged.append(Stretch(segment.start, segment.end, "doubted", index))
        elif (seconds >= MIN_SPARSE_SPEECH
              and text_units(segment.text, language) / seconds < SPARSE_SHARE * rate):
            judged.append(Stretch(segment.start, segment.end, "sparse", index))
        elif (region := thin(segment, speech, rate, language)) is not None:
            # decoded again from the pause before the speech that came before it to the
            # pause after the speech that follows: the rest of the segment keeps its text
            inside = [(a, b) for a, b in _merge(speech)
                      if a < segment.end + JOIN and b > segment.start - JOIN]
            at = next(i for i, (a, b) in enumerate(inside) if a <= region[0] and b >= region[1])
            start = max(segment.start, inside[max(0, at - 1)][0])
            end = min(segment.end, inside[min(len(inside) - 1, at + 1)][1])
            judged.append(Stretch(start, end, "thin", index, region))
        elif stretched(segment, speech):
            judged.append(Stretch(segment.start, segment.end, "stretched", index))
    found: list[Stretch] = []
    for a, b in runs:
        owner = next((i for i, s in enumerate(judged) if a < s.end + JOIN and b > s.start - JOIN),
                     None)
        if owner is None:
            found.append(Stretch(a, b, "uncovered"))
            continue
        s = judged[owner]  # the segment's text, decoded again, may account for it
        judged[owner] = replace(s, start=min(s.start, a), end=max(s.end, b))
    found.extend(Stretch(a, b, "alone") for a, b in alone
                 if not any(a < s.end + JOIN and b > s.start - JOIN for s in found + judged))
    return sorted(found + judged, key=lambda s: s.start)


class Decode(Protocol):
    """Decodes the window's audio from `start` to `end` seconds again (with the temperature
    fallback or not, after `prompt`: what was said just before): the segments with timed
    words, in the window's seconds, and the lowest average log-probability among them
    (None when empty). The fallback is asked only after the same stretch and prompt were
    decoded without it, so it may skip the first temperature."""

    def __call__(self, start: float, end: float, fallback: bool,
                 prompt: str | None = None) -> tuple[list[Segment], float | None]: ...


@dataclass(slots=True)
class Recovered:
    segments: list[Segment]
    redecoded: int  # stretches decoded again: every suspect one
    recovered: int  # of those, stretches where the new text was kept

    @property
    def gaps(self) -> int:
        """Speech left without text, marked (neighbouring gaps counted once)."""
        return sum(1 for segment in self.segments if segment.gap)


def _accounts_for_more(speech: Sequence[Interval], old: Sequence[Segment],
                       new: Sequence[Segment], stretch: Stretch, language: str | None) -> bool:
    """Whether the new text accounts for the stretch's speech better than the old: its words
    cover more of it, or (where alignment stretched a few words over it) it says more."""
    before = coverage(speech, old, stretch.start, stretch.end)
    after = coverage(speech, new, stretch.start, stretch.end)
    if after > before + 0.5:
        return True
    said = sum(text_units(s.text, language) for s in old)
    again = sum(text_units(s.text, language) for s in new)
    return after >= before - 0.5 and again >= max(MORE_TEXT * said, said + 2)


def _cut(segment: Segment, start: float, end: float,
         language: str | None) -> tuple[Segment, list[Segment], Segment]:
    """The segment in three: its words before `start`, between `start` and `end` (by their
    middles), and after."""
    parts: tuple[list[Word], list[Word], list[Word]] = ([], [], [])
    for word in segment.words:
        middle = (word.start + word.end) / 2
        parts[0 if middle < start else 1 if middle <= end else 2].append(word)
    joiner = "" if (language or "") in UNSPACED else " "
    head, inside, tail = (
        Segment(start=words[0].start if words else segment.start,
                end=words[-1].end if words else segment.start,
                text=joiner.join(w.text for w in words), words=words,
                avg_logprob=segment.avg_logprob, no_speech_prob=segment.no_speech_prob)
        for words in parts)
    return head, [inside], tail


def _fills(speech: Sequence[Interval], old: Sequence[Segment], new: Sequence[Segment],
           stretch: Stretch, language: str | None) -> bool:
    """Whether the new text of a thin stretch says enough over its thin speech and no less
    than the old over the whole stretch."""
    if stretch.region is None:
        return False
    said = sum(text_units(s.text, language) for s in old)
    again = sum(text_units(s.text, language) for s in new)
    merged = Segment(start=stretch.start, end=stretch.end, text="",
                     words=[w for s in new for w in s.words])
    rate = recording_rate(speech, [*old, *new], language)
    return again > said and thin(merged, [stretch.region], rate, language) is None and (
        _said_over(merged, stretch.region, language) > 0)


def _said_before(segments: Sequence[Segment], start: float) -> str | None:
    """The text of the last segment that ended before `start`."""
    said = [s.text for s in segments if s.end <= start and s.text.strip()]
    return said[-1] if said else None


def _plausible(speech: Sequence[Interval], segments: Sequence[Segment],
               new: Sequence[Segment], stretch: Stretch, language: str | None) -> bool:
    """Whether text decoded again could have been said there: no more than `MOST_RATE`
    times the recording's rate over the stretch's speech, and not one sound written over
    and over (compressing `REPEATED` times or more, as Whisper's own fallback judges)."""
    seconds = _overlap(speech, stretch.start, stretch.end)
    text = "".join(s.text for s in new)
    if text_units(text, language) > MOST_RATE * recording_rate(speech, segments,
                                                               language) * seconds + 2:
        return False
    return not _repeated(new)


def _repeated(new: Sequence[Segment]) -> bool:
    """One sound written over and over (compressing `REPEATED` times or more, as Whisper's
    own fallback judges): no reading of the speech at all."""
    data = "".join(s.text for s in new).encode("utf-8")
    return len(data) >= 40 and len(data) / len(zlib.compress(data)) >= REPEATED


def _said_over(segment: Segment, region: Interval, language: str | None) -> float:
    """The segment's text shared out over its words' time, inside `region`."""
    start, end = region
    said = 0.0
    for word in segment.words:
        length = word.end - word.start
        if length > 0 and word.end > start and word.start < end:
            said += (min(end, word.end) - max(start, word.start)) / length * text_units(
                word.text, language)
    return said


def recover(segments: list[Segment], speech: Sequence[Interval], stretches: list[Stretch],
            decode: Decode, duration: float, log_prob_floor: float = -1.0,
            language: str | None = None) -> Recovered:
    """Each suspect stretch decoded again (`decode(start, end, fallback, prompt)`: first
    without the temperature fallback, then with it if that gave no text, or none that could
    have been said there; after the sentence before it but for a doubted segment); the new
    text is kept where its
    words cover more of the stretch's speech and it is no less likely than `log_prob_floor`.
    Uncovered speech still without text becomes a gap segment. The segments come back in
    time order."""
    recovered = 0
    replaced: set[int] = set()
    added: list[Segment] = []
    for stretch in stretches:
        start, end = max(0.0, stretch.start - PAD), min(duration, stretch.end + PAD)
        own = stretch.segment  # the segment judged, for all but "uncovered"
        if stretch.reason == "thin" and own is not None:
            head, old, tail = _cut(segments[own], stretch.start, stretch.end, language)
        elif own is not None:
            old = [segments[own]]
        else:
            old = [s for s in segments if s.start < stretch.end and s.end > stretch.start]
        heard: list[Segment] = []
        lowest: float | None = None
        # heard after what was said before it (a member's 「なし。」 after the chair's
        # 「ほかに質疑はありませんか。」); a doubted segment as it was first decoded, alone
        before = _said_before(segments, stretch.start) if stretch.reason != "doubted" else None
        new: list[Segment] = []
        garbled = False  # the decoding wrote one sound over and over: no reading at all
        # a doubted segment is asked as it was decoded, and with the temperature fallback
        # only when that gave no reading at all; a stretch missing text may always take it
        for fallback in (False, True):
            if fallback and stretch.reason == "doubted" and not garbled:
                break
            garbled = False
            heard, lowest = decode(start, end, fallback, before)
            heard = [s for s in heard if s.text.strip()
                     and stretch.start - PAD <= (s.start + s.end) / 2 <= stretch.end + PAD]
            if heard and not _plausible(speech, segments, heard, stretch, language):
                # more than anyone says in that time, or one sound written over and over
                # (「ウォォォ…」 for a chair's sentence): not heard at all
                heard, lowest, garbled = [], None, _repeated(heard)
            if heard and lowest is not None and lowest >= log_prob_floor:
                new = heard
                break
        # a doubted segment's new text must also be heard with confidence: over sound with
        # no words in it Whisper writes more invented text as readily as less
        sure = stretch.reason != "doubted" or (lowest is not None and lowest >= SURE_AGAIN)
        if stretch.reason == "thin" and own is not None:
            if new and _fills(speech, old, new, stretch, language):
                recovered += 1
                replaced.add(own)
                added.extend(part for part in (head, *new, tail) if part.words)
            else:  # its text stays, and the words held over that speech are worth a look
                for word in segments[own].words:
                    if stretch.region and _overlap([stretch.region], word.start, word.end):
                        word.doubtful = True
            continue
        if new and sure and _accounts_for_more(speech, old, new, stretch, language):
            recovered += 1
            if own is not None:
                replaced.add(own)
            added.extend(new)  # a hole's neighbours keep their own lines
            if stretch.reason == "alone":  # skipped once, heard alone: worth a listen
                for word in (w for segment in new for w in segment.words):
                    word.doubtful = True
            continue
        if stretch.reason == "doubted" and own is not None and garbled:
            # Whisper could not read it again, with the fallback either (「ウォォォ…」 over a
            # chair's 「討論を終結し、採決いたします。」, roads-committee on an Intel Xeon):
            # that says nothing against the first reading, which stands, every word of it
            # worth a look
            for word in segments[own].words:
                word.doubtful = True
            continue
        if stretch.reason == "doubted" and own is not None:
            again = "".join(s.text for s in heard)
            if alike(segments[own].text, again) >= SAME or (
                    lowest is not None and lowest >= SURE_AGAIN):
                # written again, or something heard there with confidence: it stands, and
                # where the two readings differ is worth a look
                dispute(segments[own], again)
                continue
            # not what was said, nor what Whisper hears there a second time: a gap
            replaced.add(own)
            added.append(Segment(start=segments[own].start, end=segments[own].end, text="",
                                 gap=True))
            continue
        if stretch.reason in ("sparse", "stretched", "alone"):
            continue  # its text stays: some of the speech is accounted for (or, alone,
            # too short to say it was speech)
        added.append(Segment(start=round(stretch.start, 3), end=round(stretch.end, 3),
                             text="", gap=True))
    kept = [s for i, s in enumerate(segments) if i not in replaced]
    ordered: list[Segment] = []
    for segment in sorted(kept + added, key=lambda s: (s.start, s.end)):
        last = ordered[-1] if ordered else None
        if last is not None and last.gap and segment.gap and segment.start - last.end < 2.0:
            last.end = max(last.end, segment.end)  # one stretch to listen to
            continue
        ordered.append(segment)
    return Recovered(ordered, redecoded=len(stretches), recovered=recovered)


__all__ = [
    "Recovered",
    "Stretch",
    "coverage",
    "recording_rate",
    "recover",
    "speech_regions",
    "suspects",
    "text_units",
]
