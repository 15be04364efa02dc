"""The audit trail for compliance and auditors: filters, newest first, and the hash chain's status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache, partial
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import get_translations
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, func, select
from werkzeug.exceptions import NotFound

from ai_register import statements
from ai_register.audit import checkpoints, record_labels
from ai_register.audit import services as audit
from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.reports import signing
from ai_register.security import AUDITOR, COMPLIANCE, access
from ai_register.solutions.models import Solution
from ai_register.users.models import User

bp = Blueprint("audit_web", __name__, url_prefix="/audit", template_folder="templates")

PER_PAGE = 50
PATH_MARK = 987654321  # a solution number no page shows: cut from the end of a built path


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))


def event_rows(event: AuditEvent, people: dict[int, str],
               field_label: Callable[[str], str] = record_labels.field_label,
               value_text: Callable[..., str] = record_labels.value_text) -> list[dict]:
    """An event's data as a person reads it: each field by its label, a change as before and after,
    codes as labels (the API and the stored bytes keep the codes and are what the chain hashes)."""
    data = event.data or {}
    rows = []
    for name, change in (data.get("changes") or {}).items():
        if isinstance(change, dict) and set(change) <= {"before", "after"}:
            rows.append({"label": field_label(name),
                         "before": value_text(name, change.get("before"), event.entity_type, people),
                         "after": value_text(name, change.get("after"), event.entity_type, people)})
    for name, value in (data.get("record") or {}).items():
        rows.append({"label": field_label(name), "value": value_text(name, value, event.entity_type, people)})
    for name, value in data.items():
        if name not in ("changes", "record", "reason_code", "reason_params"):
            rows.append({"label": field_label(name), "value": value_text(name, value, event.entity_type, people)})
    return rows


@lru_cache(maxsize=4096)
def catalog_label(label: Callable[[str | None], str], catalog: object, code: str | None) -> str:
    """`label(code)` as the request's catalog writes it, kept for the process: a code's label is the
    catalog's text or the code itself, the same for every reader of that language; a lookup costs several
    context lookups and a catalog search. `catalog` is the request's own translations object (Flask-Babel
    loads one per application, language and translation directories and keeps it), so a label is never
    another language's or another catalog's."""
    return label(code)


def remembered_value_text() -> Callable[..., str]:
    """`record_labels.value_text` for one request: a page of 50 events shows the same phases, statuses,
    people, days and flags again and again, and each costs catalog lookups and Babel's formatting. A value
    of a plain type is written once per field and record type (its type in the key: True and 1 are equal
    in Python but read "ja" and "1"); lists and objects are written each time. The reader, their language
    and the people named are the request's, so nothing outlives it."""
    written: dict[tuple, str] = {}

    def value_text(name: str, value, entity_type: str | None = None, people: dict | None = None) -> str:
        if not isinstance(value, (str, int, float, bool)) and value is not None:
            return record_labels.value_text(name, value, entity_type, people)
        key = (name, type(value), value, entity_type)
        text = written.get(key)
        if text is None:
            text = written[key] = record_labels.value_text(name, value, entity_type, people)
        return text

    return value_text


def _solution_filter() -> tuple[int | None, str]:
    """The solution asked for: `solution_id` (the search field's choice), or the text typed in the
    search field without a script: a number, or a name (the first solution of exactly that name)."""
    chosen = _int("solution_id")
    text = (request.args.get("solution") or "").strip()
    if chosen is None and text:
        number = text.removeprefix("#")
        if number.isdigit():
            chosen = int(number)
        else:
            chosen = db.session.scalar(select(Solution.id).where(func.lower(Solution.name) == text.lower())
                                       .order_by(Solution.id).limit(1))
            if chosen is None:
                return -1, text  # nothing of that name: no event matches
    name = db.session.scalar(select(Solution.name).where(Solution.id == chosen)) if chosen else None
    return chosen, name or text


EQUAL_FILTERS = ("solution_id", "actor_id", "action", "entity_type")
# What the page shows of an event, read as plain rows: 50 events loaded as objects cost their loading and their
# expiry at the request's commit, and the page changes none of them.
EVENT_COLUMNS = tuple(getattr(AuditEvent, column.key) for column in AuditEvent.__table__.columns)


def _trail_query(given: set[str]) -> Select:
    """The newest PER_PAGE + 1 events (keyset on the position: `before`) that match the filters named in `given`,
    each value a parameter of its name."""
    query = select(*EVENT_COLUMNS).order_by(AuditEvent.position.desc())
    for name in EQUAL_FILTERS:
        if name in given:
            query = query.where(getattr(AuditEvent, name) == bindparam(name))
    if "since" in given:
        query = query.where(AuditEvent.occurred_at >= bindparam("since"))
    if "until" in given:
        query = query.where(AuditEvent.occurred_at < bindparam("until"))
    if "before" in given:
        query = query.where(AuditEvent.position < bindparam("before"))
    return query.limit(PER_PAGE + 1)


def _solution_names(kind: str) -> Select:
    return select(Solution.id, Solution.name).where(statements.among(Solution.id, kind))


@bp.get("")
@access(COMPLIANCE, AUDITOR)
def trail():
    """Newest first, a page of PER_PAGE events at a time (keyset on the chain position); the filters'
    choices are the register's vocabulary and its people, never a list of every solution."""
    solution_id, solution_text = _solution_filter()
    filters = {
        "solution_id": solution_id,
        "actor_id": _int("actor_id"),
        "action": request.args.get("action") or None,
        "entity_type": request.args.get("entity_type") or None,
        "since": _day("since"),
        "until": _day("until"),
    }
    given = {name: filters[name] for name in EQUAL_FILTERS if filters[name] is not None}
    if filters["since"]:
        given["since"] = _local_midnight(filters["since"])
    if filters["until"]:
        given["until"] = _local_midnight(filters["until"] + timedelta(days=1))
    before = _int("before")
    if before:
        given["before"] = before
    # One statement per combination of filters, built once; the values given at execution.
    query = statements.built(f"audit.trail:{','.join(sorted(given))}", lambda _kind: _trail_query(set(given)))
    events = db.session.execute(query, given).all()
    more = len(events) > PER_PAGE
    events = events[:PER_PAGE]
    active = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items() if v is not None}
    if solution_id == -1:
        active.pop("solution_id")
        active["solution"] = solution_text
    users = {u.id: u for u in db.session.execute(statements.built(
        "audit.trail.people", lambda _kind: select(User.id, User.display_name).order_by(User.display_name)))}
    on_page = sorted({e.solution_id for e in events if e.solution_id is not None})
    solutions = dict(db.session.execute(statements.built("audit.trail.solutions", _solution_names),
                                        {"ids": on_page}).all()) if on_page else {}
    people = {user_id: user.display_name for user_id, user in users.items()}
    # A page of 50 events names the same fields, actions and records again and again, and the filters name
    # every action and record type: each label is looked up in the catalog once per process and language.
    catalog = get_translations()
    field_label, value_text = partial(catalog_label, record_labels.field_label, catalog), remembered_value_text()
    return render_template(
        "audit/trail.html",
        event_rows=lambda event: event_rows(event, people, field_label, value_text),
        action_label=partial(catalog_label, record_labels.action_label, catalog),
        entity_label=partial(catalog_label, record_labels.entity_label, catalog),
        channel_label=partial(catalog_label, record_labels.channel_label, catalog),
        events=events,
        # Each row's link and its "event n", built and translated once (the pattern has no markup).
        solution_path=url_for("solutions_web.show", solution_id=PATH_MARK).removesuffix(str(PATH_MARK)),
        event_n=_("event %(n)s"),
        filters=active,
        solution_text=solution_text,
        users=users,
        solutions=solutions,
        actions=sorted(set(record_labels.AUDIT_ACTIONS) | ({filters["action"]} if filters["action"] else set())),
        entity_types=sorted(set(record_labels.ENTITY_TYPES)
                            | ({filters["entity_type"]} if filters["entity_type"] else set())),
        head=audit.chain_head(),
        verification=_verification() if request.args.get("verify") else None,
        next_url=url_for("audit_web.trail", **active, before=events[-1].position) if more else None,
        verify_url=url_for("audit_web.trail", **active, verify=1),
    )


@bp.get("/checkpoint.json")
@access(COMPLIANCE, AUDITOR)
def latest_checkpoint():
    """The latest signed checkpoint, to keep outside the register (tools/verify_bundle.py --checkpoints,
    POST /api/v1/audit/verify); one JSON object, as the e-mailed ones."""
    latest = max(audit.stored_checkpoints(), key=lambda c: (c["position"], c["signed_at"]), default=None)
    if latest is None:
        raise NotFound(_("No checkpoint has been signed yet."))
    response = Response(checkpoints.line(latest) + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="checkpoint-{latest["position"]}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


def trust_facts() -> dict:
    """What the pages tell an auditor about checking the register from outside: the signing key's
    fingerprint (to pin) and the latest checkpoint, if any."""
    latest = max(audit.stored_checkpoints(), key=lambda c: (c["position"], c["signed_at"]), default=None)
    return {"key_fingerprint": signing.key_fingerprint(signing.public_key_pem()), "latest_checkpoint": latest}


# The solution page shows the same note to auditors and compliance; computed only where a page asks.
bp.record_once(lambda state: state.app.jinja_env.globals.setdefault("trust_facts", trust_facts))


def _verification() -> SimpleNamespace:
    """The chain verified and held against the signed checkpoints, as the API's /audit/verify does."""
    report = audit.verify_against_checkpoints()
    broken = report["first_broken"] or {}
    return SimpleNamespace(intact=report["intact"], events=report["events"],
                           first_broken_position=broken.get("position"),
                           reason=_broken_reason(broken, report["checkpoints"]) if broken else None)


def _broken_reason(broken: dict, held: dict) -> str:
    """Why the chain is broken, in the reader's language (the API's `reason` is English for machines)."""
    kind = broken.get("kind")
    if kind == "position":
        return _("expected position %(expected)s, found %(found)s (a gap or a changed order)",
                 expected=broken["expected_position"], found=broken["position"])
    if kind == "link":
        return _("the link to the previous event (prev_hash) does not match that event's hash")
    if kind == "content":
        return _("the stored hash does not match the event's content")
    contradicted = (held.get("contradicted") or [{}])[0]
    if kind == "checkpoint_shorter":
        return _("the chain ends at position %(end)s, before the checkpoint signed %(signed_at)s at position "
                 "%(position)s: events after it were removed", end=contradicted["chain_ends_at"],
                 signed_at=contradicted["signed_at"], position=contradicted["position"])
    if kind == "checkpoint_differs":
        return _("the event at position %(position)s does not have the hash the checkpoint signed %(signed_at)s "
                 "records: the chain was rewritten, or truncated and refilled",
                 position=contradicted["position"], signed_at=contradicted["signed_at"])
    return broken.get("reason") or ""
