"""The roster (名簿): the people who speak in meetings, the bodies they sit on, their voices.

A person (name, reading, 会派 or department, active period) sits on one or more rosters (the
council, a committee, the mayor's executive meeting) with a seat and a title there. A
voiceprint is a confirmed speaker's voice kept for a person, tied to the embedding model that
made it: after diarization each speaker's voice is compared with the voiceprints of the same
model, and the best person above the threshold is suggested (never one person for two
speakers); a person confirms or corrects the suggestion (`gijiroku.edits.people`).
"""

from __future__ import annotations

import csv
import io
import logging
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Engine, delete, func
from sqlmodel import Session, col, select

from gijiroku import audit, limits
from gijiroku.domain import Person, SpeakerTurn, Voice
from gijiroku.errors import InvalidInputError, NotFoundError
from gijiroku.limits import checked_text
from gijiroku.options import checked_date
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import MembershipRow, PersonRow, RosterRow, VoiceprintRow

log = logging.getLogger(__name__)

#: The roster people are put on when none is named.
DEFAULT_ROSTER = "default"
#: Thresholds measured for each voice encoder (bench/voiceprints.py, README "Benchmarks"):
#: the cosine similarity at or above which a voice is suggested as a person, set at the
#: highest score any voice reached against someone else's voiceprint (a false accept costs
#: more than a miss). An encoder not listed suggests nobody until
#: GIJIROKU_VOICEPRINT_THRESHOLD is set from a measurement.
CALIBRATED_THRESHOLDS = {"campplus-cn-en-common": 0.85, "resemblyzer-0.1.4": 0.93}
#: A voice heard for less than this is not kept as a voiceprint (too little to know it by).
MIN_VOICEPRINT_SECONDS = 3.0
#: CSV columns, with the headings a clerk's own list may use for them.
CSV_COLUMNS = {
    "name": ("name", "氏名", "名前", "議員名"),
    "reading": ("reading", "ふりがな", "フリガナ", "よみ", "読み", "よみがな"),
    "seat": ("seat", "議席", "議席番号", "番号"),
    "title": ("title", "役職", "職名"),
    "group": ("group", "会派", "所属", "部署"),
}


@dataclass(frozen=True, slots=True)
class Entry:
    """A person as the roster lists them: where they sit and which voiceprints they have."""

    person: Person
    rosters: list[str]
    active_from: str | None
    active_to: str | None
    voiceprints: dict[str, int] = field(default_factory=dict)  # by embedding model


@dataclass(frozen=True, slots=True)
class Imported:
    added: int
    updated: int


def by_seat(person: Person) -> tuple[bool, int, str]:
    """The order a roster is read in: by seat, then those without one by reading."""
    return (person.seat is None, person.seat or 0, person.reading or person.name)


def term_language(name: str) -> str:
    """The meetings a name is a recognition term for: "ja" when written in Japanese script
    (kana, kanji), else "" (any)."""
    return "ja" if any(ord(c) > 0x2E80 for c in name) else ""


def normal(name: str) -> str:
    """A name as compared: NFKC, without the spaces people put between family and given
    name (田中 太郎 is 田中太郎)."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _roster(session: Session, name: str | None, *, create: bool) -> RosterRow:
    label = checked_text(name or DEFAULT_ROSTER, "roster", limits.NAME, one_line=True)
    row = session.exec(select(RosterRow).where(RosterRow.name == label)).first()
    if row is None:
        if not create:
            raise NotFoundError(f"No roster named {label!r}.")
        row = RosterRow(name=label)
        session.add(row)
        session.flush()
    return row


def find_person(session: Session, name: str) -> PersonRow:
    """The person of that name (spaces and full-width letters aside)."""
    wanted = normal(name)
    for row in session.exec(select(PersonRow)).all():
        if normal(row.name) == wanted:
            return row
    raise NotFoundError(f"No one named {name!r} on the roster; add them first "
                        "(gijiroku roster add, or the roster page).")


def _seat(value: object, where: str) -> int | None:
    text = unicodedata.normalize("NFKC", str(value or "")).strip().removesuffix("番")
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 1000:
        raise InvalidInputError(f"{where}: seat {value!r} is not a seat number.",
                                code="invalid_seat", value=str(value))
    return int(text)


def _upsert(session: Session, roster: RosterRow, *, name: str, reading: str | None,
            seat: int | None, title: str | None, affiliation: str | None,
            active_from: str | None = None,
            active_to: str | None = None) -> tuple[PersonRow, bool]:
    """Put the person on the roster (made if new, else updated where a value is given);
    the person, and whether they were new."""
    clean = checked_text(name, "name", limits.NAME, one_line=True).strip()
    if not clean:
        raise InvalidInputError("A person needs a name.", code="name_missing")
    try:
        row = find_person(session, clean)
        new = False
    except NotFoundError:
        row, new = PersonRow(name=clean), True
    if reading is not None:
        row.reading = checked_text(reading, "reading", limits.NAME, one_line=True).strip()
    if affiliation is not None:
        row.affiliation = checked_text(affiliation, "group", limits.NAME,
                                       one_line=True).strip()
    if active_from is not None:
        row.active_from = checked_date(active_from, "active_from") if active_from else None
    if active_to is not None:
        row.active_to = checked_date(active_to, "active_to") if active_to else None
    session.add(row)
    session.flush()
    assert row.id is not None and roster.id is not None
    member = session.get(MembershipRow, (roster.id, row.id)) or MembershipRow(
        roster_id=roster.id, person_id=row.id)
    if seat is not None:
        member.seat = seat
    if title is not None:
        member.title = checked_text(title, "title", limits.NAME, one_line=True).strip()
    session.add(member)
    return row, new


def add_person(engine: Engine, name: str, *, roster: str | None = None,
               reading: str | None = None, seat: int | None = None,
               title: str | None = None, group: str | None = None,
               active_from: str | None = None, active_to: str | None = None) -> Person:
    """Add someone to a roster, or change what is given of someone already on it."""
    with session_scope(engine) as session:
        row = _roster(session, roster, create=True)
        person, _ = _upsert(session, row, name=name, reading=reading, seat=seat, title=title,
                            affiliation=group, active_from=active_from, active_to=active_to)
        assert person.id is not None
        audit.append(session, "roster_changed", "roster", row.name,
                     {"person": person.name, "seat": seat, "title": title, "group": group})
        return repository.load_people(session, [person.id], row.name)[person.id]


def import_csv(engine: Engine, data: bytes, roster: str | None = None) -> Imported:
    """People from a CSV a clerk already keeps: a heading row naming the columns (name,
    reading, seat, title, group, or 氏名, ふりがな, 議席, 役職, 会派), in UTF-8 or the
    Shift_JIS that Japanese Excel writes. All rows or none: a bad row is refused with its
    number."""
    text = _decoded(data)
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise InvalidInputError("The CSV file is empty.", code="csv_empty")
    columns: dict[str, int] = {}
    for index, heading in enumerate(rows[0]):
        key = unicodedata.normalize("NFKC", heading).strip().lower()
        for column, names in CSV_COLUMNS.items():
            if key in {unicodedata.normalize("NFKC", n).lower() for n in names}:
                columns.setdefault(column, index)
    if "name" not in columns:
        raise InvalidInputError(
            "The CSV file's first row must name its columns, one of them name (or 氏名); "
            f"found: {', '.join(rows[0]) or 'nothing'}.", code="csv_no_name_column")
    added = updated = 0
    with session_scope(engine) as session:
        target = _roster(session, roster, create=True)

        def cell(row: list[str], column: str) -> str | None:
            at = columns.get(column)
            return row[at].strip() if at is not None and at < len(row) else None

        for number, row in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in row):
                continue
            name = cell(row, "name")
            if not name:
                raise InvalidInputError(f"Row {number} of the CSV file has no name.",
                                        code="csv_row_invalid", row=number)
            try:
                _, new = _upsert(session, target, name=name, reading=cell(row, "reading"),
                              seat=_seat(cell(row, "seat"), f"row {number}"),
                              title=cell(row, "title"), affiliation=cell(row, "group"))
            except InvalidInputError as exc:
                raise InvalidInputError(f"Row {number} of the CSV file: {exc.message}",
                                        code="csv_row_invalid", row=number) from exc
            session.flush()
            added += new
            updated += not new
        audit.append(session, "roster_imported", "roster", target.name,
                     {"added": added, "updated": updated})
    return Imported(added, updated)


def _decoded(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInputError("The CSV file is neither UTF-8 nor Shift_JIS text.",
                            code="csv_encoding")


def entries(engine: Engine, roster: str | None = None) -> list[Entry]:
    """Everyone (or everyone on `roster`), by seat then reading, with their voiceprints."""
    with session_scope(engine) as session:
        query = select(PersonRow)
        if roster is not None:
            target = _roster(session, roster, create=False)
            query = query.join(MembershipRow, col(MembershipRow.person_id) == col(PersonRow.id)
                               ).where(MembershipRow.roster_id == target.id)
        rows = session.exec(query).all()
        ids = [r.id for r in rows if r.id is not None]
        people = repository.load_people(session, ids, roster)
        names: dict[int, list[str]] = defaultdict(list)
        for person_id, name in session.exec(
                select(MembershipRow.person_id, RosterRow.name)
                .join(RosterRow, col(RosterRow.id) == col(MembershipRow.roster_id))
                .where(col(MembershipRow.person_id).in_(ids))).all():
            names[person_id].append(name)
        prints: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for person_id, model in session.exec(
                select(VoiceprintRow.person_id, VoiceprintRow.model)
                .where(col(VoiceprintRow.person_id).in_(ids))).all():
            prints[person_id][model] += 1
        listed = [Entry(people[r.id], sorted(names[r.id]), r.active_from, r.active_to,
                        dict(prints[r.id])) for r in rows if r.id is not None]
    return sorted(listed, key=lambda e: by_seat(e.person))


def rosters(engine: Engine) -> list[tuple[str, int]]:
    """Each roster's name and how many people are on it."""
    with session_scope(engine) as session:
        counted = session.exec(
            select(RosterRow.name, func.count(col(MembershipRow.person_id)))
            .join(MembershipRow, col(MembershipRow.roster_id) == col(RosterRow.id),
                  isouter=True)
            .group_by(col(RosterRow.name)).order_by(col(RosterRow.name))).all()
        return [(name, int(count)) for name, count in counted]


def remove_person(engine: Engine, name: str, roster: str | None = None) -> str:
    """Take someone off one roster, or (no roster named) off every roster with their
    voiceprints. Meetings keep the names they were given."""
    with session_scope(engine) as session:
        person = find_person(session, name)
        if roster is not None:
            target = _roster(session, roster, create=False)
            session.execute(delete(MembershipRow).where(
                col(MembershipRow.person_id) == person.id,
                col(MembershipRow.roster_id) == target.id))
        else:
            session.delete(person)
        audit.append(session, "roster_removed", "roster", roster or "",
                     {"person": person.name})
        return person.name


def members(session: Session, roster: str, on: str | None = None) -> list[int]:
    """Ids of the people on `roster` active on the day `on` (YYYY-MM-DD; None: any day)."""
    row = session.exec(select(RosterRow).where(RosterRow.name == roster)).first()
    if row is None:
        return []
    people = session.exec(select(PersonRow).join(
        MembershipRow, col(MembershipRow.person_id) == col(PersonRow.id)).where(
        MembershipRow.roster_id == row.id)).all()
    return [p.id for p in people if p.id is not None and (
        on is None or ((p.active_from or "") <= on and (p.active_to or "9999") >= on))]


# --- voices ------------------------------------------------------------------------------


def threshold_for(model: str, setting: float | None) -> float | None:
    """The similarity a voice must reach to be suggested: the setting, else the threshold
    measured for the model, else None (no suggestions from a model nobody measured)."""
    return setting if setting is not None else CALIBRATED_THRESHOLDS.get(model)


def voiceprints(session: Session, model: str,
                people: Iterable[int] | None = None) -> dict[int, np.ndarray]:
    """Each person's voice under `model`: the mean of their voiceprints, unit length."""
    query = select(VoiceprintRow.person_id, VoiceprintRow.vector).where(
        VoiceprintRow.model == model)
    if people is not None:
        query = query.where(col(VoiceprintRow.person_id).in_(list(people)))
    grouped: dict[int, list[Any]] = defaultdict(list)
    for person_id, vector in session.exec(query).all():
        grouped[person_id].append(vector)
    prints: dict[int, np.ndarray] = {}
    for person_id, vectors in grouped.items():
        mean = np.mean(np.asarray(vectors, dtype=np.float64), axis=0)
        norm = float(np.linalg.norm(mean))
        if norm > 1e-8:
            prints[person_id] = mean / norm
    return prints


def best_matches(voices: dict[str, np.ndarray], prints: dict[int, np.ndarray],
                 threshold: float) -> dict[str, tuple[int, float]]:
    """Speaker id -> (person id, score) for the pairing of speakers and people with the
    highest total similarity in which no person is given twice, keeping only pairs at or
    above `threshold`; a voice like nobody's stays unmatched."""
    from scipy.optimize import linear_sum_assignment

    speakers, people = list(voices), list(prints)
    if not speakers or not people:
        return {}
    scores = np.stack([voices[s] for s in speakers]) @ np.stack([prints[p] for p in people]).T
    scores = np.clip(scores, 0.0, 1.0)
    # pairs under the threshold may not be chosen: they count as nothing
    weights = np.where(scores >= threshold, scores, 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return {speakers[r]: (people[c], round(float(scores[r, c]), 3))
            for r, c in zip(rows, cols, strict=True) if scores[r, c] >= threshold}


#: A stretch of a speaker's speech agrees with a person when it alone scores at least the
#: threshold less this against their voiceprint (one stretch says less than all of them).
PIECE_MARGIN = 0.15
#: The share of a speaker's embedded speech that must agree with the person suggested: a
#: speaker the diarizer made of two voices is never named after one of them.
MIN_AGREEMENT = 0.75


def agreement(voice: Voice, print_: np.ndarray, threshold: float) -> float:
    """The share of the voice's stretches (by seconds) that agree with `print_`; 1 for a
    voice without stretches."""
    if not voice.pieces:
        return 1.0
    total = sum(seconds for seconds, _ in voice.pieces)
    agreeing = sum(seconds for seconds, vector in voice.pieces
                   if float(np.asarray(vector) @ print_) >= threshold - PIECE_MARGIN)
    return agreeing / total if total > 0 else 1.0


def match_voices(voices: dict[str, Voice], prints: dict[int, np.ndarray],
                 threshold: float) -> dict[str, tuple[int, float]]:
    """`best_matches` of the voices, keeping only those whose own stretches agree with the
    person (MIN_AGREEMENT)."""
    vectors = {key: np.asarray(voice.vector, dtype=np.float64) for key, voice in voices.items()}
    return {key: found for key, found in best_matches(vectors, prints, threshold).items()
            if agreement(voices[key], prints[found[0]], threshold) >= MIN_AGREEMENT}


#: A speaker the diarizer made of two enrolled people is split when each one's turns (those
#: scoring highest against them, at least the threshold less `PIECE_MARGIN`) hold at least
#: this many seconds of speech ...
SPLIT_SECONDS = 6.0
#: ... and all of them together reach the threshold (the standard a speaker's whole voice
#: meets to be suggested) and score this much more against the person than against anyone
#: else enrolled: two similar voices' turns each lean to their own person by a few
#: hundredths (samples/cast c4-ja: 0.86 against 0.85), a pure speaker's stray turns
#: together do not.
SPLIT_MARGIN = 0.05


def split_merged(turns: Sequence[SpeakerTurn], vectors: Sequence[np.ndarray | None],
                 prints: dict[int, np.ndarray], threshold: float
                 ) -> tuple[list[SpeakerTurn], int]:
    """The diarizer's turns with each speaker it made of two or more enrolled people split
    by them: every turn of the second (third...) person gets a label of its own. `vectors`
    holds each turn's voice (unit length; None: too short to say). Turns nobody matches
    stay where they were. Returns the turns and how many new speakers were made."""
    people = list(prints)
    if len(people) < 2:
        return list(turns), 0
    matrix = np.stack([prints[p] for p in people])
    by_label: dict[str, list[int]] = defaultdict(list)
    for index, turn in enumerate(turns):
        by_label[turn.label].append(index)
    split, made = list(turns), 0
    for label, indices in by_label.items():
        heard: dict[int, list[int]] = defaultdict(list)  # person -> their turns
        for index in indices:
            vector = vectors[index]
            if vector is None:
                continue
            scores = matrix @ vector
            best = int(np.argmax(scores))
            if scores[best] >= threshold - PIECE_MARGIN:
                heard[people[best]].append(index)
        seconds = {person: sum(turns[i].end - turns[i].start for i in found)
                   for person, found in heard.items()}
        voices = [person for person, found in heard.items()
                  if seconds[person] >= SPLIT_SECONDS
                  and _stands_out(matrix @ _together(found, turns, vectors),
                                  people.index(person), threshold)]
        voices.sort(key=lambda person: -seconds[person])
        for number, person in enumerate(voices[1:], start=2):
            for index in heard[person]:
                split[index] = SpeakerTurn(turns[index].start, turns[index].end,
                                           f"{label}~{number}")
            made += 1
    return split, made


def _stands_out(scores: np.ndarray, own: int, threshold: float) -> bool:
    """Whether turns scoring `scores` against the people together are `own`'s: at the
    threshold, and `SPLIT_MARGIN` above anyone else."""
    others = np.delete(scores, own)
    return bool(scores[own] >= threshold and scores[own] - others.max() >= SPLIT_MARGIN)


def _together(found: list[int], turns: Sequence[SpeakerTurn],
              vectors: Sequence[np.ndarray | None]) -> np.ndarray:
    """The turns' voices averaged by their length, unit length."""
    weights = [turns[i].end - turns[i].start for i in found]
    mean = np.average(np.stack([vectors[i] for i in found]), axis=0,  # type: ignore[misc]
                      weights=weights)
    return mean / max(float(np.linalg.norm(mean)), 1e-8)


def suggest(session: Session, meeting_id: str, threshold_setting: float | None) -> int:
    """Suggest a roster person for each unconfirmed speaker of the meeting whose voice
    matches one; returns how many got a suggestion. People already confirmed in the meeting
    are not suggested again; with a roster, only its members active on the meeting's day."""
    meeting = repository.get_meeting_row(session, meeting_id)
    options = repository.options_of(meeting)
    rows = repository.speaker_rows(session, meeting_id)
    for row in rows:
        row.suggestion_id, row.suggestion_score = None, None
        session.add(row)
    taken = {r.person_id for r in rows if r.confirmed and r.person_id is not None}
    open_rows = {r.key: r for r in rows if not r.confirmed and r.voice and r.voice_model}
    allowed = members(session, options.roster, options.date) if options.roster else None
    found = 0
    for model in sorted({r.voice_model for r in open_rows.values() if r.voice_model}):
        threshold = threshold_for(model, threshold_setting)
        if threshold is None:
            log.warning("meeting %s: no voiceprint threshold is known for the embedding "
                        "model %s; set GIJIROKU_VOICEPRINT_THRESHOLD to get suggestions",
                        meeting_id, model)
            continue
        prints = {p: v for p, v in voiceprints(session, model, allowed).items()
                  if p not in taken}
        voices = {key: voice for key, r in open_rows.items() if r.voice_model == model
                  and (voice := repository.speaker_of(r, {}).voice) is not None}
        for key, (person_id, score) in match_voices(voices, prints, threshold).items():
            row = open_rows[key]
            row.suggestion_id, row.suggestion_score = person_id, score
            session.add(row)
            found += 1
    session.flush()
    return found


def suggest_again(engine: Engine, meeting_id: str, threshold_setting: float | None) -> int:
    """Match a stored meeting's speakers against the voiceprints as they are now."""
    with session_scope(engine) as session:
        return suggest(session, meeting_id, threshold_setting)


def stale_models(session: Session, model: str) -> dict[str, int]:
    """People who have voiceprints only of other models than `model`: by model, how many
    (they must be enrolled again to be recognised)."""
    current = set(session.exec(select(VoiceprintRow.person_id).where(
        VoiceprintRow.model == model).distinct()).all())
    others: dict[str, set[int]] = defaultdict(set)
    for person_id, other in session.exec(select(
            VoiceprintRow.person_id, VoiceprintRow.model).where(
            VoiceprintRow.model != model)).all():
        if person_id not in current:
            others[other].add(person_id)
    return {m: len(p) for m, p in others.items()}


def attendance(session: Session, roster: str | None,
               day: str | None) -> tuple[list[str], list[str]]:
    """The roster's members active on `day` as the 会議録 lists them: members by seat
    (「1番　田中太郎」), and those present to explain by title (「総務部長　小林恵子」)."""
    if not roster:
        return [], []
    ids = members(session, roster, day)
    people = sorted(repository.load_people(session, ids, roster).values(), key=by_seat)
    present = [f"{p.seat}番　{p.name}" if p.seat is not None else p.name for p in people
               if p.seat is not None or not p.holds_office()]
    officials = [f"{p.title}　{p.name}" for p in people
                 if p.seat is None and p.holds_office()]
    return present, officials


def with_attendance(record: Any, session: Session, roster: str | None,
                    day: str | None) -> Any:
    """A council record (`gijiroku.council.record.Record`) whose empty lists of members
    present and officials are filled from the meeting's roster."""
    if record.present and record.officials:
        return record
    present, officials = attendance(session, roster, day)
    record.present = record.present or present
    record.officials = record.officials or officials
    return record


def terms(session: Session, roster: str | None,
          day: str | None) -> tuple[tuple[str, str], ...]:
    """(language, name) of the roster's members for the recogniser's hotwords: names
    written in Japanese script for Japanese meetings, others for any."""
    if not roster:
        return ()
    people = repository.load_people(session, members(session, roster, day), roster)
    return tuple((term_language(p.name), p.name) for p in sorted(people.values(), key=by_seat))


def expected_count(session: Session, roster: str | None, day: str | None) -> int | None:
    """How many people the meeting's roster expects (None without a roster or members)."""
    if not roster:
        return None
    return len(members(session, roster, day)) or None


__all__ = ["CALIBRATED_THRESHOLDS", "DEFAULT_ROSTER", "MIN_VOICEPRINT_SECONDS", "Entry",
           "Imported", "add_person", "attendance", "best_matches", "by_seat", "entries",
           "expected_count", "find_person", "import_csv", "match_voices", "members", "normal",
           "remove_person", "rosters", "split_merged", "stale_models", "suggest",
           "suggest_again",
           "term_language", "terms", "threshold_for", "voiceprints", "with_attendance"]
