"""What the register holds for the EU database (AI Act Art 49, Annex VIII) and for EUDAMED, pure.

Which sections apply follows the current (approved or overridden) classification and its answers:
- Annex III high-risk, provider → Annex VIII Section A (Art 49(1));
- Annex III route removed by Art 6(3), provider → Section B (Art 49(2));
- Annex III high-risk (not point 2), deployer that is a public authority or provides public services
  → Section C (Art 49(3)); an unanswered `public_authority` counts as public, as the gates do;
- Annex I medical device (MDR/IVDR) → EUDAMED instead of the EU database (Art 49(1) does not cover
  them; MDR Art 29-31, IVDR Art 26-28): UDI-DI, certificate, class.
Each field says where its value comes from; a required field the register does not hold is listed
in `missing`. Organisation details come from config `ORGANISATION` ({name, address, contact, country}).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ANNEX_I_DEVICE_ROUTES = frozenset({"annex_i_mdr", "annex_i_ivdr"})
# Annex VIII A.12: no instructions for use in the database for Annex III points 1, 6 and 7.
NO_INSTRUCTIONS_ROUTES = ("annex_iii_1", "annex_iii_6", "annex_iii_7")
# Annex III point 1 (biometrics) may need a notified body (Art 43(1)); the others use internal control.
CERTIFICATE_ROUTES = ("annex_iii_1",)

STATUS_BY_PHASE = {
    "needs_analysis": "not yet in service",
    "pilot": "in service (pilot)",
    "rollout": "in service",
    "management": "in service",
    "decommissioning": "in service, being withdrawn",
    "retired": "no longer in service",
}


def _organisation(config: Mapping[str, Any]) -> dict[str, Any] | None:
    found = config.get("ORGANISATION") or {}
    wanted = {k: found.get(k) for k in ("name", "address", "contact")}
    return wanted if all(wanted.values()) else None


def _evidence(report: Mapping[str, Any], *types: str) -> list[dict[str, Any]]:
    """Current (not superseded) evidence of the given types, newest issue first."""
    found = [e for e in report.get("evidence") or [] if e.get("type") in types and not e.get("superseded")]
    return sorted(found, key=lambda e: str(e.get("issued_on")), reverse=True)


def _doc(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if record is None:
        return None
    doc = {k: record.get(k) for k in ("id", "type", "title", "reference", "issuer", "issued_on", "expires_on",
                                      "note")}
    if record.get("file_name"):
        doc["file"] = {"name": record.get("file_name"), "sha256": record.get("file_sha256"),
                       "download_url": f"/api/v1/evidence/{record.get('id')}/file"}
    doc["valid_on_report_date"] = record.get("valid_on_report_date")
    return doc


class _Section:
    def __init__(self, register: str, section: str | None, basis: str, title: str):
        self.out: dict[str, Any] = {"register": register, "section": section, "legal_basis": basis,
                                    "title": title, "fields": [], "missing": []}

    def field(self, point: str, key: str, label: str, value: Any, source: str, *, required: bool = True,
              hint: str | None = None) -> None:
        empty = value in (None, "", [], {})
        entry = {"point": point, "key": key, "label": label, "value": None if empty else value,
                 "source": source, "required": required}
        if empty and hint:
            entry["hint"] = hint
        self.out["fields"].append(entry)
        if empty and required:
            self.out["missing"].append(key)


def _trade_name(solution: Mapping[str, Any]) -> dict[str, Any]:
    return {"trade_name": solution.get("product") or solution.get("name"),
            "version": solution.get("product_version"),
            "reference": solution.get("external_id") or f"ai-register solution {solution.get('id')}"}


def _provider_fields(s: _Section, solution: Mapping[str, Any], organisation: dict | None) -> None:
    s.field("1", "provider", "Name, address and contact details of the provider", organisation,
            "config ORGANISATION (the region is the provider)",
            hint="Set ORGANISATION = {name, address, contact, country} in the configuration.")
    s.field("2", "submitter", "Person submitting on behalf of the provider", None, "not held", required=False)
    s.field("3", "authorised_representative", "Authorised representative", None,
            "not applicable to a provider established in the Union", required=False)
    s.field("4", "trade_name", "AI system trade name and unambiguous reference", _trade_name(solution),
            "solution: product, product_version, external_id")


# What `export` reads of the traceability report beyond its header and the solution's identity.
SECTIONS = frozenset({"classifications", "evidence"})


def export(report: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """The EU database / EUDAMED export of one solution, from its traceability report (header, identity and
    SECTIONS)."""
    solution = report["solution"]
    current = ((report.get("classifications") or {}).get("current")) or {}
    versions = (report.get("classifications") or {}).get("versions") or []
    version = next((v for v in versions if v.get("version") == current.get("version")), None)
    organisation = _organisation(config)
    country = (config.get("ORGANISATION") or {}).get("country")
    out: dict[str, Any] = {
        "solution_id": solution.get("id"),
        "generated_at": report["report"]["generated_at"],
        "classification": None,
        "registrations": [],
        "missing": [],
        "notes": [],
    }
    if version is None:
        out["notes"].append("No approved or overridden classification: nothing can be registered yet.")
        return out
    result, answers = version.get("result") or {}, version.get("answers") or {}
    ai_act, device = result.get("ai_act") or {}, result.get("medical_device") or {}
    category = version.get("effective_category")
    routes = list(ai_act.get("routes") or [])
    role = answers.get("role")
    public = answers.get("public_authority")
    out["classification"] = {
        "version": version.get("version"), "status": version.get("status"), "valid": current.get("valid"),
        "category": category, "routes": routes, "art6_3_exemption": bool(ai_act.get("art6_3_exemption")),
        "role": role, "public_authority": public, "device_regulation": device.get("regulation"),
        "device_class": version.get("effective_device_class"),
    }
    is_provider = role in ("provider", "provider_and_deployer", None)
    is_deployer = role in ("deployer", "provider_and_deployer", None)
    annex_iii = [r for r in routes if r.startswith("annex_iii_")]
    high_risk = category == "high_risk"
    status = STATUS_BY_PHASE.get(solution.get("phase"))
    purpose = solution.get("purpose")
    if role is None:
        out["notes"].append("The role (provider or deployer) is unanswered; both sets are shown.")

    if high_risk and annex_iii and is_provider:
        s = _Section("eu_database", "A", "AI Act Art 49(1), Annex VIII Section A",
                     "Provider of a high-risk AI system (Annex III)")
        _provider_fields(s, solution, organisation)
        s.field("5", "intended_purpose", "Intended purpose, components and functions",
                {"purpose": purpose, "intended_use": solution.get("intended_use")} if purpose else None,
                "solution: purpose, intended_use")
        s.field("6", "data_and_logic",
                "Information used by the system (data, inputs) and its operating logic", None,
                "not held as a field",
                hint=f"Kind of AI recorded: {solution.get('kind')}; describe the inputs and logic in the "
                     "technical documentation.")
        s.field("7", "status", "Status of the AI system", status, "solution: phase")
        needs_certificate = any(r.startswith(CERTIFICATE_ROUTES) for r in annex_iii)
        certificate = (_evidence(report, "notified_body_certificate", "ce_certificate") or [None])[0]
        s.field("8", "certificate", "Notified body certificate: type, number, expiry, notified body",
                _doc(certificate), "evidence: notified_body_certificate / ce_certificate (reference, issuer, "
                                   "expires_on)", required=needs_certificate)
        s.field("9", "certificate_copy", "Scanned copy of the certificate",
                _doc(certificate)["file"] if certificate and certificate.get("file_name") else None,
                "evidence file of the certificate", required=needs_certificate)
        s.field("10", "member_states", "Member States where placed on the market or put into service",
                [country] if country else None, "config ORGANISATION.country")
        s.field("11", "declaration_of_conformity", "EU declaration of conformity (Art 47)",
                _doc((_evidence(report, "declaration_of_conformity") or [None])[0]),
                "evidence: declaration_of_conformity")
        s.field("12", "instructions_for_use", "Electronic instructions for use",
                _doc((_evidence(report, "instructions_for_use") or [None])[0]),
                "evidence: instructions_for_use",
                required=not any(r.startswith(NO_INSTRUCTIONS_ROUTES) for r in annex_iii))
        s.field("13", "url", "URL for additional information", None, "not held", required=False)
        out["registrations"].append(s.out)

    if ai_act.get("art6_3_exemption") and is_provider:
        s = _Section("eu_database", "B", "AI Act Art 6(4), Art 49(2), Annex VIII Section B",
                     "Provider of an Annex III system considered not high-risk under Art 6(3)")
        _provider_fields(s, solution, organisation)
        s.field("5", "intended_purpose", "Intended purpose", purpose, "solution: purpose")
        condition = answers.get("art6_3_condition")
        s.field("6", "art6_3_conditions", "Condition(s) of Art 6(3) relied on",
                [condition] if condition and condition not in ("none", "unsure") else None,
                "classification answer art6_3_condition")
        s.field("7", "art6_3_grounds", "Summary of the grounds for not being high-risk",
                version.get("review_justification"), "classification review justification",
                hint="Record the grounds as the justification when the classification is reviewed.")
        s.field("8", "status", "Status of the AI system", status, "solution: phase")
        s.field("9", "member_states", "Member States where placed on the market or put into service",
                [country] if country else None, "config ORGANISATION.country")
        out["registrations"].append(s.out)

    public_routes = [r for r in annex_iii if r != "annex_iii_2"]
    if high_risk and public_routes and is_deployer and public != "no":
        s = _Section("eu_database", "C", "AI Act Art 49(3), Annex VIII Section C",
                     "Deployer that is a public authority (or acts on its behalf)")
        s.field("1", "deployer", "Name, address and contact details of the deployer", organisation,
                "config ORGANISATION (the region is the deployer)",
                hint="Set ORGANISATION = {name, address, contact, country} in the configuration.")
        owner = solution.get("owner")
        s.field("2", "submitter", "Person submitting on behalf of the deployer",
                {"name": owner.get("name")} if isinstance(owner, Mapping) else None, "solution: AI owner")
        registration = (_evidence(report, "eu_database_registration") or [None])[0]
        s.field("3", "provider_entry_url", "URL of the provider's entry in the EU database",
                registration.get("reference") if registration else None,
                "evidence: eu_database_registration (reference)",
                hint="Record the provider's EU database entry as evidence of type eu_database_registration.")
        fria = (_evidence(report, "fria") or [None])[0]
        s.field("4", "fria_summary", "Summary of the fundamental rights impact assessment (Art 27)",
                _doc(fria), "evidence: fria (title, note)")
        dpia = (_evidence(report, "dpia") or [None])[0]
        personal = bool(solution.get("processes_personal_data") or solution.get("processes_health_data"))
        s.field("5", "dpia_summary", "Summary of the data protection impact assessment (GDPR Art 35)",
                _doc(dpia), "evidence: dpia (title, note)", required=personal)
        out["registrations"].append(s.out)

    regulation = device.get("regulation")
    device_routes = [r for r in routes if r in ANNEX_I_DEVICE_ROUTES]
    if device_routes or regulation in ("mdr", "ivdr"):
        in_house = bool(device.get("in_house_exemption")) or answers.get("in_house_exemption") == "yes"
        act = "IVDR Art 26-28" if regulation == "ivdr" else "MDR Art 29-31"
        s = _Section("eudamed", None, f"{act} (EUDAMED); AI Act Art 49 does not apply to Annex I devices",
                     "Medical device: registration in EUDAMED")
        if in_house:
            out["notes"].append("Made and used in-house under MDR/IVDR Art 5(5): no EUDAMED registration; "
                                "the health institution's declaration (Art 5(5)(e)) is kept instead.")
            s.out["applies"] = False
        region_provides = role in ("provider", "provider_and_deployer")
        manufacturer = organisation if region_provides else solution.get("supplier")
        s.field("manufacturer", "manufacturer", "Manufacturer", manufacturer,
                "solution: supplier (or ORGANISATION when the region is the provider)")
        s.field("trade_name", "trade_name", "Trade name and version", _trade_name(solution),
                "solution: product, product_version")
        s.field("regulation", "regulation", "Regulation", regulation, "classification result")
        s.field("class", "device_class", "Risk class", version.get("effective_device_class"),
                "classification (officer's class for an override)")
        s.field("rule", "classification_rule", "Classification rule", device.get("rule"),
                "classification result", required=False)
        udi = (_evidence(report, "udi_di") or [None])[0]
        s.field("udi_di", "udi_di", "UDI-DI", udi.get("reference") if udi else None,
                "evidence: udi_di (reference)", required=not in_house)
        certificate = (_evidence(report, "ce_certificate", "notified_body_certificate") or [None])[0]
        s.field("certificate", "certificate", "Notified body certificate (number, body, expiry)",
                _doc(certificate), "evidence: ce_certificate / notified_body_certificate",
                required=bool(device.get("notified_body")) and not in_house)
        registration = (_evidence(report, "eudamed_registration") or [None])[0]
        s.field("eudamed_id", "eudamed_registration", "EUDAMED registration (actor SRN / device id)",
                registration.get("reference") if registration else None, "evidence: eudamed_registration",
                required=not in_house)
        s.field("declaration", "declaration_of_conformity", "EU declaration of conformity",
                _doc((_evidence(report, "declaration_of_conformity", "in_house_declaration") or [None])[0]),
                "evidence: declaration_of_conformity / in_house_declaration")
        out["registrations"].append(s.out)

    if not out["registrations"]:
        out["notes"].append(f"The current classification ({category}) needs no registration in the EU "
                            "database or EUDAMED.")
    for registration in out["registrations"]:
        if registration.get("applies", True):
            label = registration["section"] or registration["register"]
            out["missing"].extend(f"{label}.{key}" for key in registration["missing"])
    return out
