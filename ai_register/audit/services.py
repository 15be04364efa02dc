"""Writing and reading the audit trail. Services call `record_*` in the same transaction as the change."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import g, has_app_context, has_request_context
from sqlalchemy import func, inspect, select, text

from ai_register.audit.chain import GENESIS_HASH, ChainReport, link_hash, verify_chain
from ai_register.audit.models import AuditEvent
from ai_register.extensions import db

# Any constant will do; it only has to be the same for every writer of the chain.
CHAIN_LOCK_KEY = 7_262_026


def jsonable(value: Any) -> Any:
    """Plain JSON values for the trail: dates as ISO strings, enums as values, decimals as strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    return value


def snapshot(entity, *, exclude: frozenset[str] = frozenset()) -> dict:
    """Column values of a mapped object, JSON-ready."""
    mapper = inspect(entity).mapper
    return {
        attr.key: jsonable(getattr(entity, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in exclude
    }


def diff(before: dict, after: dict) -> dict:
    """Changed fields as {field: {"before": …, "after": …}}."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def current_actor_id() -> int | None:
    return getattr(g, "actor_id", None) if has_app_context() else None


def _channel() -> str:
    return getattr(g, "channel", "cli") if has_app_context() else "cli"


def _request_id() -> str | None:
    return getattr(g, "request_id", None) if has_request_context() else None


def _lock_chain() -> None:
    """Serialise appends so concurrent writers never fork the chain."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


# Set while a spreadsheet import runs (onboarding): the services' creates and updates are then
# recorded as action "import", with the file and row as reason, so the trail tells migrated records apart.
_IMPORT_REASON: ContextVar[str | None] = ContextVar("audit_import_reason", default=None)


@contextmanager
def importing(reason: str) -> Iterator[None]:
    """Inside, every "create" and "update" event is recorded as "import" (reason: `reason` unless given)."""
    token = _IMPORT_REASON.set(reason)
    try:
        yield
    finally:
        _IMPORT_REASON.reset(token)


def record(action: str, entity_type: str, entity_id: Any, *, solution_id: int | None = None,
           data: dict | None = None, reason: str | None = None, actor_id: int | None = None,
           occurred_at: datetime | None = None) -> AuditEvent:
    """Append one event to the chain and flush it with the change it describes."""
    import_reason = _IMPORT_REASON.get()
    if import_reason is not None and action in ("create", "update"):
        action, reason = "import", reason or import_reason
    db.session.flush()  # the change being audited gets its id first
    _lock_chain()
    head = db.session.execute(
        select(AuditEvent.position, AuditEvent.hash).order_by(AuditEvent.position.desc()).limit(1)
    ).first()
    position, prev_hash = (head.position + 1, head.hash) if head else (1, GENESIS_HASH)
    solution_seq = None
    if solution_id is not None:
        last_seq = db.session.scalar(
            select(func.max(AuditEvent.solution_seq)).where(AuditEvent.solution_id == solution_id)
        )
        solution_seq = (last_seq or 0) + 1
    fields = {
        "position": position,
        "occurred_at": (occurred_at or datetime.now(UTC)).astimezone(UTC),
        "actor_id": actor_id if actor_id is not None else current_actor_id(),
        "channel": _channel(),
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "solution_id": solution_id,
        "solution_seq": solution_seq,
        "data": jsonable(data or {}),
        "reason": reason,
        "request_id": _request_id(),
    }
    event = AuditEvent(**fields, prev_hash=prev_hash, hash=link_hash(prev_hash, fields))
    db.session.add(event)
    db.session.flush()
    return event


def record_create(entity, entity_type: str, *, solution_id: int | None = None,
                  reason: str | None = None, exclude: frozenset[str] = frozenset()) -> AuditEvent:
    db.session.flush()
    return record("create", entity_type, entity.id, solution_id=solution_id,
                  data={"record": snapshot(entity, exclude=exclude)}, reason=reason)


def record_update(entity, entity_type: str, before: dict, *, solution_id: int | None = None,
                  reason: str | None = None, action: str = "update",
                  exclude: frozenset[str] = frozenset()) -> AuditEvent | None:
    """Record the changed fields; nothing is written when nothing changed."""
    db.session.flush()
    changes = diff(before, snapshot(entity, exclude=exclude))
    if not changes:
        return None
    return record(action, entity_type, entity.id, solution_id=solution_id,
                  data={"changes": changes}, reason=reason)


def chain_head() -> dict:
    head = db.session.execute(
        select(AuditEvent.position, AuditEvent.hash).order_by(AuditEvent.position.desc()).limit(1)
    ).first()
    return {"position": head.position, "hash": head.hash} if head else {"position": 0, "hash": GENESIS_HASH}


def iter_chain(batch_size: int = 5000) -> Iterator[dict]:
    """Every event in chain order, read in keyset batches (bounded memory)."""
    last = 0
    # A Core SELECT of the table: plain rows, without the ORM's loading machinery (half the cost).
    table = AuditEvent.__table__
    while True:
        rows = db.session.execute(
            select(table).where(table.c.position > last).order_by(table.c.position).limit(batch_size)
        ).mappings().all()
        if not rows:
            return
        yield from rows
        last = rows[-1]["position"]


def verify_stored_chain() -> ChainReport:
    return verify_chain(iter_chain())
