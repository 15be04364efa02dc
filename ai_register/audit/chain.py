"""The hash chain, pure: canonical form, link hash and verification. No Flask, no database.

hash = SHA-256(prev_hash ‖ canonical), canonical = json.dumps(event_fields, sort_keys=True,
separators=(",", ":"), ensure_ascii=False) in UTF-8. `event_fields` are every stored field of the
event except its own `hash` and the `prev_hash` (which is already the prefix). Timestamps are ISO
8601 UTC with microseconds and `Z`. The first event's prev_hash is 64 zeros.

Verification has two ways to the canonical bytes of a stored event. The exact one decodes the event
(`verify_chain`). The fast one (`verify_stored`) splices them from the stored text: JSON is stored
compact (extensions.storage_json) and the trail's data with sorted keys (services.trail_data), so an
event's `data` as stored is already its canonical text, and the database renders `occurred_at` in
the chain's timestamp format. Every other field is escaped by the encoder `json.dumps` uses, so no
stored value can pass for another field's text: the spliced bytes hash to the stored hash only when
they are the bytes hashed at write time. An event whose stored text does not match that way (written
before data was stored compact and sorted, say) is decided the exact way; a match therefore never
accepts what the exact way would refuse.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring  # the string escaping of json.dumps(..., ensure_ascii=False)
from operator import itemgetter
from typing import Any

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


def canonical_json(value: Any) -> str:
    """JSON as the chain hashes it: sorted keys, no spaces, non-ASCII as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(event_fields: Mapping) -> bytes:
    fields = {name: event_fields[name] for name in HASHED_FIELDS}
    if isinstance(fields["occurred_at"], datetime):
        fields["occurred_at"] = format_timestamp(fields["occurred_at"])
    return canonical_json(fields).encode("utf-8")


# The hashed fields in canonical (sorted) order; `verify_stored` reads them in this order.
STORED_FIELDS = tuple(sorted(HASHED_FIELDS))
_STORED_TEMPLATE = "{" + ",".join(f'"{name}":%s' for name in STORED_FIELDS) + "}"
_DATA_INDEX = STORED_FIELDS.index("data")


def _json_scalar(value: str | int | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)
    return repr(value) if type(value) is int else json.dumps(value)


def stored_canonical(stored: Sequence) -> bytes:
    """Canonical bytes spliced from an event's stored values in STORED_FIELDS order: `data` as its
    stored JSON text (inserted as is), `occurred_at` as timestamp text, the rest as stored."""
    values = [_json_scalar(value) for value in stored]
    values[_DATA_INDEX] = stored[_DATA_INDEX]
    return (_STORED_TEMPLATE % tuple(values)).encode("utf-8")


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
    # Which rule broke, for readers in other languages: position (a gap or reorder), link (prev_hash),
    # content (the stored hash); and the position the chain expected there.
    kind: str | None = None
    expected_position: int | None = None

    def as_dict(self) -> dict:
        return {
            "intact": self.intact,
            "events": self.events,
            "head": self.head,
            "first_broken": None if self.intact else {
                "position": self.first_broken_position,
                "id": self.first_broken_id,
                "reason": self.reason,
                "kind": self.kind,
                "expected_position": self.expected_position,
            },
        }


def verify_chain(events: Iterable[Mapping], *, start_hash: str = GENESIS_HASH,
                 start_position: int = 1) -> ChainReport:
    """Walk decoded events in chain order; report intact, or the first link that does not hold."""
    return _walk(events, lambda e: (e["position"], e.get("id"), e["prev_hash"], e["hash"]),
                 lambda e: link_hash(e["prev_hash"], e) == e["hash"], start_hash, start_position)


def verify_stored(rows: Iterable[Sequence], decoded: Callable[[int], Mapping | None], *,
                  start_hash: str = GENESIS_HASH, start_position: int = 1) -> ChainReport:
    """Walk stored rows — (id, prev_hash, hash, *STORED_FIELDS values) — in chain order. Each event is
    hashed from its stored text; one that does not match that way is decided exactly, on
    `decoded(id)` (the event as `verify_chain` sees it; None when it cannot be decoded: broken)."""
    position_index = 3 + STORED_FIELDS.index("position")
    sha256 = hashlib.sha256

    def content_holds(row: Sequence) -> bool:
        prefix = row[1].encode("ascii")
        if sha256(prefix + stored_canonical(row[3:])).hexdigest() == row[2]:
            return True
        event = decoded(row[0])
        return event is not None and link_hash(row[1], event) == row[2]

    return _walk(rows, itemgetter(position_index, 0, 1, 2), content_holds, start_hash, start_position)


def _walk(events: Iterable, links: Callable[[Any], tuple], content_holds: Callable[[Any], bool],
          start_hash: str, start_position: int) -> ChainReport:
    """The chain's rules over any form of event: `links(event)` = (position, id, prev_hash, hash)."""
    expected_prev = start_hash
    expected_position = start_position
    count = 0
    for event in events:
        position, event_id, prev_hash, stored_hash = links(event)
        reason = kind = None
        if position != expected_position:
            kind, reason = "position", f"expected position {expected_position}, found {position} (gap or reorder)"
        elif prev_hash != expected_prev:
            kind, reason = "link", "prev_hash does not match the previous event's hash"
        elif not content_holds(event):
            kind, reason = "content", "stored hash does not match the event's content"
        if reason is not None:
            return ChainReport(False, count, expected_prev, position, event_id, reason, kind, expected_position)
        expected_prev = stored_hash
        expected_position += 1
        count += 1
    return ChainReport(True, count, expected_prev)
