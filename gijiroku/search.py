"""Full-text search over every meeting's lines, in Japanese and English, on SQLite and
PostgreSQL alike.

**Index terms.** Each line's text is kept beside it as index terms (`SegmentRow.terms`, set
by the ORM whenever a line is written: `index_terms`). The text is normalised (NFKC, case
folded) and cut into runs: a run of kanji and kana gives its character bigrams and its last
character alone (「市長の答弁」 → 市長 長の の答 答弁 弁), any other run of letters and digits
is one word (`library`, `8`). Every substring of a Japanese run is then a sequence of
adjacent terms, so a query of any length finds it (one character by a prefix), and English
matches whole words (`budg*` for a prefix). The database indexes the terms with its own
machinery: SQLite an FTS5 table over the lines (kept current by triggers), PostgreSQL a
stored `tsvector` with a GIN index (migration 0016). Both read the same terms, so both find
the same lines.

**Queries.** Words are ANDed; `OR` (or `|`) between two words accepts either; `-word` or
`NOT word` excludes; `"a phrase"` keeps words together (a Japanese word is always one
phrase). Filters: the meeting's date range, its kind (本会議, 委員会...), its group (section),
the speaker's name, a roster person, a role such as 市長 (the roster's title, or the name
given to the speaker).

**Who sees what.** A person finds only the lines of meetings in their sections; a reader
who may not read the original (`gijiroku.copies`) searches the public copy: a line whose
match was only in a withdrawn or personal passage is not returned, and the text shown is
the public one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, bindparam, text
from sqlmodel import Session, col, select

from gijiroku import copies
from gijiroku.errors import InvalidInputError
from gijiroku.principal import Principal
from gijiroku.storage import repository
from gijiroku.storage.tables import MarkRow
from gijiroku.terms import Phrase, index_terms, normal, phrase, section_term

#: Lines returned at most per query (the rest are counted).
LIMIT = 50
#: Lines counted at most: beyond it the total says "1,000 or more" (`exact` false). A
#: count reads every match (a phrase of common words in a 10,000-meeting archive: 100,000
#: lines, 130 ms to count them all on PostgreSQL), where the first page of lines stops at
#: its 50th; nobody reads a thousand lines to find one, they narrow the search.
COUNT_LIMIT = 1_000
#: On PostgreSQL, the newest lines looked at first: when more than `COUNT_LIMIT` of them
#: match, that is the answer, without the index's every match (a word in one line of
#: twenty is found more than a thousand times there in about 20 ms).
PROBE = 20_000
MAX_QUERY = 500


# -- queries -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    """Clauses that must all hold, each any of its phrases; phrases that must not."""

    clauses: tuple[tuple[Phrase, ...], ...]
    excluded: tuple[Phrase, ...]

    @property
    def positive(self) -> list[Phrase]:
        return [p for clause in self.clauses for p in clause]

    def fts5(self) -> str:
        text_ = " AND ".join("(" + " OR ".join(p.fts5() for p in clause) + ")"
                             for clause in self.clauses)
        return text_ + "".join(f" NOT {p.fts5()}" for p in self.excluded)

    def tsquery(self) -> str:
        parts = ["(" + " | ".join(f"({p.tsquery()})" for p in clause) + ")"
                 for clause in self.clauses]
        parts += [f"!({p.tsquery()})" for p in self.excluded]
        return " & ".join(parts)


_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def parse(query: str) -> Query:
    """A query as a person types it; refused when it has nothing to look for."""
    if len(query) > MAX_QUERY:
        raise InvalidInputError(f"A search is at most {MAX_QUERY} characters.",
                                code="text_too_long", field="q", limit=MAX_QUERY)
    query = query.replace("\u3000", " ").replace("＂", '"').replace("”", '"').replace("“", '"')
    clauses: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    join_next = negate_next = False
    for match in _TOKEN.finditer(query):
        quoted, word = match.group(1), match.group(2)
        if quoted is None and word in ("OR", "|"):
            join_next = bool(clauses)
            continue
        if quoted is None and word == "NOT":
            negate_next = True
            continue
        negate = negate_next
        if quoted is None and word.startswith("-") and len(word) > 1:
            negate, word = True, word[1:]
        found = phrase(quoted if quoted is not None else word)
        negate_next = False
        if found is None:
            continue
        if negate:
            excluded.append(found)
        elif join_next:
            clauses[-1].append(found)
        else:
            clauses.append([found])
        join_next = False
    if not clauses:
        raise InvalidInputError("The search has no word to look for (only excluded ones, "
                                "or none).", code="search_empty", field="q")
    return Query(tuple(tuple(c) for c in clauses), tuple(excluded))


# -- searching ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    since: date | None = None
    until: date | None = None  # that day included
    kind: str | None = None
    group: str | None = None
    speaker: str | None = None  # part of the speaker's name
    person: str | None = None  # a roster person (their name)
    role: str | None = None  # a roster title, or part of the speaker's name: 市長


@dataclass(slots=True)
class Hit:
    meeting_id: str
    segment_id: int
    start: float
    end: float
    speaker: str | None
    text: str
    meeting_title: str = ""
    meeting_date: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"meeting_id": self.meeting_id, "segment_id": self.segment_id,
                "start": self.start, "end": self.end, "speaker": self.speaker,
                "text": self.text, "meeting_title": self.meeting_title,
                "meeting_date": self.meeting_date,
                "highlights": [list(h) for h in self.highlights]}


@dataclass(slots=True)
class Found:
    hits: list[Hit]
    total: int
    exact: bool = True  # False: `total` is COUNT_LIMIT, and more lines match

    def as_json(self) -> dict[str, Any]:
        return {"hits": [h.as_json() for h in self.hits], "total": self.total,
                "total_exact": self.exact}


def _meeting_date(options: Any, created: Any) -> str:
    given = options.get("date") if isinstance(options, dict) else None
    return str(given) if given else str(created)[:10]


def _where(dialect: str, filters: Filters, reader: Principal,
           params: dict[str, Any]) -> list[str]:
    """SQL conditions on `m` (meeting) and `s` (segment) for the filters and the reader."""
    where: list[str] = []
    if reader.sections is not None and not reader.sections:
        where.append("1 = 0")  # (in no section: nothing; else the index keeps to them)
    day = ("COALESCE(json_extract(m.options, '$.date'), substr(m.created_at, 1, 10))"
           if dialect == "sqlite" else
           "COALESCE(m.options::json->>'date', to_char(m.created_at, 'YYYY-MM-DD'))")
    if filters.since is not None:
        where.append(f"{day} >= :since")
        params["since"] = filters.since.isoformat()
    if filters.until is not None:
        where.append(f"{day} <= :until")
        params["until"] = filters.until.isoformat()
    if filters.kind:
        where.append("json_extract(m.options, '$.kind') = :kind" if dialect == "sqlite"
                     else "m.options::json->>'kind' = :kind")
        params["kind"] = filters.kind
    if filters.group:
        where.append("m.section_id IN (SELECT id FROM section WHERE name = :group)")
        params["group"] = filters.group
    speaker = ("SELECT 1 FROM speaker sp WHERE sp.meeting_id = s.meeting_id "
               "AND sp.key = s.speaker_key AND ")
    if filters.speaker:
        where.append(f"EXISTS ({speaker}sp.name LIKE :speaker ESCAPE '\\')")
        params["speaker"] = f"%{_like(filters.speaker)}%"
    if filters.person:
        where.append(f"EXISTS ({speaker}sp.person_id IN "
                     "(SELECT id FROM person WHERE name = :person))")
        params["person"] = filters.person
    if filters.role:
        where.append(f"EXISTS ({speaker}(sp.name LIKE :role_like ESCAPE '\\' OR sp.person_id IN "
                     "(SELECT person_id FROM membership WHERE title = :role)))")
        params["role"] = filters.role
        params["role_like"] = f"%{_like(filters.role)}%"
    return where


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(engine: Engine, query: str | Query, *, reader: Principal,
           filters: Filters | None = None, limit: int = LIMIT, offset: int = 0) -> Found:
    """Lines that match `query` (as typed, or parsed), newest first: a page of them
    (`limit` from `offset`), and how many match in all."""
    parsed = parse(query) if isinstance(query, str) else query
    narrowed = parsed
    if reader.sections:  # the lines of the person's sections only, by the index itself
        sections = tuple(Phrase((section_term(s),), False, "") for s in sorted(reader.sections))
        narrowed = Query((*parsed.clauses, sections), parsed.excluded)
    filters = filters or Filters()
    dialect = engine.dialect.name
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    where = _where(dialect, filters, reader, params)
    if dialect == "sqlite":
        index = "segment_fts f"
        source = f"{index} JOIN segment s ON s.id = f.rowid JOIN meeting m ON m.id = s.meeting_id"
        match = "segment_fts MATCH :match"
        order = "f.rowid DESC"
        params["match"] = narrowed.fts5()
    else:
        index = "segment s"
        source = f"{index} JOIN meeting m ON m.id = s.meeting_id"
        match = "s.terms_vector @@ to_tsquery('simple', :match)"
        order = "s.id DESC"
        params["match"] = narrowed.tsquery()
    condition = " AND ".join([match, *where])
    public = not copies.may_see_original(reader)
    counted = source if where else index
    with Session(engine) as session:
        total = 0
        if dialect == "postgresql":
            # (a walk over the lines is costed high and would be compiled first: 80 ms
            # spent on a query that finds its 50 lines in 3)
            session.execute(text("SET LOCAL jit = off"))
            # the newest lines first: a common word is found more than the limit's times
            # there, and the index need not hand over every line that holds it
            newest = counted.replace(
                index, f"(SELECT * FROM segment ORDER BY id DESC LIMIT {PROBE}) AS s", 1)
            total = int(session.execute(text(
                f"SELECT count(*) FROM (SELECT 1 FROM {newest} WHERE {condition} "
                f"LIMIT {COUNT_LIMIT + 1}) AS found"), params).scalar_one())
            # otherwise the matches from the index, whatever it estimates, with room for
            # them all (a bitmap squeezed into less memory is re-read line by line)
            for setting in ("enable_seqscan = off", "enable_indexscan = off",
                            "work_mem = '32MB'"):
                session.execute(text(f"SET LOCAL {setting}"))
        if total <= COUNT_LIMIT:
            # counted up to the limit: past it a count costs a read of every match
            total = int(session.execute(text(
                f"SELECT count(*) FROM (SELECT 1 FROM {counted} WHERE {condition} "
                f"LIMIT {COUNT_LIMIT + 1}) AS found"), params).scalar_one())
        exact = total <= COUNT_LIMIT
        total = min(total, COUNT_LIMIT)
        if dialect == "postgresql" and not exact:
            # many matches: the newest are found soonest walking the lines from the newest
            # (the index would hand over all of them to be sorted)
            for setting in ("enable_indexscan = on", "enable_bitmapscan = off",
                            "max_parallel_workers_per_gather = 0"):
                session.execute(text(f"SET LOCAL {setting}"))
        # the page's lines first (by the lines alone when nothing needs their meeting), then
        # what is shown of them
        key = "f.rowid" if dialect == "sqlite" else "s.id"
        page = (f"SELECT {key} AS id FROM {source if where else index} WHERE {condition} "
                f"ORDER BY {order} LIMIT :limit OFFSET :offset")
        rows = session.execute(text(
            f"SELECT {_SHOWN} FROM ({page}) AS page JOIN segment s ON s.id = page.id "
            f"JOIN meeting m ON m.id = s.meeting_id ORDER BY s.id DESC"), params).all()
        hits = [_hit(r) for r in rows]
        if public:
            hits, hidden = _public(session, hits, parsed)
            total -= hidden
    for hit in hits:
        hit.highlights = highlights(hit.text, parsed.positive)
    return Found(hits, max(total, len(hits)), exact)


def following(engine: Engine, hits: Iterable[Hit], *, reader: Principal) -> list[Hit]:
    """The line after each of `hits` in its meeting (where a member's question is answered),
    as `reader` may read it: the public copy's text where they read that."""
    wanted = {(h.meeting_id, h.segment_id + 1) for h in hits}
    if not wanted:
        return []
    with Session(engine) as session:
        rows = session.execute(text(
            f"SELECT {_SHOWN} FROM segment s JOIN meeting m ON m.id = s.meeting_id "
            "WHERE s.meeting_id IN :meetings AND s.number IN :numbers").bindparams(
                bindparam("meetings", expanding=True), bindparam("numbers", expanding=True)),
            {"meetings": sorted({m for m, _ in wanted}),
             "numbers": sorted({n for _, n in wanted})}).all()
        found = [_hit(r) for r in rows if (r.meeting_id, r.number) in wanted]
        if found and not copies.may_see_original(reader):
            found, _ = _public(session, found, Query((), ()))
    return found


#: What a hit shows of a line `s` of meeting `m` (`_hit`).
_SHOWN = ("s.meeting_id, s.number, s.start, s.\"end\", s.text, m.title, m.options, "
          "m.created_at, (SELECT COALESCE(sp.name, sp.key) FROM speaker sp WHERE "
          "sp.meeting_id = s.meeting_id AND sp.key = s.speaker_key) AS speaker_name")


def _hit(row: Any) -> Hit:
    return Hit(row.meeting_id, row.number, row.start, row.end, row.speaker_name, row.text,
               row.title, _meeting_date(_json(row.options), row.created_at))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _public(session: Session, hits: list[Hit], parsed: Query) -> tuple[list[Hit], int]:
    """The hits as the public copy reads them: a line whose match was only in a marked
    passage is left out (and counted), the others show their public text."""
    marked = set(session.exec(select(MarkRow.meeting_id).where(
        col(MarkRow.meeting_id).in_({h.meeting_id for h in hits}))).all())
    public_lines: dict[str, dict[int, str]] = {}
    for meeting_id in marked:
        shown = copies.public(repository.load_meeting(session, meeting_id, with_words=False))
        public_lines[meeting_id] = {s.id or 0: s.text for s in shown.segments}
    kept, hidden = [], 0
    for hit in hits:
        if hit.meeting_id in public_lines:
            now = public_lines[hit.meeting_id].get(hit.segment_id)
            if now is None or not matches(now, parsed):
                hidden += 1
                continue
            hit.text = now
        kept.append(hit)
    return kept, hidden


def matches(value: str, parsed: Query) -> bool:
    """Whether a text holds the query (by the same terms the index uses)."""
    terms = f" {index_terms(value, None)} "

    def holds(found: Phrase) -> bool:
        needle = " " + " ".join(found.terms) + ("" if found.prefix else " ")
        return needle in terms

    return all(any(holds(p) for p in clause) for clause in parsed.clauses) \
        and not any(holds(p) for p in parsed.excluded)


def highlights(value: str, phrases: Sequence[Phrase]) -> list[tuple[int, int]]:
    """Where the phrases are in `value` (character offsets, merged, in order)."""
    folded, back = _folded(value)
    spans: list[tuple[int, int]] = []
    for found in phrases:
        needle = normal(found.said).strip()
        if not needle:
            continue
        at = folded.find(needle)
        while at >= 0:
            spans.append((back[at], back[at + len(needle) - 1] + 1))
            at = folded.find(needle, at + len(needle))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _folded(value: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the original one's offset."""
    out: list[str] = []
    back: list[int] = []
    for at, char in enumerate(value):
        piece = normal(char)
        out.append(piece)
        back.extend([at] * len(piece))
    return "".join(out), back


def lines_for(engine: Engine, terms: Iterable[str], *, reader: Principal,
              limit: int = 40, counts: dict[str, int] | None = None) -> list[Hit]:
    """Lines that hold any of `terms`, those holding most of them first (what a question is
    answered from: `gijiroku.ask`). `counts`, when given, gets how many lines the reader
    may read hold each term (up to `COUNT_LIMIT`)."""
    phrases = [(t, p) for t, p in ((t, phrase(t)) for t in terms) if p is not None]
    if not phrases:
        return []
    scored: dict[tuple[str, int], tuple[int, Hit]] = {}
    for term, found in phrases:
        result = search(engine, Query(((found,),), ()), reader=reader, limit=limit * 4)
        if counts is not None:
            counts[term] = result.total
        for hit in result.hits:
            key = (hit.meeting_id, hit.segment_id)
            count, _ = scored.get(key, (0, hit))
            scored[key] = (count + 1, hit)
    ranked = sorted(scored.values(), key=lambda item: (-item[0], -len(item[1].text)))
    return [hit for _, hit in ranked[:limit]]


__all__ = ["COUNT_LIMIT", "LIMIT", "Filters", "Found", "Hit", "Query", "following",
           "highlights", "lines_for", "matches", "parse", "search"]
