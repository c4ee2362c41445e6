from diarize.assign import assign_speakers, carry_names, unsplit
from gijiroku.domain import Segment, Speaker, SpeakerTurn, Word


def words(*spans: tuple[float, float, str]) -> list[Word]:
    return [Word(start, end, text, 0.9) for start, end, text in spans]


def test_each_word_goes_to_the_speaker_covering_most_of_it() -> None:
    turns = [SpeakerTurn(0.0, 2.05, "A"), SpeakerTurn(1.9, 4.0, "B")]
    segment = Segment(0.0, 4.0, "one two three four", words(
        (0.1, 0.9, "one"), (1.0, 2.0, "two"), (2.0, 3.0, "three"), (3.0, 3.9, "four"),
    ), source=0)
    segments, speakers = assign_speakers([segment], turns, "en")
    assert [s.speaker for s in segments] == ["S1", "S2"]
    assert [s.text for s in segments] == ["one two", "three four"]
    assert segments[0].start == 0.0 and segments[1].end == 4.0
    assert segments[0].end == 2.0 and segments[1].start == 2.0
    assert speakers == [Speaker("S1", "A"), Speaker("S2", "B")]
    assert all(s.source == 0 for s in segments)


def test_words_in_gaps_go_to_the_nearest_turn() -> None:
    turns = [SpeakerTurn(0.0, 1.0, "A"), SpeakerTurn(5.0, 6.0, "B")]
    segment = Segment(0.0, 6.0, "x", words((1.2, 1.5, "early"), (4.0, 4.6, "late")))
    segments, _ = assign_speakers([segment], turns, "en")
    assert [w.speaker for s in segments for w in s.words] == ["S1", "S2"]


def test_speakers_are_numbered_by_first_appearance_in_the_transcript() -> None:
    turns = [SpeakerTurn(0.0, 1.0, "SPEAKER_07"), SpeakerTurn(1.0, 2.0, "SPEAKER_00")]
    _, speakers = assign_speakers(
        [Segment(0.0, 2.0, "aye bee", words((0.2, 0.8, "aye"), (1.2, 1.8, "bee")))], turns, "en"
    )
    assert [(s.id, s.label) for s in speakers] == [("S1", "SPEAKER_07"), ("S2", "SPEAKER_00")]


def test_japanese_split_segments_have_no_spaces() -> None:
    turns = [SpeakerTurn(0.0, 1.0, "A"), SpeakerTurn(1.0, 2.0, "B")]
    segment = Segment(0.0, 2.0, "賛成です。反対です。", words(
        (0.1, 0.4, "賛成"), (0.4, 0.9, "です。"), (1.1, 1.4, "反対"), (1.4, 1.9, "です。"),
    ))
    segments, _ = assign_speakers([segment], turns, "ja")
    assert [s.text for s in segments] == ["賛成です。", "反対です。"]


def test_no_turns_leaves_speakers_empty() -> None:
    segment = Segment(0.0, 1.0, "hello", words((0.1, 0.5, "hello")))
    segments, speakers = assign_speakers([segment], [], "en")
    assert speakers == [] and segments[0].speaker is None and segments[0].text == "hello"


def test_unsplit_rejoins_segments_of_one_recognition_segment() -> None:
    turns = [SpeakerTurn(0.0, 1.0, "A"), SpeakerTurn(1.0, 2.0, "B")]
    original = Segment(0.0, 2.0, "aye bee", words((0.2, 0.8, "aye"), (1.2, 1.8, "bee")),
                       source=3)
    split, _ = assign_speakers([original], turns, "en")
    assert len(split) == 2
    (joined,) = unsplit(split, "en")
    assert (joined.start, joined.end, joined.text, joined.source) == (0.0, 2.0, "aye bee", 3)
    assert [w.text for w in joined.words] == ["aye", "bee"] and joined.speaker is None


def test_a_split_never_leaves_a_scrap_of_one_or_two_letters() -> None:
    # A short blip of another voice under 「援の」: that piece alone would be a line.
    turns = [SpeakerTurn(0.0, 2.5, "A"), SpeakerTurn(2.5, 3.0, "B"), SpeakerTurn(3.0, 6.0, "A")]
    segment = Segment(0.0, 6.0, "高齢の方への操作支援の窓口を設けます。", words(
        (0.1, 0.6, "高齢"), (0.6, 0.8, "の"), (0.8, 1.2, "方"), (1.2, 1.5, "への"),
        (1.5, 2.2, "操作支"), (2.6, 2.8, "援の"), (3.4, 3.9, "窓口を"), (4.0, 5.0, "設けます。"),
    ), source=0)
    segments, _ = assign_speakers([segment], turns, "ja")
    assert [s.text for s in segments] == ["高齢の方への操作支援の窓口を設けます。"]
    assert {w.speaker for w in segments[0].words} == {"S1"}
    # a scrap that stands nearer the next speaker's words joins them instead
    segment = Segment(0.0, 6.0, "x", words(
        (0.1, 1.0, "賛成です。"), (2.0, 2.4, "では"), (3.0, 4.0, "反対です。"),
    ), source=1)
    turns = [SpeakerTurn(0.0, 1.5, "A"), SpeakerTurn(1.5, 2.8, "C"), SpeakerTurn(2.8, 6.0, "B")]
    segments, speakers = assign_speakers([segment], turns, "ja")
    assert [s.text for s in segments] == ["賛成です。", "では反対です。"]
    assert [s.label for s in speakers] == ["A", "B"]
    # a whole line that is short is no scrap: nothing is split, nothing merged
    segment = Segment(0.0, 1.0, "はい", words((0.1, 0.5, "はい")), source=2)
    assert [s.text for s in assign_speakers([segment], turns, "ja")[0]] == ["はい"]


def test_names_follow_the_new_speaker_that_took_their_words() -> None:
    old = [Speaker("S1", "A", "議長"), Speaker("S2", "B", None)]
    new = [Speaker("S1", "X"), Speaker("S2", "Y"), Speaker("S3", "Z")]
    before = ["S1", "S1", "S1", "S2", "S2"]
    after = ["S2", "S2", "S1", "S1", "S3"]
    named = carry_names(old, before, new, after)
    assert [s.name for s in named] == [None, "議長", None]
