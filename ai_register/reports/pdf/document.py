"""The PDF document frame: the embedded fonts, the colours, the page template with its footer (page n of m,
who generated it and when, the rule-set hash, the chain head), the lazy story and the page numbers written as
forms at the end (`build_pdf`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO
from xml.sax.saxutils import escape

from flask import current_app, has_app_context
from flask_babel import force_locale
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from ai_register.reports.labels import text

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
# Rows per events table: about 30 pages, so only one chunk's flowables are in memory at a time (a new
# chunk starts with its own header row, wherever on the page that falls).
EVENT_CHUNK = 1000
MAX_CELL_CHARS = 1500  # a table row cannot be taller than a page; longer texts are in the JSON report

INK = colors.HexColor("#1B2A3A")
MUTED = colors.HexColor("#5B6877")
RULE = colors.HexColor("#B8C2CE")
HEADER_BG = colors.HexColor("#E3E9F0")
ZEBRA = colors.HexColor("#F6F8FA")
ACCENT = colors.HexColor("#1F5C8B")
OK = colors.HexColor("#1E6B3A")
BAD = colors.HexColor("#A12622")


class FontMissing(RuntimeError):
    """The TTF fonts the PDF embeds are not installed."""


_fonts_registered = False


def register_fonts(font_dir: str | None = None) -> None:
    """Embed DejaVu Sans (regular and bold); refuse clearly when the files are missing.

    The directory is config REPORT_FONT_DIR when set, else Debian's (package fonts-dejavu-core).
    """
    global _fonts_registered
    if _fonts_registered:
        return
    configured = current_app.config.get("REPORT_FONT_DIR") if has_app_context() else None
    directory = font_dir or configured or FONT_DIR
    for name, filename in FONT_FILES.items():
        path = os.path.join(directory, filename)
        if not os.path.isfile(path):
            raise FontMissing(f"The PDF font {path} is missing; install the Debian package fonts-dejavu-core "
                              "(apt-get install fonts-dejavu-core).")
        pdfmetrics.registerFont(TTFont(name, path))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _fonts_registered = True


class LazyStory(list):
    """A list that platypus consumes from the front, refilled from a generator as it drains."""

    def __init__(self, source: Iterable[Flowable], lookahead: int = 12):
        super().__init__()
        self._source: Iterator[Flowable] | None = iter(source)
        self._lookahead = lookahead

    def _fill(self) -> None:
        while self._source is not None and list.__len__(self) < self._lookahead:
            try:
                self.append(next(self._source))
            except StopIteration:
                self._source = None

    def __len__(self) -> int:
        self._fill()
        return list.__len__(self)

    def __getitem__(self, index):
        self._fill()
        return list.__getitem__(self, index)


class Heading(Paragraph):
    """A numbered section heading that the contents and the PDF outline point to."""

    def __init__(self, number: str, title: str, style: ParagraphStyle, level: int = 0):
        super().__init__(escape(f"{number}  {title}" if number else title), style)
        self.toc_key = f"s{number or title}".replace(" ", "_").replace(".", "_")
        self.toc_title = f"{number}  {title}" if number else title
        self.toc_level = level


TOTAL_PAGES_FORM = "pages_total"


def toc_form(key: str) -> str:
    return f"toc_{key}"


class FormRef(Flowable):
    """A number known only at the end (a page number): drawn as a reference to a form written later."""

    def __init__(self, name: str, width: float, height: float):
        super().__init__()
        self.name, self.width, self.height = name, width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        self.canv.saveState()
        self.canv.translate(self.width, 2)
        self.canv.doForm(self.name)
        self.canv.restoreState()


@dataclass
class Footer:
    generated_at: str
    generated_by: str
    ruleset: str
    chain_head: str
    lang: str
    title: str


class ReportDocument(BaseDocTemplate):
    _doSave = 0  # the forms with the page numbers are written after the layout, then the file

    def __init__(self, out: BinaryIO, footer: Footer, *, pagesize=A4, title: str = "", author: str = ""):
        super().__init__(out, pagesize=pagesize, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                         bottomMargin=26 * mm, title=title, author=author, subject=title,
                         creator="ai-register", initialFontName=FONT, initialFontSize=8.5)
        self.footer = footer
        self.heading_pages: dict[str, int] = {}
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._draw_footer)])

    def afterFlowable(self, flowable):
        if isinstance(flowable, Heading):
            self.heading_pages[flowable.toc_key] = self.page
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(flowable.toc_title, flowable.toc_key, level=flowable.toc_level)

    def _draw_footer(self, canvas, doc):
        f = self.footer
        canvas.saveState()
        width = doc.pagesize[0]
        left, right = doc.leftMargin, width - doc.rightMargin
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(left, 20 * mm, right, 20 * mm)
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 6.8)
        canvas.drawString(left, 16.5 * mm, f"{f.title} · {text('generated_at', f.lang)} {f.generated_at} "
                                           f"{text('generated_by', f.lang)} {f.generated_by}")
        page = f"{text('page', f.lang)} {doc.page} {text('of', f.lang)} "
        x = right - pdfmetrics.stringWidth(page + "0000", FONT, 6.8)
        canvas.drawString(x, 16.5 * mm, page)
        canvas.translate(x + pdfmetrics.stringWidth(page, FONT, 6.8), 16.5 * mm)
        canvas.doForm(TOTAL_PAGES_FORM)
        canvas.translate(-(x + pdfmetrics.stringWidth(page, FONT, 6.8)), -16.5 * mm)
        canvas.setFont(FONT, 6.2)
        canvas.drawString(left, 13 * mm, f"{text('ruleset', f.lang)}: {f.ruleset}")
        canvas.drawString(left, 9.5 * mm, f"{text('chain_head', f.lang)}: {f.chain_head}")
        canvas.restoreState()

    def write_numbers(self, toc_keys: Iterable[str]) -> None:
        """The forms the pages refer to: the total, and the page each contents entry starts on."""
        canvas = self.canv
        numbers = {TOTAL_PAGES_FORM: (str(self.page), 6.8, "left")}
        for key in toc_keys:
            numbers[toc_form(key)] = (str(self.heading_pages.get(key, "–")), 10, "right")
        for name, (value, size, align) in numbers.items():
            canvas.beginForm(name, lowerx=-60, lowery=-4, upperx=60, uppery=14)
            canvas.setFont(FONT, size)
            canvas.setFillColor(MUTED if name == TOTAL_PAGES_FORM else INK)
            (canvas.drawString if align == "left" else canvas.drawRightString)(0, 0, value)
            canvas.endForm()
        canvas.save()


def build_pdf(out: BinaryIO, story: Iterable[Flowable], footer: Footer, *, pagesize=A4, title: str = "",
              author: str = "", toc_keys: Iterable[str] = ()) -> int:
    """Lay the story out into `out`; returns the number of pages."""
    register_fonts()
    doc = ReportDocument(out, footer, pagesize=pagesize, title=title, author=author)
    doc.build(LazyStory(story))
    doc.write_numbers(toc_keys)
    return doc.page


@contextmanager
def report_locale(lang: str):
    """The catalog's language for the whole layout (the story is produced lazily, during the build)."""
    if not has_app_context():
        yield
        return

    with force_locale(lang):
        yield
