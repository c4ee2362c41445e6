"""The 会議録 as a Word document, every paragraph in a named style a secretariat can restyle
without code: give a .docx whose styles are named as in `STYLES` (GIJIROKU_KAIGIROKU_TEMPLATE)
and its fonts, sizes, indents, spacing, page size, margins, headers and footers are used; a
style the template lacks is made here with the defaults below (明朝, A4)."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gijiroku.errors import ConfigError
from gijiroku.export.kaigiroku import Kaigiroku, note_line
from gijiroku.export.word import a4

EAST_ASIAN_FONT = "Yu Mincho"
#: The named styles, each with its defaults: (size in points, bold, centred, left indent in
#: characters, first-line indent in characters, space before in points).
STYLES: dict[str, tuple[float, bool, bool, float, float, float]] = {
    "会議録 表題": (16, True, True, 0, 0, 0),
    "会議録 日時": (11, False, True, 0, 0, 4),
    "会議録 見出し": (11, True, False, 0, 0, 10),
    "会議録 項目": (10.5, False, False, 2, 0, 0),
    "会議録 日程": (10.5, True, False, 0, 0, 8),
    "会議録 発言者": (10.5, True, False, 0, 0, 6),
    "会議録 発言": (10.5, False, False, 0, 1, 0),
    "会議録 注記": (10.5, False, False, 2, 0, 2),
    "会議録 時刻": (10.5, False, False, 2, 0, 2),
    "会議録 署名": (10.5, False, False, 6, 0, 6),
}
#: Which style each kind of block of the proceedings takes.
BLOCK_STYLES = {"agenda": "会議録 日程", "speaker": "会議録 発言者", "speech": "会議録 発言",
                "note": "会議録 注記", "time": "会議録 時刻"}


def _styles(doc: DocxDocument) -> None:
    """The named styles the template lacks, with the defaults above."""
    have = {style.name for style in doc.styles}
    for name, (size, bold, centred, indent, first, before) in STYLES.items():
        if name in have:
            continue
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"),
                                                                EAST_ASIAN_FONT)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(0)
        if centred:
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if indent:
            fmt.left_indent = Pt(size * indent)
        if first:
            fmt.first_line_indent = Pt(size * first)


def _blank(template: Path | None) -> DocxDocument:
    if template is None:
        doc = Document()
        a4(doc.sections[0], 25)
        return doc
    try:
        doc = Document(str(template))
    except Exception as exc:  # python-docx raises several kinds for a file that is no .docx
        raise ConfigError(f"The 会議録 template {template} is not a Word document (.docx): "
                          f"{exc}") from exc
    body = doc.element.body
    for child in list(body):  # the template's sample text goes; its last section stays
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def to_docx(document: Kaigiroku, template: Path | None = None) -> bytes:
    doc = _blank(template)
    _styles(doc)
    doc.core_properties.title = document.title
    doc.core_properties.language = "ja-JP"

    def put(text: str, style: str) -> None:
        doc.add_paragraph(text, style=style)

    put(document.title, "会議録 表題")
    put(document.when + (f"　{document.opened}" if document.opened else ""), "会議録 日時")
    for note in document.notes:
        put(note_line(note), "会議録 注記")
    if not document.committee:
        put("議事日程", "会議録 見出し")
        for line in document.agenda or ["（なし）"]:
            put(line, "会議録 項目")
        put("本日の会議に付した事件", "会議録 見出し")
        put("議事日程のとおり", "会議録 項目")
    for heading, lines in document.front:
        put(heading, "会議録 見出し")
        for line in lines:
            put(line, "会議録 項目")
    put("", "会議録 発言")
    for block in document.blocks:
        put(block.text, BLOCK_STYLES[block.kind])
    put(document.signature, "会議録 署名")
    for role, name in document.signers:
        put(f"{role}　　{name}", "会議録 署名")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


__all__ = ["BLOCK_STYLES", "STYLES", "to_docx"]
