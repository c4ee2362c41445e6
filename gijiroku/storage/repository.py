"""Reading and writing meetings: the one place that maps table rows to domain types."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, func, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from gijiroku.domain import (
    ActionItem,
    Decision,
    Mark,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesKind,
    Person,
    Segment,
    Speaker,
    Step,
    Suggestion,
    Transcript,
    Voice,
    WatchedFileStatus,
    Word,
    as_utc,
)
from gijiroku.errors import MeetingNotFoundError, NotFoundError
from gijiroku.options import MeetingOptions
from gijiroku.storage.job_repository import (  # noqa: F401  (re-exported: one entry point)
    claim_job,
    create_job,
    expired_jobs,
    finish_job,
    get_job,
    latest_jobs,
    queued_jobs,
    renew_lease,
    requeue_expired,
    update_job,
)
from gijiroku.storage.tables import (
    JobRow,
    MarkRow,
    MeetingRow,
    MembershipRow,
    MinutesItemRow,
    PersonRow,
    RosterRow,
    SectionRow,
    SegmentRow,
    SpeakerRow,
    StateChangeRow,
    WatchedFileRow,
    WordRow,
    utcnow,
)
from gijiroku.terms import index_terms


def create_meeting(
    session: Session,
    *,
    title: str,
    source_name: str,
    source_path: str,
    content_hash: str,
    options: MeetingOptions | None = None,
    meeting_id: str | None = None,
) -> MeetingRow:
    row = MeetingRow(
        title=title,
        source_name=source_name,
        source_path=source_path,
        content_hash=content_hash,
        options=(options or MeetingOptions()).to_stored(),
    )
    if meeting_id:
        row.id = meeting_id
    session.add(row)
    session.flush()
    return row


def get_meeting_row(session: Session, meeting_id: str) -> MeetingRow:
    row = session.get(MeetingRow, meeting_id)
    if row is None:
        raise MeetingNotFoundError(f"No meeting with id {meeting_id!r}.")
    return row


def count_segments(session: Session, meeting_id: str, *, edited: bool = False) -> int:
    """How many lines the meeting has (`edited`: only those a person changed, text or
    speaker)."""
    query = sa_select(func.count()).select_from(SegmentRow).where(
        col(SegmentRow.meeting_id) == meeting_id)
    if edited:
        query = query.where(col(SegmentRow.edited).is_(True))
    return int(session.execute(query).scalar_one())


def edited_segments(session: Session, meeting_id: str) -> int:
    """How many of the meeting's lines a person changed (text or speaker)."""
    return count_segments(session, meeting_id, edited=True)


def reopen_job(session: Session, job_id: str) -> bool:
    """Queue a failed or cancelled job again (it continues after its last stored stage)."""
    reopened = session.execute(
        update(JobRow)
        .where(col(JobRow.id) == job_id, col(JobRow.status).in_(["failed", "cancelled"]))
        .values(status="queued", cancel_requested=False, finished_at=None, worker=None)
        .execution_options(synchronize_session=False)
    )
    if reopened.rowcount != 1:  # type: ignore[attr-defined]
        return False
    job = session.get(JobRow, job_id, populate_existing=True)
    assert job is not None
    update_meeting(session, job.meeting_id, status="queued")
    return True


def update_meeting(
    session: Session, meeting_id: str, *, status: MeetingStatus | None = None, **fields: Any
) -> MeetingRow:
    row = get_meeting_row(session, meeting_id)
    if status is not None:
        row.status = status
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.add(row)
    return row


def mark_stage_done(session: Session, meeting_id: str, stage: str) -> None:
    row = get_meeting_row(session, meeting_id)
    if stage not in row.completed_stages:
        # Assign a new list: JSON columns track reassignment, not in-place appends.
        update_meeting(session, meeting_id, completed_stages=[*row.completed_stages, stage])


def save_transcript(session: Session, *, meeting_id: str, transcript: Transcript) -> None:
    """Replace the meeting's segments and words with `transcript` (numbered from 1).

    The new lines' version is above every version the old ones had, so a page opened before
    (a line 5 that was another sentence then) cannot save over them unnoticed."""
    before = session.execute(sa_select(func.max(col(SegmentRow.version))).where(
        col(SegmentRow.meeting_id) == meeting_id)).scalar_one()
    session.execute(delete(WordRow).where(col(WordRow.meeting_id) == meeting_id))
    session.execute(delete(SegmentRow).where(col(SegmentRow.meeting_id) == meeting_id))
    # one statement for all the lines (a 3-hour session has thousands), ids in their order;
    # on the table, not the class: the ORM would set every version back to 1
    table = SegmentRow.metadata.tables["segment"]
    section = get_meeting_row(session, meeting_id).section_id
    ids = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True),
        [
            {
                "meeting_id": meeting_id,
                "number": number,
                "start": segment.start,
                "end": segment.end,
                "text": segment.text,
                "terms": index_terms(segment.text, section),  # (what full-text search indexes)
                "speaker_key": segment.speaker,
                "avg_logprob": segment.avg_logprob,
                "no_speech_prob": segment.no_speech_prob,
                "source": segment.source,
                "gap": segment.gap,
                "version": (before or 0) + 1,
            }
            for number, segment in enumerate(transcript.segments, start=1)
        ],
    ).scalars().all() if transcript.segments else []
    word_rows: list[dict[str, Any]] = []
    for number, (segment, row_id) in enumerate(zip(transcript.segments, ids, strict=True),
                                               start=1):
        segment.id = number
        word_rows.extend(
            {
                "segment_id": row_id,
                "meeting_id": meeting_id,
                "position": position,
                "start": word.start,
                "end": word.end,
                "text": word.text,
                "probability": word.probability,
                "speaker_key": word.speaker,
                "doubtful": word.doubtful,
            }
            for position, word in enumerate(segment.words)
        )
    if word_rows:
        session.execute(insert(WordRow), word_rows)
    # numbered from 1 again (a diarization moved the citations by time, see cite_by_time)
    update_meeting(
        session, meeting_id, language=transcript.language, duration=transcript.duration,
        last_line=len(transcript.segments),
    )


def line_versions(session: Session, meeting_id: str, *, lock: bool = False) -> dict[int, int]:
    """Each line's number and version. With `lock`, the lines are taken for a stage that
    rewrites them (call it first in the transaction): on SQLite its first statement writes
    (the transaction then holds the database's write lock before it reads); on PostgreSQL
    the lines' rows are locked, so an edit in flight is committed (and seen) or waits (and
    then finds its line rewritten, and is refused)."""
    if lock and session.get_bind().dialect.name == "sqlite":
        session.execute(update(MeetingRow).where(col(MeetingRow.id) == meeting_id)
                        .values(updated_at=utcnow()))
    query = sa_select(col(SegmentRow.number), col(SegmentRow.version)).where(
        col(SegmentRow.meeting_id) == meeting_id)
    rows = session.execute(query.with_for_update() if lock else query).all()
    return {number: version for number, version in rows}


def line_spans(session: Session, meeting_id: str) -> dict[int, tuple[float, float]]:
    rows = session.execute(sa_select(col(SegmentRow.number), col(SegmentRow.start),
                                      col(SegmentRow.end))
                           .where(col(SegmentRow.meeting_id) == meeting_id)).all()
    return {number: (start, end) for number, start, end in rows}


#: Seconds two lines must share to count as the same speech (lines that only touch do not).
SHARED_SPEECH = 0.02


def holds(segment: Segment, span: tuple[float, float]) -> bool:
    """The line holds that stretch of speech: shares speech with it, or, for a stretch with
    no time of its own (a line split inside a word keeps the word's end as its start and
    end), spans that moment."""
    if span[1] - span[0] <= SHARED_SPEECH:
        return segment.start <= (span[0] + span[1]) / 2 <= segment.end
    return min(span[1], segment.end) - max(span[0], segment.start) > SHARED_SPEECH


def cite_by_time(session: Session, meeting_id: str, old: dict[int, tuple[float, float]],
                 new: Sequence[Segment]) -> int:
    """After the lines were rebuilt (numbered from 1 in `new`'s order), each decision's and
    action item's citations move to the new lines that share speech with the old lines
    they cited, so every cited stretch of speech is still cited. An item one of whose old
    lines has no new line over its speech is flagged (never pointed somewhere else).
    Returns how many items were flagged so."""
    flagged = 0
    for row in minutes_items(session, meeting_id):
        if not row.segments:
            continue
        found: list[int] = []
        lost = False
        for number in row.segments:
            span = old.get(number)
            hits = [] if span is None else [
                index for index, segment in enumerate(new, start=1)
                if holds(segment, span)]
            lost = lost or not hits
            found.extend(hits)
        cited = list(dict.fromkeys(found))
        if cited == list(row.segments) and not lost:
            continue
        row.segments, row.flagged = cited, row.flagged or lost
        flagged += lost
        row.version += 1
        session.add(row)
    return flagged


def save_speakers(session: Session, *, meeting_id: str, speakers: list[Speaker]) -> None:
    """Replace the meeting's speakers (ids S1, S2..., raw labels, names, the roster person
    confirmed or suggested, and the voice heard)."""
    session.execute(delete(SpeakerRow).where(col(SpeakerRow.meeting_id) == meeting_id))
    session.add_all(
        SpeakerRow(
            meeting_id=meeting_id, key=s.id, label=s.label, name=s.name,
            person_id=s.person.id if s.person else None, confirmed=s.confirmed,
            suggestion_id=s.suggestion.person.id if s.suggestion else None,
            suggestion_score=s.suggestion.score if s.suggestion else None,
            voice={"vector": list(s.voice.vector),
                   "pieces": [[seconds, list(v)] for seconds, v in s.voice.pieces]}
            if s.voice else None,
            voice_model=s.voice.model if s.voice else None,
            voice_seconds=s.voice.seconds if s.voice else None,
        ) for s in speakers
    )
    session.flush()


def get_speaker_row(session: Session, meeting_id: str, speaker_id: str) -> SpeakerRow:
    row = session.exec(
        select(SpeakerRow).where(SpeakerRow.meeting_id == meeting_id, SpeakerRow.key == speaker_id)
    ).first()
    if row is None:
        raise NotFoundError(f"No speaker {speaker_id!r} in meeting {meeting_id!r}.")
    return row


def rename_speaker(
    session: Session, meeting_id: str, speaker_id: str, name: str | None
) -> tuple[str | None, str | None]:
    """Set a speaker's name (blank: none); returns the name before and the name now."""
    row = get_speaker_row(session, meeting_id, speaker_id)
    before, row.name = row.name, (name or "").strip() or None  # checked by the caller
    session.add(row)
    return before, row.name


def load_speakers(session: Session, meeting_id: str) -> list[Speaker]:
    rows = session.exec(
        select(SpeakerRow).where(SpeakerRow.meeting_id == meeting_id).order_by(col(SpeakerRow.id))
    ).all()
    wanted = {r.person_id for r in rows} | {r.suggestion_id for r in rows}
    people: dict[int, Person] = {}
    if wanted - {None}:
        roster = options_of(get_meeting_row(session, meeting_id)).roster
        people = load_people(session, [p for p in wanted if p is not None], roster)
    return [speaker_of(s, people) for s in rows]


def speaker_rows(session: Session, meeting_id: str) -> list[SpeakerRow]:
    return list(session.exec(select(SpeakerRow).where(
        SpeakerRow.meeting_id == meeting_id).order_by(col(SpeakerRow.id))).all())


def speaker_of(row: SpeakerRow, people: dict[int, Person]) -> Speaker:
    person = people.get(row.person_id) if row.person_id is not None else None
    suggested = people.get(row.suggestion_id) if row.suggestion_id is not None else None
    return Speaker(
        row.key, row.label, row.name, person=person, confirmed=row.confirmed,
        suggestion=(Suggestion(suggested, row.suggestion_score or 0.0)
                    if suggested is not None else None),
        voice=(Voice(tuple(row.voice["vector"]), row.voice_model or "",
                     row.voice_seconds or 0.0,
                     tuple((s, tuple(v)) for s, v in row.voice.get("pieces", [])))
               if isinstance(row.voice, dict) and row.voice_model else None),
    )


def load_people(session: Session, ids: Sequence[int],
                roster: str | None = None) -> dict[int, Person]:
    """People by id, with their seat and title on `roster` (when they are on it), else on
    the first roster that gives them a title."""
    rows = session.exec(select(PersonRow).where(col(PersonRow.id).in_(list(ids)))).all()
    places: dict[int, list[tuple[bool, int, MembershipRow]]] = defaultdict(list)
    for membership, roster_name in session.exec(
            select(MembershipRow, RosterRow.name)
            .join(RosterRow, col(RosterRow.id) == col(MembershipRow.roster_id))
            .where(col(MembershipRow.person_id).in_(list(ids)))).all():
        places[membership.person_id].append(
            (roster_name != roster, 0 if membership.title else 1, membership))
    people: dict[int, Person] = {}
    for row in rows:
        assert row.id is not None
        place = min(places[row.id], key=lambda p: (p[0], p[1], p[2].roster_id))[2] \
            if places[row.id] else None
        people[row.id] = Person(row.id, row.name, row.reading,
                                place.title if place else "",
                                place.seat if place else None, row.affiliation)
    return people


def load_transcript(session: Session, meeting_id: str) -> Transcript:
    row = get_meeting_row(session, meeting_id)
    return Transcript(
        language=row.language or "",
        duration=row.duration or 0.0,
        segments=_segments(session, meeting_id),
    )


def _segments(session: Session, meeting_id: str, with_words: bool = True,
              numbers: Sequence[int] | None = None) -> list[Segment]:
    """Every line of the meeting, or only the lines numbered `numbers`."""
    query = select(SegmentRow).where(SegmentRow.meeting_id == meeting_id)
    if numbers is not None:
        query = query.where(col(SegmentRow.number).in_(list(numbers)))
    # in time order: a line inserted or split off later has a higher number but sorts where
    # it is said (numbers are kept stable, since minutes and the history cite them)
    rows = session.exec(query.order_by(col(SegmentRow.start), col(SegmentRow.number))).all()
    word_query = sa_select(
        col(WordRow.segment_id), col(WordRow.start), col(WordRow.end), col(WordRow.text),
        col(WordRow.probability), col(WordRow.speaker_key), col(WordRow.doubtful),
    ).where(col(WordRow.meeting_id) == meeting_id)
    if numbers is not None:
        word_query = word_query.where(col(WordRow.segment_id).in_([r.id for r in rows]))
    words: dict[int, list[Word]] = defaultdict(list)
    # plain tuples, not ORM objects: a 3-hour meeting has ~100,000 words
    for segment_id, *fields in session.execute(
        word_query.order_by(col(WordRow.segment_id), col(WordRow.position))
    ) if with_words else ():
        words[segment_id].append(Word(*fields))
    return [
        Segment(
            start=row.start,
            end=row.end,
            text=row.text,
            words=words.get(row.id or 0, []),
            speaker=row.speaker_key,
            id=row.number,
            avg_logprob=row.avg_logprob,
            no_speech_prob=row.no_speech_prob,
            source=row.source,
            version=row.version,
            gap=row.gap,
        )
        for row in rows
    ]


def word_rows(session: Session, segment_id: int | None) -> list[WordRow]:
    """A stored line's words, in order (what edits and corrections change in place)."""
    return list(session.exec(
        select(WordRow).where(WordRow.segment_id == segment_id).order_by(col(WordRow.position))
    ).all())


def load_segment(session: Session, meeting_id: str, number: int) -> Segment:
    """One line with its words (what an edit of that line changes)."""
    found = _segments(session, meeting_id, numbers=[number])
    if not found:
        raise NotFoundError(f"No line {number} in meeting {meeting_id!r}.")
    return found[0]


def load_segments(session: Session, meeting_id: str, numbers: Sequence[int]) -> list[Segment]:
    """The lines numbered `numbers` that exist, with their words, in time order."""
    return _segments(session, meeting_id, numbers=numbers) if numbers else []


def load_meeting(session: Session, meeting_id: str, with_words: bool = True) -> Meeting:
    """The whole meeting as domain objects: what the result document and exports show
    (`with_words=False`: lines without their word timings, for documents)."""
    row = get_meeting_row(session, meeting_id)
    return Meeting(
        id=row.id,
        title=row.title,
        status=row.status,
        language=row.language,
        duration=row.duration,
        speakers=load_speakers(session, meeting_id),
        segments=_segments(session, meeting_id, with_words),
        minutes=minutes_of(session, row),
        redecoded=row.redecoded,
        marks=load_marks(session, meeting_id),
        state=row.state,
        steps=load_steps(session, meeting_id),
        group=section.name if row.section_id and (
            section := session.get(SectionRow, row.section_id)) else None,
    )


def load_steps(session: Session, meeting_id: str) -> list[Step]:
    """The meeting's workflow steps, oldest first."""
    rows = session.exec(select(StateChangeRow).where(StateChangeRow.meeting_id == meeting_id)
                        .order_by(col(StateChangeRow.id))).all()
    return [step_of(row) for row in rows]


def last_steps(session: Session, meeting_ids: list[str]) -> dict[str, StateChangeRow]:
    """Each meeting's latest step (who sent it where, when and why), for a page of meetings."""
    if not meeting_ids:
        return {}
    newest = (select(func.max(StateChangeRow.id))
              .where(col(StateChangeRow.meeting_id).in_(meeting_ids))
              .group_by(col(StateChangeRow.meeting_id)))
    rows = session.exec(select(StateChangeRow).where(col(StateChangeRow.id).in_(newest))).all()
    return {row.meeting_id: row for row in rows}


def step_of(row: StateChangeRow) -> Step:
    return Step(row.from_state, row.to_state, row.actor, as_utc(row.created_at).isoformat(),
                row.comment)


def mark_of(row: MarkRow) -> Mark:
    return Mark(id=row.id or 0, kind=row.kind, segment=row.segment,  # type: ignore[arg-type]
                start=row.start, end=row.end, last_segment=row.last_segment,
                category=row.category, note=row.note, permitted_by=row.permitted_by,
                text=row.text, lost=row.lost)


def mark_rows(session: Session, meeting_id: str) -> list[MarkRow]:
    return list(session.exec(select(MarkRow).where(MarkRow.meeting_id == meeting_id)
                             .order_by(col(MarkRow.id))).all())


def load_marks(session: Session, meeting_id: str) -> list[Mark]:
    """The meeting's marks, oldest first."""
    return [mark_of(row) for row in mark_rows(session, meeting_id)]


#: The lists of the minutes whose items are rows (MinutesItemRow.kind).
MINUTES_KINDS: tuple[MinutesKind, ...] = ("decisions", "action_items")


def item_of(row: MinutesItemRow) -> Decision | ActionItem:
    """A stored decision or action item as a domain object."""
    if row.kind == "decisions":
        return Decision(text=row.text, segments=list(row.segments), flagged=row.flagged,
                        edited=row.edited, version=row.version, id=row.id)
    return ActionItem(task=row.text, owner=row.owner, due=row.due, due_date=row.due_date,
                      segments=list(row.segments), flagged=row.flagged, edited=row.edited,
                      version=row.version, id=row.id)


def item_values(item: Decision | ActionItem) -> dict[str, Any]:
    """The columns a decision or action item fills (all but id, meeting, kind, position)."""
    if isinstance(item, Decision):
        return {"text": item.text, "owner": None, "due": None, "due_date": None,
                "segments": list(item.segments), "flagged": item.flagged,
                "edited": item.edited}
    return {"text": item.task, "owner": item.owner, "due": item.due,
            "due_date": item.due_date, "segments": list(item.segments),
            "flagged": item.flagged, "edited": item.edited}


def minutes_items(session: Session, meeting_id: str) -> list[MinutesItemRow]:
    """The meeting's decisions and action items, each list in its order."""
    return list(session.exec(
        select(MinutesItemRow).where(MinutesItemRow.meeting_id == meeting_id)
        .order_by(col(MinutesItemRow.kind), col(MinutesItemRow.position))).all())


def save_minutes(session: Session, meeting_id: str, minutes: Minutes, *,
                 items: bool = True, keep_edited: bool = True) -> None:
    """Store the minutes. With `items`, their decisions and action items replace the stored
    ones, each with a new id, except (with `keep_edited`) the items a person wrote or
    changed, which stay as they are now (one of the new items saying the same is left out).
    Without `items`, only the summary, status and the rest change."""
    if items:
        # the transaction's first statement writes: SQLite gives it the write lock before
        # it reads, so an item a person saves meanwhile is either edited before this looks
        # (and kept) or finds its row gone (and is refused)
        query = delete(MinutesItemRow).where(col(MinutesItemRow.meeting_id) == meeting_id)
        if keep_edited:
            query = query.where(col(MinutesItemRow.edited).is_(False))
        session.execute(query)
        kept = minutes_items(session, meeting_id)
        for kind in MINUTES_KINDS:
            have = [r for r in kept if r.kind == kind]
            said = {r.text for r in have}
            position = max((r.position for r in have), default=-1) + 1
            for item in getattr(minutes, kind):
                values = item_values(item)
                if values["text"] in said:
                    continue
                session.add(MinutesItemRow(meeting_id=meeting_id, kind=kind,
                                           position=position, version=1, **values))
                position += 1
    stored = {k: v for k, v in asdict(minutes).items() if k not in MINUTES_KINDS}
    update_meeting(session, meeting_id, minutes_status=minutes.status, minutes=stored)


def options_of(row: MeetingRow) -> MeetingOptions:
    """What was asked for the meeting, read back through the one parser."""
    return MeetingOptions.stored(row.options)


def minutes_of(session: Session, row: MeetingRow) -> Minutes:
    """The stored minutes of a meeting row as domain objects."""
    stored = dict(row.minutes or {})
    stored.pop("status", None)
    for kind in MINUTES_KINDS:  # (rows since migration 0011)
        stored.pop(kind, None)
    found = minutes_items(session, row.id)
    return Minutes(
        status=row.minutes_status, **stored,
        decisions=[d for d in map(item_of, found) if isinstance(d, Decision)],
        action_items=[a for a in map(item_of, found) if isinstance(a, ActionItem)],
    )


PAGE_SIZE = 20


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """Pages that `total` items fill (one, even when there are none)."""
    return max(1, -(-total // size))


def list_meetings(
    session: Session, query: str | None = None, page: int = 1, size: int = PAGE_SIZE,
    statuses: Sequence[str] = (), sections: frozenset[int] | None = None,
    state: str | None = None,
) -> tuple[list[MeetingRow], int]:
    """A page of meetings, newest first, and the total; `query` matches titles and the
    transcript text (any language: a plain substring match); `statuses`, when given, keeps
    meetings in one of them; `sections`, when given, keeps meetings of those sections (a
    person's: `gijiroku.accounts`); `state`, meetings in that state of the workflow."""
    statement = select(MeetingRow)
    if state is not None:
        statement = statement.where(MeetingRow.state == state)
    if sections is not None:
        statement = statement.where(col(MeetingRow.section_id).in_(sorted(sections)))
    if statuses:
        statement = statement.where(col(MeetingRow.status).in_(list(statuses)))
    if query and query.strip():
        escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        in_text = select(SegmentRow.meeting_id).where(
            col(SegmentRow.text).ilike(pattern, escape="\\")
        )
        statement = statement.where(
            col(MeetingRow.title).ilike(pattern, escape="\\") | col(MeetingRow.id).in_(in_text)
        )
    total = session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    rows = session.exec(
        statement.order_by(col(MeetingRow.created_at).desc(), col(MeetingRow.id))
        .offset((page - 1) * size).limit(size)
    ).all()
    return list(rows), total


def delete_meeting(session: Session, meeting_id: str) -> MeetingRow:
    """Remove the meeting's rows (segments, words, speakers, jobs, edits follow)."""
    row = get_meeting_row(session, meeting_id)
    session.delete(row)
    return row


def watched_files(
    session: Session, status: Sequence[WatchedFileStatus] | None = None, limit: int = 50
) -> list[WatchedFileRow]:
    """Files taken from the watched folders, newest first (only those with one of `status`)."""
    query = select(WatchedFileRow).order_by(col(WatchedFileRow.created_at).desc(),
                                            col(WatchedFileRow.id).desc())
    if status:
        query = query.where(col(WatchedFileRow.status).in_(status))
    return list(session.exec(query.limit(limit)))
