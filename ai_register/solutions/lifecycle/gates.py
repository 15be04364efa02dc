"""The gates: the conditions a solution meets before it enters a phase (DOMAIN.md, "Gates": "a transition is
refused, with every unmet condition listed, until they hold"), one check per condition, the table `GATES` of
each phase's checks, the prohibited-practice block, and `evaluate_transition` (the move, then the gate)."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from ai_register.literacy.rules import unreached_units
from ai_register.solutions.lifecycle.evidence_table import required_evidence
from ai_register.solutions.lifecycle.facts import (
    DECOMMISSIONING_CHECKLIST,
    EvidenceType,
    GateFacts,
    GateSettings,
    InvalidClassification,
)
from ai_register.solutions.lifecycle.labels import N_
from ai_register.solutions.lifecycle.phases import Phase, Status, check_move
from ai_register.solutions.lifecycle.unmet import Unmet

_INVALID_MESSAGES: Mapping[InvalidClassification, str] = {
    InvalidClassification.NONE_APPROVED: "no classification has been approved or overridden",
    InvalidClassification.FLAGGED_FOR_REVIEW: "the classification is flagged for re-review",
    InvalidClassification.RESULT_CHANGED: "the classification's result changes under the current rule set",
}


def _missing_evidence(code: str, accepted: Iterable[EvidenceType], facts: GateFacts, on: date,
                      basis: str | None = None) -> list[Unmet]:
    accepted = tuple(accepted)
    records = [e for e in facts.evidence if e.type in accepted]
    if any(e.valid_on(on) for e in records):
        return []
    if not records:
        reason = "none_recorded"
    elif any(e.issued_on <= on for e in records):
        reason = "expired"
    else:
        reason = "not_yet_issued"
    details: dict[str, Any] = {"evidence_type": accepted[0].value, "reason": reason, "on": on.isoformat()}
    if len(accepted) > 1:
        details["accepted_types"] = [t.value for t in accepted]
    if basis:
        details["basis"] = basis
    label = accepted[0].label()
    suffix = f" ({basis})" if basis else ""
    explain = {"none_recorded": "none is recorded", "expired": "the recorded one has expired",
               "not_yet_issued": "the recorded one is issued later"}[reason]
    return [Unmet(code, f"{label}{suffix} valid on {on.isoformat()} is required; {explain}.", details)]


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's end (29 Feb → 28 Feb)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


OVERSIGHT_CONFIRMATION_MONTHS = 12

Check = Callable[[GateFacts, date, GateSettings], list[Unmet]]


def need_statement(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'Effekt före insats': the need is stated before a pilot."""
    if _blank(facts.need_statement):
        return [Unmet("need_statement_missing", "State the need the solution answers.")]
    return []


def complete_goal(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'At least one goal with indicator, baseline and target.'"""
    if not facts.goals:
        return [Unmet("goal_missing", "Record at least one goal with indicator, baseline and target.")]
    if any(goal.complete for goal in facts.goals):
        return []
    gaps = {goal.ref: goal.missing_parts for goal in facts.goals}
    return [Unmet("goal_incomplete", "No goal has an indicator, a baseline and a target yet.",
                  {"goals": gaps})]


def benefit_estimate(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'A simple benefit calculation (costs, savings, time freed)' before a decision."""
    if not facts.has_benefit_estimate:
        return [Unmet("benefit_estimate_missing", "Record a benefit estimate (costs, savings, time freed).")]
    return []


def valid_classification(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """A valid classification: the latest approved or overridden one, unchanged under the current
    rule set, and decided (`needs_review: false`, contract "never guess")."""
    c = facts.classification
    if c is None:
        reason = facts.classification_invalid_reason or InvalidClassification.NONE_APPROVED
        return [Unmet("classification_not_valid", f"No valid classification: {_INVALID_MESSAGES[reason]}.",
                      {"reason": reason.value})]
    if c.needs_review or c.category == "needs_review":
        return [Unmet("classification_needs_review",
                      "The valid classification is not decided (needs review); answer the open questions "
                      "or have compliance override it.", {"category": c.category})]
    return []


def oversight_owner_named(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """AI Act Art 14, Art 26(2): a named person is accountable for human oversight."""
    if facts.oversight_owner is None:
        return [Unmet("oversight_owner_missing", "Name the human-oversight owner.")]
    return []


def oversight_confirmed(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """DOMAIN.md: 'a re-confirmation at least every 12 months'; the anniversary day still counts."""
    owner = facts.oversight_owner
    if owner is None:
        return oversight_owner_named(facts, on, settings)
    confirmed = owner.confirmed_on
    if confirmed is None or confirmed > on:
        return [Unmet("oversight_confirmation_missing",
                      "The oversight owner has not accepted or confirmed the assignment.",
                      {"confirmed_on": confirmed.isoformat() if confirmed else None})]
    earliest = _months_before(on, OVERSIGHT_CONFIRMATION_MONTHS)
    if confirmed < earliest:
        return [Unmet("oversight_confirmation_expired",
                      f"The oversight owner last confirmed on {confirmed.isoformat()}; a confirmation "
                      f"on or after {earliest.isoformat()} is required.",
                      {"confirmed_on": confirmed.isoformat(), "required_since": earliest.isoformat()})]
    return []


def dpia_if_personal_data(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """GDPR Art 35: a DPIA when personal data are processed (not known counts as processed)."""
    if facts.processes_personal_data is False:
        return []
    return _missing_evidence("dpia_missing", (EvidenceType.DPIA,), facts, on, "GDPR Art 35")


def trustworthy_assessment(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """The EU ethics guidelines for trustworthy AI (HLEG, 2019): a self-assessment of the seven
    requirements before a pilot, when the region requires it."""
    if not settings.require_trustworthy_assessment:
        return []
    assessment = facts.trustworthy_assessment
    if assessment is None or assessment.assessed_on > on:
        return [Unmet("trustworthy_assessment_missing",
                      "Record a trustworthy-AI self-assessment of the seven HLEG requirements.")]
    if assessment.unanswered:
        return [Unmet("trustworthy_assessment_incomplete",
                      f"The trustworthy-AI assessment leaves {len(assessment.unanswered)} requirement(s) unanswered.",
                      {"unanswered": list(assessment.unanswered)})]
    return []


# MDR class I (not sterile, no measuring function) and IVDR class A (not sterile) self-certify; every other
# class involves a notified body (MDR Art 52, IVDR Art 48). An undecided class is treated as needing one.
SELF_CERTIFIED_DEVICE_CLASSES = frozenset({"I", "A"})
_DEVICE_BASIS = {"mdr": ("MDR Art 19", "MDR Art 56"), "ivdr": ("IVDR Art 17", "IVDR Art 51")}


def device_conformity(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """DOMAIN.md, pilot gate: "for a medical device not made in-house: the EU declaration of conformity, and
    the notified body's certificate where the class needs one (a device without them may not be used in
    care)". Either kind of record counts: the supplier register's documents of the linked product version
    arrive here as evidence facts beside uploaded evidence."""
    c = facts.classification
    if c is None or c.device_regulation not in _DEVICE_BASIS or c.in_house_exemption or facts.made_in_house:
        return []
    declaration, certificate = _DEVICE_BASIS[c.device_regulation]
    unmet = _missing_evidence("evidence_missing:declaration_of_conformity",
                              (EvidenceType.DECLARATION_OF_CONFORMITY,), facts, on, declaration)
    if c.device_class not in SELF_CERTIFIED_DEVICE_CLASSES:
        klass = f"class {c.device_class}" if c.device_class else "class not decided"
        unmet += _missing_evidence("evidence_missing:notified_body_certificate",
                                   (EvidenceType.NOTIFIED_BODY_CERTIFICATE, EvidenceType.CE_CERTIFICATE), facts, on,
                                   f"{certificate}, {klass}")
    return unmet


def pilot_evaluation(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'Pilot evaluation (an evidence record of type pilot evaluation ...)'."""
    return _missing_evidence("evidence_missing:pilot_evaluation", (EvidenceType.PILOT_EVALUATION,), facts, on)


def goal_measurements(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'... plus at least one measurement per goal'. With no goals there is nothing evaluated."""
    if not facts.goals:
        return [Unmet("goal_missing", "The pilot is evaluated against goals; none is recorded.")]
    return [Unmet("goal_measurement_missing", f"Goal {goal.ref!r} has no measurement yet.",
                  {"goal": goal.ref})
            for goal in facts.goals if goal.measurements < 1]


def role_known(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """The high-risk evidence depends on the role from the approved answers."""
    c = facts.classification
    if c is not None and c.role is None and c.category == "high_risk":
        return [Unmet("classification_role_missing",
                      "The approved answers do not say whether the region is provider or deployer; "
                      "evidence for both is asked for until they do.")]
    return []


def high_risk_evidence(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """DOMAIN.md's high-risk evidence table, for the valid classification's routes and role."""
    if facts.classification is None:
        return []
    return [unmet
            for need in required_evidence(facts.classification, on, settings).values()
            for unmet in _missing_evidence(f"evidence_missing:{need.type.value}", need.accepted, facts, on,
                                           need.basis)]


def continuity_if_critical(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """Region Norrbotten: "Kritiska tjänster ska klara störningar, ha dokumenterade
    återställningsplaner och följas upp": a critical solution needs a fallback routine and a
    tested recovery plan, both valid on the transition date."""
    if not facts.critical_for_patient_care:
        return []
    basis = N_("critical for patient care")
    unmet = _missing_evidence("evidence_missing:fallback_routine", (EvidenceType.FALLBACK_ROUTINE,), facts, on, basis)
    unmet += _missing_evidence("evidence_missing:recovery_plan", (EvidenceType.RECOVERY_PLAN,), facts, on, basis)
    tested = facts.recovery_plan_tested_on
    if tested is None or tested > on:
        unmet.append(Unmet("recovery_plan_test_missing", "Test the recovery plan and record the test date.",
                           {"tested_on": tested.isoformat() if tested else None}))
    return unmet


def literacy_policy(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """Region policy (labelled so; AI Act Art 4 itself sets no gate): before a high-risk solution is rolled
    out, an AI-literacy measure held by the transition date reaches every care unit of the rollout plan."""
    c = facts.classification
    if not settings.require_literacy_for_high_risk_rollout or c is None or c.category != "high_risk":
        return []
    units = [unit.name for unit in facts.rollout_units]
    held = [m for m in facts.literacy_measures if m.held_on <= on]
    missing = unreached_units(units, facts.literacy_measures, on) if held else (units or ["—"])
    if not missing:
        return []
    return [Unmet("policy_literacy_missing",
                  "Region policy: an AI-literacy measure (AI Act Art 4) reaching every care unit of the rollout plan "
                  f"is required; not reached: {', '.join(missing)}.",
                  {"policy": True, "units": [u for u in missing if u != "—"]})]


def rollout_units_started(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'The rollout phase ends when every planned unit has started.'"""
    if not facts.rollout_units:
        return [Unmet("rollout_plan_missing", "The rollout plan lists no care unit.")]
    return [Unmet("rollout_unit_not_started", f"Care unit {unit.name!r} has not started.",
                  {"unit": unit.name,
                   "planned_start": unit.planned_start.isoformat() if unit.planned_start else None})
            for unit in facts.rollout_units if unit.actual_start is None or unit.actual_start > on]


def review_schedule(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """Management means 'periodic review': a next review date or an interval."""
    if facts.next_review_on is None and not (facts.review_interval_months or 0) > 0:
        return [Unmet("review_schedule_missing", "Set a review schedule (next review date or interval).")]
    return []


def decommission_rationale(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    if _blank(facts.decommission_rationale):
        return [Unmet("decommission_rationale_missing", "Give the rationale for decommissioning.")]
    return []


def checklist_complete(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """Every item of the decommissioning checklist ticked (done, or not relevant)."""
    ticked = facts.decommissioning_checklist
    return [Unmet(f"checklist_item_open:{key}", f"Decommissioning checklist: {label.en} is not ticked.",
                  {"item": key})
            for key, label in DECOMMISSIONING_CHECKLIST.items() if not ticked.get(key)]


# DOMAIN.md, "Gates". Each row lists the checks of one target phase, in the order shown to users.
GATES: Mapping[Phase, tuple[Check, ...]] = {
    Phase.NEEDS_ANALYSIS: (),
    Phase.PILOT: (need_statement, complete_goal, benefit_estimate, valid_classification,
                  oversight_owner_named, dpia_if_personal_data, trustworthy_assessment, device_conformity),
    Phase.ROLLOUT: (pilot_evaluation, goal_measurements, valid_classification, oversight_confirmed,
                    role_known, high_risk_evidence, continuity_if_critical, literacy_policy),
    Phase.MANAGEMENT: (rollout_units_started, review_schedule),
    Phase.DECOMMISSIONING: (decommission_rationale,),
    Phase.RETIRED: (checklist_complete,),
}

# "Any classification version ... whose result is prohibited blocks every transition except to
# decommissioning." Retired is the end of that same exit, so it is not blocked either: a
# prohibited system must be able to leave service completely.
PROHIBITED_BLOCK_EXEMPT: frozenset[Phase] = frozenset({Phase.DECOMMISSIONING, Phase.RETIRED})


def prohibited_block(facts: GateFacts, to: Phase) -> list[Unmet]:
    """AI Act Art 5: a prohibited practice may not be put into service."""
    if to in PROHIBITED_BLOCK_EXEMPT:
        return []
    valid_says = facts.classification is not None and facts.classification.category == "prohibited"
    if facts.prohibited_block or valid_says:
        return [Unmet("classification_prohibited",
                      "A classification says prohibited (AI Act Art 5); only decommissioning is possible "
                      "until a later approved classification says otherwise.",
                      {"source": "valid_classification" if valid_says else "earlier_version"})]
    return []


def check_gate(to: Phase, facts: GateFacts, on: date, settings: GateSettings = GateSettings()) -> list[Unmet]:
    """Every unmet condition of the gate into `to` on the transition date `on`; empty means open."""
    unmet = prohibited_block(facts, to)
    for check in GATES[to]:
        unmet.extend(check(facts, on, settings))
    return unmet


def evaluate_transition(phase: Phase, status: Status, to: Phase, facts: GateFacts, on: date,
                        settings: GateSettings = GateSettings()) -> list[Unmet]:
    """Move and gate together. An illegal move is reported alone: the gate of a phase the solution
    cannot move to says nothing useful."""
    return check_move(phase, status, to) or check_gate(to, facts, on, settings)
