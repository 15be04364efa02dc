"""Supplier documents on the follow-up agenda and in reminders: a certificate or agreement that expires
within the warning window (AI_REGISTER_SUPPLIER_EXPIRY_WARNING_DAYS), or has expired, flags every solution
that uses it."""

from __future__ import annotations

from datetime import date

from ai_register.reviews.agenda_items import AgendaItem, sql_part
from ai_register.suppliers import rules, services
from ai_register.suppliers.models import SupplierDocument


def agenda_part(today: date, scope, want):
    """The agenda's part of supplier documents (`reviews.agenda_items.Part`): only `want.limit` of them read, in
    the agenda's order, and counted in SQL. `scope`: a SELECT of the solution ids to look at (None: all)."""

    query = services.attention_query(today, scope=scope)

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
    return sql_part(query, SupplierDocument.valid_until < today, want, build)
