"""The proceedings of a council meeting (議事経過) recognised from the chair's words, without a
language model: a council states what it does in fixed formulae, and a 会議録 is built on
them.

- Agenda items: 「日程第二、議案第九十八号、〜を議題といたします」, 「〜の二件を一括議題といた
  します」, 「日程第一、会議録署名議員の指名を行います」.
- Votes: the way it is taken (「ご異議ありませんか」 → 異議なし, 「起立を求めます」 → 起立,
  「挙手を求めます」 → 挙手, 「記名投票」 → 記名) and the result the chair declares, always
  after 「よって、」: 可決 / 否決 / 承認 / 認定 / 同意 / 採択 / 不採択 / 継続審査 / 付託. A
  committee chair's report of the committee's decision (「委員会では〜可決すべきものと決定
  いたしました」) is not a vote of this meeting: it has no 「よって、」.
- Events: 開会, 開議, 休憩, 再開, 散会, 延会, 閉会, the naming of the signing members
  (署名議員指名) and a withdrawal of remarks permitted (発言取消し), each with its time on
  the clock when the recording's start time is known.

Bill numbers are read whether the recogniser wrote them in kanji or in digits and are given
in 算用数字 (「議案第98号」). Each item keeps the transcript lines it rests on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta

from gijiroku.council.numerals import BILL, NUMBER, bill_name, bills_in, to_int

#: How a vote was taken.
METHODS = ("異議なし", "起立", "挙手", "記名")
#: What a vote decided (the interface's words).
RESULTS = ("可決", "否決", "承認", "認定", "同意", "採択", "不採択", "継続審査", "付託")
#: What happened to the sitting.
EVENTS = ("開会", "開議", "休憩", "再開", "散会", "延会", "閉会", "署名議員指名", "発言取消し")


@dataclass(slots=True)
class Line:
    id: int
    speaker: str | None
    text: str
    start: float
    end: float


@dataclass(slots=True)
class AgendaItem:
    item: str | None  # 「日程第2」; None when the agenda is not numbered (a committee)
    bill: str | None  # 「議案第98号」; None for an item that is no bill (一般質問)
    title: str
    segments: list[int]


@dataclass(slots=True)
class Vote:
    bill: str | None
    method: str | None  # METHODS; None when no vote was taken (a referral by the chair)
    result: str  # RESULTS
    segments: list[int]
    committee: str | None = None  # where a bill was referred (付託)


@dataclass(slots=True)
class Event:
    kind: str  # EVENTS
    at: str | None  # HH:MM on the clock, None when the recording's start time is unknown
    segments: list[int]


@dataclass(slots=True)
class Proceedings:
    agenda: list[AgendaItem] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[dict[str, object]]]:
        return {"agenda": [asdict(a) for a in self.agenda],
                "votes": [asdict(v) for v in self.votes],
                "events": [asdict(e) for e in self.events]}


# -- the chair's formulae ------------------------------------------------------------------
_SENTENCE = re.compile(r"(?<=[。？！?!])\s*")
#: 「日程第二、」: the agenda's numbering.
_ITEM = re.compile(r"日程\s*第\s*(" + NUMBER + r")\s*[、,，]?\s*")
#: What is put before the meeting: 「〜を議題といたします」「〜を一括議題とします」, or an item
#: that is an act: 「日程第一、会議録署名議員の指名を行います」「日程第三、一般質問を行います」.
_PUT = re.compile(r"を(?:一括)?議題と(?:いた)?(?:し|致し)ます|(?<=[^、。])を行います")
#: A title's ending and joints that are not the title: 「〜について」「及び」「の二件」.
_TITLE_TAIL = re.compile(r"(?:について|の件)?(?:[、,，\s]*(?:及び|並びに|と))?[、,，\s]*$")
_COUNT = re.compile(r"の" + NUMBER + r"件$")
#: The way a vote is taken.
_METHOD = (
    ("記名", re.compile(r"記名投票")),
    ("起立", re.compile(r"起立(?:によって|により|をもって|を求め|多数|少数|全員|総員)")),
    ("挙手", re.compile(r"挙手(?:によって|により|を求め|多数|少数|全員|総員)")),
    ("異議なし", re.compile(r"(?:ご|御)?異議(?:は)?(?:ありませんか|ございませんか)|"
                          r"(?:ご|御)?異議なしと認め")),
)
#: A motion put to the meeting, where a vote's lines begin.
_MOTION = re.compile(r"お諮り|採決(?:いた)?します|採決に入り|(?:ご|御)?異議(?:は)?(?:ありま|ござ)"
                     r"せんか|(?:起立|挙手)を求め|記名投票")
#: The result the chair declares: after 「よって、」, the result's word and its verb.
_DECLARED = re.compile(r"よって[、,，]?")
_RESULT = re.compile(
    r"(不採択|採択|可決|否決|承認|認定|同意)(?:と)?(?:すべきもの|することに|とすることに)?"
    r"(?:と)?(?:決し|決定|され|いたし|し)|"
    r"(継続審査)と(?:すること|いたすこと)?に?決|"
    r"([^、。]{1,20}委員会)に付託(?:すること|いたすこと)?(?:に決し|いたし|し|と)")
#: The chair referring bills without a vote: 「議案第百号は、厚生常任委員会に付託いたします」.
_REFERRED = re.compile(r"([^、。]{1,20}委員会)に(?:審査を)?付託(?:いた)?します")
_EVENTS = (
    ("再開", re.compile(r"休憩前に引き続き|会議を再開|再開(?:いた)?します")),
    ("休憩", re.compile(r"(?<!前に引き続き)休憩(?:いた)?します|休憩とします")),
    ("開議", re.compile(r"(?:本日の|これより|ただいまから)?会議を開きます|開議(?:いた)?します")),
    ("開会", re.compile(r"(?:定例会|臨時会|委員会|協議会|審査会)を開会(?:いた)?します|"
                      r"(?:委員会|協議会)を開きます")),
    ("散会", re.compile(r"散会(?:いた)?します|散会とします")),
    ("延会", re.compile(r"延会(?:いた)?します")),
    ("閉会", re.compile(r"閉会(?:いた)?します|会議を閉じます|閉会とします")),
    ("署名議員指名", re.compile(r"署名議員.*指名(?:いた)?します|指名(?:いた)?します.*署名")),
    ("発言取消し", re.compile(r"取り?消し.*許可|許可.*取り?消し")),
)
#: Words only the chair says: who says them most often is the chair.
_CHAIR = re.compile(r"議題と|と認めます|採決|休憩|散会|閉会|開きます|お諮り|を求めます|"
                    r"発言を許します|ありませんか")


def recognise(lines: Iterable[Line], started: datetime | time | None = None) -> Proceedings:
    """The proceedings the lines state; `started`: when the recording began (event times)."""
    lines = list(lines)
    chair = _chair(lines)
    found = Proceedings()
    current: list[str] = []  # the bills of the agenda item under discussion
    method: str | None = None
    motion: int | None = None  # the line where the vote's motion was put
    for index, line in enumerate(lines):
        by_chair = chair is None or line.speaker == chair
        for sentence in (s for s in _SENTENCE.split(line.text) if s.strip()):
            if by_chair and _PUT.search(sentence):
                items = _agenda(sentence, line.id)
                if items:
                    found.agenda.extend(items)
                    current = [a.bill for a in items if a.bill]
                    method, motion = None, None
            if by_chair:
                for kind, pattern in _EVENTS:
                    if pattern.search(sentence) and not (
                            kind == "開議" and _EVENTS[0][1].search(sentence)):
                        found.events.append(Event(kind, _at(started, line, kind), [line.id]))
                        break
            for name, pattern in _METHOD:
                if pattern.search(sentence):
                    method = name
                    break
            if by_chair and _MOTION.search(sentence) and motion is None:
                motion = line.id
            declared = _DECLARED.search(sentence)
            result = _RESULT.search(sentence[declared.end():]) if declared else None
            if by_chair and result:
                word = result.group(1) or result.group(2) or "付託"
                said: list[str | None] = [*(bills_in(sentence) or current)]
                first = motion if motion is not None else line.id
                segments = [x.id for x in lines[:index + 1] if x.id >= first]
                for bill in said or [None]:
                    found.votes.append(Vote(bill, method, word, segments,
                                            committee=result.group(3)))
                method, motion = None, None
            elif by_chair and (referred := _REFERRED.search(sentence)) and \
                    not _MOTION.search(sentence):
                referred_bills: list[str | None] = [*(bills_in(sentence) or current)]
                for bill in referred_bills or [None]:
                    found.votes.append(Vote(bill, None, "付託", [line.id],
                                            committee=referred.group(1)))
    return found


def _chair(lines: list[Line]) -> str | None:
    counts = Counter(line.speaker for line in lines
                     if line.speaker and _CHAIR.search(line.text))
    return counts.most_common(1)[0][0] if counts else None


def _agenda(sentence: str, line: int) -> list[AgendaItem]:
    """The agenda items a sentence puts before the meeting (one per bill it names)."""
    put = _PUT.search(sentence)
    if not put:
        return []
    said = sentence[:put.start()]
    numbered = _ITEM.search(said)
    if numbered:
        said = said[numbered.end():]
    elif put.group(0) == "を行います":
        return []  # 「質疑を行います」: an act, not an agenda item
    item = f"日程第{to_int(numbered.group(1))}" if numbered else None
    marks = list(BILL.finditer(said))
    if not marks:
        title = _title(said)
        return [AgendaItem(item, None, title, [line])] if title else []
    items = []
    for number, mark in enumerate(marks):
        end = marks[number + 1].start() if number + 1 < len(marks) else len(said)
        title = _title(said[mark.end():end])
        items.append(AgendaItem(item, bill_name(mark.group(1), mark.group(2)), title, [line]))
    return items


def _title(text: str) -> str:
    text = re.sub(r"^[、,，\s]+", "", text)
    text = _COUNT.sub("", _TITLE_TAIL.sub("", text).strip())
    return _TITLE_TAIL.sub("", text).strip("、,， ")


def _at(started: datetime | time | None, line: Line, kind: str) -> str | None:
    """The clock time of an event: a recess when the chair finishes declaring it, anything
    else when the line begins."""
    if started is None:
        return None
    base = started if isinstance(started, datetime) else datetime.combine(
        datetime(2000, 1, 1).date(), started)
    moment = base + timedelta(seconds=line.end if kind == "休憩" else line.start)
    return f"{moment:%H:%M}"


__all__ = ["EVENTS", "METHODS", "RESULTS", "AgendaItem", "Event", "Line", "Proceedings", "Vote",
           "recognise"]
