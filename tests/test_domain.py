from gijiroku.domain import join_words


def test_japanese_words_join_without_spaces() -> None:
    words = ["本日", "の", "会議", "を", "始め", "ます", "。"]
    assert join_words(words, "ja") == "本日の会議を始めます。"


def test_english_words_join_with_spaces_and_keep_pieces_attached() -> None:
    words = ["Move", "to", "part", "-time", "positions."]
    assert join_words(words, "en") == "Move to part-time positions."
    assert join_words(["the", "chair", "'s", "vote", ","], "en") == "the chair's vote,"
