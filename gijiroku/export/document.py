"""The one document every export renders: built from the stored meeting with every edit a
person made, speaker names resolved, the transcript's wording tidied on request (never in
the database), section headings in the meeting's language, and notes of what is missing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from gijiroku.domain import Meeting, Minutes, Segment, Speaker, as_utc, clock, join_words
from gijiroku.edits.history import speaker_label
from gijiroku.workflow import LABELS

Cleanup = Literal["verbatim", "fillers", "tidy"]
CLEANUPS: tuple[Cleanup, ...] = ("verbatim", "fillers", "tidy")

HEADINGS = {
    "ja": {"date": "日時", "place": "場所", "duration": "録音時間", "attendees": "出席者",
           "summary": "要旨",
           "topics": "議題", "decisions": "決定事項", "action_items": "今後の対応",
           "task": "内容", "owner": "担当", "due": "期限", "transcript": "発言記録",
           "notes": "注記", "time": "時刻", "speaker": "発言者", "text": "発言",
           "lines": "根拠", "none": "なし", "marks": "取消し・秘密会・個人情報の印（原本）",
           "state": "状態"},
    "en": {"date": "Date and time", "place": "Place", "duration": "Recording length",
           "attendees": "Attendees",
           "summary": "Summary", "topics": "Agenda", "decisions": "Decisions",
           "action_items": "Action items", "task": "Task", "owner": "Owner", "due": "Due",
           "transcript": "Transcript", "notes": "Notes", "time": "Time", "speaker": "Speaker",
           "text": "Text", "lines": "Lines", "none": "None",
           "marks": "Marked passages (official copy)", "state": "State"},
}
NOTES = {
    "ja": {"processing": "処理が終わっていません（状態：{status}）。現時点の内容を出力しています。",
           "no_transcript": "発言記録はまだありません。",
           "not_configured": "言語モデルが設定されていないため、議事要旨はありません。",
           "failed": "議事要旨を作成できませんでした：{error}",
           "pending": "議事要旨はまだ作成されていません。",
           "ai_draft": "要旨・決定事項・今後の対応は、言語モデル {model} が作成した下書き"
                       "（AI草稿）です。発言記録と録音で確認してください。",
           "flagged": "根拠の発言が示されていない項目があります（※）。録音で確認してください。",
           "no_date": "未入力（録音の追加：{added}）",
           "inaudible": "〔聴取不能〕",
           "draft": "この写しは下書きです（{state}：未承認）。",
           "official": "原本：取消し発言・秘密会・個人情報の箇所を［ ］で示し（注の番号）、"
                       "一覧を末尾に付けています。",
           "public": "公開用の写し：取消し発言は━、秘密会は時刻のみ、個人情報は〔 〕の"
                     "語で置き換えています。"},
    "en": {"processing": "Processing has not finished (status: {status}); this export holds "
                         "what exists so far.",
           "no_transcript": "There is no transcript yet.",
           "not_configured": "No minutes: no language model is configured.",
           "failed": "The minutes could not be written: {error}",
           "pending": "The minutes have not been written yet.",
           "ai_draft": "The summary, decisions and action items are an AI draft written by "
                       "the language model {model}; check them against the transcript and "
                       "the recording.",
           "flagged": "Items marked ※ cite no transcript line; check them against the "
                      "recording.",
           "no_date": "not given (recording added {added})",
           "inaudible": "[inaudible]",
           "draft": "This copy is a draft, not approved (state: {state}).",
           "official": "Official copy: withdrawn remarks, closed sessions and personal "
                       "information are shown in [ ] with a note number and listed at the end.",
           "public": "Public copy: withdrawn remarks are filled with ━, closed sessions keep "
                     "their times only, personal information is replaced by a label in [ ]."},
}

# Fillers: said, not meant. Japanese ones only where they stand alone (followed by a comma,
# a long mark, a space or the end), so that あの in あの件 ("that matter") stays.
_JA_FILLER = re.compile(
    r"(?:え[えー]*っと|えっと|えー+と?|ええと?|あのー*|その[ー]+|まあ|まぁ|うーん|うん[ー]+|"
    r"あー+|んー+|ま[ー]+)(?:[、,，]\s*|\s+|(?=[。!?！？]|$))"
)
_EN_FILLER = re.compile(r"\b(?:u+m+|u+h+|e+r+m*|a+h+|h+m+|m+h+m+)\b[,.]?\s*", re.IGNORECASE)
_REPEAT = re.compile(r"\b(\w+)(\s+\1\b)+", re.IGNORECASE)
# Characters no document format may hold (XML 1.0 forbids them; they show as boxes elsewhere),
# and the bidirectional controls, which reorder what a reader sees ("gnp.exe" as "exe.png")
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                          "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    return _UNPRINTABLE.sub("", text)


def tidy_text(text: str, language: str | None, level: Cleanup) -> str:
    """The line as the export shows it; `verbatim` returns it unchanged."""
    if level == "verbatim":
        return text
    cleaned = (_JA_FILLER if language == "ja" else _EN_FILLER).sub("", text)
    if level == "tidy":
        cleaned = _REPEAT.sub(r"\1", cleaned)  # "the the" -> "the"
        cleaned = re.sub(r"([、。,])\1+", r"\1", cleaned)
    cleaned = re.sub(r"\s{2,}", " ", cleaned).strip()
    cleaned = re.sub(r"^[、,，.]\s*", "", cleaned)
    if language != "ja" and cleaned and cleaned[0].islower() and text[:1].isupper():
        cleaned = cleaned[0].upper() + cleaned[1:]
    return cleaned


@dataclass(slots=True)
class Line:
    number: int
    start: float
    end: float
    speaker: str  # the name shown: a person's name, else 話者N / Speaker N
    text: str
    #: (start, end, text) of each word as recognised, for cue timing; empty when retyped
    words: list[tuple[float, float, str]] = field(default_factory=list)


@dataclass(slots=True)
class ActionRow:
    task: str
    owner: str
    due: str
    lines: list[int]
    flagged: bool


@dataclass(slots=True)
class ExportDocument:
    title: str
    language: str
    when: str  # the meeting's date, or when the recording was added (local time)
    place: str
    duration: float | None
    attendees: list[str]
    summary: str
    topics: list[str]
    decisions: list[tuple[str, list[int], bool]]
    action_items: list[ActionRow]
    lines: list[Line]
    with_transcript: bool
    cleanup: Cleanup
    transcript_language: str | None
    notes: list[str]
    headings: dict[str, str]
    #: the official copy's list of marked passages, shown at the end (empty: none, or public)
    marks: list[str] = field(default_factory=list)
    #: the workflow state as the reader reads it: 下書き, 校正中, 承認済, 公開
    state: str = ""


def build_document(
    meeting: Meeting,
    when: str | datetime,
    place: str = "",
    *,
    with_transcript: bool = True,
    cleanup: Cleanup = "verbatim",
) -> ExportDocument:
    language = meeting.document_language
    names = {s.id: printable(shown_name(s, language)) for s in meeting.speakers}
    minutes = meeting.minutes
    headings = {**HEADINGS[language], **{k: v for k, v in minutes.headings.items()
                                         if k in HEADINGS[language]}}
    lines = [_line(segment, names, meeting.language, cleanup) for segment in meeting.segments]
    spoke = [s.id for s in meeting.speakers if any(x.speaker == s.id for x in meeting.segments)]
    if isinstance(when, datetime):  # no date was given: never pass the upload for it
        moment = as_utc(when)
        when = NOTES[language]["no_date"].format(added=f"{moment.astimezone():%Y-%m-%d %H:%M}")
    p = printable
    return ExportDocument(
        title=p(meeting.title), language=language, when=when, place=p(place),
        # one name once, even when two speakers were given the same name
        duration=meeting.duration, attendees=list(dict.fromkeys(p(names[s]) for s in spoke)),
        summary=p(minutes.summary), topics=[p(str(t)) for t in minutes.topics],
        decisions=[(p(d.text), list(d.segments), d.flagged or not d.segments)
                   for d in minutes.decisions],
        action_items=[
            ActionRow(task=p(a.task), owner=p(names.get(a.owner or "", a.owner or "")),
                      due=p(a.due_date or a.due or ""), lines=list(a.segments),
                      flagged=a.flagged or not a.segments)
            for a in minutes.action_items
        ],
        lines=lines, with_transcript=with_transcript, cleanup=cleanup,
        transcript_language=meeting.language,
        notes=_notes(meeting, minutes, language), headings=headings,
        state=STATE_NAMES[language].get(meeting.state, meeting.state),
    )


def shown_name(speaker: Speaker, language: str) -> str:
    """The name a reader sees: a confirmed roster person with their title (「議長（田中太郎）」,
    "Grace Miller (Chair)"), else the name a person gave, else 「話者2」 / "Speaker 2" for S2
    (the number the review page shows; the diarizer's SPEAKER_01 means nothing on paper)."""
    person = speaker.roster_person()
    if person is not None and person.role():
        return (f"{person.role()}（{person.name}）" if language == "ja"
                else f"{person.name} ({person.role()})")
    return speaker_label(speaker.id, speaker.name, language)


def inaudible(language: str | None) -> str:
    """What stands for speech heard but not made out (a gap line): 〔聴取不能〕 / [inaudible]."""
    return NOTES["ja" if language == "ja" else "en"]["inaudible"]


def _line(segment: Segment, names: dict[str, str], language: str | None,
          cleanup: Cleanup) -> Line:
    as_recognised = join_words((w.text for w in segment.words), language)
    words = ([(w.start, w.end, w.text.strip()) for w in segment.words if w.text.strip()]
             if as_recognised == segment.text else [])
    # speech heard but not made out (transcribe.completeness): said so, never left out
    text = (inaudible(language) if segment.gap
            else printable(tidy_text(segment.text, language, cleanup)))
    return Line(
        number=segment.id or 0, start=segment.start, end=segment.end,
        speaker=names.get(segment.speaker or "", segment.speaker or ""), text=text,
        words=words,
    )


STATE_NAMES = {"ja": LABELS,
               "en": {"draft": "draft", "review": "in review", "approved": "approved",
                      "published": "published"}}


def _notes(meeting: Meeting, minutes: Minutes, language: str) -> list[str]:
    text = NOTES[language]
    notes = []
    if meeting.state in ("draft", "review"):  # a copy of what nobody approved says so
        notes.append(text["draft"].format(state=STATE_NAMES[language][meeting.state]))
    if meeting.status != "done":
        notes.append(text["processing"].format(status=meeting.status))
    if not meeting.segments:
        notes.append(text["no_transcript"])
    written = minutes.summary or minutes.topics or minutes.decisions or minutes.action_items
    if minutes.status == "not_configured":
        if not written:  # a person may write them without a language model
            notes.append(text["not_configured"])
    elif minutes.status == "failed":
        notes.append(text["failed"].format(error=minutes.error or "?"))
    elif minutes.status != "done":
        notes.append(text["pending"])
    elif minutes.model and not minutes.reviewed:
        notes.append(text["ai_draft"].format(model=minutes.model))
    if any(d.flagged or not d.segments for d in minutes.decisions) or any(
        a.flagged or not a.segments for a in minutes.action_items
    ):
        notes.append(text["flagged"])
    return notes


def facts(document: ExportDocument, separator: str) -> list[tuple[str, str]]:
    """The facts under the title, labelled and in order: date, place, recording length,
    attendees (joined by `separator`)."""
    h = document.headings
    rows = [(h["date"], document.when)]
    if document.state:
        rows.append((h["state"], document.state))
    if document.place:
        rows.append((h["place"], document.place))
    if document.duration:
        rows.append((h["duration"], clock(document.duration)))
    rows.append((h["attendees"], separator.join(document.attendees) or h["none"]))
    return rows


def refs(lines: list[int]) -> str:
    """Cited transcript lines as every format writes them: "#3, #4"."""
    return ", ".join(f"#{n}" for n in lines)
