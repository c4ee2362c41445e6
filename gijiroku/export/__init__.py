"""Exports of a stored meeting. Every format is rendered from one `ExportDocument`, so the
CLI (`gijiroku export`), the API's downloads and the web view's buttons give the same file.

Formats: docx and pdf (the minutes as a document), md, srt and vtt (subtitles), json (the
result document). Layouts of docx, pdf and md: `minutes` (the minutes and the transcript) or
`kaigiroku` (the council's record, `gijiroku.export.kaigiroku`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from sqlalchemy import Engine

from gijiroku import copies, roster
from gijiroku.council.record import Record, proceedings_of
from gijiroku.domain import Meeting, as_utc
from gijiroku.errors import InvalidInputError
from gijiroku.export.document import (
    CLEANUPS,
    NOTES,
    STATE_NAMES,
    Cleanup,
    ExportDocument,
    build_document,
)
from gijiroku.export.text import to_markdown, to_srt, to_vtt
from gijiroku.principal import Principal
from gijiroku.result import result_document
from gijiroku.storage import repository, session_scope

Format = Literal["docx", "pdf", "md", "srt", "vtt", "json"]
FORMATS: tuple[str, ...] = get_args(Format)
Layout = Literal["minutes", "kaigiroku"]
LAYOUTS: tuple[str, ...] = get_args(Layout)
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8", "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8", "json": "application/json",
}


@dataclass(frozen=True, slots=True)
class Exported:
    content: bytes
    media_type: str
    filename: str  # the meeting's title and the format's suffix; never used as a path here
    notes: list[str]  # what is missing (processing unfinished, no minutes...)


def export_meeting(
    engine: Engine,
    meeting_id: str,
    format: str,
    *,
    with_transcript: bool = True,
    cleanup: Cleanup = "verbatim",
    pdf_font: Path | None = None,
    layout: str = "minutes",
    template: Path | None = None,
    copy: str = "official",
    reader: copies.Reader | Principal = copies.STAFF,
) -> Exported:
    """The meeting as a file of `format` in `layout`, as the `copy` asked for (official:
    every word, marked passages shown and listed; public: marked passages left out), or
    the public copy whatever was asked when `reader` may not see the original."""
    chosen = copies.copy_for(reader, copy)
    if format not in FORMATS:
        raise InvalidInputError(f"Unknown export format {format!r} (use {', '.join(FORMATS)}).")
    if layout not in LAYOUTS:
        raise InvalidInputError(f"Unknown layout {layout!r} (use {', '.join(LAYOUTS)}).")
    if layout == "kaigiroku":
        if format not in ("docx", "pdf", "md"):
            raise InvalidInputError("The 会議録 layout is made as docx, pdf or md.",
                                    code="invalid_layout", field="layout", value=layout)
        return _kaigiroku(engine, meeting_id, format, cleanup, pdf_font, template, chosen)
    with session_scope(engine) as session:
        # word timings serve the subtitles and the JSON document only
        meeting = repository.load_meeting(session, meeting_id,
                                          with_words=format in ("srt", "vtt", "json"))
        row = repository.get_meeting_row(session, meeting_id)
        options = repository.options_of(row)
        when = options.date or row.created_at
    documents = format in ("docx", "pdf", "md")
    shown = (copies.public(meeting) if chosen == "public"
             else copies.official(meeting) if documents else meeting)
    document = build_document(shown, when, place=options.place or "",
                              with_transcript=with_transcript, cleanup=cleanup)
    _copy_notes(document, meeting, chosen)
    # python-docx and fpdf2 load only for the formats that need them
    if format == "docx":
        from gijiroku.export.word import to_docx

        content = to_docx(document)
    elif format == "pdf":
        from gijiroku.export.pdf import to_pdf

        content = to_pdf(document, pdf_font)
    elif format == "json":
        content = (json.dumps({**result_document(shown), "copy": chosen}, ensure_ascii=False,
                              indent=2) + "\n").encode()
    else:
        content = {"md": to_markdown, "srt": to_srt, "vtt": to_vtt}[format](document).encode()
    return Exported(content, MEDIA_TYPES[format], f"{meeting.title}.{format}",
                    document.notes)


def _copy_notes(document: ExportDocument, meeting: Meeting, chosen: str) -> None:
    """Which copy a file is, said at its top; the official copy's marks listed at its end."""
    if not meeting.marks:
        return
    notes = NOTES[document.language]
    document.notes.insert(0, notes[chosen])
    if chosen == "official":
        document.marks = copies.mark_list(meeting)


def _kaigiroku(engine: Engine, meeting_id: str, format: str, cleanup: Cleanup,
               pdf_font: Path | None, template: Path | None, chosen: str) -> Exported:
    from gijiroku.export.kaigiroku import Block, build_kaigiroku, to_markdown

    with session_scope(engine) as session:
        meeting = repository.load_meeting(session, meeting_id, with_words=False)
        row = repository.get_meeting_row(session, meeting_id)
        options = repository.options_of(row)
        record = roster.with_attendance(Record.stored(row.record), session, options.roster,
                                        options.date)
    proceedings, _ = proceedings_of(record, meeting.segments, options.start_time,
                                    options.date)
    shown = copies.public(meeting) if chosen == "public" else copies.official(meeting)
    document = build_kaigiroku(shown, record, proceedings, kind=options.kind,
                               meeting_date=options.date or f"{as_utc(row.created_at):%Y-%m-%d}",
                               cleanup=cleanup)
    if meeting.state in ("draft", "review"):  # a record nobody approved says so, under its date
        document.notes.insert(0, NOTES["ja"]["draft"].format(
            state=STATE_NAMES["ja"][meeting.state]))
    if meeting.marks and chosen == "official":
        document.blocks += [Block("note", "〔" + NOTES["ja"]["official"] + "〕"),
                            *(Block("note", line) for line in copies.mark_list(meeting))]
    if format == "docx":
        from gijiroku.export.kaigiroku_word import to_docx

        content = to_docx(document, template)
    elif format == "pdf":
        from gijiroku.export.kaigiroku_pdf import to_pdf

        content = to_pdf(document, pdf_font)
    else:
        content = to_markdown(document).encode()
    return Exported(content, MEDIA_TYPES[format], f"{document.title}.{format}", document.notes)


__all__ = ["CLEANUPS", "FORMATS", "LAYOUTS", "ExportDocument", "Exported", "build_document",
           "export_meeting"]
