"""The printed reports, with reportlab platypus: a title page with contents, numbered sections,
tables that break across pages with their header row repeated, and on every page a footer with the
page number, who generated it and when, the rule-set hash and the chain head.

Bounded memory: the story is produced lazily (`LazyStory`), so audit events are read from the
database batch by batch and turned into table chunks just before they are laid out; a laid-out
flowable is dropped. The document is laid out once: the page numbers in the contents and the total
in "page n of m" are PDF form XObjects that every page refers to and that are written at the end,
when the numbers are known (a form may be defined after its use).

DejaVu Sans is embedded so that å, ä and ö print in any viewer.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from flask import current_app, has_app_context
from flask_babel import force_locale, gettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ai_register import formats
from ai_register.audit.chain import format_timestamp
from ai_register.classification.services import active_ruleset
from ai_register.incidents.duties import recipient_label
from ai_register.portfolio import trustworthy
from ai_register.reports.deployer_sections import WRITERS as DEPLOYER_WRITERS
from ai_register.reports.labels import IDENTITY_FIELDS, MONITOR_LABELS, VALUE_LABELS, pick, text, translated
from ai_register.solutions.lifecycle.phases import PHASE_LABELS, STATUS_LABELS, Phase, Status
from ai_register.web import labels, results


def N_(message: str) -> str:  # noqa: N802 (marked for the catalog, translated where shown)
    return message


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


# --------------------------------------------------------------------------- styles


def _styles() -> dict[str, ParagraphStyle]:
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


def _clip(value: Any, lang: str, limit: int = MAX_CELL_CHARS) -> str:
    content = "" if value is None else str(value)
    if len(content) > limit:
        content = content[:limit] + " " + text("truncated", lang)
    return content


def _p(value: Any, style: ParagraphStyle, lang: str = "en", limit: int = MAX_CELL_CHARS) -> Paragraph:
    return Paragraph(escape(_clip(value, lang, limit)).replace("\n", "<br/>"), style)


# --------------------------------------------------------------------------- the lazy story


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


# --------------------------------------------------------------------------- building blocks


class Blocks:
    def __init__(self, lang: str, width: float):
        self.lang = lang
        self.width = width
        self.s = _styles()

    def t(self, key: str) -> str:
        return text(key, self.lang)

    def table(self, header: list[str], rows: Iterable[list[Any]], widths: list[float], *,
              small: bool = False) -> Flowable:
        """A table with a bold header row repeated on every page it runs over; cells wrap."""
        style = self.s["small"] if small else self.s["cell"]
        data = [[_p(h, self.s["cell_head"], self.lang) for h in header]]
        for row in rows:
            data.append([c if isinstance(c, (Flowable, Plain)) else _p(c, style, self.lang) for c in row])
        if len(data) == 1:
            return _p(self.t("none"), self.s["muted"], self.lang)
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
        return _p(value, self.s[style], self.lang)

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
        return _labels().category_label(code) if code in _labels().CATEGORIES else self.show(code)

    # Codes as labels: the web's one mapping (ai_register.web.labels), read in the report's locale.
    def code(self, render: Callable[[Any], Any], value: Any) -> str:
        if value is None or value == "":
            return "—"
        return str(render(value))

    def value(self, name: str, value: Any, entity_type: str | None = None, people=None) -> str:
        shown = labels.value_text(name, value, entity_type, people)
        return "—" if shown == labels.EMPTY else shown

    def label(self, pair: Any, code: Any) -> str:
        return pick(pair, self.lang) if pair else self.show(code)


# --------------------------------------------------------------------------- the traceability report


SECTION_ORDER = ("identity", "lifecycle", "classifications", "obligations", "oversight", "goals", "evidence",
                 "trustworthy_assessment", "continuity", "incidents", "reviews",
                 "obligation_records", "fria", "literacy", "suppliers", "monitoring", "audit")


def _short_hash(value: str | None, length: int = 12) -> str:
    return (value or "")[:length]


def _event_details(event: Mapping[str, Any], lang: str, names: Mapping[int, str] | None = None) -> str:
    """What changed, in words: changed fields by label with their values before and after (codes as
    labels), the other fields of the event, and the reason in the reader's language."""

    labels = _labels()
    data = event.get("data") or {}
    entity = event.get("entity_type")
    people = dict(names or {})
    parts = []
    if isinstance(data, Mapping):
        if isinstance(data.get("record"), Mapping):
            parts.append(text("created", lang))
        changes = data.get("changes")
        if isinstance(changes, Mapping):
            changes = {k: v for k, v in changes.items() if k not in QUIET_FIELDS}
            for name, change in list(changes.items())[:6]:
                if isinstance(change, Mapping):
                    before = _short(labels.value_text(name, change.get("before"), entity, people))
                    after = _short(labels.value_text(name, change.get("after"), entity, people))
                    parts.append(f"{labels.field_label(name)}: {before} → {after}")
            if len(changes) > 6:
                parts.append(f"+{len(changes) - 6}")
        for name, value in data.items():
            if name not in ("record", "changes", "reason_code", "reason_params"):
                parts.append(f"{labels.field_label(name)}: {_short(labels.value_text(name, value, entity, people))}")
    if event.get("reason"):
        reason = labels.reason_text(SimpleNamespace(data=data, reason=event["reason"]))
        parts.append(f"({_compact(reason, 400)})")
    return "; ".join(parts)


def _short(value: str, limit: int = 80) -> str:
    """A long value (a text, a list of answers) in the events table: its start, and where the rest is."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + " [" + _see_json() + "]"


def _see_json() -> str:
    return gettext("continued in the JSON report")


_ISO_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
# Fields that change with every write and say nothing to a reader of the trail.
QUIET_FIELDS = frozenset({"updated_at", "version"})


def _compact(value: Any, limit: int = 40) -> str:
    content = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    content = _ISO_TIME.sub(lambda m: f"{m.group(1)} {m.group(2)}", content)
    return content if len(content) <= limit else content[: limit - 1] + "…"


def report_footer(report: Mapping[str, Any], lang: str, title: str) -> Footer:
    meta = report["report"]
    ruleset = meta.get("ruleset") or {}
    head = report["chain"]["head"]
    return Footer(
        generated_at=meta["generated_at"][:19].replace("T", " ") + " UTC",
        generated_by=meta["generated_by"]["name"],
        ruleset=f"{ruleset.get('version', '—')} · SHA-256 {ruleset.get('sha256') or '—'}",
        chain_head=f"#{head['position']} · {head['hash']}",
        lang=lang,
        title=title,
    )


def _held(section: Any) -> bool:
    """A deployer-duty section holds records: a non-empty list, or a mapping with a non-empty list."""
    if isinstance(section, Mapping):
        return any(section.values())
    return bool(section)


def render_solution_report(out: BinaryIO, report: Mapping[str, Any],
                           events: Callable[[], Iterable[Mapping[str, Any]]], actor_names: Mapping[int, str],
                           lang: str = "sv") -> int:
    """The traceability report of one solution as PDF into `out`; returns the number of pages."""
    register_fonts()
    title = f"{text('title', lang)} · {report['solution'].get('name', '')}"
    footer = report_footer(report, lang, _clip(report["solution"].get("name", ""), lang, 60))
    width = A4[0] - 36 * mm
    always, omitted = ("identity", "lifecycle", "audit"), report["omitted_sections"]
    sections = [s for s in SECTION_ORDER if s in always or (s in report and s not in omitted)]
    sections = [s for s in sections if s not in DEPLOYER_WRITERS or _held(report.get(s))]  # issue 21: when held
    numbers = {name: str(i) for i, name in enumerate(sections, start=1)}

    def story() -> Iterator[Flowable]:
        b = Blocks(lang, width)
        yield from _title_page(b, report, sections, numbers)
        for name in sections:
            yield from SECTION_WRITERS[name](b, numbers[name], report, events, actor_names)

    toc_keys = [Heading(numbers[name], "", _styles()["h1"]).toc_key for name in sections]
    with _locale(lang):
        return build_pdf(out, story(), footer, title=title, author=report["report"]["generated_by"]["name"],
                         toc_keys=toc_keys)


@contextmanager
def _locale(lang: str):
    """The catalog's language for the whole layout (the story is produced lazily, during the build)."""
    if not has_app_context():
        yield
        return

    with force_locale(lang):
        yield


def _title_page(b: Blocks, report: Mapping[str, Any], sections: list[str],
                numbers: dict[str, str]) -> Iterator[Flowable]:
    meta, solution, chain = report["report"], report["solution"], report["chain"]
    verification = chain["verification"]
    yield Spacer(1, 18 * mm)
    yield b.para(b.t("register"), "muted")
    yield Paragraph(escape(b.t("title")), b.s["title"])
    yield Paragraph(escape(str(solution.get("name", ""))), b.s["subtitle"])
    ruleset = meta.get("ruleset") or {}
    rows = [
        (b.t("solution"), f"#{solution.get('id')}" + (f" · {solution['external_id']}"
                                                       if solution.get("external_id") else "")),
        (b.t("phase"), f"{b.label(solution.get('phase_label'), solution.get('phase'))} · "
                       f"{b.label(solution.get('status_label'), solution.get('status'))}"),
        (b.t("as_of"), b.show(meta["as_of"]) if meta.get("as_of") else b.show(meta["generated_at"])),
        (b.t("generated_at"), b.show(meta["generated_at"])),
        (b.t("by").capitalize(), f"{meta['generated_by']['name']} ({meta['generated_by']['role']})"),
        (b.t("ruleset"), f"{ruleset.get('version', '—')} · {ruleset.get('sha256') or '—'}"),
        (b.t("chain_head"), f"#{chain['head']['position']} · {chain['head']['hash']}"),
    ]
    yield Spacer(1, 4 * mm)
    yield b.pairs(rows)
    yield Spacer(1, 5 * mm)
    verdict = b.t("intact") if verification["intact"] else b.t("broken")
    yield Paragraph(escape(f"{b.t('verification')}: {verdict} · {verification['events_checked']} "
                           f"{b.t('events_checked')}"),
                    b.s["verdict_ok" if verification["intact"] else "verdict_bad"])
    yield b.para(b.t("as_of_note") if meta.get("as_of") else b.t("current_note"), "muted")
    if report.get("omitted_sections"):
        yield b.para(f"{b.t('omitted')}: " + ", ".join(b.t(f"s_{s}") for s in report["omitted_sections"]),
                     "muted")
    yield Spacer(1, 8 * mm)
    yield Paragraph(escape(b.t("contents")), b.s["h2"])
    toc = []
    for name in sections:
        key = Heading(numbers[name], "", b.s["h1"]).toc_key
        toc.append([f"{numbers[name]}", b.t(f"s_{name}"), FormRef(toc_form(key), 20 * mm - 6, 10)])
    table = Table(toc, colWidths=[10 * mm, b.width - 30 * mm, 20 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 10),
        ("ALIGN", (2, 0), (2, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    yield table
    yield PageBreak()


def _identity(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_identity")
    solution = report["solution"]
    rows = []
    for key, label in IDENTITY_FIELDS:
        value = solution.get(key)
        if key == "phase":
            value = b.label(solution.get("phase_label"), value)
        elif key == "status":
            value = b.label(solution.get("status_label"), value)
        elif key == "current_ai_act_category":
            value = b.category(value) if value else None
        elif key in VALUE_LABELS and value in VALUE_LABELS[key]:
            value = translated(VALUE_LABELS[key][value], b.lang)
        rows.append((translated(label, b.lang), b.show(value)))
    yield b.pairs(rows)


def _lifecycle(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_lifecycle")
    life = report["lifecycle"]
    yield from b.h2(f"{number}.1", b.t("phase_history"))
    yield b.table([b.t("phase"), b.t("status"), b.t("from"), b.t("until"), b.t("action"), b.t("reason")],
                  ([b.label(p.get("label"), p.get("phase")), b.label(p.get("status_label"), p.get("status")),
                    b.show(p.get("from")), b.show(p.get("until")), _action(p.get("action")), b.show(p.get("reason"))]
                   for p in life["phase_history"]),
                  [16, 10, 18, 18, 12, 26])
    yield from b.h2(f"{number}.2", b.t("transitions"))
    yield b.table([b.t("to"), b.t("status"), b.t("requested"), b.t("by"), b.t("decided"), b.t("by"),
                   b.t("reason")],
                  ([f"{_phase(t.get('from_phase'))} → {_phase(t.get('to_phase'))}",
                    b.code(_request_status, t.get("status")),
                    b.show(t.get("requested_at")), b.show(t.get("requested_by")), b.show(t.get("decided_at")),
                    b.show(t.get("decided_by")),
                    " / ".join(x for x in (t.get("reason"), t.get("decision_reason")) if x) or "—"]
                   for t in life["transitions"]),
                  [18, 10, 15, 13, 15, 13, 26])
    yield from b.h2(f"{number}.3", b.t("decisions"))
    yield b.table([b.t("kind"), b.t("date"), b.t("by"), b.t("status"), b.t("rationale")],
                  ([b.label(d.get("kind_label"), d.get("kind")), b.show(d.get("decided_on")),
                    b.show(d.get("decided_by")),
                    f"{_status(d.get('status_before'))} → {_status(d.get('status_after'))}",
                    b.show(d.get("rationale"))] for d in life["decisions"]),
                  [13, 12, 16, 16, 43])
    yield from b.h2(f"{number}.4", b.t("rollout_plan"))
    yield b.table([b.t("unit"), b.t("planned_start"), b.t("actual_start")],
                  ([u.get("name"), b.show(u.get("planned_start")), b.show(u.get("actual_start"))]
                   for u in life["rollout_plan"]), [50, 25, 25])
    checklist = life["decommissioning_checklist"]
    if life["phase"] in ("decommissioning", "retired") or any(i.get("done") for i in checklist):
        yield from b.h2(f"{number}.5", b.t("checklist"))
        yield b.table([b.t("item"), b.t("done"), b.t("by"), b.t("note")],
                      ([b.label(i.get("label"), i.get("key")), b.show(bool(i.get("done"))),
                        b.show(i.get("done_by")), b.show(i.get("note"))] for i in checklist),
                      [40, 10, 20, 30])


def _classifications(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_classifications")
    section = report["classifications"]
    current = section.get("current")
    if current and current.get("version") is not None:
        device_class = current.get("effective_device_class")
        yield b.para(f"{b.t('current_classification')}: {b.t('version').lower()} {current['version']} · "
                     f"{b.category(current.get('effective_category'))}"
                     + (f" · {device_class}" if device_class else "")
                     + f" · {b.t('valid') if current.get('valid') else _invalid_reason(current.get('reason'))}")
    if not section["versions"]:
        yield b.para(b.t("none"), "muted")
    for i, version in enumerate(reversed(section["versions"]), start=1):
        yield from b.h2(f"{number}.{i}",
                        f"{b.t('version')} {version.get('version')} · {b.code(_review_status, version.get('status'))}")
        ruleset = version.get("ruleset") or {}
        device = (version.get("result") or {}).get("medical_device") or {}
        ai_act = (version.get("result") or {}).get("ai_act") or {}
        yield b.pairs([
            (b.t("category"), b.category(version.get("effective_category"))
             + (f" (engine: {b.category(version.get('engine_category'))})"
                if version.get("effective_category") != version.get("engine_category") else "")),
            (b.t("routes"), ", ".join(_route(r) for r in ai_act.get("routes") or []) or "—"),
            (b.t("art50"), ", ".join(_transparency(r) for r in ai_act.get("transparency") or []) or "—"),
            (b.t("device_class"), _device(device.get("regulation"), version.get("effective_device_class"))),
            (b.t("ruleset"), f"{ruleset.get('version')} · {ruleset.get('sha256')}"),
            (b.t("answered_by"),
             f"{b.show(version.get('answered_by'))} · {b.show(version.get('created_at'))}"),
            (b.t("reviewed_by"),
             f"{b.show(version.get('reviewed_by'))} · {b.show(version.get('reviewed_at'))}"),
            (b.t("justification"), b.show(version.get("review_justification"))),
        ])
        answers = version.get("answers") or {}
        yield Spacer(1, 2 * mm)
        yield b.table([b.t("question"), b.t("answer")],
                      ([row["text"], row["answer"]] for row in _answer_rows(answers)), [55, 45], small=True)
        yield Spacer(1, 2 * mm)
        explain = _rule_explainer()
        yield b.table([b.t("fired_rules"), b.t("citation")],
                      ([explain(r.get("id")), _labels().cite(r.get("citation"))]
                       for r in version.get("fired_rules") or []),
                      [60, 40], small=True)


def _obligations(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_obligations")
    section = report["obligations"]
    yield b.table([b.t("obligation"), b.t("role"), b.t("citation"), b.t("applies_from"), b.t("status")],
                  ([_obligation_text(o), b.code(_ai_act_role, o.get("role")), _labels().cite(o.get("citation")),
                    b.show(o.get("applies_from")),
                    b.t(o["status"]) if o.get("status") in ("applies", "upcoming") else o.get("status")]
                   for o in section["items"]), [40, 11, 22, 13, 14])
    yield from b.h2(f"{number}.1", b.t("required_evidence"))
    yield b.table([b.t("type"), b.t("basis"), b.t("status")],
                  ([b.label(e.get("label"), e.get("type")), _labels().joined_text(e.get("basis")),
                    b.t(e["status"])]
                   for e in section["required_evidence"]), [38, 44, 18])


HISTORY_DATES = (("accepted", "accepted_on"), ("confirmed", "confirmed_on"), ("ended", "ended_at"))
BENEFIT_FIELDS = ("currency", "one_off_cost", "yearly_cost", "yearly_savings", "hours_freed_per_year",
                  "hourly_cost", "assumptions")


def _party(b: Blocks, party: Mapping[str, Any] | None) -> str:
    if not party:
        return "—"
    return ", ".join(str(p) for p in (party.get("name"), party.get("title"), party.get("unit")) if p)


def _oversight(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_oversight")
    section = report["oversight"]
    current = section.get("current")
    if current:
        monitors = [translated(label, b.lang) for key, label in MONITOR_LABELS.items() if current.get(key)]
        yield b.pairs([
            (b.t("oversight_owner"), _party(b, current.get("owner"))),
            (b.t("deputy"), _party(b, current.get("deputy"))),
            (b.t("authority"), b.show(current.get("authority_to_suspend"))),
            (b.t("monitors"), "; ".join(monitors) or "—"),
            (b.t("competence"), b.show(current.get("competence"))),
            (b.t("training"), b.show(current.get("training"))),
            (b.t("training_done"), b.show(current.get("training_completed_on"))),
            (b.t("accepted"), b.show(current.get("accepted_on"))),
            (b.t("confirmed"), b.show(current.get("confirmed_on"))),
            (b.t("started"), b.show(current.get("started_at"))),
        ])
    else:
        yield b.para(b.t("none"), "muted")
    yield from b.h2(f"{number}.1", b.t("oversight_history"))
    yield b.table([b.t("oversight_owner"), b.t("started"), b.t("ended"), b.t("accepted"), b.t("confirmed")],
                  ([_party(b, a.get("owner")) + (f" ({b.t('current')})" if a.get("current") else ""),
                    b.show(a.get("started_at")), b.show(a.get("ended_at")), b.show(a.get("accepted_on")),
                    b.show(a.get("confirmed_on"))] for a in section["assignments"]), [36, 17, 17, 15, 15])
    yield Spacer(1, 2 * mm)
    yield b.table([b.t("date"), b.t("action"), b.t("oversight_owner"), b.t("details")],
                  ([b.show(h.get("occurred_at")), _action(h.get("action")), _party(b, h.get("owner")),
                    "; ".join(f"{b.t(k)}: {b.show(h.get(v))}" for k, v in HISTORY_DATES if h.get(v))]
                   for h in section["history"]), [17, 12, 35, 36], small=True)


def _goals(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_goals")
    section = report["goals"]
    yield b.table([b.t("perspective"), b.t("goal"), b.t("indicator"), b.t("baseline"), b.t("target"),
                   b.t("latest")],
                  ([b.label(g.get("perspective_label"), g.get("perspective")), g.get("title"),
                    b.show(g.get("indicator")) + (f" ({g['unit']})" if g.get("unit") else ""),
                    b.number(g.get("baseline")), b.number(g.get("target")),
                    b.number(g.get("latest_value")) + ("" if g.get("target_met") is None else
                                                        (" ✓" if g.get("target_met") else " ✗"))]
                   for g in section["items"]), [15, 22, 23, 14, 12, 14])
    sub = 0
    for goal in section["items"]:
        if not goal.get("measurements"):
            continue
        sub += 1
        yield from b.h2(f"{number}.{sub}", f"{b.t('measurements')}: {goal.get('title')}")
        chart = GoalChart(goal, b.lang, b.width * 0.62)
        yield KeepTogether([chart, b.para(chart_legend(goal, b.lang), "small"), Spacer(1, 2 * mm)])
        yield b.table([b.t("date"), b.t("value"), b.t("by"), b.t("note")],
                      ([b.show(m.get("measured_on")), b.number(m.get("value")), b.show(m.get("recorded_by")),
                        b.show(m.get("note"))] for m in goal["measurements"]), [16, 18, 22, 44], small=True)
    benefit = section.get("benefit_estimate")
    if benefit:
        yield from b.h2(f"{number}.{sub + 1}", b.t("benefit"))
        yield b.para(benefit_in_words(benefit, b.lang))
        if benefit.get("assumptions"):
            yield Spacer(1, 1.5 * mm)
            yield b.para(gettext("Assumptions: %(text)s", text=benefit["assumptions"]))
        changed = benefit.get("updated_at") or benefit.get("created_at")
        if changed:
            yield b.para(gettext("Last changed %(moment)s (version %(count)s).",
                                 moment=b.show(changed), count=benefit.get("versions") or 1), "muted")


# --------------------------------------------------------------------------- goal chart, benefit in words

CHART_HEIGHT = 34 * mm
BASELINE_INK = colors.HexColor("#7A8593")


def _decimal_or_none(value: Any) -> Decimal | None:
    try:
        return None if value is None or value == "" else Decimal(str(value))
    except InvalidOperation:
        return None


class GoalChart(Flowable):
    """A small chart of one goal's indicator: the measured values over time (a line with dots), the
    baseline and the target as dashed lines labelled at their right end. No numbers on the axes (the
    table below holds them): the first and last day under the time axis. Drawn on the canvas directly,
    in the embedded font (reportlab's graphics renderer would add an unembedded Helvetica)."""

    def __init__(self, goal: Mapping[str, Any], lang: str, width: float):
        super().__init__()
        self.lang, self.width, self.height = lang, width, CHART_HEIGHT
        points = [(date.fromisoformat(str(m["measured_on"])[:10]), _decimal_or_none(m.get("value")))
                  for m in goal.get("measurements") or [] if m.get("measured_on")]
        self.points = sorted((d, v) for d, v in points if v is not None)
        self.baseline, self.target = _decimal_or_none(goal.get("baseline")), _decimal_or_none(goal.get("target"))

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        values = [v for _d, v in self.points] + [v for v in (self.baseline, self.target) if v is not None]
        if not values:
            return
        canvas, lang = self.canv, self.lang
        low, high = min(values), max(values)
        pad = (high - low) * Decimal("0.12") or (abs(high) * Decimal("0.1") or Decimal(1))
        low, high = low - pad, high + pad
        left, right, bottom, top = 4, self.width - 34 * mm, 11, self.height - 4

        def y(value: Decimal) -> float:
            return bottom + float((value - low) / (high - low)) * (top - bottom)

        first, last = (self.points[0][0], self.points[-1][0]) if self.points else (None, None)
        span = (last - first).days if self.points else 0

        def x(day: date) -> float:
            return (left + right) / 2 if not span else left + (day - first).days / span * (right - left)

        canvas.saveState()
        canvas.setLineWidth(0.6)
        canvas.setStrokeColor(RULE)
        canvas.line(left, bottom, right, bottom)
        canvas.line(left, bottom, left, top)
        canvas.setFont(FONT, 6.5)
        for value, ink, key in ((self.baseline, BASELINE_INK, N_("Baseline")), (self.target, OK, N_("Target"))):
            if value is None:
                continue
            canvas.setStrokeColor(ink)
            canvas.setFillColor(ink)
            canvas.setLineWidth(0.8)
            canvas.setDash(3, 2)
            canvas.line(left, y(value), right, y(value))
            canvas.setDash()
            canvas.drawString(right + 3, y(value) - 2.5, f"{gettext(key)} {formats.number(value, lang)}")
        if self.points:
            canvas.setStrokeColor(ACCENT)
            canvas.setFillColor(ACCENT)
            canvas.setLineWidth(1.2)
            path = canvas.beginPath()
            for index, (d, v) in enumerate(self.points):
                (path.lineTo if index else path.moveTo)(x(d), y(v))
            canvas.drawPath(path, stroke=1, fill=0)
            for d, v in self.points:
                canvas.circle(x(d), y(v), 1.8, stroke=0, fill=1)
            canvas.setFillColor(MUTED)
            canvas.drawString(left, 2, formats.day(first, lang))
            if span:
                canvas.drawRightString(right, 2, formats.day(last, lang))
        canvas.restoreState()


def chart_legend(goal: Mapping[str, Any], lang: str) -> str:
    """What the chart shows, in words: the direction that is better and the latest value."""
    better = gettext("higher is better") if goal.get("higher_is_better", True) else gettext("lower is better")
    latest = goal.get("latest_value")
    if latest is None:
        return gettext("Measured values over time (line); baseline and target dashed; %(better)s.", better=better)
    met = goal.get("target_met")
    state = "" if met is None else (gettext("the target is met") if met else gettext("the target is not met yet"))
    return gettext("Measured values over time (line); baseline and target dashed; %(better)s. Latest value "
                   "%(value)s%(unit)s%(state)s.", better=better, value=formats.number(latest, lang),
                   unit=f" {goal['unit']}" if goal.get("unit") else "", state=f": {state}" if state else "")


def benefit_in_words(benefit: Mapping[str, Any], lang: str) -> str:
    """The benefit calculation as sentences in the reader's language, amounts in its form."""
    currency = benefit.get("currency") or "SEK"
    result = benefit.get("result") or {}

    def money(key: str, source: Mapping[str, Any] = benefit) -> str:
        return formats.money(source.get(key) or 0, currency, lang)

    hours = _decimal_or_none(benefit.get("hours_freed_per_year")) or Decimal(0)
    savings = _decimal_or_none(benefit.get("yearly_savings")) or Decimal(0)
    sentences = [gettext("The one-off cost is %(one_off)s and the yearly cost %(yearly)s.",
                         one_off=money("one_off_cost"), yearly=money("yearly_cost"))]
    if savings:
        sentences.append(gettext("The solution is expected to save %(savings)s a year.",
                                 savings=money("yearly_savings")))
    if hours and benefit.get("hourly_cost") is not None:
        sentences.append(gettext("It frees %(hours)s hours of staff time a year, worth %(value)s at an hourly "
                                 "cost of %(rate)s.", hours=formats.number(hours, lang),
                                 value=money("value_of_time_freed", result), rate=money("hourly_cost")))
    elif hours:
        sentences.append(gettext("It frees %(hours)s hours of staff time a year; they are not valued in money, "
                                 "as no hourly cost is given.", hours=formats.number(hours, lang)))
    if result.get("yearly_net_benefit") is not None:
        sentences.append(gettext("The yearly net benefit is thus %(net)s (savings and the value of time freed, "
                                 "less the yearly cost).", net=money("yearly_net_benefit", result)))
        if result.get("payback_years") is not None:
            sentences.append(gettext("The one-off cost is paid back after %(years)s years.",
                                     years=formats.number(result["payback_years"], lang)))
        else:
            sentences.append(gettext("As the net benefit is not positive, the one-off cost is never paid back."))
    return " ".join(sentences)


def _evidence(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_evidence")

    def validity(e: Mapping[str, Any]) -> str:
        if e.get("superseded"):
            return b.t("superseded")
        if e.get("expired"):
            return b.t("expired")
        return b.t("valid") if e.get("valid_on_report_date") else "—"

    yield b.table([b.t("type"), b.t("title_col"), b.t("reference"), b.t("issued"), b.t("expires"),
                   b.t("validity")],
                  ([b.label(e.get("type_label"), e.get("type")), e.get("title"), b.show(e.get("reference")),
                    b.show(e.get("issued_on")), b.show(e.get("expires_on")), validity(e)]
                   for e in report["evidence"]), [22, 26, 18, 11, 11, 12])


def _trustworthy(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_trustworthy_assessment")
    section = report["trustworthy_assessment"]
    latest = section.get("latest")
    if not latest:
        yield b.para(b.t("none"), "muted")
        return
    yield b.pairs([(b.t("assessed"), b.show(latest.get("assessed_on"))),
                   (b.t("assessed_by"), b.show(latest.get("assessed_by"))),
                   (b.t("summary"), b.show(latest.get("summary"))),
                   (b.t("versions"), str(section.get("versions", 1)))])
    yield Spacer(1, 2 * mm)
    answers = latest.get("answers") or {}
    rows = []
    for requirement in trustworthy.REQUIREMENTS:
        item = answers.get(requirement.key) if isinstance(answers.get(requirement.key), Mapping) else {}
        answer = trustworthy.ANSWER_LABELS.get(item.get("answer"))
        rows.append([gettext(requirement.name), gettext(answer) if answer else "—",
                     b.show(item.get("evidence")), b.show(item.get("open_actions"))])
    yield b.table([b.t("requirement"), b.t("assessment"), b.t("basis"), b.t("open_actions")], rows,
                  [27, 16, 30, 27])


def _continuity(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_continuity")
    section = report["continuity"]
    critical = section.get("critical_for_patient_care")
    yield b.pairs([
        (b.t("critical"), b.t("not_stated") if critical is None else b.show(critical)),
        (b.t("max_outage"), b.show(section.get("max_tolerable_outage_hours"))),
        (b.t("plan_tested"), b.show(section.get("recovery_plan_tested_on"))),
    ])
    yield Spacer(1, 2 * mm)
    yield b.table([b.t("type"), b.t("title_col"), b.t("issued"), b.t("expires"), b.t("validity")],
                  ([_labels().evidence_label(e.get("type")), e.get("title"),
                    b.show(e.get("issued_on")), b.show(e.get("expires_on")),
                    b.t("valid") if e.get("valid_on_report_date") else b.t("expired")]
                   for e in section.get("evidence") or []), [24, 36, 13, 13, 14])


def _recipient(code: Any, lang: str) -> str:
    try:
        return gettext(recipient_label(code))
    except (KeyError, ValueError):
        return _words(code)


DUTY_STATUSES = {"open": N_("open"), "done": N_("done"), "not_applicable": N_("not applicable")}
REVIEW_OUTCOMES = {"satisfactory": N_("Satisfactory"), "actions_required": N_("Actions required"),
                   "unsatisfactory": N_("Unsatisfactory")}


def _duty_status(code: Any) -> str:
    return gettext(DUTY_STATUSES[code]) if code in DUTY_STATUSES else _words(code)


def _review_outcome(code: Any) -> str:
    return gettext(REVIEW_OUTCOMES[code]) if code in REVIEW_OUTCOMES else _words(code)


def _words(code: Any) -> str:
    """A stored code as words (`actions_required` → `actions required`), so it wraps between words."""
    return "—" if code in (None, "") else str(code).replace("_", " ")


def _incidents(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_incidents")
    incidents = report["incidents"]
    yield b.table([b.t(k) for k in ("date", "what_happened", "unit", "harm", "serious", "status")],
                  ([b.show(i.get("occurred_at")), i.get("what_happened"), b.show(i.get("care_unit")),
                    b.value("patient_harm", i.get("patient_harm")), b.show(i.get("serious")),
                    b.value("status", i.get("status"), "incident")]
                   for i in incidents), [14, 33, 19, 13, 9, 12])
    sub = 0
    for incident in incidents:
        if not incident.get("duties"):
            continue
        sub += 1
        yield from b.h2(f"{number}.{sub}", f"{b.t('duties')}: {b.show(incident.get('occurred_at'))}")
        yield b.table([b.t("recipient"), b.t("citation"), b.t("due"), b.t("status"), b.t("reference")],
                      ([_recipient(d.get("recipient"), b.lang), _labels().cite(d.get("citation")),
                        b.show(d.get("due_at")),
                        _duty_status(d.get("status")), b.show(d.get("reference"))] for d in incident["duties"]),
                      [18, 34, 18, 12, 18], small=True)


def _reviews(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_reviews")
    yield b.table([b.t("date"), b.t("outcome"), b.t("checked"), b.t("note"), b.t("by"), b.t("next_review")],
                  ([b.show(r.get("reviewed_on")), _review_outcome(r.get("outcome")), b.show(r.get("checked")),
                    b.show(r.get("notes")), b.show(r.get("reviewed_by")), b.show(r.get("next_review_on"))]
                   for r in report["reviews"]), [12, 15, 20, 27, 14, 12])


def _checkpoint_lines(b: Blocks, chain) -> Iterator[Flowable]:
    """The latest signed checkpoint of the chain (issue #19), and any checkpoint the chain contradicts."""
    checkpoint = chain.get("checkpoint")
    if checkpoint:
        yield b.para(f"{b.t('checkpoint')}: #{checkpoint['position']} · {checkpoint['head']} · "
                     f"{checkpoint['signed_at']}", "small")
    for item in chain.get("checkpoint_contradictions") or []:
        why = b.t(f"checkpoint_{item['kind']}").format(end=item["chain_ends_at"], position=item["position"],
                                                       signed_at=item["signed_at"])
        yield Paragraph(escape(f"{b.t('broken')}: {why}"), b.s["verdict_bad"])


def _audit(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_audit")
    chain = report["chain"]
    verification = chain["verification"]
    verdict = b.t("intact") if verification["intact"] else b.t("broken")
    yield Paragraph(escape(f"{b.t('verification')}: {verdict} · {verification['events_checked']} "
                           f"{b.t('events_checked')}"),
                    b.s["verdict_ok" if verification["intact"] else "verdict_bad"])
    for problem in verification.get("problems") or []:
        yield b.para(f"#{problem['position']} (seq {problem['solution_seq']}): {problem['reason']}")
    yield b.para(f"{b.t('chain_head')}: #{chain['head']['position']} · {chain['head']['hash']}", "small")
    if chain.get("head_as_of"):
        head = chain["head_as_of"]
        yield b.para(f"{b.t('as_of')}: #{head['position']} · {head['hash']}", "small")
    yield from _checkpoint_lines(b, chain)
    yield from b.h2(f"{number}.1", f"{b.t('events')} ({chain['events_of_solution']})")
    header = [b.t(key) for key in ("seq", "position", "time", "actor", "action", "entity", "details", "hash")]
    widths = [5, 6, 15.5, 13, 11, 12.5, 26, 11]
    # Every cell that holds words wraps (a name is never cut); numbers and hashes are drawn as they are.
    chunk: list[list[Any]] = []
    style = b.s["small"]
    labels = _labels()
    room = [w * b.width / sum(widths) - 7 for w in widths]

    def cell(value: Any, column: int) -> Flowable | Plain:
        # One line drawn as it is when it fits (cheap for thousands of rows), else a wrapping paragraph.
        content = "—" if value in (None, "") else str(value)
        if pdfmetrics.stringWidth(content, FONT, style.fontSize) <= room[column]:
            return Plain(content)
        return _p(content, style, b.lang)

    for event in events():
        entity = f"{labels.entity_label(event['entity_type'])} {event['entity_id']}"
        chunk.append([
            Plain(event["solution_seq"]), Plain(event["position"]),
            cell(_iso(event["occurred_at"])[:16].replace("T", " "), 2),
            cell(names.get(event["actor_id"], event["actor_id"]), 3),
            cell(labels.action_label(event["action"]), 4), cell(entity, 5),
            _p(_event_details(event, b.lang, names), style, b.lang, 400), Plain(_short_hash(event["hash"], 10)),
        ])
        if len(chunk) >= EVENT_CHUNK:
            yield b.table(header, chunk, widths, small=True)
            chunk = []
    if chunk or not chain["events_of_solution"]:
        yield b.table(header, chunk, widths, small=True)


def _iso(value: Any) -> str:
    return format_timestamp(value) if hasattr(value, "tzinfo") else str(value)


# --------------------------------------------------------------------------- codes as labels
# The one mapping from codes to labels is the web's (ai_register.web.labels, web.results); the
# report is laid out inside force_locale, so each call reads the report's language.


def _labels():
    return labels


def _action(code: Any) -> str:
    return _labels().action_label(code) if code else "—"


def _phase(code: Any) -> str:
    return _labels().phase_label(code) if code else "—"


def _status(code: Any) -> str:
    return _labels().status_label(code) if code else "—"


def _request_status(code: Any) -> str:
    return _labels().request_label(code)


def _review_status(code: Any) -> str:
    return _labels().review_label(code)


def _ai_act_role(code: Any) -> str:
    return _labels().ai_act_role_label(code)


def _route(code: str) -> str:
    return results.route_label(code)


def _transparency(code: str) -> str:
    return results.transparency_label(code)


def _device(regulation: Any, device_class: Any) -> str:
    return _labels().device_label(regulation, device_class)


def _invalid_reason(code: Any) -> str:
    return {
        "none_approved": gettext("No classification has been approved yet."),
        "flagged_for_review": gettext("The classification is flagged for re-review after a rule-set change."),
        "result_changed_under_current_ruleset": gettext(
            "The classification's result changes under the current rule set; it must be reviewed again."),
    }.get(code, gettext("No valid classification."))


def _ruleset():
    return active_ruleset()


def _answer_rows(answers: Mapping[str, Any]) -> list[dict]:
    """Each answered question by its text, each answer by its option's label (never the ids)."""

    rows = results.question_rows(answers, _ruleset())
    shown = {row["id"] for row in rows}
    # An answer to a question the current questionnaire no longer asks keeps its stored value.
    rows += [{"text": qid.replace("_", " "), "answer": str(value)} for qid, value in answers.items()
             if qid not in shown]
    return rows


def _rule_explainer() -> Callable[[Any], str]:
    explain = results.explainer(_ruleset())
    return lambda rule_id: explain(rule_id) or str(rule_id)


def _obligation_text(obligation: Mapping[str, Any]) -> str:
    texts = {o.id: o.text.in_language(_labels().lang()) for o in _ruleset().obligations}
    return texts.get(obligation.get("id")) or obligation.get("text") or str(obligation.get("id"))


SECTION_WRITERS: dict[str, Callable] = {
    "identity": _identity,
    "lifecycle": _lifecycle,
    "classifications": _classifications,
    "obligations": _obligations,
    "oversight": _oversight,
    "goals": _goals,
    "evidence": _evidence,
    "trustworthy_assessment": _trustworthy,
    "continuity": _continuity,
    "incidents": _incidents,
    "reviews": _reviews,
    "audit": _audit,
}
SECTION_WRITERS.update(DEPLOYER_WRITERS)  # obligation records, FRIA, AI literacy (issue 21)


# --------------------------------------------------------------------------- the portfolio report

PORTFOLIO_WIDTHS = [18, 10, 6, 11, 8.5, 11, 12, 9, 20]


def _code_label(b: Blocks, labels: Mapping, kind: Callable, code: Any) -> str:
    try:
        return gettext(labels[kind(code)])
    except (ValueError, KeyError):
        return b.show(code)


def render_portfolio(out: BinaryIO, rows: Callable[[], Iterable[Mapping[str, Any]]], *, generated_at: str,
                     generated_by: str, ruleset: Mapping[str, Any] | None, chain_head: Mapping[str, Any],
                     filters: Mapping[str, Any], lang: str = "sv") -> int:
    register_fonts()
    pagesize = landscape(A4)
    width = pagesize[0] - 36 * mm
    footer = Footer(generated_at=generated_at[:19].replace("T", " ") + " UTC", generated_by=generated_by,
                    ruleset=f"{(ruleset or {}).get('version', '—')} · SHA-256 "
                            f"{(ruleset or {}).get('sha256') or '—'}",
                    chain_head=f"#{chain_head['position']} · {chain_head['hash']}", lang=lang,
                    title=text("portfolio_title", lang))

    def story() -> Iterator[Flowable]:
        b = Blocks(lang, width)
        yield b.para(b.t("register"), "muted")
        yield Paragraph(escape(b.t("portfolio_title")), b.s["title"])
        yield b.para(b.t("portfolio_subtitle"), "muted")
        described = ", ".join(f"{k}={v}" for k, v in sorted(filters.items())) or b.t("all")
        yield b.para(f"{b.t('filters')}: {described}")
        yield Spacer(1, 4 * mm)
        header = [b.t("name"), b.t("phase"), b.t("status"), b.t("category"), b.t("class_short"), b.t("owner"),
                  b.t("oversight_owner"), b.t("next_review"), b.t("open_obligations")]
        chunk: list[list[Any]] = []
        count = 0
        for row in rows():
            count += 1
            review = b.show(row.get("next_review_on"))
            if row.get("review_overdue"):
                review += f" ({b.t('overdue')})"
            chunk.append([row.get("name"),
                          _code_label(b, PHASE_LABELS, Phase, row.get("phase")),
                          _code_label(b, STATUS_LABELS, Status, row.get("status")),
                          b.category(row.get("ai_act_category")) if row.get("ai_act_category") else "—",
                          b.show(row.get("device_class")), b.show(row.get("owner")),
                          b.show(row.get("oversight_owner")), review,
                          ", ".join(b.value("obligation_id", code, "solution_obligation")
                                    for code in row.get("open_obligations") or []) or "—"])
            if len(chunk) >= EVENT_CHUNK:
                yield b.table(header, chunk, PORTFOLIO_WIDTHS)
                chunk = []
        if chunk or not count:
            yield b.table(header, chunk, PORTFOLIO_WIDTHS)
        yield Spacer(1, 3 * mm)
        yield KeepTogether([b.para(f"{b.t('solutions_count')}: {count}", "muted")])

    with _locale(lang):
        return build_pdf(out, story(), footer, pagesize=pagesize, title=text("portfolio_title", lang),
                         author=generated_by)
