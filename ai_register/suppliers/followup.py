"""Supplier documents on the follow-up agenda and in reminders: a certificate or agreement that expires
within the warning window (AI_REGISTER_SUPPLIER_EXPIRY_WARNING_DAYS), or has expired, flags every solution
that uses it."""

from __future__ import annotations

from datetime import date

from ai_register.suppliers import rules, services


def agenda_items(today: date, scope) -> list:
    """`scope`: a SELECT of the solution ids to look at (None: all), see reviews.agenda.collect."""
    # cycle: reviews.agenda → suppliers.followup → reviews.agenda
    from ai_register.reviews.agenda import AgendaItem  # this module builds on the agenda

    items = []
    for row in services.attention(today, scope=scope):
        expired = row.state == rules.EXPIRED
        document = row.document
        items.append(AgendaItem(
            "supplier_document_expired" if expired else "supplier_document_expiring", row.solution,
            "supplier_document", document.id, document.valid_until, expired,
            {"solution": row.solution.name, "document": document.title, "document_kind": document.kind,
             "supplier": document.supplier.name},
            f"/suppliers/{document.supplier_id}", ("owners", "compliance") if expired else ("owners",)))
    return items
