"""The council's record (会議録) as councils publish it, built from a stored meeting: the
front matter in the usual order (title with the sitting's number, the date in 令和 with the
weekday and the time the sitting opened, 議事日程, 本日の会議に付した事件, members present and
absent, those present to explain, the secretariat's staff), then the proceedings (speaker
headings 「○議長（大西健一郎君）」, agenda headings 「△日程第２　議案第98号…」, the floor's
responses and standing votes in 〔 〕, recess and resume times on their own line), then the
signature block. No AI-draft note and no citation marks: a 会議録 is the record, not a
draft of minutes. A committee's record (委員会記録) has its own title and signature.

Every renderer (Word, PDF, Markdown) reads the one `Kaigiroku` built here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date as Date
from typing import Literal

from gijiroku.council.numerals import arabic
from gijiroku.council.proceedings import Proceedings, chair_of, lines_of
from gijiroku.council.record import Record
from gijiroku.domain import Meeting, Speaker
from gijiroku.export.document import Cleanup, printable, shown_name, tidy_text

#: Eras for dates in 和暦: (first day, name).
_ERAS = ((Date(2019, 5, 1), "令和"), (Date(1989, 1, 8), "平成"), (Date(1926, 12, 25), "昭和"))
_WEEKDAYS = "月火水木金土日"
#: A response from the floor, said by no one speaker: 「異議なし」「賛成」「なし」.
_FLOOR = re.compile(r"^(?:(?:ご|御)?異議なし|異議あり|賛成|反対|なし|よし|了解)[。！!]?$")
#: The chair asking members to stand or raise hands, and the note the record gives it.
_STANDING = ((re.compile(r"起立を求め"), "〔賛成者起立〕"),
             (re.compile(r"挙手を求め"), "〔賛成者挙手〕"))
#: Events printed with their time on a line of their own, before or after their line.
_TIMED = {"休憩": "after", "再開": "before", "散会": "after", "延会": "after", "閉会": "after"}
#: Who signs: the law the plenary's record cites, and the committee's own form.
SIGNATURE_LAW = "地方自治法第１２３条第２項の規定により、ここに署名する。"
SIGNATURE_COMMITTEE = "上記のとおり記録する。"

BlockKind = Literal["agenda", "speaker", "speech", "note", "time"]


@dataclass(slots=True)
class Block:
    """One paragraph of the proceedings."""

    kind: BlockKind
    text: str


@dataclass(slots=True)
class Kaigiroku:
    title: str
    committee: bool
    when: str  # 「令和８年１２月１０日（木曜日）」
    opened: str | None  # 「午前１０時００分開議」
    agenda: list[str]  # 「日程第１　会議録署名議員の指名」
    front: list[tuple[str, list[str]]]  # (heading, lines): 出席議員, 欠席議員...
    blocks: list[Block]
    signature: str
    signers: list[tuple[str, str]]  # (role, name)
    language: str = "ja"
    notes: list[str] = field(default_factory=list)  # about the copy, printed under the date


def zenkaku(text: str) -> str:
    """ASCII digits as the 会議録 writes them in its front matter: full width."""
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


def wareki(day: Date, era: str = "wareki") -> str:
    """2026-12-10 → 「令和８年１２月１０日（木曜日）」 (「令和元年」 for its first year);
    `seireki` → 「２０２６年１２月１０日（木曜日）」."""
    weekday = f"（{_WEEKDAYS[day.weekday()]}曜日）"
    if era == "seireki":
        return zenkaku(f"{day.year}年{day.month}月{day.day}日") + weekday
    for first, name in _ERAS:
        if day >= first:
            year = day.year - first.year + 1
            said = "元" if year == 1 else zenkaku(str(year))
            return f"{name}{said}年" + zenkaku(f"{day.month}月{day.day}日") + weekday
    return zenkaku(f"{day.year}年{day.month}月{day.day}日") + weekday


def clock_ja(at: str) -> str:
    """「10:47」 → 「午前１０時４７分」, 「13:05」 → 「午後１時０５分」."""
    hours, minutes = (int(x) for x in at.split(":"))
    half = "午前" if hours < 12 else "午後"
    return half + zenkaku(f"{hours if hours <= 12 else hours - 12}時{minutes:02d}分")


def house_style(text: str, style: dict[str, str], cleanup: Cleanup) -> str:
    """A 整文 record's words as the house style writes them: numbers that count something in
    算用数字 (「議案第九十八号」 → 「議案第98号」) unless the style keeps them as written."""
    if cleanup != "tidy" or style.get("numbers", "arabic") != "arabic":
        return text
    return arabic(text)


def heading(name: str, style: dict[str, str]) -> str:
    """A speaker heading from the speaker's name as the clerk gave it: 「議長 大西健一郎」 →
    「○議長（大西健一郎君）」, 「8番 石川隆之」 → 「○８番（石川隆之君）」, 「市長」 → 「○市長」."""
    parts = re.split(r"[ 　]+", unicodedata.normalize("NFKC", name).strip(), maxsplit=1)
    title = zenkaku(parts[0]) if parts[0] else "—"
    marker = style.get("marker", "○")
    if len(parts) == 2 and parts[1]:
        return f"{marker}{title}（{parts[1]}{style.get('honorific', '君')}）"
    return f"{marker}{title}"


def _heading_name(speaker: Speaker) -> str:
    """What `heading` is given: a confirmed roster person as 「議長 田中太郎」 or 「8番 石川隆之」
    (their seat when they hold no office), else the name as the clerk gave it."""
    person = speaker.roster_person()
    if person is not None:
        return f"{person.role()} {person.name}" if person.role() else person.name
    return shown_name(speaker, "ja")


def build_kaigiroku(meeting: Meeting, record: Record, proceedings: Proceedings, *,
                    kind: str | None, meeting_date: str | None,
                    cleanup: Cleanup = "verbatim") -> Kaigiroku:
    committee = kind == "iinkai"
    style = record.style
    proceedings = Proceedings(  # titles in the house style too
        [replace(a, title=house_style(a.title, style, cleanup)) for a in proceedings.agenda],
        proceedings.votes, proceedings.events)
    names = {s.id: printable(_heading_name(s)) for s in meeting.speakers}
    day = Date.fromisoformat(meeting_date) if meeting_date else None
    title = printable(record.session or meeting.title)
    title += ("記録" if committee else "会議録") if not title.endswith(("会議録", "記録")) else ""
    if record.number:
        title += f"（第{zenkaku(str(record.number))}号）"
    opening = next((e for e in proceedings.events if e.kind in ("開議", "開会") and e.at), None)
    agenda_lines = [text for _, text in _agenda_texts(proceedings)]
    front = [
        ("出席委員" if committee else "出席議員", record.present or ["（未入力）"]),
        ("欠席委員" if committee else "欠席議員", record.absent or ["なし"]),
        ("説明のため出席した者", record.officials or ["（未入力）"]),
        ("職務のため出席した事務局職員", record.staff or ["（未入力）"]),
    ]
    notes = [] if meeting.segments else ["発言記録はまだありません。"]
    p = printable  # whatever was typed or heard, nothing a document format cannot hold
    return Kaigiroku(
        title=title, committee=committee,
        when=wareki(day, style.get("era", "wareki")) if day else "（日付未入力）",
        opened=(clock_ja(opening.at) + opening.kind) if opening and opening.at else None,
        agenda=[p(line) for line in agenda_lines],
        front=[(heading, [p(line) for line in lines]) for heading, lines in front],
        blocks=[Block(b.kind, p(b.text)) for b in _blocks(meeting, names, proceedings,
                                                         style, cleanup)],
        signature=SIGNATURE_COMMITTEE if committee else SIGNATURE_LAW,
        signers=[(role, p(name)) for role, name in _signers(record, proceedings, meeting,
                                                             committee)],
        notes=notes,
    )


def _agenda_texts(proceedings: Proceedings) -> list[tuple[int | None, str]]:
    """Each agenda item as the 会議録 writes it, with the line that put it before the meeting:
    「日程第４　議案第１００号　…及び議案第１０１号　…」 (the bills of one item joined)."""
    grouped: dict[tuple[str | None, int | None], list[str]] = {}
    for item in proceedings.agenda:
        key = (item.item, item.segments[0] if item.segments else None)
        grouped.setdefault(key, []).append(
            zenkaku("　".join(x for x in (item.bill, item.title) if x)))
    return [(line, "　".join(x for x in (zenkaku(number) if number else None,
                                         "及び".join(bills)) if x))
            for (number, line), bills in grouped.items()]


def _blocks(meeting: Meeting, names: dict[str, str], proceedings: Proceedings,
            style: dict[str, str], cleanup: Cleanup) -> list[Block]:
    agenda_at: dict[int, list[str]] = {}
    for line, text in _agenda_texts(proceedings):
        if line is not None:
            agenda_at.setdefault(line, []).append("△" + text)
    timed: dict[tuple[int, str], list[str]] = {}
    for event in proceedings.events:
        place = _TIMED.get(event.kind)
        if place and event.segments:
            line = event.segments[0] if place == "before" else event.segments[-1]
            text = f"（{clock_ja(event.at)}{event.kind}）" if event.at else f"（{event.kind}）"
            timed.setdefault((line, place), []).append(text)
    chair = chair_of(lines_of(meeting.segments))
    blocks: list[Block] = []
    last_speaker: str | None = None
    for segment in meeting.segments:
        number = segment.id or 0
        for text in timed.get((number, "before"), []):
            blocks.append(Block("time", text))
            last_speaker = None
        for text in agenda_at.get(number, []):
            blocks.append(Block("agenda", text))
            last_speaker = None
        text = "〔聴取不能〕" if segment.gap else printable(
            house_style(tidy_text(segment.text, "ja", cleanup), style, cleanup))
        if segment.speaker is None and text.startswith("〔") and text.endswith("〕"):
            blocks.append(Block("note", text))  # an editor's note (a closed session's times)
            last_speaker = None
        elif segment.speaker != chair and _FLOOR.match(text.strip()):
            blocks.append(Block("note", f"〔「{text.strip().rstrip('。！!')}」と呼ぶ者あり〕"))
            last_speaker = None
        else:
            if segment.speaker != last_speaker:
                blocks.append(Block("speaker", heading(
                    names.get(segment.speaker or "", segment.speaker or "—"), style)))
                last_speaker = segment.speaker
            blocks.append(Block("speech", text))
        for pattern, note in _STANDING:
            if pattern.search(segment.text):
                blocks.append(Block("note", note))
                last_speaker = None
        for text in timed.get((number, "after"), []):
            blocks.append(Block("time", text))
            last_speaker = None
    return blocks


#: A signing member as the chair names one: 「三番、木村誠議員」.
_SIGNER = re.compile(r"([0-9０-９〇一二三四五六七八九十]+)番[、,，\s]*([^、。,，\s]{2,10}?)"
                     r"(?:議員|君|委員)")


def _signers(record: Record, proceedings: Proceedings, meeting: Meeting,
             committee: bool) -> list[tuple[str, str]]:
    """Who signs: the chair, then the signing members as given, else as the chair named
    them (「三番、木村誠議員、八番、石川隆之議員を指名いたします」)."""
    chair = record.chair or ("委員長" if committee else "議長")
    signers = [("委員長" if committee else "議長", chair)]
    named = record.signers
    if not named and not committee:
        lines = {s.id: s.text for s in meeting.segments}
        for event in proceedings.events:
            if event.kind == "署名議員指名":
                said = " ".join(lines.get(n, "") for n in event.segments)
                named = [f"{m.group(2)}" for m in _SIGNER.finditer(said)]
                break
    signers += [("署名議員", name) for name in named]
    return signers


__all__ = ["SIGNATURE_COMMITTEE", "SIGNATURE_LAW", "Block", "Kaigiroku", "build_kaigiroku",
           "clock_ja", "heading", "wareki", "zenkaku"]


def note_line(note: str) -> str:
    """A note on the copy (a draft nobody approved, no proceedings yet) as the record prints
    it under the date: in 〔 〕, apart from what was said."""
    return f"〔{note.rstrip('。')}〕"


def to_markdown(doc: Kaigiroku) -> str:
    """The 会議録 as Markdown: the same order and words as the Word and PDF copies."""
    out = [f"# {doc.title}", "", doc.when + (f"　{doc.opened}" if doc.opened else ""), ""]
    out += [line for note in doc.notes for line in (note_line(note), "")]
    if not doc.committee:
        out += ["## 議事日程", "", *[f"- {line}" for line in doc.agenda or ["（なし）"]], "",
                "## 本日の会議に付した事件", "", "- 議事日程のとおり", ""]
    for title, lines in doc.front:
        out += [f"## {title}", "", *[f"- {line}" for line in lines], ""]
    out += ["---", ""]
    for block in doc.blocks:
        if block.kind == "agenda":
            out += [f"**{block.text}**", ""]
        elif block.kind == "speaker":
            out += [f"**{block.text}**"]
        elif block.kind == "speech":
            out += [f"　{block.text}", ""]
        else:
            out += [block.text, ""]
    out += ["---", "", doc.signature, ""]
    out += [f"{role}　{name}  " for role, name in doc.signers]
    return "\n".join(out).rstrip() + "\n"
