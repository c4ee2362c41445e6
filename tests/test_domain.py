from gijiroku.domain import join_words


def test_japanese_words_join_without_spaces() -> None:
    words = ["本日", "の", "会議", "を", "始め", "ます", "。"]
    assert join_words(words, "ja") == "本日の会議を始めます。"


def test_english_words_join_with_spaces_and_keep_pieces_attached() -> None:
    words = ["Move", "to", "part", "-time", "positions."]
    assert join_words(words, "en") == "Move to part-time positions."
    assert join_words(["the", "chair", "'s", "vote", ","], "en") == "the chair's vote,"


def test_one_clock_for_the_terminal_documents_subtitles_and_the_minutes_prompt() -> None:
    from gijiroku.domain import clock

    assert clock(3723.456) == "01:02:03"  # documents
    assert clock(3723.456, decimals=2) == "01:02:03.45"  # the terminal: cut, not rounded
    assert clock(3723.456, decimals=3, comma=True) == "01:02:03,456"  # SRT
    assert clock(5.9996, decimals=3) == "00:00:06.000"  # to the millisecond first
    assert clock(59.999) == "00:00:59"  # never shows later than it is
    assert clock(3723.4, pad_hours=False) == "1:02:03"  # the minutes prompt
    assert clock(-2.0) == "00:00:00" and clock(36_000 * 12) == "120:00:00"
