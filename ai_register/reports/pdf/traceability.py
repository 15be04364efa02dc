"""The traceability report of one solution as PDF: a title page with the chain's verdict and the contents,
then the sections in `SECTION_ORDER` (the record sections of `sections.py`, the deployer-duty sections of
`reports/deployer_sections.py` when they hold records, the audit trail of `audit_section.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from ai_register.reports.deployer_sections import WRITERS as DEPLOYER_WRITERS
from ai_register.reports.labels import text
from ai_register.reports.pdf import audit_section, sections
from ai_register.reports.pdf.blocks import Blocks, clip, styles
from ai_register.reports.pdf.document import (
    FONT,
    INK,
    RULE,
    Footer,
    FormRef,
    Heading,
    build_pdf,
    register_fonts,
    report_locale,
    toc_form,
)

SECTION_ORDER = ("identity", "lifecycle", "classifications", "obligations", "oversight", "goals", "evidence",
                 "trustworthy_assessment", "continuity", "incidents", "reviews",
                 "obligation_records", "fria", "literacy", "suppliers", "monitoring", "audit")

SECTION_WRITERS: dict[str, Callable] = {**sections.WRITERS, **DEPLOYER_WRITERS, **audit_section.WRITERS}


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
    footer = report_footer(report, lang, clip(report["solution"].get("name", ""), lang, 60))
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

    toc_keys = [Heading(numbers[name], "", styles()["h1"]).toc_key for name in sections]
    with report_locale(lang):
        return build_pdf(out, story(), footer, title=title, author=report["report"]["generated_by"]["name"],
                         toc_keys=toc_keys)


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
