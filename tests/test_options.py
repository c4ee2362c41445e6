"""MeetingOptions: the one parser for what a person asks for a meeting, and the stored form
that databases written before it still load from."""

import pytest

from gijiroku.errors import InvalidInputError
from gijiroku.options import MeetingOptions


def test_options_as_older_versions_stored_them_load_and_store_unchanged() -> None:
    stored = {"language": "ja", "hotwords": "議案第12号", "num_speakers": 3,
              "template": "ja", "minutes_language": "en", "date": "2026-11-20",
              "place": "第1委員会室", "minutes": False}
    options = MeetingOptions.stored(stored)
    assert options.language == "ja" and options.num_speakers == 3 and not options.minutes
    assert options.to_stored() == stored
    assert MeetingOptions.stored({}).to_stored() == {} and MeetingOptions.stored(None).minutes


def test_what_this_version_cannot_use_is_left_out_of_a_stored_row() -> None:
    odd = {"language": 5, "num_speakers": "3", "min_speakers": True, "max_speakers": 0,
           "place": "", "minutes": "no", "a_key_from_a_newer_version": [1]}
    assert MeetingOptions.stored(odd) == MeetingOptions()


def test_what_a_person_gives_is_checked_once() -> None:
    options = MeetingOptions.checked(language=" JA ", date="2026-11-20", num_speakers="4",
                                     place="  ", template=None, minutes=True)
    assert options == MeetingOptions(language="ja", date="2026-11-20", num_speakers=4)
    assert MeetingOptions.checked(language="auto").language is None
    for given, message in [
        ({"date": "20 Nov"}, "YYYY-MM-DD"),
        ({"language": "japanese"}, "Unknown language"),
        ({"num_speakers": "0"}, "from 1 to 100"),
        ({"max_speakers": "many"}, "from 1 to 100"),
        ({"min_speakers": 4, "max_speakers": 2}, "min speakers"),
        ({"place": "x" * 201}, "longer than 200"),
        ({"colour": "red"}, "colour"),
    ]:
        with pytest.raises(InvalidInputError, match=message):
            MeetingOptions.checked(**given)
