"""The council's record (会議録) from a stored plenary sitting: the record's facts and the
proceedings through the API (corrected, undone, recognised again), and the 会議録 layout in
Markdown, Word and PDF read back as text (front matter order, speaker headings in the
configured form, agenda headings, 〔 〕 notes, times, the signature block), a Word template's
styles, and a page rendered to an image."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api import create_app
from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.errors import InvalidInputError
from gijiroku.export import export_meeting
from gijiroku.export.kaigiroku import wareki
from tests.api.test_api import LOCAL
from tests.conftest import require
from tests.council.plenary import store_plenary

RECORD = {
    "session": "令和８年第４回○○市議会定例会", "number": 2, "chair": "大西　健一郎",
    "present": ["１番　青木　一郎", "３番　木村　誠", "８番　石川　隆之"],
    "absent": ["１５番　小野　花子"],
    "officials": ["市長　長谷川　宏", "総務部長　山田　一郎"],
    "staff": ["事務局長　村上　修"],
}


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        yield client


def test_the_proceedings_are_recognised_corrected_undone_and_recognised_again(
        client: TestClient, engine: Engine) -> None:
    meeting = store_plenary(engine)
    path = f"/api/meetings/{meeting}/proceedings"
    found = client.get(path).json()
    assert found["edited"] is False
    assert [(v["bill"], v["method"], v["result"]) for v in found["votes"]][:2] == [
        ("議案第98号", "起立", "可決"), ("議案第99号", "異議なし", "可決")]
    assert [(e["kind"], e["at"]) for e in found["events"]] == [
        ("開議", "10:00"), ("署名議員指名", "10:00"), ("休憩", "10:04"), ("再開", "10:04"),
        ("散会", "10:06")]
    # the clerk corrects a vote: the list given replaces the votes, the rest stays
    votes = found["votes"]
    votes[0]["method"] = "記名"
    answer = client.patch(path, json={"votes": votes})
    assert answer.status_code == 200, answer.text
    assert answer.json()["edited"] is True
    assert answer.json()["votes"][0]["method"] == "記名"
    assert answer.json()["agenda"] == found["agenda"]
    # a proofread line no longer changes corrected proceedings
    edits.edit_segment(engine, meeting, 19, text="起立多数であります。")
    assert client.get(path).json()["votes"][0]["method"] == "記名"
    # a line that does not exist, a method that is none: refused, nothing changed
    wrong = [{**votes[0], "segments": [999]}]
    assert client.patch(path, json={"votes": wrong}).status_code == 422
    assert client.patch(path, json={"votes": [{**votes[0], "method": "拍手"}]}
                        ).status_code == 422
    # the history says it and undoes it
    entry = client.get(f"/api/meetings/{meeting}/history").json()[-2]
    assert entry["kind"] == "record"
    assert client.post(f"/api/meetings/{meeting}/history/{entry['id']}/undo"
                       ).status_code == 200
    assert client.get(path).json()["edited"] is False
    # recognised again from the lines as they stand: line 19 lost 「よって…可決されました」
    assert client.get(path).json()["votes"][0]["bill"] == "議案第99号"
    client.patch(path, json={"events": []})
    assert client.get(path).json()["events"] == []
    assert client.patch(path, json={"recognise": True}).json()["edited"] is False


def test_the_record_s_facts_are_kept_checked_and_in_the_history(client: TestClient,
                                                                engine: Engine) -> None:
    meeting = store_plenary(engine)
    path = f"/api/meetings/{meeting}/record"
    assert client.get(path).json()["style"] == {"marker": "○", "honorific": "君",
                                                 "era": "wareki", "numbers": "arabic"}
    answer = client.patch(path, json=RECORD)
    assert answer.status_code == 200, answer.text
    assert answer.json()["officials"] == RECORD["officials"]
    assert client.patch(path, json={"number": 0}).status_code == 422
    assert client.patch(path, json={"present": ["１番\n木村"]}).status_code == 422
    assert client.patch(path, json={"style": {"era": "showa"}}).status_code == 422
    assert client.get(path).json()["number"] == 2
    history = client.get(f"/api/meetings/{meeting}/history").json()
    assert history[-1]["summary"].startswith("Council record changed")
    # the kind of meeting and the start time are facts of the meeting
    changed = client.patch(f"/api/meetings/{meeting}", json={"start_time": "9:30"})
    assert changed.json()["start_time"] == "09:30"
    assert client.patch(f"/api/meetings/{meeting}", json={"kind": "plenary"}
                        ).status_code == 422
    with pytest.raises(InvalidInputError):
        edits.edit_record(engine, meeting, {"signers": ["a"] * 201})


def kaigiroku_markdown(engine: Engine, meeting: str) -> str:
    return export_meeting(engine, meeting, "md", layout="kaigiroku").content.decode()


def test_the_kaigiroku_layout_in_the_council_s_order_and_words(engine: Engine) -> None:
    meeting = store_plenary(engine)
    edits.edit_record(engine, meeting, RECORD)
    text = kaigiroku_markdown(engine, meeting)
    assert text.startswith("# 令和８年第４回○○市議会定例会会議録（第２号）\n")
    assert "令和８年１２月１０日（木曜日）　午前１０時００分開議" in text
    # bill numbers in 算用数字, full width as in the rest of the record
    order = ["## 議事日程", "日程第２　議案第９８号　令和八年度市一般会計補正予算第三号",
             "日程第４　議案第１００号　市立保育所条例の一部を改正する条例及び議案第１０１号",
             "## 本日の会議に付した事件", "## 出席議員", "３番　木村　誠", "## 欠席議員",
             "## 説明のため出席した者", "市長　長谷川　宏", "## 職務のため出席した事務局職員",
             "**○議長（大西健一郎君）**", "**△日程第２　議案第９８号",
             "**○市長（長谷川宏君）**", "**○３番（木村誠君）**", "〔賛成者起立〕",
             "**○総務常任委員長（佐藤進君）**", "〔「異議なし」と呼ぶ者あり〕",
             "（午前１０時０４分休憩）", "（午前１０時０４分再開）", "**△日程第４",
             "（午前１０時０６分散会）",
             "地方自治法第１２３条第２項の規定により、ここに署名する。",
             "議長　大西　健一郎", "署名議員　木村誠", "署名議員　石川隆之"]
    at = [text.find(part) for part in order]
    assert -1 not in at, [p for p, n in zip(order, at, strict=True) if n == -1]
    assert at == sorted(at)
    assert text.count("〔「異議なし」と呼ぶ者あり〕") == 2
    assert text.count("〔賛成者起立〕") == 2
    # one heading per speech: the chair's consecutive lines are one speech
    assert "これで質疑を終わります。\n\n　これより討論を行います。" in text
    # a 会議録 is the record, not an AI draft with citations
    for absent in ("AI", "草稿", "根拠", "#1", "話者"):
        assert absent not in text, absent


def test_the_house_style_a_committee_and_the_western_calendar(engine: Engine) -> None:
    meeting = store_plenary(engine)
    edits.edit_record(engine, meeting, {"style": {"marker": "◯", "honorific": "議員",
                                                  "era": "seireki"}, "body": "建設常任委員会"})
    text = kaigiroku_markdown(engine, meeting)
    assert "**◯３番（木村誠議員）**" in text
    assert "２０２６年１２月１０日（木曜日）" in text
    committee = store_plenary(engine, kind="iinkai", start_time=None)
    text = kaigiroku_markdown(engine, committee)
    assert text.startswith("# 本会議記録\n")
    assert "## 出席委員" in text and "## 議事日程" not in text
    assert "（休憩）" in text  # no start time: no clock
    assert "上記のとおり記録する。" in text and "委員長" in text
    assert wareki(__import__("datetime").date(2019, 5, 1)) == "令和元年５月１日（水曜日）"


def test_word_and_pdf_carry_the_same_record_and_a_template_s_styles(
        engine: Engine, tmp_path: Path) -> None:
    from docx import Document
    from docx.shared import Pt
    from pypdf import PdfReader

    meeting = store_plenary(engine)
    edits.edit_record(engine, meeting, RECORD)
    word = Document(io.BytesIO(export_meeting(engine, meeting, "docx",
                                              layout="kaigiroku").content))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    assert paragraphs[0] == ("会議録 表題", "令和８年第４回○○市議会定例会会議録（第２号）")
    assert ("会議録 発言者", "○議長（大西健一郎君）") in paragraphs
    assert ("会議録 注記", "〔「異議なし」と呼ぶ者あり〕") in paragraphs
    assert ("会議録 時刻", "（午前１０時０４分休憩）") in paragraphs
    assert ("会議録 署名", "署名議員　　石川隆之") in paragraphs
    # a secretariat's template: its style for speaker headings is used as it is
    template = Document()
    template.styles.add_style("会議録 発言者", 1).font.size = Pt(14)
    template.add_paragraph("この文は消える")
    template.save(str(tmp_path / "house.docx"))
    styled = Document(io.BytesIO(export_meeting(
        engine, meeting, "docx", layout="kaigiroku", template=tmp_path / "house.docx").content))
    assert styled.styles["会議録 発言者"].font.size == Pt(14)
    assert "この文は消える" not in [p.text for p in styled.paragraphs]
    (tmp_path / "broken.docx").write_text("not a docx")
    with pytest.raises(Exception, match="not a Word document"):
        export_meeting(engine, meeting, "docx", layout="kaigiroku",
                       template=tmp_path / "broken.docx")

    # characters a 会議録 holds that a font may lack: 々 〇 ー, full-width brackets and digits
    edits.edit_segment(engine, meeting, 5, text="各々の世帯へ、〇歳から十八歳までの子ども"
                       "一人当たり２万円（年額）をセンターで支給するものであります。")
    pdf = tmp_path / "kaigiroku.pdf"
    pdf.write_bytes(export_meeting(engine, meeting, "pdf", layout="kaigiroku").content)
    flat = "".join("".join(page.extract_text() for page in PdfReader(str(pdf)).pages).split())
    for wanted in ("令和８年第４回○○市議会定例会会議録（第２号）", "議事日程", "出席議員",
                   "○議長（大西健一郎君）", "〔「異議なし」と呼ぶ者あり〕",
                   "（午前１０時０４分休憩）", "地方自治法第１２３条第２項", "署名議員",
                   "各々の世帯へ、〇歳から十八歳までの子ども一人当たり２万円（年額）をセンター"):
        assert wanted in flat, wanted
    pdffonts = shutil.which("pdffonts")
    pdftoppm = shutil.which("pdftoppm")
    require(pdftoppm is not None and pdffonts is not None,
            "pdftoppm and pdffonts (Debian poppler-utils) are not installed")
    fonts = subprocess.run([str(pdffonts), str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "yes yes" in fonts  # the font is embedded (and subset)
    subprocess.run([str(pdftoppm), "-r", "60", "-f", "1", "-l", "1", "-png", str(pdf),
                    str(tmp_path / "page")], check=True)
    assert next(tmp_path.glob("page*.png")).stat().st_size > 10_000


def test_layouts_and_formats_that_do_not_go_together_are_refused(engine: Engine) -> None:
    meeting = store_plenary(engine)
    with pytest.raises(InvalidInputError, match="docx, pdf or md"):
        export_meeting(engine, meeting, "srt", layout="kaigiroku")
    with pytest.raises(InvalidInputError, match="Unknown layout"):
        export_meeting(engine, meeting, "md", layout="gazette")


def test_the_recording_s_own_time_is_the_start_time_unless_a_person_gave_one(
        engine: Engine) -> None:
    from datetime import datetime

    from gijiroku.stages.decode import _when_recorded
    from gijiroku.storage import repository, session_scope

    unset = store_plenary(engine, start_time=None)
    given = store_plenary(engine, start_time="13:00")
    with session_scope(engine) as session:
        for meeting in (unset, given):
            _when_recorded(session, meeting, datetime(2026, 12, 11, 9, 58, 30))
    with session_scope(engine) as session:
        first = repository.options_of(repository.get_meeting_row(session, unset))
        second = repository.options_of(repository.get_meeting_row(session, given))
    # the date a person gave stays; the time is the recorder's
    assert (first.start_time, first.date) == ("09:58", "2026-12-10")
    assert (second.start_time, second.date) == ("13:00", "2026-12-10")
    assert edits.meeting_proceedings(engine, unset)[0].events[0].at == "09:58"


def test_the_text_levels_of_the_record(engine: Engine) -> None:
    """素起こし as said; 整文 with the house style's numbers (算用数字 for what they count,
    never 「十分な」 or 「一部」) and fillers gone; the style may keep the numbers as said."""
    meeting = store_plenary(engine)
    edits.edit_segment(engine, meeting, 9, text="えー、お答えいたします。対象はおよそ一万二千"
                       "世帯で、二月中の支給を予定しており、十分な準備を一部で始めております。")
    said = export_meeting(engine, meeting, "md", layout="kaigiroku").content.decode()
    assert "えー、お答えいたします。対象はおよそ一万二千世帯で、二月中" in said
    tidy = export_meeting(engine, meeting, "md", layout="kaigiroku",
                          cleanup="tidy").content.decode()
    assert "　お答えいたします。対象はおよそ1万2000世帯で、2月中の支給を予定しており、" \
        "十分な準備を一部で始めております。" in tidy
    assert "△日程第２　議案第９８号　令和８年度市一般会計補正予算第３号" in tidy
    assert "議案第98号について" in tidy  # the chair's and the mayor's words alike
    edits.edit_record(engine, meeting, {"style": {"numbers": "kanji"}})
    kept = export_meeting(engine, meeting, "md", layout="kaigiroku",
                          cleanup="tidy").content.decode()
    assert "対象はおよそ一万二千世帯" in kept and "えー" not in kept


def test_a_body_s_next_meeting_starts_from_its_last_record(engine: Engine) -> None:
    first = store_plenary(engine)
    edits.edit_record(engine, first, {**RECORD, "body": "○○市議会",
                                      "style": {"honorific": "議員"}})
    other = store_plenary(engine)
    edits.edit_record(engine, other, {"body": "建設常任委員会", "present": ["委員長　森"]})
    second = store_plenary(engine)
    entry = edits.edit_record(engine, second, {"body": "○○市議会", "absent": []})
    assert entry is not None
    record = edits.meeting_record(engine, second)
    assert record.present == RECORD["present"] and record.officials == RECORD["officials"]
    assert record.chair == RECORD["chair"] and record.style["honorific"] == "議員"
    assert record.absent == []  # given in the change: kept as given
    assert record.session is None and record.signers == []  # the sitting's own
    edits.undo(engine, second, entry.id)  # one entry: the defaults go with the body
    assert edits.meeting_record(engine, second).present == []


def test_bills_put_together_read_alike_in_the_agenda_and_in_its_heading(
        engine: Engine) -> None:
    """A committee's item without 日程: its bills joined by 及び in both places."""
    meeting = store_plenary(engine, kind="iinkai")
    edits.edit_record(engine, meeting, {"proceedings": {"agenda": [
        {"item": None, "bill": "議案第1号", "title": "甲条例", "segments": [4]},
        {"item": None, "bill": "議案第2号", "title": "乙条例", "segments": [4]}]}})
    text = kaigiroku_markdown(engine, meeting)
    assert "**△議案第１号　甲条例及び議案第２号　乙条例**" in text
