"""The minutes stage: build the request from the stored meeting, call the writer, store.

A failing or unreachable LLM never fails the job or touches the transcript: the minutes are
stored with status `failed` and the reason (earlier minutes stay as they were). A server that
is down or too slow (the embedded one crashed, say) is a passing failure: while the job has
attempts left the stage raises it after storing the reason, so the job is queued again and
only the minutes step runs again; on the last attempt the job ends done with the minutes
failed. Items a person edited or added are kept when minutes are regenerated, unless
replacing is asked for.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as copy_with
from typing import Any

from gijiroku.config import Settings
from gijiroku.council.proceedings import decisions_of
from gijiroku.council.record import Record, proceedings_of
from gijiroku.domain import Decision, Meeting, Minutes
from gijiroku.errors import (
    ConfigError,
    LLMError,
    LLMTimeoutError,
    LLMUnavailableError,
    ModelError,
)
from gijiroku.options import MeetingOptions
from gijiroku.stages.base import StageContext
from gijiroku.storage import repository, session_scope
from summarize import (
    LLMConfig,
    MinutesRequest,
    Style,
    Template,
    TranscriptLine,
    load_template,
    load_writer,
)
from summarize.checks import checked_minutes
from summarize.embedded import EmbeddedServer, ServerSpec, default_model_path, embedded_server


@dataclass(frozen=True, slots=True)
class Backend:
    """Where the minutes come from: the client's settings, and the server's tokenizer when
    it offers one."""

    config: LLMConfig
    count_tokens: Callable[[str], int] | None = None


def server_spec(settings: Settings) -> ServerSpec:
    """The embedded server the settings ask for (the same spec: the same running server)."""
    return ServerSpec(
        model=settings.llm_model_file or default_model_path(),
        threads=settings.llm_threads or settings.cpu_threads or os.cpu_count() or 1,
        context_tokens=settings.llm_context_tokens or 4096,
    )


def llm_server(settings: Settings) -> EmbeddedServer | None:
    """This process's embedded server (not started yet), when the settings use it."""
    if settings.resolved_llm_backend != "embedded":
        return None
    return embedded_server(server_spec(settings))


def llm_config(settings: Settings) -> LLMConfig | None:
    """The client's settings for a configured server; None for the embedded backend or off."""
    if settings.resolved_llm_backend != "openai":
        return None
    if not settings.llm_base_url and settings.llm_api_key is None:
        raise ConfigError("GIJIROKU_LLM_BACKEND=openai: set GIJIROKU_LLM_BASE_URL (or "
                          "GIJIROKU_LLM_API_KEY for OpenAI's own service)")
    if not settings.llm_model:
        raise ConfigError("GIJIROKU_LLM_MODEL: name the model to use on the minutes server")
    return LLMConfig(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        model=settings.llm_model,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        context_tokens=settings.llm_context_tokens or 8192,
        max_output_tokens=settings.llm_max_output_tokens or 2048,
    )


def backend(settings: Settings) -> Backend | None:
    """The minutes backend, the embedded server started (or started again) if it is the
    one; None when minutes are off."""
    config = llm_config(settings)
    if config is not None:
        return Backend(config)
    server = llm_server(settings)
    if server is None:
        return None
    return Backend(
        LLMConfig(
            base_url=server.base_url(),
            api_key=None,
            model=server.name,
            timeout=settings.llm_timeout,
            # asking a dead local server again does not bring it back: the stage's retry
            # starts it anew
            max_retries=0,
            context_tokens=server.spec.context_tokens,
            max_output_tokens=settings.llm_max_output_tokens or 1024,
        ),
        server.count_tokens,
    )


def council_decisions(meeting: Meeting, options: MeetingOptions,
                      record: dict[str, Any] | None) -> list[Decision]:
    """A plenary's or a committee's decisions: the votes its chair declared
    (`gijiroku.council.proceedings`), as a person corrected them if they did."""
    found, _ = proceedings_of(Record.stored(record), meeting.segments, options.start_time,
                              options.date)
    return decisions_of(found)


def build_request(
    meeting: Meeting, template: Template, date: str | None, language: str | None = None,
    style: Style = "dearu",
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
        style=style,
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
            record = row.record
            date = options.date or row.created_at.date().isoformat()
            meeting = repository.load_meeting(session, context.meeting_id)
        old = meeting.minutes
        written = False
        try:
            chosen = backend(settings) if options.minutes else None
            council = options.kind in ("honkaigi", "iinkai")
            if not options.minutes:
                minutes = copy_with(old, status="skipped", error=None)
            elif chosen is None and council:  # the chair's words decide, no model needed
                minutes = copy_with(old, status="not_configured", error=None,
                                    decisions=council_decisions(meeting, options, record))
                written = True
            elif chosen is None:
                minutes = copy_with(old, status="not_configured", error=None)
            else:
                language = options.minutes_language or meeting.language or "en"
                template = load_template(
                    options.template or settings.minutes_template,
                    language,
                    settings.data_dir / "templates",
                )
                request = build_request(meeting, template, date, language,
                                        settings.minutes_style)
                minutes = self._write(chosen, request, meeting, context)
                if council:  # a council's decisions are its votes, not the model's reading
                    minutes = copy_with(minutes, decisions=council_decisions(meeting, options,
                                                                             record))
                written = True
        except (ConfigError, ModelError) as exc:  # a bad template, setting or model file
            minutes = copy_with(old, status="failed", error=exc.message)
        except (LLMTimeoutError, LLMUnavailableError) as exc:  # passing: maybe tried again
            again = context.retries_left
            note = " The minutes step will be tried again." if again else ""
            minutes = copy_with(old, status="failed", error=exc.message + note)
            if again:
                self._save(context, minutes, written=False)
                raise
        except LLMError as exc:  # unusable answers, after the writer's own repair
            minutes = copy_with(old, status="failed", error=exc.message)
        self._save(context, minutes, written)

    @staticmethod
    def _save(context: StageContext, minutes: Minutes, written: bool) -> None:
        """New minutes replace the items no person touched; the items a person wrote or
        changed, even while the model was writing, stay (all are replaced when the job
        was asked to replace edits). Minutes not written (skipped, failed) change only
        their status and message: the items stay as they are."""
        with session_scope(context.engine) as session:
            repository.save_minutes(session, context.meeting_id, minutes, items=written,
                                    keep_edited=not context.replace_edits)

    def _write(
        self, chosen: Backend, request: MinutesRequest, meeting: Meeting,
        context: StageContext,
    ) -> Minutes:
        label = chosen.config.model
        if not request.lines:  # nothing was said: no call, empty minutes
            return Minutes(status="done", template=request.template.name,
                           headings=dict(request.template.headings))
        writer = load_writer(chosen.config, chosen.count_tokens,
                             context.settings.minutes_method, context.settings.minutes_restate)
        out, _usage = writer.write(request, context.progress)
        speakers = {s.id: s.name for s in meeting.speakers}
        return copy_with(checked_minutes(out, request, speakers), model=label)
