"""Questions answered from past minutes, measured on a set written after the method was
settled (samples/ask/held-out.json): for each answerable question, whether the answer was
found and cites the line that answers it; for each unanswerable one, whether the answer
says "not found"; and the time each took with the embedded model (or the configured one).

    .venv/bin/python bench/ask.py [samples/ask/held-out.json]

The archive is the set's meetings among 15 committee meetings about other things.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gijiroku import ask  # noqa: E402
from gijiroku.config import Settings  # noqa: E402
from gijiroku.principal import INSTALLATION  # noqa: E402
from gijiroku.storage import open_database  # noqa: E402
from tests.search.test_ask import FILLER  # noqa: E402
from tests.search.test_search import store  # noqa: E402


def main() -> None:
    chosen = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "samples/ask/held-out.json"
    data = json.loads(chosen.read_text(encoding="utf-8"))
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="gijiroku-ask-")),
                        llm_backend=None)
    engine = open_database(settings.resolved_database_url)
    for title, day, kind, group, lines in FILLER:
        store(engine, title, day, kind, group, lines)
    ids = {m["title"]: store(engine, m["title"], m["date"], m["kind"], "議会事務局",
                             [tuple(line) for line in m["lines"]]) for m in data["meetings"]}
    right = cited_wrong = found_none = said_none = 0
    answerable = [q for q in data["questions"] if q["answer"]]
    times = []
    for item in data["questions"]:
        begun = time.perf_counter()
        answered = ask.ask(engine, settings, item["question"], reader=INSTALLATION)
        times.append(time.perf_counter() - begun)
        cited = [(c.meeting_id, c.segment_id) for c in answered.citations]
        if item["answer"]:
            expected = (ids[item["answer"][0]], item["answer"][1])
            ok = answered.found and expected in cited
            right += ok
            cited_wrong += answered.found and not ok
            found_none += not answered.found
            verdict = "right" if ok else "wrong line" if answered.found else "not found"
        else:
            said_none += not answered.found
            verdict = "not found (right)" if not answered.found else "answered (wrong)"
        print(f"{times[-1]:5.1f} s  {verdict:<18} {item['question']}\n"
              f"         {answered.answer}  (dropped {answered.dropped}, moved "
              f"{answered.moved}, {answered.retrieved} lines given)")
    unanswerable = len(data["questions"]) - len(answerable)
    print(f"\nanswerable: {right}/{len(answerable)} found citing the line, {cited_wrong} "
          f"citing another, {found_none} not found; unanswerable: {said_none}/{unanswerable} "
          f"said not found; {sum(times) / len(times):.1f} s a question on average")


if __name__ == "__main__":
    main()
