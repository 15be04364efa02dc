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

from ai_register.classification.validity import classification_gate_facts, classification_gate_facts_of
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
    return rollout_unit_facts_of([solution.id])[solution.id]


def rollout_unit_facts_of(solution_ids: list[int]) -> dict[int, tuple[RolloutUnitFact, ...]]:
    facts: dict[int, tuple[RolloutUnitFact, ...]] = {sid: () for sid in solution_ids}
    for unit in db.session.scalars(select(RolloutUnit).where(RolloutUnit.solution_id.in_(solution_ids))
                                   .order_by(RolloutUnit.position, RolloutUnit.id)):
        facts[unit.solution_id] += (RolloutUnitFact(unit.name, unit.planned_start, unit.actual_start),)
    return facts


def checklist_facts(solution: Solution) -> dict[str, bool]:
    return checklist_facts_of([solution.id])[solution.id]


def checklist_facts_of(solution_ids: list[int]) -> dict[int, dict[str, bool]]:
    facts: dict[int, dict[str, bool]] = {sid: {} for sid in solution_ids}
    for item in db.session.scalars(select(DecommissioningItem)
                                   .where(DecommissioningItem.solution_id.in_(solution_ids))):
        facts[item.solution_id][item.key] = item.done
    return facts


def _personal_data(solution: Solution) -> bool | None:
    if solution.processes_personal_data or solution.processes_health_data:
        return True
    return solution.processes_personal_data


_READ = object()


def build_gate_facts(solution: Solution, *, on: date, assignment=_READ, goal_list=_READ, benefit=_READ,
                     evidence_list=_READ) -> GateFacts:
    """Everything the gates of `lifecycle/gates.py` look at, for `solution` on the transition date `on`.

    Evidence is passed with its dates; the gates themselves decide what is valid on `on`. A page that has read
    in the same request the current oversight assignment (`assignment`, None for none), the goals as
    `goals.goals_for` reads them (`goal_list`), the benefit estimate (`benefit`, None for none) or the evidence
    as `evidence.evidence_for` reads it (`evidence_list`) passes them; otherwise each is read here.
    """
    if assignment is _READ:
        assignment = oversight.current_oversight(solution.id)
    goal_facts = goals.goal_facts(solution.id) if goal_list is _READ else goals.goal_facts_from(goal_list)
    estimated = goals.has_benefit_estimate(solution.id) if benefit is _READ else benefit is not None
    held = (evidence.evidence_facts(solution.id) if evidence_list is _READ
            else evidence.evidence_facts_from(evidence_list))
    return _assemble(
        solution, goals=goal_facts, has_benefit_estimate=estimated,
        oversight_owner=oversight.oversight_fact_of(assignment), evidence=held,
        rollout_units=rollout_unit_facts(solution), decommissioning_checklist=checklist_facts(solution),
        trustworthy_assessment=assessments.assessment_fact(solution.id), fria_fact=fria.gate_fact(solution.id),
        # the link with its product and the documents in two statements (`evidence_facts` reads four)
        supplier_evidence=suppliers.evidence_facts_of([solution.id])[solution.id],
        training=oversight.training_facts_of(assignment),
        literacy_measures=literacy.measure_facts(solution.id), classification=classification_gate_facts(solution))


def build_gate_facts_of(solutions: list[Solution], *, on: date) -> dict[int, GateFacts]:
    """`build_gate_facts` of each of `solutions` (the start page's few), each module's records read for all
    of them at once: about a dozen statements however many solutions, not a dozen per solution."""
    ids = [s.id for s in solutions]
    if not ids:
        return {}
    goal_facts = goals.goal_facts_of(ids)
    estimated = goals.with_benefit_estimate(ids)
    assignments = oversight.current_oversights(ids)
    evidence_facts = evidence.evidence_facts_of(ids)
    units = rollout_unit_facts_of(ids)
    checklists = checklist_facts_of(ids)
    assessed = assessments.assessment_facts(ids)
    frias = fria.gate_facts_of(ids)
    documents = suppliers.evidence_facts_of(ids)
    measures = literacy.measure_facts_of(ids)
    classified = classification_gate_facts_of(solutions)
    return {s.id: _assemble(
        s, goals=goal_facts[s.id], has_benefit_estimate=s.id in estimated,
        oversight_owner=oversight.oversight_fact_of(assignments.get(s.id)), evidence=evidence_facts[s.id],
        rollout_units=units[s.id], decommissioning_checklist=checklists[s.id], trustworthy_assessment=assessed[s.id],
        fria_fact=frias[s.id], supplier_evidence=documents[s.id],
        training=oversight.training_facts_of(assignments.get(s.id)), literacy_measures=measures[s.id],
        classification=classified[s.id]) for s in solutions}


def _assemble(solution: Solution, *, goals, has_benefit_estimate, oversight_owner, evidence, rollout_units,
              decommissioning_checklist, trustworthy_assessment, fria_fact, supplier_evidence, training,
              literacy_measures, classification) -> GateFacts:
    """The gate facts of `solution` from what each module recorded (read one by one or set-wise)."""
    facts = GateFacts(
        need_statement=solution.need_statement,
        goals=goals,
        has_benefit_estimate=has_benefit_estimate,
        oversight_owner=oversight_owner,
        processes_personal_data=_personal_data(solution),
        evidence=evidence,
        rollout_units=rollout_units,
        next_review_on=solution.next_review_on,
        review_interval_months=solution.review_interval_months,
        decommission_rationale=solution.decommission_rationale,
        decommissioning_checklist=decommissioning_checklist,
        trustworthy_assessment=trustworthy_assessment,
        critical_for_patient_care=solution.critical_for_patient_care,
        recovery_plan_tested_on=solution.recovery_plan_tested_on,
    )
    # The FRIA record replaces an uploaded FRIA, the supplier register adds its documents and the oversight
    # assignment its owner's recorded training (issue 21).
    facts = replace(facts, evidence=(*fria.gate_evidence_with(facts.evidence, fria_fact), *supplier_evidence,
                                     *training),
                    literacy_measures=literacy_measures,
                    made_in_house=solution.sourcing == "in_house")
    # The valid classification, why there is none, and the Art 5 block of any earlier version.
    facts = replace(facts, **{key: classification[key] for key in CLASSIFICATION_FACTS})
    if solution.needs_rereview:
        # A rule-set change flagged it: nothing counts until it is classified and reviewed again.
        facts = replace(facts, classification=None,
                        classification_invalid_reason=InvalidClassification.FLAGGED_FOR_REVIEW)
    return facts
