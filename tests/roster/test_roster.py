"""The roster without models: people and rosters, CSV import (UTF-8 and Shift_JIS, a bad row
refusing the whole file), matching voices to voiceprints (no person twice, nobody under the
threshold), confirming a speaker (named, voiceprint kept, corrections moving it, undo), and
what the roster feeds: titles and seats in exports, attendance, recognition terms, hints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from api import create_app
from gijiroku import edits, roster
from gijiroku.config import Settings
from gijiroku.domain import Speaker, SpeakerTurn, Voice
from gijiroku.errors import EditConflictError, InvalidInputError, NotFoundError
from gijiroku.export import export_meeting
from gijiroku.options import MeetingOptions
from gijiroku.result import result_document
from gijiroku.stages.diarize import speaker_hints
from gijiroku.stages.transcribe import meeting_terms
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import VoiceprintRow
from tests.api.test_api import LOCAL
from tests.seed import seed_meeting

MODEL = "test:eight-dimensions"


def unit(*values: float) -> tuple[float, ...]:
    vector = np.zeros(8)
    vector[: len(values)] = values
    return tuple(float(v) for v in vector / np.linalg.norm(vector))


#: Three voices far apart, and one close to the first (cosine 0.8).
TANAKA, ISHIKAWA, KOBAYASHI = unit(1), unit(0, 1), unit(0, 0, 1)
LIKE_TANAKA = unit(0.8, 0, 0, 0.6)


def meeting_with_voices(engine: Engine, data_dir: Path, voices: list[tuple[float, ...]],
                        options: MeetingOptions | None = None) -> str:
    meeting_id = seed_meeting(engine, data_dir)
    with session_scope(engine) as session:
        if options is not None:
            row = repository.get_meeting_row(session, meeting_id)
            row.options = options.to_stored()
            session.add(row)
        repository.save_speakers(session, meeting_id=meeting_id, speakers=[
            Speaker(f"S{i + 1}", f"SPEAKER_{i:02d}", voice=Voice(v, MODEL, 12.0))
            for i, v in enumerate(voices)])
    return meeting_id


def speakers(engine: Engine, meeting_id: str) -> dict[str, Speaker]:
    with session_scope(engine) as session:
        return {s.id: s for s in repository.load_speakers(session, meeting_id)}


def match(engine: Engine, meeting_id: str, threshold: float = 0.9) -> dict[str, Any]:
    roster.suggest_again(engine, meeting_id, threshold)
    return {key: (s.suggestion.person.name, s.suggestion.score) if s.suggestion else None
            for key, s in speakers(engine, meeting_id).items()}


@pytest.fixture
def council(engine: Engine) -> Engine:
    roster.import_csv(engine, (
        "氏名,ふりがな,議席,役職,会派\n"
        "田中太郎,たなかたろう,1,議長,市民クラブ\n"
        "石川 隆之,いしかわたかゆき,８番,議員,市民クラブ\n"
        "小林恵子,こばやしけいこ,,総務部長,総務部\n").encode("cp932"), "市議会")
    return engine


def test_a_clerks_csv_in_shift_jis_fills_a_roster(council: Engine) -> None:
    listed = {e.person.name: e for e in roster.entries(council, "市議会")}
    assert list(listed) == ["田中太郎", "石川 隆之", "小林恵子"]  # by seat, then reading
    assert listed["石川 隆之"].person.seat == 8  # 「８番」 as a clerk writes it
    assert listed["田中太郎"].person.title == "議長"
    assert listed["小林恵子"].person.affiliation == "総務部"
    assert listed["石川 隆之"].person.role() == "8番"
    assert listed["田中太郎"].person.role() == "議長"
    # the same people again (UTF-8 with a BOM, English headings) update, never duplicate
    done = roster.import_csv(council, "\ufeffname,title\n石川隆之,副議長\n".encode(), "市議会")
    assert (done.added, done.updated) == (0, 1)
    assert roster.entries(council, "市議会")[1].person.title == "副議長"


@pytest.mark.parametrize(("data", "code"), [
    (b"", "csv_empty"),
    ("役職,会派\n議長,市民クラブ\n".encode(), "csv_no_name_column"),
    ("name,seat\n山本花子,12\n佐藤,twelve\n".encode(), "csv_row_invalid"),
    ("name,seat\n山本花子,12\n,3\n".encode(), "csv_row_invalid"),
    (b"name\n\xff\xfe\xfa", "csv_encoding"),
])
def test_a_bad_csv_is_refused_whole_with_the_row_named(engine: Engine, data: bytes,
                                                      code: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        roster.import_csv(engine, data, "市議会")
    assert refused.value.code == code
    if code == "csv_row_invalid":
        assert "Row 3" in refused.value.message
    assert roster.entries(engine) == []  # nothing of it stayed


def test_voices_are_matched_to_one_person_each_and_never_under_the_threshold() -> None:
    prints = {1: np.asarray(TANAKA), 2: np.asarray(ISHIKAWA)}
    voices = {"S1": np.asarray(LIKE_TANAKA), "S2": np.asarray(TANAKA),
              "S3": np.asarray(KOBAYASHI)}
    # S1 and S2 both sound like Tanaka: he goes to the closer one only
    assert roster.best_matches(voices, prints, 0.7) == {"S2": (1, 1.0)}
    assert roster.best_matches(voices, prints, 1.01) == {}
    assert roster.best_matches({"S1": np.asarray(LIKE_TANAKA)}, prints, 0.7) == {
        "S1": (1, 0.8)}


def test_a_confirmed_speaker_is_named_keeps_a_voiceprint_and_is_found_next_time(
        council: Engine, settings: Settings) -> None:
    first = meeting_with_voices(council, settings.data_dir, [TANAKA, ISHIKAWA])
    assert match(council, first) == {"S1": None, "S2": None}  # nobody enrolled yet
    done = edits.enrol(council, first, "S1", "田中 太郎", 0.9)  # spaces aside
    assert done.voiceprint is not None and done.person.name == "田中太郎"
    tanaka = speakers(council, first)["S1"]
    assert (tanaka.name, tanaka.confirmed, tanaka.person and tanaka.person.title) == (
        "田中太郎", True, "議長")
    # one person is one speaker
    with pytest.raises(EditConflictError, match="already confirmed"):
        edits.enrol(council, first, "S2", "田中太郎", 0.9)
    with pytest.raises(NotFoundError, match="No one named"):
        edits.enrol(council, first, "S2", "山田一郎", 0.9)

    second = meeting_with_voices(council, settings.data_dir, [KOBAYASHI, TANAKA])
    assert match(council, second) == {"S1": None, "S2": ("田中太郎", 1.0)}
    document = result_document(repository_meeting(council, second))
    assert document["speakers"][1]["suggestion"]["person"] == "田中太郎"
    assert document["speakers"][1]["confirmed"] is False
    assert document["speakers"][0]["suggestion"] is None


def repository_meeting(engine: Engine, meeting_id: str) -> Any:
    with session_scope(engine) as session:
        return repository.load_meeting(session, meeting_id)


def test_a_correction_moves_the_voiceprint_and_undo_puts_everything_back(
        council: Engine, settings: Settings) -> None:
    first = meeting_with_voices(council, settings.data_dir, [TANAKA, ISHIKAWA])
    edits.enrol(council, first, "S1", "石川隆之", 0.9)  # a slip
    wrong = edits.enrol(council, first, "S1", "田中太郎", 0.9)  # corrected
    with session_scope(council) as session:
        owners = {p.person_id for p in session.exec(select(VoiceprintRow)).all()}
    tanaka = roster.entries(council, "市議会")[0]
    assert tanaka.voiceprints == {MODEL: 1}
    assert len(owners) == 1  # Ishikawa's wrong voiceprint was taken back
    later = meeting_with_voices(council, settings.data_dir, [TANAKA])
    assert match(council, later) == {"S1": ("田中太郎", 1.0)}

    edits.undo(council, first, wrong.edit.id)  # back to the slip
    s1 = speakers(council, first)["S1"]
    assert (s1.name, s1.person and s1.person.name) == ("石川 隆之", "石川 隆之")
    assert match(council, later) == {"S1": ("石川 隆之", 1.0)}


def test_only_the_meetings_roster_members_of_that_day_are_suggested(
        council: Engine, settings: Settings) -> None:
    roster.add_person(council, "山本花子", roster="総務委員会", seat=12, active_to="2026-03-31")
    first = meeting_with_voices(council, settings.data_dir, [TANAKA, ISHIKAWA])
    edits.enrol(council, first, "S1", "田中太郎", 0.9)
    edits.enrol(council, first, "S2", "山本花子", 0.9)
    committee = meeting_with_voices(council, settings.data_dir, [TANAKA, ISHIKAWA],
                                    MeetingOptions(roster="総務委員会", date="2026-06-01"))
    # 田中 is not on the committee, and 山本 left it before that day
    assert match(council, committee) == {"S1": None, "S2": None}
    earlier = meeting_with_voices(council, settings.data_dir, [TANAKA, ISHIKAWA],
                                  MeetingOptions(roster="総務委員会", date="2026-01-15"))
    assert match(council, earlier) == {"S1": None, "S2": ("山本花子", 1.0)}


def test_voiceprints_of_another_model_are_never_compared_and_are_reported(
        council: Engine, settings: Settings) -> None:
    first = meeting_with_voices(council, settings.data_dir, [TANAKA])
    edits.enrol(council, first, "S1", "田中太郎", 0.9)
    with session_scope(council) as session:
        row = repository.get_speaker_row(session, first, "S1")
        row.voice_model = "another:model"  # as if diarized with other weights
        session.add(row)
        assert roster.stale_models(session, "another:model") == {MODEL: 1}
    later = meeting_with_voices(council, settings.data_dir, [TANAKA])
    with session_scope(council) as session:
        row = repository.get_speaker_row(session, later, "S1")
        row.voice_model = "another:model"
        session.add(row)
    assert match(council, later) == {"S1": None}
    # a model nobody measured suggests nothing unless a threshold is set
    assert roster.threshold_for("another:model", None) is None
    assert roster.threshold_for("campplus-cn-en-common", None) is not None


def test_the_record_and_exports_use_title_and_seat_once_confirmed(
        council: Engine, settings: Settings) -> None:
    meeting = meeting_with_voices(council, settings.data_dir, [TANAKA, ISHIKAWA, KOBAYASHI],
                                  MeetingOptions(roster="市議会", kind="honkaigi",
                                                 date="2026-12-10"))
    for key, name in (("S1", "田中太郎"), ("S2", "石川隆之"), ("S3", "小林恵子")):
        edits.enrol(council, meeting, key, name, 0.9)
    record = export_meeting(council, meeting, "md", layout="kaigiroku").content.decode()
    assert "○議長（田中太郎君）" in record
    assert "○８番（石川 隆之君）" in record  # the name as the roster spells it
    assert "○総務部長（小林恵子君）" in record
    assert "１番　田中太郎" in record or "1番　田中太郎" in record  # attendance from the roster
    assert "総務部長　小林恵子" in record
    minutes = export_meeting(council, meeting, "md").content.decode()
    assert "議長（田中太郎）" in minutes
    # renamed by hand afterwards: the hand-given name wins, without the roster's title
    edits.rename_speaker(council, meeting, "S1", "田中議長")
    assert "議長（田中太郎）" not in export_meeting(council, meeting, "md").content.decode()


def test_the_roster_gives_recognition_terms_and_a_speaker_count_bound(
        council: Engine, settings: Settings) -> None:
    with session_scope(council) as session:
        assert roster.terms(session, "市議会", None) == (
            ("ja", "田中太郎"), ("ja", "石川 隆之"), ("ja", "小林恵子"))
        assert roster.terms(session, None, None) == ()
        assert roster.expected_count(session, "市議会", "2026-12-10") == 3
        # the names reach Whisper only when asked for (bench/roster_terms.py: they cost CER)
        with_roster = MeetingOptions(roster="市議会")
        assert ("ja", "田中太郎") not in meeting_terms(session, settings, with_roster)
        asked = settings.model_copy(update={"roster_terms": True})
        assert meeting_terms(session, asked, with_roster)[:3] == roster.terms(
            session, "市議会", None)
    assert speaker_hints(settings, MeetingOptions(), 3).max_speakers == 5
    # the meeting's own hints, or configured ones, win over the roster's bound
    assert speaker_hints(settings, MeetingOptions(num_speakers=2), 3).num_speakers == 2
    configured = settings.model_copy(update={"min_speakers": 2})
    assert speaker_hints(configured, MeetingOptions(), 3).max_speakers is None


def test_the_command_line_manages_the_roster_and_confirms_a_speaker(
        cli: Any, council: Engine, settings: Settings, tmp_path: Path) -> None:
    data = settings.data_dir
    assert cli("roster", "add", "山本花子", "--title", "副議長", "--reading", "やまもとはなこ",
               "--roster", "市議会", data_dir=data).returncode == 0
    csv_file = tmp_path / "members.csv"
    csv_file.write_text("name,reading,seat,title,group\n佐藤一郎,さとういちろう,3,議員,"
                        "未来会議\n", encoding="utf-8")
    ran = cli("roster", "import", str(csv_file), "--roster", "市議会", data_dir=data)
    assert (ran.returncode, ran.stdout.strip()) == (0, "1 added, 0 updated on the roster '市議会'")
    meeting = meeting_with_voices(council, data, [TANAKA])
    ran = cli("roster", "enrol", meeting, "S1", "山本花子", data_dir=data)
    assert ran.returncode == 0 and "S1 is 山本花子; voiceprint kept" in ran.stdout
    listed = cli("roster", "list", "--roster", "市議会", "--json", data_dir=data)
    import json

    people = {p["name"]: p for p in json.loads(listed.stdout)}
    assert people["山本花子"]["voiceprints"] == {MODEL: 1}
    assert people["佐藤一郎"]["seat"] == 3 and people["佐藤一郎"]["group"] == "未来会議"
    plain = cli("roster", "list", data_dir=data).stdout
    line = next(x for x in plain.splitlines() if "山本花子" in x)
    # her voiceprint is of another encoder than the one configured: she must enrol again
    assert "副議長" in line and "enrol again" in line
    refused = cli("roster", "enrol", meeting, "S9", "山本花子", data_dir=data)
    assert refused.returncode != 0 and "S9" in refused.stderr
    assert cli("roster", "import", str(tmp_path / "none.csv"), data_dir=data).returncode != 0


def test_the_api_manages_the_roster_and_confirms_with_one_request(
        council: Engine, settings: Settings) -> None:
    meeting = meeting_with_voices(council, settings.data_dir, [TANAKA, ISHIKAWA])
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        added = client.post("/api/roster", json={"name": "山本花子", "seat": 12,
                                                 "roster": "市議会"})
        assert added.status_code == 201 and added.json()["seat"] == 12
        imported = client.post("/api/roster/import", data={"roster": "委員会"}, files={
            "file": ("m.csv", "氏名,役職\n佐藤一郎,委員長\n".encode("cp932"), "text/csv")})
        assert imported.json() == {"added": 1, "updated": 0}
        bad = client.post("/api/roster/import", files={"file": ("m.csv", b"seat\n1\n")},
                          headers={"Accept-Language": "ja"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "csv_no_name_column"
        assert {r["name"] for r in client.get("/api/rosters").json()} == {"市議会", "委員会"}
        confirmed = client.post(f"/api/meetings/{meeting}/speakers/S2/person",
                                json={"name": "石川隆之"}, headers={"Prefer": "return=minimal"})
        assert confirmed.status_code == 200 and confirmed.json()["voiceprint"] is True
        s2 = confirmed.json()["speakers"][1]
        assert (s2["name"], s2["confirmed"], s2["person"]["seat"]) == ("石川 隆之", True, 8)
        assert s2["person"]["role"] == "8番"  # the page shows the server's rule
        again = client.post(f"/api/meetings/{meeting}/speakers/S1/person",
                            json={"name": "石川隆之"})
        assert again.status_code == 409
        other = meeting_with_voices(council, settings.data_dir, [ISHIKAWA])
        # threshold: the calibrated one knows no test model; the setting is used here
        guarded = settings.model_copy(update={"voiceprint_threshold": 0.9})
        with TestClient(create_app(guarded), base_url=LOCAL) as tuned:
            found = tuned.post(f"/api/meetings/{other}/speakers/match").json()
        assert found["speakers"][0]["suggestion"]["person"] == "石川 隆之"
        assert client.delete("/api/roster/石川隆之").json() == {"removed": "石川 隆之"}
        assert client.get(f"/api/meetings/{other}").json()["speakers"][0]["suggestion"] is None


def test_a_voice_is_taken_only_where_nobody_else_talks() -> None:
    from diarize.voices import _exclusive
    from gijiroku.domain import SpeakerTurn

    turns = [SpeakerTurn(0.0, 10.0, "A"), SpeakerTurn(4.0, 6.0, "B"),
             SpeakerTurn(9.0, 12.0, "B")]
    assert _exclusive(turns) == [(0.0, 4.0, "A"), (6.0, 9.0, "A"), (10.0, 12.0, "B")]


def test_a_speaker_made_of_two_enrolled_people_is_split_by_them() -> None:
    """The diarizer merged two similar voices into one speaker; both people are enrolled:
    the second person's turns get a speaker of their own. Turns like nobody's stay; a pure
    speaker with a few seconds that sound like someone else, or turns that together do not
    reach the threshold, is left whole; with fewer than two people enrolled, nothing moves."""
    axes = np.eye(16)
    people = {index: axes[index] for index in range(3)}
    noise = iter(range(3, 16))

    def near(person: int, off: float = 0.25) -> np.ndarray:  # cos 0.97 (0.25), 0.74 (0.9)
        vector = people[person] + off * axes[next(noise)]
        return np.asarray(vector / np.linalg.norm(vector))

    turns = [SpeakerTurn(0.0, 5.0, "A"), SpeakerTurn(5.0, 9.0, "A"),  # person 0
             SpeakerTurn(9.0, 13.0, "A"), SpeakerTurn(14.0, 18.0, "A"),  # person 1
             SpeakerTurn(18.0, 18.5, "A"),  # too short to say
             SpeakerTurn(19.0, 22.0, "A"),  # nobody's
             SpeakerTurn(22.0, 30.0, "B"), SpeakerTurn(30.0, 33.0, "B")]  # person 2, and
    nobody = np.asarray((axes[0] + axes[1] + axes[2]) / np.sqrt(3))
    vectors = [near(0), near(0), near(1), near(1), None, nobody,
               near(2), near(1)]  # a 3-s turn of B's that sounds like person 1
    split, made = roster.split_merged(turns, vectors, people, 0.85)
    assert made == 1
    assert [t.label for t in split] == ["A", "A", "A~2", "A~2", "A", "A", "B", "B"]
    assert [(t.start, t.end) for t in split] == [(t.start, t.end) for t in turns]
    # each of the second person's turns is like them (0.74), all of them together (0.84)
    # not enough: left whole
    noise = iter(range(3, 16))
    weak = [near(0), near(0), near(1, 0.9), near(1, 0.9), None, nobody, near(2), near(1)]
    assert roster.split_merged(turns, weak, people, 0.85) == (turns, 0)
    # one person enrolled: nothing to tell apart
    assert roster.split_merged(turns, vectors, {0: people[0]}, 0.85) == (turns, 0)
