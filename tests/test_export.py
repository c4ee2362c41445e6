"""Exports from a stored meeting on a real SQLite file: Markdown minutes with the action-item
table and notes of what is missing, SRT and VTT read back by real parsers (speakers, order,
line lengths, Japanese broken only between words), filler removal that leaves the database
alone, the CLI and the API download giving the same bytes."""

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import srt
import webvtt
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api import create_app
from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.domain import ActionItem, Decision, Minutes, Segment, Speaker, Transcript, Word
from gijiroku.errors import InvalidInputError
from gijiroku.export import export_meeting
from gijiroku.export.document import tidy_text
from gijiroku.options import MeetingOptions
from gijiroku.storage import repository, session_scope

JA_LINES = [
    ("S1", ["えー", "、", "ただいま", "から", "総務", "委員会", "を", "開会", "いたし", "ます",
            "。"]),
    ("S2", ["あの", "件", "に", "つい", "て", "、", "まあ", "、", "図書館", "の", "日曜", "開館",
            "を", "来年", "四月", "から", "試行", "する", "こと", "で", "合意", "し", "まし",
            "た", "。", "職員", "配置", "は", "二名", "増員", "と", "し", "ます", "。"]),
    ("S1", ["あのー", "、", "事務局", "は", "二月", "末", "まで", "に", "勤務", "表", "を",
            "作成", "して", "ください", "。"]),
]
EN_LINES = [
    ("S1", ["Um,", "good", "morning,", "everyone.", "I", "call", "the", "the", "meeting",
            "to", "order."]),
    ("S2", ["Uh,", "we", "decided", "to", "open", "the", "library", "on", "Sunday",
            "mornings", "from", "April", "as", "a", "one-year", "trial,", "and", "the",
            "budget", "office", "will", "report", "on", "staffing", "costs", "in", "March."]),
]


def store(engine: Engine, lines: list[tuple[str, list[str]]], language: str,
          minutes: Minutes | None, status: str = "done") -> str:
    segments, t = [], 0.0
    for speaker, words in lines:
        timed = []
        for w in words:
            timed.append(Word(start=t, end=t + 0.3, text=w, probability=0.9, speaker=speaker))
            t += 0.35
        joiner = "" if language == "ja" else " "
        segments.append(Segment(start=timed[0].start, end=timed[-1].end, speaker=speaker,
                                text=joiner.join(words), words=timed))
        t += 1.0
    with session_scope(engine) as session:
        row = repository.create_meeting(session, title="第3回 総務委員会", source_name="a.wav",
                                        source_path="meetings/x/original.wav",
                                        content_hash="0" * 64,
                                        options=MeetingOptions(date="2026-11-20",
                                                               place="第1委員会室"))
        repository.save_transcript(session, meeting_id=row.id, transcript=Transcript(
            language=language, duration=t, segments=segments))
        repository.save_speakers(session, meeting_id=row.id, speakers=[
            Speaker(id="S1", label="SPEAKER_00", name="議長" if language == "ja" else "Chair"),
            Speaker(id="S2", label="SPEAKER_01")])
        if minutes is not None:
            repository.save_minutes(session, row.id, minutes)
        repository.update_meeting(session, row.id, status=status, language=language,
                                  duration=t)
        return row.id


JA_MINUTES = Minutes(
    status="done", summary="図書館の日曜開館を試行することで合意した。",
    decisions=[Decision(text="図書館の日曜開館を来年四月から試行する。", segments=[2])],
    action_items=[ActionItem(task="勤務表を作成する", owner="S1", due="二月末",
                             segments=[3], due_date="2027-02-28"),
                  ActionItem(task="広報に掲載する", owner=None, due=None, segments=[])],
)


def test_markdown_minutes_in_japanese(engine: Engine) -> None:
    meeting = store(engine, JA_LINES, "ja", JA_MINUTES)
    text = export_meeting(engine, meeting, "md").content.decode()
    assert text.startswith("# 第3回 総務委員会\n")
    assert "- **日時**: 2026-11-20" in text and "- **出席者**: 議長, 話者2" in text
    assert "- **場所**: 第1委員会室" in text
    for heading in ("## 要旨", "## 決定事項", "## 今後の対応", "## 発言記録"):
        assert heading in text
    assert "| 内容 | 担当 | 期限 | 根拠 |" in text
    assert "| 勤務表を作成する | 議長 | 2027-02-28 | #3 |" in text
    assert "| ※ 広報に掲載する | – | – | – |" in text  # no line cited: marked
    assert "根拠の発言が示されていない項目があります" in text
    assert "えー、ただいまから総務委員会を開会いたします。" in text
    minutes_only = export_meeting(engine, meeting, "md", with_transcript=False).content.decode()
    assert "## 発言記録" not in minutes_only and "## 決定事項" in minutes_only


def test_filler_removal_changes_the_export_not_the_database(engine: Engine) -> None:
    meeting = store(engine, JA_LINES, "ja", JA_MINUTES)
    verbatim = export_meeting(engine, meeting, "md").content.decode()
    cleaned = export_meeting(engine, meeting, "md", cleanup="fillers").content.decode()
    assert "えー、ただいま" in verbatim and "あのー、事務局" in verbatim
    assert "(#1): ただいまから総務委員会を開会いたします。" in cleaned
    assert "(#3): 事務局は二月末までに" in cleaned
    assert "あの件について" in cleaned  # あの meaning "that" stays
    assert "、図書館の日曜開館" in verbatim and "について、図書館の日曜開館" in cleaned
    with session_scope(engine) as session:
        stored = repository.load_transcript(session, meeting).segments
    assert stored[0].text == "えー、ただいまから総務委員会を開会いたします。"
    assert tidy_text("Um, I I think so, uh, yes.", "en", "tidy") == "I think so, yes."
    assert tidy_text("Um, the the budget.", "en", "fillers") == "The the budget."


def test_srt_and_vtt_parse_and_keep_speakers_order_and_words(engine: Engine) -> None:
    meeting = store(engine, JA_LINES, "ja", JA_MINUTES)
    words = [w for _, ws in JA_LINES for w in ws]
    subtitles = list(srt.parse(export_meeting(engine, meeting, "srt").content.decode()))
    assert len(subtitles) >= 4  # the long second line is split into several cues
    assert [s.index for s in subtitles] == list(range(1, len(subtitles) + 1))
    starts = [s.start.total_seconds() for s in subtitles]
    assert starts == sorted(starts)
    assert subtitles[0].content.startswith("(議長)")
    assert subtitles[1].content.startswith("(話者2)")
    for subtitle in subtitles:
        lines = subtitle.content.split("\n")
        assert len(lines) <= 2
        assert subtitle.end - subtitle.start <= timedelta(seconds=7.01)
        for line in lines:
            body = line.split(")", 1)[1] if line.startswith("(") else line
            # 20 characters, the speaker's name included, unless a long name would leave
            # less than half a line for the words
            assert len(line) <= 20 or len(body) <= 10, line
            # each line is whole words: it starts at a word boundary and ends at one
            assert _whole_words(body, words), body

    vtt_text = export_meeting(engine, meeting, "vtt").content.decode()
    cues = list(webvtt.from_buffer(io.StringIO(vtt_text)))
    assert len(cues) == len(subtitles)
    assert [c.voice for c in cues][:2] == ["議長", "話者2"]
    joined = "".join(c.text.replace("\n", "") for c in cues)
    assert joined == "".join(words)  # nothing lost or reordered


def _whole_words(line: str, words: list[str]) -> bool:
    """Can `line` be cut into a run of consecutive words of the transcript?"""
    for start in range(len(words)):
        built = ""
        for word in words[start:]:
            built += word
            if built == line:
                return True
            if not line.startswith(built):
                break
    return False


def test_english_subtitles_and_a_retyped_line(engine: Engine) -> None:
    meeting = store(engine, EN_LINES, "en", None)
    edits.edit_segment(engine, meeting, 2, text="We decided to open the library on Sunday "
                         "mornings from April, as a one-year trial.")
    cues = list(srt.parse(export_meeting(engine, meeting, "srt").content.decode()))
    assert cues[0].content.startswith("Chair: Um, good morning")
    assert all(len(line) <= 42 for c in cues for line in c.content.split("\n"))
    retyped = " ".join(c.content.replace("Speaker 2: ", "").replace("\n", " ")
                       for c in cues[1:])
    assert retyped == ("We decided to open the library on Sunday mornings from April, as a "
                       "one-year trial.")
    tidy = list(srt.parse(export_meeting(engine, meeting, "srt", cleanup="tidy")
                          .content.decode()))
    assert tidy[0].content.replace("\n", " ").startswith(
        "Chair: Good morning, everyone. I call the meeting")


def test_an_unfinished_meeting_exports_what_exists_and_says_what_is_missing(
    engine: Engine
) -> None:
    with session_scope(engine) as session:
        row = repository.create_meeting(session, title="臨時会", source_name="a.wav",
                                        source_path="x", content_hash="1" * 64)
        meeting = row.id
    exported = export_meeting(engine, meeting, "md")
    text = exported.content.decode()
    assert "Processing has not finished (status: queued)" in text
    assert "There is no transcript yet." in text
    assert exported.notes and len(exported.notes) == 4
    assert exported.notes[0].startswith("This copy is a draft")  # nobody approved it
    assert export_meeting(engine, meeting, "srt").content == b"\n"
    with pytest.raises(InvalidInputError, match="Unknown export format"):
        export_meeting(engine, meeting, "exe")


def test_cli_and_api_give_the_same_file(engine: Engine, settings: Settings,
                                        tmp_path: Path) -> None:
    meeting = store(engine, JA_LINES, "ja", JA_MINUTES)
    out = tmp_path / "minutes.vtt"
    env = {"GIJIROKU_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([str(Path(sys.executable).with_name("gijiroku")), "export", meeting,
                           "--format", "vtt", "-o", str(out)], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        answer = client.get(f"/api/meetings/{meeting}/export", params={"format": "vtt"})
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/vtt")
        assert answer.content == out.read_bytes()
        assert "filename*=UTF-8''%E7%AC%AC3%E5%9B%9E" in answer.headers["content-disposition"]
        bad = client.get(f"/api/meetings/{meeting}/export", params={"format": "exe"})
        assert bad.status_code == 422


def test_word_document_has_headings_the_action_table_and_japanese(engine: Engine,
                                                                  tmp_path: Path) -> None:
    import docx

    meeting = store(engine, JA_LINES, "ja", JA_MINUTES)
    path = tmp_path / "minutes.docx"
    path.write_bytes(export_meeting(engine, meeting, "docx").content)
    opened = docx.Document(str(path))
    headings = [p.text for p in opened.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["注記", "要旨", "決定事項", "今後の対応", "発言記録"]
    assert opened.paragraphs[0].style.name == "Title"
    assert opened.paragraphs[0].text == "第3回 総務委員会"
    actions = opened.tables[1]
    assert [c.text for c in actions.rows[0].cells] == ["内容", "担当", "期限", "根拠"]
    assert [c.text for c in actions.rows[1].cells] == ["勤務表を作成する", "議長",
                                                       "2027-02-28", "#3"]
    # the task column is the wide one in the table grid too (LibreOffice lays out by the
    # grid, Word by the cells), and the header row repeats on every page the table runs onto
    grid = [round(column.width.mm) for column in actions.columns]
    assert grid == [85, 35, 28, 18]
    assert [round(cell.width.mm) for cell in actions.rows[1].cells] == grid
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert actions.rows[0]._tr.trPr.find(w + "tblHeader") is not None
    assert [round(column.width.mm) for column in opened.tables[0].columns] == [35, 130]
    text = "\n".join(p.text for p in opened.paragraphs)
    assert "議長: えー、ただいまから総務委員会を開会いたします。" in text
    facts = opened.tables[0]
    assert [[c.text for c in row.cells] for row in facts.rows][:3] == [
        ["日時", "2026-11-20"], ["状態", "下書き"], ["場所", "第1委員会室"]]
    assert opened.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "Yu Gothic"


def test_pdf_carries_japanese_and_english_text_and_renders(engine: Engine,
                                                           tmp_path: Path) -> None:
    from PIL import Image
    from pypdf import PdfReader

    from tests.conftest import require

    meeting = store(engine, JA_LINES, "ja", JA_MINUTES)
    edits.edit_segment(engine, meeting, 3, text="事務局は二月末までに勤務表 (staff rota) を"
                         "作成してください。")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(export_meeting(engine, meeting, "pdf").content)
    text = "".join(page.extract_text() for page in PdfReader(str(path)).pages)
    flat = "".join(text.split())
    for wanted in ("第3回総務委員会", "決定事項", "第1委員会室", "勤務表を作成する",
                   "図書館の日曜開館を来年四月から試行する。", "担当", "期限", "staffrota", "議長"):
        assert wanted in flat, wanted
    pdftoppm = shutil.which("pdftoppm")
    require(pdftoppm is not None, "pdftoppm (Debian poppler-utils) is not installed")
    subprocess.run([str(pdftoppm), "-r", "50", "-f", "1", "-l", "1", "-png", str(path),
                    str(tmp_path / "page")], check=True)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    histogram = page.histogram()
    dark = sum(histogram[:128])
    assert dark / (page.width * page.height) > 0.005  # text drawn, not a blank page


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strings(value: object) -> list[str]:
    """Every string in a parsed JSON document (keys and values)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for k, v in value.items() for text in (*strings(k), *strings(v))]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


def test_control_characters_from_any_source_never_break_an_export(engine: Engine) -> None:
    import docx
    from pypdf import PdfReader

    lines = [("S1", ["Bell\x07", "rings\x1b."]), *EN_LINES]  # a line as a recogniser gave it
    meeting = store(engine, lines, "en", Minutes(status="done", summary="ok\x00\x0b",
                                                 decisions=[Decision(text="\x01可決\x1f")]))
    edits.rename_speaker(engine, meeting, "S2", "Clerk\x08")
    texts: dict[str, str] = {}
    for format in ("md", "srt", "vtt"):
        texts[format] = export_meeting(engine, meeting, format).content.decode("utf-8")
    # JSON is the result document, the data as stored: a control character stays in the
    # text, written as an escape (RFC 8259), never as a raw byte in the file
    raw = export_meeting(engine, meeting, "json").content.decode("utf-8")
    texts["json"] = raw
    document = json.loads(raw, strict=True)
    assert {"\x01可決\x1f", "Clerk\x08", "Bell\x07 rings\x1b."} <= set(strings(document))
    word = export_meeting(engine, meeting, "docx").content
    with zipfile.ZipFile(io.BytesIO(word)) as archive:  # every part, not only what docx reads
        texts["docx-xml"] = "".join(archive.read(name).decode("utf-8")
                                    for name in archive.namelist() if name.endswith(".xml"))
    texts["docx"] = "\n".join(p.text for p in docx.Document(io.BytesIO(word)).paragraphs)
    pdf = PdfReader(io.BytesIO(export_meeting(engine, meeting, "pdf").content))
    texts["pdf"] = "".join(page.extract_text() for page in pdf.pages)
    for format, text in texts.items():
        assert not CONTROL.search(text), (format, CONTROL.findall(text))
    for format in ("md", "srt", "vtt", "docx", "pdf"):  # kept, less the control characters
        assert "Bell rings." in texts[format] and "Clerk" in texts[format], format
    for format in ("md", "docx", "pdf"):  # the formats that carry the minutes
        assert "可決" in texts[format], format
    # the 会議録 layout: from the lines, the speakers' names and the record a person typed
    edits.edit_meeting(engine, meeting, {"title": "本会議\x1b"})
    edits.edit_segment(engine, meeting, 2, text="議案第1号、\x07条例を議題といたします。")
    record = edits.edit_record(engine, meeting, {"present": ["1番\x01"], "session": "定例会"})
    assert record is not None
    word = export_meeting(engine, meeting, "docx", layout="kaigiroku").content
    pdf = PdfReader(io.BytesIO(export_meeting(engine, meeting, "pdf", layout="kaigiroku").content))
    council = {
        "md": export_meeting(engine, meeting, "md", layout="kaigiroku").content.decode(),
        "docx": "\n".join(p.text for p in docx.Document(io.BytesIO(word)).paragraphs),
        "pdf": "".join(page.extract_text() for page in pdf.pages),
    }
    for format, text in council.items():
        assert not CONTROL.search(text), (format, CONTROL.findall(text))
        assert "Bell rings." in text and "条例" in text, format


def test_a_three_hour_transcript_exports_to_every_format(engine: Engine) -> None:
    lines = [(f"S{i % 2 + 1}", JA_LINES[1][1]) for i in range(1500)]  # ~3 h of speech
    meeting = store(engine, lines, "ja", JA_MINUTES)
    import docx
    from pypdf import PdfReader

    pdf = export_meeting(engine, meeting, "pdf").content
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 40
    word = docx.Document(io.BytesIO(export_meeting(engine, meeting, "docx").content))
    assert sum(p.text.endswith("増員とします。") for p in word.paragraphs) == 1500
    cues = list(srt.parse(export_meeting(engine, meeting, "srt").content.decode()))
    assert len(cues) >= 1500 and cues[-1].start.total_seconds() > 2.5 * 3600


def test_the_longest_line_and_item_export_to_pdf_and_word_whole(engine: Engine) -> None:
    """Finding 6: a line of 20,000 characters (the line limit) and an action item of 5,000
    (the item limit) are longer than a page; the PDF splits them over rows and pages instead
    of failing, and both the PDF and the Word file carry every character."""
    import docx
    from pypdf import PdfReader

    from gijiroku import limits

    sentence = "本日の議題は市民窓口のデジタル化についてであり、各課の意見を伺います。"
    line = (sentence * (limits.LINE // len(sentence) + 1))[:limits.LINE]
    task = ("English words that wrap at spaces, " * 200)[:limits.ITEM].strip()
    words = [line[i:i + 50] for i in range(0, len(line), 50)]
    meeting = store(engine, [("S1", words), *JA_LINES], "ja", Minutes(
        status="done", action_items=[ActionItem(task=task, owner="S2", segments=[1])]))
    pdf = PdfReader(io.BytesIO(export_meeting(engine, meeting, "pdf").content))
    # the pages' text without what repeats on each page (the header with the title, the
    # table's heading row, the page number) and the item's other cells
    repeated = re.compile(r"第3回総務委員会|時刻発言者発言|内容担当期限根拠|\d+/\d+|話者2–#1")
    flat = repeated.sub("", "".join("".join(p.extract_text() for p in pdf.pages).split()))
    assert len(pdf.pages) >= 10
    assert line in flat  # every character, in order, across the pages
    assert "".join(task.split()) in flat
    word = docx.Document(io.BytesIO(export_meeting(engine, meeting, "docx").content))
    cells = "".join(c.text for t in word.tables for r in t.rows for c in r.cells)
    body = "".join(p.text for p in word.paragraphs) + cells
    assert line in "".join(body.split()) and task in body


def test_reordering_characters_and_line_breaks_cannot_disguise_or_break_an_export(
        engine: Engine) -> None:
    """Finding 10: U+202E made "gnp.exe" read "exe.png", and a line break in a speaker's
    name or a line split subtitle cues (text dropped out) and made headings, list items and
    table rows in Markdown. What a person types is cleaned or refused at the door; what was
    stored before (or came from elsewhere) is made harmless in every export."""
    import docx
    from pypdf import PdfReader
    from sqlmodel import select as where

    from gijiroku.storage.tables import SegmentRow, SpeakerRow

    # at the door: names are one line and lose their reordering characters
    meeting = store(engine, JA_LINES, "ja", JA_MINUTES)
    edits.rename_speaker(engine, meeting, "S2", "\u202egnp.exe")
    for refused in (lambda: edits.rename_speaker(engine, meeting, "S2", "田中\n# 見出し"),
                    lambda: edits.edit_meeting(engine, meeting, {"title": "第3回\n- 項目"}),
                    lambda: edits.add_minutes_item(engine, meeting, ActionItem(
                        "資料", owner="事務局\r\n| 表 |"))):
        with pytest.raises(InvalidInputError) as caught:
            refused()
        assert caught.value.code == "text_has_line_break"
    edits.edit_segment(engine, meeting, 1, text="議事\u202eを開きます")
    with session_scope(engine) as session:
        assert session.exec(where(SpeakerRow.name).where(
            SpeakerRow.meeting_id == meeting, SpeakerRow.key == "S2")).one() == "gnp.exe"
        # what an older version stored, unchecked
        speaker = session.exec(where(SpeakerRow).where(
            SpeakerRow.meeting_id == meeting, SpeakerRow.key == "S1")).one()
        speaker.name = "議長\n# 偽の見出し"
        line = session.exec(where(SegmentRow).where(
            SegmentRow.meeting_id == meeting, SegmentRow.number == 2)).one()
        line.text = "前半です。\n\n後半も記録です。\n- 偽の項目\n1. 偽の番号 \u202egnp.exe"
        session.add_all([speaker, line])
    texts = {format: export_meeting(engine, meeting, format).content.decode("utf-8")
             for format in ("md", "srt", "vtt")}
    word = docx.Document(io.BytesIO(export_meeting(engine, meeting, "docx").content))
    texts["docx"] = "\n".join([p.text for p in word.paragraphs] + [
        c.text for t in word.tables for r in t.rows for c in r.cells])
    pdf = PdfReader(io.BytesIO(export_meeting(engine, meeting, "pdf").content))
    texts["pdf"] = "".join(page.extract_text() for page in pdf.pages)
    for format, text in texts.items():
        assert not re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f]", text), format
        assert "後半も記録です。" in text and "偽の番号" in text, format
    markdown = texts["md"].splitlines()
    assert not [row for row in markdown if re.match(r"(#|- |1\. )\s*偽の", row)], markdown
    assert not any(row.startswith("# 偽の見出し") for row in markdown)
    cues = list(srt.parse(texts["srt"]))
    assert all("\n\n" not in cue.content for cue in cues)
    assert any("後半も記録です。" in cue.content for cue in cues)  # nothing dropped out
    captions = webvtt.from_buffer(io.StringIO(texts["vtt"]))
    assert any("後半も記録です。" in caption.text for caption in captions)
    assert len(captions) == len(cues)


def test_minutes_a_person_reviewed_are_no_longer_an_ai_draft(engine: Engine) -> None:
    minutes = Minutes(status="done", summary="合意した。", model="qwen-test",
                      decisions=[Decision(text="試行する。", segments=[2])])
    meeting = store(engine, JA_LINES, "ja", minutes)
    assert "AI草稿" in export_meeting(engine, meeting, "md").content.decode()
    entry = edits.edit_meeting(engine, meeting, {"reviewed": True})
    assert entry is not None and entry.after == {"reviewed": True}
    for format in ("md", "docx", "pdf"):
        assert not any("AI" in note for note in export_meeting(engine, meeting, format).notes)
    assert "AI草稿" not in export_meeting(engine, meeting, "md").content.decode()
    with pytest.raises(InvalidInputError):
        edits.edit_meeting(engine, meeting, {"reviewed": "yes"})
    edits.undo(engine, meeting, entry.id)
    assert "AI草稿" in export_meeting(engine, meeting, "md").content.decode()
