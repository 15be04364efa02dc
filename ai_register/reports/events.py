"""A solution's audit events for the reports and the bundle: read in keyset batches (a solution with
thousands of events is reported in bounded memory), counted, and verified without walking the whole
chain."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from ai_register.audit import services as audit
from ai_register.audit.chain import GENESIS_HASH, format_timestamp, link_hash
from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.reports.instants import db_instant

EVENT_BATCH = 500
# Every stored field of an audit event, in the order the bundle and the report list them.
EVENT_FIELDS = ("id", "position", "occurred_at", "actor_id", "channel", "action", "entity_type", "entity_id",
                "solution_id", "solution_seq", "data", "reason", "request_id", "prev_hash", "hash")
_EVENT_COLUMNS = [getattr(AuditEvent, name) for name in EVENT_FIELDS]


def iter_solution_events(solution_id: int, *, until: datetime | None = None,
                         entity_types: list[str] | None = None, max_seq: int | None = None,
                         batch_size: int = EVENT_BATCH) -> Iterator[dict[str, Any]]:
    """The solution's events in per-solution sequence order, read in keyset batches.

    `max_seq` holds the set still while other requests append: every pass over the events of one
    report or bundle sees the same ones.
    """
    last = 0
    while True:
        query = select(*_EVENT_COLUMNS).where(AuditEvent.solution_id == solution_id,
                                              AuditEvent.solution_seq > last)
        if max_seq is not None:
            query = query.where(AuditEvent.solution_seq <= max_seq)
        if until is not None:
            query = query.where(AuditEvent.occurred_at <= db_instant(until))
        if entity_types:
            query = query.where(AuditEvent.entity_type.in_(entity_types))
        rows = db.session.execute(query.order_by(AuditEvent.solution_seq).limit(batch_size)).mappings().all()
        if not rows:
            return
        for row in rows:
            yield dict(row)
        last = rows[-1]["solution_seq"]


def event_json(event: Mapping[str, Any]) -> dict[str, Any]:
    """An event with every chain field, its timestamp in the canonical form (so its hash recomputes)."""
    fields = {name: event[name] for name in EVENT_FIELDS}
    fields["occurred_at"] = format_timestamp(event["occurred_at"])
    return fields


def last_solution_seq(solution_id: int) -> int:
    query = select(func.max(AuditEvent.solution_seq)).where(AuditEvent.solution_id == solution_id)
    return db.session.scalar(query) or 0


def count_solution_events(solution_id: int, until: datetime | None = None, max_seq: int | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.solution_id == solution_id)
    if max_seq is not None:
        query = query.where(AuditEvent.solution_seq <= max_seq)
    if until is not None:
        query = query.where(AuditEvent.occurred_at <= db_instant(until))
    return db.session.scalar(query) or 0


def chain_head_at(until: datetime | None = None) -> dict[str, Any]:
    if until is None:
        return audit.chain_head()
    head = db.session.execute(
        select(AuditEvent.position, AuditEvent.hash).where(AuditEvent.occurred_at <= db_instant(until))
        .order_by(AuditEvent.position.desc()).limit(1)).first()
    return {"position": head.position, "hash": head.hash} if head else {"position": 0, "hash": GENESIS_HASH}


def verify_solution_events(solution_id: int, until: datetime | None = None, *, max_seq: int | None = None,
                           limit_problems: int = 20) -> dict:
    """Check the solution's events without walking the whole chain.

    Each event's hash is recomputed from its content and prev_hash; its per-solution sequence
    number must follow the previous one (a gap means an event is missing); and its prev_hash
    must be the stored hash of the event before it in the global chain.
    """
    problems: list[dict[str, Any]] = []
    checked = 0
    expected_seq = 1
    batch: list[dict[str, Any]] = []

    def check_links(events: list[dict[str, Any]]) -> None:
        wanted = [e["position"] - 1 for e in events if e["position"] > 1]
        before = {}
        if wanted:
            before = dict(db.session.execute(
                select(AuditEvent.position, AuditEvent.hash).where(AuditEvent.position.in_(wanted))).all())
        for event in events:
            prior = GENESIS_HASH if event["position"] == 1 else before.get(event["position"] - 1)
            if prior is None:
                problems.append(_problem(event, "the event before it in the chain is missing"))
            elif prior != event["prev_hash"]:
                problems.append(_problem(event, "prev_hash does not match the hash of the event before it"))

    for event in iter_solution_events(solution_id, until=until, max_seq=max_seq):
        checked += 1
        if link_hash(event["prev_hash"], event) != event["hash"]:
            problems.append(_problem(event, "stored hash does not match the event's content"))
        if event["solution_seq"] != expected_seq:
            found = event["solution_seq"]
            problems.append(_problem(event, f"expected solution_seq {expected_seq}, found {found} "
                                            "(an event of this solution is missing)"))
        expected_seq = event["solution_seq"] + 1
        batch.append(event)
        if len(batch) >= EVENT_BATCH:
            check_links(batch)
            batch = []
    if batch:
        check_links(batch)
    return {
        "scope": "solution",
        "intact": not problems,
        "events_checked": checked,
        "problems": problems[:limit_problems],
        "problem_count": len(problems),
        "checked_at": format_timestamp(datetime.now(UTC)),
    }


def _problem(event: Mapping[str, Any], reason: str) -> dict[str, Any]:
    return {"position": event["position"], "solution_seq": event["solution_seq"], "id": event["id"],
            "reason": reason}


def verify_whole_chain() -> dict:
    report = audit.verify_against_checkpoints()
    return {"scope": "chain", **report, "checked_at": format_timestamp(datetime.now(UTC))}
