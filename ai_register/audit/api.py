"""The audit trail and its verification, for compliance and auditors."""

from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma
from flask_smorest import Blueprint
from sqlalchemy import func, select

from ai_register.apikit import page_window
from ai_register.audit import checkpoints
from ai_register.audit.chain import format_timestamp
from ai_register.audit.models import AuditEvent
from ai_register.audit.schemas import (
    AuditEventArgsSchema,
    AuditEventPageSchema,
    ChainReportSchema,
    CheckpointsBodySchema,
)
from ai_register.audit.services import chain_head, verify_against_checkpoints
from ai_register.errors import Problem
from ai_register.extensions import db
from ai_register.reports import signing
from ai_register.security import AUDITOR, COMPLIANCE, access

blp = Blueprint("audit_api", __name__, url_prefix="/api/v1/audit", description="Audit trail")

FILTERS = {
    "solution_id": AuditEvent.solution_id,
    "actor_id": AuditEvent.actor_id,
    "action": AuditEvent.action,
    "entity_type": AuditEvent.entity_type,
}


@blp.get("/events")
@access(COMPLIANCE, AUDITOR)
@blp.arguments(AuditEventArgsSchema, location="query", unknown=ma.RAISE)  # a mistyped filter must not widen
@blp.response(200, AuditEventPageSchema)
def list_events(args):
    """Audit events in chain order, filtered; by page, from a cursor (`after` = last position seen) or both."""
    query = select(AuditEvent).order_by(AuditEvent.position)
    for name, column in FILTERS.items():
        if name in args:
            query = query.where(column == args[name])
    if "since" in args:
        query = query.where(AuditEvent.occurred_at >= args["since"])
    if "until" in args:
        query = query.where(AuditEvent.occurred_at < args["until"])
    head = chain_head()
    filtered = any(name in args for name in (*FILTERS, "since", "until"))
    # Positions run 1, 2, 3, … without gaps (the chain appends under a lock and removes nothing), so
    # the whole trail's count is the head's position and a page starts at a position: no scan.
    total = (db.session.scalar(query.order_by(None).with_only_columns(func.count(AuditEvent.id)))
             if filtered else head["position"])
    per_page = args["per_page"]
    if "after" in args:
        query = query.where(AuditEvent.position > args["after"]).offset(page_window(args["page"], per_page)[0])
    elif filtered:
        query = query.offset(page_window(args["page"], per_page)[0])
    else:
        query = query.where(AuditEvent.position > page_window(args["page"], per_page)[0])
    events = db.session.scalars(query.limit(per_page + 1)).all()
    more = len(events) > per_page
    events = events[:per_page]
    return {"items": events, "total": total, "page": args["page"], "per_page": per_page,
            "next_cursor": events[-1].position if more else None, "chain_head": head}


@blp.get("/verify")
@access(COMPLIANCE, AUDITOR)
@blp.response(200, ChainReportSchema)
def verify():
    """Recompute the whole hash chain and hold it against the register's signed checkpoints; report intact,
    or the first broken link (a chain shorter than a checkpoint, or with another hash at its position)."""
    return {**verify_against_checkpoints(), "verified_at": format_timestamp(datetime.now(UTC))}


@blp.post("/verify")
@access(COMPLIANCE, AUDITOR)
@blp.arguments(CheckpointsBodySchema)
@blp.response(200, ChainReportSchema)
def verify_with_checkpoints(body):
    """As GET, and also against checkpoints you bring (your copies of the e-mailed ones); each must be signed
    by this register's key (422 otherwise). Changes nothing."""

    try:
        given = checkpoints.check_given(body["checkpoints"], signing.load_or_create_key().public_key())
    except checkpoints.CheckpointError as exc:
        raise Problem(422, "Invalid input: checkpoints", errors={"checkpoints": [str(exc)]}) from exc
    return {**verify_against_checkpoints(given), "verified_at": format_timestamp(datetime.now(UTC))}
