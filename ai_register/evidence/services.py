"""Recording evidence and its files. Services flush and audit; the request commits.

Public read functions for the lifecycle gates: `evidence_for` and `evidence_facts` (current records
only: a superseded record no longer counts, whatever its dates).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import FileStorage

from ai_register.apikit import show_each
from ai_register.audit import services as audit
from ai_register.evidence import files
from ai_register.evidence.models import EXPIRES_BEFORE_ISSUE, STORAGE_COLUMNS, Evidence
from ai_register.exceptions import Conflict, InvalidInput, NotFound, TooLarge, UnsupportedType
from ai_register.extensions import db
from ai_register.solutions.access import get_child
from ai_register.solutions.lifecycle.facts import EvidenceFact, EvidenceType
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.users.models import User, utcnow

RECORD_FIELDS = ("type", "title", "reference", "issued_on", "expires_on", "issuer", "note")

def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


# --- reading ---------------------------------------------------------------------------------------

def evidence_query(solution_id: int, *, type: str | None = None, current: bool = False) -> Select:
    query = select(Evidence).where(Evidence.solution_id == solution_id)
    if type is not None:
        query = query.where(Evidence.type == type)
    if current:
        query = query.where(Evidence.superseded_by_id.is_(None))
    return query.order_by(Evidence.id)


def evidence_for(solution_id: int, *, include_superseded: bool = False) -> list[Evidence]:
    """The solution's evidence records, oldest first; by default only those not superseded."""
    return list(db.session.scalars(evidence_query(solution_id, current=not include_superseded)).all())


def evidence_facts(solution_id: int) -> tuple[EvidenceFact, ...]:
    """The current evidence as the lifecycle gates see it (type, issued_on, expires_on)."""
    return evidence_facts_of([solution_id])[solution_id]


def evidence_facts_from(records: list[Evidence]) -> tuple[EvidenceFact, ...]:
    """`evidence_facts` of a solution from its records as `evidence_for` reads them (current, oldest first): a
    page that shows them builds the gate's facts without reading them again."""
    return tuple(_evidence_fact(e) for e in records)


def _evidence_fact(e: Evidence) -> EvidenceFact:
    return EvidenceFact(EvidenceType(e.type), e.issued_on, e.expires_on)


def evidence_facts_of(solution_ids: list[int]) -> dict[int, tuple[EvidenceFact, ...]]:
    """`evidence_facts` of each of `solution_ids`, oldest first, in one statement."""
    facts: dict[int, tuple[EvidenceFact, ...]] = {sid: () for sid in solution_ids}
    for e in db.session.scalars(select(Evidence).where(Evidence.solution_id.in_(solution_ids),
                                                       Evidence.superseded_by_id.is_(None)).order_by(Evidence.id)):
        facts[e.solution_id] += (_evidence_fact(e),)
    return facts


def get_evidence(evidence_id: int, user: User) -> Evidence:
    """An evidence record `user` may read (the ownership rule of its solution), else 404."""
    return get_child(Evidence, evidence_id, user)


def shown(evidence: Evidence, today: date | None = None) -> Evidence:
    """The record as the API shows it: with `valid_today` (on the region's calendar day)."""
    evidence.valid_today = evidence.valid_on(today or region_today())
    return evidence


def shown_page(page: dict) -> dict:
    """A page of records (`apikit.page_of`), each as the API shows it."""
    return show_each(page, partial(shown, today=region_today()))


def file_path(evidence: Evidence) -> Path:
    if not evidence.has_file:
        raise NotFound("This evidence has no file attached.")
    path = files.stored_path(upload_dir(), evidence.stored_name)
    if not path.is_file():
        current_app.logger.error("evidence %s: stored file %s is missing", evidence.id, evidence.stored_name)
        raise NotFound("The file of this evidence is missing from storage.")
    return path


# --- writing ---------------------------------------------------------------------------------------

def _superseded_record(solution: Solution, evidence_id: int | None) -> Evidence | None:
    if evidence_id is None:
        return None
    # Locked, so two writers cannot both supersede the same record.
    old = db.session.get(Evidence, evidence_id, with_for_update=True)
    if old is None or old.solution_id != solution.id:
        raise InvalidInput("The evidence to supersede does not exist for this solution.",
                           errors={"supersedes": ["No such evidence for this solution."]})
    if old.superseded_by_id is not None:
        raise Conflict(f"Evidence {old.id} is already superseded by evidence {old.superseded_by_id}.")
    return old


def create_evidence(solution: Solution, data: dict, upload: FileStorage | None = None, *, by: User) -> Evidence:
    """Record evidence, optionally with a file, optionally superseding an older record."""
    issued, expires = data.get("issued_on"), data.get("expires_on")
    if issued and expires and expires < issued:
        raise InvalidInput("Invalid input: expires_on", errors={"expires_on": [EXPIRES_BEFORE_ISSUE]})
    old = _superseded_record(solution, data.get("supersedes"))
    stored = None
    if upload is not None:
        try:
            stored = files.store_upload(upload.stream, upload.filename or "", upload_dir(),
                                        current_app.config["MAX_CONTENT_LENGTH"])
        except files.UploadRejected as rejected:
            refusal = {413: TooLarge, 415: UnsupportedType}.get(rejected.status, InvalidInput)
            raise refusal(rejected.message, errors={"file": [rejected.message]}) from rejected
    evidence = Evidence(solution_id=solution.id, created_by_id=by.id,
                        **{name: data.get(name) for name in RECORD_FIELDS})
    if stored is not None:
        evidence.stored_name = stored.stored_name
        evidence.file_name = stored.file_name
        evidence.file_content_type = stored.content_type
        evidence.file_size = stored.size
        evidence.file_sha256 = stored.sha256
    try:
        db.session.add(evidence)
        audit.record_create(evidence, "evidence", solution_id=solution.id, reason=data.get("reason"),
                            exclude=STORAGE_COLUMNS)
        if old is not None:
            before = audit.snapshot(old, exclude=STORAGE_COLUMNS)
            old.superseded_by_id = evidence.id
            old.superseded_at = utcnow()
            audit.record_update(old, "evidence", before, solution_id=solution.id, reason=data.get("reason"),
                                action="supersede", exclude=STORAGE_COLUMNS)
    except SQLAlchemyError:
        # The row never made it; do not leave its file behind.
        if stored is not None:
            files.remove_stored(upload_dir(), stored.stored_name)
        raise
    return evidence
