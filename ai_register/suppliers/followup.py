"""Supplier documents on the follow-up agenda and in reminders: a certificate or agreement that expires
within the warning window (AI_REGISTER_SUPPLIER_EXPIRY_WARNING_DAYS), or has expired, flags every solution
that uses it."""

from __future__ import annotations

from datetime import date

from ai_register.reviews.agenda_items import AgendaItem, Source
from ai_register.suppliers import rules, services
from ai_register.suppliers.models import SupplierDocument


def agenda_part(today: date) -> Source:
    """The agenda's source of supplier documents (`reviews.agenda_items.Source`), in the agenda's order."""

    query = services.attention_query(today)

    def build(rows) -> list:
        items = []
        for row in services.attention_rows(rows, today):
            expired = row.state == rules.EXPIRED
            document = row.document
            items.append(AgendaItem(
                "supplier_document_expired" if expired else "supplier_document_expiring", row.solution,
                "supplier_document", document.id, document.valid_until, expired,
                {"solution": row.solution.name, "document": document.title, "document_kind": document.kind,
                 "supplier": document.supplier.name},
                f"/suppliers/{document.supplier_id}", ("owners", "compliance") if expired else ("owners",)))
        return items

    # Expired (the last valid day has passed) first, then by that day: as the agenda sorts them.
    return Source(query, SupplierDocument.valid_until < today, build)
