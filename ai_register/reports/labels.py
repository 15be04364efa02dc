"""Words of the printed reports (the PDF is read by people; JSON keeps codes).

Each word is a catalog message (English msgid, marked with the local no-op `N_`), translated where it is
shown: `text(key, lang)` and `translated(message, lang)` read the Flask-Babel catalog of that language,
`both(message)` gives the {"sv", "en"} pair the JSON report and the public register carry.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import has_app_context
from flask_babel import force_locale, get_locale, gettext

LANGUAGES = ("sv", "en")


def N_(message: str) -> str:  # noqa: N802 (marked for the catalog, translated where shown)
    return message


TEXT: dict[str, str] = {
    "title": N_("Traceability report"),
    "portfolio_title": N_("Portfolio report"),
    "portfolio_subtitle": N_("Every AI solution in the register"),
    "register": N_("AI register"),
    "contents": N_("Contents"),
    "page": N_("Page"),
    "of": N_("of"),
    "generated_at": N_("Generated at"),
    "generated_by": N_("by"),
    "ruleset": N_("Rule set"),
    "chain_head": N_("Chain head"),
    "checkpoint": N_("Latest signed checkpoint"),
    "checkpoint_shorter": N_("The chain ends at position {end}, before the checkpoint at position {position} "
                             "(signed {signed_at}): events after it were removed"),
    "checkpoint_differs": N_("The event at position {position} does not have the hash the checkpoint signed "
                             "{signed_at} records: the chain was rewritten"),
    "as_of": N_("State as of"),
    "as_of_note": N_("The state is rebuilt from the audit trail (events up to that instant)."),
    "current_note": N_("The state is the register's current records."),
    "omitted": N_("Parts the register does not hold yet"),
    "solution": N_("AI solution"),
    "verification": N_("Hash-chain verification"),
    "intact": N_("INTACT"),
    "broken": N_("BROKEN"),
    "events_checked": N_("events checked"),
    "none": N_("Nothing recorded."),
    "yes": N_("yes"),
    "no": N_("no"),
    "truncated": N_("… (the full text is in the JSON report)"),
    "s_identity": N_("Identity"),
    "s_lifecycle": N_("Lifecycle"),
    "s_classifications": N_("Classifications"),
    "s_obligations": N_("Obligations"),
    "s_oversight": N_("Human oversight"),
    "s_goals": N_("Goals and benefits"),
    "s_evidence": N_("Evidence"),
    "s_trustworthy_assessment": N_("Trustworthy AI: self-assessment"),
    "s_continuity": N_("Criticality, fallback and recovery"),
    "s_incidents": N_("Incidents"),
    "s_reviews": N_("Reviews"),
    "s_audit": N_("Audit trail"),
    "phase_history": N_("Phases and status over time"),
    "transitions": N_("Phase transitions"),
    "decisions": N_("Follow-up decisions"),
    "rollout_plan": N_("Rollout plan"),
    "checklist": N_("Decommissioning checklist"),
    "current_classification": N_("Current classification"),
    "answers": N_("Answers"),
    "fired_rules": N_("Fired rules"),
    "required_evidence": N_("Evidence required"),
    "oversight_history": N_("Oversight owners over time"),
    "benefit": N_("Benefit estimate"),
    "measurements": N_("Measured values"),
    "events": N_("Events"),
    "field": N_("Field"),
    "value": N_("Value"),
    "phase": N_("Phase"),
    "status": N_("Status"),
    "from": N_("From"),
    "until": N_("Until"),
    "action": N_("Action"),
    "reason": N_("Reason"),
    "by": N_("By"),
    "to": N_("To phase"),
    "requested": N_("Requested"),
    "decided": N_("Decided"),
    "kind": N_("Kind"),
    "date": N_("Date"),
    "rationale": N_("Rationale"),
    "unit": N_("Care unit"),
    "planned_start": N_("Planned start"),
    "actual_start": N_("Actual start"),
    "item": N_("Item"),
    "done": N_("Done"),
    "version": N_("Version"),
    "category": N_("AI Act category"),
    "device_class": N_("Device class"),
    "class_short": N_("Class"),
    "answered_by": N_("Answered by"),
    "reviewed_by": N_("Reviewed by"),
    "justification": N_("Justification"),
    "question": N_("Question"),
    "answer": N_("Answer"),
    "rule": N_("Rule"),
    "citation": N_("Citation"),
    "role": N_("Role"),
    "applies_from": N_("Applies from"),
    "obligation": N_("Obligation"),
    "basis": N_("Basis"),
    "valid": N_("valid"),
    "person": N_("Person"),
    "accepted": N_("Accepted"),
    "confirmed": N_("Confirmed"),
    "perspective": N_("Perspective"),
    "goal": N_("Goal"),
    "indicator": N_("Indicator"),
    "baseline": N_("Baseline"),
    "target": N_("Target"),
    "latest": N_("Latest value"),
    "note": N_("Note"),
    "type": N_("Type"),
    "title_col": N_("Title"),
    "reference": N_("Reference"),
    "issued": N_("Issued"),
    "expires": N_("Expires"),
    "validity": N_("Validity"),
    "seq": N_("Seq"),
    "position": N_("Pos."),
    "time": N_("Time (UTC)"),
    "actor": N_("Actor"),
    "entity": N_("Record"),
    "details": N_("Details"),
    "hash": N_("Hash"),
    "name": N_("Name"),
    "owner": N_("AI owner"),
    "oversight_owner": N_("Oversight owner"),
    "next_review": N_("Next review"),
    "open_obligations": N_("Open obligations"),
    "solutions_count": N_("Solutions"),
    "filters": N_("Filters"),
    "all": N_("all"),
    "expired": N_("expired"),
    "superseded": N_("superseded"),
    "met": N_("met"),
    "missing": N_("missing"),
    "not_yet_issued": N_("not yet issued"),
    "applies": N_("applies"),
    "upcoming": N_("upcoming"),
    "overdue": N_("overdue"),
    "created": N_("created"),
    "routes": N_("High-risk routes"),
    "art50": N_("Transparency (Art 50)"),
    "deputy": N_("Deputy"),
    "authority": N_("Authority to suspend use"),
    "monitors": N_("Enabled to (Art 14(4))"),
    "competence": N_("Competence"),
    "training": N_("Training"),
    "training_done": N_("Training completed"),
    "started": N_("Started"),
    "ended": N_("Ended"),
    "period": N_("Period"),
    "current": N_("current"),
    "what_happened": N_("What happened"),
    "harm": N_("Patient harm"),
    "serious": N_("Serious"),
    "duties": N_("Reporting duties"),
    "recipient": N_("Recipient"),
    "due": N_("Due"),
    "outcome": N_("Outcome"),
    "checked": N_("Checked"),
    "requirement": N_("Requirement"),
    "assessment": N_("Assessment"),
    "open_actions": N_("Open actions"),
    "assessed": N_("Assessed"),
    "assessed_by": N_("Assessed by"),
    "versions": N_("Versions"),
    "summary": N_("Summary"),
    "critical": N_("Critical for patient care"),
    "max_outage": N_("Longest tolerable outage (hours)"),
    "plan_tested": N_("Recovery plan last tested"),
    "not_stated": N_("not stated"),
    "s_obligation_records": N_("Obligations: status and evidence"),
    "s_fria": N_("Fundamental-rights impact assessment (FRIA, Art 27)"),
    "s_literacy": N_("AI literacy (Art 4)"),
    "obligation_status": N_("Status"),
    "met_by": N_("Met by"),
    "confirmed_by": N_("Confirmed by"),
    "listed_now": N_("Listed now"),
    "fria_version": N_("Version"),
    "approved_by": N_("Approved by"),
    "risks_count": N_("Risks"),
    "care_units": N_("Care units"),
    "reached": N_("Reached"),
}

MONITOR_LABELS: Mapping[str, str] = {
    "understands_capabilities_limits": N_("understand capabilities and limits"),
    "aware_of_automation_bias": N_("stay aware of automation bias"),
    "interprets_output": N_("interpret the output"),
    "can_disregard_override_reverse": N_("disregard, override or reverse the output"),
    "can_interrupt_stop": N_("interrupt or stop the system"),
}

IDENTITY_FIELDS: tuple[tuple[str, str], ...] = (
    ("id", N_("Id")),
    ("external_id", N_("External id")),
    ("name", N_("Name")),
    ("purpose", N_("Purpose")),
    ("intended_use", N_("Intended use")),
    ("need_statement", N_("Need statement")),
    ("alternatives", N_("Alternatives")),
    ("care_units", N_("Care units")),
    ("user_groups", N_("User groups")),
    ("supplier", N_("Supplier")),
    ("product", N_("Product")),
    ("product_version", N_("Product version")),
    ("sourcing", N_("Sourcing")),
    ("kind", N_("Kind of AI")),
    ("in_service_since", N_("In service since")),
    ("processes_personal_data", N_("Personal data")),
    ("processes_health_data", N_("Health data")),
    ("legal_basis", N_("Legal basis")),
    ("confidentiality", N_("Confidentiality")),
    ("integrity", N_("Integrity")),
    ("availability", N_("Availability")),
    ("owner", N_("AI owner")),
    ("co_owners", N_("Co-owners")),
    ("phase", N_("Phase")),
    ("status", N_("Status")),
    ("phase_changed_at", N_("Phase changed")),
    ("current_ai_act_category", N_("AI Act category")),
    ("current_device_class", N_("Device class (MDR/IVDR)")),
    ("needs_rereview", N_("Needs re-review")),
    ("review_interval_months", N_("Review interval (months)")),
    ("next_review_on", N_("Next review")),
    ("decommission_rationale", N_("Decommissioning rationale")),
    ("public", N_("Public in the transparency register")),
    ("tags", N_("Tags")),
    ("created_at", N_("Registered")),
    ("created_by", N_("Registered by")),
)

# Coded values of the identity table, shown as words (the JSON report keeps the codes).
VALUE_LABELS: Mapping[str, Mapping[str, str]] = {
    "sourcing": {
        "in_house": N_("Developed in-house"),
        "procured": N_("Procured"),
    },
    "kind": {
        "machine_learning": N_("Machine learning"),
        "generative": N_("Generative AI"),
        "rule_based": N_("Rule-based"),
        "other": N_("Other"),
    },
}


def translated(message, lang: str) -> str:
    """A catalog message (or a lazy one) in `lang`; the message itself outside the application."""
    if not has_app_context():
        return str(message)
    current = get_locale()
    if current is not None and current.language == lang:
        return gettext(message) if isinstance(message, str) else str(message)
    with force_locale(lang):
        return gettext(message) if isinstance(message, str) else str(message)


def both(message) -> dict[str, str]:
    """The {"sv": …, "en": …} pair of a catalog message, for JSON that carries both languages."""
    return {lang: translated(message, lang) for lang in LANGUAGES}


def text(key: str, lang: str) -> str:
    return translated(TEXT[key], lang)


def pick(pair: Mapping[str, str] | None, lang: str) -> str:
    """One language of a {"sv", "en"} pair held as data (the JSON report's labels, rule files)."""
    if not pair:
        return ""
    return str(pair.get(lang) or pair.get("en") or "")
