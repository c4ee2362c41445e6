"""The stepwise minutes method, the default: what a small model does well, and nothing else.

1. Decisions and tasks are found from the way the meeting states them (`summarize.cues`):
   the lines each rests on, the speaker who owns a task, the deadline as said. The same on
   every server; no call.
2. Each item reads as the sentence that said it, standing alone (`summarize.wording`: the
   connectives, the speaker's own part and the deadline taken out; である調 when asked). With
   `state` (GIJIROKU_MINUTES_RESTATE) the model restates each item in one short sentence from
   its own lines only (a small prompt, bounded by a schema); a statement its lines do not
   carry, that keeps too little of the sentence or names a number they do not, is not used.
3. The model writes the summary and the agenda from the transcript, in parts that fit its
   context, merged by one more call when there are several.

Owners and due dates never come from the model, so it cannot invent them; the checks
(`summarize.checks`) then run on the result as on any other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gijiroku.errors import LLMOutputError
from summarize import LLMConfig, MinutesRequest, Usage
from summarize.cues import Found, Said, find, japanese, speaker_id
from summarize.grounding import CARRIED, containment, numbers
from summarize.schema import (
    MAX_ITEMS,
    MAX_SHORT,
    MAX_SUMMARY,
    MAX_TEXT,
    ActionItemOut,
    DecisionOut,
    MinutesOut,
)
from summarize.wording import styled, worded
from summarize.writer import (
    MARGIN,
    STAGE,
    OpenAIMinutesWriter,
    Progress,
    TokenCounter,
    chunk_lines,
    format_line,
    merge_in_groups,
)

#: A statement longer than its source sentence by this much says more than was said.
LONGER = 1.3
#: Share of the source sentence's words a statement must keep (a fragment such as 「計画を
#: 立てます」 for 「操作研修は六月中旬までに計画を立てます」 loses the item).
COVERS = 0.5


class SummaryOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    summary: str
    topics: list[str] = Field(default_factory=list)


class StatedOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1)


def summary_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "summary": {"type": "string", "maxLength": MAX_SUMMARY},
            "topics": {"type": "array", "maxItems": MAX_ITEMS,
                       "items": {"type": "string", "maxLength": MAX_SHORT * 2}},
        },
        "required": ["summary", "topics"],
        "additionalProperties": False,
    }


def stated_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}},
        "required": ["text"],
        "additionalProperties": False,
    }


def acceptable(statement: str, source: str, said: str) -> bool:
    """Whether the model's `statement` of an item may replace `source`, the sentence that
    said it as it stands alone: carried by the item's lines `said`, keeping most of what
    `source` says (not a fragment of it), no number the lines do not name, not much
    longer."""
    statement = statement.strip()
    if not statement:
        return False
    if containment(statement, said) < CARRIED or containment(source, statement) < COVERS:
        return False
    if not set(numbers(statement)) <= set(numbers(said)):
        return False
    return len(statement) <= LONGER * len(source) + 10


def found_items(request: MinutesRequest) -> list[tuple[Found, str]]:
    """Steps 1 and 2: the items the meeting's words state, each with its sentence standing
    alone. No call: the same on every server (the bench scores them without a model)."""
    lines = [Said(line.id, speaker_id(line.speaker), line.text) for line in request.lines]
    texts = {line.id: line.text for line in request.lines}
    found = []
    for item in find(lines, lines[0].speaker if lines else None):
        text, sources = worded(item, texts, request.style)
        item.lines += [n for n in sources if n not in item.lines]  # it draws on them too
        found.append((item, text))
    return found


def as_minutes(items: list[tuple[Found, str]], summary: str = "",
               topics: list[str] | None = None) -> MinutesOut:
    """The minutes of the stated items (and the summary, when written)."""
    decisions: list[DecisionOut] = []
    actions: list[ActionItemOut] = []
    for item, text in items:
        if item.kind == "decision":
            decisions.append(DecisionOut(text=text, segments=item.lines))
        else:
            actions.append(ActionItemOut(task=text, owner=item.owner, due=item.due,
                                         segments=item.lines))
    return MinutesOut(summary=summary, topics=topics or [], decisions=decisions,
                      action_items=actions)


class StepwiseMinutesWriter:
    """Writes minutes in the three steps above through any OpenAI-compatible server."""

    def __init__(self, config: LLMConfig, http_client: Any = None,
                 count_tokens: TokenCounter | None = None, state: bool = False) -> None:
        self.config = config
        self.client = OpenAIMinutesWriter(config, http_client=http_client,
                                          count_tokens=count_tokens)
        self.count = self.client.count
        #: Whether the model states the items (off: each is its own sentence, trimmed).
        self.state = state

    def write(
        self, request: MinutesRequest, progress: Progress | None = None
    ) -> tuple[MinutesOut, Usage]:
        usage = Usage()
        report: Callable[[str, float, float], None] = progress or (lambda *_: None)
        found = found_items(request)
        template = request.template
        system = template.fill(template.steps["summary"], request)
        budget = int((self.config.context_tokens - self.config.max_output_tokens)
                     * (1 - MARGIN) - self.count(system) - 64)
        if budget < 200:
            raise LLMOutputError(
                f"The model's context ({self.config.context_tokens} tokens) is too small for "
                "the prompt; raise GIJIROKU_LLM_CONTEXT_TOKENS.")
        chunks = chunk_lines(request.lines, budget, self.count)
        usage.chunks = len(chunks)
        steps = len(chunks) + (len(chunks) > 1) + (len(found) if self.state else 0)
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            report(STAGE, done, steps)

        parts = []
        for chunk in chunks:
            parts.append(self.client.ask(system, "\n".join(map(format_line, chunk)),
                                         SummaryOut, summary_schema(), usage))
            step()
        summary = self._merged(parts, request, budget, usage)
        if len(parts) > 1:
            step()
        texts = {line.id: line.text for line in request.lines}
        stated: list[tuple[Found, str]] = []
        for item, text in found:
            if self.state:
                text = self._stated(item, text, request, texts, usage) or text
                step()
            stated.append((item, text))
        return as_minutes(stated, summary.summary, summary.topics), usage

    def _merged(self, parts: list[SummaryOut], request: MinutesRequest, budget: int,
                usage: Usage) -> SummaryOut:
        """One summary from the parts' summaries, merged in groups that fit the context."""
        instruction = request.template.fill(request.template.steps["merge"], request)
        merged = merge_in_groups(
            parts, lambda p: self.count(p.model_dump_json()), budget,
            lambda group: self.client.ask(
                instruction, "\n\n".join(p.model_dump_json() for p in group), SummaryOut,
                summary_schema(), usage))
        return merged[0] if merged else SummaryOut(summary="")

    def _stated(self, item: Found, source: str, request: MinutesRequest,
                texts: dict[int, str], usage: Usage) -> str | None:
        """The model's one-sentence statement of `item` (`source`: its own sentence standing
        alone), or None when it is not usable (an answer that does not parse counts as not
        usable: the item keeps its sentence)."""
        cited = {*item.context, *item.lines}
        shown = [line for line in request.lines if line.id in cited]
        instruction = request.template.fill(request.template.steps[item.kind], request)
        said = " ".join(texts.get(n, "") for n in sorted(cited))
        cue = ("\n\n" + ("この発言の「" + source + "」の部分です。" if japanese(source)
                         else f'The part: "{source}"'))
        try:
            answer = self.client.ask(instruction, "\n".join(map(format_line, shown)) + cue,
                                     StatedOut, stated_schema(), usage)
        except LLMOutputError:
            return None
        statement = styled(answer.text.strip(), request.style)
        return statement if acceptable(statement, source, said) else None


__all__ = ["StepwiseMinutesWriter", "acceptable", "as_minutes", "found_items"]
