"""The traceability report's supplier section: the product version the solution uses, its supplier (contacts,
where data are processed, the transfer basis), the supplier's agreements and the product version's documents.

The solution's link is one of its own records (replayed with the solution's trail for a report as of a past
moment); the supplier's records are shared by many solutions, so for a past moment they are replayed from
their own events up to that moment, and for the present read as they are."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ai_register.audit import services as audit
from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.reports.instants import db_instant
from ai_register.reports.replay import Replay
from ai_register.suppliers import rules, services
from ai_register.suppliers.models import Supplier, SupplierDocument, SupplierProduct

ENTITIES = (services.SUPPLIER, services.PRODUCT, services.DOCUMENT)


def _live(product_id: int) -> dict[str, list[dict]] | None:
    product = db.session.get(SupplierProduct, product_id)
    if product is None:
        return None
    documents = db.session.scalars(select(SupplierDocument).where(SupplierDocument.supplier_id == product.supplier_id)
                                   .order_by(SupplierDocument.id)).all()
    return {services.SUPPLIER: [audit.snapshot(db.session.get(Supplier, product.supplier_id))],
            services.PRODUCT: [audit.snapshot(product)],
            services.DOCUMENT: [audit.snapshot(d) for d in documents]}


def _replayed(product_id: int, until: datetime) -> dict[str, list[dict]] | None:
    moment = db_instant(until)
    replay = Replay()
    query = (select(AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.action, AuditEvent.data,
                    AuditEvent.occurred_at, AuditEvent.position)
             .where(AuditEvent.entity_type.in_(ENTITIES), AuditEvent.occurred_at <= moment)
             .order_by(AuditEvent.position))
    for row in db.session.execute(query).mappings():
        replay.apply(dict(row))
    products = [r.fields for r in replay.records(services.PRODUCT) if r.fields.get("id") == product_id]
    if not products:
        return None
    supplier_id = products[0].get("supplier_id")
    return {services.SUPPLIER: [r.fields for r in replay.records(services.SUPPLIER)
                                if r.fields.get("id") == supplier_id],
            services.PRODUCT: products,
            services.DOCUMENT: [r.fields for r in replay.records(services.DOCUMENT)
                                if r.fields.get("supplier_id") == supplier_id]}


def _state(document: Mapping[str, Any], on: date) -> str | None:
    if document.get("withdrawn_on") and str(document["withdrawn_on"]) <= on.isoformat():
        return "withdrawn"
    until = document.get("valid_until")
    return rules.expiry_state(date.fromisoformat(str(until)[:10]) if until else None, on, services.warning_days())


def section(links: list[dict], *, as_of: datetime | None, on: date) -> dict[str, Any] | None:
    """`links`: the solution's `solution_supplier_product` records (none, or one). None when no product
    version is linked."""
    product_id = next((link.get("product_id") for link in links if link.get("product_id")), None)
    if product_id is None:
        return None
    records = _replayed(product_id, as_of) if as_of is not None else _live(product_id)
    if not records or not records[services.SUPPLIER]:
        return None
    supplier, product = records[services.SUPPLIER][0], records[services.PRODUCT][0]
    documents = [{**d, "state": _state(d, on)} for d in records[services.DOCUMENT]
                 if d.get("product_id") in (None, product_id)]
    return {
        "supplier": {k: supplier.get(k) for k in ("id", *services.SUPPLIER_FIELDS)}
        | {"outside_eu_eea": rules.outside_eu_eea(supplier.get("processing_countries") or [])},
        "product": {k: product.get(k) for k in ("id", *services.PRODUCT_FIELDS)},
        "documents": [{k: d.get(k) for k in ("id", *services.DOCUMENT_FIELDS, "state")}
                      for d in sorted(documents, key=lambda d: (d.get("product_id") is not None, d.get("kind"),
                                                                d.get("id")))],
        "linked_at": next((link.get("linked_at") for link in links if link.get("product_id")), None),
    }
