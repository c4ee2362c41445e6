"""The shape the LLM must answer in, validated with pydantic."""

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


def json_schema() -> dict[str, Any]:
    """The JSON schema sent to servers that support structured output."""
    return MinutesOut.model_json_schema()
