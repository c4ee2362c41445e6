"""The minutes stage: build the request from the stored meeting, call the writer, store.

A failing or unreachable LLM never fails the job or touches the transcript: the minutes are
stored with status `failed` and the reason (earlier minutes stay as they were). Items a
person edited or added are kept when minutes are regenerated, unless replacing is asked for.
"""

from __future__ import annotations

from dataclasses import replace as copy_with

from gijiroku.config import Settings
from gijiroku.domain import Meeting, Minutes
from gijiroku.errors import ConfigError, LLMError
from gijiroku.stages.base import StageContext
from gijiroku.storage import repository, session_scope
from summarize import (
    LLMConfig,
    MinutesRequest,
    Template,
    TranscriptLine,
    load_template,
    load_writer,
)
from summarize.checks import checked_minutes


def llm_config(settings: Settings) -> LLMConfig | None:
    """None when no minutes server is configured (the embedded default)."""

    if not settings.llm_base_url and settings.llm_api_key is None:
        return None
    if not settings.llm_model:
        raise ConfigError("GIJIROKU_LLM_MODEL: name the model to use on the minutes server")
    return LLMConfig(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        model=settings.llm_model,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        context_tokens=settings.llm_context_tokens,
        max_output_tokens=settings.llm_max_output_tokens,
    )


def build_request(
    meeting: Meeting, template: Template, date: str | None, language: str | None = None
) -> MinutesRequest:
    """What the writer sees; minutes are in the meeting's language unless `language` says."""

    names = {s.id: (f"{s.id} ({s.name})" if s.name else s.id) for s in meeting.speakers}
    return MinutesRequest(
        title=meeting.title,
        date=date,
        language=language or meeting.language or template.language,
        attendees=[names[s.id] for s in meeting.speakers],
        lines=[
            TranscriptLine(
                id=segment.id or 0, start=segment.start, end=segment.end,
                speaker=names.get(segment.speaker or "", segment.speaker), text=segment.text,
            )
            for segment in meeting.segments
            if segment.text.strip()
        ],
        template=template,
    )


def keep_edits(new: Minutes, old: Minutes) -> Minutes:
    """New minutes plus the decisions and action items a person edited or added."""
    decisions = [d for d in old.decisions if d.edited]
    actions = [a for a in old.action_items if a.edited]
    kept_d = {d.text for d in decisions}
    kept_a = {a.task for a in actions}
    return copy_with(
        new,
        decisions=decisions + [d for d in new.decisions if d.text not in kept_d],
        action_items=actions + [a for a in new.action_items if a.task not in kept_a],
    )


class MinutesStage:
    """Summary, topics, decisions and action items, each citing transcript segments."""

    name = "minutes"
    weight = 0.1

    def run(self, context: StageContext) -> None:

        settings = context.settings
        with session_scope(context.engine) as session:
            row = repository.get_meeting_row(session, context.meeting_id)
            options = repository.options_of(row)
            date = options.date or row.created_at.date().isoformat()
            meeting = repository.load_meeting(session, context.meeting_id)
        old = meeting.minutes
        try:
            config = llm_config(settings)
            if not options.minutes:
                minutes = copy_with(old, status="skipped", error=None)
            elif config is None:
                minutes = copy_with(old, status="not_configured", error=None)
            else:
                language = options.minutes_language or meeting.language or "en"
                template = load_template(
                    options.template or settings.minutes_template,
                    language,
                    settings.data_dir / "templates",
                )
                request = build_request(meeting, template, date, language)
                minutes = self._write(config, request, meeting, old, context)
        except ConfigError as exc:  # a bad template or setting: the transcript is still done
            minutes = copy_with(old, status="failed", error=exc.message)
        with session_scope(context.engine) as session:
            repository.save_minutes(session, context.meeting_id, minutes)

    def _write(
        self, config: LLMConfig, request: MinutesRequest, meeting: Meeting, old: Minutes,
        context: StageContext,
    ) -> Minutes:
        if not request.lines:  # nothing was said: no call, empty minutes
            return Minutes(status="done", template=request.template.name,
                           headings=dict(request.template.headings))
        try:
            out, _usage = load_writer(config).write(request, context.progress)
        except LLMError as exc:
            return copy_with(old, status="failed", error=exc.message)
        speakers = {s.id: s.name for s in meeting.speakers}
        new = checked_minutes(out, request, speakers)
        return new if context.replace_edits else keep_edits(new, old)
