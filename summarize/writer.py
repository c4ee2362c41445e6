"""Write minutes through the `openai` client against any OpenAI-compatible server.

Structured output is asked for with the server's JSON-schema mode; a server that refuses it
(older vLLM, llama.cpp, some Ollama builds) is asked again in JSON mode, and remembered.
An answer that does not parse or fit the schema gets one repair attempt. Retries with backoff
on 408/429/5xx are the openai client's own (`LLMConfig.max_retries`), not a loop here.
A transcript longer than the model's context is split by tokens (counted by the server's own
tokenizer when it offers one, as the embedded server does, else estimated high); each part
gets minutes of its own (map) and those are merged by further calls (reduce).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, ValidationError

from gijiroku.errors import LLMOutputError, LLMTimeoutError, LLMUnavailableError
from summarize import LLMConfig, MinutesRequest, TranscriptLine, Usage
from summarize.schema import MinutesOut, json_schema

Progress = Callable[[str, float, float], None]
TokenCounter = Callable[[str], int]
T = TypeVar("T")
Answer = TypeVar("Answer", bound=BaseModel)
STAGE = "minutes"
#: Room kept free in every call for the chat format's own tokens and estimation error.
MARGIN = 0.15
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


def estimate_tokens(text: str) -> int:
    """A deliberately high estimate that needs no tokenizer: about one token per Japanese
    character (most tokenizers give fewer) and one per three other characters."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    return wide + math.ceil((len(text) - wide) / 3) + 1


def format_line(line: TranscriptLine) -> str:
    """`[id] speaker: text`. No times: they do not help the minutes, and with them a small
    model cited the wrong lines (bench/minutes_eval.py)."""
    return f"[{line.id}] {line.speaker or '?'}: {line.text}"


def pack(items: list[T], cost: Callable[[T], int], budget: int) -> list[list[T]]:
    """Consecutive items grouped so each group's cost stays within `budget` (an item costing
    more than the budget on its own gets a group of its own)."""
    groups: list[list[T]] = [[]]
    used = 0
    for item in items:
        price = cost(item)
        if groups[-1] and used + price > budget:
            groups.append([])
            used = 0
        groups[-1].append(item)
        used += price
    return groups


def merge_in_groups(parts: list[Answer], cost: Callable[[Answer], int], budget: int,
                    merge: Callable[[list[Answer]], Answer]) -> list[Answer]:
    """Parts merged (`merge` on each group of two or more) in groups whose cost fits
    `budget`, round after round, until one is left (none stays none)."""
    while len(parts) > 1:
        groups = pack(parts, cost, budget)
        if len(groups) == len(parts):  # no two fit together: pair them up anyway
            groups = [parts[i : i + 2] for i in range(0, len(parts), 2)]
        parts = [group[0] if len(group) == 1 else merge(group) for group in groups]
    return parts


def chunk_lines(
    lines: list[TranscriptLine], budget: int, count: TokenCounter = estimate_tokens
) -> list[list[TranscriptLine]]:
    """Consecutive transcript lines grouped so each group fits the prompt budget."""
    return pack(lines, lambda line: count(format_line(line)) + 1, budget)


def parse_minutes(content: str) -> MinutesOut:
    """JSON (optionally inside a Markdown code fence) that fits the schema."""
    return parse_answer(content, MinutesOut)


def parse_answer(content: str, shape: type[Answer]) -> Answer:
    """JSON (optionally inside a Markdown code fence) that fits `shape`."""
    return shape.model_validate(json.loads(_FENCE.sub("", content.strip())))


class OpenAIMinutesWriter:
    def __init__(
        self, config: LLMConfig, http_client: Any = None, count_tokens: TokenCounter | None = None
    ) -> None:
        self.config = config
        self.count = count_tokens or estimate_tokens
        self.client = openai.OpenAI(
            base_url=config.base_url,
            api_key=config.api_key or "not-needed",  # local servers accept any key
            timeout=config.timeout,
            max_retries=config.max_retries,
            http_client=http_client,
        )
        self.response_format = "json_schema"

    def write(
        self, request: MinutesRequest, progress: Progress | None = None
    ) -> tuple[MinutesOut, Usage]:
        usage = Usage()
        report = progress or (lambda _stage, _done, _total: None)
        system = request.template.system_prompt(request)
        overhead = self.count(system) + self.count(request.template.map) + 64
        budget = int(
            (self.config.context_tokens - self.config.max_output_tokens) * (1 - MARGIN)
            - overhead
        )
        if budget < 200:
            raise LLMOutputError(
                f"The model's context ({self.config.context_tokens} tokens) is too small for "
                "the prompt; raise GIJIROKU_LLM_CONTEXT_TOKENS."
            )
        chunks = chunk_lines(request.lines, budget, self.count)
        usage.chunks = len(chunks)
        total = len(chunks) + (1 if len(chunks) > 1 else 0)
        if len(chunks) == 1:
            result = self._ask(system, "\n".join(map(format_line, chunks[0])), usage,
                               _ids(chunks[0]))
            report(STAGE, 1, 1)
            return result, usage
        partials = []
        for number, chunk in enumerate(chunks, start=1):
            part = request.template.map.format(part=number, parts=len(chunks)).strip()
            transcript = "\n".join(map(format_line, chunk))
            partials.append(self._ask(system + "\n\n" + part, transcript, usage, _ids(chunk)))
            report(STAGE, number, total)
        result = self._reduce(system, request.template.reduce.strip(), partials, budget, usage,
                              _ids(request.lines))
        report(STAGE, total, total)
        return result, usage

    def _reduce(
        self, system: str, instruction: str, partials: list[MinutesOut], budget: int,
        usage: Usage, ids: list[int],
    ) -> MinutesOut:
        """Merge partial minutes, in groups that fit the context, until one remains."""
        def merge(group: list[MinutesOut]) -> MinutesOut:
            body = "\n\n".join(
                f"Part {n}:\n{p.model_dump_json()}" for n, p in enumerate(group, start=1)
            )
            return self._ask(system + "\n\n" + instruction, body, usage, ids)

        return merge_in_groups(partials, lambda p: self.count(p.model_dump_json()), budget,
                               merge)[0]

    def _ask(self, system: str, user: str, usage: Usage, ids: list[int]) -> MinutesOut:
        """One call; `ids` are the line ids the answer may cite (the schema allows no
        other, so a server that enforces it cannot invent one)."""
        return self.ask(system, user, MinutesOut, json_schema(ids), usage)

    def ask(self, system: str, user: str, shape: type[Answer], schema: dict[str, Any],
            usage: Usage) -> Answer:
        """One call answered in JSON that fits `shape` (its `schema` sent to servers that
        constrain their output); an answer that does not fit gets one repair attempt."""
        messages: list[dict[str, str]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ]
        content = self._complete(messages, usage, schema)
        try:
            return parse_answer(content, shape)
        except (json.JSONDecodeError, ValidationError) as first:
            usage.repairs += 1
            keys = ", ".join(schema.get("properties", {}))
            messages += [
                {"role": "assistant", "content": content},
                {"role": "user", "content": (
                    f"That answer is not valid ({_short(first)}). Answer again with only the "
                    f"corrected JSON object with the keys {keys}."
                )},
            ]
            content = self._complete(messages, usage, schema)
            try:
                return parse_answer(content, shape)
            except (json.JSONDecodeError, ValidationError) as second:
                raise LLMOutputError(
                    "The minutes server answered with invalid minutes twice "
                    f"({_short(second)})."
                ) from second

    def _complete(self, messages: list[dict[str, str]], usage: Usage,
                  schema: dict[str, Any]) -> str:
        while True:
            usage.calls += 1
            try:
                # plain dicts, as any OpenAI-compatible server takes them
                response = self.client.chat.completions.create(  # type: ignore[call-overload]
                    model=self.config.model,
                    messages=messages,
                    temperature=self.config.temperature,
                    max_tokens=self.config.max_output_tokens,
                    response_format=self._format(schema),
                )
            except openai.BadRequestError as exc:
                if self.response_format == "json_schema":  # not supported: JSON mode instead
                    self.response_format = "json_object"
                    continue
                raise LLMUnavailableError(f"The minutes server refused the request: {exc}") from exc
            except openai.APITimeoutError as exc:
                raise LLMTimeoutError(
                    f"The minutes server did not answer within {self.config.timeout:g} s "
                    f"(tried {self.config.max_retries + 1} times)."
                ) from exc
            except openai.APIConnectionError as exc:
                raise LLMUnavailableError(
                    f"The minutes server at {self.config.base_url} cannot be reached: {exc}"
                ) from exc
            except openai.APIStatusError as exc:
                raise LLMUnavailableError(
                    f"The minutes server answered HTTP {exc.status_code} "
                    f"(after {self.config.max_retries} retries): {_short(exc)}"
                ) from exc
            if not response.choices:
                raise LLMOutputError("The minutes server returned no answer.")
            choice = response.choices[0]
            if choice.finish_reason == "length":
                raise LLMOutputError(
                    f"The minutes were cut off at {self.config.max_output_tokens} tokens; raise "
                    "GIJIROKU_LLM_MAX_OUTPUT_TOKENS or use a model with a larger context."
                )
            return choice.message.content or ""

    def _format(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.response_format == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": "minutes", "schema": schema}}
        return {"type": "json_object"}


def _ids(lines: list[TranscriptLine]) -> list[int]:
    return [line.id for line in lines]


def _short(error: Exception, limit: int = 300) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[:limit] + "…"
