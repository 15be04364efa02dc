"""The portfolio report as PDF: every solution the filters match, one row each (landscape)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from ai_register.reports.labels import text
from ai_register.reports.pdf import codes
from ai_register.reports.pdf.blocks import Blocks
from ai_register.reports.pdf.document import EVENT_CHUNK, Footer, build_pdf, register_fonts, report_locale
from ai_register.solutions.lifecycle.phases import PHASE_LABELS, STATUS_LABELS, Phase, Status

PORTFOLIO_WIDTHS = [18, 10, 6, 11, 8.5, 11, 12, 9, 20]


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
                          codes.code_label(b, PHASE_LABELS, Phase, row.get("phase")),
                          codes.code_label(b, STATUS_LABELS, Status, row.get("status")),
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

    with report_locale(lang):
        return build_pdf(out, story(), footer, pagesize=pagesize, title=text("portfolio_title", lang),
                         author=generated_by)
