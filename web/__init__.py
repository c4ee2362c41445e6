"""The web view: Jinja2 templates, hand-written scripts and styles, the UI text in Japanese and
English. The pages are served by `api.pages`; this package holds no server code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
LANGUAGES = ("ja", "en")


@cache
def messages(language: str) -> dict[str, str]:
    """The UI text in one language; a key missing there falls back to English."""
    table: dict[str, dict[str, str]] = json.loads(
        (Path(__file__).parent / "messages.json").read_text(encoding="utf-8")
    )
    return {**table["en"], **table.get(language, {})}


def choose_language(accept_language: str | None) -> str:
    """The first of our languages the browser asks for (RFC 9110 weights); English else."""
    wanted: list[tuple[float, int, str]] = []
    for order, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if weight > 0:
            wanted.append((-weight, order, primary))
    for _, _, primary in sorted(wanted):
        if primary in LANGUAGES:
            return primary
    return "en"
