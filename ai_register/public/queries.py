"""What the public may read: the solutions marked public, reduced to the fields a citizen needs.

Every public field is built here, from an explicit list, never by passing a record through: a field
added to a model cannot leak by accident. No e-mail, no personal name (unless the region decides
otherwise with config PUBLIC_SHOW_OVERSIGHT_NAMES), no internal id: each solution gets an opaque id,
its id enciphered under the instance's secret (a keyed permutation, so a page finds its solution
without a scan), stable as long as the secret is.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, true, tuple_

from ai_register.apikit import page_of
from ai_register.classification.labels import CATEGORIES
from ai_register.extensions import db
from ai_register.formats import both
from ai_register.public import texts
from ai_register.public.models import PublicCareUnit, PublicDescription
from ai_register.reports.export import csv_safe
from ai_register.reports.portfolio_report import current_oversight_owners
from ai_register.solutions.lifecycle.phases import PHASE_LABELS, STATUS_LABELS
from ai_register.solutions.models import Solution, TransitionRequest
from ai_register.solutions.services import json_list_contains

PUBLIC_FIELDS = ("id", "name", "purpose", "care_units", "phase", "phase_label", "status", "status_label",
                 "ai_act_category", "ai_act_category_label", "oversight_role")
NAME_FIELD = "oversight_name"
CSV_COLUMNS = ("id", "name", "purpose", "care_units", "phase", "phase_sv", "phase_en", "status",
               "ai_act_category", "ai_act_category_sv", "ai_act_category_en", "oversight_role")

NOT_CLASSIFIED = _l("Not yet classified")
GENERIC_ROLE = "Tillsynsansvarig / Human-oversight owner"
EXPORT_BATCH = 1000


def show_names() -> bool:
    return bool(current_app.config.get("PUBLIC_SHOW_OVERSIGHT_NAMES", False))


# The public id: a four-round Feistel network over 80 bits (two 40-bit halves) with HMAC-SHA256 as
# its round function (Luby-Rackoff: a pseudorandom permutation). The solution's id fills the right
# half and the left half starts at zero, so a made-up id deciphers to a non-zero left half (about one in
# 2**40 passes) and is refused before any database read.
_HALF_BITS = 40
_HALF_MASK = (1 << _HALF_BITS) - 1
_ROUNDS = 4
_PUBLIC_ID = re.compile(r"[0-9a-f]{20}")


def _round(key: bytes, number: int, half: int) -> int:
    digest = hmac.new(key, f"public-solution:{number}:{half}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:5], "big")


def _key() -> bytes:
    return current_app.config["SECRET_KEY"].encode("utf-8")


def opaque_id(solution_id: int) -> str:
    key, left, right = _key(), 0, solution_id & _HALF_MASK
    for number in range(_ROUNDS):
        left, right = right, left ^ _round(key, number, right)
    return f"{left:010x}{right:010x}"


def solution_id_of(public_id: str) -> int | None:
    """The solution behind a public id, or None when the id is not one this instance gave out."""
    if not _PUBLIC_ID.fullmatch(public_id or ""):
        return None
    key, left, right = _key(), int(public_id[:10], 16), int(public_id[10:], 16)
    for number in reversed(range(_ROUNDS)):
        left, right = right ^ _round(key, number, left), left
    return right if left == 0 else None


def _pair(labels: Mapping, code: Any) -> dict[str, str] | None:
    label = labels.get(code)
    if label is None:
        return None
    return both(label)


def _public_query():
    return select(Solution).where(Solution.public.is_(True))


def count_public() -> int:
    return db.session.scalar(select(func.count()).select_from(_public_query().subquery())) or 0


NOT_CLASSIFIED_CODE = "not_classified"
FILTERS = ("q", "phase", "ai_act_category", "care_unit")


def filtered_query(filters: Mapping[str, Any]):
    """The public solutions that match the visitor's search (`q`: name or purpose) and filters, in name
    order. Empty filters are no filters."""
    query = _public_query()
    if filters.get("q"):
        query = query.where(or_(Solution.name.icontains(filters["q"], autoescape=True),
                                Solution.purpose.icontains(filters["q"], autoescape=True)))
    if filters.get("phase"):
        query = query.where(Solution.phase == filters["phase"])
    category = filters.get("ai_act_category")
    if category == NOT_CLASSIFIED_CODE:
        query = query.where(Solution.current_ai_act_category.is_(None))
    elif category:
        query = query.where(Solution.current_ai_act_category == category)
    if filters.get("care_unit"):
        query = query.where(json_list_contains(Solution.care_units, filters["care_unit"]))
    return query.order_by(func.lower(Solution.name), Solution.id)


def search(filters: Mapping[str, Any], *, page: int, per_page: int) -> dict[str, Any]:
    """One page of the matching public entries with their total (the list page and the open data)."""
    found = page_of(filtered_query(filters), {"page": page, "per_page": per_page})
    return {**found, "items": list(_entries(list(found["items"])))}


CARE_UNIT_OPTIONS_MAX = 500


def care_unit_options() -> list[str]:
    """The care units of the public solutions, for the filter: read by the database (distinct over the
    JSON lists). On PostgreSQL they are counted as the solutions are written (models.PublicCareUnit), so
    reading them grows with the region's units, not with the register."""
    if db.session.get_bind().dialect.name == "postgresql":
        return list(db.session.scalars(select(PublicCareUnit.unit).where(PublicCareUnit.solutions > 0)
                                       .order_by(PublicCareUnit.unit).limit(CARE_UNIT_OPTIONS_MAX)))
    elements = func.json_each(Solution.care_units).table_valued("value")
    unit = elements.c.value
    rows = db.session.scalars(select(unit).select_from(Solution).join(elements, true())
                              .where(Solution.public.is_(True)).distinct().order_by(unit)
                              .limit(CARE_UNIT_OPTIONS_MAX))
    return [str(value) for value in rows if value]


def find_public(public_id: str) -> Solution | None:
    """The public solution behind a public id; None for an unknown id or a solution not (or no longer)
    public."""
    solution_id = solution_id_of(public_id)
    if solution_id is None:
        return None
    solution = db.session.get(Solution, solution_id)
    return solution if solution is not None and solution.public else None


def public_solutions(filters: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Every public entry that matches `filters`, in name order, read in batches (keyset on the order),
    so the whole register never sits in memory and no statement carries more ids than a batch."""
    order = (func.lower(Solution.name), Solution.id)
    after = None
    while True:
        query = filtered_query(filters or {}).add_columns(order[0]).order_by(None).order_by(*order).limit(EXPORT_BATCH)
        if after is not None:
            query = query.where(tuple_(*order) > tuple_(*after))
        rows = db.session.execute(query).all()
        if not rows:
            return
        yield from _entries([solution for solution, _ in rows])
        after = (rows[-1][1], rows[-1][0].id)


def _entries(solutions: list[Solution]) -> Iterator[dict[str, Any]]:
    oversight = _oversight(solutions)
    for solution in solutions:
        yield public_entry(solution, oversight.get(solution.id) or {})


def public_entry(solution: Solution, oversight: Mapping[str, Any]) -> dict[str, Any]:
    category = solution.current_ai_act_category
    entry: dict[str, Any] = {
        "id": opaque_id(solution.id),
        "name": solution.name,
        "purpose": solution.purpose,
        "care_units": list(solution.care_units or []),
        "phase": solution.phase,
        "phase_label": _pair(_phase_labels(), solution.phase),
        "status": solution.status,
        "status_label": _pair(_status_labels(), solution.status),
        "ai_act_category": category,
        "ai_act_category_label": (_pair(CATEGORIES, category) if category else None)
        or both(NOT_CLASSIFIED),
        "oversight_role": oversight.get("role"),
    }
    if show_names():
        entry[NAME_FIELD] = oversight.get("name")
    return entry


def _phase_labels() -> dict[str, Any]:
    return {phase.value: label for phase, label in PHASE_LABELS.items()}


def _status_labels() -> dict[str, Any]:
    return {status.value: label for status, label in STATUS_LABELS.items()}


def _oversight(solutions: list[Solution]) -> dict[int, dict[str, Any]]:
    """Per solution, the oversight owner's role: the title and unit of the function, never the person.

    An owner with a user account has no title on record; the role is then the generic one of the
    register (AI Act Art 14 / Art 26(2)). The name is kept for PUBLIC_SHOW_OVERSIGHT_NAMES only.
    """
    owners = current_oversight_owners([s.id for s in solutions])
    found = {}
    for solution_id, owner in owners.items():
        role = ", ".join(part for part in (owner.get("title"), owner.get("unit")) if part) or GENERIC_ROLE
        found[solution_id] = {"role": role, "name": owner.get("name")}
    return found


def csv_row(entry: Mapping[str, Any]) -> list[str]:
    phase, category = entry.get("phase_label") or {}, entry.get("ai_act_category_label") or {}
    values = {
        **entry,
        "care_units": "; ".join(entry.get("care_units") or []),
        "phase_sv": phase.get("sv"), "phase_en": phase.get("en"),
        "ai_act_category_sv": category.get("sv"), "ai_act_category_en": category.get("en"),
    }
    columns = CSV_COLUMNS + ((NAME_FIELD,) if show_names() else ())
    return ["" if values.get(c) is None else csv_safe(str(values.get(c))) for c in columns]


def csv_columns() -> tuple[str, ...]:
    return CSV_COLUMNS + ((NAME_FIELD,) if show_names() else ())


# --------------------------------------------------------------------------- one solution's page

def organisation() -> dict[str, str | None]:
    """The region that answers for its solutions (config ORGANISATION): its name and its contact (a
    function's address or telephone, never a person's, as the region configures it)."""
    org = current_app.config.get("ORGANISATION") or {}
    return {"name": org.get("name") or None, "contact": org.get("contact") or None}


def public_detail(solution: Solution) -> dict[str, Any]:
    """Everything the public page of one solution says, in both languages where the register words it
    (its own texts are as the region wrote them, in Swedish). Built field by field like the list."""
    assignment = solution.current_oversight
    oversight = _oversight([solution]).get(solution.id) or {}
    entry = public_entry(solution, oversight)
    category = solution.current_ai_act_category
    device_label, device_meaning = texts.device(solution.current_device_class, classified=category is not None)
    measures = []
    if assignment is not None:
        measures = [{"code": code, "text": texts.pair(text)} for code, text in texts.OVERSIGHT_MEASURES.items()
                    if getattr(assignment, code, False)]
    org = organisation()
    description = db.session.get(PublicDescription, solution.id)
    updated = max(filter(None, (solution.updated_at, solution.phase_changed_at,
                                assignment.started_at if assignment is not None else None,
                                description.updated_at if description is not None else None)))
    return {
        **entry,
        "what_it_does": _own_words(description, "what", solution.intended_use),
        "why": _own_words(description, "why", solution.need_statement),
        "data_used": _own_words(description, "data", None),
        "legal_basis": _own_words(description, "legal_basis", solution.legal_basis),
        "user_groups": list(solution.user_groups or []),
        "kind": solution.kind,
        "kind_meaning": texts.pair_of(texts.KIND_MEANING, solution.kind),
        "sourcing": solution.sourcing,
        "sourcing_meaning": texts.pair_of(texts.SOURCING_MEANING, solution.sourcing),
        "ai_act_category_meaning": (texts.pair_of(texts.CATEGORY_MEANING, category) if category
                                    else texts.pair(texts.NOT_CLASSIFIED_MEANING)),
        "device_class": solution.current_device_class,
        "device_class_label": device_label,
        "device_class_meaning": device_meaning,
        "phase_meaning": texts.pair_of(texts.PHASE_MEANING, solution.phase),
        "paused_meaning": texts.pair(texts.PAUSED_MEANING) if solution.status == "paused" else None,
        "phase_since": solution.phase_changed_at.date(),
        "in_use_since": solution.in_service_since or _first_pilot_on(solution),
        "personal_data": solution.processes_personal_data,
        "health_data": solution.processes_health_data,
        "data_meaning": texts.data_meaning(solution.processes_personal_data, solution.processes_health_data),
        "oversight_measures": measures,
        "oversight_meaning": None if assignment is not None else texts.pair(texts.NO_OVERSIGHT),
        "organisation": org["name"],
        "contact": (description.contact if description is not None else None) or org["contact"],
        "updated_at": _utc(updated),
    }


def _own_words(description: PublicDescription | None, stem: str, fallback: str | None) -> dict[str, str | None]:
    """A text of the public page in the region's own words: its public description's Swedish and English,
    the register's record (written in Swedish) where the description has no Swedish text."""
    sv = getattr(description, f"{stem}_sv") if description is not None else None
    en = getattr(description, f"{stem}_en") if description is not None else None
    return {"sv": sv or fallback or None, "en": en or None}


def _first_pilot_on(solution: Solution) -> date | None:
    """The day the solution first went into pilot (when no in-service date is recorded): from then on it
    was used in care. None while it never left needs analysis."""
    if solution.phase == "needs_analysis":
        return None
    first = db.session.scalar(
        select(func.min(func.coalesce(TransitionRequest.decided_at, TransitionRequest.requested_at)))
        .where(TransitionRequest.solution_id == solution.id, TransitionRequest.to_phase == "pilot",
               TransitionRequest.status.in_(("approved", "applied"))))
    return first.date() if first is not None else None


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
