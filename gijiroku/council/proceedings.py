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
  the clock when the recording's start time is known. A plenary day closed after the chair
  announced the next sitting is 散会 unless the closing names the session it ends.

Bill numbers are read whether the recogniser wrote them in kanji or in digits and are given
in 算用数字 (「議案第98号」). Each item keeps the transcript lines it rests on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta

import regex

from gijiroku.council.hearing import flatten, hear, sounds
from gijiroku.council.numerals import BILL, NUMBER, bill_name, bills_in, to_int
from gijiroku.domain import Decision, Segment

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
# Each is found in the text as written or, as it sounds (`gijiroku.council.hearing`), in the
# text as a speech recogniser misspelt it: (pattern on the text, formula in katakana).
_SENTENCE = re.compile(r"(?<=[。？！?!])\s*")
#: 「日程第二、」: the agenda's numbering (「日程」 misheard: 「日帝」「日定」「にって」: one of its
#: two characters, or its sound).
_NUMBERED = re.compile(r"^\s*([^、。,，\s]{1,4}?)\s*[第大台題代]\s*(" + NUMBER +
                       r")(?!般)\s*[、,，]?\s*")  # 「日程第一一般質問」: 第一, 一般質問
_ITEM_SAID = "ニッテイ"
#: What is put before the meeting: 「〜を議題といたします」「〜を一括議題とします」, or an item
#: that is an act: 「日程第一、会議録署名議員の指名を行います」「日程第三、一般質問を行います」.
_PUT = re.compile(r"を?(?:一括)?議題と(?:いた)?(?:し|致し)ます|(?<=[^、。])を行います")
_PUT_SAID = "ギダイトイタシマス|ギダイトシマス"
#: A bill as heard: its kind (checked by sound), 第 or a homophone, a number, 号 or 合 (or
#: 語, 後: ゴウ as ゴ; 「性感大産後」 is 請願第3号) ...
_GO_HEARD = "[号合語後]"
_BILL_HEARD = re.compile(r"([^\s、。,，第大台題代]{1,5}?)\s*[第大台題代]\s*(" + NUMBER +
                         r")\s*" + _GO_HEARD)
#: ... its 第 written in katakana (「ギアンダイ百合」), and 百 heard as 博 (ハク for ヒャク:
#: 「議案題博語及び議案題博1号」, a plenary on an AMD EPYC): read as 第 and 百 first.
_DAI_HEARD = re.compile(r"ダイ(?=\s*[0-9０-９〇零一二三四五六七八九十百千万博])")
_DIGIT_HEARD = re.compile(r"(?<=[第大台題代])\s*[博白産]")
#: ... and 三 heard as 産 (サン): 「性感大産後」 is 請願第3号.
_DIGITS_HEARD = {"博": "百", "白": "百", "産": "三"}
#: ... or with its 号 heard as 五 (ゴウ as ゴ), no 号 after it: 「議案大百五及び議案大百一五は」
#: is 議案第百号及び議案第百一号 (and 「105」, written for ひゃくご, is 100).
_BILL_HEARD_GO = re.compile(r"([^\s、。,，第大台題代]{1,5}?)\s*[第大台題代]\s*(" + NUMBER +
                            r")(?<=[五5５])(?![号合0-9０-９〇零一二三四五六七八九十百千万])")
_KINDS_SAID = {"議案": "ギアン", "請願": "セイガン", "陳情": "チンジョウ", "報告": "ホウコク",
               "認定": "ニンテイ", "諮問": "シモン", "同意": "ドウイ", "発議": "ハツギ",
               "意見書案": "イケンショアン", "決議案": "ケツギアン", "選挙": "センキョ",
               "承認": "ショウニン"}
#: A committee's subject said plainly: 「本日の議題は、〜についてです」「本日は、〜について
#: 審査を行います」.
_TOPIC = re.compile(r"^(?:本日の)?議題は[、,，]?(.+?)(?:について)?(?:です|であります)[。]?$|"
                    r"^(?:本日は[、,，]?)?(.+?)について[、,，]?(?:の)?(?:審査|審議|調査)を行います")
#: A title's ending and joints that are not the title: 「〜について」「及び」「の二件」.
_TITLE_TAIL = re.compile(r"(?:について|の件)?(?:[、,，\s]*(?:及び|並びに|と))?[、,，\s]*$")
_COUNT = re.compile(r"の" + NUMBER + r"件$")
#: The way a vote is taken.
_METHOD = (
    ("記名", re.compile(r"記名投票"), "キメイトウヒョウ"),
    ("起立", re.compile(r"起立(?:によって|により|をもって|を求め|多数|少数|全員|総員)"),
     "キリツニヨッテ|キリツヲモトメ|キリツタスウ|キリツショウスウ|キリツゼンイン"),
    ("挙手", re.compile(r"挙手(?:によって|により|を求め|多数|少数|全員|総員)"),
     "キョシュニヨッテ|キョシュヲモトメ|キョシュタスウ|キョシュショウスウ|キョシュゼンイン"),
    ("異議なし", re.compile(r"(?:ご|御)?異議(?:は)?(?:ありませんか|ございませんか)|"
                          r"(?:ご|御)?異議なしと認め"),
     "イギアリマセンカ|イギゴザイマセンカ|イギナシトミトメ"),
)
#: A motion put to the meeting, where a vote's lines begin.
_MOTION = re.compile(r"お諮り|採決(?:いた)?します|採決に入り|(?:ご|御)?異議(?:は)?(?:ありま|ござ)"
                     r"せんか|(?:起立|挙手)を求め|記名投票")
_MOTION_SAID = ("オハカリ|サイケツイタシマス|サイケツシマス|イギアリマセンカ|キリツヲモトメ|"
                "キョシュヲモトメ|キメイトウヒョウ")
#: The result the chair declares: after 「よって、」, the result's word and its verb.
_DECLARED = re.compile(r"よって[、,，]?")
_RESULT = re.compile(
    r"(不採択|採択|可決|否決|承認|認定|同意)(?:と)?(?:すべきもの|することに|とすることに)?"
    r"(?:と)?(?:決し|決定|され|いたし|し)|原案の(?:とおり|通り)(可)?決定|"
    r"(継続審査)と(?:すること|いたすこと)?に?決|"
    r"([^、。]{1,20}委員会)に付託(?:すること|いたすこと)?(?:に決し|いたし|し|と)")
#: The chair finding the vote carried, which may declare the result in the same sentence
#: or the next.
_CARRIED = re.compile(r"(?:ご|御)?異議なしと認め|(?:起立|挙手)(?:多数|少数|全員|総員)|全員賛成|"
                      r"賛成(?:多数|少数|全員)")
_CARRIED_SAID = ("イギナシトミトメ|キリツタスウ|キリツショウスウ|キリツゼンイン|キョシュタスウ|"
                 "キョシュショウスウ|キョシュゼンイン|ゼンインサンセイ|サンセイゼンイン|"
                 "サンセイタスウ")
#: ...and as heard: the result's word, then a verb of deciding.
_RESULTS_SAID = (("不採択", "フサイタク"), ("採択", "サイタク"), ("可決", "カケツ"),
                 ("否決", "ヒケツ"), ("承認", "ショウニン"), ("認定", "ニンテイ"),
                 ("同意", "ドウイ"), ("継続審査", "ケイゾクシンサ"), ("付託", "フタク"))
_DECIDING_SAID = regex.compile(flatten("ケッシ|サレ|ケッテイ|イタシ|シマシタ|スルコト"))
#: Referred to a committee whatever the verb was heard as: 「〜委員会に二くすることに決し」.
_TO_COMMITTEE = re.compile(r"([^、。]{1,20}委員会)に[^、。]{0,4}?(?:すること|いたすこと)に[、,]?決")
#: The chair referring bills without a vote: 「議案第百号は、厚生常任委員会に付託いたします」.
_REFERRED = re.compile(r"([^、。]{1,20}委員会)に(?:審査を)?付託(?:いた)?します")
_EVENTS = (
    ("再開", re.compile(r"休憩前に引き続き|会議を再開|再開(?:いた)?します"),
     "キュウケイマエニヒキツヅキ|カイギヲサイカイ|サイカイイタシマス|サイカイシマス"),
    ("休憩", re.compile(r"(?<!前に引き続き)休憩(?:いた)?します|休憩とします"),
     "キュウケイイタシマス|キュウケイシマス|キュウケイトシマス"),
    ("散会", re.compile(r"散会(?:いた)?します|散会とします"),
     "サンカイイタシマス|サンカイシマス|サンカイトシマス"),
    ("延会", re.compile(r"延会(?:いた)?します"), "エンカイイタシマス|エンカイシマス"),
    ("閉会", re.compile(r"閉会(?:いた)?します|会議を閉じます|閉会とします"),
     "ヘイカイイタシマス|ヘイカイシマス|カイギヲトジマス"),
    ("開議", re.compile(r"(?:本日の|これより|ただいまから)?会議を開きます|開議(?:いた)?します"),
     "カイギヲヒラキマス|カイギイタシマス"),
    ("開会", re.compile(r"(?:定例会|臨時会|委員会|協議会|審査会)を開会(?:いた)?します|"
                      r"(?:委員会|協議会)を開きます"),
     "カイカイイタシマス|イインカイヲヒラキマス"),
    ("署名議員指名", re.compile(r"署名議員.*指名(?:いた)?します|指名(?:いた)?します.*署名"),
     None),
    ("発言取消し", re.compile(r"取り?消し.*許可|許可.*取り?消し"), None),
)
#: The chair announcing the plenary's next sitting: the session goes on, so the day ends in
#: 散会, whatever was heard (a closing that names no session, 「本日はこれにて閉会いたします」).
_NEXT_SITTING = re.compile(r"次(?:の|回の?)本会議")
_NEXT_SITTING_SAID = "ツギノホンカイギ|ジカイノホンカイギ|ジカイホンカイギ"
#: A closing that names what it closes: the session (or a committee's meeting) does end.
_SESSION = re.compile(r"定例会|臨時会|会期|委員会|協議会|審査会")
#: Words only the chair says: who says them most often is the chair.
_CHAIR = re.compile(r"議題と|と認めます|採決|休憩|散会|閉会|開きます|お諮り|を求めます|"
                    r"発言を許します|ありませんか")
_CHAIR_SAID = "ギダイト|ミトメマス|サイケツ|オハカリ|アリマセンカ|モトメマス|キュウケイ"


def _says(sentence: str, written: re.Pattern[str], said: str | None,
          errors: int | None = None) -> bool:
    """The sentence says it, as written or as it sounds."""
    return bool(written.search(sentence)) or (
        said is not None and sounds(hear(sentence), said, errors) is not None)


def _without_go(number: str) -> str | None:
    """A bill's number whose last 五 (or 5) was its 号; None when nothing is left."""
    if number.endswith("五"):
        return number[:-1] or None
    value = to_int(number)
    return str(value - 5) if value is not None and value > 5 else None


def _bills(sentence: str) -> list[str]:
    """The bills a sentence names, as written or as heard: 「性感大産号」 is 請願第3号."""
    written = bills_in(sentence)
    if written:
        return written
    heard: list[tuple[int, str]] = []
    sentence = _numbers_heard(sentence)
    for pattern, number_of in ((_BILL_HEARD, str), (_BILL_HEARD_GO, _without_go)):
        for mark in pattern.finditer(sentence):
            kind, number = _kind_heard(mark.group(1)), number_of(mark.group(2))
            if kind and number:
                heard.append((mark.start(), bill_name(kind, number)))
    return list(dict.fromkeys(name for _, name in sorted(heard)))


def _numbers_heard(text: str) -> str:
    """The text with 第 written in katakana, 百 heard as 博 and 三 as 産 read as 第, 百 and 三
    (the same length: places found in it are places in the text)."""
    return _DIGIT_HEARD.sub(lambda m: m.group(0)[:-1] + _DIGITS_HEARD[m.group(0)[-1]],
                            _DAI_HEARD.sub("第\u3000", text))


def _kind_heard(before: str) -> str | None:
    """The kind of bill the last few characters before 第 sound like, if any."""
    for size in range(min(len(before), 5), 1, -1):
        flat = hear(before[-size:]).kana
        for kind, said in _KINDS_SAID.items():
            target = flatten(said)
            if flat == target or (len(target) >= 3 and len(flat) >= 3 and regex.fullmatch(
                    f"(?:{target}){{e<=1}}", flat)):
                return kind
    return None


def _carries(sentence: str) -> bool:
    """The chair finds the vote carried (or lost): 「異議なしと認めます」「起立多数であります」."""
    return bool(_CARRIED.search(sentence)) or sounds(hear(sentence), _CARRIED_SAID) is not None


def _result(sentence: str, carried: bool = False) -> tuple[str, str | None] | None:
    """The result the chair declares in the sentence (and the committee of a referral):
    after 「よって、」, or in the sentence that finds the vote carried or the one after it
    (`carried`: 「ご異議なしと認め。」「継続審査と決定いたしました。」)."""
    declared = _DECLARED.search(sentence) or _CARRIED.search(sentence)
    start = declared.end() if declared else 0 if carried else None
    if start is not None:
        written = _RESULT.search(sentence[start:])
        if written:
            if written.group(0).startswith("原案の"):  # 「本件は原案のとおり決定」
                return "可決", None
            return written.group(1) or written.group(3) or "付託", written.group(4)
        to_committee = _TO_COMMITTEE.search(sentence[start:])
        if to_committee:
            return "付託", to_committee.group(1)
    heard = hear(sentence)
    after = sounds(heard, "ヨッテ", 0)
    if after is None and not carried:
        # 「よって」 heard as 「予定」 where a sentence begins
        begins = regex.match(f"(?:{flatten('ヨッテ')}){{e<=1}}", heard.kana)
        after = begins if begins and begins.end() <= 3 else None
    if after is None and not carried:
        return None
    rest = heard.kana[after.end():] if after is not None else heard.kana
    committee = _REFERRED_TO.search(sentence)
    for word, said in _RESULTS_SAID:
        found = regex.search(flatten(said), rest)
        if found and _DECIDING_SAID.search(rest[found.end():found.end() + 12]) and not (
                word == "採択" and rest[max(found.start() - 1, 0):found.start()] == "フ"):
            return word, committee.group(1) if word == "付託" and committee else None
    # the word's last ツ or ク, unvoiced before the verb, not heard (「原案のとおりかけ、
    # されました」: カケツサレ heard as カケサレ), when only one word can have lost it
    heard_as = {word for word, said in _RESULTS_SAID if said[-1] in "ツク"
                and (found := regex.search(flatten(said[:-1]), rest))
                and _DECIDING_SAID.match(rest, found.end())}
    if len(heard_as) == 1:
        word = heard_as.pop()
        return word, committee.group(1) if word == "付託" and committee else None
    return None


_REFERRED_TO = re.compile(r"([^、。]{1,20}委員会)に")


def recognise(lines: Iterable[Line], started: datetime | time | None = None) -> Proceedings:
    """The proceedings the lines state; `started`: when the recording began (event times)."""
    lines = list(lines)
    chair = chair_of(lines)
    found = Proceedings()
    current: list[str] = []  # the bills of the agenda item under discussion
    named: list[str] = []  # the bills the chair last named before a result
    method: str | None = None
    motion: int | None = None  # where the vote's motion was put (an index in `lines`: a
    # line split during proofreading takes a new number, so numbers are not in order)
    carried = ""  # the chair's 「よって、〜は」 still waiting for its result
    found_carried = False  # the chair's last sentence found the vote carried
    goes_on = False  # the chair announced the next plenary sitting
    for index, line in enumerate(lines):
        by_chair = chair is None or line.speaker == chair
        for sentence in (s for s in _SENTENCE.split(line.text) if s.strip()):
            if by_chair:
                items = _agenda(sentence, line.id, _last_item(found.agenda))
                if items:
                    found.agenda.extend(items)
                    current = [a.bill for a in items if a.bill]
                    method, motion, named = None, None, []
                event = _event(sentence)
                goes_on = goes_on or _says(sentence, _NEXT_SITTING, _NEXT_SITTING_SAID, 1)
                if event == "閉会" and goes_on and not _SESSION.search(sentence):
                    event = "散会"
                if event:
                    _add_event(found, event, lines, index, started)
            for name, written, said in _METHOD:
                if _says(sentence, written, said):
                    method = name
                    break
            if by_chair and motion is None and _says(sentence, _MOTION, _MOTION_SAID):
                motion = index
            # 「よって、議案第九十八号は」 | 「原案のとおり可決されました」: a sentence the
            # recogniser cut in two is read whole
            whole = carried + sentence
            result = _result(whole, found_carried) if by_chair else None
            carried = whole if by_chair and result is None and _declares(sentence) else ""
            if by_chair:
                found_carried = result is None and _carries(sentence)
            bills = _bills(sentence) if by_chair and not result else []  # (the chair's)
            if result:
                sentence = whole
                word, committee = result
                declared = _bills(sentence)
                if declared and set(declared) < set(named):  # one of them misheard here:
                    declared = named  # 「議案大博務及び議案大博1号は」 after both were named
                said_bills: list[str | None] = [*(declared or current)]
                segments = [x.id for x in lines[index if motion is None else motion:index + 1]]
                for bill in said_bills or [None]:
                    found.votes.append(Vote(bill, method, word, segments, committee=committee))
                    _on_the_agenda(found.agenda, bill)
                method, motion, named = None, None, []
            elif bills:
                named = bills
            if not result and by_chair and (referred := _REFERRED.search(sentence)) and \
                    not _MOTION.search(sentence):
                referred_bills: list[str | None] = [*(bills or current)]
                for bill in referred_bills or [None]:
                    found.votes.append(Vote(bill, None, "付託", [line.id],
                                            committee=referred.group(1)))
        # a withdrawal asked for in one sentence and permitted in the next
        if by_chair and _WITHDRAWN.search(line.text):
            _add_event(found, "発言取消し", lines, index, started)
    _read_as_said(found, lines)
    return found


#: A bill's number whose 百 was written as 100 before the rest (「百一」 → 1001, 「二百五」
#: → 2005): its hundreds, then one or two digits.
_HUNDRED_THEN = re.compile(r"^(.*第)([1-9]00)([0-9]{1,2})(号)$")


def _read_as_said(found: Proceedings, lines: list[Line]) -> None:
    """An agenda item's bill that no other line names, whose number read with 百 as said is
    a bill other lines name (「議案第1001号」 where 議案第百一号 was put, then explained as
    「議案題101号」 and voted on as 「議案大白一号」), is that bill: one item, with the title
    and lines of both, and the votes on it."""
    def named(bill: str, besides: list[int]) -> bool:
        return any(bill in _bills(sentence) for line in lines if line.id not in besides
                   for sentence in _SENTENCE.split(line.text) if sentence.strip())

    renamed: dict[str, str] = {}
    kept: list[AgendaItem] = []
    for entry in found.agenda:
        written = _HUNDRED_THEN.match(entry.bill or "")
        if written and entry.bill is not None and not named(entry.bill, entry.segments):
            said = f"{written.group(1)}{int(written.group(2)) + int(written.group(3))}" \
                   f"{written.group(4)}"
            if named(said, entry.segments):
                renamed[entry.bill] = entry.bill = said
        twin = next((k for k in kept if (k.item, k.bill) == (entry.item, entry.bill)
                     and entry.bill), None)
        if twin is None:
            kept.append(entry)
            continue
        twin.title = twin.title or entry.title
        twin.segments = sorted({*twin.segments, *entry.segments})
    found.agenda[:] = kept
    votes: list[Vote] = []
    for vote in found.votes:  # a vote on the bill as the item put it is a vote on it
        vote.bill = renamed.get(vote.bill or "", vote.bill)
        if not any((v.bill, v.result, v.segments) == (vote.bill, vote.result, vote.segments)
                   for v in votes):
            votes.append(vote)
    found.votes[:] = votes


_WITHDRAWN = next(written for kind, written, _ in _EVENTS if kind == "発言取消し")


def _add_event(found: Proceedings, kind: str, lines: list[Line], index: int,
               started: datetime | time | None) -> None:
    """An event of `lines[index]`; one said over sentences or lines close together (a line
    the recogniser cut; a withdrawal asked for, 「異議なし」, permitted) is one event."""
    line = lines[index]
    last = found.events[-1] if found.events else None
    if last and last.kind == kind and \
            last.segments[-1] in {x.id for x in lines[max(index - 3, 0):index + 1]}:
        if last.segments[-1] != line.id:
            last.segments.append(line.id)
        return
    found.events.append(Event(kind, _at(started, line, kind), [line.id]))


def _declares(sentence: str) -> bool:
    return bool(_DECLARED.search(sentence)) or sounds(hear(sentence), "ヨッテ", 0) is not None


def _on_the_agenda(agenda: list[AgendaItem], bill: str | None) -> None:
    """A bill voted on that no agenda item names belongs to the item under discussion (its
    name was misheard where the item was put: 「議案第博務…及び議案第百一号」), with no
    title until a person gives it."""
    if bill is None or not agenda or any(a.bill == bill for a in agenda):
        return
    last = agenda[-1]
    if last.item is not None:
        agenda.append(AgendaItem(last.item, bill, "", list(last.segments)))


def _event(sentence: str) -> str | None:
    """The event a sentence of the chair's declares: as written, else the one it sounds most
    like (「3回いたします」 is 散会, not 再開)."""
    for kind, written, _ in _EVENTS:
        if written.search(sentence):
            return kind
    heard = hear(sentence)
    best: tuple[int, str] | None = None
    for kind, _, said in _EVENTS:
        for formula in (said or "").split("|"):
            # one kana off in a long formula; a short one as it sounds exactly
            # (「お願いします」 is one kana off 「閉会します」)
            found = sounds(heard, formula, 1 if len(flatten(formula)) >= 8 else 0) \
                if formula else None
            if found is not None and (best is None or sum(found.fuzzy_counts) < best[0]):
                best = (sum(found.fuzzy_counts), kind)
    if best:
        return best[1]
    if sounds(heard, "ショメイギイン") and sounds(heard, "シメイ", 0):
        return "署名議員指名"
    return None


def lines_of(segments: Iterable[Segment]) -> list[Line]:
    """A stored meeting's lines as the proceedings read them (lines heard but not made out
    say nothing)."""
    return [Line(s.id or 0, s.speaker, s.text, s.start, s.end) for s in segments if not s.gap]


def chair_of(lines: list[Line]) -> str | None:
    """The chair: the speaker who says the chair's words (「議題と」「と認めます」「採決」…)
    most often, as written or as heard."""
    counts = Counter(line.speaker for line in lines if line.speaker and (
        _CHAIR.search(line.text) or sounds(hear(line.text), _CHAIR_SAID, 0)))
    return counts.most_common(1)[0][0] if counts else None


def _last_item(agenda: list[AgendaItem]) -> int | None:
    """The number of the last numbered agenda item (「日程第4」 → 4)."""
    numbers = [to_int(a.item[3:]) for a in agenda if a.item]
    return next((n for n in reversed(numbers) if n is not None), None)


def _agenda(sentence: str, line: int, last: int | None = None) -> list[AgendaItem]:
    """The agenda items a sentence puts before the meeting (one per bill it names); `last`:
    the number of the item put before it (the agenda is numbered in order, so 「滅手第5」
    after 日程第4 is 日程第5, however 日程 was heard)."""
    topic = _TOPIC.search(sentence)
    put = _PUT.search(sentence)
    if topic and (put is None or put.group(0) == "を行います"):  # 「本日の議題は、〜です」
        said = topic.group(1) or topic.group(2)
        bills = bills_in(said)
        return [AgendaItem(None, bill, _title(BILL.sub("", said)), [line])
                for bill in bills] or [AgendaItem(None, None, _title(said), [line])]
    if put:
        said = sentence[:put.start()]
        act = put.group(0) == "を行います"
    else:
        heard = hear(sentence)
        sounded = sounds(heard, _PUT_SAID, 1)
        if sounded is None:
            return []
        said, act = sentence[:heard.at(sounded.start())].rstrip("をお"), False
    numbered = _NUMBERED.search(said)
    if numbered and not (re.fullmatch(r"日.|.程", numbered.group(1)) or
                         sounds(hear(numbered.group(1)), _ITEM_SAID, 1) or
                         _next_item(numbered, said, last)):
        numbered = None
    if numbered:
        said = said[numbered.end():]
    elif act:
        return []  # 「質疑を行います」: an act, not an agenda item
    item = f"日程第{to_int(numbered.group(2))}" if numbered else None
    marks = [(m.start(), m.end(), bill_name(m.group(1), m.group(2)))
             for m in BILL.finditer(said)] or [
        (m.start(), m.end(), bill_name(kind, m.group(2)))
        for m in _BILL_HEARD.finditer(_numbers_heard(said)) if (kind := _kind_heard(m.group(1)))]
    if not marks:
        title = _title(said)
        return [AgendaItem(item, None, title, [line])] if title else []
    items = []
    for number, (_, end, bill) in enumerate(marks):
        stop = marks[number + 1][0] if number + 1 < len(marks) else len(said)
        items.append(AgendaItem(item, bill, _title(said[end:stop]), [line]))
    return items


def _next_item(numbered: re.Match[str], said: str, last: int | None) -> bool:
    """The numbering of the item after `last`, 日程 misheard: no bill (「議案第5号」)."""
    return last is not None and to_int(numbered.group(2)) == last + 1 and \
        BILL.match(said, numbered.start()) is None and \
        _kind_heard(numbered.group(1)) is None and \
        re.match(r"\s*" + _GO_HEARD, said[numbered.end(2):]) is None


def _title(text: str) -> str:
    # 「次に、〜について、お議題と」: the chair's connective, and the を before 議題 heard as お
    text = re.sub(r"^(?:次に|続いて|それでは|では|引き続き)?[、,，\s]*", "", text)
    text = re.sub(r"[、,，\s]*[をお]?[、,，\s]*$", "", text)
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
           "chair_of", "decisions_of", "lines_of", "recognise"]


_DECIDED = {"可決": "可決された", "否決": "否決された", "承認": "承認された",
            "認定": "認定された", "同意": "同意された", "採択": "採択された",
            "不採択": "不採択とされた", "継続審査": "継続審査とされた", "付託": "付託された"}
_TAKEN = {"異議なし": "異議なし", "起立": "起立採決", "挙手": "挙手採決", "記名": "記名投票"}


def decisions_of(found: Proceedings) -> list[Decision]:
    """A council meeting's decisions are its votes, stated as a 会議録 states them:
    「議案第98号（令和八年度…補正予算第三号）は可決された。（起立採決）」, each citing the
    lines from the motion to the result."""
    titles = {a.bill: a.title for a in found.agenda if a.bill and a.title}
    decisions = []
    for vote in found.votes:
        name = vote.bill or "本件"
        if vote.bill in titles:
            name += f"（{titles[vote.bill]}）"
        decided = _DECIDED[vote.result]
        if vote.result == "付託" and vote.committee:
            decided = f"{vote.committee}に{decided}"
        taken = f"（{_TAKEN[vote.method]}）" if vote.method else ""
        decisions.append(Decision(text=f"{name}は{decided}。{taken}",
                                  segments=list(vote.segments)))
    return decisions
