"""Domain types shared by every stage: words, segments, speakers, transcripts and minutes.

These are plain dataclasses with no imports from the rest of Gijiroku, so the stage packages
(`transcribe/`, `diarize/`, `summarize/`) can use them without depending on storage or HTTP.
The mapping to database rows lives in `gijiroku.storage.repository`, to JSON in `gijiroku.result`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

#: Audio as every stage receives it: mono float32 samples at this rate (ffmpeg decodes once).
SAMPLE_RATE = 16_000

#: Languages written without spaces between words: their words are joined with no separator.
NO_SPACE_LANGUAGES = frozenset({"ja", "zh", "yue", "th", "lo", "km", "my", "bo"})
_ATTACHING = frozenset("-'’,.!?;:%)")

#: A job: waiting for a worker, running, or finished one of three ways.
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
#: A meeting, after its newest job (`processing` while that job runs).
MeetingStatus = Literal["queued", "processing", "done", "failed", "cancelled"]
#: The minutes: written, not asked for, no LLM configured, or the LLM failed.
#: The lists of the minutes that hold items a person edits one by one.
MinutesKind = Literal["decisions", "action_items"]
MinutesStatus = Literal["done", "skipped", "not_configured", "failed"]
#: A file taken from a watched folder: a meeting made, the same content seen, refused, left
#: to settle (a copy still arriving, no disk space), or replaced by a later copy of the file.
WatchedFileStatus = Literal["queued", "duplicate", "failed", "waiting", "superseded"]
#: Job statuses after which nothing more happens to a job unless a person re-runs it.
FINISHED: tuple[JobStatus, ...] = ("done", "failed", "cancelled")

#: Progress callback: (stage name, completed, total). Units are the stage's own
#: (seconds of audio for transcription); the fraction is completed / total.
Progress = Callable[[str, float, float], None]


def as_utc(moment: datetime) -> datetime:
    """A stored time with its zone: SQLite hands back naive times, which are stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def clock(seconds: float, *, decimals: int = 0, comma: bool = False,
          pad_hours: bool = True) -> str:
    """A time in a recording as people read it: 01:02:03 (hours unpadded: 1:02:03), with
    `decimals` digits of the second (2 in the terminal, 3 in subtitles; a comma before them
    in SRT). Digits are cut, never rounded up, so a time never shows later than it is."""
    total_ms = round(max(seconds, 0.0) * 1000)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    text = f"{hours:02d}" if pad_hours else f"{hours:d}"
    text += f":{minutes:02d}:{secs:02d}"
    if decimals:
        text += ("," if comma else ".") + f"{ms:03d}"[:decimals]
    return text


def no_progress(stage: str, completed: float, total: float) -> None:
    """The default progress callback: does nothing, so stage code never tests for None."""


@dataclass(slots=True)
class Word:
    start: float
    end: float
    text: str
    probability: float
    speaker: str | None = None
    #: Worth checking against the recording (transcribe.doubt): what the page underlines.
    doubtful: bool = False


@dataclass(slots=True)
class Segment:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    speaker: str | None = None
    #: Per-meeting number, 1-based; assigned when the transcript is stored.
    id: int | None = None
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    #: Index of the speech-recognition segment this one came from; segments split at speaker
    #: changes share it, so diarization can be re-run on the unsplit text.
    source: int | None = None
    #: Counts the stored line's changes: a save against an older one is refused.
    version: int = 1
    #: Speech the recogniser gave no text for, even when decoded again: a line with no text
    #: for a person to listen to (transcribe.completeness), until they type it or dismiss it.
    gap: bool = False


@dataclass(frozen=True, slots=True)
class SpeakerTurn:
    """A stretch of time in which one speaker (by the diarizer's raw label) is talking."""

    start: float
    end: float
    label: str


@dataclass(slots=True)
class Transcript:
    language: str
    duration: float
    segments: list[Segment] = field(default_factory=list)
    #: Stretches of speech the recogniser was asked to decode again because the text did not
    #: account for them (transcribe.completeness); the gaps left are segments with `gap`.
    redecoded: int = 0


#: Titles that say only that someone is a member (of the council, of a committee).
MEMBER_TITLES = ("議員", "委員")


@dataclass(frozen=True, slots=True)
class Person:
    """Someone on a roster (名簿), as a confirmed speaker or a suggestion names them."""

    id: int
    name: str
    reading: str = ""
    title: str = ""  # on the meeting's roster: 議長, 市長, 総務部長...
    seat: int | None = None  # 議席番号, for members
    affiliation: str = ""  # 会派, department

    def holds_office(self) -> bool:
        """A title beyond being a member (議長, 市長, 総務部長; not 議員 or 委員)."""
        return bool(self.title) and self.title not in MEMBER_TITLES

    def role(self) -> str:
        """What the record calls them by: their title, else 「8番」 for a member's seat."""
        if self.holds_office():
            return self.title
        return f"{self.seat}番" if self.seat is not None else self.title


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The roster person a speaker's voice matched above the threshold (not yet confirmed)."""

    person: Person
    score: float  # 0-1: cosine similarity of the voices


@dataclass(frozen=True, slots=True)
class Voice:
    """A speaker's voice as an embedding model heard it: what voiceprints are made from."""

    vector: tuple[float, ...]  # unit length
    model: str  # which embedding model made it: only its own voices compare with it
    seconds: float  # of speech it was taken from
    #: The stretches it was taken from, each embedded alone: (seconds, unit vector). A
    #: speaker the diarizer made of two people has pieces that disagree.
    pieces: tuple[tuple[float, tuple[float, ...]], ...] = ()


@dataclass(slots=True)
class Speaker:
    id: str  # S1, S2... in order of first appearance
    label: str  # the diarizer's raw label, e.g. SPEAKER_00
    name: str | None = None
    #: The roster person a person confirmed this speaker to be (their name is `name`).
    person: Person | None = None
    confirmed: bool = False
    suggestion: Suggestion | None = None
    voice: Voice | None = None

    def roster_person(self) -> Person | None:
        """The roster person this speaker stands for: confirmed, and not renamed since."""
        if self.confirmed and self.person and self.name == self.person.name:
            return self.person
        return None


@dataclass(slots=True)
class Decision:
    text: str
    segments: list[int] = field(default_factory=list)
    #: No valid citation: a person must check it against the recording.
    flagged: bool = False
    #: Written or changed by a person: kept when minutes are regenerated.
    edited: bool = False
    #: Counts the item's changes: a save against an older one is refused.
    version: int = 1
    #: Stable and unique in the meeting once stored ("" before); a regenerated item gets a
    #: new one.
    id: str = ""


@dataclass(slots=True)
class ActionItem:
    task: str
    owner: str | None = None  # a speaker id (S2), the name a person gave, or as said
    due: str | None = None  # as said ("by the end of February")
    segments: list[int] = field(default_factory=list)
    due_date: str | None = None  # ISO date when it can be resolved from the meeting date
    flagged: bool = False
    edited: bool = False
    version: int = 1
    id: str = ""


@dataclass(slots=True)
class Minutes:
    status: MinutesStatus = "not_configured"
    summary: str = ""
    decisions: list[Decision] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    error: str | None = None
    topics: list[str] = field(default_factory=list)
    template: str | None = None
    #: Section headings of the template, in the minutes' language (e.g. 決定事項).
    headings: dict[str, str] = field(default_factory=dict)
    #: Citations to segments that do not exist, dropped from the items.
    dropped_citations: int = 0
    #: The language model that drafted them (shown as "AI draft of <model>").
    model: str | None = None
    #: A person reviewed the drafted minutes: no longer shown or exported as an AI draft
    #: (minutes written again are a new draft).
    reviewed: bool = False


#: A mark on the transcript: a withdrawn remark (取消し), a closed session (秘密会), personal
#: information (個人情報). See `gijiroku.marks`.
MarkKind = Literal["withdrawn", "closed", "personal"]


@dataclass(slots=True)
class Mark:
    """From character `start` of line `segment` to character `end` of line `last_segment`
    (the same line when None; offsets None: the line's start / its end). `text` is what it
    covers; `lost`: an edit took that text away (the mark says so, it is kept)."""

    id: int
    kind: MarkKind
    segment: int
    start: int | None = None
    end: int | None = None
    last_segment: int | None = None
    category: str = ""  # personal information: name, address, phone...
    note: str = ""
    permitted_by: int | None = None  # a withdrawal: the line where it was permitted
    text: str = ""
    lost: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the workflow: from one state to another, by whom (None: the
    installation), when (UTC, ISO 8601) and why."""

    from_state: str
    to_state: str
    by: str | None
    at: str
    comment: str = ""


@dataclass(slots=True)
class Meeting:
    id: str
    title: str
    status: MeetingStatus
    language: str | None
    duration: float | None
    speakers: list[Speaker] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    minutes: Minutes = field(default_factory=Minutes)
    #: Stretches of speech decoded again when it was transcribed (None: before the check).
    redecoded: int | None = None
    marks: list[Mark] = field(default_factory=list)
    #: The workflow: draft, review, approved, published (gijiroku.workflow).
    state: str = "draft"
    #: How it got there, oldest first.
    steps: list[Step] = field(default_factory=list)
    #: The group (section) it belongs to: its members see it (None: admins only).
    group: str | None = None

    @property
    def document_language(self) -> str:
        """The language its documents are written in: Japanese for a Japanese meeting,
        else English (the exports' headings and notes, the public copy's placeholders)."""
        return "ja" if (self.language or "").startswith("ja") else "en"


def join_words(texts: Iterable[str], language: str | None) -> str:
    """Join word texts into running text the way the language writes it.

    Whisper's word pieces carry their own leading space in spaced languages; in Japanese they
    carry none, and inserting one between characters would corrupt the text.
    """
    words = [t.strip() for t in texts if t.strip()]
    if language in NO_SPACE_LANGUAGES:
        return "".join(words)
    text = ""
    for word in words:
        # Pieces that continue a word ("-time", "'s") attach without a space.
        text += word if not text or word[0] in _ATTACHING else " " + word
    return text
