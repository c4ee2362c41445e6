"""How well personal information is suggested: precision and recall by kind, on sentences
from council and department meetings with the personal information in them marked by hand.

    .venv/bin/python bench/personal_info.py [samples/personal/ja-held-out.jsonl ...]

The sets (samples/personal): `ja-dev.jsonl`, the sentences the rules were written and
adjusted on; `ja-held-out.jsonl`, written at the same time in another style (case
conferences, internal meetings, spoken numbers) and measured once, after the rules were
settled. Each line is {"text": ..., "spans": [{"text": ..., "category": ...}]}; every
occurrence of a span's text is personal information of that category. `roster.txt` holds
the members and officials the sentences name (「田中議長」, 「佐藤部長」, 「石川隆之君」):
they are the meeting's known people and must never be suggested.

A suggestion is right when it has the span's category and covers at least half of the
union of the two (intersection over union >= 0.5).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gijiroku.personal import CATEGORIES_FOUND, find  # noqa: E402

SETS = ROOT / "samples" / "personal"


@dataclass
class Scores:
    right: Counter[str] = field(default_factory=Counter)
    suggested: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    known_suggested: list[str] = field(default_factory=list)  # roster people suggested
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, text, sentence)
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    sentences: int = 0

    def precision(self, category: str | None = None) -> float:
        suggested = self.suggested[category] if category else sum(self.suggested.values())
        right = self.right[category] if category else sum(self.right.values())
        return right / suggested if suggested else 1.0

    def recall(self, category: str | None = None) -> float:
        expected = self.expected[category] if category else sum(self.expected.values())
        right = self.right[category] if category else sum(self.right.values())
        return right / expected if expected else 1.0


def roster() -> list[str]:
    return (SETS / "roster.txt").read_text(encoding="utf-8").split()


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def evaluate(path: Path, known: list[str] | None = None) -> Scores:
    known = roster() if known is None else known
    scores = Scores()
    for raw in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(raw)
        text = item["text"]
        scores.sentences += 1
        gold: list[tuple[int, int, str]] = []
        for span in item["spans"]:
            at = text.find(span["text"])
            while at >= 0:
                gold.append((at, at + len(span["text"]), span["category"]))
                at = text.find(span["text"], at + 1)
        found = find(text, known)
        matched: set[int] = set()
        for f in found:
            scores.suggested[f.category] += 1
            hit = next((i for i, g in enumerate(gold) if i not in matched
                        and g[2] == f.category
                        and _overlap((f.start, f.end), (g[0], g[1])) >= 0.5), None)
            if hit is None:
                scores.wrong.append((f.category, f.text, text))
            else:
                matched.add(hit)
                scores.right[f.category] += 1
            if any(f.text in person or person.startswith(f.text) for person in known):
                scores.known_suggested.append(f.text)
        for i, g in enumerate(gold):
            scores.expected[g[2]] += 1
            if i not in matched:
                scores.missed.append((g[2], text[g[0]:g[1]], text))
    return scores


def report(path: Path) -> Scores:
    scores = evaluate(path)
    print(f"{path.name}: {scores.sentences} sentences")
    print(f"  {'kind':<11} {'expected':>8} {'suggested':>9} {'right':>6} {'precision':>9} "
          f"{'recall':>7}")
    for category in (*CATEGORIES_FOUND, None):
        if category and not (scores.expected[category] or scores.suggested[category]):
            continue
        name = category or "all"
        expected = scores.expected[category] if category else sum(scores.expected.values())
        suggested = scores.suggested[category] if category else sum(scores.suggested.values())
        right = scores.right[category] if category else sum(scores.right.values())
        print(f"  {name:<11} {expected:>8} {suggested:>9} {right:>6} "
              f"{scores.precision(category):>9.2f} {scores.recall(category):>7.2f}")
    print(f"  members and officials on the roster suggested: {len(scores.known_suggested)}"
          + (f" ({', '.join(scores.known_suggested)})" if scores.known_suggested else ""))
    for kind, text, sentence in scores.wrong:
        print(f"  wrong  {kind:<10} 「{text}」 in 「{sentence}」")
    for kind, text, sentence in scores.missed:
        print(f"  missed {kind:<10} 「{text}」 in 「{sentence}」")
    return scores


def main() -> int:
    paths = [Path(a) for a in sys.argv[1:]] or sorted(SETS.glob("*.jsonl"))
    for path in paths:
        report(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
