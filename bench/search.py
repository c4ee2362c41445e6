"""Full-text search at archive scale: query latency (p50 / p99) at 1,000 and 10,000 one-hour
meetings on SQLite and PostgreSQL, the index's size, and how long a question takes with the
embedded model.

    .venv/bin/python bench/search.py [--meetings 1000 10000] [--databases sqlite postgres]
                                     [--lines 400] [--queries 100] [--ask 3]

The meetings are synthetic: 400 lines of about 45 characters each (an hour of a council
session), mostly Japanese sentences built from committee words chosen with a Zipf-like skew
(a few words in very many lines, most in few), one meeting in ten English. They are written
straight into a migrated database (the same terms `gijiroku.terms.index_terms` gives every
stored line), 1,000 first and then more up to the next size. Each query is run through
`gijiroku.search.search` as a clerk's search runs (the count and the first 50 lines, newest
first), for the installation and for a person of one section. PostgreSQL runs on the local
server (127.0.0.1:5432) in a fresh database, dropped afterwards.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, text  # noqa: E402

from gijiroku import search  # noqa: E402
from gijiroku.principal import INSTALLATION, Principal  # noqa: E402
from gijiroku.storage import open_database  # noqa: E402
from gijiroku.terms import index_terms  # noqa: E402

TOPICS = [
    "図書館", "市立病院", "道路", "公園", "下水道", "学校給食", "保育所", "防災", "避難所",
    "消防", "観光", "商店街", "農業", "漁業", "介護保険", "国民健康保険", "子育て支援",
    "高齢者福祉", "障害者福祉", "市営住宅", "上水道", "ごみ処理", "リサイクル", "公共交通",
    "バス路線", "駐車場", "文化会館", "体育館", "図書購入", "職員研修", "情報公開",
    "個人情報保護", "デジタル化", "窓口業務", "税収", "補正予算", "決算", "基金", "地方債",
    "入札", "契約", "指定管理者", "施設更新", "耐震化", "橋りょう", "河川", "都市計画",
    "区画整理", "空き家", "移住定住", "姉妹都市", "国際交流", "男女共同参画", "人権", "平和",
    "選挙", "議会改革", "広報", "広聴", "市民参加"
]
PEOPLE = [
    "市長", "副市長", "教育長", "総務部長", "財務部長", "建設部長", "福祉部長", "議長",
    "委員長", "議員"
]
VERBS = [
    "について伺います", "の現状を説明いたします", "を検討してまいります",
    "の予算を計上しております", "は来年度に着手いたします", "の見直しを進めております",
    "に関する要望が寄せられております", "の課題は認識しております", "を拡充すべきと考えます",
    "の効果を検証いたします"
]
LINKS = ["また、", "さらに、", "一方で、", "その上で、", "なお、", ""]
ENGLISH = [
    "library", "budget", "hospital", "road", "park", "school", "lunch", "childcare",
    "disaster", "shelter", "tourism", "transport", "parking", "museum", "procurement",
    "contract", "tax", "audit", "housing", "water", "waste", "recycling", "bridge",
    "river", "planning", "library", "hours", "staff", "training"
]

QUERIES = [  # (what it tries, the query)
    ("a common word", "市長"), ("a common word", "予算"), ("a rare word", "姉妹都市"),
    ("a rare word", "区画整理"), ("one character", "湾"), ("two words", "図書館 予算"),
    ("a phrase", "図書館の現状"), ("OR", "公園 OR 河川"), ("NOT", "道路 -橋りょう"),
    ("English", "library"), ("English phrase", '"library budget"'),
    ("nothing", "宇宙開発"),
]


def zipf_choice(rng: random.Random, items: list[str]) -> str:
    """The k-th item with a weight of 1/k: a few words in many lines, most in few."""
    return rng.choices(items, weights=[1 / k for k in range(1, len(items) + 1)])[0]


def sentence(rng: random.Random, english: bool) -> str:
    if english:
        words = [zipf_choice(rng, ENGLISH) for _ in range(rng.randint(6, 10))]
        return ("The " + " ".join(words) + " was discussed.").capitalize()
    parts = [rng.choice(LINKS) + zipf_choice(rng, TOPICS) + "の" + zipf_choice(rng, TOPICS)
             + rng.choice(VERBS) + "。"]
    if rng.random() < 0.5:
        parts.append(zipf_choice(rng, TOPICS) + rng.choice(VERBS) + "。")
    if rng.random() < 0.1:
        parts.insert(0, rng.choice(PEOPLE) + "の答弁を求めます。")
    return "".join(parts)


def fill(engine: Engine, start: int, stop: int, lines: int, sections: list[int]) -> None:
    """Meetings number `start` to `stop` (deterministic: the same text each run)."""
    sqlite = engine.dialect.name == "sqlite"
    base = datetime(2010, 4, 1, tzinfo=UTC)
    for number in range(start, stop):
        rng = random.Random(number)
        english = number % 10 == 9
        meeting_id = uuid.UUID(int=number + 1).hex
        when = base + timedelta(days=number // 3)
        meeting = {"id": meeting_id, "title": f"会議 {number}", "status": "done",
                   "source_name": "x.flac", "source_path": "", "content_hash": "0",
                   "language": "en" if english else "ja", "duration": 3600.0,
                   "options": "{}", "completed_stages": "[]", "minutes_status": "done",
                   "last_line": lines, "section_id": sections[number % len(sections)],
                   "state": "approved", "created_at": when, "updated_at": when}
        speakers = [{"meeting_id": meeting_id, "key": f"S{k}", "label": f"SPEAKER_{k:02d}",
                     "name": PEOPLE[(number + k) % len(PEOPLE)]} for k in range(1, 6)]
        rows = []
        for line in range(1, lines + 1):
            said = sentence(rng, english)
            rows.append({"meeting_id": meeting_id, "number": line, "start": line * 9.0,
                         "end": line * 9.0 + 8.0, "text": said,
                         "terms": index_terms(said, meeting["section_id"]),
                         "speaker_key": f"S{rng.randint(1, 5)}", "version": 1})
        with engine.begin() as connection:
            columns = ", ".join(meeting)
            values = ", ".join(f":{k}" for k in meeting)
            if not sqlite:
                values = values.replace(":options", "CAST(:options AS JSON)").replace(
                    ":completed_stages", "CAST(:completed_stages AS JSON)")
            connection.execute(text(f"INSERT INTO meeting ({columns}) VALUES ({values})"),
                               meeting)
            connection.execute(text(
                "INSERT INTO speaker (meeting_id, key, label, name, confirmed) "
                "VALUES (:meeting_id, :key, :label, :name, false)"), speakers)
            connection.execute(text(
                'INSERT INTO segment (meeting_id, number, start, "end", text, terms, '
                "speaker_key, version, edited, gap) VALUES (:meeting_id, :number, :start, "
                ":end, :text, :terms, :speaker_key, :version, false, false)"), rows)


def index_size(engine: Engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            fts = connection.execute(text(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'segment_fts%'")).scalar()
            terms = connection.execute(text(
                "SELECT sum(length(CAST(terms AS BLOB))) FROM segment")).scalar()
            texts = connection.execute(text(
                "SELECT sum(length(CAST(text AS BLOB))) FROM segment")).scalar()
            return (f"FTS5 tables {fts / 2**20:.0f} MiB, terms column {terms / 2**20:.0f} MiB "
                    f"(the lines' text: {texts / 2**20:.0f} MiB)")
        gin = connection.execute(text(
            "SELECT pg_relation_size('segment_terms_gin')")).scalar() or 0
        columns = connection.execute(text(
            "SELECT sum(pg_column_size(terms)), sum(pg_column_size(terms_vector)), "
            "sum(pg_column_size(text)) FROM segment")).one()
        return (f"GIN index {gin / 2**20:.0f} MiB, terms column {columns[0] / 2**20:.0f} MiB, "
                f"tsvector column {columns[1] / 2**20:.0f} MiB (the lines' text: "
                f"{columns[2] / 2**20:.0f} MiB)")


def timed(engine: Engine, query: str, reader: Principal, rounds: int) -> tuple[list[float], int]:
    times, total = [], 0
    for _ in range(rounds):
        begun = time.perf_counter()
        found = search.search(engine, query, reader=reader)
        times.append((time.perf_counter() - begun) * 1000)
        total = found.total
    return times, total


def measure(engine: Engine, label: str, rounds: int, sections: list[int]) -> None:
    clerk = Principal("clerk", "editor", frozenset(sections[:1]))
    everything: list[float] = []
    print(f"\n{label}: {index_size(engine)}")
    print(f"  {'query':<26}{'lines found':>12}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'one section p50':>17}{'p99':>8}")
    for what, query in QUERIES:
        search.search(engine, query, reader=INSTALLATION)  # (the first one warms the cache)
        times, total = timed(engine, query, INSTALLATION, rounds)
        mine, _ = timed(engine, query, clerk, rounds)
        everything += times + mine
        print(f"  {what + ': ' + query:<26}{total:>12}{statistics.median(times):>9.1f}"
              f"{percentile(times, 99):>9.1f}{statistics.median(mine):>17.1f}"
              f"{percentile(mine, 99):>8.1f}")
    print(f"  all queries: p50 {statistics.median(everything):.1f} ms, "
          f"p99 {percentile(everything, 99):.1f} ms")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share / 100 * (len(ordered) - 1)))]


def sections_in(engine: Engine) -> list[int]:
    with engine.begin() as connection:
        for name in ("議会事務局", "総務課", "福祉課", "建設課"):
            connection.execute(text("INSERT INTO section (name, created_at) VALUES "
                                    "(:name, :at)"), {"name": name, "at": datetime.now(UTC)})
        return list(connection.execute(text("SELECT id FROM section ORDER BY id")).scalars())


def ask_latency(engine: Engine, count: int, folder: Path) -> None:
    from gijiroku import ask
    from gijiroku.config import Settings

    settings = Settings(data_dir=folder, llm_backend=None)
    questions = ["姉妹都市との交流はどうなっていますか", "区画整理の予算はどうなりますか",
                 "図書館について市長は何と答えましたか", "What was said about the library budget?"]
    for question in questions[:count]:
        begun = time.perf_counter()
        answered = ask.ask(engine, settings, question, reader=INSTALLATION)
        took = time.perf_counter() - begun
        print(f"  ask {question!r}: {took:.1f} s, found {answered.found}, "
              f"{answered.retrieved} lines given, {len(answered.citations)} cited, "
              f"{answered.dropped} sentences dropped\n    answer: {answered.answer}")
        for cited in answered.citations:
            print(f"    cites: {cited.text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--lines", type=int, default=400)
    parser.add_argument("--queries", type=int, default=20, help="rounds of each query")
    parser.add_argument("--ask", type=int, default=0, help="questions asked of the "
                        "embedded model at the first size (0: none)")
    args = parser.parse_args()
    for database in args.databases:
        folder = Path(tempfile.mkdtemp(prefix="gijiroku-search-bench-"))
        if database == "sqlite":
            url, dropper = f"sqlite:///{folder}/bench.db", None
        else:
            from tests.conftest import new_postgres_database

            dropper = new_postgres_database()
            url = dropper.__enter__()
        try:
            engine = open_database(url)
            sections = sections_in(engine)
            done = 0
            for size in sorted(args.meetings):
                begun = time.perf_counter()
                fill(engine, done, size, args.lines, sections)
                print(f"\n{database}: {size - done} meetings of {args.lines} lines written in "
                      f"{time.perf_counter() - begun:.0f} s", flush=True)
                if database == "postgres":
                    with engine.connect() as connection:
                        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                            text("VACUUM ANALYZE segment"))
                done = size
                measure(engine, f"{database}, {size} meetings ({size * args.lines} lines)",
                        args.queries, sections)
                if args.ask and size == min(args.meetings):
                    ask_latency(engine, args.ask, folder)
            engine.dispose()
        finally:
            if dropper is not None:
                dropper.__exit__(None, None, None)


if __name__ == "__main__":
    main()
