"""What the public may read: the solutions marked public, reduced to the fields a citizen needs.

Every public field is built here, from an explicit list, never by passing a record through: a field
added to a model cannot leak by accident. No e-mail, no personal name (unless the region decides
otherwise with config PUBLIC_SHOW_OVERSIGHT_NAMES), no internal id: each solution gets an opaque id,
an HMAC of its id under the instance's secret, stable as long as the secret is.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Mapping
from typing import Any

from flask import current_app
from sqlalchemy import func, select, tuple_

from ai_register.apikit import page_window
from ai_register.extensions import db
from ai_register.reports.export import csv_safe
from ai_register.reports.labels import both
from ai_register.reports.portfolio_report import current_oversight_owners
from ai_register.solutions import lifecycle
from ai_register.solutions.models import Solution
from ai_register.web.labels import CATEGORIES

PUBLIC_FIELDS = ("id", "name", "purpose", "care_units", "phase", "phase_label", "status", "status_label",
                 "ai_act_category", "ai_act_category_label", "oversight_role")
NAME_FIELD = "oversight_name"
CSV_COLUMNS = ("id", "name", "purpose", "care_units", "phase", "phase_sv", "phase_en", "status",
               "ai_act_category", "ai_act_category_sv", "ai_act_category_en", "oversight_role")

NOT_CLASSIFIED = ("Ännu inte klassificerad", "Not yet classified")
GENERIC_ROLE = "Tillsynsansvarig / Human-oversight owner"
EXPORT_BATCH = 1000


def show_names() -> bool:
    return bool(current_app.config.get("PUBLIC_SHOW_OVERSIGHT_NAMES", False))


def opaque_id(solution_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, f"public-solution:{solution_id}".encode(), hashlib.sha256).hexdigest()[:20]


def _pair(labels: Mapping, code: Any) -> dict[str, str] | None:
    label = labels.get(code)
    if label is None:
        return None
    if hasattr(label, "sv"):
        return {"sv": label.sv, "en": label.en}
    return both(label)


def _public_query():
    return select(Solution).where(Solution.public.is_(True))


def count_public() -> int:
    return db.session.scalar(select(func.count()).select_from(_public_query().subquery())) or 0


def public_solutions(*, page: int | None = None, per_page: int | None = None) -> Iterator[dict[str, Any]]:
    """The public entries in name order; all of them when no page is given, read in batches (keyset on
    the order), so the whole register never sits in memory and no statement carries more ids than a
    batch."""
    order = (func.lower(Solution.name), Solution.id)
    if page is not None and per_page is not None:
        offset, limit = page_window(page, per_page)
        solutions = list(db.session.scalars(_public_query().order_by(*order).offset(offset).limit(limit)))
        yield from _entries(solutions)
        return
    after = None
    while True:
        query = _public_query().add_columns(order[0]).order_by(*order).limit(EXPORT_BATCH)
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
        or dict(zip(("sv", "en"), NOT_CLASSIFIED, strict=True)),
        "oversight_role": oversight.get("role"),
    }
    if show_names():
        entry[NAME_FIELD] = oversight.get("name")
    return entry


def _phase_labels() -> dict[str, Any]:
    return {phase.value: label for phase, label in lifecycle.PHASE_LABELS.items()}


def _status_labels() -> dict[str, Any]:
    return {status.value: label for status, label in lifecycle.STATUS_LABELS.items()}


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
