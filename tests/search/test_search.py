"""Full-text search over stored meetings, on a real SQLite file and on the local PostgreSQL
server: Japanese and English, phrases, AND / OR / NOT, filters (dates, kind, group, speaker,
roster person, role), edits showing in the next search, a deleted meeting gone, another
group's lines never found, the public copy for a viewer; the CLI's and the API's shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from api import create_app
from gijiroku import accounts, edits, meetings, roster, search
from gijiroku.config import Settings
from gijiroku.domain import Segment, Speaker, Transcript
from gijiroku.edits import marks as mark_edits
from gijiroku.errors import InvalidInputError
from gijiroku.options import MeetingOptions
from gijiroku.principal import INSTALLATION, Principal
from gijiroku.storage import close_database, open_database, repository, session_scope
from gijiroku.storage.tables import SpeakerRow
from tests.accounts.test_access import bearer
from tests.api.test_api import LOCAL
from tests.conftest import new_postgres_database

#: (title, date, kind, group, [(speaker, text)]), speakers S1.. named as given
MEETINGS = [
    ("総務委員会", "2025-06-10", "iinkai", "議会事務局", [
        ("委員長", "ただいまから総務委員会を開会します。"),
        ("石川隆之", "図書館の開館時間について伺います。"),
        ("市長", "図書館の開館時間は午後八時まで延長します。"),
        ("石川隆之", "8番、了承しました。"),
    ]),
    ("本会議 第2日", "2026-03-02", "honkaigi", "議会事務局", [
        ("議長", "これより本日の会議を開きます。"),
        ("市長", "市立病院の建て替えは来年度に着手します。"),
        ("石川隆之", "図書館の駐車場が足りません。"),
    ]),
    ("Procurement meeting", "2026-04-01", "other", "総務課", [
        ("Chair", "The library budget was approved."),
        ("Finance", "Libraries need new roofs; the budget covers one."),
        ("Chair", "Next item: the city hall procurement."),
    ]),
]


def store(engine: Engine, title: str, day: str, kind: str, group: str,
          lines: list[tuple[str, str]]) -> str:
    names = list(dict.fromkeys(name for name, _ in lines))
    keys = {name: f"S{at}" for at, name in enumerate(names, start=1)}
    language = "en" if title.isascii() else "ja"
    with session_scope(engine) as session:
        meeting = repository.create_meeting(
            session, title=title, source_name="x.flac", source_path="", content_hash="0",
            options=MeetingOptions(language=language, date=day, kind=kind))
        segments = [Segment(start=at * 5.0, end=at * 5.0 + 4.0, text=said,
                            speaker=keys[name], source=at)
                    for at, (name, said) in enumerate(lines)]
        repository.save_transcript(session, meeting_id=meeting.id, transcript=Transcript(
            language=language, duration=len(lines) * 5.0, segments=segments))
        repository.save_speakers(session, meeting_id=meeting.id, speakers=[
            Speaker(keys[n], f"SPEAKER_{i:02d}", name=n) for i, n in enumerate(names)])
        meeting_id = meeting.id
    accounts.put_in_section(engine, meeting_id, name=group)
    return meeting_id


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Engine]:
    """The same tests on the SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = settings.resolved_database_url
        yield open_database(url)
        close_database(url)
    else:
        with new_postgres_database() as url:
            yield open_database(url)
            close_database(url)


def store_all(engine: Engine) -> dict[str, str]:
    return {title: store(engine, title, *rest) for title, *rest in MEETINGS}  # type: ignore[arg-type]


@pytest.fixture
def stored(db: Engine) -> dict[str, str]:
    return store_all(db)


def texts(found: search.Found) -> list[str]:
    return [hit.text for hit in found.hits]


def find(engine: Engine, query: str, reader: Principal = INSTALLATION, **filters: object
         ) -> list[str]:
    return texts(search.search(engine, query, reader=reader,
                               filters=search.Filters(**filters)))  # type: ignore[arg-type]


def test_japanese_and_english_words_phrases_and_operators(db: Engine,
                                                          stored: dict[str, str]) -> None:
    # any substring of Japanese text, from one character up; newest first
    assert find(db, "図書館") == ["図書館の駐車場が足りません。",
                                    "図書館の開館時間は午後八時まで延長します。",
                                    "図書館の開館時間について伺います。"]
    assert find(db, "開館時間") == ["図書館の開館時間は午後八時まで延長します。",
                                     "図書館の開館時間について伺います。"]
    assert find(db, "館の開") == find(db, "開館時間")  # across words
    assert find(db, "病") == ["市立病院の建て替えは来年度に着手します。"]
    assert find(db, "8番") == ["8番、了承しました。"]
    assert find(db, "８番") == ["8番、了承しました。"]  # full width, as typed in Japan
    # AND, OR, NOT
    assert find(db, "図書館 延長") == ["図書館の開館時間は午後八時まで延長します。"]
    assert find(db, "病院 OR 駐車場") == ["図書館の駐車場が足りません。",
                                          "市立病院の建て替えは来年度に着手します。"]
    assert find(db, "図書館 -開館") == ["図書館の駐車場が足りません。"]
    assert find(db, "図書館 NOT 駐車場 NOT 延長") == ["図書館の開館時間について伺います。"]
    # English: whole words, any case, a prefix with *, a phrase
    assert find(db, "LIBRARY") == ["The library budget was approved."]
    assert find(db, "librar*") == ["Libraries need new roofs; the budget covers one.",
                                       "The library budget was approved."]
    assert find(db, '"library budget"') == ["The library budget was approved."]
    assert find(db, '"budget library"') == []
    assert find(db, "budget -roofs") == ["The library budget was approved."]
    with pytest.raises(InvalidInputError):
        search.parse("-図書館")
    with pytest.raises(InvalidInputError):
        search.parse("、。！")


def test_filters(db: Engine, stored: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert find(db, "図書館", since=date(2026, 1, 1)) == ["図書館の駐車場が足りません。"]
    assert len(find(db, "図書館", until=date(2025, 12, 31))) == 2
    assert find(db, "図書館", kind="honkaigi") == ["図書館の駐車場が足りません。"]
    assert find(db, "budget", group="議会事務局") == []
    assert len(find(db, "budget", group="総務課")) == 2
    assert find(db, "図書館", speaker="市長") == ["図書館の開館時間は午後八時まで延長します。"]
    # a roster person (the speaker confirmed as them), a role from the roster's title
    roster.add_person(db, "石川隆之", roster="議会", seat=8, title="議員")
    roster.add_person(db, "小林恵子", roster="議会", title="市長")
    with session_scope(db) as session:
        people = {name: roster.find_person(session, name).id for name in ("石川隆之", "小林恵子")}
        for row in session.exec(select(SpeakerRow)):
            if row.name in ("石川隆之", "市長"):
                row.person_id = people["石川隆之" if row.name == "石川隆之" else "小林恵子"]
                session.add(row)
    assert find(db, "図書館", person="石川隆之") == ["図書館の駐車場が足りません。",
                                                   "図書館の開館時間について伺います。"]
    assert find(db, "図書館", role="市長") == ["図書館の開館時間は午後八時まで延長します。"]
    assert find(db, "図書館", role="議員") == find(db, "図書館", person="石川隆之")
    # lines are counted up to a limit, then the total says "or more"
    monkeypatch.setattr(search, "COUNT_LIMIT", 2)
    narrowed = search.search(db, "図書館", reader=INSTALLATION,
                             filters=search.Filters(kind="iinkai"))
    assert (narrowed.total, narrowed.exact, len(narrowed.hits)) == (2, True, 2)
    narrowed = search.search(db, "図書館", reader=INSTALLATION,
                             filters=search.Filters(since=date(2025, 1, 1)))
    assert (narrowed.total, narrowed.exact, len(narrowed.hits)) == (3, False, 3)
    whole = search.search(db, "図書館", reader=INSTALLATION, limit=1)
    assert (whole.total, whole.exact, len(whole.hits)) == (2, False, 1)


def test_edits_show_in_the_next_search_and_a_deleted_meeting_disappears(
        db: Engine, stored: dict[str, str], settings: Settings) -> None:
    committee = stored["総務委員会"]
    assert find(db, "開館時間") != []
    edits.edit_segment(db, committee, 3, text="図書館の閉館時刻は午後八時まで延長します。")
    assert find(db, "閉館時刻") == ["図書館の閉館時刻は午後八時まで延長します。"]
    assert find(db, "開館時間") == ["図書館の開館時間について伺います。"]
    meetings.delete_meeting(db, settings.data_dir, committee)
    assert find(db, "閉館時刻") == [] and find(db, "開館時間") == []
    assert find(db, "図書館") == ["図書館の駐車場が足りません。"]


def test_a_person_finds_only_their_groups_lines_and_a_viewer_the_public_copy(
        db: Engine, stored: dict[str, str]) -> None:
    accounts.create_user(db, "somu-editor", "editor", groups=["総務課"])
    accounts.create_user(db, "gikai-viewer", "viewer", groups=["議会事務局"])
    somu = accounts.by_name(db, "somu-editor")
    viewer = accounts.by_name(db, "gikai-viewer")
    assert somu is not None and viewer is not None
    assert find(db, "図書館", reader=somu) == []
    assert search.search(db, "図書館", reader=somu).total == 0
    assert len(find(db, "budget", reader=somu)) == 2
    assert find(db, "budget", reader=viewer) == []
    # a personal passage: the viewer does not find the line by it, nor reads it
    mark_edits.add_mark(db, stored["本会議 第2日"], segment=3, start=0, end=3,
                        kind="personal", category="other")
    assert find(db, "駐車場", reader=viewer) == ["〔個人情報〕の駐車場が足りません。"]
    assert find(db, "図書館 駐車場", reader=viewer) == []
    assert search.search(db, "図書館", reader=viewer).total == 2
    assert find(db, "図書館 駐車場", reader=INSTALLATION) == ["図書館の駐車場が足りません。"]


def test_highlights_point_at_the_words_found(db: Engine, stored: dict[str, str]) -> None:
    hit = search.search(db, "開館時間 延長", reader=INSTALLATION).hits[0]
    assert [hit.text[a:b] for a, b in hit.highlights] == ["開館時間", "延長"]
    hit = search.search(db, "８番", reader=INSTALLATION).hits[0]
    assert [hit.text[a:b] for a, b in hit.highlights] == ["8番"]


def test_the_cli_and_the_api_answer_the_fixed_shapes(settings: Settings, cli, engine: Engine,  # type: ignore[no-untyped-def]
                                                     ) -> None:
    stored = store_all(engine)  # (on the SQLite file alone)
    ran = cli("search", "図書館 延長", "--json", data_dir=settings.data_dir)
    assert ran.returncode == 0, ran.stderr
    found = json.loads(ran.stdout)
    assert found["total"] == 1
    hit = found["hits"][0]
    assert hit["meeting_id"] == stored["総務委員会"] and hit["segment_id"] == 3
    assert hit["speaker"] == "市長" and hit["start"] == 10.0
    assert hit["text"] == "図書館の開館時間は午後八時まで延長します。"
    ran = cli("search", "--", "-図書館", data_dir=settings.data_dir)  # (-- before a "-word")
    assert ran.returncode == 2 and "search_empty" in ran.stderr
    accounts.create_user(engine, "viewer", "viewer", groups=["総務課"])
    token = accounts.new_token(engine, "viewer")
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        answer = client.get("/api/search", params={"q": "budget"}, headers=bearer(token))
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"] == 2
        assert {h["meeting_id"] for h in answer.json()["hits"]} == {
            stored["Procurement meeting"]}
        assert client.get("/api/search", params={"q": "図書館"}, headers=bearer(token)
                          ).json() == {"hits": [], "total": 0, "total_exact": True}
        assert client.get("/api/search", params={"q": "-x"}, headers=bearer(token)
                          ).status_code == 422
