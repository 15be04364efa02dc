"""The facts the lifecycle gates need, read from every module that holds a solution's records.

The pure lifecycle (`lifecycle/gates.py`) decides; this module only collects plain values. Records of other
modules (goals, evidence, oversight, classification, …) are read through their public read functions,
imported by name at the top. What is not recorded is missing: a gate never opens on data it did not see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)

from ai_register import statements
from ai_register.classification.models import DECIDED, OVERRIDDEN, Classification
from ai_register.classification.validity import classification_gate_facts_from
from ai_register.evidence import services as evidence
from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.fria import rules as fria_rules
from ai_register.fria import services as fria
from ai_register.fria.models import FriaAssessment
from ai_register.goals import services as goals
from ai_register.goals.models import BenefitEstimate, Goal, Measurement
from ai_register.literacy import services as literacy
from ai_register.literacy.models import LiteracyMeasure
from ai_register.oversight import services as oversight
from ai_register.oversight.models import OversightAssignment
from ai_register.portfolio import assessments
from ai_register.portfolio.models import TrustworthyAssessment
from ai_register.solutions.lifecycle.facts import GateFacts, GateSettings, InvalidClassification, RolloutUnitFact
from ai_register.solutions.models import DecommissioningItem, RolloutUnit, Solution
from ai_register.suppliers import services as suppliers
from ai_register.suppliers.models import SolutionSupplierProduct, SupplierDocument, SupplierProduct

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


def rollout_unit_facts_from(units: list[RolloutUnit]) -> tuple[RolloutUnitFact, ...]:
    """The facts of a plan's units read in its order (`plans.rollout_units`)."""
    return tuple(RolloutUnitFact(unit.name, unit.planned_start, unit.actual_start) for unit in units)


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


def build_gate_facts(solution: Solution, *, on: date, **read) -> GateFacts:
    """Everything the gates of `lifecycle/gates.py` look at, for `solution` on the transition date `on`: the
    one-solution case of `gate_facts_for` (the same statement, the same conversions).

    Evidence is passed with its dates; the gates themselves decide what is valid on `on`. A page that has read
    in the same request some of the records (`read`, by the names of `GIVEN`) passes them; the rest is read
    here, in one statement.
    """
    unknown = set(read) - set(GIVEN)
    if unknown:
        raise TypeError(f"build_gate_facts() got unexpected keyword arguments {sorted(unknown)}")
    return gate_facts_for([solution], on=on, given={solution.id: read} if read else None)[solution.id]


# --- the records of every module the gates read, for a set of solutions, in one statement ------------------
#
# One UNION ALL of each module's rows in a common shape (`_SLOTS`: the kind of row, its solution, then the
# values each kind needs in typed slots). Each kind's rows are put
# back in the order its module reads them and turned into facts by the module's own conversion.

_SLOTS = (("id", Integer()), ("n", Integer()), ("t1", String()), ("t2", String()), ("t3", String()),
          ("d1", Date()), ("d2", Date()), ("d3", Date()), ("at", DateTime(timezone=True)), ("b1", Boolean()),
          ("b2", Boolean()), ("j1", JSON()), ("j2", JSON()))


def _rows_of(kind: str, solution_id, **values) -> Select:
    """A branch of the union: `kind`, the solution's id, `values` in their slots, NULL (typed) elsewhere."""
    columns = [literal(kind, String()).label("kind"), type_coerce(solution_id, Integer()).label("sid")]
    for name, type_ in _SLOTS:
        value = values.pop(name, None)
        columns.append((cast(null(), type_) if value is None else type_coerce(value, type_)).label(name))
    assert not values, values
    return select(*columns)


def _record_rows(skip: frozenset[str]) -> Select:
    """The rows of every kind not in `skip` (what a page handed in) for the solutions in the parameter `ids`,
    built once per `skip` (a handful of combinations; `statements.built`): building the union's eleven
    branches cost more than a tenth of the CPU of the page that shows one solution."""
    return statements.built(f"gate_facts.records:{','.join(sorted(skip))}", lambda kind: _union(skip, kind))


def _union(skip: frozenset[str], kind: str) -> Select:
    def among(column):
        return statements.among(column, kind)

    measured = (select(func.count(Measurement.id)).where(Measurement.goal_id == Goal.id)
                .correlate(Goal).scalar_subquery())
    branches = {
        "goal": _rows_of("goal", Goal.solution_id, id=Goal.id, n=measured, t1=Goal.title, t2=Goal.indicator,
                         b1=Goal.baseline.is_not(None), b2=Goal.target.is_not(None))
        .where(among(Goal.solution_id), Goal.withdrawn_at.is_(None)),
        "benefit": _rows_of("benefit", BenefitEstimate.solution_id).where(among(BenefitEstimate.solution_id)),
        "assignment": _rows_of("assignment", OversightAssignment.solution_id, id=OversightAssignment.id,
                               d1=OversightAssignment.accepted_on, d2=OversightAssignment.confirmed_on,
                               d3=OversightAssignment.training_completed_on,
                               b1=OversightAssignment.authority_to_suspend)
        .where(among(OversightAssignment.solution_id), OversightAssignment.ended_at.is_(None)),
        "evidence": _rows_of("evidence", Evidence.solution_id, id=Evidence.id, t1=Evidence.type,
                             d1=Evidence.issued_on, d2=Evidence.expires_on)
        .where(among(Evidence.solution_id), Evidence.superseded_by_id.is_(None)),
        "unit": _rows_of("unit", RolloutUnit.solution_id, id=RolloutUnit.id, n=RolloutUnit.position,
                         t1=RolloutUnit.name, d1=RolloutUnit.planned_start, d2=RolloutUnit.actual_start)
        .where(among(RolloutUnit.solution_id)),
        "item": _rows_of("item", DecommissioningItem.solution_id, id=DecommissioningItem.id,
                         t1=DecommissioningItem.key, b1=DecommissioningItem.done)
        .where(among(DecommissioningItem.solution_id)),
        "assessment": _rows_of("assessment", TrustworthyAssessment.solution_id, id=TrustworthyAssessment.id,
                               d1=TrustworthyAssessment.assessed_on, j1=TrustworthyAssessment.answers)
        .where(among(TrustworthyAssessment.solution_id)),
        "fria": _rows_of("fria", FriaAssessment.solution_id, id=FriaAssessment.id, n=FriaAssessment.version,
                         at=FriaAssessment.reviewed_at)
        .where(among(FriaAssessment.solution_id), FriaAssessment.status == fria_rules.APPROVED),
        # the region-wide measures (no solution) count for every solution
        "measure": _rows_of("measure", LiteracyMeasure.solution_id, id=LiteracyMeasure.id,
                            d1=LiteracyMeasure.held_on, j1=LiteracyMeasure.care_units)
        .where(or_(among(LiteracyMeasure.solution_id), LiteracyMeasure.solution_id.is_(None))),
        # the linked product version's documents and its supplier's agreements (no product)
        "document": _rows_of("document", SolutionSupplierProduct.solution_id, id=SupplierDocument.id,
                             t1=SupplierDocument.kind, d1=SupplierDocument.issued_on,
                             d2=SupplierDocument.valid_until, d3=SupplierDocument.withdrawn_on,
                             b1=SupplierDocument.product_id.is_(None))
        .join(SupplierProduct, SupplierProduct.id == SolutionSupplierProduct.product_id)
        .join(SupplierDocument, (SupplierDocument.supplier_id == SupplierProduct.supplier_id)
              & or_(SupplierDocument.product_id == SupplierProduct.id, SupplierDocument.product_id.is_(None)))
        .where(among(SolutionSupplierProduct.solution_id)),
        # every version's decision (the Art 5 block), with the answers of the decided ones (the valid one)
        "version": _rows_of("version", Classification.solution_id, id=Classification.id, n=Classification.version,
                            t1=Classification.status, t2=Classification.override_category,
                            t3=Classification.override_device_class, j1=Classification.result,
                            j2=case((Classification.status.in_(DECIDED), Classification.answers)))
        .where(among(Classification.solution_id)),
    }
    return union_all(*(branch for kind, branch in branches.items() if kind not in skip))


# What a page may hand in, as it read it, and the kind of rows it stands for: the current oversight `assignment`
# (None for none), the goals as `goals.goals_for` reads them (`goal_list`), the `benefit` estimate (None for
# none), the evidence as `evidence.evidence_for` reads it (`evidence_list`), every classification version
# newest first as `classification.services.classifications_of` reads them (`classifications`), the rollout
# plan's units as `plans.rollout_units` reads them (`rollout`), the decommissioning checklist's items by key as
# `plans.checklist_items` reads them (`decommissioning`), the linked product version's documents and its
# supplier's agreements as `suppliers.linked_documents` reads them (`supplier_documents`).
GIVEN = {"assignment": "assignment", "goal_list": "goal", "benefit": "benefit", "evidence_list": "evidence",
         "classifications": "version", "rollout": "unit", "decommissioning": "item",
         "supplier_documents": "document"}


def gate_facts_for(solutions: list[Solution], *, on: date,
                   given: dict[int, dict] | None = None) -> dict[int, GateFacts]:
    """The gate facts of each of `solutions` (loaded: their own columns are facts too) on `on`, every module's
    records of all of them read at once: one statement however many solutions (the page's few; their ids are
    sent as a list). `given`: per solution id, what the page has read already (by the names of `GIVEN`); a kind
    handed in for every solution is not read."""
    if not solutions:
        return {}
    ids = [s.id for s in solutions]
    given = given or {}
    skip = frozenset(kind for name, kind in GIVEN.items() if all(name in given.get(i, ()) for i in ids))
    rows: dict[str, dict[int | None, list]] = defaultdict(lambda: defaultdict(list))
    for row in db.session.execute(_record_rows(skip), {"ids": ids}):
        rows[row.kind][row.sid].append(row)
    versions = {sid: [
        _Record(id=r.id, version=r.n, status=r.t1, override_category=r.t2, override_device_class=r.t3, result=r.j1,
                answers=r.j2, overridden=r.t1 == OVERRIDDEN) for r in sorted(found, key=lambda r: r.n)]
        for sid, found in rows["version"].items()}
    versions.update({sid: handed["classifications"][::-1] for sid, handed in given.items()
                     if "classifications" in handed})  # handed in newest first
    classified = classification_gate_facts_from(solutions, versions)
    facts = {}
    for s in solutions:
        handed = given.get(s.id, {})
        own = {kind: rows[kind].get(s.id, ()) for kind in _KINDS}
        assignment = handed["assignment"] if "assignment" in handed else _assignment(own["assignment"])
        goal_facts = (goals.goal_facts_from(handed["goal_list"]) if "goal_list" in handed else tuple(
            goals.goal_fact_of(f"#{r.id} {r.t1}", r.t2, r.b1, r.b2, r.n) for r in sorted(own["goal"], key=_by_id)))
        estimated = handed["benefit"] is not None if "benefit" in handed else bool(own["benefit"])
        held = (evidence.evidence_facts_from(handed["evidence_list"]) if "evidence_list" in handed else
                evidence.evidence_facts_from([_Record(type=r.t1, issued_on=r.d1, expires_on=r.d2)
                                              for r in sorted(own["evidence"], key=_by_id)]))
        latest_assessment = max(own["assessment"], key=lambda r: (r.d1, r.id), default=None)
        approved = max(own["fria"], key=lambda r: r.n, default=None)
        measures = sorted((*own["measure"], *rows["measure"].get(None, ())), key=lambda r: (r.d1, r.id),
                          reverse=True)
        facts[s.id] = _assemble(
            s, goals=goal_facts, has_benefit_estimate=estimated,
            oversight_owner=oversight.oversight_fact_of(assignment), evidence=held,
            rollout_units=rollout_unit_facts_from(handed["rollout"]) if "rollout" in handed else tuple(
                RolloutUnitFact(r.t1, r.d1, r.d2) for r in sorted(own["unit"], key=lambda r: (r.n, r.id))),
            decommissioning_checklist={key: item.done for key, item in handed["decommissioning"].items()}
            if "decommissioning" in handed else {r.t1: r.b1 for r in sorted(own["item"], key=_by_id)},
            trustworthy_assessment=assessments.assessment_fact_of(
                None if latest_assessment is None else _Record(assessed_on=latest_assessment.d1,
                                                               answers=latest_assessment.j1)),
            fria_fact=fria.gate_fact_of(None if approved is None else _Record(reviewed_at=approved.at)),
            supplier_evidence=suppliers.document_facts(handed["supplier_documents"] if "supplier_documents" in handed
                                                       else _documents(own["document"])),
            training=oversight.training_facts_of(assignment),
            literacy_measures=tuple(literacy.measure_fact(_Record(held_on=r.d1, care_units=r.j1, solution_id=r.sid))
                                    for r in measures),
            classification=classified[s.id])
    return facts


_KINDS = ("goal", "benefit", "assignment", "evidence", "unit", "item", "assessment", "fria", "measure", "document")


class _Record(SimpleNamespace):
    """A record's columns as the module's conversion reads them from its model."""


def _by_id(row) -> int:
    return row.id


def _assignment(found) -> _Record | None:
    if not found:
        return None
    row = found[0]  # never more than one current assignment (a partial unique index)
    return _Record(counts_as_oversight_owner=bool(row.b1), accepted_on=row.d1, confirmed_on=row.d2,
                   training_completed_on=row.d3)


def _documents(found) -> list[_Record]:
    """The product version's own documents, then its supplier's agreements, each by kind, newest issued first
    (`suppliers.solution_documents`' order)."""
    def order(row):
        return (row.t1, -(row.d1.toordinal() if row.d1 is not None else date.max.toordinal() + 1), -row.id)

    def record(row) -> _Record:
        return _Record(kind=row.t1, issued_on=row.d1, valid_until=row.d2, withdrawn_on=row.d3)

    own = sorted((r for r in found if not r.b1), key=order)
    agreements = sorted((r for r in found if r.b1), key=order)
    return [record(r) for r in (*own, *agreements)]


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
