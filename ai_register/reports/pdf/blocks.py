"""The building blocks of a report's pages: paragraph styles, paragraphs with clipped text, one-line cells,
tables whose header row repeats on every page, field/value pairs, numbered headings, and a stored value as a
person reads it (`Blocks`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from ai_register import formats
from ai_register.audit import record_labels
from ai_register.classification.labels import CATEGORIES, category_label
from ai_register.reports.labels import pick, text
from ai_register.reports.pdf.document import (
    ACCENT,
    BAD,
    FONT,
    FONT_BOLD,
    HEADER_BG,
    INK,
    MAX_CELL_CHARS,
    MUTED,
    OK,
    RULE,
    ZEBRA,
    Heading,
)


def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=8.5, leading=11, textColor=INK, alignment=TA_LEFT)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7, leading=8.6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.2),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontName=FONT_BOLD, fontSize=7.5, leading=9.2),
        "muted": ParagraphStyle("muted", parent=base, textColor=MUTED),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=24, leading=29,
                                textColor=ACCENT, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19,
                                   spaceAfter=12),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18, textColor=ACCENT,
                             spaceBefore=16, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=13.5,
                             spaceBefore=10, spaceAfter=5),
        "toc": ParagraphStyle("toc", parent=base, fontSize=10, leading=15),
        "verdict_ok": ParagraphStyle("verdict_ok", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14,
                                     textColor=OK),
        "verdict_bad": ParagraphStyle("verdict_bad", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14,
                                      textColor=BAD),
    }


def clip(value: Any, lang: str, limit: int = MAX_CELL_CHARS) -> str:
    content = "" if value is None else str(value)
    if len(content) > limit:
        content = content[:limit] + " " + text("truncated", lang)
    return content


def paragraph(value: Any, style: ParagraphStyle, lang: str = "en", limit: int = MAX_CELL_CHARS) -> Paragraph:
    return Paragraph(escape(clip(value, lang, limit)).replace("\n", "<br/>"), style)


class Plain(str):
    """A short table cell drawn as it is, without a Paragraph (cheap for thousands of rows)."""


def fit(value: Any, width: float, size: float) -> Plain:
    """One line that fits `width` points, shortened with an ellipsis when it would not."""
    content = "—" if value is None else str(value)
    if pdfmetrics.stringWidth(content, FONT, size) <= width:
        return Plain(content)
    while content and pdfmetrics.stringWidth(content + "…", FONT, size) > width:
        content = content[:-1]
    return Plain(content + "…")


class Blocks:
    def __init__(self, lang: str, width: float):
        self.lang = lang
        self.width = width
        self.s = styles()

    def t(self, key: str) -> str:
        return text(key, self.lang)

    def table(self, header: list[str], rows: Iterable[list[Any]], widths: list[float], *,
              small: bool = False) -> Flowable:
        """A table with a bold header row repeated on every page it runs over; cells wrap."""
        style = self.s["small"] if small else self.s["cell"]
        data = [[paragraph(h, self.s["cell_head"], self.lang) for h in header]]
        for row in rows:
            data.append([c if isinstance(c, (Flowable, Plain)) else paragraph(c, style, self.lang) for c in row])
        if len(data) == 1:
            return paragraph(self.t("none"), self.s["muted"], self.lang)
        total = sum(widths)
        table = Table(data, colWidths=[w * self.width / total for w in widths], repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), FONT, style.fontSize, style.leading),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("BOX", (0, 0), (-1, -1), 0.4, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
            ("TOPPADDING", (0, 0), (-1, -1), 2.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6),
        ]))
        return table

    def pairs(self, rows: Iterable[tuple[str, Any]]) -> Flowable:
        """A two-column field/value table."""
        return self.table([self.t("field"), self.t("value")], ([k, v] for k, v in rows), [32, 68])

    def h1(self, number: str, key: str) -> list[Flowable]:
        return [CondPageBreak(60 * mm), Heading(number, self.t(key), self.s["h1"])]

    def h2(self, number: str, title: str) -> list[Flowable]:
        return [CondPageBreak(30 * mm), Heading(number, title, self.s["h2"], level=1)]

    def para(self, value: Any, style: str = "base") -> Paragraph:
        return paragraph(value, self.s[style], self.lang)

    def show(self, value: Any) -> str:
        """A stored value as a person reads it."""
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, bool):
            return self.t("yes") if value else self.t("no")
        if isinstance(value, Mapping):
            if "name" in value and "id" in value and len(value) <= 3:
                return str(value["name"])
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        if isinstance(value, list):
            return ", ".join(self.show(v) for v in value)
        if isinstance(value, str) and len(value) >= 20 and value[10:11] == "T" and value.endswith("Z"):
            return value[:16].replace("T", " ") + " UTC"
        return str(value)

    def number(self, value: Any) -> str:
        """A stored decimal ("42.000000") as the reader writes it: 42, "1 234,5" in Swedish."""
        return "—" if value is None else formats.number(value, self.lang)

    def money(self, value: Any, currency: str | None = "SEK") -> str:
        return "—" if value is None else formats.money(value, currency, self.lang)

    def category(self, code: Any) -> str:
        return category_label(code) if code in CATEGORIES else self.show(code)

    # Codes as labels: the areas' one mapping (their labels.py), read in the report's locale.
    def code(self, render: Callable[[Any], Any], value: Any) -> str:
        if value is None or value == "":
            return "—"
        return str(render(value))

    def value(self, name: str, value: Any, entity_type: str | None = None, people=None) -> str:
        shown = record_labels.value_text(name, value, entity_type, people)
        return "—" if shown == record_labels.EMPTY else shown

    def label(self, pair: Any, code: Any) -> str:
        return pick(pair, self.lang) if pair else self.show(code)
