"""The hash chain, pure: canonical form, link hash and verification. No Flask, no database.

hash = SHA-256(prev_hash ‖ canonical), canonical = json.dumps(event_fields, sort_keys=True,
separators=(",", ":"), ensure_ascii=False) in UTF-8. `event_fields` are every stored field of the
event except its own `hash` and the `prev_hash` (which is already the prefix). Timestamps are ISO
8601 UTC with microseconds and `Z`. The first event's prev_hash is 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "position", "occurred_at", "actor_id", "channel", "action", "entity_type", "entity_id",
    "solution_id", "solution_seq", "data", "reason", "request_id",
)


def format_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds and `Z`; a naive value is taken as UTC (SQLite drops zones)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(event_fields: Mapping) -> bytes:
    fields = {name: event_fields[name] for name in HASHED_FIELDS}
    if isinstance(fields["occurred_at"], datetime):
        fields["occurred_at"] = format_timestamp(fields["occurred_at"])
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def link_hash(prev_hash: str, event_fields: Mapping) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(event_fields)).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    events: int
    head: str
    first_broken_position: int | None = None
    first_broken_id: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict:
        return {
            "intact": self.intact,
            "events": self.events,
            "head": self.head,
            "first_broken": None if self.intact else {
                "position": self.first_broken_position,
                "id": self.first_broken_id,
                "reason": self.reason,
            },
        }


def verify_chain(events: Iterable[Mapping], *, start_hash: str = GENESIS_HASH,
                 start_position: int = 1) -> ChainReport:
    """Walk events in chain order; report intact, or the first link that does not hold."""
    expected_prev = start_hash
    expected_position = start_position
    count = 0
    for event in events:
        def broken(reason: str, event=event, count=count, expected_prev=expected_prev) -> ChainReport:
            return ChainReport(False, count, expected_prev, event.get("position"), event.get("id"), reason)

        if event["position"] != expected_position:
            return broken(f"expected position {expected_position}, found {event['position']} (gap or reorder)")
        if event["prev_hash"] != expected_prev:
            return broken("prev_hash does not match the previous event's hash")
        if link_hash(event["prev_hash"], event) != event["hash"]:
            return broken("stored hash does not match the event's content")
        expected_prev = event["hash"]
        expected_position += 1
        count += 1
    return ChainReport(True, count, expected_prev)
