"""Give every word to a speaker and split segments where the speaker changes.

A word goes to the speaker whose turns cover most of its span; a word in a gap between turns
(or wholly inside overlapping speech that ties) goes to the nearest turn. Segments are split
at every change of speaker, so no segment mixes two people. Speakers are numbered S1, S2...
in the order they first speak in the transcript; the diarizer's raw label is kept beside.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from gijiroku.domain import Segment, Speaker, SpeakerTurn, Word, join_words


@dataclass(slots=True)
class _Intervals:
    """One speaker's turns, merged and sorted, for fast overlap and distance queries."""

    starts: list[float]
    ends: list[float]

    @classmethod
    def of(cls, turns: list[SpeakerTurn]) -> _Intervals:
        merged: list[list[float]] = []
        for turn in sorted(turns, key=lambda t: t.start):
            if merged and turn.start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], turn.end)
            else:
                merged.append([turn.start, turn.end])
        return cls([m[0] for m in merged], [m[1] for m in merged])

    def overlap(self, start: float, end: float) -> float:
        total = 0.0
        i = bisect.bisect_right(self.ends, start)  # first interval ending after `start`
        while i < len(self.starts) and self.starts[i] < end:
            total += min(end, self.ends[i]) - max(start, self.starts[i])
            i += 1
        return total

    def distance(self, start: float, end: float) -> float:
        i = bisect.bisect_right(self.starts, end)
        best = float("inf")
        if i > 0:  # the last interval starting before the word ends
            best = min(best, max(0.0, start - self.ends[i - 1]))
        if i < len(self.starts):
            best = min(best, max(0.0, self.starts[i] - end))
        return best


def speaker_for(
    start: float, end: float, speakers: dict[str, _Intervals]
) -> str | None:
    if not speakers:
        return None
    overlaps = {label: iv.overlap(start, end) for label, iv in speakers.items()}
    best = max(overlaps, key=lambda label: overlaps[label])
    if overlaps[best] > 0:
        return best
    return min(speakers, key=lambda label: speakers[label].distance(start, end))


#: A piece split off at a speaker change with fewer letters than this is a scrap of the
#: alignment, not a line: 「援の」 or "I" alone on a line is never what someone said.
MIN_SPLIT_LETTERS = 3


def _letters(words: list[Word]) -> int:
    return sum(c.isalnum() for w in words for c in w.text)


def without_scraps(
    groups: list[tuple[str | None, list[Word]]],
) -> list[tuple[str | None, list[Word]]]:
    """Pieces of one segment with their speakers as groups of consecutive words of one
    speaker, each scrap given to the neighbour nearer in time."""
    groups = _runs(groups)  # new lists: the caller's are not changed
    while len(groups) > 1:
        scraps = [i for i, (_, words) in enumerate(groups) if _letters(words) < MIN_SPLIT_LETTERS]
        if not scraps:
            break
        i = scraps[0]
        words = groups[i][1]
        before = words[0].start - groups[i - 1][1][-1].end if i > 0 else float("inf")
        after = groups[i + 1][1][0].start - words[-1].end if i + 1 < len(groups) else float("inf")
        if before <= after:
            groups[i - 1][1].extend(words)
        else:
            groups[i + 1][1][:0] = words
        del groups[i]
        groups = _runs(groups)  # neighbours of one speaker become one group again
    return groups


def _runs(
    pieces: list[tuple[str | None, list[Word]]],
) -> list[tuple[str | None, list[Word]]]:
    """Consecutive pieces of one speaker joined into one group."""
    groups: list[tuple[str | None, list[Word]]] = []
    for label, words in pieces:
        if groups and groups[-1][0] == label:
            groups[-1][1].extend(words)
        else:
            groups.append((label, list(words)))
    return groups


def assign_speakers(
    segments: list[Segment], turns: list[SpeakerTurn], language: str | None
) -> tuple[list[Segment], list[Speaker]]:
    """Segments split by speaker (speaker ids S1...), and the speakers in order of appearance."""
    by_label: dict[str, list[SpeakerTurn]] = defaultdict(list)
    for turn in turns:
        by_label[turn.label].append(turn)
    intervals = {label: _Intervals.of(t) for label, t in by_label.items()}

    labelled: list[tuple[Segment, list[tuple[str | None, list[Word]]]]] = []
    order: list[str] = []
    for segment in segments:
        groups: list[tuple[str | None, list[Word]]] = []
        if segment.words:
            groups = without_scraps(
                [(speaker_for(w.start, w.end, intervals), [w]) for w in segment.words])
        else:
            groups.append((speaker_for(segment.start, segment.end, intervals), []))
        for label, _ in groups:
            if label is not None and label not in order:
                order.append(label)
        labelled.append((segment, groups))

    ids = {label: f"S{n}" for n, label in enumerate(order, start=1)}
    result: list[Segment] = []
    for segment, groups in labelled:
        for index, (label, words) in enumerate(groups):
            speaker = ids.get(label) if label is not None else None
            for word in words:
                word.speaker = speaker
            whole = len(groups) == 1
            result.append(
                Segment(
                    start=segment.start if whole or index == 0 else words[0].start,
                    end=segment.end if whole or index == len(groups) - 1 else words[-1].end,
                    text=segment.text if whole else join_words([w.text for w in words], language),
                    words=words,
                    speaker=speaker,
                    avg_logprob=segment.avg_logprob,
                    no_speech_prob=segment.no_speech_prob,
                    source=segment.source,
                    gap=segment.gap,
                )
            )
    return result, [Speaker(ids[label], label) for label in order]


def unsplit(segments: list[Segment], language: str | None) -> list[Segment]:
    """Undo speaker splitting: rejoin segments that came from one recognition segment."""
    result: list[Segment] = []
    for segment in segments:
        last = result[-1] if result else None
        if last is not None and segment.source is not None and last.source == segment.source:
            last.words = [*last.words, *segment.words]
            last.end = segment.end
            last.text = join_words([last.text, segment.text], language)
        else:
            result.append(
                Segment(segment.start, segment.end, segment.text, list(segment.words),
                        None, None, segment.avg_logprob, segment.no_speech_prob, segment.source,
                        gap=segment.gap)
            )
    return result


def carry_names(
    old_speakers: list[Speaker],
    old_word_speakers: list[str | None],
    new_speakers: list[Speaker],
    new_word_speakers: list[str | None],
) -> list[Speaker]:
    """Keep the names a person gave: each named old speaker passes its name (and the roster
    person it was confirmed as) to the new speaker that took most of its words, if that new
    speaker has no better claimant.

    The two word lists hold each word's speaker id before and after, in transcript order."""
    named = {s.id: s for s in old_speakers if s.name or s.confirmed}
    if not named:
        return new_speakers
    shared: Counter[tuple[str, str]] = Counter()
    for old, new in zip(old_word_speakers, new_word_speakers, strict=True):
        if old in named and new is not None:
            shared[(old, new)] += 1
    taken_old: set[str] = set()
    heirs: dict[str, Speaker] = {}
    for (old_id, new_id), _count in shared.most_common():
        if old_id in taken_old or new_id in heirs:
            continue
        taken_old.add(old_id)
        heirs[new_id] = named[old_id]
    return [replace(s, name=heirs[s.id].name, person=heirs[s.id].person,
                    confirmed=heirs[s.id].confirmed) if s.id in heirs else s
            for s in new_speakers]
