"""The completeness check's rules on hand-made segments and speech regions (the model's part is
in tests/transcribe/test_missing_speech.py)."""

from __future__ import annotations

import itertools

import pytest

from gijiroku.domain import Segment, Word
from transcribe.completeness import (
    MAX_WORD,
    Stretch,
    coverage,
    recover,
    suspects,
    text_units,
)


def said(start: float, end: float, text: str, probability: float = 0.9) -> Segment:
    """A segment whose words share its time evenly."""
    words = text.split() if " " in text else list(text)
    step = (end - start) / len(words)
    return Segment(start, end, text, [
        Word(start + i * step, start + (i + 1) * step, w, probability)
        for i, w in enumerate(words)])


def test_text_is_counted_in_letters_without_spaces_and_in_words_with() -> None:
    assert text_units("以上で本日の委員会を閉会いたします。", "ja") == 17
    assert text_units("The meeting is adjourned.", "en") == 4
    assert text_units("- , .", "en") == 0


def test_speech_every_word_accounts_for_is_not_suspect() -> None:
    speech = [(0.0, 4.0), (5.0, 9.0)]
    segments = [said(0.0, 4.0, "one two three four five six seven eight"),
                said(5.0, 9.0, "nine ten eleven twelve thirteen fourteen fifteen")]
    assert suspects(speech, segments, "en") == []


def test_speech_with_no_word_is_suspect() -> None:
    speech = [(0.0, 4.0), (5.0, 9.0)]
    segments = [said(0.0, 4.0, "one two three four five six seven eight")]
    assert suspects(speech, segments, "en") == [Stretch(5.0, 9.0, "uncovered")]


def test_a_word_stretched_over_speech_counts_for_little_of_it() -> None:
    """Whisper's alignment gives the last words it has the speech it did not decode: the
    previous sentence spread over ten seconds leaves most of them uncovered, and the segment
    with the speech it misses is one stretch, decoded again whole."""
    speech = [(0.0, 12.0)]
    stale = said(0.0, 5.0, "よって本件は原案の通り決定")  # 13 letters, said in 5 s ...
    stale.end = stale.words[-1].end = 12.0  # ... the last one given the 7 s after them
    found = suspects(speech, [stale], "ja")
    assert [(s.reason, s.segment, s.start, s.end) for s in found] == [
        ("sparse", 0, 0.0, 12.0)], found
    assert coverage(speech, [stale], 0.0, 12.0) < 12.0 - 4.0
    # spread evenly over the 12 s instead, the same text is far too little for its speech
    spread = said(0.0, 12.0, "よって本件は原案の通り決定")
    assert [s.reason for s in suspects(speech, [spread], "ja")] == ["sparse"]


def test_a_segment_with_too_little_text_for_its_speech_is_suspect() -> None:
    speech = [(0.0, 60.0)]
    # forty seconds at the recording's rate, then eight seconds with a third of it
    normal = [said(i * 4.0, i * 4.0 + 4.0, "あ" * 24) for i in range(10)]
    slow = said(40.0, 48.0, "い" * 16)
    rest = said(48.0, 60.0, "う" * 70)
    found = suspects(speech, [*normal, slow, rest], "ja")
    assert [(s.reason, s.segment) for s in found] == [("sparse", 10)]


def test_words_whisper_doubts_are_asked_again() -> None:
    speech = [(0.0, 3.0)]
    invented = said(0.0, 3.0, "さみろえておふいらんます", probability=0.36)
    assert [s.reason for s in suspects(speech, [invented], "ja")] == ["doubted"]
    believed = said(0.0, 3.0, "さみろえておふいらんます", probability=0.65)
    assert suspects(speech, [believed], "ja") == []


def test_recovered_text_fills_the_hole_and_the_rest_is_kept() -> None:
    speech = [(0.0, 4.0), (5.0, 9.0)]
    first = said(0.0, 4.0, "one two three four five six seven eight")
    stretches = suspects(speech, [first], "en")
    asked: list[tuple[float, float, bool]] = []

    def decode(start: float, end: float, fallback: bool,
               prompt: str | None = None) -> tuple[list[Segment], float | None]:
        asked.append((start, end, fallback))
        heard = said(5.1, 8.9, "the meeting is adjourned thank you all")
        heard.avg_logprob = -0.4
        return [heard], -0.4

    result = recover([first], speech, stretches, decode, 9.0)
    assert asked and asked[0][2] is False  # no fallback needed
    assert [s.text for s in result.segments] == [first.text,
                                                 "the meeting is adjourned thank you all"]
    assert (result.redecoded, result.recovered, result.gaps) == (1, 1, 0)


def test_speech_that_stays_without_text_becomes_a_gap_after_the_fallback() -> None:
    speech = [(0.0, 4.0), (5.0, 9.0)]
    first = said(0.0, 4.0, "one two three four five six seven eight")
    asked: list[bool] = []

    def decode(start: float, end: float, fallback: bool,
               prompt: str | None = None) -> tuple[list[Segment], float | None]:
        asked.append(fallback)
        return [], None

    result = recover([first], speech, suspects(speech, [first], "en"), decode, 9.0)
    assert asked == [False, True]
    gap = result.segments[-1]
    assert gap.gap and gap.text == "" and gap.words == []
    assert (gap.start, gap.end) == (5.0, 9.0)  # the speech without text
    assert (result.redecoded, result.gaps) == (1, 1)


def test_unlikely_new_text_is_not_kept() -> None:
    speech = [(5.0, 9.0)]

    def decode(start: float, end: float, fallback: bool,
               prompt: str | None = None) -> tuple[list[Segment], float | None]:
        return [said(5.1, 8.9, "some words nobody said here")], -1.6

    result = recover([], speech, suspects(speech, [], "en"), decode, 9.0)
    assert [s.gap for s in result.segments] == [True]


def second_decoding(text: str, logprob: float):  # type: ignore[no-untyped-def]
    def decode(start: float, end: float, fallback: bool,
               prompt: str | None = None) -> tuple[list[Segment], float | None]:
        return [said(start, end, text, probability=0.5)], logprob
    return decode


def test_doubted_text_whisper_cannot_write_again_gives_way_to_a_gap_not_to_nothing() -> None:
    """Reversed speech, as the multilingual base wrote it twice (tests/transcribe/
    test_missing_speech.py)."""
    speech = [(0.0, 6.0)]
    invented = said(0.0, 6.0, "さみろえておふいらんます", probability=0.36)
    result = recover([invented], speech, suspects(speech, [invented], "ja"),
                     second_decoding("寒いろいで浮きらます", -0.84), 6.0)
    assert [(s.gap, s.text, s.start, s.end) for s in result.segments] == [(True, "", 0.0, 6.0)]


def test_doubted_text_whisper_garbles_when_asked_again_stands_marked() -> None:
    """A chair's 「討論を終結し、採決いたします。」 after a member's 「異議なし。」, written
    「御議なし討論を集結し採決いたします。」 with little confidence, came back from the second
    decoding as 「ウォォォ…」 (roads-committee on an Intel Xeon): that is no reading, so the
    fallback is asked, and when it gives none either the first stands, all its words
    doubtful, where it used to give way to a gap and the sentence was lost."""
    speech = [(0.0, 4.5)]
    misheard = said(0.0, 4.5, "御議なし討論を集結し採決いたします。", probability=0.45)
    stretches = suspects(speech, [misheard], "ja")
    assert [s.reason for s in stretches] == ["doubted"]
    asked: list[bool] = []

    def garbled(start: float, end: float, fallback: bool,
                prompt: str | None = None) -> tuple[list[Segment], float | None]:
        asked.append(fallback)
        return [said(start, end, "ウォ" + "ォ" * 60 + "。", probability=0.5)], -0.09

    result = recover([misheard], speech, stretches, garbled, 4.5, -1.0, "ja")
    assert asked == [False, True]  # no reading: the temperature fallback is asked too
    assert [(s.gap, s.text) for s in result.segments] == [
        (False, "御議なし討論を集結し採決いたします。")]
    assert all(w.doubtful for w in result.segments[0].words) and result.gaps == 0
    # the fallback's reading, heard with confidence, is taken as the usual way says
    asked.clear()

    def then_heard(start: float, end: float, fallback: bool,
                   prompt: str | None = None) -> tuple[list[Segment], float | None]:
        asked.append(fallback)
        if not fallback:
            return [said(start, end, "ウォ" + "ォ" * 60 + "。", probability=0.5)], -0.09
        return [said(start, end, "御議なし討論を終結し採決いたします。")], -0.6

    result = recover([misheard], speech, stretches, then_heard, 4.5, -1.0, "ja")
    assert asked == [False, True] and not any(s.gap for s in result.segments)
    # text that says more than anyone could (reversed speech read as a long sentence) is
    # not "no reading": the fallback is not asked and the doubted text gives way to a gap
    asked.clear()
    result = recover([misheard], speech, stretches, second_decoding(
        "Sure, I'm in a shape, really nice game, and ladies and gentlemen, they're more "
        "than not more than more of a game than I'm at in the name of the memoir.", -0.92),
        4.5, -1.0, "ja")
    assert [s.gap for s in result.segments] == [True]


def test_doubted_text_written_again_or_heard_with_confidence_stands() -> None:
    speech = [(0.0, 6.0)]
    misheard = said(0.0, 6.0, "ウイギナシと見止めます。", probability=0.5)
    stretches = suspects(speech, [misheard], "ja")
    for decode in (second_decoding("ういぎなしと見止めます", -0.9),  # the same, in hiragana
                   second_decoding("生きなしと見止めます。", -0.55)):  # other, but sure
        result = recover([misheard], speech, stretches, decode, 6.0)
        assert result.segments == [misheard] and result.gaps == 0
        assert result.redecoded == 1


def test_gaps_next_to_each_other_are_one() -> None:
    speech = [(0.0, 2.0), (2.5, 9.0)]
    first = said(0.0, 2.0, "さみろえておふ", probability=0.3)
    second = said(2.5, 9.0, "えってばることにぬかすあうす", probability=0.3)
    result = recover([first, second], speech, suspects(speech, [first, second], "ja"),
                     second_decoding("寒いろいで", -1.0), 9.0)
    assert [(s.gap, s.start, s.end) for s in result.segments] == [(True, 0.0, 9.0)]
    assert (result.redecoded, result.gaps) == (2, 1)


def test_a_sparse_segment_keeps_its_text_when_the_new_one_is_no_better() -> None:
    speech = [(0.0, 8.0)]
    slow = said(0.0, 8.0, "い" * 10)

    def decode(start: float, end: float, fallback: bool,
               prompt: str | None = None) -> tuple[list[Segment], float | None]:
        return [said(0.0, 8.0, "え" * 10)], -0.5

    stretches = [Stretch(0.0, 8.0, "sparse", 0)]
    result = recover([slow], speech, stretches, decode, 8.0)
    assert [s.text for s in result.segments] == [slow.text] and result.gaps == 0


def test_coverage_counts_each_word_for_at_most_its_share() -> None:
    long_word = Segment(0.0, 10.0, "閉会", [Word(0.0, 10.0, "閉会", 0.9)])
    assert coverage([(0.0, 10.0)], [long_word], 0.0, 10.0) < MAX_WORD + 1.0


def test_a_short_doubted_segment_is_left_as_it_is() -> None:
    """Under a second and a quarter there is too little to decode alone: a real line of a
    telephone call (0.86 s, mean word probability 0.37) came back as other text, unsure, and
    would have been lost to a gap."""
    speech = [(12.51, 13.37)]
    short = said(12.51, 13.37, "This is dot in and", probability=0.37)
    assert suspects(speech, [short], "en") == []


def test_a_doubted_segment_missing_speech_is_replaced_by_the_text_that_says_it() -> None:
    """The held-out council recording (samples/council-questions-ja.flac) with the built-in
    terms as hotwords: one answer's text, its words spread over thirty seconds, in place of
    three more sentences. Decoded again without hotwords, the stretch says them all; the
    uncovered speech inside it is not decoded a second time on its own."""
    speech = [(48.0, 52.3), (53.2, 60.0), (61.2, 69.7), (70.3, 72.6), (73.2, 76.0)]
    answer = "高齢者のみの世帯から優先して進めてまいります。"
    stale = Segment(48.0, 77.1, answer, [
        Word(48.0 + i * 1.3, 48.0 + (i + 1) * 1.3, w, 0.45) for i, w in enumerate(answer)])
    stale.words[-1].end = 77.1
    found = suspects(speech, [stale], "ja")
    assert [(s.reason, s.segment) for s in found] == [("doubted", 0)], found
    asked: list[tuple[float, float]] = []

    def decode(start: float, end: float, fallback: bool,
               prompt: str | None = None) -> tuple[list[Segment], float | None]:
        asked.append((start, end))
        return [said(48.0, 52.3, answer), said(53.0, 60.0, "関連して、避難所となる小中学校の"
                                                 "体育館の空調整備の見通しをお聞かせください。"),
                said(61.0, 69.6, "体育館の空調につきましては、順次整備してまいります。"),
                said(70.3, 75.8, "以上で一般質問を終わります。本日はこれにて散会いたします。"),
                ], -0.24

    result = recover([stale], speech, found, decode, 77.1, language="ja")
    assert len(asked) == 1
    assert [s.text[:4] for s in result.segments] == ["高齢者の", "関連して", "体育館の", "以上で一"]
    assert (result.redecoded, result.recovered, result.gaps) == (1, 1, 0)


def test_a_doubted_segment_said_again_with_no_more_text_stands() -> None:
    speech = [(0.0, 6.0)]
    misheard = said(0.0, 6.0, "ウイギナシと見止めます。", probability=0.5)
    result = recover([misheard], speech, suspects(speech, [misheard], "ja"),
                     second_decoding("ういぎなしと見止めます。", -0.5), 6.0, language="ja")
    assert result.segments == [misheard] and result.recovered == 0


def test_a_word_held_over_speech_its_text_cannot_fill_makes_its_segment_suspect() -> None:
    """The Japanese sample with the built-in terms as hotwords: 「異議なし。」 (a member) and
    「異議なしと認めます。」 (the chair) written once, the particle と given the pause and
    the chair's 異議なし."""
    speech = [(58.2, 59.2), (60.1, 69.1)]
    merged = Segment(58.3, 61.6, "異議なしと認めます。", [
        Word(58.3, 58.6, "異議", 0.63), Word(58.6, 59.02, "なし", 0.94),
        Word(59.02, 60.8, "と", 0.76), Word(60.8, 61.3, "認め", 0.8),
        Word(61.3, 61.6, "ます。", 0.99)])
    assert [(s.reason, s.segment) for s in suspects(speech, [merged], "ja")] == [
        ("stretched", 0)]
    # a word held over a pause, or a long word said slowly, is not
    paused = Segment(58.3, 61.6, "異議なしと認めます。", [
        Word(58.3, 58.6, "異議", 0.63), Word(58.6, 59.02, "なし", 0.94),
        Word(59.02, 60.6, "と", 0.76), Word(60.6, 61.3, "認め", 0.8),
        Word(61.3, 61.6, "ます。", 0.99)])
    assert suspects([(58.2, 59.2), (60.5, 61.6)], [paused], "ja") == []

    def decode(start: float, end: float, fallback: bool,
               prompt: str | None = None) -> tuple[list[Segment], float | None]:
        return [said(58.0, 59.4, "ウィギナシー。"),
                said(59.9, 61.6, "ウィギナシーとミートメマス。")], -0.6

    result = recover([merged], speech, suspects(speech, [merged], "ja"), decode, 70.0,
                     language="ja")
    # the text that says both is kept, though it is spelt worse: a line lost is worse
    assert [s.text for s in result.segments] == ["ウィギナシー。", "ウィギナシーとミートメマス。"]


def test_more_text_for_a_doubted_segment_is_kept_only_when_heard_with_confidence() -> None:
    """English speech played backwards (tests/transcribe/test_missing_speech.py): decoded
    again, Whisper wrote more invented words, unsure of them."""
    speech = [(0.0, 6.0)]
    invented = said(0.0, 6.0, "so far in the", probability=0.3)
    more = "the lorry is over the road and the dog is gone"
    unsure = recover([invented], speech, suspects(speech, [invented], "en"),
                     second_decoding(more, -0.9), 6.0, language="en")
    assert [(s.gap, s.text) for s in unsure.segments] == [(True, "")]
    sure = recover([invented], speech, suspects(speech, [invented], "en"),
                   second_decoding(more, -0.4), 6.0, language="en")
    assert [s.text for s in sure.segments] == [more] and sure.recovered == 1


def test_speech_between_pauses_its_words_say_too_little_for_is_decoded_again_alone() -> None:
    """The held-out waste committee with the built-in terms as hotwords: the chair's question,
    a member's 「異議なし。」 (0.9 s) and the chair's 「ご異議なしと認め、」 written as the question
    and 「ご意義なしと認め、」, its ご held over the member's words. Only the speech from the
    question to 認め is decoded again, and the rest of the long segment keeps its text."""
    speech = [(52.0, 59.0), (63.5, 68.3), (68.7, 69.7), (70.6, 72.1), (72.6, 74.9)]
    before = said(52.0, 59.0, "個別に収集するふれあい収集を継続いたします")  # 20 letters
    question = said(63.5, 68.0, "本件については継続審査とすることにご意義ありませんか")
    merged = Segment(52.0, 74.9, "", [
        *before.words, *question.words,
        Word(68.48, 69.82, "ご", 0.49), Word(69.82, 71.06, "意義", 0.93),
        Word(71.06, 71.36, "なし", 0.79), Word(71.36, 71.94, "と認め、", 0.4),
        *said(72.6, 74.9, "継続審査と決定いたしました。").words])
    merged.text = "".join(w.text for w in merged.words)
    found = suspects(speech, [merged], "ja")
    assert [(s.reason, s.start, s.end, s.region) for s in found] == [
        ("thin", 63.5, 72.1, (68.7, 69.7))]
    # the same segment with the member's words in it is not thin
    heard = Segment(52.0, 74.9, "", [
        *before.words, *question.words, *said(68.7, 69.7, "異議なし。").words,
        *said(70.6, 72.1, "ご異議なしと認め、").words,
        *said(72.6, 74.9, "継続審査と決定いたしました。").words])
    heard.text = "".join(w.text for w in heard.words)
    assert suspects(speech, [heard], "ja") == []

    asked: list[tuple[float, float]] = []

    def decode(start: float, end: float, fallback: bool,
               prompt: str | None = None) -> tuple[list[Segment], float | None]:
        asked.append((start, end))
        return [said(63.5, 68.0, "本件については継続審査とすることにご異議ありませんか。"),
                said(68.7, 69.7, "お義なし。"), said(70.6, 72.1, "ご異議なしと認め、")], -0.5

    result = recover([merged], speech, found, decode, 80.0, language="ja")
    assert asked == [pytest.approx((63.2, 72.4))]
    assert [s.text for s in result.segments] == [
        "個別に収集するふれあい収集を継続いたします",
        "本件については継続審査とすることにご異議ありませんか。", "お義なし。",
        "ご異議なしと認め、", "継続審査と決定いたしました。"]
    assert (result.redecoded, result.recovered, result.gaps) == (1, 1, 0)

    # nothing more heard there: the text stays, and the word held over the speech is doubtful
    def same(start: float, end: float, fallback: bool,
             prompt: str | None = None) -> tuple[list[Segment], float | None]:
        return [said(63.5, 72.0, "本件については継続審査とすることにご意義ありませんか"
                          "ご意義なしと認め、")], -0.5

    kept = recover([merged], speech, suspects(speech, [merged], "ja"), same, 80.0,
                   language="ja")
    assert [s.text for s in kept.segments] == [merged.text]
    assert [w.text for w in kept.segments[0].words if w.doubtful] == ["ご"]


def test_a_segment_timed_inside_the_one_before_keeps_its_text_in_time_order() -> None:
    """Whisper timed 「Here's the note.」 under the previous sentence's last word (the pyannote
    sample at 1.1 times its loudness): its words follow on, doubtful, and nothing is lost."""
    from transcribe.alignment import in_time_order

    before = said(27.84, 29.88, "So I don't hear that New Jersey now.")
    inside = said(29.2, 29.5, "Here's the note.")
    segments = [before, inside]
    assert in_time_order(segments, since=27.0) == 3
    words = [w for s in segments for w in s.words]
    assert [w.text for w in words][-3:] == ["Here's", "the", "note."]
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert all(w.start <= w.end for w in words)
    assert [w.doubtful for w in inside.words] == [True, True, True]
    assert not any(w.doubtful for w in before.words)
    # a later window's words do not start before the last start of the windows before
    later = [said(29.0, 31.0, "and more")]
    assert in_time_order(later, since=words[-1].start) == 1
    assert later[0].words[0].start == words[-1].start
    assert in_time_order(segments, since=None) == 0


def test_a_short_answer_skipped_whole_is_heard_again_after_the_question() -> None:
    """A member's 「なし。」 between the chair's sentences, a short utterance of its own that
    no word touches (roads-committee on an AMD EPYC, where Whisper wrote nothing there): it
    is decoded again with the question as the prompt; text more than anyone says in that
    time is not kept (the fallback is tried); heard, its words are doubtful; unheard, it is
    no gap (too short to be sure it was speech); a breath is not even decoded."""
    question = said(0.0, 2.0, "ほかに質疑はありませんか。")
    closing = said(3.6, 5.6, "質疑を終結いたします。")
    speech = [(0.0, 2.0), (2.6, 3.2), (3.6, 5.6)]
    assert suspects([(0.0, 2.0), (2.6, 2.9), (3.6, 5.6)], [question, closing], "ja") == []
    [alone] = suspects(speech, [question, closing], "ja")
    assert (alone.start, alone.end, alone.reason) == (2.6, 3.2, "alone")
    asked: list[tuple[bool, str | None]] = []

    def answer(*heard: tuple[str, float]):  # type: ignore[no-untyped-def]
        def decode(start: float, end: float, fallback: bool,
                   prompt: str | None = None) -> tuple[list[Segment], float | None]:
            asked.append((fallback, prompt))
            text, logprob = heard[len(asked) - 1]
            return ([said(2.65, 3.15, text)] if text else []), logprob
        return decode

    repeated = "ウォ" + "ォ" * 40 + "。"
    result = recover([question, closing], speech, [alone],
                     answer((repeated, -0.1), ("なし。", -0.6)), 6.0, -1.0, "ja")
    assert asked == [(False, question.text), (True, question.text)]
    assert [s.text for s in result.segments] == [question.text, "なし。", closing.text]
    assert all(w.doubtful for w in result.segments[1].words)
    assert not any(w.doubtful for w in result.segments[0].words)
    assert (result.redecoded, result.recovered, result.gaps) == (1, 1, 0)
    asked.clear()
    result = recover([question, closing], speech, [alone], answer(("", None), ("", None)), 6.0,
                     -1.0, "ja")
    assert [s.text for s in result.segments] == [question.text, closing.text]
    assert (result.redecoded, result.recovered, result.gaps) == (1, 0, 0)


def test_one_sound_written_over_and_over_is_not_heard_and_the_fallback_is_asked() -> None:
    """Decoded without the fallback, a chair's 「討論を終結し、採決いたします。」 came back
    as 「ウォォォ…」 (ninety letters at a log-probability of -0.08, roads-committee with the
    built-in hotwords) and replaced the sentence: such text is not kept, whatever its
    probability; the temperature fallback is asked instead."""
    before = said(0.0, 4.0, "ほかに質疑はありませんか。それでは質疑を終結いたします。")
    speech = [(0.0, 4.0), (5.0, 9.0)]
    [stretch] = suspects(speech, [before], "ja")
    asked: list[bool] = []

    def decode(start: float, end: float, fallback: bool,
               prompt: str | None = None) -> tuple[list[Segment], float | None]:
        asked.append(fallback)
        text = "討論を終結し、採決いたします。" if fallback else "ウォ" + "ォ" * 30 + "。"
        return [said(5.1, 8.9, text)], -0.08 if not fallback else -0.5

    result = recover([before], speech, [stretch], decode, 9.0, -1.0, "ja")
    assert asked == [False, True]
    assert [s.text for s in result.segments] == [before.text, "討論を終結し、採決いたします。"]
