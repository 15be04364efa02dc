"""Report downloads for the browser (the API's are for bearer tokens): the traceability report as
PDF and the signed evidence bundle (ZIP). The reports module builds and renders; these views only
stream the file."""

from __future__ import annotations

import tempfile

from flask import Blueprint

from ai_register import formats
from ai_register.reports.download import file_response
from ai_register.reports.events import iter_solution_events, last_solution_seq
from ai_register.reports.evidence_bundle import solution_bundle
from ai_register.reports.pdf.traceability import render_solution_report
from ai_register.reports.people import solution_actor_names
from ai_register.reports.traceability import build_report
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution

bp = Blueprint("reports_web", __name__)


@bp.get("/solutions/<int:solution_id>/report.pdf")
@access(OWNER, COMPLIANCE, AUDITOR)
def report(solution_id: int):
    solution = get_solution(solution_id, actor())
    max_seq = last_solution_seq(solution.id)
    data = build_report(solution, generated_by=actor(), max_seq=max_seq)
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed after streaming
    render_solution_report(
        handle,
        data,
        lambda: iter_solution_events(solution.id, max_seq=max_seq),
        solution_actor_names(solution.id),
        formats.lang(),
    )
    return file_response(handle, "application/pdf", f"traceability-report-solution-{solution.id}.pdf")


@bp.get("/solutions/<int:solution_id>/bundle.zip")
@access(OWNER, COMPLIANCE, AUDITOR)
def bundle(solution_id: int):
    """The signed evidence bundle, as GET /api/v1/solutions/{id}/bundle gives it (the report in the
    reader's language); checked offline with tools/verify_bundle.py."""
    handle, filename = solution_bundle(get_solution(solution_id, actor()), actor(), formats.lang())
    return file_response(handle, "application/zip", filename)
