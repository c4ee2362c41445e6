"""The shape the LLM must answer in: validated with pydantic, and sent to servers that
constrain their output to a JSON schema (llama.cpp turns it into a grammar)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class DecisionOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1)
    segments: list[int] = Field(default_factory=list)


class ActionItemOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    task: str = Field(min_length=1)
    owner: str | None = None
    due: str | None = None
    due_date: str | None = None
    segments: list[int] = Field(default_factory=list)


class MinutesOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    summary: str
    topics: list[str] = Field(default_factory=list)
    decisions: list[DecisionOut] = Field(default_factory=list)
    action_items: list[ActionItemOut] = Field(default_factory=list)


#: Bounds in the schema sent to the server. Small models otherwise repeat items or copy the
#: transcript until the output budget runs out; the answer itself is validated leniently.
MAX_ITEMS = 5
MAX_TEXT = 160
MAX_SUMMARY = 600
MAX_SHORT = 40
MAX_CITATIONS = 2


def json_schema(citable: list[int] | None = None) -> dict[str, Any]:
    """The JSON schema sent to servers that support structured output: every key required
    (in the order the model should write them), every item citing 1 to `MAX_CITATIONS`
    lines (of `citable` only, when given: small models otherwise count on past the last
    line), lists and texts bounded, nothing else allowed."""
    schema = MinutesOut.model_json_schema()
    items = schema["$defs"]
    for definition in items.values():
        definition["required"] = list(definition["properties"])
        definition["additionalProperties"] = False
        segments = definition["properties"]["segments"]
        segments.update(minItems=1, maxItems=MAX_CITATIONS)
        if citable:
            segments["items"] = {"type": "integer", "enum": sorted(set(citable))}
    items["DecisionOut"]["properties"]["text"]["maxLength"] = MAX_TEXT
    action = items["ActionItemOut"]["properties"]
    action["task"]["maxLength"] = MAX_TEXT
    for name in ("owner", "due", "due_date"):
        action[name]["anyOf"][0]["maxLength"] = MAX_SHORT
    properties = schema["properties"]
    properties["summary"]["maxLength"] = MAX_SUMMARY
    properties["topics"]["items"]["maxLength"] = MAX_SHORT * 2
    for name in ("topics", "decisions", "action_items"):
        properties[name]["maxItems"] = MAX_ITEMS
    schema["required"] = list(properties)
    schema["additionalProperties"] = False
    return schema
