"""Reports for auditors: the traceability report (JSON, PDF, `as_of`), the signed evidence bundle, the
EU database export, the portfolio report, and the public key that signs bundles."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from typing import IO

from flask import Response, current_app, request, stream_with_context
from flask_smorest import Blueprint
from werkzeug.exceptions import NotFound

from ai_register.audit.chain import format_timestamp
from ai_register.audit.services import chain_head
from ai_register.errors import Problem
from ai_register.reports import eu_database
from ai_register.reports.download import file_response
from ai_register.reports.events import iter_solution_events, last_solution_seq
from ai_register.reports.evidence_bundle import solution_bundle
from ai_register.reports.export import iter_csv, iter_portfolio_json, iter_report_json, portfolio_csv_row
from ai_register.reports.instants import as_of_instant, region_zone
from ai_register.reports.pdf.document import FontMissing
from ai_register.reports.pdf.portfolio import render_portfolio
from ai_register.reports.pdf.traceability import render_solution_report
from ai_register.reports.people import solution_actor_names
from ai_register.reports.portfolio_report import PORTFOLIO_COLUMNS, iter_portfolio
from ai_register.reports.schemas import (
    BundleArgsSchema,
    EuDatabaseArgsSchema,
    EuDatabaseSchema,
    PortfolioArgsSchema,
    PortfolioSchema,
    ReportArgsSchema,
    ReportSchema,
)
from ai_register.reports.signing import public_key_pem
from ai_register.reports.traceability import build_report, build_sections, report_ruleset
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, PUBLIC, access, actor
from ai_register.solutions.access import get_solution

blp = Blueprint("reports_api", __name__, url_prefix="/api/v1",
                description="Reports, evidence bundles and exports")

PDF, CSV, JSON = "application/pdf", "text/csv", "application/json"
ZIP, PEM = "application/zip", "application/x-pem-file"
MIME = {"json": JSON, "pdf": PDF, "csv": CSV}
BINARY = {"schema": {"type": "string", "format": "binary"}}


def _wanted(args: dict, offered: tuple[str, ...]) -> str:
    """`?format=` first, then the Accept header; JSON when neither asks for something else."""
    if "format" in args:
        return args["format"]
    best = request.accept_mimetypes.best_match([MIME[f] for f in offered], default=JSON)
    return next((f for f in offered if MIME[f] == best), "json")


def _lang(args: dict) -> str:
    return args.get("lang") or request.accept_languages.best_match(["sv", "en"]) or "sv"


def _spool() -> IO[bytes]:
    """Where a PDF is built: memory up to 8 MB, then a temporary file. The response closes it."""
    return tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the response


def _as_of(value: date | datetime | None) -> datetime | None:
    if value is None:
        return None
    now = datetime.now(UTC)
    try:
        instant = as_of_instant(value)
    except OverflowError:  # at the edge of the calendar (year 1 or 9999) in another time zone
        if value.year <= now.year:
            raise Problem(422, "Invalid input: as_of", errors={"as_of": ["as_of is out of range."]}) from None
        instant = None  # year 9999: in the future, refused below
    if instant is not None and instant <= now:
        return instant
    if not isinstance(value, datetime) and value <= now.astimezone(region_zone()).date():
        return now  # today, not yet over: the state so far
    raise Problem(422, "Invalid input: as_of", errors={"as_of": ["as_of must not be in the future."]})


def _pdf_error(exc: FontMissing) -> Problem:
    return Problem(500, str(exc), title="PDF fonts missing")


# --------------------------------------------------------------------------- traceability report


@blp.get("/solutions/<int:solution_id>/report")
@access(OWNER, COMPLIANCE, AUDITOR)
@blp.arguments(ReportArgsSchema, location="query")
@blp.response(200, ReportSchema)
@blp.doc(responses={200: {"description": "The report: JSON, or PDF with `Accept: application/pdf` / "
                                           "`?format=pdf`", "content": {PDF: BINARY}}})
def solution_report(args, solution_id: int):
    """The traceability report of a solution: its whole story, the audit events and the chain check."""
    solution = get_solution(solution_id, actor())
    as_of = _as_of(args.get("as_of"))
    max_seq = last_solution_seq(solution.id)
    report = build_report(solution, generated_by=actor(), as_of=as_of, verify=args["verify"],
                                  max_seq=max_seq)
    if not report:
        raise NotFound("The solution did not exist at that time.")

    def events():
        return iter_solution_events(solution.id, until=as_of, max_seq=max_seq)

    if _wanted(args, ("json", "pdf")) == "pdf":
        handle = _spool()
        try:
            names = solution_actor_names(solution.id)
            render_solution_report(handle, report, events, names, _lang(args))
        except FontMissing as exc:
            handle.close()
            raise _pdf_error(exc) from exc
        suffix = f"-as-of-{as_of.date().isoformat()}" if as_of else ""
        return file_response(handle, PDF, f"traceability-report-solution-{solution.id}{suffix}.pdf")
    return Response(stream_with_context(iter_report_json(report, events())), mimetype=JSON)


# --------------------------------------------------------------------------- evidence bundle


@blp.get("/solutions/<int:solution_id>/bundle")
@access(OWNER, COMPLIANCE, AUDITOR)
@blp.arguments(BundleArgsSchema, location="query")
@blp.response(200, content_type=ZIP, description="ZIP: report.json, report.pdf, events.jsonl, "
                                                 "chain_head.json, manifest.json, manifest.sig (Ed25519), "
                                                 "public_key.pem, evidence/<id>-<name> (the evidence "
                                                 "files)")
@blp.doc(responses={200: {"content": {ZIP: BINARY}}})
def evidence_bundle(args, solution_id: int):
    """A signed evidence bundle; check it offline with `tools/verify_bundle.py BUNDLE.zip`."""
    try:
        bundle, filename = solution_bundle(get_solution(solution_id, actor()), actor(), _lang(args))
    except FontMissing as exc:
        raise _pdf_error(exc) from exc
    return file_response(bundle, ZIP, filename)


@blp.get("/audit/public-key")
@access(PUBLIC)
@blp.response(200, content_type=PEM, description="The Ed25519 public key (PEM) that signs evidence bundles")
@blp.doc(responses={200: {"content": {PEM: {"schema": {"type": "string"}}}}})
def signing_public_key():
    """The public key that signs evidence bundles (no sign-in needed)."""
    response = Response(public_key_pem(), mimetype=PEM)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# --------------------------------------------------------------------------- EU database export


@blp.get("/solutions/<int:solution_id>/eu-database")
@access(OWNER, COMPLIANCE, AUDITOR)
@blp.arguments(EuDatabaseArgsSchema, location="query")
@blp.response(200, EuDatabaseSchema)
def eu_database_export(args, solution_id: int):
    """AI Act Annex VIII (Sections A, B, C) or EUDAMED data of a solution, with the missing fields."""
    solution = get_solution(solution_id, actor())
    report = build_sections(solution, generated_by=actor(), only=eu_database.SECTIONS)
    return eu_database.export(report, current_app.config)


# --------------------------------------------------------------------------- portfolio


@blp.get("/reports/portfolio")
@access(COMPLIANCE, AUDITOR)
@blp.arguments(PortfolioArgsSchema, location="query")
@blp.response(200, PortfolioSchema)
@blp.doc(responses={200: {"description": "JSON, CSV (`Accept: text/csv` / `?format=csv`) or PDF",
                            "content": {CSV: {"schema": {"type": "string"}}, PDF: BINARY}}})
def portfolio_report(args):
    """Every solution the filters match: phase, categories, oversight owner, next review, open obligations."""
    user = actor()
    filters = {k: v for k, v in args.items() if k not in ("format", "lang")}
    wanted = _wanted(args, ("json", "csv", "pdf"))
    generated_at = format_timestamp(datetime.now(UTC))
    if wanted == "csv":
        rows = (portfolio_csv_row(row) for row in iter_portfolio(user, filters))
        response = Response(stream_with_context(iter_csv(PORTFOLIO_COLUMNS, rows)),
                            mimetype=CSV, content_type=f"{CSV}; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="portfolio-{generated_at[:10]}.csv"'
        return response
    head = chain_head()
    if wanted == "pdf":
        handle = _spool()
        try:
            render_portfolio(handle, lambda: iter_portfolio(user, filters), generated_at=generated_at,
                             generated_by=user.display_name, ruleset=report_ruleset(),
                             chain_head=head, filters=_describe(filters), lang=_lang(args))
        except FontMissing as exc:
            handle.close()
            raise _pdf_error(exc) from exc
        return file_response(handle, PDF, f"portfolio-{generated_at[:10]}.pdf")
    report = {"generated_at": generated_at,
              "generated_by": {"id": user.id, "name": user.display_name, "role": user.role},
              "filters": _describe(filters), "chain_head": head}
    # Streamed: every row the reader may see, read in batches from one cursor (constant memory).
    return Response(stream_with_context(iter_portfolio_json(report, iter_portfolio(user, filters))), mimetype=JSON)


def _describe(filters: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in filters.items()}
