"""The supplier register's rules, pure (no Flask, no database): the EU/EEA, transfer bases, document kinds,
when a document is expiring, and which device classes need a notified body.

GDPR chapter V: a transfer of personal data outside the EU/EEA needs a legal basis (an adequacy decision,
Art 45; appropriate safeguards such as standard contractual clauses or binding corporate rules, Art 46-47;
or a derogation for a specific situation, Art 49).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from babel import Locale

# The 27 member states and the three EEA states (Iceland, Liechtenstein, Norway), ISO 3166-1 alpha-2.
EU_EEA = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
    "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"})

# Every ISO 3166-1 alpha-2 code that CLDR names (through Babel; no Flask): a supplier's seat and where the
# region's data are processed.
COUNTRY_CODES = frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())
NOT_A_COUNTRY = "Not an ISO 3166-1 alpha-2 country code (e.g. SE, IE, US)."

TRANSFER_BASES = ("adequacy_decision", "standard_contractual_clauses", "binding_corporate_rules",
                  "derogation", "other")
TRANSFER_CITATIONS = {"adequacy_decision": "GDPR Art 45", "standard_contractual_clauses": "GDPR Art 46(2)(c)",
                      "binding_corporate_rules": "GDPR Art 47", "derogation": "GDPR Art 49", "other": None}

# Who to call: the provider's post-market / vigilance contact receives incident reports (AI Act Art 26(5),
# MDR Art 87 via the manufacturer).
VIGILANCE = "vigilance"
CONTACT_ROLES = ("contract", VIGILANCE, "data_protection", "support", "other")

# Documents. Agreements belong to the supplier; the others to one product version.
CONTRACT, DPA = "contract", "dpa"
INSTRUCTIONS = "instructions_for_use"
DECLARATION = "declaration_of_conformity"
CERTIFICATE = "ce_certificate"
ART6_4 = "art6_4_documentation"
AGREEMENT_KINDS = (CONTRACT, DPA)
PRODUCT_KINDS = (INSTRUCTIONS, DECLARATION, CERTIFICATE, ART6_4)
DOCUMENT_KINDS = AGREEMENT_KINDS + PRODUCT_KINDS
DOCUMENT_CITATIONS = {CONTRACT: None, DPA: "GDPR Art 28(3)", INSTRUCTIONS: "AI Act Art 13",
                      DECLARATION: "AI Act Art 47; MDR Art 19; IVDR Art 17",
                      CERTIFICATE: "MDR Art 56; IVDR Art 51", ART6_4: "AI Act Art 6(4)"}
DEVICE_REGULATIONS = ("mdr", "ivdr")

DEVICE_CLASSES = ("I", "Im", "Is", "IIa", "IIb", "III", "A", "A_sterile", "B", "C", "D")

EXPIRED, EXPIRING = "expired", "expiring"

# A notified body's identification number in NANDO: four digits.
NOTIFIED_BODY_NUMBER = re.compile(r"^\d{4}$")


def normalise_countries(values: Iterable[str] | None) -> list[str]:
    """Upper-case ISO codes, each once, in the order given."""
    return list(dict.fromkeys(v.strip().upper() for v in values or () if v and v.strip()))


def is_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code, in either case, spaces around it allowed."""
    return code.strip().upper() in COUNTRY_CODES


def country_errors(country: str | None, processing_countries: Iterable[str] | None) -> dict:
    """The seat and each processing country an ISO 3166-1 alpha-2 code; a wrong one in the list is named by
    its place (0 the first), as a list's messages are."""
    errors: dict = {}
    if country is not None and not is_country(country):
        errors["country"] = [NOT_A_COUNTRY]
    wrong = {index: [NOT_A_COUNTRY] for index, code in enumerate(processing_countries or ()) if not is_country(code)}
    if wrong:
        errors["processing_countries"] = wrong
    return errors


def outside_eu_eea(countries: Iterable[str]) -> list[str]:
    return [c for c in countries if c not in EU_EEA]


def transfer_errors(countries: Iterable[str], basis: str | None) -> dict[str, list[str]]:
    """A country outside the EU/EEA needs the transfer's legal basis (GDPR chapter V)."""
    outside = outside_eu_eea(countries)
    if outside and not basis:
        return {"transfer_basis": ["Data are processed outside the EU/EEA; give the legal basis of the transfer "
                                   "(GDPR chapter V)."]}
    return {}


def document_errors(kind: str, *, product: bool, issued_on: date | None, valid_until: date | None,
                    notified_body_name: str | None, notified_body_number: str | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if product and kind in AGREEMENT_KINDS:
        errors["kind"] = ["A contract or data-processing agreement belongs to the supplier, not a product version."]
    if not product and kind in PRODUCT_KINDS:
        errors["product_id"] = ["Name the product version this document belongs to."]
    if kind == CERTIFICATE:
        if not (notified_body_name or "").strip():
            errors["notified_body_name"] = ["A CE certificate names the notified body that issued it."]
        if not (notified_body_number or "").strip():
            errors["notified_body_number"] = ["Give the notified body's four-digit number (NANDO)."]
        if valid_until is None:
            errors["valid_until"] = ["A notified body's certificate is valid until a date (at most five years)."]
    if notified_body_number and not NOTIFIED_BODY_NUMBER.match(notified_body_number):
        errors["notified_body_number"] = ["The notified body's number has four digits (NANDO), e.g. 2797."]
    if issued_on and valid_until and valid_until < issued_on:
        errors["valid_until"] = ["The last valid day is before the day it was signed or issued."]
    return errors


def expiry_state(valid_until: date | None, today: date, window_days: int) -> str | None:
    """`valid_until` is the last valid day: expired after it, expiring within the window before it."""
    if valid_until is None:
        return None
    if valid_until < today:
        return EXPIRED
    if valid_until <= today + timedelta(days=window_days):
        return EXPIRING
    return None
