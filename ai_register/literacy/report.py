"""The region-wide AI-literacy measures in a solution's traceability report: they reach the staff of every
solution (and count at its rollout gate), so its report lists them beside its own. They belong to no
solution's trail, so for a past moment they are replayed from their own events up to that moment, and for
the present read as they are (as the supplier register's records are, suppliers/report.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from ai_register.audit import services as audit
from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.literacy.models import LiteracyMeasure
from ai_register.literacy.services import ENTITY
from ai_register.reports.instants import db_instant
from ai_register.reports.replay import Replay


def region_wide(as_of: datetime | None) -> list[dict[str, Any]]:
    """The region-wide measures (`solution_id` null) as they stood at `as_of` (None: now), oldest first."""
    if as_of is None:
        return [audit.snapshot(m) for m in db.session.scalars(
            select(LiteracyMeasure).where(LiteracyMeasure.solution_id.is_(None)).order_by(LiteracyMeasure.id))]
    moment = db_instant(as_of)
    replay = Replay()
    query = (select(AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.action, AuditEvent.data,
                    AuditEvent.occurred_at, AuditEvent.position)
             .where(AuditEvent.entity_type == ENTITY, AuditEvent.solution_id.is_(None),
                    AuditEvent.occurred_at <= moment)
             .order_by(AuditEvent.position))
    for row in db.session.execute(query).mappings():
        replay.apply(dict(row))
    return sorted((r.fields for r in replay.records(ENTITY) if r.fields.get("solution_id") is None),
                  key=lambda f: f.get("id") or 0)
