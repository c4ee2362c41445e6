"""Minutes from a transcript: summary, topics, decisions and action items, each citing the
transcript segments it rests on, written by an LLM behind any OpenAI-compatible server:
by default the embedded one (`summarize.embedded`: llama.cpp with a small local model).

Two methods (`Method`): `stepwise`, the default, finds decisions and tasks from the way the
meeting states them (`summarize.cues`) and asks the model only to state each in one short
sentence and to write the summary (`summarize.stepwise`); `compose` asks the model for the
whole minutes at once (`summarize.writer`), which only larger models do well.

`MinutesRequest` carries what the writer may see (segment ids, times, speaker names, text,
the meeting's title, date and language); `write_minutes` returns checked `Minutes`: citations
to segments that do not exist are dropped and counted, and an item left without a citation is
flagged for a person rather than kept silently.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from gijiroku.domain import Progress
from gijiroku.errors import ConfigError

if TYPE_CHECKING:
    from summarize.schema import MinutesOut

BUILT_IN = Path(__file__).with_name("templates")
LANGUAGE_NAMES = {"ja": "Japanese (日本語)", "en": "English"}
Method = Literal["stepwise", "compose"]
Style = Literal["dearu", "desumasu"]


@dataclass(frozen=True, slots=True)
class LLMConfig:
    base_url: str | None
    api_key: str | None
    model: str
    timeout: float = 120.0
    max_retries: int = 3  # the openai client's own retries, with backoff, on 408/429/5xx
    context_tokens: int = 8192
    max_output_tokens: int = 2048
    #: Greedy decoding: the same transcript gives the same draft, and small models stray
    #: less (measured on bench/minutes_eval.py).
    temperature: float = 0.0


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    id: int
    start: float
    end: float
    speaker: str | None  # "S2 (Ms. Suzuki)" or "S2"
    text: str


@dataclass(slots=True)
class MinutesRequest:
    title: str
    date: str | None  # ISO date of the meeting, when known
    language: str
    attendees: list[str]
    lines: list[TranscriptLine]
    template: Template
    #: Japanese minutes in である調 or です・ます調 (the template's `[styles]`).
    style: Style = "dearu"


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    language: str
    headings: dict[str, str]
    system: str
    map: str
    reduce: str
    #: The stepwise method's prompts: summary, merge, decision, action.
    steps: dict[str, str] = field(default_factory=dict)
    styles: dict[str, str] = field(default_factory=dict)

    def system_prompt(self, request: MinutesRequest) -> str:
        return self.fill(self.system, request)

    def fill(self, text: str, request: MinutesRequest) -> str:
        """`text` with the meeting's placeholders filled in."""
        values = {
            "title": request.title,
            "date": request.date or "unknown",
            "attendees": ", ".join(request.attendees) or "unknown",
            "language_name": LANGUAGE_NAMES.get(request.language, request.language),
            "style": self.styles.get(request.style, ""),
        }
        return text.format_map(_Blank(values)).strip()


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:  # unknown placeholders stay visible, not crash
        return "{" + key + "}"


@dataclass(slots=True)
class Usage:
    calls: int = 0
    repairs: int = 0
    chunks: int = 1


def available_templates(user_dir: Path | None) -> dict[str, Path]:
    """Built-in templates, then the user's own (which may replace a built-in by name)."""
    found = {path.stem: path for path in sorted(BUILT_IN.glob("*.toml"))}
    if user_dir is not None and user_dir.is_dir():
        found.update({path.stem: path for path in sorted(user_dir.glob("*.toml"))})
    return found


def load_template(name: str | None, language: str, user_dir: Path | None = None) -> Template:
    """The template called `name`, or the built-in one for the meeting's language."""
    templates = available_templates(user_dir)
    chosen = name or (language if language in templates else "en")
    if chosen not in templates:
        raise ConfigError(
            f"No minutes template named {chosen!r}; available: {', '.join(sorted(templates))}."
        )
    try:
        data = tomllib.loads(templates[chosen].read_text(encoding="utf-8"))
        prompt = data["prompt"]
        written_in = data.get("language", language)
        # a template of one's own without the stepwise prompts gets the built-in ones of its
        # language, and its own system prompt for the summary
        builtin = BUILT_IN / f"{written_in if written_in in LANGUAGE_NAMES else 'en'}.toml"
        base = tomllib.loads(builtin.read_text(encoding="utf-8"))
        own = dict(data.get("steps", {}))
        if "steps" not in data:
            own["summary"] = prompt["system"]
        return Template(
            name=chosen,
            language=written_in,
            headings=dict(data["headings"]),
            system=prompt["system"],
            map=prompt["map"],
            reduce=prompt["reduce"],
            steps={**base["steps"], **own},
            styles={**base["styles"], **dict(data.get("styles", {}))},
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"The minutes template {chosen!r} is not valid: {exc}") from exc


class MinutesWriter(Protocol):
    """Writes the minutes of a request: summary, topics, decisions and action items, each
    citing transcript lines. Raises an `LLMError` when the server fails or answers
    unusably; `summarize.checks.checked_minutes` turns the answer into domain minutes."""

    def write(
        self, request: MinutesRequest, progress: Progress | None = None
    ) -> tuple[MinutesOut, Usage]: ...


def load_writer(
    config: LLMConfig, count_tokens: Callable[[str], int] | None = None,
    method: Method = "stepwise", restate: bool = False,
) -> MinutesWriter:
    """The writer for an OpenAI-compatible server (the embedded one, vLLM, llama.cpp...);
    `count_tokens` is the server's tokenizer when it offers one (else tokens are estimated);
    `restate`: the stepwise method asks the model to state each item."""
    from summarize.writer import OpenAIMinutesWriter

    if method == "compose":
        return OpenAIMinutesWriter(config, count_tokens=count_tokens)
    from summarize.stepwise import StepwiseMinutesWriter

    return StepwiseMinutesWriter(config, count_tokens=count_tokens, state=restate)


__all__ = [
    "LLMConfig", "Method", "MinutesRequest", "MinutesWriter", "Style", "Template",
    "TranscriptLine", "Usage", "available_templates", "load_template", "load_writer",
]
