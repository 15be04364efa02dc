"""The import template's columns: headers in English and Swedish, and how a cell becomes a value (phases and
perspectives are read by their names in the catalog, so this module needs Flask-Babel; it is not pure).

Values are turned into what the solution, goal and classification schemas take; those schemas and
services do the validating, so a cell is only parsed here (a list split, `ja` read as yes), never judged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask_babel import force_locale, gettext

from ai_register.formats import LANGUAGES
from ai_register.goals.models import PERSPECTIVE_LABELS
from ai_register.solutions.lifecycle.phases import PHASE_LABELS, Phase

LIST_SEPARATOR = re.compile(r"\s*[;\n]\s*")
YES = {"yes", "ja", "true", "sant", "1", "y", "j", "x"}
NO = {"no", "nej", "false", "falskt", "0", "n"}
EMPTY_LIST = {"-", "none", "inga", "ingen", "[]"}

# A phase or perspective cell may hold the catalog label in Swedish or English ("Förvaltning",
# "Management") or the code; the names come from the catalog, so they never drift from what pages show.
# Older spreadsheets say "prövning" for the needs analysis.
PHASE_ALIASES = {"prövning": Phase.NEEDS_ANALYSIS}


def accepted_names(labels: Mapping[StrEnum, str]) -> dict[str, str]:
    """Every name a cell may use for a code (casefolded) → the code: its label in each language, and the
    code itself. Outside the application only the English labels and codes are known."""
    names = {code.value: code.value for code in labels}
    for lang in LANGUAGES:  # force_locale: an import from the CLI has no request to take a locale from
        with force_locale(lang):
            names.update((gettext(label).casefold(), code.value) for code, label in labels.items())
    return names


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    sv: str
    kind: str  # text, list, bool, int, date, email, emails, phase, perspective, number
    help: str
    required: bool = False
    target: str = "solution"  # solution, goal, owner, phase


COLUMNS: tuple[Column, ...] = (
    Column("external_id", "External id", "Externt id", "text",
           "Your spreadsheet's stable id of the solution; a row whose id is already registered is skipped.",
           required=True),
    Column("name", "Name", "Namn", "text", "Name of the solution.", required=True),
    Column("purpose", "Purpose", "Syfte", "text", "What it is for.", required=True),
    Column("intended_use", "Intended use", "Avsedd användning", "text", "Intended use (AI Act Art 3(12))."),
    Column("need_statement", "Need statement", "Behov", "text", "The problem the solution solves."),
    Column("alternatives", "Alternatives", "Alternativ", "text", "Alternatives considered."),
    Column("care_units", "Care units", "Vårdenheter", "list", "Care units, separated by ';'."),
    Column("user_groups", "User groups", "Användargrupper", "list", "User groups, separated by ';'."),
    Column("tags", "Tags", "Taggar", "list", "Tags, separated by ';'."),
    Column("supplier", "Supplier", "Leverantör", "text", "Supplier."),
    Column("product", "Product", "Produkt", "text", "Product name."),
    Column("product_version", "Product version", "Produktversion", "text", "Product version."),
    Column("sourcing", "Sourcing", "Anskaffning", "text", "in_house or procured."),
    Column("in_service_since", "In service since", "I drift sedan", "date", "Date, YYYY-MM-DD."),
    Column("kind", "Kind", "Typ", "text", "machine_learning, generative, rule_based or other."),
    Column("processes_personal_data", "Personal data", "Personuppgifter", "bool",
           "yes/no (ja/nej); blank: not yet assessed."),
    Column("processes_health_data", "Health data", "Hälsodata", "bool", "yes/no (ja/nej); blank: not yet assessed."),
    Column("legal_basis", "Legal basis", "Rättslig grund", "text", "Legal basis of the processing."),
    Column("confidentiality", "Confidentiality", "Konfidentialitet", "int", "1-4."),
    Column("integrity", "Integrity", "Riktighet", "int", "1-4."),
    Column("availability", "Availability", "Tillgänglighet", "int", "1-4."),
    Column("public", "Public", "Publik", "bool", "yes/no: shown in the public transparency register."),
    Column("review_interval_months", "Review interval (months)", "Granskningsintervall (månader)", "int",
           "Months between periodic reviews."),
    Column("owner_email", "Owner e-mail", "Ägare e-post", "email",
           "E-mail of the AI owner's account (owner or compliance role); blank: the importer.", target="owner"),
    Column("co_owner_emails", "Co-owner e-mails", "Medägare e-post", "emails",
           "E-mails of co-owners' accounts, separated by ';'.", target="owner"),
    Column("phase", "Phase", "Fas", "phase",
           "Current phase: behovsanalys, pilot, breddinförande, förvaltning, avveckling or avvecklad "
           "(or the English codes); blank: needs analysis. Recorded as imported; gates are not checked.",
           target="phase"),
    Column("goal_perspective", "Goal perspective", "Målperspektiv", "perspective",
           "One of the five perspectives, e.g. Verksamhet / operations.", target="goal"),
    Column("goal_title", "Goal", "Mål", "text",
           "The goal. More goals: further rows with the same external id and only the goal columns filled.",
           target="goal"),
    Column("goal_indicator_code", "Common indicator", "Gemensam indikator", "text",
           "The region's common indicator the goal counts towards: its code or name (e.g. Kvalitet / quality).",
           target="goal"),
    Column("goal_indicator", "Indicator", "Indikator", "text", "How the goal is measured.", target="goal"),
    Column("goal_unit", "Unit", "Enhet", "text", "Unit of the indicator.", target="goal"),
    Column("goal_baseline", "Baseline", "Utgångsvärde", "number", "Value before the solution.", target="goal"),
    Column("goal_target", "Target", "Målvärde", "number", "Value to reach.", target="goal"),
)
BY_KEY = {column.key: column for column in COLUMNS}
GOAL_FIELDS = {"goal_perspective": "perspective", "goal_title": "title", "goal_indicator_code": "indicator_id",
               "goal_indicator": "indicator",
               "goal_unit": "unit", "goal_baseline": "baseline", "goal_target": "target"}
# Where a service or schema names a field, the column the user typed it in.
FIELD_COLUMNS = {"owner_id": "owner_email", "co_owner_ids": "co_owner_emails",
                 **{field: column for column, field in GOAL_FIELDS.items()}}
QUESTION_PREFIXES = ("question:", "fråga:", "q:")


def normalise_header(header: Any) -> str:
    text = unicodedata.normalize("NFC", str(header or "")).strip().rstrip("*").strip().casefold()
    return re.sub(r"\s+", " ", text)


HEADERS = {normalise_header(name): column.key for column in COLUMNS
           for name in (column.key, column.en, column.sv)}


def header_key(header: Any, question_ids: frozenset[str]) -> str | None:
    """The column key of a header (English, Swedish or key), `answer:<question id>`, or None if unknown."""
    name = normalise_header(header)
    if name in HEADERS:
        return HEADERS[name]
    for prefix in QUESTION_PREFIXES:
        name = name.removeprefix(prefix).strip()
    return f"answer:{name}" if name in question_ids else None


def cell_text(value: Any) -> str:
    """A cell as text: spreadsheet dates as ISO dates, whole numbers without `.0`."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def split_list(text: str) -> list[str]:
    return [item for item in LIST_SEPARATOR.split(text.strip()) if item]


def parse_cell(kind: str, text: str) -> Any:
    """A non-empty cell as the value its schema takes; what cannot be read is passed on for the schema
    to refuse with its own message."""
    lowered = text.casefold()
    if kind == "list" or kind == "emails":
        return split_list(text)
    if kind == "bool":
        return True if lowered in YES else False if lowered in NO else text
    if kind == "phase":
        names = {**accepted_names(PHASE_LABELS), **{alias: phase.value for alias, phase in PHASE_ALIASES.items()}}
        return names.get(lowered, lowered)
    if kind == "perspective":
        return accepted_names(PERSPECTIVE_LABELS).get(lowered, lowered)
    if kind == "number":
        return text.replace(",", ".").replace(" ", "").replace("\u00a0", "")
    return text


def parse_answer(multiple: bool, text: str) -> Any:
    """A classification answer: list questions take values separated by ';' ('-' or 'none' for none)."""
    if not multiple or text.casefold() == "unsure":
        return text
    return [] if text.casefold() in EMPTY_LIST else split_list(text)
