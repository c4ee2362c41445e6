"""The shapes the API reads and answers, apart from the result document (gijiroku.result)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from gijiroku import limits
from gijiroku.dictionary import Entry
from gijiroku.domain import JobStatus, MeetingStatus, MinutesStatus, WatchedFileStatus, as_utc
from gijiroku.edits import history
from gijiroku.result import step_document
from gijiroku.storage import repository
from gijiroku.storage.tables import EditRow, JobRow, MeetingRow, StateChangeRow


def utc_iso(moment: datetime) -> str:
    """ISO 8601 with an offset."""
    return as_utc(moment).astimezone(UTC).isoformat()


class Problem(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: Problem


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 404, 409, 413, 415, 422)
}


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class JobView(BaseModel):
    id: str
    meeting_id: str
    status: JobStatus
    stage: str | None
    progress: float
    error: str | None
    error_code: str | None
    attempts: int

    @classmethod
    def of(cls, job: JobRow) -> JobView:
        return cls(
            id=job.id, meeting_id=job.meeting_id, status=job.status, stage=job.stage,
            progress=job.progress, error=job.error, error_code=job.error_code,
            attempts=job.attempts,
        )


class WordOut(BaseModel):
    start: float
    end: float
    text: str
    probability: float
    #: worth checking against the recording (what the review page underlines)
    doubtful: bool
    speaker: str | None


class SegmentOut(BaseModel):
    id: int
    start: float
    end: float
    speaker: str | None
    text: str
    gap: bool = Field(default=False, description="speech heard but no text for it, even "
                      "when decoded again: empty text, for a person to listen to")
    version: int = Field(description="counts the line's changes; send it back to save")
    words: list[WordOut]


class PersonOut(BaseModel):
    id: int
    name: str
    reading: str = Field(description="in kana")
    title: str = Field(description="on the meeting's roster: 議長, 市長, 総務部長...")
    seat: int | None = Field(description="議席番号, for members")
    group: str = Field(description="会派 or department")
    role: str = Field(default="", description="what the record calls them by: the title, "
                      "else 「8番」 for a member's seat")


class SuggestionOut(BaseModel):
    person: str = Field(description="the roster person's name")
    person_id: int
    score: float = Field(description="similarity of the voices, 0-1")


class SpeakerOut(BaseModel):
    id: str = Field(description="S1, S2... in order of first appearance")
    label: str = Field(description="the diarizer's own label")
    name: str | None = Field(description="the name a person gave")
    confirmed: bool = Field(default=False, description="a person confirmed them as a roster "
                            "person (`person`)")
    person: PersonOut | None = None
    suggestion: SuggestionOut | None = Field(
        default=None, description="the roster person whose voiceprint matched, until a "
        "person confirms or corrects it")


class DecisionOut(BaseModel):
    id: str = Field(description="stable and unique in the meeting; a regenerated item gets "
                    "a new one")
    text: str
    segments: list[int] = Field(description="the lines it rests on")
    flagged: bool = Field(description="cites no line: check it against the recording")
    edited: bool = Field(description="written or changed by a person")
    version: int = Field(description="counts the item's changes; send it back to save")


class ActionItemOut(BaseModel):
    id: str
    task: str
    owner: str | None
    due: str | None = Field(description="as said")
    due_date: str | None = Field(description="YYYY-MM-DD when it could be worked out")
    segments: list[int]
    flagged: bool
    edited: bool
    version: int


class MinutesOut(BaseModel):
    status: MinutesStatus
    summary: str
    topics: list[str]
    decisions: list[DecisionOut]
    action_items: list[ActionItemOut]
    template: str | None
    headings: dict[str, str]
    dropped_citations: int
    #: The language model that drafted them (shown as an AI draft of it)
    model: str | None
    #: A person reviewed them: no longer shown or exported as an AI draft
    reviewed: bool = False
    error: str | None


class Completeness(BaseModel):
    redecoded: int = Field(description="stretches of speech decoded again because the text "
                           "did not account for them")
    gaps: int = Field(description="lines marked as speech left without text")


MarkKindName = Literal["withdrawn", "closed", "personal"]


class MarkOut(BaseModel):
    id: int
    kind: MarkKindName
    category: str | None = Field(description="personal information: name, address, phone, "
                                 "email, my_number, birth_date, account, other")
    segment_id: int
    start: int | None = Field(description="characters into the first line (null: its start)")
    end: int | None = Field(description="characters into the last line (null: its end)")
    last_segment_id: int | None = Field(description="the last line of a range (null: one line)")
    permitted_by: int | None = Field(description="a withdrawal: the line that permitted it")
    note: str
    text: str = Field(description="the text it covers")
    lost: bool = Field(description="an edit took its text away: shown, never dropped")


class MarkIn(BaseModel):
    """A mark: characters `start`..`end` of line `segment_id` (the whole line when both are
    left out), or lines `segment_id`..`last_segment_id`."""

    model_config = ConfigDict(extra="forbid")
    segment_id: int = Field(ge=1)
    start: int | None = Field(default=None, ge=0, le=limits.LINE)
    end: int | None = Field(default=None, ge=0, le=limits.LINE)
    last_segment_id: int | None = Field(default=None, ge=1)
    kind: MarkKindName
    category: str | None = Field(default=None, max_length=20)
    note: str = Field(default="", max_length=500)
    permitted_by: int | None = Field(default=None, ge=1)


class MarkSuggestionOut(BaseModel):
    id: str
    kind: MarkKindName
    category: str | None
    segment_id: int
    start: int
    end: int
    text: str
    permitted_by: int | None


WorkflowState = Literal["draft", "review", "approved", "published"]


class StepOut(BaseModel):
    """A step of the workflow: who sent the meeting from one state to another, when, why."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)
    from_: WorkflowState = Field(alias="from")
    to: WorkflowState
    by: str | None = Field(description="the person (null: the installation)")
    at: str
    comment: str


class GroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    group: str | None = Field(max_length=limits.NAME, description="an existing group, or "
                              "null: no group (admins only see it)")


class StateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: WorkflowState
    comment: str = Field(default="", max_length=2000,
                         description="why (required when an approved meeting is reopened)")


class MeetingDocument(BaseModel):
    """The result document (the same as `gijiroku process --json` writes), with the
    meeting's newest job."""

    # `copy` is a field of the document (BaseModel has a method of that name): written so
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    id: str
    title: str
    status: MeetingStatus
    language: str | None
    duration: float | None
    speakers: list[SpeakerOut]
    segments: list[SegmentOut]
    minutes: MinutesOut
    completeness: Completeness
    marks: list[MarkOut] = Field(default_factory=list, description="the official copy's "
                                 "marks (none in the public copy)")
    copy_: Literal["official", "public"] = Field(default="official", alias="copy")
    state: WorkflowState = Field(
        default="draft", description="the workflow: 下書き, 校正中, 承認済, 公開")
    steps: list[StepOut] = Field(default_factory=list, description="how it got to its "
                                 "state, oldest first")
    group: str | None = Field(default=None, description="the group (section) it belongs "
                              "to: its members see it (null: admins only)")
    date: str | None = Field(default=None, description="the meeting's date, YYYY-MM-DD")
    place: str | None = None
    kind: str | None = Field(default=None, description="honkaigi, iinkai or other")
    start_time: str | None = Field(default=None, description="when the recording began")
    roster: str | None = Field(default=None, description="the roster (名簿) of the body "
                               "that met")
    updated_at: str | None = Field(default=None, description="when anything in it last "
                                   "changed")
    job: JobView | None


class MeetingSummary(BaseModel):
    id: str
    title: str
    status: MeetingStatus
    language: str | None
    duration: float | None
    source_name: str
    created_at: str
    job: JobView | None
    state: WorkflowState = "draft"
    last_step: StepOut | None = Field(default=None, description="the latest step of the "
                                      "workflow (in the list of meetings)")


class MeetingPage(BaseModel):
    items: list[MeetingSummary]
    page: int
    pages: int
    total: int


class Created(MeetingSummary):
    job_id: str


#: A line's number as sent: what the databases can store (a bigger one is simply not found).
LineNumber = Annotated[int, Field(ge=1, le=2_147_483_647)]

VERSION = Field(default=None, ge=1, description=(
    "the version the change was made on: refused (409, with the current object) when it "
    "was changed since; none sent: saved over whatever is there"))


class SegmentPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(default=None, max_length=limits.LINE)
    speaker: str | None = Field(default=None, max_length=16)
    version: int | None = VERSION


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: int = Field(ge=1, le=limits.LINE, description="characters into the line's text")


class LineIn(BaseModel):
    """A line the recogniser missed."""

    model_config = ConfigDict(extra="forbid")
    after: LineNumber | None = Field(default=None, description="the line it follows; "
                                     "none: before the first")
    text: str = Field(min_length=1, max_length=limits.LINE)
    speaker: str | None = Field(default=None, max_length=16,
                                description="none: the speaker of the line before")


class SpeakerOfLines(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first: LineNumber
    last: LineNumber
    speaker: str = Field(max_length=16)


class SpeakerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=limits.NAME)


class SpeakerMerge(BaseModel):
    model_config = ConfigDict(extra="forbid")
    into: str = Field(max_length=16, description="the speaker who stays")


class Hit(BaseModel):
    number: int = Field(description="the line")
    start: int = Field(description="characters into the line's text")
    end: int
    text: str = Field(description="the line's text")


class Replace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    find: str = Field(min_length=1, max_length=limits.FIND)
    replace: str = Field(max_length=limits.FIND)
    whole_word: bool = Field(default=True, description="English: whole words only "
                             "(Japanese is matched exactly)")
    only: list[tuple[LineNumber, Annotated[int, Field(ge=0, le=limits.LINE)]]] | None = Field(
        default=None, max_length=2000, description="(line, character) of the hits to "
        "replace; none: every hit")
    add_to_dictionary: bool = Field(default=False, description="also keep the pair as a "
                                    "correction rule for later meetings")


class Replaced(BaseModel):
    replaced: int = Field(description="lines changed")
    edit_id: int | None
    dictionary_entry: int | None


class MeetingPatch(BaseModel):
    """The meeting's facts, changed by a person (with or without a language model)."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, max_length=limits.TITLE)
    date: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD; '' clears")
    place: str | None = Field(default=None, max_length=limits.NAME)
    kind: str | None = Field(default=None, max_length=10,
                             description="honkaigi, iinkai or other; '' clears")
    start_time: str | None = Field(default=None, max_length=5,
                                   description="when the recording began, HH:MM; '' clears")
    summary: str | None = Field(default=None, max_length=limits.SUMMARY)
    agenda: list[str] | None = Field(default=None, max_length=limits.AGENDA_ITEMS)
    reviewed: bool | None = Field(default=None, description="a person reviewed the drafted "
                                  "minutes: no longer labelled an AI draft")


class SpeakerPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=limits.NAME)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=limits.ITEM)
    segments: list[LineNumber] = Field(default_factory=list, max_length=500)
    version: int | None = VERSION


class ActionItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    task: str = Field(min_length=1, max_length=limits.ITEM)
    owner: str | None = Field(default=None, max_length=limits.NAME)
    due: str | None = Field(default=None, max_length=limits.NAME)
    due_date: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD")
    segments: list[LineNumber] = Field(default_factory=list, max_length=500)
    version: int | None = VERSION


class DecisionPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(default=None, min_length=1, max_length=limits.ITEM)
    segments: list[LineNumber] | None = Field(default=None, max_length=500)
    version: int | None = VERSION


class ActionItemPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    task: str | None = Field(default=None, min_length=1, max_length=limits.ITEM)
    owner: str | None = Field(default=None, max_length=limits.NAME)
    due: str | None = Field(default=None, max_length=limits.NAME)
    due_date: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD")
    segments: list[LineNumber] | None = Field(default=None, max_length=500)
    version: int | None = VERSION


class EditView(BaseModel):
    id: int
    kind: str = Field(description="what was changed: " + ", ".join(history.KINDS))
    target: str
    summary: str = Field(description="the change as a clerk would say it, in the request's "
                         "language")
    undoable: bool = Field(description="undo may be asked for (not undone yet, and of a "
                           "kind that can be undone)")
    author: str | None = Field(description="who made it (null until people have accounts)")
    before: Any
    after: Any
    created_at: str
    undone_at: str | None

    @classmethod
    def of(cls, edit: EditRow, names: Mapping[str, str | None], language: str) -> EditView:
        return cls(
            id=edit.id or 0, kind=edit.kind, target=edit.target,
            summary=history.describe(edit, names, language),
            undoable=history.undoable(edit), author=edit.author,
            before=edit.before, after=edit.after, created_at=utc_iso(edit.created_at),
            undone_at=utc_iso(edit.undone_at) if edit.undone_at else None,
        )


class Rerun(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stage: Literal["diarize", "minutes"]
    num_speakers: int | None = Field(default=None, ge=1, le=100)
    min_speakers: int | None = Field(default=None, ge=1, le=100)
    max_speakers: int | None = Field(default=None, ge=1, le=100)
    template: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    language: str | None = Field(default=None, max_length=8, pattern=r"^[a-z]{2,3}$")
    #: Replace what a person edited: lines (diarization rebuilds them where speakers
    #: change; refused without this), or decisions and action items (the minutes keep them
    #: without this).
    replace_edits: bool = False


class Health(BaseModel):
    status: str


def summary(meeting: MeetingRow, job: JobRow | None,
            step: StateChangeRow | None = None) -> dict[str, Any]:
    return {
        "id": meeting.id, "title": meeting.title, "status": meeting.status,
        "language": meeting.language, "duration": meeting.duration,
        "source_name": meeting.source_name, "created_at": utc_iso(meeting.created_at),
        "job": JobView.of(job) if job else None, "state": meeting.state,
        "last_step": None if step is None else step_document(repository.step_of(step)),
    }


class WatchedFileView(BaseModel):
    name: str = Field(description="the file's name in the watched folder")
    status: WatchedFileStatus
    error: str | None
    error_code: str | None = Field(description="the reason's code (gijiroku.messages)")
    meeting_id: str | None
    created_at: str


class DictionaryEntryIn(BaseModel):
    """A term Whisper should recognise, or a correction rule (what is misheard -> meant)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["term", "correction"]
    text: str = Field(min_length=1, max_length=limits.DICTIONARY,
                      description="the term, or what is misheard")
    replacement: str | None = Field(default=None, max_length=limits.DICTIONARY,
                                    description="what is meant (corrections only)")
    language: str = Field(default="ja", max_length=8,
                          description="meetings it applies to: ja, en..., or '' for every one")
    note: str = Field(default="", max_length=limits.NAME)


class DictionaryEntryView(BaseModel):
    id: int | None = Field(description="null for the built-in entries, which cannot be removed")
    kind: Literal["term", "correction"]
    text: str
    replacement: str | None
    language: str
    note: str
    builtin: bool

    @classmethod
    def of(cls, entry: Entry) -> DictionaryEntryView:
        return cls(id=entry.id, kind=entry.kind, text=entry.text,
                   replacement=entry.replacement, language=entry.language, note=entry.note,
                   builtin=entry.builtin)


class DictionaryChangeView(BaseModel):
    number: int = Field(description="the line changed")
    before: str
    after: str
    rules: list[tuple[str, str]] = Field(description="the rules applied: (misheard, meant)")


class DictionaryApplied(BaseModel):
    changes: list[DictionaryChangeView]


# -- the council's record (会議録) ----------------------------------------------------------
class AgendaEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: str | None = Field(default=None, max_length=limits.NAME,
                             description="「日程第2」; null when the agenda is not numbered")
    bill: str | None = Field(default=None, max_length=limits.NAME,
                             description="「議案第98号」 (算用数字); null for an item that is "
                             "no bill")
    title: str = Field(default="", max_length=limits.NAME)
    segments: list[int] = Field(default_factory=list, max_length=1000)


class VoteEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bill: str | None = Field(default=None, max_length=limits.NAME)
    method: Literal["異議なし", "起立", "挙手", "記名"] | None = Field(
        default=None, description="null when no vote was taken (a referral by the chair)")
    result: Literal["可決", "否決", "承認", "認定", "同意", "採択", "不採択", "継続審査", "付託"]
    segments: list[int] = Field(default_factory=list, max_length=1000)
    committee: str | None = Field(default=None, max_length=limits.NAME,
                                  description="where a bill was referred")


class EventEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["開会", "開議", "休憩", "再開", "散会", "延会", "閉会", "署名議員指名",
                  "発言取消し"]
    at: str | None = Field(default=None, max_length=5,
                           description="HH:MM on the clock; null when the recording's start "
                           "time is unknown")
    segments: list[int] = Field(default_factory=list, max_length=1000)


class ProceedingsOut(BaseModel):
    agenda: list[AgendaEntry]
    votes: list[VoteEntry]
    events: list[EventEntry]
    edited: bool = Field(description="a person corrected them (else recognised from the "
                         "transcript as it stands)")


class ProceedingsPatch(BaseModel):
    """Lists given replace those lists; `recognise: true` drops every correction."""

    model_config = ConfigDict(extra="forbid")
    agenda: list[AgendaEntry] | None = Field(default=None, max_length=500)
    votes: list[VoteEntry] | None = Field(default=None, max_length=500)
    events: list[EventEntry] | None = Field(default=None, max_length=500)
    recognise: bool = False


class RecordStyle(BaseModel):
    model_config = ConfigDict(extra="forbid")
    marker: str = Field(default="○", max_length=2, description="before each speaker heading")
    honorific: str = Field(default="君", max_length=4,
                           description="after a member's name: 君, 議員, 委員 or none")
    era: Literal["wareki", "seireki"] = Field(default="wareki",
                                              description="dates in 令和 or in 西暦")
    numbers: Literal["arabic", "kanji"] = Field(
        default="arabic", description="in a 整文 (cleanup=tidy) record: numbers said in kanji "
        "written in 算用数字 where they count something, or left as written")


class RecordView(BaseModel):
    """What the council's record says beyond the transcript."""

    model_config = ConfigDict(extra="forbid")
    body: str | None = Field(default=None, max_length=limits.NAME,
                             description="「○○市議会」「総務常任委員会」")
    session: str | None = Field(default=None, max_length=limits.NAME,
                                description="「令和８年第４回定例会」")
    number: int | None = Field(default=None, ge=1, le=999, description="第N号")
    chair: str | None = Field(default=None, max_length=limits.NAME,
                              description="the chair's name, who signs first: 「大西　健一郎」")
    present: list[str] = Field(default_factory=list, max_length=200)
    absent: list[str] = Field(default_factory=list, max_length=200)
    officials: list[str] = Field(default_factory=list, max_length=200,
                                 description="説明のため出席した者")
    staff: list[str] = Field(default_factory=list, max_length=200,
                             description="職務のため出席した事務局職員")
    signers: list[str] = Field(default_factory=list, max_length=10,
                               description="会議録署名議員")
    style: RecordStyle = Field(default_factory=RecordStyle)


class RecordPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str | None = Field(default=None, max_length=limits.NAME)
    session: str | None = Field(default=None, max_length=limits.NAME)
    number: int | None = Field(default=None, ge=1, le=999)
    chair: str | None = Field(default=None, max_length=limits.NAME)
    present: list[str] | None = Field(default=None, max_length=200)
    absent: list[str] | None = Field(default=None, max_length=200)
    officials: list[str] | None = Field(default=None, max_length=200)
    staff: list[str] | None = Field(default=None, max_length=200)
    signers: list[str] | None = Field(default=None, max_length=10)
    style: RecordStyle | None = None


class TidySuggestion(BaseModel):
    segment: int
    version: int
    text: str
    proposed: str = Field(description="the line without the words said twice or restarted")
    kinds: list[Literal["repeat", "false_start"]]


class PersonIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    roster: str | None = Field(default=None, max_length=200,
                               description="which roster (default: 'default')")
    reading: str | None = Field(default=None, max_length=200, description="in kana")
    seat: int | None = Field(default=None, ge=1, le=999)
    title: str | None = Field(default=None, max_length=200)
    group: str | None = Field(default=None, max_length=200, description="会派 or department")
    active_from: str | None = Field(default=None, max_length=10)
    active_to: str | None = Field(default=None, max_length=10)


class RosterEntry(BaseModel):
    id: int
    name: str
    reading: str
    title: str
    seat: int | None
    group: str
    role: str = Field(default="", description="the title, else 「8番」 for a member's seat")
    rosters: list[str]
    active_from: str | None
    active_to: str | None
    voiceprints: dict[str, int] = Field(description="how many, by embedding model")


class RosterOut(BaseModel):
    name: str
    people: int


class RosterImported(BaseModel):
    added: int
    updated: int


class SpeakerPerson(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="the roster person's name")
