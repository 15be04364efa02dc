"""Writing and reading the audit trail. Services call `record_*` in the same transaction as the change."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Select, String, Text, cast, func, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from ai_register import acting, statements
from ai_register.audit import checkpoints
from ai_register.audit.chain import GENESIS_HASH, STORED_FIELDS, ChainReport, link_hash, verify_stored
from ai_register.audit.models import AuditEvent
from ai_register.audit.reasons import Reason
from ai_register.extensions import db
from ai_register.reports import signing

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


def trail_data(data: dict) -> dict:
    """An event's data as the trail stores it: JSON values with object keys sorted at every level, so
    its stored text is the chain's canonical JSON (chain.verify_stored)."""
    def sorted_keys(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: sorted_keys(value[key]) for key in sorted(value)}
        if isinstance(value, list):
            return [sorted_keys(item) for item in value]
        return value

    return sorted_keys(jsonable(data))


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
    return acting.current().user_id


def _lock_chain() -> None:
    """Serialise appends so concurrent writers never fork the chain."""
    lock_chain(db.session.connection())


def lock_chain(connection: Connection) -> None:
    """The chain's lock, held to the end of the transaction (PostgreSQL; taking it again is free).

    It is the register's first lock: a write that also locks a shared row kept in step with the records (the
    portfolio's basis row, a solution's classification summary) takes this lock before that row's, from a
    `before_flush` listener, since `record` flushes the change (and so runs the keep-in-step hooks) before
    it appends. One order for every transaction, so two writers never wait for each other in a circle."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


# Set while a spreadsheet import runs (onboarding): the services' creates and updates are then
# recorded as action "import", with the file and row as reason, so the trail tells migrated records apart.
_IMPORT_REASON: ContextVar[str | Reason | None] = ContextVar("audit_import_reason", default=None)


@contextmanager
def importing(reason: str | Reason) -> Iterator[None]:
    """Inside, every "create" and "update" event is recorded as "import" (reason: `reason` unless given)."""
    token = _IMPORT_REASON.set(reason)
    try:
        yield
    finally:
        _IMPORT_REASON.reset(token)


def record(action: str, entity_type: str, entity_id: Any, *, solution_id: int | None = None,
           data: dict | None = None, reason: str | Reason | None = None, actor_id: int | None = None,
           occurred_at: datetime | None = None) -> AuditEvent:
    """Append one event to the chain and flush it with the change it describes. A reason the register
    gives itself is a `Reason` (audit.reasons): stored as code and parameters, rendered per reader."""
    import_reason = _IMPORT_REASON.get()
    if import_reason is not None and action in ("create", "update"):
        action, reason = "import", reason or import_reason
    if isinstance(reason, Reason):
        data = {**(data or {}), "reason_code": reason.code, "reason_params": dict(reason.params)}
        reason = reason.english()
    db.session.flush()  # the change being audited gets its id first
    _lock_chain()
    head = db.session.execute(statements.built("audit.chain_head", lambda _kind: select(
        AuditEvent.position, AuditEvent.hash).order_by(AuditEvent.position.desc()).limit(1))).first()
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
        "channel": acting.current().channel,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "solution_id": solution_id,
        "solution_seq": solution_seq,
        "data": trail_data(data or {}),
        "reason": reason,
        "request_id": acting.current().request_id,
    }
    event = AuditEvent(**fields, prev_hash=prev_hash, hash=link_hash(prev_hash, fields))
    db.session.add(event)
    db.session.flush()
    return event


def record_create(entity, entity_type: str, *, solution_id: int | None = None,
                  reason: str | Reason | None = None, exclude: frozenset[str] = frozenset()) -> AuditEvent:
    db.session.flush()
    return record("create", entity_type, entity.id, solution_id=solution_id,
                  data={"record": snapshot(entity, exclude=exclude)}, reason=reason)


def record_update(entity, entity_type: str, before: dict, *, solution_id: int | None = None,
                  reason: str | Reason | None = None, action: str = "update",
                  exclude: frozenset[str] = frozenset(), actor_id: int | None = None) -> AuditEvent | None:
    """Record the changed fields; nothing is written when nothing changed."""
    db.session.flush()
    changes = diff(before, snapshot(entity, exclude=exclude))
    if not changes:
        return None
    return record(action, entity_type, entity.id, solution_id=solution_id,
                  data={"changes": changes}, reason=reason, actor_id=actor_id)


def changes_since(entity_type: str, entity_id: Any, since: datetime) -> list[dict]:
    """The recorded field changes (`{field: {"before", "after"}}`) of one entity since a time, oldest first."""
    data = db.session.scalars(
        select(AuditEvent.data).where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id),
                                      AuditEvent.occurred_at >= since).order_by(AuditEvent.position))
    return [item["changes"] for item in data if isinstance(item, dict) and item.get("changes")]


def changes_since_marked(entity_type: str, entity_id: Any, since: datetime, mark: datetime) -> list[tuple[dict, bool]]:
    """`changes_since(entity_type, entity_id, since)`, each with whether it was recorded at or after `mark` (the
    database compares, as `changes_since` does)."""
    rows = db.session.execute(
        select(AuditEvent.data, AuditEvent.occurred_at >= mark)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id),
               AuditEvent.occurred_at >= since).order_by(AuditEvent.position))
    return [(data["changes"], bool(recent)) for data, recent in rows
            if isinstance(data, dict) and data.get("changes")]


def chain_head() -> dict:
    head = db.session.execute(statements.built("audit.chain_head", lambda _kind: select(
        AuditEvent.position, AuditEvent.hash).order_by(AuditEvent.position.desc()).limit(1))).first()
    return {"position": head.position, "hash": head.hash} if head else {"position": 0, "hash": GENESIS_HASH}


def event_batches(query: Select, batch_size: int) -> Iterator[list]:
    """`query` (a Core SELECT of audit_events, with its `position`) in chain order, in batches of rows.
    Plain rows, without the ORM's loading machinery, cost half as much."""
    position = AuditEvent.__table__.c.position
    last = 0
    while True:
        rows = db.session.execute(query.where(position > last).order_by(position).limit(batch_size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].position


class utc_timestamp_text(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """A timestamp column rendered by the database in the chain's format (see chain.format_timestamp);
    a database without a rendering here gives NULL, which never matches and so is decided exactly."""

    type = String()
    inherit_cache = True
    name = "utc_timestamp_text"


@compiles(utc_timestamp_text)
def _no_timestamp_text(element, compiler, **kw):  # noqa: ARG001
    return "NULL"


@compiles(utc_timestamp_text, "postgresql")
def _postgres_timestamp_text(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    # Only years 1–9999, the ones Python can hold: to_char drops the era, so a timestamp moved to BC
    # would otherwise render as its AD twin.
    return (f"CASE WHEN {column} >= TIMESTAMPTZ '0001-01-01 00:00:00+00' "
            f"AND {column} < TIMESTAMPTZ '10000-01-01 00:00:00+00' "
            f"""THEN to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END""")


@compiles(utc_timestamp_text, "sqlite")
def _sqlite_timestamp_text(element, compiler, **kw):
    # SQLite holds the UTC value as 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's storage format).
    return f"replace({compiler.process(element.clauses, **kw)}, ' ', 'T') || 'Z'"


def stored_event_columns() -> list:
    """What chain.verify_stored reads: id, prev_hash, hash, then STORED_FIELDS as stored, `data` as
    its JSON text and `occurred_at` rendered by the database."""
    table = AuditEvent.__table__
    stored = {name: table.c[name] for name in STORED_FIELDS}
    stored["data"] = cast(table.c.data, Text)
    stored["occurred_at"] = utc_timestamp_text(table.c.occurred_at)
    return [table.c.id, table.c.prev_hash, table.c.hash, *(stored[name] for name in STORED_FIELDS)]


def verify_stored_chain(batch_size: int = 5000) -> ChainReport:
    """The whole chain, hashed from its stored text (chain.verify_stored). An event that does not
    match that way is decided on its decoded row, read with the rest of its batch when first needed."""
    table = AuditEvent.__table__
    batch = {"after": 0, "through": 0, "read": False}  # the current batch's positions; decoded yet?
    decoded_rows: dict[int, Mapping | None] = {}

    def stored_rows() -> Iterator:
        for rows in event_batches(select(*stored_event_columns()), batch_size):
            decoded_rows.clear()
            batch.update(after=batch["through"], through=rows[-1].position, read=False)
            yield from rows

    def decoded(event_id: int) -> Mapping | None:
        """The event decoded, or None when its stored values cannot be decoded (a timestamp out of
        Python's range, say): such an event does not hold."""
        if event_id not in decoded_rows and not batch["read"]:
            batch["read"] = True
            query = select(table).where(table.c.position > batch["after"], table.c.position <= batch["through"])
            # When one row cannot be decoded, the batch's mismatches are decoded one by one below.
            with suppress(DataError):
                decoded_rows.update((row.id, row._mapping) for row in db.session.execute(query).all())
        if event_id not in decoded_rows:
            decoded_rows[event_id] = _decode_one(event_id)
        return decoded_rows[event_id]

    return verify_stored(stored_rows(), decoded)


def _decode_one(event_id: int) -> Mapping | None:
    table = AuditEvent.__table__
    try:
        row = db.session.execute(select(table).where(table.c.id == event_id)).first()
    except DataError:
        return None
    return None if row is None else row._mapping


# --------------------------------------------------------------------------- signed checkpoints


def checkpoint_dir():
    return Path(current_app.config["CHECKPOINT_DIR"])


def hashes_at(positions: Iterable[int], chunk: int = 1000) -> dict[int, str | None]:
    """The chain's hash at each position (None where there is no event)."""
    wanted = sorted(set(positions))
    found: dict[int, str | None] = dict.fromkeys(wanted)
    for start in range(0, len(wanted), chunk):
        part = wanted[start:start + chunk]
        found.update(db.session.execute(select(AuditEvent.position, AuditEvent.hash)
                                        .where(AuditEvent.position.in_(part))).all())
    return found


# Reports and verification read the stored checkpoints on every call; a year of hourly ones is thousands of
# files and signatures. They are read again only when the directory changed (a new file changes its mtime).
_STORED_CACHE: dict[str, tuple[tuple, list[dict]]] = {}


def stored_checkpoints() -> list[dict]:
    """The register's own checkpoints from CHECKPOINT_DIR whose signature holds under its key."""

    directory = checkpoint_dir()
    public_pem = signing.public_key_pem()
    try:
        stat = directory.stat()
        stamp = (stat.st_mtime_ns, stat.st_ino, public_pem)
    except FileNotFoundError:
        return []
    cached = _STORED_CACHE.get(str(directory))
    if cached is not None and cached[0] == stamp:
        return [dict(c) for c in cached[1]]
    key = signing.load_or_create_key().public_key()
    found = [c for c in checkpoints.load(directory) if checkpoints.signature_holds(c, key)]
    _STORED_CACHE[str(directory)] = (stamp, found)
    return [dict(c) for c in found]


def create_checkpoint(now: datetime | None = None) -> dict:
    """Sign the current chain head and store it (write-once). The caller mails it (see audit.cli)."""

    key = signing.load_or_create_key()
    checkpoint = checkpoints.sign(chain_head(), key, now=now or datetime.now(UTC),
                                  key_fingerprint=signing.key_fingerprint(signing.public_key_pem(key)))
    checkpoints.store(checkpoint_dir(), checkpoint)
    return checkpoint


def verify_against_checkpoints(given: Iterable[Mapping] = ()) -> dict:
    """The whole chain verified, then held against every checkpoint: the register's stored ones and any
    given (an auditor's copies, already checked as signed). The first contradiction breaks it."""
    report = verify_stored_chain()
    held = [*stored_checkpoints(), *given]
    result = report.as_dict()
    result["checkpoints"] = {"checked": len(held), "latest": max(held, key=lambda c: c["position"], default=None)}
    if not report.intact:
        return result
    found = checkpoints.contradictions(held, hashes_at(c["position"] for c in held), report.events)
    if found:
        first = found[0]
        result.update(intact=False, first_broken={"position": first["position"], "id": None,
                                                  "reason": first["reason"], "kind": f"checkpoint_{first['kind']}",
                                                  "expected_position": None})
        result["checkpoints"]["contradicted"] = found
    return result
