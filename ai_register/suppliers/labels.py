"""The supplier register's codes as words: a contact's role, a transfer's legal basis, a document's kind,
a device regulation; and what its records read as in the audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ai_register import formats
from ai_register.formats import lookup

CONTACT_ROLE_LABELS = {"contract": _l("Contract and account"), "vigilance": _l("Post-market and vigilance (incidents)"),
                       "data_protection": _l("Data protection"), "support": _l("Support"), "other": _l("Other")}
TRANSFER_LABELS = {"adequacy_decision": _l("Adequacy decision (GDPR Art 45)"),
                   "standard_contractual_clauses": _l("Standard contractual clauses (GDPR Art 46)"),
                   "binding_corporate_rules": _l("Binding corporate rules (GDPR Art 47)"),
                   "derogation": _l("Derogation for a specific situation (GDPR Art 49)"), "other": _l("Other")}
DOCUMENT_LABELS = {"contract": _l("Contract"), "dpa": _l("Data processing agreement"),
                   "instructions_for_use": _l("Instructions for use (AI Act Art 13)"),
                   "declaration_of_conformity": _l("EU declaration of conformity"),
                   "ce_certificate": _l("CE certificate from the notified body"),
                   "art6_4_documentation": _l("Art 6(4) documentation (exemption under Art 6(3))")}
REGULATION_LABELS = {"mdr": _l("MDR (EU) 2017/745"), "ivdr": _l("IVDR (EU) 2017/746")}


# --------------------------------------------------------------------------- in the audit trail
# What its records read as in the audit trail, the privacy inventory and the reports (audit/record_labels.py
# takes each word the register's own tables do not already have).

RECORD_TYPES = {"supplier": _l("Supplier"), "supplier_product": _l("Product version"),
                "supplier_document": _l("Supplier document"),
                "solution_supplier_product": _l("Supplier's product of the solution")}
NOTIFICATION_KINDS = {"supplier_document_expiring": _l("supplier document expiring"),
                      "supplier_document_expired": _l("supplier document expired")}
RECORD_FIELDS = {
    "org_number": _l("Organisation number"), "country": _l("Country of the seat"), "website": _l("Website"),
    "contacts": _l("Contacts"), "processing_countries": _l("Countries where the region's data are processed"),
    "transfer_basis": _l("Legal basis of a transfer outside the EU/EEA"), "transfer_note": _l("About the transfer"),
    "device_regulation": _l("Medical-device regulation"), "udi_di": _l("Basic UDI-DI / UDI-DI"),
    "eu_database_number": _l("Registration number in the EU database (AI Act Art 49)"),
    "art6_3_exemption_claimed": _l("The provider claims the system is not high-risk (Art 6(3))"),
    "supplier_id": _l("Supplier"), "product_id": _l("Product version"), "valid_until": _l("Valid until (last day)"),
    "regulation": _l("Regulation"), "notified_body_name": _l("Notified body"),
    "notified_body_number": _l("Notified body number"), "link": _l("Link to the document"),
    "withdrawn_on": _l("Withdrawn on"), "withdrawn_reason": _l("Why it was withdrawn"),
    "linked_by_id": _l("Linked by"), "linked_at": _l("Linked at"),
}


def contacts_text(contacts) -> str:
    return "; ".join(", ".join(str(v) for v in (lookup(CONTACT_ROLE_LABELS, c.get("role")), c.get("name"),
                                                  c.get("email"), c.get("phone")) if v)
                     for c in contacts or [] if isinstance(c, dict))


RECORD_VALUES = {
    ("supplier", "transfer_basis"): lambda code: lookup(TRANSFER_LABELS, code),
    ("supplier", "contacts"): contacts_text,
    ("supplier", "processing_countries"): lambda codes: formats.countries(codes),
    ("supplier", "country"): lambda code: formats.country(code),
    ("supplier_document", "kind"): lambda code: lookup(DOCUMENT_LABELS, code),
    ("supplier_document", "regulation"): lambda code: lookup(REGULATION_LABELS, code),
    ("supplier_product", "device_regulation"): lambda code: lookup(REGULATION_LABELS, code),
}
