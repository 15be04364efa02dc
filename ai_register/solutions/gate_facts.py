"""The facts the lifecycle gates need, read from every module that holds a solution's records.

The pure lifecycle (`lifecycle/gates.py`) decides; this module only collects plain values. Records of other
modules (goals, evidence, oversight, classification, …) are read through their public read functions,
imported by name at the top. What is not recorded is missing: a gate never opens on data it did not see.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import current_app
from sqlalchemy import select

from ai_register.classification.validity import classification_gate_facts
from ai_register.evidence import services as evidence
from ai_register.extensions import db
from ai_register.fria import services as fria
from ai_register.goals import services as goals
from ai_register.literacy import services as literacy
from ai_register.oversight import services as oversight
from ai_register.portfolio import assessments
from ai_register.solutions.lifecycle.facts import GateFacts, GateSettings, InvalidClassification, RolloutUnitFact
from ai_register.solutions.models import DecommissioningItem, RolloutUnit, Solution
from ai_register.suppliers import services as suppliers

CLASSIFICATION_FACTS = ("classification", "classification_invalid_reason", "prohibited_block")


def gate_settings() -> GateSettings:
    """DOMAIN.md: gates enforce the high-risk evidence before the legal dates unless relaxed."""
    return GateSettings(
        enforce_before_application_date=current_app.config.get("GATES_ENFORCE_BEFORE_APPLICATION_DATE", True),
        require_trustworthy_assessment=current_app.config.get("TRUSTWORTHY_ASSESSMENT_REQUIRED", True),
        require_literacy_for_high_risk_rollout=current_app.config.get("LITERACY_ROLLOUT_POLICY", True))


def rollout_unit_facts(solution: Solution) -> tuple[RolloutUnitFact, ...]:
    units = db.session.scalars(select(RolloutUnit).where(RolloutUnit.solution_id == solution.id)
                               .order_by(RolloutUnit.position, RolloutUnit.id))
    return tuple(RolloutUnitFact(u.name, u.planned_start, u.actual_start) for u in units)


def checklist_facts(solution: Solution) -> dict[str, bool]:
    items = db.session.scalars(select(DecommissioningItem)
                               .where(DecommissioningItem.solution_id == solution.id))
    return {item.key: item.done for item in items}


def _personal_data(solution: Solution) -> bool | None:
    if solution.processes_personal_data or solution.processes_health_data:
        return True
    return solution.processes_personal_data


def build_gate_facts(solution: Solution, *, on: date) -> GateFacts:
    """Everything the gates of `lifecycle/gates.py` look at, for `solution` on the transition date `on`.

    Evidence is passed with its dates; the gates themselves decide what is valid on `on`.
    """
    facts = GateFacts(
        need_statement=solution.need_statement,
        goals=goals.goal_facts(solution.id),
        has_benefit_estimate=goals.has_benefit_estimate(solution.id),
        oversight_owner=oversight.oversight_fact(solution.id),
        processes_personal_data=_personal_data(solution),
        evidence=evidence.evidence_facts(solution.id),
        rollout_units=rollout_unit_facts(solution),
        next_review_on=solution.next_review_on,
        review_interval_months=solution.review_interval_months,
        decommission_rationale=solution.decommission_rationale,
        decommissioning_checklist=checklist_facts(solution),
        trustworthy_assessment=assessments.assessment_fact(solution.id),
        critical_for_patient_care=solution.critical_for_patient_care,
        recovery_plan_tested_on=solution.recovery_plan_tested_on,
    )
    # The FRIA record replaces an uploaded FRIA, the supplier register adds its documents and the oversight
    # assignment its owner's recorded training (issue 21).
    facts = replace(facts, evidence=(*fria.gate_evidence(facts.evidence, solution.id),
                                     *suppliers.evidence_facts(solution.id),
                                     *oversight.training_facts(solution.id)),
                    literacy_measures=literacy.measure_facts(solution.id),
                    made_in_house=solution.sourcing == "in_house")
    # The valid classification, why there is none, and the Art 5 block of any earlier version.
    found = classification_gate_facts(solution)
    facts = replace(facts, **{key: found[key] for key in CLASSIFICATION_FACTS})
    if solution.needs_rereview:
        # A rule-set change flagged it: nothing counts until it is classified and reviewed again.
        facts = replace(facts, classification=None,
                        classification_invalid_reason=InvalidClassification.FLAGGED_FOR_REVIEW)
    return facts
