"""One solution's signed evidence bundle, as the API (`GET /solutions/{id}/bundle`) and the web page
(the auditor's download) both hand it out: the report (JSON and PDF), the solution's events, the chain
head, the stored checkpoints, the evidence files, a manifest and its Ed25519 signature."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import select

from ai_register.audit.services import hashes_at, stored_checkpoints
from ai_register.evidence.files import stored_path
from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.reports.bundle import EvidenceFile, build_bundle
from ai_register.reports.events import iter_solution_events, last_solution_seq
from ai_register.reports.pdf.traceability import render_solution_report
from ai_register.reports.people import solution_actor_names
from ai_register.reports.traceability import build_report
from ai_register.solutions.models import Solution
from ai_register.users.models import User


def solution_bundle(solution: Solution, by: User, lang: str) -> tuple[IO[bytes], str]:
    """The bundle (a spooled file at its start) and its file name. Raises pdf.FontMissing without fonts."""
    max_seq = last_solution_seq(solution.id)
    report = build_report(solution, generated_by=by, max_seq=max_seq)
    names = solution_actor_names(solution.id)

    def events():
        return iter_solution_events(solution.id, max_seq=max_seq)

    stored = stored_checkpoints()
    bundle = build_bundle(report, events, lambda out: render_solution_report(out, report, events, names, lang),
                          last_solution_seq=max_seq, evidence_files=_evidence_files(solution.id),
                          checkpoints=stored, at_checkpoints=hashes_at(c["position"] for c in stored))
    stamp = report["report"]["generated_at"][:19].replace(":", "").replace("-", "")
    return bundle, f"evidence-bundle-solution-{solution.id}-{stamp}.zip"


def _evidence_files(solution_id: int) -> list[EvidenceFile]:
    """Every stored file of the solution's evidence records, superseded ones included (the report lists them)."""
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    records = db.session.scalars(select(Evidence).where(Evidence.solution_id == solution_id,
                                                        Evidence.stored_name.is_not(None)).order_by(Evidence.id))
    return [EvidenceFile(record.id, record.file_name or "file", stored_path(upload_dir, record.stored_name),
                         record.file_sha256) for record in records]
