"""Downloads: the minutes and transcript as Word, PDF, Markdown, subtitles or JSON."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.access import principal
from api.deps import Config, Db
from gijiroku.copies import Copy
from gijiroku.export import Format, Layout, export_meeting
from gijiroku.export.document import Cleanup

router = APIRouter()


def attachment(name: str) -> str:
    """A Content-Disposition that keeps a Japanese title (RFC 6266) and is safe in a header."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/meetings/{meeting_id}/export", summary="Download the meeting",
            response_class=Response)
def export(
    meeting_id: str, db: Db, settings: Config, request: Request,
    format: Annotated[Format, Query()] = "md",
    transcript: Annotated[bool, Query(description="include the transcript")] = True,
    cleanup: Annotated[Cleanup, Query(description="transcript wording")] = "verbatim",
    layout: Annotated[Layout, Query(description="minutes, or kaigiroku: the council's "
                                    "record (docx, pdf, md)")] = "minutes",
    copy: Annotated[Copy, Query(description="official (原本: every word, marked passages "
                                "shown and listed) or public (公開用: marked passages left "
                                "out); a viewer always gets the public copy")] = "official",
) -> Response:
    exported = export_meeting(db, meeting_id, format, with_transcript=transcript,
                              cleanup=cleanup, pdf_font=settings.pdf_font, layout=layout,
                              template=settings.kaigiroku_template, copy=copy,
                              reader=principal(request))
    headers = {"Content-Disposition": attachment(exported.filename)}
    if exported.notes:  # what the file lacks, for scripts; the file says it too
        headers["X-Gijiroku-Notes"] = quote(" | ".join(exported.notes))
    return Response(exported.content, media_type=exported.media_type, headers=headers)
