"""Rebuilding past states from the audit trail, pure: no Flask, no database.

DOMAIN.md, "Traceability": "A create event holds the full record, an update the changed fields
before and after, and every event names the entity type, entity id and the solution it belongs to,
so any past state can be rebuilt (`as_of`)." Replaying a solution's events in order up to an
instant gives each of its records as it stood then, in the same JSON-ready shape that
`audit.snapshot` gives for a live row, so one report builder serves both.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ai_register.audit.chain import format_timestamp

# Actions that end a record's life (none of the areas deletes today; kept so a future one replays).
REMOVING_ACTIONS = frozenset({"delete", "remove", "erase"})


@dataclass
class Version:
    """One state of a record: from the event at `occurred_at` until the next version."""

    occurred_at: str
    action: str
    position: int
    fields: dict[str, Any]


@dataclass
class ReplayedRecord:
    entity_type: str
    entity_id: str
    fields: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    changed_at: str | None = None
    removed: bool = False
    history: list[Version] = field(default_factory=list)


class Replay:
    """Apply events one by one; `records(entity_type)` gives the state after the last one applied.

    `keep_history` names the entity types whose every version is kept (oversight owners over time);
    the others keep only their latest state, so memory grows with records, not with events.
    """

    def __init__(self, keep_history: Iterable[str] = ()):
        self._records: dict[tuple[str, str], ReplayedRecord] = {}
        self._keep_history = frozenset(keep_history)
        self.events_applied = 0
        self.last_position: int | None = None
        self.last_hash: str | None = None

    def apply(self, event: Mapping[str, Any]) -> None:
        self.events_applied += 1
        self.last_position = event.get("position", self.last_position)
        self.last_hash = event.get("hash", self.last_hash)
        data = event.get("data") or {}
        if not isinstance(data, Mapping):
            return
        key = (str(event["entity_type"]), str(event["entity_id"]))
        occurred_at = _timestamp(event.get("occurred_at"))
        record = self._records.get(key)
        touched = False
        if isinstance(data.get("record"), Mapping):
            if record is None:
                record = self._records[key] = ReplayedRecord(*key, created_at=occurred_at)
            record.fields = copy.deepcopy(dict(data["record"]))
            record.removed = False
            touched = True
        changes = data.get("changes")
        if isinstance(changes, Mapping) and changes:
            if record is None:
                # An update of a record created before the trail began: start from what it tells.
                record = self._records[key] = ReplayedRecord(*key)
            for name, change in changes.items():
                if isinstance(change, Mapping) and "after" in change:
                    record.fields[name] = copy.deepcopy(change["after"])
            touched = True
        if event.get("action") in REMOVING_ACTIONS and record is not None:
            record.removed = True
            touched = True
        if touched and record is not None:
            record.changed_at = occurred_at
            if record.entity_type in self._keep_history:
                record.history.append(Version(occurred_at, str(event.get("action")),
                                              int(event.get("position") or 0), copy.deepcopy(record.fields)))

    def record(self, entity_type: str, entity_id: Any) -> ReplayedRecord | None:
        found = self._records.get((entity_type, str(entity_id)))
        return None if found is None or found.removed else found

    def records(self, entity_type: str) -> list[ReplayedRecord]:
        """The live records of a type, in id order (numeric ids numerically)."""
        found = [r for (kind, _), r in self._records.items() if kind == entity_type and not r.removed]
        return sorted(found, key=lambda r: (len(r.entity_id), r.entity_id))

    def entity_types(self) -> set[str]:
        return {kind for kind, _ in self._records}


def _timestamp(value: Any) -> str:
    return format_timestamp(value) if isinstance(value, datetime) else str(value)
