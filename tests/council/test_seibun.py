"""整文 suggestions (`gijiroku.council.seibun`): a word or phrase said twice and a false start
offered line by line, what is not one left alone, and nothing changed until accepted."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api import create_app
from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.council.seibun import suggest
from tests.api.test_api import LOCAL
from tests.council.plenary import store_plenary


@pytest.mark.parametrize(("said", "proposed", "kinds"), [
    ("その、その件につきましては、こ、今回の補正で対応いたします。",
     "その件につきましては、今回の補正で対応いたします。", ("repeat", "false_start")),
    ("ただいまの、ただいまの出席議員は二十四名であります。",
     "ただいまの出席議員は二十四名であります。", ("repeat",)),
    ("市、市民の皆様にお知らせします。", "市民の皆様にお知らせします。", ("false_start",)),
    ("大変、大変お世話になりました。", "大変お世話になりました。", ("repeat",)),
])
def test_words_said_twice_and_false_starts(said: str, proposed: str,
                                           kinds: tuple[str, ...]) -> None:
    found = suggest(said)
    assert found is not None and (found.proposed, found.kinds) == (proposed, kinds)


@pytest.mark.parametrize("said", [
    "はい、はい、わかりました。",  # an answer, said twice on purpose
    "議案第九十八号について伺います。",
    "私は、私の考えでは賛成です。",  # the same word in two roles
    "三番、木村議員。",
])
def test_what_is_no_repetition_is_left_alone(said: str) -> None:
    assert suggest(said) is None


def test_suggestions_through_the_api_change_nothing_until_accepted(
        settings: Settings, engine: Engine) -> None:
    meeting = store_plenary(engine)
    edits.edit_segment(engine, meeting, 9, text="こ、今回の給付は、およそ一万二千世帯が対象です。")
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        found = client.get(f"/api/meetings/{meeting}/suggestions").json()
        assert [(f["segment"], f["proposed"], f["kinds"]) for f in found] == [
            (9, "今回の給付は、およそ一万二千世帯が対象です。", ["false_start"])]
        line = client.get(f"/api/meetings/{meeting}").json()["segments"][8]
        assert line["text"].startswith("こ、")  # offered, not applied
        accepted = client.patch(f"/api/meetings/{meeting}/segments/9",
                                json={"text": found[0]["proposed"],
                                      "version": found[0]["version"]})
        assert accepted.status_code == 200
        assert client.get(f"/api/meetings/{meeting}/suggestions").json() == []
