"""Audit chain verification over the loaded chain, against a baseline that reads the same rows in
the same keyset batches and computes plain SHA-256 over their stored bytes (target: ratio ≥ 0.5).

The chain is loaded by `flask demo load --scale N` (10·N events, COPY on PostgreSQL) beforehand.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text

from bench.common import BenchResult, Check, Figure, timed

# Every stored column as the database holds it (text), without the app's decoding into Python types.
STORED_ROWS = text(
    "SELECT CAST(position AS TEXT), CAST(occurred_at AS TEXT), CAST(actor_id AS TEXT), channel, action, "
    "entity_type, entity_id, CAST(solution_id AS TEXT), CAST(solution_seq AS TEXT), CAST(data AS TEXT), "
    "reason, request_id, prev_hash, hash, position AS keyset "
    "FROM audit_events WHERE audit_events.position > :last ORDER BY audit_events.position LIMIT :batch"
)


def baseline_read_and_hash(db, batch_size: int = 5000) -> int:
    """Read every event in chain order (the verifier's batch size) and SHA-256 its stored bytes."""
    count, last = 0, 0
    while True:
        rows = db.session.execute(STORED_ROWS, {"last": last, "batch": batch_size}).all()
        if not rows:
            return count
        for row in rows:
            hashlib.sha256("\x1f".join(value or "" for value in row[:-1]).encode()).digest()
        count += len(rows)
        last = rows[-1][-1]


def run(app, db) -> BenchResult:
    from sqlalchemy import select

    from ai_register.audit.services import event_batches, stored_event_columns, verify_stored_chain

    with app.app_context():
        base_seconds, events = timed(lambda: baseline_read_and_hash(db))
        db.session.rollback()
        stored = select(*stored_event_columns())
        read_seconds, _ = timed(lambda: sum(len(batch) for batch in event_batches(stored, 5000)))
        db.session.rollback()
        verify_seconds, report = timed(verify_stored_chain)
        db.session.rollback()
    if not report.intact or report.events != events:
        raise RuntimeError(f"chain not intact after loading: {report.as_dict()}")
    ratio = base_seconds / verify_seconds
    return BenchResult(
        checks=[Check("chain verification ≥ 0.5 × read-and-hash baseline",
                      f"{ratio:.2f} ({events / verify_seconds:,.0f} vs {events / base_seconds:,.0f} events/s)",
                      ratio >= 0.5)],
        title=f"Audit chain verification, {events:,} events",
        target="verification throughput ≥ 0.5 × read-and-hash baseline",
        figures=[
            Figure("verify_stored_chain", events / verify_seconds, "events/s", events / base_seconds,
                   f"verify {verify_seconds:.1f} s; baseline {base_seconds:.1f} s: same rows, same batches, "
                   "SHA-256 of the stored text"),
            Figure("  of which reading (the stored columns verification reads)", events / read_seconds,
                   "events/s", events / base_seconds, "the same rows as verification reads them, without hashing"),
        ],
    )
