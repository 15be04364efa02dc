"""Pure rules of the FRIA: which points Art 27(1) asks for, when a version is complete, which moves are
allowed, and the notification export built from a data-driven field mapping. No Flask, no database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DRAFT, SUBMITTED, APPROVED, RETURNED = "draft", "submitted", "approved", "returned"
STATUSES = (DRAFT, SUBMITTED, APPROVED, RETURNED)
EDITABLE_STATUSES = (DRAFT, RETURNED)
OPEN_STATUSES = (DRAFT, SUBMITTED, RETURNED)
LEVELS = ("low", "medium", "high")

# Regulation (EU) 2024/1689, Art 27(1) (a)-(f): the text fields of a version, with the point they answer.
POINTS: Mapping[str, str] = {
    "processes": "Art 27(1)(a)",
    "period_and_frequency": "Art 27(1)(b)",
    "affected_persons": "Art 27(1)(c)",
    "provider_information": "Art 27(1)(d)",
    "oversight_measures": "Art 27(1)(e)",
    "materialisation_measures": "Art 27(1)(f)",
    "internal_governance": "Art 27(1)(f)",
    "complaint_mechanisms": "Art 27(1)(f)",
}
TEXT_FIELDS = (*POINTS, "dpia_complement")
RISK_FIELDS = ("group", "right", "description", "likelihood", "severity", "mitigation")


def missing_points(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """What a version still lacks before it can be submitted: every point of Art 27(1), at least one
    specific risk of harm (Art 27(1)(d)), and how it complements the DPIA when one is linked (Art 27(4))."""
    errors: dict[str, list[str]] = {}
    for name, point in POINTS.items():
        if not str(values.get(name) or "").strip():
            errors[name] = [f"Required before submitting ({point})."]
    risks = values.get("risks") or []
    if not risks:
        errors["risks"] = ["Describe at least one specific risk of harm (Art 27(1)(d))."]
    if values.get("dpia_evidence_id") and not str(values.get("dpia_complement") or "").strip():
        errors["dpia_complement"] = ["Say how the FRIA complements the linked DPIA (Art 27(4))."]
    return errors


def risk_errors(risks: list[Mapping[str, Any]]) -> dict[int, dict[str, list[str]]]:
    errors: dict[int, dict[str, list[str]]] = {}
    for index, risk in enumerate(risks):
        row: dict[str, list[str]] = {}
        for name in ("group", "description", "likelihood", "severity"):  # as the API's schema says it
            if not str(risk.get(name) or "").strip():
                row[name] = ["Missing data for required field."]
        for name in ("likelihood", "severity"):
            if str(risk.get(name) or "").strip() and risk.get(name) not in LEVELS:
                row[name] = [f"Must be one of: {', '.join(LEVELS)}."]
        if row:
            errors[index] = row
    return errors


def resolve(context: Mapping[str, Any], source: str) -> Any:
    """A dotted path into the export's context (`fria.processes`, `solution.name`); None when absent."""
    value: Any = context
    for part in source.split("."):
        value = value.get(part) if isinstance(value, Mapping) else getattr(value, part, None)
        if value is None:
            return None
    return value


def notification(template: Mapping[str, Any], context: Mapping[str, Any], lang: str = "en") -> dict:
    """The Art 27(3) notification, field by field as the template maps them. The AI Office's template
    (Art 27(5)) may still change: the mapping is data (`notification_template.yaml`), not code."""
    fields = []
    for item in template.get("fields") or ():
        label = item.get("label") or {}
        fields.append({
            "key": item["key"],
            "label": label.get(lang) or label.get("en") or item["key"],
            "citation": item.get("citation"),
            "value": resolve(context, item["source"]),
        })
    return {"template": template.get("name"), "template_version": template.get("version"), "fields": fields}
