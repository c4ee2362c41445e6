"""Database tables (SQLModel): meetings, speakers, segments, words, jobs and the roster.

Column changes need an Alembic migration in `migrations/versions/`; a test compares these
tables with the migrated schema on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy import select as sa_select
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from gijiroku.domain import JobStatus, MeetingStatus, MinutesStatus, WatchedFileStatus
from gijiroku.terms import index_terms


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


def _time(**kwargs: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), **kwargs)


class MeetingRow(SQLModel, table=True):
    __tablename__ = "meeting"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    title: str = Field(max_length=500)
    status: MeetingStatus = Field(default="queued", sa_type=String(20), index=True)
    source_name: str = Field(max_length=500)  # the name it arrived with, for display only
    source_path: str = Field(max_length=1000)  # relative to the data directory
    content_hash: str = Field(max_length=64, index=True)
    audio_path: str | None = Field(default=None, max_length=1000)  # decoded samples
    language: str | None = Field(default=None, max_length=8)
    duration: float | None = None
    #: Stretches of speech decoded again by the completeness check (None: not transcribed
    #: with it).
    redecoded: int | None = None
    #: What the person asked for: language, speaker-count hints...
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    completed_stages: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    minutes_status: MinutesStatus = Field(default="not_configured", sa_type=String(20))
    #: The highest line number the meeting has given since its lines were last built: a
    #: line split off or inserted takes the next, so a number is never given twice (a
    #: decision citing a line undone away must not come to cite another remark).
    last_line: int = Field(default=0, sa_column=Column(Integer, nullable=False,
                                                        server_default=sql_text("0")))
    minutes: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    #: What a council's record (会議録) says beyond the transcript, as a person gave it: body
    #: and session, attendance, signing members, and the proceedings as corrected (absent:
    #: recognised from the transcript each time). `gijiroku.council.record`.
    record: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    #: The section (課, 議会事務局) it belongs to: only its members and admins see it (None:
    #: made before accounts, or by the installation's token: admins only).
    section_id: int | None = Field(default=None, foreign_key="section.id",
                                   ondelete="SET NULL", index=True)
    #: Where its minutes are: draft, review, approved, published (`gijiroku.workflow`).
    state: str = Field(default="draft", sa_column=Column(String(20), nullable=False,
                                                          server_default="draft"))
    created_at: datetime = _time()
    updated_at: datetime = _time()


class SpeakerRow(SQLModel, table=True):
    __tablename__ = "speaker"
    __table_args__ = (UniqueConstraint("meeting_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", max_length=32)
    key: str = Field(max_length=16)  # S1, S2...
    label: str = Field(max_length=64)  # raw diarizer label
    name: str | None = Field(default=None, max_length=200)
    #: The roster person a person confirmed this speaker to be (`gijiroku.roster`).
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    confirmed: bool = Field(default=False, sa_column=Column(
        Boolean, nullable=False, server_default=false()))
    #: The roster person whose voiceprint matched best above the threshold, with its score.
    suggestion_id: int | None = Field(default=None, foreign_key="person.id",
                                      ondelete="SET NULL")
    suggestion_score: float | None = None
    #: The speaker's voice as the voice encoder heard it, and which encoder that was: what a
    #: voiceprint is made from. {"vector": unit vector, "pieces": [[seconds, vector]...]}.
    voice: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    voice_model: str | None = Field(default=None, max_length=200)
    #: Seconds of speech the voice was taken from.
    voice_seconds: float | None = None


class PersonRow(SQLModel, table=True):
    """Someone who speaks in meetings: a member, an official, a member of staff (名簿)."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    reading: str = Field(default="", max_length=200)  # in kana: 「たなかたろう」
    #: 会派 for a member, the department for an official.
    affiliation: str = Field(default="", max_length=200)
    active_from: str | None = Field(default=None, max_length=10)  # ISO dates, both included
    active_to: str | None = Field(default=None, max_length=10)
    created_at: datetime = _time()


class RosterRow(SQLModel, table=True):
    """A list of people who meet: the council, a committee, the mayor's executive meeting."""

    __tablename__ = "roster"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    created_at: datetime = _time()


class MembershipRow(SQLModel, table=True):
    """A person on a roster, with their seat and title there (議長 in the council, 委員 in a
    committee)."""

    __tablename__ = "membership"

    roster_id: int = Field(foreign_key="roster.id", ondelete="CASCADE", primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", primary_key=True)
    seat: int | None = None  # 議席番号
    title: str = Field(default="", max_length=100)  # 議長, 委員長, 市長, 総務部長...


class VoiceprintRow(SQLModel, table=True):
    """A confirmed speaker's voice kept for a person: one per enrolment, each tied to the
    embedding model that made it (another model's voices cannot be compared with it)."""

    __tablename__ = "voiceprint"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    model: str = Field(max_length=200)
    vector: list[float] = Field(sa_column=Column(JSON, nullable=False))
    seconds: float = 0.0
    #: Where it was heard (kept when the meeting is deleted: the voice stays the person's).
    meeting_id: str | None = Field(default=None, max_length=32)
    speaker_key: str | None = Field(default=None, max_length=16)
    created_at: datetime = _time()


_SEGMENT_VERSION = Column("version", Integer, nullable=False, server_default=sql_text("1"))


class SegmentRow(SQLModel, table=True):
    __tablename__ = "segment"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", max_length=32)
    number: int  # the per-meeting id shown in the API and cited by the minutes
    start: float
    end: float
    text: str = Field(sa_type=Text)
    speaker_key: str | None = Field(default=None, max_length=16)
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    source: int | None = None  # the recognition segment it came from (see domain.Segment)
    #: A person changed its text or speaker: re-runs must ask before replacing it.
    edited: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    #: Speech left without text (see domain.Segment.gap).
    gap: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    #: Counts the row's changes (the ORM adds one at each UPDATE, and refuses an UPDATE of
    #: a row changed meanwhile): a save sent with an older version is refused (409).
    version: int = Field(default=1, sa_column=_SEGMENT_VERSION)
    #: What full-text search indexes for the text (`gijiroku.terms.index_terms`), set
    #: whenever the line is written; the database's index over it: migration 0016.
    terms: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))

    __mapper_args__ = {"version_id_col": _SEGMENT_VERSION}


#: What the full-text index is made of beyond the tables here (migration 0016): SQLite's
#: FTS5 table and its shadow tables, PostgreSQL's generated tsvector column and GIN index.
SEARCH_INDEX = ("segment_fts", "segment_terms_gin", "terms_vector")


def outside_the_tables(_object: Any, name: str | None, _type: str, _reflected: bool,
                       _compare_to: Any) -> bool:
    """For comparing the database with these tables (alembic's `include_object`): False
    for the search index's own objects, which only the migration makes."""
    return not (name or "").startswith(SEARCH_INDEX)


@event.listens_for(SegmentRow, "before_insert")
@event.listens_for(SegmentRow, "before_update")
def _index_terms(_mapper: Any, connection: Any, row: SegmentRow) -> None:
    section = connection.execute(sa_select(MeetingRow.section_id).where(  # type: ignore[call-overload]
        MeetingRow.id == row.meeting_id)).scalar()
    row.terms = index_terms(row.text or "", section)


class WordRow(SQLModel, table=True):
    __tablename__ = "word"
    __table_args__ = (Index("ix_word_segment_position", "segment_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    segment_id: int = Field(foreign_key="segment.id", ondelete="CASCADE")
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", max_length=32, index=True)
    position: int
    start: float
    end: float
    #: (a replacement shared out over the words may make one long: no length of its own)
    text: str = Field(sa_type=Text)
    probability: float
    speaker_key: str | None = Field(default=None, max_length=16)
    #: See domain.Word.doubtful.
    doubtful: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )


class JobRow(SQLModel, table=True):
    __tablename__ = "job"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", max_length=32, index=True)
    status: JobStatus = Field(default="queued", sa_type=String(20), index=True)
    stage: str | None = Field(default=None, max_length=32)
    progress: float = 0.0
    error_code: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, sa_type=Text)
    attempts: int = 0
    #: The stages this job runs (a re-run names one); None: the whole pipeline.
    stages: list[str] | None = Field(default=None, sa_column=Column(JSON))
    #: Who holds the job while it runs ("host:pid") and until when, unless renewed: a
    #: job whose lease ran out belongs to a worker that died and is taken up again.
    worker: str | None = Field(default=None, max_length=200)
    lease_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    cancel_requested: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    #: A re-run asked to replace what a person edited (lines for diarization, decisions and
    #: action items for the minutes); without it the stage keeps or refuses to touch them.
    replace_edits: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    created_at: datetime = _time()
    started_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class WatchedFileRow(SQLModel, table=True):
    """A file taken from a watched folder: what became of it, and why if it failed."""

    __tablename__ = "watched_file"

    id: int | None = Field(default=None, primary_key=True)
    path: str = Field(max_length=2000)
    size: int = Field(sa_type=BigInteger)  # recordings of several GB
    mtime: float
    content_hash: str = Field(max_length=64, index=True)
    status: WatchedFileStatus = Field(sa_type=String(20))
    meeting_id: str | None = Field(
        default=None, foreign_key="meeting.id", ondelete="SET NULL", max_length=32
    )
    job_id: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, sa_type=Text)
    error_code: str | None = Field(default=None, max_length=40)
    created_at: datetime = _time()


class MinutesItemRow(SQLModel, table=True):
    """One decision or action item of a meeting's minutes. Its id is stable (a regenerated
    item gets a new one, never an old one's) and its version counts its changes: a change
    claims the row with `UPDATE ... WHERE version = <the version it was made on>` as the
    first statement of its transaction, so of two saves made on one version one wins and
    the other is refused, on SQLite and PostgreSQL alike."""

    __tablename__ = "minutes_item"

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12], primary_key=True,
                    max_length=32)
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", max_length=32,
                            index=True)
    kind: str = Field(max_length=20)  # decisions | action_items
    position: int  # order within its kind
    #: a decision's text, an action item's task
    text: str = Field(sa_type=Text)
    owner: str | None = Field(default=None, max_length=200)
    due: str | None = Field(default=None, max_length=200)
    due_date: str | None = Field(default=None, max_length=10)
    #: the line numbers it rests on
    segments: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    flagged: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    edited: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False,
                                                      server_default=sql_text("1")))


class MarkRow(SQLModel, table=True):
    """A mark on the transcript (`gijiroku.marks`): from character `start` of line `segment`
    to character `end` of line `last_segment` (the same line when None; None offsets: from
    the line's start, to its end), of kind withdrawn (取消し), closed (秘密会) or personal
    (個人情報, its `category`). `text` is what it covers, kept when an edit takes that text
    away (`lost`): the mark then says so instead of vanishing, and finds its text again
    when an undo brings it back."""

    __tablename__ = "mark"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", max_length=32,
                            index=True)
    kind: str = Field(max_length=20)
    category: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=500)
    segment: int
    start: int | None = None
    end: int | None = None
    last_segment: int | None = None
    #: a withdrawal: the line where the council permitted it
    permitted_by: int | None = None
    text: str = Field(default="", sa_type=Text)
    lost: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    created_at: datetime = _time()


class DismissalRow(SQLModel, table=True):
    """A suggested mark a person dismissed: never suggested again for that line's text."""

    __tablename__ = "dismissal"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", max_length=32,
                            index=True)
    kind: str = Field(max_length=20)
    category: str = Field(default="", max_length=20)
    segment: int
    text: str = Field(sa_type=Text)
    created_at: datetime = _time()


class EditRow(SQLModel, table=True):
    """One change a person made, with what was there before, so it can be seen and undone."""

    __tablename__ = "edit"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", max_length=32, index=True)
    #: segment | speaker | decisions | action_items | undo
    kind: str = Field(max_length=20)
    target: str = Field(max_length=64)  # segment number, speaker id, or "" for a list
    before: Any = Field(default=None, sa_column=Column(JSON))
    after: Any = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = _time()
    undone_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    #: who made it (None until people have accounts; a dictionary rule's change has none)
    author: str | None = Field(default=None, max_length=200)


class DictionaryEntryRow(SQLModel, table=True):
    """One entry of the installation's dictionary (辞書): a term Whisper should recognise, or
    a correction rule (what is misheard -> what is meant). The built-in council vocabulary
    ships as a file and is not stored here."""

    __tablename__ = "dictionary_entry"
    __table_args__ = (UniqueConstraint("kind", "text", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # term | correction
    text: str = Field(max_length=100)  # the term, or what is misheard
    replacement: str | None = Field(default=None, max_length=100)  # what is meant
    language: str = Field(default="ja", max_length=8)  # "" for every language
    note: str = Field(default="", max_length=200)
    created_at: datetime = _time()


class SectionRow(SQLModel, table=True):
    """A group of people who share meetings: a section such as 議会事務局 or 総務課."""

    __tablename__ = "section"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    created_at: datetime = _time()


class AccountRow(SQLModel, table=True):
    """A person who signs in (`gijiroku.accounts`): a role, sections, a password hash (argon2)
    for a local account, or none for one that signs in through the directory."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    role: str = Field(max_length=20)  # viewer | editor | approver | admin
    password_hash: str | None = Field(default=None, max_length=200)
    source: str = Field(default="local", max_length=20)  # local | ldap | oidc
    disabled: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    created_at: datetime = _time()


class SectionMemberRow(SQLModel, table=True):
    __tablename__ = "section_member"

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
    section_id: int = Field(foreign_key="section.id", ondelete="CASCADE", primary_key=True)


class ApiKeyRow(SQLModel, table=True):
    """A person's API token for programs: only its SHA-256 is kept; revoked, it is refused."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    digest: str = Field(max_length=64, unique=True)
    created_at: datetime = _time()
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class StateChangeRow(SQLModel, table=True):
    """One step of a meeting's workflow: from, to, who, when, why."""

    __tablename__ = "state_change"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", max_length=32,
                            index=True)
    from_state: str = Field(max_length=20)
    to_state: str = Field(max_length=20)
    actor: str | None = Field(default=None, max_length=200)
    comment: str = Field(default="", max_length=2000)
    created_at: datetime = _time()


class AuditRow(SQLModel, table=True):
    """The audit log (`gijiroku.audit`), append-only: each entry's `digest` is the SHA-256 of
    the previous entry's and its own content, so a changed or removed entry breaks the
    chain. Entries name their object by type and id, with no foreign key: a deleted
    meeting's entries stay."""

    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _time(index=True)
    actor: str | None = Field(default=None, max_length=200)
    address: str = Field(default="", max_length=64)
    action: str = Field(max_length=40)
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=64)
    detail: Any = Field(default=None, sa_column=Column(JSON))
    previous: str = Field(default="", max_length=64)
    digest: str = Field(default="", max_length=64)


class WebSessionRow(SQLModel, table=True):
    """A browser signed in with the API token. The cookie names this row by a random id (only
    its hash is stored); logging out deletes the row, and a changed token no longer matches
    `token_fingerprint`, so both end the session whatever the cookie says."""

    __tablename__ = "web_session"

    id: str = Field(primary_key=True, max_length=64)  # SHA-256 of the cookie's random part
    token_fingerprint: str = Field(max_length=64)
    client: str = Field(default="", max_length=64)  # the address that signed in, for the log
    #: the person signed in (None: signed in with the installation's token)
    account: str | None = Field(default=None, max_length=200)
    created_at: datetime = _time()
    expires_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
