"""The minutes as a Word document (python-docx): Word's own Title, Heading and List styles
and a real table, A4 pages, and an East Asian font set on the styles so that Japanese shows
in 游ゴシック (Yu Gothic) on the Windows PCs municipal offices use."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Length, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from gijiroku.export.document import ExportDocument, clock, facts, refs

EAST_ASIAN_FONT = "Yu Gothic"
MUTED = RGBColor(0x5D, 0x66, 0x77)


def _east_asian(style: ParagraphStyle) -> None:
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def column_widths(table: Table, widths: tuple[Length, ...]) -> None:
    """Fixed column widths, written both where Word reads them (each cell) and where
    LibreOffice reads them (the table grid); python-docx starts with equal columns."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def repeat_on_each_page(row: _Row) -> None:
    """A header row that is printed again at the top of every page the table runs onto."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _field(paragraph: Paragraph, code: str) -> None:
    """A field Word computes when it lays out the page (PAGE, NUMPAGES), shown as 1 until
    then by readers that do not compute fields."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None),
                       (None, "1"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text != "1" else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def page_numbers(section: Section) -> None:
    """"3 / 12" centred in the footer of every page, like the PDF."""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")


def a4(section: Section, margin: float) -> None:
    """An A4 page with `margin` mm on every side and page numbers below."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(margin))
    page_numbers(section)


def to_docx(document: ExportDocument) -> bytes:
    doc = Document()
    a4(doc.sections[0], 22)
    for name in ("Normal", "Title", "Heading 1", "List Bullet", "List Number"):
        _east_asian(doc.styles[name])
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = document.title
    doc.core_properties.language = document.language
    h = document.headings

    doc.add_paragraph(document.title, style="Title")
    table = doc.add_table(rows=0, cols=2)
    for label, value in facts(document, "、" if document.language == "ja" else ", "):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].font.color.rgb = MUTED
    column_widths(table, (Mm(35), Mm(130)))

    if document.notes:
        doc.add_heading(h["notes"], level=1)
        for note in document.notes:
            doc.add_paragraph(note, style="List Bullet")
    if document.summary:
        doc.add_heading(h["summary"], level=1)
        for part in document.summary.split("\n"):
            doc.add_paragraph(part)
    if document.topics:
        doc.add_heading(h["topics"], level=1)
        for topic in document.topics:
            doc.add_paragraph(topic, style="List Bullet")
    doc.add_heading(h["decisions"], level=1)
    if not document.decisions:
        doc.add_paragraph(h["none"])
    for text, lines, flagged in document.decisions:
        item = doc.add_paragraph(("※ " if flagged else "") + text, style="List Number")
        if lines:
            cite = item.add_run(f"  ({h['lines']}: {refs(lines)})")
            cite.font.color.rgb = MUTED
            cite.font.size = Pt(9)

    doc.add_heading(h["action_items"], level=1)
    if not document.action_items:
        doc.add_paragraph(h["none"])
    else:
        table = doc.add_table(rows=1, cols=4, style="Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells,
                              (h["task"], h["owner"], h["due"], h["lines"]), strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].font.bold = True
        repeat_on_each_page(table.rows[0])
        for action in document.action_items:
            cells = table.add_row().cells
            cells[0].text = ("※ " if action.flagged else "") + action.task
            cells[1].text = action.owner or "–"
            cells[2].text = action.due or "–"
            cells[3].text = refs(action.lines) or "–"
        column_widths(table, (Mm(85), Mm(35), Mm(28), Mm(18)))

    if document.with_transcript and document.lines:
        doc.add_heading(h["transcript"], level=1)
        for line in document.lines:
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(3)
            stamp = paragraph.add_run(f"[{clock(line.start)}] ")
            stamp.font.color.rgb = MUTED
            stamp.font.size = Pt(9)
            if line.speaker:
                paragraph.add_run(f"{line.speaker}: ").bold = True
            paragraph.add_run(line.text)
    if document.marks:
        doc.add_heading(h["marks"], level=1)
        for entry in document.marks:
            doc.add_paragraph(entry, style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
