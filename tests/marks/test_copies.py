"""Marks and the two copies, on a real SQLite file (and the API on it): a council meeting with
a remark withdrawn (said once, quoted again in the request to withdraw it), a closed session
over two lines and three kinds of personal information. The public copy of every format and
layout holds none of the marked text (searched in the files' text: the docx XML, the PDF's
extracted text); the official copy holds all of it. Marks follow their text through an edit,
a split, a merge, a deletion, the dictionary and find/replace, and undo takes a mark back."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api import create_app
from gijiroku import copies, edits, mark_suggestions
from gijiroku.config import Settings
from gijiroku.dictionary import add_entry
from gijiroku.domain import Decision, Minutes, Segment, Speaker, Transcript, Word
from gijiroku.errors import InvalidInputError
from gijiroku.export import export_meeting
from gijiroku.options import MeetingOptions
from gijiroku.storage import repository, session_scope
from tests.api.test_api import LOCAL
from tests.seed import SAMPLE

WITHDRAWN = "まるで無責任な怠慢だ"
CLOSED = ("職員の懲戒処分の詳細について報告いたします。", "処分の対象者は何名ですか。")
NAME, PHONE, ADDRESS = "山田花子", "090-1234-5678", "東町三丁目5番地"
SECRETS = (WITHDRAWN, *CLOSED, NAME, PHONE, ADDRESS)

LINES = [
    ("S1", "ただいまから本会議を開きます。"),
    ("S2", f"市長の対応は、{WITHDRAWN}と言わざるを得ません。"),
    ("S3", "ご指摘の点については、誠実に対応しております。"),
    ("S2", f"先ほどの私の発言中、「{WITHDRAWN}」という部分を取り消したいので、"
           "お許しをお願いします。"),
    ("S1", "ただいまの発言の取り消しを許可することに決定しました。"),
    ("S1", "これより秘密会といたします。"),
    ("S3", CLOSED[0]),
    ("S2", CLOSED[1]),
    ("S1", "秘密会を解きます。"),
    ("S2", f"相談者の{NAME}さんから、電話番号{PHONE}で連絡がありました。"),
    ("S3", f"ご相談の方の住所は{ADDRESS}と伺っております。"),
    ("S1", "以上で本日の会議を閉じます。"),
]


def store(engine: Engine, data_dir: Path | None = None) -> str:
    """The meeting, stored; with `data_dir`, with a recording for the page's player."""
    segments, t = [], 0.0
    for speaker, text in LINES:
        pieces = [text[i:i + 4] for i in range(0, len(text), 4)]  # words of four characters
        words = []
        for piece in pieces:
            words.append(Word(t, t + 0.3, piece, 0.9, speaker))
            t += 0.35
        segments.append(Segment(start=words[0].start, end=words[-1].end, text=text,
                                speaker=speaker, words=words))
        t += 1.0
    with session_scope(engine) as session:
        row = repository.create_meeting(
            session, title="令和8年第4回定例会", source_name="a.wav",
            source_path="meetings/x/original.wav", content_hash="0" * 64,
            options=MeetingOptions(date="2026-12-01", place="議場", language="ja"))
        repository.save_transcript(session, meeting_id=row.id, transcript=Transcript(
            language="ja", duration=t, segments=segments))
        repository.save_speakers(session, meeting_id=row.id, speakers=[
            Speaker("S1", "SPEAKER_00", name="議長"), Speaker("S2", "SPEAKER_01", name="石川隆之"),
            Speaker("S3", "SPEAKER_02", name="市長")])
        repository.save_minutes(session, row.id, Minutes(
            status="done", summary=f"{NAME}さんからの相談（{PHONE}）について報告があった。",
            decisions=[Decision(text=f"「{WITHDRAWN}」との発言の取り消しを許可した。",
                                segments=[5])]))
        repository.update_meeting(session, row.id, status="done", language="ja", duration=t)
        if data_dir is not None:
            folder = data_dir / "meetings" / row.id
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SAMPLE, folder / "original.flac")
            row.source_path = f"meetings/{row.id}/original.flac"
            session.add(row)
        return row.id


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        yield client


def mark_all(client: TestClient, meeting: str) -> None:
    """The clerk's marks, through the API's fixed interface."""
    base = f"/api/meetings/{meeting}/marks"
    line2, line4 = LINES[1][1], LINES[3][1]
    for body in (
        {"segment_id": 2, "start": line2.index(WITHDRAWN),
         "end": line2.index(WITHDRAWN) + len(WITHDRAWN), "kind": "withdrawn",
         "permitted_by": 5},
        {"segment_id": 4, "start": line4.index(WITHDRAWN),
         "end": line4.index(WITHDRAWN) + len(WITHDRAWN), "kind": "withdrawn",
         "permitted_by": 5},
        {"segment_id": 7, "last_segment_id": 8, "kind": "closed", "note": "懲戒処分の報告"},
    ):
        answer = client.post(base, json=body)
        assert answer.status_code == 201, answer.text
    # personal information: accepted from the suggestions (name, phone, address)
    suggested = client.get(f"/api/meetings/{meeting}/suggestions", params={"kind": "personal"})
    assert suggested.status_code == 200
    by_text = {s["text"]: s for s in suggested.json()}
    assert {NAME, PHONE, ADDRESS} <= set(by_text), by_text
    assert by_text[NAME]["category"] == "name" and by_text[PHONE]["category"] == "phone"
    assert by_text[ADDRESS]["category"] == "address"
    # no one the meeting knows by name (its speakers) is suggested
    assert not any("石川" in s["text"] for s in suggested.json())
    for text in (NAME, PHONE, ADDRESS):
        answer = client.post(f"/api/meetings/{meeting}/suggestions/{by_text[text]['id']}/accept")
        assert answer.status_code == 201, answer.text


def texts_of(engine: Engine, meeting: str, copy: str) -> dict[str, str]:
    """Every format's and layout's text, as a reader of the file would find it."""
    import docx
    from pypdf import PdfReader

    found: dict[str, str] = {}
    for layout, formats in (("minutes", ("md", "srt", "vtt", "json", "docx", "pdf")),
                            ("kaigiroku", ("md", "docx", "pdf"))):
        for format in formats:
            content = export_meeting(engine, meeting, format, layout=layout, copy=copy).content
            key = f"{layout}.{format}"
            if format == "docx":
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    found[key + "-xml"] = "".join(
                        archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
                paragraphs = docx.Document(io.BytesIO(content)).paragraphs
                found[key] = "\n".join(p.text for p in paragraphs)
            elif format == "pdf":
                found[key] = "".join(page.extract_text() for page in
                                     PdfReader(io.BytesIO(content)).pages)
            elif format == "json":
                found[key] = json.dumps(json.loads(content), ensure_ascii=False)
            else:
                found[key] = content.decode()
    return found


def test_the_public_copy_of_every_format_holds_none_of_the_marked_text(
        client: TestClient, engine: Engine) -> None:
    meeting = store(engine)
    mark_all(client, meeting)
    public = texts_of(engine, meeting, "public")
    official = texts_of(engine, meeting, "official")
    for key, text in public.items():
        flat = text.replace("\n", "").replace(" ", "")  # (a PDF wraps lines anywhere)
        for secret in SECRETS:
            assert secret not in flat, (key, secret)
    for key, text in official.items():
        flat = text.replace("\n", "").replace(" ", "")
        for secret in (WITHDRAWN, NAME, PHONE, ADDRESS):
            assert secret in flat, (key, secret)
        if key not in ("minutes.srt", "minutes.vtt"):
            assert CLOSED[0] in flat, (key, "closed")
    # what stands in their place, where it can be read as typed
    for key in ("minutes.md", "kaigiroku.md", "minutes.docx", "kaigiroku.docx"):
        text = public[key]
        assert "━" * len(WITHDRAWN) in text, key
        assert text.count("━" * len(WITHDRAWN)) >= 2, key  # said, and quoted in the request
        assert "〔氏名〕" in text and "〔電話番号〕" in text and "〔住所〕" in text, key
        assert "〔秘密会（" in text, key
        assert "秘密会を解きます" in text, key  # the times and the proceedings around it stay
    # the official copy shows each mark and lists them at the end
    assert "［" + WITHDRAWN + "］（注1）" in official["minutes.md"]
    assert "取消し・秘密会・個人情報の印（原本）" in official["minutes.md"]
    assert "許可：#5" in official["minutes.docx"] and "懲戒処分の報告" in official["minutes.docx"]
    assert "注6" in official["kaigiroku.md"]
    assert json.loads(official["minutes.json"])["copy"] == "official"
    assert len(json.loads(official["minutes.json"])["marks"]) == 6
    assert json.loads(public["minutes.json"])["marks"] == []


def test_the_api_search_and_the_cli_give_the_public_copy(
        client: TestClient, engine: Engine, settings: Settings, cli) -> None:  # type: ignore[no-untyped-def]
    meeting = store(engine)
    mark_all(client, meeting)
    public = client.get(f"/api/meetings/{meeting}", params={"copy": "public"}).json()
    assert public["copy"] == "public" and public["marks"] == []
    flat = json.dumps(public, ensure_ascii=False)
    assert not any(secret in flat for secret in SECRETS)
    assert client.get(f"/api/meetings/{meeting}").json()["copy"] == "official"
    # search: what only a marked passage holds is not found in the public copy
    for query, official_hits, public_hits in ((NAME, 1, 0), ("秘密会を解きます", 1, 1),
                                              ("懲戒処分", 1, 0)):
        assert client.get("/api/meetings", params={"q": query}).json()["total"] == official_hits
        assert client.get("/api/meetings", params={"q": query, "copy": "public"}
                          ).json()["total"] == public_hits, query
    assert client.get(f"/api/meetings/{meeting}/export",
                      params={"format": "md", "copy": "public"}).text.count("〔氏名〕") >= 1
    assert client.get(f"/api/meetings/{meeting}/export",
                      params={"format": "md", "copy": "secret"}).status_code == 422
    # a reader who may not see the original gets the public copy whatever they ask for
    assert copies.copy_for(copies.PUBLIC, "official") == "public"
    assert copies.copy_for(copies.STAFF, None) == "official"
    # the command line
    out = settings.data_dir / "public.md"
    ran = cli("export", meeting, "-f", "md", "-o", str(out), "--copy", "public",
              data_dir=settings.data_dir)
    assert ran.returncode == 0, ran.stderr
    assert NAME not in out.read_text() and "〔氏名〕" in out.read_text()
    ran = cli("marks", "list", meeting, "--json", data_dir=settings.data_dir)
    assert ran.returncode == 0 and len(json.loads(ran.stdout)) == 6


def mark_on(engine: Engine, meeting: str, mark_id: int) -> tuple[int, str, bool]:
    """Where a mark is now: its line, the text it covers, whether it is lost."""
    with session_scope(engine) as session:
        mark = next(m for m in repository.load_marks(session, meeting) if m.id == mark_id)
    return mark.segment, mark.text, mark.lost


def public_lines(engine: Engine, meeting: str) -> list[str]:
    with session_scope(engine) as session:
        shown = copies.public(repository.load_meeting(session, meeting))
    return [s.text for s in shown.segments]


def test_a_mark_follows_its_text_through_edits_splits_merges_and_the_dictionary(
        engine: Engine) -> None:
    meeting = store(engine)
    line2 = LINES[1][1]
    at = line2.index(WITHDRAWN)
    mark = edits.add_mark(engine, meeting, kind="withdrawn", segment=2, start=at,
                          end=at + len(WITHDRAWN), permitted_by=5)
    assert mark.text == WITHDRAWN
    # an edit before the mark moves it; the text it covers is the same
    edits.edit_segment(engine, meeting, 2, text="議長、" + line2)
    assert mark_on(engine, meeting, mark.id) == (2, WITHDRAWN, False)
    # a character corrected inside it stays inside it
    edits.edit_segment(engine, meeting, 2, text=("議長、" + line2).replace("怠慢", "怠惰"))
    assert mark_on(engine, meeting, mark.id) == (2, WITHDRAWN.replace("怠慢", "怠惰"), False)
    # split before the mark: it goes with its text to the new line
    split_at = len("議長、市長の対応は、")
    edits.split_line(engine, meeting, 2, split_at)
    number, text, lost = mark_on(engine, meeting, mark.id)
    assert number != 2 and text == WITHDRAWN.replace("怠慢", "怠惰") and not lost
    # merged back: it is on line 2 again, same text
    edits.merge_with_next(engine, meeting, 2)
    assert mark_on(engine, meeting, mark.id) == (2, WITHDRAWN.replace("怠慢", "怠惰"), False)
    # find/replace rewrites the text around it (the dictionary: the next test)
    assert edits.edit_segment(engine, meeting, 2, text=line2) is not None  # (typed back)
    edits.replace(engine, meeting, "市長の対応", "市長のご対応")
    assert mark_on(engine, meeting, mark.id) == (2, WITHDRAWN, False)
    assert "━" * len(WITHDRAWN) in public_lines(engine, meeting)[1]
    # the text deleted: the mark says so (kept, lost); the undo brings it back
    edits.edit_segment(engine, meeting, 2, text="市長のご対応は問題です。")
    assert mark_on(engine, meeting, mark.id)[1:] == (WITHDRAWN, True)
    history = edits.history_of(engine, meeting)
    edits.undo(engine, meeting, history[-1].id or 0)
    assert mark_on(engine, meeting, mark.id) == (2, WITHDRAWN, False)
    # the line deleted and its deletion undone
    edits.delete_line(engine, meeting, 2)
    assert mark_on(engine, meeting, mark.id)[2] is True
    edits.undo(engine, meeting, edits.history_of(engine, meeting)[-1].id or 0)
    assert mark_on(engine, meeting, mark.id) == (2, WITHDRAWN, False)


def test_the_dictionary_moves_a_mark_on_a_line_nobody_edited(engine: Engine) -> None:
    meeting = store(engine)
    text = LINES[9][1]
    at = text.index(PHONE)
    mark = edits.add_mark(engine, meeting, kind="personal", category="phone", segment=10,
                          start=at, end=at + len(PHONE))
    add_entry(engine, "correction", "相談者の", "相談の方の", "ja")
    changed = edits.apply_dictionary(engine, meeting)
    assert [c.number for c in changed] == [10]
    assert mark_on(engine, meeting, mark.id) == (10, PHONE, False)
    assert "〔電話番号〕" in public_lines(engine, meeting)[9]
    assert PHONE not in public_lines(engine, meeting)[9]


def test_a_whole_line_mark_split_covers_both_parts_and_a_range_survives_a_merge(
        engine: Engine) -> None:
    meeting = store(engine)
    whole = edits.add_mark(engine, meeting, kind="withdrawn", segment=3)
    assert (whole.start, whole.end, whole.text) == (None, None, LINES[2][1])
    edits.split_line(engine, meeting, 3, 6)
    public = public_lines(engine, meeting)
    assert public[2] == "━" * 6 and public[3] == "━" * (len(LINES[2][1]) - 6)
    closed = edits.add_mark(engine, meeting, kind="closed", segment=7, last_segment=8)
    edits.merge_with_next(engine, meeting, 7)  # the range's two lines become one
    public = public_lines(engine, meeting)
    assert not any(CLOSED[0] in text or CLOSED[1] in text for text in public)
    assert sum(text.startswith("〔秘密会（") for text in public) == 1
    assert not mark_on(engine, meeting, closed.id)[2]


def test_undo_takes_a_mark_back_and_a_removed_mark_returns(engine: Engine) -> None:
    meeting = store(engine)
    mark = edits.add_mark(engine, meeting, kind="personal", category="name", segment=10,
                          start=4, end=8)
    assert mark.text == NAME
    history = edits.history_of(engine, meeting)
    assert history[-1].kind == "mark"
    with session_scope(engine) as session:
        names = {s.id: s.name for s in repository.load_speakers(session, meeting)}
    assert "個人情報" in edits.describe(history[-1], names, "ja")
    edits.undo(engine, meeting, history[-1].id or 0)
    with session_scope(engine) as session:
        assert repository.load_marks(session, meeting) == []
    again = edits.add_mark(engine, meeting, kind="personal", category="name", segment=10,
                           start=4, end=8)
    edits.remove_mark(engine, meeting, again.id)
    edits.undo(engine, meeting, edits.history_of(engine, meeting)[-1].id or 0)
    assert mark_on(engine, meeting, again.id) == (10, NAME, False)


def test_bad_marks_are_refused_with_a_reason(client: TestClient, engine: Engine) -> None:
    meeting = store(engine)
    base = f"/api/meetings/{meeting}/marks"
    for body, code in (({"segment_id": 99, "kind": "withdrawn"}, 404),
                       ({"segment_id": 2, "start": 5, "end": 3, "kind": "withdrawn"}, 422),
                       ({"segment_id": 2, "start": 0, "end": 999, "kind": "withdrawn"}, 422),
                       ({"segment_id": 8, "last_segment_id": 7, "kind": "closed"}, 422),
                       ({"segment_id": 2, "kind": "secret"}, 422),
                       ({"segment_id": 2, "kind": "personal", "category": "shoe"}, 422)):
        answer = client.post(base, json=body)
        assert answer.status_code == code, (body, answer.text)
    assert client.delete(f"{base}/12345").status_code == 404
    assert client.get(base).json() == []
    with pytest.raises(InvalidInputError):
        edits.add_mark(engine, meeting, kind="withdrawn", segment=2, start=3, end=3)


def test_withdrawal_suggested_from_the_chairs_permission_and_dismissals_stay(
        client: TestClient, engine: Engine) -> None:
    meeting = store(engine)
    found = mark_suggestions.suggestions(engine, meeting, "withdrawn")
    assert {(s.segment, s.text, s.permitted_by) for s in found} == {
        (2, WITHDRAWN, 5), (4, WITHDRAWN, 5)}
    answer = client.get(f"/api/meetings/{meeting}/suggestions", params={"kind": "personal"})
    first = answer.json()[0]
    dismissed = client.post(f"/api/meetings/{meeting}/suggestions/{first['id']}/dismiss")
    assert dismissed.status_code == 200, dismissed.text
    after = client.get(f"/api/meetings/{meeting}/suggestions", params={"kind": "personal"})
    assert first["id"] not in {s["id"] for s in after.json()}
    assert len(after.json()) == len(answer.json()) - 1
    # accepted: a mark, and no longer suggested
    accepted = client.post(f"/api/meetings/{meeting}/suggestions/{after.json()[0]['id']}/accept")
    assert accepted.status_code == 201
    left = client.get(f"/api/meetings/{meeting}/suggestions", params={"kind": "personal"})
    assert len(left.json()) == len(after.json()) - 1
    assert client.post(f"/api/meetings/{meeting}/suggestions/personal-1-0-2-name/accept"
                       ).status_code == 404


def test_a_rerun_that_rebuilds_the_lines_carries_marks_by_time_and_flags_the_rest(
        engine: Engine) -> None:
    """What the diarization and transcription stages do when they replace the lines: each
    mark goes to the new line that shares its speech and holds its text; one whose text no
    new line holds is flagged (kept, lost), never dropped or moved elsewhere."""
    from gijiroku import marks

    meeting = store(engine)
    text = LINES[9][1]
    phone = edits.add_mark(engine, meeting, kind="personal", category="phone", segment=10,
                           start=text.index(PHONE), end=text.index(PHONE) + len(PHONE))
    closed = edits.add_mark(engine, meeting, kind="closed", segment=7, last_segment=8)
    withdrawn = edits.add_mark(engine, meeting, kind="withdrawn", segment=2,
                               start=LINES[1][1].index(WITHDRAWN),
                               end=LINES[1][1].index(WITHDRAWN) + len(WITHDRAWN))
    with session_scope(engine) as session:
        held = marks.held_lines(session, meeting)
        old = repository.load_transcript(session, meeting).segments
        # the new lines: the first three as one, line 2's words heard otherwise, the rest
        first = Segment(start=old[0].start, end=old[2].end, speaker="S1",
                        text=old[0].text + "市長の対応は問題だと言わざるを得ません。" + old[2].text)
        rebuilt = [first, *[Segment(start=s.start, end=s.end, text=s.text, speaker=s.speaker)
                            for s in old[3:]]]
        repository.save_transcript(session, meeting_id=meeting, transcript=Transcript(
            language="ja", duration=60.0, segments=rebuilt))
        unplaced = marks.carry_by_time(session, meeting, held, rebuilt)
    assert unplaced == 1
    assert mark_on(engine, meeting, phone.id) == (8, PHONE, False)  # line 10 is line 8 now
    assert mark_on(engine, meeting, withdrawn.id)[1:] == (WITHDRAWN, True)
    with session_scope(engine) as session:
        carried = next(m for m in repository.load_marks(session, meeting) if m.id == closed.id)
    assert (carried.segment, carried.last_segment, carried.lost) == (5, 6, False)
    public = public_lines(engine, meeting)
    assert PHONE not in "".join(public) and CLOSED[0] not in "".join(public)


def test_a_mark_on_a_line_split_inside_a_word_follows_it_when_the_lines_are_rebuilt(
        engine: Engine) -> None:
    """A line split inside its one word keeps no time of its own (it starts and ends where
    the word ends): a mark on it goes to the new line over that moment that holds its text,
    never flagged as lost."""
    from gijiroku import marks

    meeting = store(engine)
    text = LINES[1][1]
    withdrawn = edits.add_mark(engine, meeting, kind="withdrawn", segment=2,
                               start=text.index(WITHDRAWN),
                               end=text.index(WITHDRAWN) + len(WITHDRAWN))
    with session_scope(engine) as session:
        held = dict(marks.held_lines(session, meeting))
        old = repository.load_transcript(session, meeting).segments
        moment = old[0].end  # line 2 as a split left it: no time of its own
        held[2] = (moment, moment, held[2][2])
        rebuilt = [Segment(start=old[0].start, end=moment, speaker="S1",
                           text=old[0].text + text),
                   *[Segment(start=s.start, end=s.end, text=s.text, speaker=s.speaker)
                     for s in old[2:]]]
        repository.save_transcript(session, meeting_id=meeting, transcript=Transcript(
            language="ja", duration=60.0, segments=rebuilt))
        assert marks.carry_by_time(session, meeting, held, rebuilt) == 0
    assert mark_on(engine, meeting, withdrawn.id) == (1, WITHDRAWN, False)


def test_people_on_the_roster_are_never_suggested(engine: Engine) -> None:
    from gijiroku import roster

    meeting = store(engine)
    assert NAME in {s.text for s in mark_suggestions.suggestions(engine, meeting, "personal")}
    roster.add_person(engine, NAME, title="議員")
    assert NAME not in {s.text for s in mark_suggestions.suggestions(engine, meeting,
                                                                     "personal")}
