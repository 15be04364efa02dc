"""Audit events: append-only in three layers (no code path, an ORM guard, a database trigger)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ai_register.extensions import db

BigId = BigInteger().with_variant(Integer, "sqlite")


class AppendOnlyViolation(RuntimeError):
    """Something tried to change or remove an audit event."""


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_solution_seq", "solution_id", "solution_seq", unique=True),
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_actor_occurred", "actor_id", "occurred_at"),
        # The trail's filters, newest first and paged by position (audit/views.py, the events API).
        Index("ix_audit_events_solution_position", "solution_id", "position"),
        Index("ix_audit_events_actor_position", "actor_id", "position"),
        Index("ix_audit_events_action_position", "action", "position"),
        Index("ix_audit_events_entity_type_position", "entity_type", "position"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, unique=True, nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    action: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    entity_type: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False)
    solution_id: Mapped[int | None] = mapped_column(Integer)
    solution_seq: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)

    def chain_fields(self) -> dict:
        return {
            "id": self.id, "position": self.position, "occurred_at": self.occurred_at,
            "actor_id": self.actor_id, "channel": self.channel, "action": self.action,
            "entity_type": self.entity_type, "entity_id": self.entity_id,
            "solution_id": self.solution_id, "solution_seq": self.solution_seq, "data": self.data,
            "reason": self.reason, "request_id": self.request_id, "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):  # noqa: ARG001
    raise AppendOnlyViolation("audit events are append-only: UPDATE refused")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):  # noqa: ARG001
    raise AppendOnlyViolation("audit events are append-only: DELETE refused")


@event.listens_for(Session, "before_flush")
def _refuse_dirty_events(session, flush_context, instances):  # noqa: ARG001
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyViolation("audit events are append-only")


# The database refuses UPDATE, DELETE and TRUNCATE too. The same statements run in the migration.
POSTGRES_GUARD = [
    """
    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'audit_events is append-only: ' || TG_OP || ' refused';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
    """,
    """
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
    """,
]
SQLITE_GUARD = [
    """
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END
    """,
]


def guard_statements(dialect_name: str) -> list[str]:
    return {"postgresql": POSTGRES_GUARD, "sqlite": SQLITE_GUARD}.get(dialect_name, [])


@event.listens_for(AuditEvent.__table__, "after_create")
def _install_guard(target, connection, **kw):  # noqa: ARG001
    for statement in guard_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)
