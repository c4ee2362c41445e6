"""A question answered from numbered lines of past meetings, and nothing else: the prompt
and the answer's shape (sentences, each with the numbers of the lines it rests on; "not
found" is a valid answer). The model is small (the embedded one has 1.5B parameters): it is
asked to pick and copy, not to compose. `gijiroku.ask` checks each sentence against the
lines it cites."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

SYSTEM = {
    "ja": (
        "あなたは市役所の会議録係です。質問に、下の番号付きの発言だけを根拠に答えます。"
        "発言にない事柄は書きません。推測もしません。\n"
        "答えは短い文で、各文に根拠の発言番号を lines に入れます。文は根拠の発言の言葉を"
        "できるだけそのまま使います。\n"
        "発言の中に答えがなければ found を false にし、sentences は空にします。\n"
        'JSON だけで答えます：{"found": true, "sentences": [{"text": "…", "lines": [番号]}]}'
    ),
    "en": (
        "You keep the minutes of a city council. Answer the question from the numbered lines "
        "below and nothing else; never add or guess.\n"
        "Answer in short sentences; give each the numbers of the lines it rests on in "
        '"lines", and reuse the words of those lines as far as you can.\n'
        'If no line answers the question, set "found" to false and leave "sentences" empty.\n'
        'Answer with JSON only: {"found": true, "sentences": [{"text": "...", "lines": [n]}]}'
    ),
}


class Sentence(BaseModel):
    text: str = Field(max_length=1000)
    lines: list[int] = Field(default_factory=list, max_length=20)


class AnswerOut(BaseModel):
    found: bool = False
    sentences: list[Sentence] = Field(default_factory=list, max_length=20)


def schema(numbers: list[int]) -> dict[str, Any]:
    """The answer's JSON schema; a cited number is one of `numbers`."""
    return {
        "type": "object",
        "properties": {
            "found": {"type": "boolean"},
            "sentences": {"type": "array", "maxItems": 8, "items": {
                "type": "object",
                "properties": {"text": {"type": "string"},
                               "lines": {"type": "array", "maxItems": 5,
                                         "items": {"type": "integer", "enum": numbers}}},
                "required": ["text", "lines"]}},
        },
        "required": ["found", "sentences"],
    }


def prompt(question: str, lines: list[str]) -> str:
    """The user's message: the numbered lines (each already saying where and who), then the
    question."""
    numbered = "\n".join(f"[{n}] {line}" for n, line in enumerate(lines, start=1))
    return f"{numbered}\n\n質問 / Question: {question}"


__all__ = ["SYSTEM", "AnswerOut", "Sentence", "prompt", "schema"]
