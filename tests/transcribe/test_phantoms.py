import pytest

from transcribe.phantoms import is_phantom, normalize


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for watching!",
        "ご視聴ありがとうございました。",
        "ＴＨＡＮＫ ＹＯＵ．",
        " Please subscribe",
    ],
)
def test_known_phrases_over_silence_are_phantoms(text: str) -> None:
    assert is_phantom(text, loudness_dbfs=-70.0, no_speech_prob=0.1)


@pytest.mark.parametrize("text", [".", "…", "。", " - ", "!?"])
def test_punctuation_alone_over_hiss_or_doubted_is_a_phantom(text: str) -> None:
    # Seen on 20 s of -60 dBFS hiss: six segments of "." with no_speech_prob 0.96.
    assert is_phantom(text, loudness_dbfs=-20.0, no_speech_prob=0.96)
    assert is_phantom(text, loudness_dbfs=-60.0, no_speech_prob=0.1)
    assert not is_phantom(text, loudness_dbfs=-20.0, no_speech_prob=0.1)


def test_known_phrase_the_model_doubts_is_a_phantom() -> None:
    assert is_phantom("Thank you for watching.", loudness_dbfs=-20.0, no_speech_prob=0.8)


def test_a_person_really_saying_it_is_kept() -> None:
    assert not is_phantom("Thank you.", loudness_dbfs=-20.0, no_speech_prob=0.05)


def test_other_text_is_never_dropped() -> None:
    assert not is_phantom("Thank you for the report.", loudness_dbfs=-70.0, no_speech_prob=0.9)
    assert not is_phantom("ご清聴ありがとうございました", loudness_dbfs=-20.0, no_speech_prob=0.1)


def test_normalize_folds_width_case_and_punctuation() -> None:
    assert normalize("Ｔｈａｎｋｓ, for  WATCHING!") == "thanksforwatching"
    assert normalize("ご視聴 ありがとう、ございました。") == "ご視聴ありがとうございました"
