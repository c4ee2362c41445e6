"""The minutes as PDF, with fpdf2 (pure Python, nothing to install on the system).

Japanese needs a font that carries its glyphs, embedded in the file so that every viewer
shows them: IPAex Gothic (IPA Font License, redistribution allowed) comes inside the
`japanize-matplotlib` wheel, so `pip install` alone brings it on a fresh machine. Another
TrueType font, such as the one a municipality prescribes, is used when configured
(`GIJIROKU_PDF_FONT`). fpdf2 embeds only the glyphs the document uses."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from gijiroku.errors import ConfigError
from gijiroku.export.document import ExportDocument, clock, facts, refs

FAMILY = "minutes"
INK, MUTED, RULE, SHADE = (29, 35, 48), (93, 102, 119), (190, 197, 209), (234, 239, 246)


def bundled_font() -> Path:
    spec = importlib.util.find_spec("japanize_matplotlib")  # located, not imported
    if spec is None or spec.origin is None:
        raise ConfigError("No Japanese font for PDF: install japanize-matplotlib (it ships "
                          "IPAex Gothic) or set GIJIROKU_PDF_FONT to a .ttf file.")
    return Path(spec.origin).parent / "fonts" / "ipaexg.ttf"


class _Minutes(FPDF):
    def __init__(self, document: ExportDocument, font: Path) -> None:
        super().__init__(format="A4", unit="mm")
        self.document = document
        for style in ("", "B"):  # one weight: headings stand out by size and shading
            self.add_font(FAMILY, style=style, fname=str(font))
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=18)
        self.set_title(document.title)
        self.set_lang(document.language)
        self.set_creator("Gijiroku")
        self.alias_nb_pages()

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FAMILY, size=8)
            self.set_text_color(*MUTED)
            self.cell(0, 5, self.document.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(3)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="C")


def _page_pieces(pdf: FPDF, text: str, width: float, line_height: float,
                 wrap: WrapMode) -> list[str]:
    """`text` as it wraps in a table cell `width` mm wide (in the current font), cut into
    pieces that each fit on a page: a table row cannot be taller than a page, so a line of
    the longest length a transcript line may have takes several rows."""
    lines: list[str] = pdf.multi_cell(width, line_height, text, wrapmode=wrap, dry_run=True,
                                      output="LINES")  # type: ignore[assignment]
    room = int((pdf.h - pdf.t_margin - pdf.b_margin - 30) / line_height)
    pieces = ["\n".join(lines[at:at + room]) for at in range(0, len(lines), room)]
    return pieces or [text]


def to_pdf(document: ExportDocument, font: Path | None = None) -> bytes:
    font = font or bundled_font()
    if not font.is_file():
        raise ConfigError(f"The PDF font {str(font)!r} does not exist.")
    pdf = _Minutes(document, font)
    wrap = WrapMode.CHAR if document.language == "ja" else WrapMode.WORD
    h = document.headings
    pdf.add_page()

    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, size=18)
    pdf.multi_cell(0, 9, document.title, wrapmode=wrap, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FAMILY, size=10)
    for label, value in facts(document, "、" if document.language == "ja" else ", "):
        pdf.set_text_color(*MUTED)
        pdf.cell(34, 6, label)
        pdf.set_text_color(*INK)
        pdf.multi_cell(0, 6, value, wrapmode=wrap, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(text: str) -> None:
        if pdf.will_page_break(24):
            pdf.add_page()
        pdf.ln(4)
        pdf.set_font(FAMILY, size=13)
        pdf.set_text_color(*INK)
        pdf.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(2)
        pdf.set_font(FAMILY, size=10.5)

    def paragraph(text: str, indent: str = "") -> None:
        pdf.multi_cell(0, 6, indent + text, wrapmode=wrap, new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)

    if document.notes:
        heading(h["notes"])
        pdf.set_text_color(160, 60, 0)
        for note in document.notes:
            paragraph(f"・{note}")
        pdf.set_text_color(*INK)
    if document.summary:
        heading(h["summary"])
        for part in document.summary.split("\n"):
            paragraph(part)
    if document.topics:
        heading(h["topics"])
        for topic in document.topics:
            paragraph(f"・{topic}")
    heading(h["decisions"])
    if not document.decisions:
        paragraph(h["none"])
    for number, (text, lines, flagged) in enumerate(document.decisions, start=1):
        cites = f"({h['lines']}: {refs(lines)})" if lines else ""
        paragraph(f"{number}. {'※ ' if flagged else ''}{text} {cites}".rstrip())
    heading(h["action_items"])
    if not document.action_items:
        paragraph(h["none"])
    else:
        with pdf.table(
            col_widths=(80, 35, 30, 25), text_align="LEFT", wrapmode=wrap, v_align="TOP",
            line_height=6, padding=1.5, borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis=None, fill_color=SHADE, color=INK),
        ) as table:
            table.row([h["task"], h["owner"], h["due"], h["lines"]])
            for item in document.action_items:
                task = ("※ " if item.flagged else "") + item.task
                for at, piece in enumerate(_page_pieces(pdf, task, 80 - 5, 6, wrap)):
                    table.row([piece, item.owner or "–", item.due or "–",
                               refs(item.lines) or "–"] if at == 0 else [piece, "", "", ""])
    if document.with_transcript and document.lines:
        heading(h["transcript"])
        pdf.set_font(FAMILY, size=9.5)
        with pdf.table(
            col_widths=(18, 32, 120), text_align="LEFT", wrapmode=wrap, v_align="TOP",
            line_height=5.2,
            padding=(1.2, 1.5), borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis=None, fill_color=SHADE, color=INK),
        ) as table:
            table.row([h["time"], h["speaker"], h["text"]])
            grey = FontFace(color=MUTED)
            for line in document.lines:
                # (a line longer than a page goes on in the rows after its first)
                for at, piece in enumerate(_page_pieces(pdf, line.text, 120 - 5, 5.2, wrap)):
                    row = table.row()
                    row.cell(clock(line.start) if at == 0 else "", style=grey)
                    row.cell((line.speaker or "–") if at == 0 else "")
                    row.cell(piece)
    if document.marks:
        heading(h["marks"])
        pdf.set_font(FAMILY, size=9.5)
        for entry in document.marks:
            paragraph("・" + entry)
    return bytes(pdf.output())
