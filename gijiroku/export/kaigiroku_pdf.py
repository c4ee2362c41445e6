"""The 会議録 as PDF (fpdf2, the same embedded font as the minutes' PDF): A4, the title
centred, the front matter, the proceedings with speaker headings on their own lines and
speech indented by one character, the signature block; page numbers centred below."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from gijiroku.errors import ConfigError
from gijiroku.export.kaigiroku import Kaigiroku, note_line
from gijiroku.export.pdf import FAMILY, INK, MUTED, bundled_font

SIZE, LINE = 10.5, 6.2


class _Record(FPDF):
    def __init__(self, title: str, font: Path) -> None:
        super().__init__(format="A4", unit="mm")
        self.add_font(FAMILY, style="", fname=str(font))
        self.set_margins(25, 22, 25)
        self.set_auto_page_break(True, margin=20)
        self.set_title(title)
        self.set_lang("ja")
        self.set_creator("Gijiroku")
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"－ {self.page_no()} －", align="C")


def to_pdf(document: Kaigiroku, font: Path | None = None) -> bytes:
    font = font or bundled_font()
    if not font.is_file():
        raise ConfigError(f"The PDF font {str(font)!r} does not exist.")
    pdf = _Record(document.title, font)
    pdf.add_page()
    pdf.set_text_color(*INK)

    def text(said: str, size: float = SIZE, indent: float = 0.0, align: str = "L",
             before: float = 0.0) -> None:
        if before:
            pdf.ln(before)
        pdf.set_font(FAMILY, size=size)
        pdf.set_x(pdf.l_margin + indent * size * 0.3528)  # characters to mm
        pdf.multi_cell(0, LINE * size / SIZE, said, wrapmode=WrapMode.CHAR, align=align,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    text(document.title, size=15, align="C")
    text(document.when + (f"　{document.opened}" if document.opened else ""), align="C",
         before=2)
    for note in document.notes:
        text(note_line(note), align="C", before=1)
    pdf.ln(4)
    sections: list[tuple[str, list[str]]] = []
    if not document.committee:
        sections += [("議事日程", document.agenda or ["（なし）"]),
                     ("本日の会議に付した事件", ["議事日程のとおり"])]
    for heading, lines in [*sections, *document.front]:
        if pdf.will_page_break(LINE * 3):
            pdf.add_page()
        text(heading, before=3)
        for line in lines:
            text(line, indent=2)
    pdf.ln(4)
    pdf.set_draw_color(*MUTED)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)
    for block in document.blocks:
        if block.kind == "speaker":
            if pdf.will_page_break(LINE * 2):
                pdf.add_page()
            text(block.text, before=1.5)
        elif block.kind == "speech":
            text("　" + block.text)
        elif block.kind == "agenda":
            text(block.text, before=3)
        else:  # the floor's responses, standing votes, times: indented on their own line
            text(block.text, indent=2, before=1)
    if pdf.will_page_break(LINE * (3 + len(document.signers))):
        pdf.add_page()
    text(document.signature, indent=2, before=10)
    for role, name in document.signers:
        text(f"{role}　　{name}", indent=8, before=4)
    return bytes(pdf.output())


__all__ = ["to_pdf"]
